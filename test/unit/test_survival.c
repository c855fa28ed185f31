/*
 * Unit tests of the survival runs: building and merging against a brute
 * force count, validation, the binary and text decoders (also fed random
 * bytes, under ASan), and the statistics against values printed by R's
 * survival package 3.5.3 (test/ref/survival).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "survival.h"
#include "unit.h"

/* An allocator that tracks live and peak bytes. */
typedef struct Track
{
	size_t		live;
	size_t		peak;
	int			fail_after;		/* fail the allocation after this many; -1 never */
} Track;

static void *
t_alloc(void *ctx, size_t size)
{
	Track	   *t = ctx;
	size_t	   *p;

	if (t->fail_after == 0)
		return NULL;
	if (t->fail_after > 0)
		t->fail_after--;
	p = malloc(size + 16);
	if (p == NULL)
		return NULL;
	p[0] = size;
	t->live += size;
	if (t->live > t->peak)
		t->peak = t->live;
	return (char *) p + 16;
}

static void
t_release(void *ctx, void *ptr)
{
	Track	   *t = ctx;
	size_t	   *p = (size_t *) ((char *) ptr - 16);

	t->live -= p[0];
	free(p);
}

static SurvAlloc
tracked(Track *t)
{
	SurvAlloc	m = {t_alloc, t_release, t};

	memset(t, 0, sizeof(*t));
	t->fail_after = -1;
	return m;
}

static void
builder_free(SurvBuilder *b)
{
	if (b->run)
		b->mem.release(b->mem.ctx, b->run);
	if (b->pending)
		b->mem.release(b->mem.ctx, b->pending);
}

static uint64_t rng_state = 88172645463325252ULL;

static uint64_t
rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* brute force: counts per time over a small integer grid of times */
enum
{
	GRID = 500
};

static void
test_builder_against_brute_force(void)
{
	static int64_t ev[GRID],
				ce[GRID];
	Track		t;
	SurvAlloc	mem = tracked(&t);
	SurvBuilder b;
	int			i,
				bad = 0;
	size_t		k = 0;
	int64_t		total = 0;

	memset(ev, 0, sizeof(ev));
	memset(ce, 0, sizeof(ce));
	surv_builder_init(&b, &mem);
	for (i = 0; i < 200000; i++)
	{
		int			x = (int) (rng() % GRID);
		int			churned = (int) (rng() % 3 == 0);

		if (churned)
			ev[x]++;
		else
			ce[x]++;
		bad += surv_builder_add(&b, x / 4.0, churned, !churned) != CA_OK;
	}
	CHECK(bad == 0);
	CHECK(b.observations == 200000);
	CHECK(surv_builder_flush(&b) == CA_OK);
	CHECK(surv_run_valid(b.run, b.nrun, NULL));
	for (i = 0; i < GRID; i++)
	{
		if (ev[i] + ce[i] == 0)
			continue;
		if (k >= b.nrun || b.run[k].time != i / 4.0 ||
			b.run[k].events != ev[i] || b.run[k].censored != ce[i])
			bad++;
		k++;
		total += ev[i] + ce[i];
	}
	CHECK(bad == 0);
	CHECK(k == b.nrun);
	CHECK(surv_observations(b.run, b.nrun) == total);
	/* few distinct times: memory stays near the run plus a small buffer */
	CHECK(t.peak < 64 * 1024);
	builder_free(&b);
	CHECK(t.live == 0);
}

static void
test_distinct_times_and_merge(void)
{
	Track		t;
	SurvAlloc	mem = tracked(&t);
	SurvBuilder all,
				part[3];
	int			i,
				bad = 0;

	surv_builder_init(&all, &mem);
	for (i = 0; i < 3; i++)
		surv_builder_init(&part[i], &mem);
	for (i = 0; i < 50000; i++)
	{
		/* mostly distinct times, some repeated */
		double		x = (double) (rng() % 40000) / 7.0;
		int			churned = (int) (rng() & 1);

		bad += surv_builder_add(&all, x, churned, !churned) != CA_OK;
		bad += surv_builder_add(&part[i % 3], x, churned, !churned) != CA_OK;
	}
	CHECK(bad == 0);
	CHECK(surv_builder_flush(&all) == CA_OK);
	CHECK(surv_run_valid(all.run, all.nrun, NULL));
	/* rollup: one long run merged directly, one small run via the buffer */
	CHECK(surv_builder_flush(&part[1]) == CA_OK);
	CHECK(surv_builder_add_run(&part[0], part[1].run, part[1].nrun) == CA_OK);
	CHECK(surv_builder_flush(&part[2]) == CA_OK);
	for (i = 0; i < (int) part[2].nrun; i += 100)
	{
		size_t		len = part[2].nrun - i < 100 ? part[2].nrun - i : 100;

		bad += surv_builder_add_run(&part[0], part[2].run + i, len) != CA_OK;
	}
	CHECK(bad == 0);
	CHECK(surv_builder_flush(&part[0]) == CA_OK);
	CHECK(part[0].nrun == all.nrun);
	CHECK(part[0].observations == 50000);
	CHECK(part[0].nrun == all.nrun &&
		  memcmp(part[0].run, all.run, all.nrun * sizeof(SurvPoint)) == 0);
	builder_free(&all);
	for (i = 0; i < 3; i++)
		builder_free(&part[i]);
	CHECK(t.live == 0);
}

static void
test_builder_errors(void)
{
	Track		t;
	SurvAlloc	mem = tracked(&t);
	SurvBuilder b;
	SurvPoint	unsorted[2] = {{2, 1, 0}, {1, 1, 0}};
	int			i;

	surv_builder_init(&b, &mem);
	CHECK(surv_builder_add(&b, -1.0, 1, 0) == CA_BAD_TIME);
	CHECK(surv_builder_add(&b, NAN, 1, 0) == CA_BAD_TIME);
	CHECK(surv_builder_add(&b, INFINITY, 0, 1) == CA_BAD_TIME);
	CHECK(surv_builder_add(&b, 1.0, -1, 0) == CA_BAD_COUNT);
	CHECK(surv_builder_add(&b, 1.0, 0, 0) == CA_OK);
	CHECK(b.observations == 0 && b.npending == 0);
	/* -0 is stored as +0 */
	CHECK(surv_builder_add(&b, -0.0, 1, 0) == CA_OK);
	CHECK(surv_builder_add(&b, 0.0, 0, 1) == CA_OK);
	CHECK(surv_builder_flush(&b) == CA_OK);
	CHECK(b.nrun == 1 && !signbit(b.run[0].time) && b.run[0].events == 1 &&
		  b.run[0].censored == 1);
	/* overflow of the observation count leaves the builder unchanged */
	CHECK(surv_builder_add(&b, 3.0, INT64_MAX - 2, 0) == CA_OK);
	CHECK(surv_builder_add(&b, 4.0, 1, 0) == CA_OVERFLOW);
	CHECK(b.observations == INT64_MAX);
	CHECK(surv_builder_add_run(&b, unsorted, 2) == CA_BAD_TIME);
	builder_free(&b);

	/* allocation failure is reported, not a crash */
	surv_builder_init(&b, &mem);
	t.fail_after = 1;
	for (i = 0; i < 1000; i++)
		if (surv_builder_add(&b, i, 1, 0) != CA_OK)
			break;
	CHECK(i < 1000);
	CHECK(surv_builder_add(&b, 5000.0, 1, 0) == CA_NO_MEMORY);
	t.fail_after = -1;
	builder_free(&b);
	CHECK(t.live == 0);
}

static void
test_validation(void)
{
	SurvPoint	p[3] = {{0, 1, 0}, {1.5, 0, 2}, {7, 3, 1}};
	SurvProblem why;

	CHECK(surv_run_valid(p, 3, &why));
	CHECK(surv_run_valid(p, 0, &why));
	p[1].time = 0;
	CHECK(!surv_run_valid(p, 3, &why) && strstr(why.msg, "point 2") != NULL);
	p[1].time = 8;
	CHECK(!surv_run_valid(p, 3, &why));
	p[1].time = 1.5;
	p[2].censored = -1;
	CHECK(!surv_run_valid(p, 3, &why));
	p[2].censored = 0;
	p[2].events = 0;
	CHECK(!surv_run_valid(p, 3, &why));
	p[2].events = INT64_MAX;
	CHECK(!surv_run_valid(p, 3, &why));
	p[2].events = 1;
	p[0].time = -0.0;
	CHECK(!surv_run_valid(p, 3, &why));
	p[0].time = NAN;
	CHECK(!surv_run_valid(p, 3, &why));
}

static void
test_binary(void)
{
	SurvPoint	p[3] = {{0, 1, 0}, {1.5, 0, 2}, {7.25, 3, 1}},
				q[3];
	unsigned char buf[128];
	size_t		n;
	SurvProblem why;
	int			i,
				accepted = 0;

	CHECK(surv_binary_size(3) == 77);
	surv_binary_encode(p, 3, buf);
	CHECK(buf[0] == SURV_FORMAT_VERSION);
	CHECK(surv_binary_count(buf, 77, &n, &why) && n == 3);
	CHECK(surv_binary_decode(buf, 77, q, &why));
	CHECK(memcmp(p, q, sizeof(p)) == 0);
	CHECK(!surv_binary_count(buf, 76, &n, &why));
	CHECK(!surv_binary_count(buf, 0, &n, &why));
	buf[0] = 2;
	CHECK(!surv_binary_count(buf, 77, &n, &why) && strstr(why.msg, "version") != NULL);
	buf[0] = SURV_FORMAT_VERSION;
	buf[1] = 0xff;
	CHECK(!surv_binary_count(buf, 77, &n, &why));

	/* random bytes, and random corruptions of a valid encoding */
	for (i = 0; i < 20000; i++)
	{
		size_t		len = (size_t) (rng() % sizeof(buf));
		size_t		j;
		unsigned char *copy;
		SurvPoint  *out;

		if (i % 2 == 0)
		{
			for (j = 0; j < len; j++)
				buf[j] = (unsigned char) rng();
			if (len >= 5 && i % 4 == 0)
			{
				/* a plausible header so that the points get decoded */
				buf[0] = SURV_FORMAT_VERSION;
				len = 5 + 24 * ((len - 5) / 24);
				buf[1] = buf[2] = buf[3] = 0;
				buf[4] = (unsigned char) ((len - 5) / 24);
			}
		}
		else
		{
			surv_binary_encode(p, 3, buf);
			len = 77;
			buf[rng() % len] ^= (unsigned char) (1 + rng() % 255);
		}
		/* exact-size heap copies let ASan catch any overread */
		copy = malloc(len ? len : 1);
		memcpy(copy, buf, len);
		if (surv_binary_count(copy, len, &n, &why))
		{
			out = malloc((n ? n : 1) * sizeof(SurvPoint));
			if (surv_binary_decode(copy, len, out, &why))
			{
				accepted++;
				CHECK(surv_run_valid(out, n, NULL));
			}
			free(out);
		}
		free(copy);
	}
	CHECK(accepted > 0);
}

static void
test_text(void)
{
	Track		t;
	SurvAlloc	mem = tracked(&t);
	SurvPoint  *pts;
	size_t		n;
	SurvProblem why;
	const char *good = "(version=1, observations=7, events=4, points=[0:1/0, 1.5:0/2, 7.25:3/1])";
	const char *bad[] = {
		"", "(", "()", "garbage", "(version=2, observations=0, events=0, points=[])",
		"(observations=0, version=1, events=0, points=[])",
		"(version=1, observations=0, events=0)",
		"(version=1, observations=0, events=0, points=[], events=0)",
		"(version=1, observations=1, events=0, points=[])",
		"(version=1, observations=2, events=1, points=[2:1/0, 1:0/1])",
		"(version=1, observations=2, events=1, points=[1:1/0, 1:0/1])",
		"(version=1, observations=1, events=1, points=[-1:1/0])",
		"(version=1, observations=1, events=1, points=[nan:1/0])",
		"(version=1, observations=1, events=1, points=[inf:1/0])",
		"(version=1, observations=1, events=1, points=[1e999:1/0])",
		"(version=1, observations=1, events=1, points=[1e-400:1/0])",
		"(version=1, observations=1, events=1, points=[0x10:1/0])",
		"(version=1, observations=0, events=0, points=[1:0/0])",
		"(version=1, observations=0, events=-1, points=[1:-1/1])",
		"(version=1, observations=1, events=1, points=[1:1.5/0])",
		"(version=1, observations=1, events=1, points=[1:1/0) trailing",
		"(version=1, observations=1, events=1, points=[1:1/0]) trailing",
		"(version=1, observations=99999999999999999999, events=0, points=[])",
		"(version=1, observations=1, events=1, points=[1:1/0 2:1/0])",
		"(version=1, bogus=1)",
		NULL
	};
	int			i;

	CHECK(surv_text_parse(good, &mem, &pts, &n, &why));
	CHECK(n == 3 && pts[2].time == 7.25 && pts[2].events == 3 && pts[1].censored == 2);
	t_release(&t, pts);
	CHECK(surv_text_parse(" ( version = 1 ,points=[ ] , events=0,observations=0 ) ",
						  &mem, &pts, &n, &why));
	CHECK(n == 0 && pts == NULL);
	/* subnormal times read back exactly */
	CHECK(surv_text_parse("(version=1, observations=1, events=1, points=[5e-324:1/0])",
						  &mem, &pts, &n, &why));
	CHECK(n == 1 && pts[0].time == 5e-324);
	t_release(&t, pts);
	for (i = 0; bad[i] != NULL; i++)
	{
		bool		ok = surv_text_parse(bad[i], &mem, &pts, &n, &why);

		CHECK(!ok);
		if (ok)
			fprintf(stderr, "accepted: %s\n", bad[i]);
	}

	/* random corruptions of a valid text */
	for (i = 0; i < 20000; i++)
	{
		size_t		len = strlen(good);
		char	   *s = malloc(len + 1);
		int			k;

		memcpy(s, good, len + 1);
		for (k = 0; k < 1 + (int) (rng() % 3); k++)
		{
			size_t		at = rng() % len;

			if (rng() % 4 == 0)
				s[at] = '\0';
			else
				s[at] = " ()[],:/=-.0123456789eav"[rng() % 24];
		}
		if (surv_text_parse(s, &mem, &pts, &n, &why))
		{
			CHECK(surv_run_valid(pts, n, NULL));
			if (pts)
				t_release(&t, pts);
		}
		free(s);
	}
	/* random bytes, biased towards the characters of the syntax */
	for (i = 0; i < 20000; i++)
	{
		size_t		len = (size_t) (rng() % 80),
					j;
		char	   *s = malloc(len + 1);

		for (j = 0; j < len; j++)
			s[j] = (rng() & 1) ? (char) (1 + rng() % 255) :
				"(version=1,observations=events=points=[0:1/2])"[rng() % 46];
		s[len] = '\0';
		if (surv_text_parse(s, &mem, &pts, &n, &why) && pts)
			t_release(&t, pts);
		free(s);
	}
	CHECK(t.live == 0);
}

static void
test_curve(void)
{
	/* R: survfit(Surv(c(1,2,2,3,4), c(1,1,0,1,1)) ~ 1) */
	SurvPoint	p[4] = {{1, 1, 0}, {2, 1, 1}, {3, 1, 0}, {4, 1, 0}};
	static const double surv[] = {0.8, 0.6, 0.3, 0.0};
	static const double se[] = {0.17888543819998318, 0.21908902300206645,
	0.23874672772626648};
	static const double lo[] = {0.51612576034217203, 0.29331643163832644,
	0.063054484255136337};
	SurvCurveIter it;
	SurvCurveRow row;
	int			i = 0;

	surv_curve_start(&it, p, 4, 0.95);
	while (surv_curve_next(&it, &row))
	{
		CHECK(row.time == p[i].time && row.events == 1);
		CHECK_CLOSE(row.survival, surv[i], 1e-15);
		if (i < 3)
		{
			CHECK_CLOSE(row.std_err, se[i], 1e-14);
			CHECK_CLOSE(row.ci_low, lo[i], 1e-14);
			CHECK(row.ci_high == 1.0);
		}
		else
			CHECK(isnan(row.std_err) && isnan(row.ci_low) && isnan(row.ci_high));
		i++;
	}
	CHECK(i == 4);
	CHECK(it.at_risk == 0);
	surv_curve_start(&it, p, 0, 0.95);
	CHECK(!surv_curve_next(&it, &row));
}

static void
test_median(void)
{
	/* R: print(survfit(...)) for the cases of test/ref/survival */
	SurvPoint	a[4] = {{1, 1, 0}, {2, 1, 0}, {3, 1, 0}, {4, 1, 0}};
	SurvPoint	b[4] = {{1, 1, 0}, {2, 1, 0}, {3, 0, 1}, {4, 0, 1}};
	SurvPoint	c[3] = {{3, 0, 2}, {5, 0, 1}, {9, 0, 1}};
	SurvPoint	d[1] = {{4, 1, 0}};

	CHECK(surv_median(a, 4) == 2.5);
	CHECK(surv_median(b, 4) == 2.0);
	CHECK(isnan(surv_median(c, 3)));
	CHECK(surv_median(d, 1) == 4.0);
	CHECK(isnan(surv_median(d, 0)));
}

static void
test_logrank(void)
{
	/* R: survdiff for the "single" and "all_censored" cases */
	SurvPoint	a1[1] = {{4, 1, 0}},
				b1[1] = {{7, 0, 1}};
	SurvPoint	a2[4] = {{3, 0, 1}, {5, 0, 1}, {7, 0, 1}, {9, 0, 1}};
	SurvPoint	b2[4] = {{2, 1, 0}, {4, 1, 0}, {6, 0, 1}, {8, 1, 0}};
	SurvPoint	none[1] = {{1, 0, 3}};
	SurvLogrank r;

	surv_logrank(a1, 1, b1, 1, &r);
	CHECK(r.df == 1);
	CHECK_REL(r.chisq, 1.0, 1e-14);
	CHECK_REL(r.p_value, 0.31731050786291415, 1e-14);
	surv_logrank(a2, 4, b2, 4, &r);
	CHECK_REL(r.chisq, 3.0, 1e-14);
	CHECK_REL(r.p_value, 0.083264516663550558, 1e-14);
	CHECK(r.observed[0] == 0 && r.observed[1] == 3);
	/* symmetric */
	surv_logrank(b2, 4, a2, 4, &r);
	CHECK_REL(r.chisq, 3.0, 1e-14);
	/* no events at all, or an empty group: no degree of freedom */
	surv_logrank(none, 1, a2, 4, &r);
	CHECK(r.df == 0 && r.chisq == 0.0 && isnan(r.p_value));
	surv_logrank(a1, 1, a1, 0, &r);
	CHECK(r.df == 0 && isnan(r.p_value));
	/* everyone at risk churns at once: zero variance, undefined */
	surv_logrank(a1, 1, a1, 1, &r);
	CHECK(r.df == 1 && isnan(r.chisq) && isnan(r.p_value));
}

int
main(void)
{
	RUN(test_builder_against_brute_force);
	RUN(test_distinct_times_and_merge);
	RUN(test_builder_errors);
	RUN(test_validation);
	RUN(test_binary);
	RUN(test_text);
	RUN(test_curve);
	RUN(test_median);
	RUN(test_logrank);
	return unit_done("survival");
}
