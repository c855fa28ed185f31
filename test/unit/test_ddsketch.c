/*
 * Unit tests of the quantile sketch, its exact sum and its binary form,
 * with a fuzz-style run of the decoder on random and mutated bytes.
 */
#include <float.h>
#include <stdlib.h>
#include <string.h>

#include "ddsketch.h"
#include "unit.h"

/* xorshift64*: reproducible across platforms, unlike rand() */
static uint64_t rng_state = 88172645463325252ULL;

static uint64_t
rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ULL;
}

static double
uniform(void)
{
	return ((rng() >> 11) + 0.5) / 9007199254740992.0;
}

static double
lognormal(double mu, double sigma)
{
	double		z = sqrt(-2.0 * log(uniform())) * cos(2.0 * M_PI * uniform());

	return exp(mu + sigma * z);
}

static int
cmp_double(const void *a, const void *b)
{
	double		x = *(const double *) a,
				y = *(const double *) b;

	return x < y ? -1 : x > y;
}

static void
shuffle(double *v, int n)
{
	int			i;

	for (i = n - 1; i > 0; i--)
	{
		int			j = (int) (rng() % (uint64_t) (i + 1));
		double		t = v[i];

		v[i] = v[j];
		v[j] = t;
	}
}

/* encodes s into a fresh buffer; *len receives the size */
static uint8_t *
encode(const DDSketch *s, size_t *len)
{
	uint8_t    *buf = malloc(ddsketch_encoded_bound(s));

	*len = ddsketch_encode(s, buf);
	return buf;
}

static bool
same_encoding(const DDSketch *a, const DDSketch *b)
{
	size_t		la,
				lb;
	uint8_t    *ea = encode(a, &la),
			   *eb = encode(b, &lb);
	bool		same = la == lb && memcmp(ea, eb, la) == 0;

	free(ea);
	free(eb);
	return same;
}

static void
test_exact_sum(void)
{
	ExactSum	a,
				b;
	double		terms[XSUM_MAX_TERMS];
	int			i,
				n;

	/* 1e16 + 1 + 1: naive double addition loses both ones */
	xsum_init(&a);
	xsum_add(&a, 1e16);
	xsum_add(&a, 1.0);
	xsum_add(&a, 1.0);
	CHECK(xsum_round(&a) == 1e16 + 2.0);

	/* ten times 0.1 is not 1 exactly, but its correctly rounded sum is */
	xsum_init(&a);
	for (i = 0; i < 10; i++)
		xsum_add(&a, 0.1);
	CHECK(xsum_round(&a) == 1.0000000000000000555);
	n = xsum_expansion(&a, terms);
	CHECK(n == 2 && terms[0] == 1.0 && terms[1] == 5.5511151231257827e-17);

	/* cancellation beyond the double range stays exact */
	xsum_init(&a);
	xsum_add(&a, DBL_MAX);
	xsum_add(&a, DBL_MAX);
	CHECK(isinf(xsum_round(&a)));
	CHECK(xsum_expansion(&a, terms) == -1);
	xsum_add(&a, -DBL_MAX);
	xsum_add(&a, 1e-300);
	CHECK(xsum_round(&a) == DBL_MAX);
	n = xsum_expansion(&a, terms);
	CHECK(n == 2 && terms[0] == DBL_MAX && terms[1] == 1e-300);

	/* subnormals and signs */
	xsum_init(&a);
	xsum_add(&a, DBL_TRUE_MIN);
	xsum_add(&a, -3 * DBL_TRUE_MIN);
	CHECK(xsum_round(&a) == -2 * DBL_TRUE_MIN);
	xsum_add(&a, 2 * DBL_TRUE_MIN);
	CHECK(xsum_is_zero(&a) && xsum_round(&a) == 0.0);

	/* ties round to even: 2^53 + 1 lies halfway between two doubles */
	xsum_init(&a);
	xsum_add(&a, 9007199254740992.0);
	xsum_add(&a, 1.0);
	CHECK(xsum_round(&a) == 9007199254740992.0);
	xsum_add(&a, 1e-30);		/* just above the tie: rounds up */
	CHECK(xsum_round(&a) == 9007199254740994.0);

	/* order does not matter, merged or added */
	{
		double		v[1000];
		ExactSum	c;
		uint32_t	mag[XSUM_DIGITS],
					mag2[XSUM_DIGITS];
		bool		neg,
					neg2;
		int			lo,
					lo2,
					n2;

		for (i = 0; i < 1000; i++)
			v[i] = (uniform() - 0.5) * pow(10.0, (double) (rng() % 40) - 20);
		xsum_init(&a);
		for (i = 0; i < 1000; i++)
			xsum_add(&a, v[i]);
		shuffle(v, 1000);
		xsum_init(&b);
		xsum_init(&c);
		for (i = 0; i < 1000; i++)
			xsum_add(i % 3 ? &b : &c, v[i]);
		xsum_merge(&b, &c);
		n = xsum_export(&a, &neg, &lo, mag);
		n2 = xsum_export(&b, &neg2, &lo2, mag2);
		CHECK(n == n2 && neg == neg2 && lo == lo2 && memcmp(mag, mag2, n * 4) == 0);
		CHECK(xsum_import(&c, neg, lo, n, mag));
		CHECK(xsum_round(&c) == xsum_round(&a));
	}
}

/*
 * Inputs the fuzz harnesses (test/fuzz) found, each rejected or handled
 * since; their bytes are also in the harnesses' seed corpora.
 */
static void
test_fuzz_findings(void)
{
	/* a sum with bits below the least subnormal, found by fuzz_exact_sum */
	static const uint32_t below[] = {0xdb0c};
	static const uint32_t least[] = {UINT32_C(1) << 14};
	static const uint32_t two_digits[] = {1, 1};
	ExactSum	a;
	DDSketch	s,
				t;
	uint8_t    *buf;
	size_t		len,
				i;
	const char *why;

	CHECK(!xsum_import(&a, true, 0, 1, below));
	CHECK(!xsum_import(&a, false, 0, 2, two_digits));
	/* the same digits one place higher are a sum of doubles */
	CHECK(xsum_import(&a, true, 1, 1, below));
	CHECK(xsum_round(&a) == -(double) 0xdb0c * 0x1p-1056);
	/* 2^-1074 itself is fine */
	CHECK(xsum_import(&a, true, 0, 1, least));
	CHECK(xsum_round(&a) == -DBL_TRUE_MIN);

	/* through the decoder: a sketch whose sum is -2^-1074, then tampered */
	ddsketch_init(&s, 0.01, test_alloc, NULL);
	CHECK(ddsketch_add(&s, -DBL_TRUE_MIN) == CA_OK);
	buf = encode(&s, &len);
	CHECK(ddsketch_decode(&t, buf, len, test_alloc, NULL) == NULL);
	ddsketch_free(&t);
	for (i = 0; i + 4 <= len; i++)
	{
		/* the digit follows the digit count (1), lowest (0) and sign (1) */
		if (buf[i] == 1 && buf[i + 1] == 0 && buf[i + 2] == 1 &&
			i + 7 <= len && buf[i + 5] == 0x40 && buf[i + 6] == 0)
		{
			buf[i + 6] = 0x01;	/* adds 2^-1088 */
			break;
		}
	}
	CHECK(i + 4 <= len);
	why = ddsketch_decode(&t, buf, len, test_alloc, NULL);
	CHECK(why != NULL && strcmp(why, "invalid sum digits") == 0);
	ddsketch_free(&t);
	ddsketch_free(&s);
	free(buf);
}

/* every quantile within alpha of the value of rank ceil(q n) */
static void
check_accuracy(const char *name, double *v, int n, double alpha)
{
	static const double qs[] = {0, 0.001, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 0.999, 1};
	DDSketch	s;
	int			i,
				bad = 0;

	ddsketch_init(&s, alpha, test_alloc, NULL);
	for (i = 0; i < n; i++)
		CHECK(ddsketch_add(&s, v[i]) == CA_OK);
	qsort(v, n, sizeof(double), cmp_double);
	for (i = 0; i < (int) (sizeof(qs) / sizeof(qs[0])); i++)
	{
		int64_t		rank = (int64_t) ceil(qs[i] * n);
		double		want = v[rank < 1 ? 0 : rank - 1];
		double		got = ddsketch_quantile(&s, qs[i]);

		if (fabs(got - want) > alpha * fabs(want) * (1 + 1e-12))
		{
			bad++;
			fprintf(stderr, "%s q=%g: got %.17g, want %.17g\n", name, qs[i], got, want);
		}
	}
	CHECK(bad == 0);
	CHECK(ddsketch_quantile(&s, 0) == v[0] && ddsketch_quantile(&s, 1) == v[n - 1]);
	/* cdf brackets: F(x / (1 + alpha)) <= cdf(x) <= F(x / (1 - alpha)) */
	for (i = 0; i < 20; i++)
	{
		double		x = v[(int) (rng() % (uint64_t) n)];
		double		lo = x > 0 ? x / (1 + alpha) : x / (1 - alpha);
		double		hi = x > 0 ? x / (1 - alpha) : x / (1 + alpha);
		double		c = ddsketch_cdf(&s, x);
		int			below_lo = 0,
					below_hi = 0,
					j;

		for (j = 0; j < n; j++)
		{
			below_lo += v[j] <= lo;
			below_hi += v[j] <= hi;
		}
		CHECK(c >= (double) below_lo / n - 1e-12 && c <= (double) below_hi / n + 1e-12);
	}
	ddsketch_free(&s);
}

static void
test_accuracy(void)
{
	enum {N = 20000};
	static double v[N];
	int			i;

	for (i = 0; i < N; i++)
		v[i] = lognormal(3.0, 0.5);
	check_accuracy("lognormal", v, N, 0.01);
	for (i = 0; i < N; i++)
		v[i] = pow(uniform(), -1.0 / 1.5);	/* Pareto, shape 1.5 */
	check_accuracy("pareto", v, N, 0.01);
	for (i = 0; i < N; i++)
		v[i] = uniform() * 1000;
	check_accuracy("uniform", v, N, 0.005);
	for (i = 0; i < N; i++)
		v[i] = i % 10 == 0 ? 0.0 : (uniform() - 0.3) * lognormal(0, 2);
	check_accuracy("mixed sign", v, N, 0.02);
}

/* serial, shuffled and merged in pieces: the same bytes */
static void
check_order_free(double *v, int n, double alpha, bool expect_collapse)
{
	DDSketch	serial,
				merged,
				part;
	int			i,
				start;

	ddsketch_init(&serial, alpha, test_alloc, NULL);
	for (i = 0; i < n; i++)
		ddsketch_add(&serial, v[i]);
	CHECK((serial.pos.collapsed || serial.neg.collapsed) == expect_collapse);
	shuffle(v, n);
	ddsketch_init(&merged, alpha, test_alloc, NULL);
	for (start = 0; start < n;)
	{
		int			len = 1 + (int) (rng() % 700);

		ddsketch_init(&part, alpha, test_alloc, NULL);
		for (i = start; i < n && i < start + len; i++)
			ddsketch_add(&part, v[i]);
		CHECK(ddsketch_merge(&merged, &part) == CA_OK);
		ddsketch_free(&part);
		start += len;
	}
	CHECK(same_encoding(&serial, &merged));
	CHECK(ddsketch_problem(&merged) == NULL);
	ddsketch_free(&serial);
	ddsketch_free(&merged);
}

static void
test_merge_order(void)
{
	enum {N = 5000};
	static double v[N];
	DDSketch	a,
				b;
	int			i;

	for (i = 0; i < N; i++)
		v[i] = (i % 7 == 0 ? -1 : 1) * lognormal(2, 1.5);
	check_order_free(v, N, 0.01, false);
	/* alpha 0.0005 spans a factor ~8 in 2048 buckets: forces collapsing */
	for (i = 0; i < N; i++)
		v[i] = (i % 5 == 0 ? -1 : 1) * lognormal(2, 3);
	check_order_free(v, N, 0.0005, true);

	/* different alpha: no merge */
	ddsketch_init(&a, 0.01, test_alloc, NULL);
	ddsketch_init(&b, 0.02, test_alloc, NULL);
	ddsketch_add(&b, 1.0);
	CHECK(ddsketch_merge(&a, &b) == CA_INCONSISTENT);
	CHECK(ddsketch_add(&a, NAN) == CA_NOT_FINITE);
	CHECK(ddsketch_add(&a, -INFINITY) == CA_NOT_FINITE);
	CHECK(a.count == 0);
	ddsketch_free(&b);

	/* a collapsed store keeps the top buckets and its guarantee there */
	ddsketch_init(&a, 0.0005, test_alloc, NULL);
	for (i = 0; i < N; i++)
		ddsketch_add(&a, lognormal(2, 3));
	CHECK(a.pos.collapsed && a.pos.hi - a.pos.lo + 1 == DDSKETCH_MAX_BUCKETS);
	CHECK(fabs(ddsketch_quantile(&a, 1) - a.max) == 0);
	ddsketch_free(&a);
}

static void
test_codec_round_trip(void)
{
	DDSketch	s,
				back;
	uint8_t    *buf;
	size_t		len;
	int			i;

	ddsketch_init(&s, 0.01, test_alloc, NULL);
	buf = encode(&s, &len);
	CHECK(ddsketch_decode(&back, buf, len, test_alloc, NULL) == NULL);
	CHECK(back.count == 0 && same_encoding(&s, &back));
	free(buf);
	ddsketch_free(&back);

	for (i = 0; i < 10000; i++)
		ddsketch_add(&s, i % 11 == 0 ? 0.0 : (i % 3 ? 1 : -1) * lognormal(1, 2));
	buf = encode(&s, &len);
	CHECK(ddsketch_decode(&back, buf, len, test_alloc, NULL) == NULL);
	CHECK(same_encoding(&s, &back));
	CHECK(ddsketch_quantile(&back, 0.99) == ddsketch_quantile(&s, 0.99));
	/* every truncation fails cleanly */
	for (i = 0; i < (int) len; i++)
	{
		DDSketch	t;

		CHECK(ddsketch_decode(&t, buf, (size_t) i, test_alloc, NULL) != NULL);
		ddsketch_free(&t);
	}
	free(buf);
	ddsketch_free(&s);
	ddsketch_free(&back);
}

/*
 * Random and mutated inputs: the decoder never reads out of bounds (ASan)
 * and whatever it accepts is canonical: it encodes back to the same bytes.
 */
static void
test_fuzz_decoder(void)
{
	DDSketch	s,
				t;
	uint8_t    *valid,
			   *buf;
	size_t		len;
	int			i,
				accepted = 0,
				noncanonical = 0;

	ddsketch_init(&s, 0.02, test_alloc, NULL);
	for (i = 0; i < 300; i++)
		ddsketch_add(&s, (i % 4 ? 1 : -1) * lognormal(0, 1));
	valid = encode(&s, &len);
	/* zeroed: resized inputs reach past the valid encoding */
	buf = calloc(1, len + 64);
	for (i = 0; i < 200000; i++)
	{
		size_t		n;
		int			k;

		if (i % 4 == 0)
		{
			/* random bytes, often starting with the right version */
			n = rng() % 64;
			for (k = 0; k < (int) n; k++)
				buf[k] = (uint8_t) rng();
			if (n > 0 && i % 8 == 0)
				buf[0] = DDSKETCH_FORMAT_VERSION;
		}
		else
		{
			/* a few byte changes to a valid encoding, maybe resized */
			memcpy(buf, valid, len);
			n = len;
			for (k = 1 + (int) (rng() % 3); k > 0; k--)
				buf[rng() % len] ^= (uint8_t) (1 + rng() % 255);
			if (i % 7 == 0)
				n = rng() % (len + 64);
		}
		if (ddsketch_decode(&t, buf, n, test_alloc, NULL) == NULL)
		{
			size_t		m;
			uint8_t    *again = encode(&t, &m);

			accepted++;
			noncanonical += m != n || memcmp(again, buf, n) != 0;
			free(again);
		}
		ddsketch_free(&t);
	}
	CHECK(noncanonical == 0);
	CHECK(accepted > 0 && accepted < 200000);
	free(buf);
	free(valid);
	ddsketch_free(&s);
}

static void
test_compare(void)
{
	DDSketch	c,
				t;
	DDComparison r;
	int			i;

	/* identical distributions: probability 1/2, p-value 1 */
	ddsketch_init(&c, 0.01, test_alloc, NULL);
	ddsketch_init(&t, 0.01, test_alloc, NULL);
	for (i = 1; i <= 100; i++)
	{
		ddsketch_add(&c, i);
		ddsketch_add(&t, i);
	}
	CHECK(ddsketch_compare(&c, &t, &r) == CA_OK);
	CHECK(r.prob_greater == 0.5 && r.p_value == 1.0 && r.median_shift == 0.0);
	/* all treatment values above: probability 1 */
	ddsketch_free(&t);
	ddsketch_init(&t, 0.01, test_alloc, NULL);
	for (i = 1; i <= 100; i++)
		ddsketch_add(&t, 1000 + i);
	CHECK(ddsketch_compare(&c, &t, &r) == CA_OK);
	CHECK(r.prob_greater == 1.0 && r.prob_error == 0.0 && r.p_value < 1e-30);
	/* a single tied bin: no variance, no p-value */
	ddsketch_free(&c);
	ddsketch_free(&t);
	ddsketch_init(&c, 0.01, test_alloc, NULL);
	ddsketch_init(&t, 0.01, test_alloc, NULL);
	ddsketch_add(&c, 5);
	ddsketch_add(&t, 5);
	CHECK(ddsketch_compare(&c, &t, &r) == CA_OK);
	CHECK(r.prob_greater == 0.5 && r.prob_error == 0.5 && isnan(r.p_value));
	ddsketch_free(&t);
	ddsketch_init(&t, 0.01, test_alloc, NULL);
	CHECK(ddsketch_compare(&c, &t, &r) == CA_INCONSISTENT);
	ddsketch_free(&c);
	ddsketch_free(&t);
}

/*
 * The comparison on the buckets, computed by brute force over all pairs: a
 * value's bin is its signed bucket index, floored where a store collapsed.
 */
static double
bin_of(const DDSketch *s, double v, int32_t pos_floor, int32_t neg_floor)
{
	int32_t		i;

	if (v == 0.0)
		return 0.0;
	i = ddsketch_index(s, fabs(v));
	if (v > 0)
		return 1e9 + (i < pos_floor ? pos_floor : i);
	return -1e9 - (i < neg_floor ? neg_floor : i);
}

static void
test_compare_collapsed(void)
{
	enum {NC = 3000, NT = 2000};
	static double c[NC],
				t[NT];
	DDSketch	sc,
				st;
	DDComparison r;
	int32_t		pos_floor,
				neg_floor;
	double		u = 0,
				same = 0;
	int			i,
				j;

	ddsketch_init(&sc, 0.0005, test_alloc, NULL);
	ddsketch_init(&st, 0.0005, test_alloc, NULL);
	for (i = 0; i < NC; i++)
		ddsketch_add(&sc, c[i] = (i % 9 == 0 ? -1 : 1) * lognormal(2, 3));
	/* the treatment spans less: only the control's stores collapse */
	for (i = 0; i < NT; i++)
		ddsketch_add(&st, t[i] = (i % 9 == 0 ? -1 : 1) * lognormal(2.3, 0.2));
	CHECK(sc.pos.collapsed && sc.neg.collapsed && !st.pos.collapsed);
	pos_floor = sc.pos.lo;
	neg_floor = sc.neg.lo;
	for (i = 0; i < NT; i++)
	{
		double		bt = bin_of(&st, t[i], pos_floor, neg_floor);

		for (j = 0; j < NC; j++)
		{
			double		bc = bin_of(&sc, c[j], pos_floor, neg_floor);

			u += bt > bc ? 1.0 : bt == bc ? 0.5 : 0.0;
			same += bt == bc;
		}
	}
	CHECK(ddsketch_compare(&sc, &st, &r) == CA_OK);
	CHECK_CLOSE(r.prob_greater, u / ((double) NC * NT), 1e-12);
	CHECK_CLOSE(r.prob_error, 0.5 * same / ((double) NC * NT), 1e-12);
	ddsketch_free(&sc);
	ddsketch_free(&st);
}

int
main(void)
{
	RUN(test_exact_sum);
	RUN(test_accuracy);
	RUN(test_merge_order);
	RUN(test_codec_round_trip);
	RUN(test_fuzz_decoder);
	RUN(test_compare);
	RUN(test_compare_collapsed);
	RUN(test_fuzz_findings);
	return unit_done("ddsketch");
}
