/*
 * make_seeds.c
 *		Writes the seed corpora of the fuzz harnesses into test/fuzz/corpus/:
 *		valid values of every binary form, made with the encoders, and
 *		texts of the text forms.  `make fuzz-seeds` runs it; its output is
 *		committed, so a change of a format shows up as a change of seeds.
 *
 * Usage: make_seeds DIR
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../test_alloc.h"
#include "activity.h"
#include "calendar.h"
#include "ddsketch.h"
#include "exact_sum.h"
#include "unit_map.h"
#include "survival.h"

static const char *outdir;

static void
write_seed(const char *harness, int k, const void *data, size_t len)
{
	char		path[512];
	FILE	   *f;

	snprintf(path, sizeof(path), "%s/%s", outdir, harness);
	if (mkdir(path, 0755) != 0 && errno != EEXIST)
	{
		perror(path);
		exit(1);
	}
	snprintf(path, sizeof(path), "%s/%s/seed-%02d", outdir, harness, k);
	if ((f = fopen(path, "wb")) == NULL ||
		fwrite(data, 1, len, f) != len || fclose(f) != 0)
	{
		perror(path);
		exit(1);
	}
}

/* A reproducible stream of doubles in [0, 1). */
static uint64_t rng_state = 0x5eed5eed5eed5eedULL;

static double
uniform(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (double) ((rng_state * 0x2545F4914F6CDD1DULL) >> 11) / 9007199254740992.0;
}

static void
sketch_seed(int k, double alpha, int n, double scale, double neg_share,
			double zero_share)
{
	DDSketch	s;
	uint8_t    *buf;
	size_t		len;
	int			i;

	ddsketch_init(&s, alpha, test_alloc, NULL);
	for (i = 0; i < n; i++)
	{
		double		u = uniform();
		double		v = u < zero_share ? 0.0 : exp(scale * (uniform() - 0.5));

		if (uniform() < neg_share)
			v = -v;
		if (ddsketch_add(&s, v) != CA_OK)
			abort();
	}
	buf = test_xmalloc(ddsketch_encoded_bound(&s));
	len = ddsketch_encode(&s, buf);
	write_seed("fuzz_ddsketch", k, buf, len);
	free(buf);
	ddsketch_free(&s);
}

static void
activity_seed(int k, uint8_t unit, int32_t periods, const char *locale,
			  const char *tz, int64_t origin)
{
	ActivityView a;
	uint8_t    *bits = calloc(1, activity_bitmap_size(periods));
	uint8_t    *buf;
	int32_t		i;

	for (i = 0; i < periods; i++)
		if (uniform() < 0.3)
			activity_set_bit(bits, i);
	a.unit = unit;
	a.periods = periods;
	a.origin = origin;
	a.locale = locale;
	a.locale_len = (uint8_t) strlen(locale);
	a.tz = tz;
	a.tz_len = (uint8_t) strlen(tz);
	a.bits = bits;
	if (activity_problem(&a) != NULL)
		abort();
	buf = test_xmalloc(activity_encoded_size(&a));
	activity_encode(&a, buf);
	write_seed("fuzz_activity", k, buf, activity_encoded_size(&a));
	free(buf);
	free(bits);
}

static void
retention_seed(int k, uint8_t unit, int32_t periods, int units)
{
	RetentionCounts r;
	int64_t    *counts = test_xmalloc(3 * sizeof(int64_t) * (size_t) periods);
	uint8_t    *bits = calloc(1, activity_bitmap_size(periods));
	uint8_t    *buf;
	int			u;
	int32_t		i;

	retention_init(&r, unit, periods, counts);
	for (u = 0; u < units; u++)
	{
		memset(bits, 0, activity_bitmap_size(periods));
		for (i = 0; i < periods; i++)
			if (uniform() < 0.5 / (1 + i))
				activity_set_bit(bits, i);
		retention_add(&r, bits, (int32_t) (uniform() * (periods + 1)));
	}
	buf = test_xmalloc(retention_encoded_size(periods));
	retention_encode(&r, buf);
	write_seed("fuzz_retention", k, buf, retention_encoded_size(periods));
	free(buf);
	free(bits);
	free(counts);
}

static void
survival_seed(int k, const SurvPoint *pts, size_t n)
{
	unsigned char *buf = test_xmalloc(surv_binary_size(n));

	surv_binary_encode(pts, n, buf);
	write_seed("fuzz_survival_binary", k, buf, surv_binary_size(n));
	free(buf);
}

static void
text_seed(const char *harness, int k, const char *text)
{
	write_seed(harness, k, text, strlen(text));
}

static void
calendar_seed(int k, uint8_t unit, int64_t from, int64_t to, const char *locale)
{
	uint8_t		buf[17 + CA_LOCALE_CAPACITY];
	int			i;

	/* days are folded from CA_DAY_MIN: store the offsets */
	uint64_t	a = (uint64_t) (from - CA_DAY_MIN),
				b = (uint64_t) (to - CA_DAY_MIN);

	buf[0] = unit;
	for (i = 0; i < 8; i++)
	{
		buf[1 + i] = (uint8_t) (a >> (8 * i));
		buf[9 + i] = (uint8_t) (b >> (8 * i));
	}
	memcpy(buf + 17, locale, strlen(locale));
	write_seed("fuzz_calendar", k, buf, 17 + strlen(locale));
}

static void
sum_seed(int k, const double *v, int n)
{
	ExactSum	s;
	uint32_t	mag[XSUM_DIGITS];
	uint8_t		buf[3 + 4 * XSUM_DIGITS];
	bool		negative;
	int			lowest,
				ndigits,
				i;

	xsum_init(&s);
	for (i = 0; i < n; i++)
		xsum_add(&s, v[i]);
	ndigits = xsum_export(&s, &negative, &lowest, mag);
	buf[0] = negative;
	buf[1] = (uint8_t) lowest;
	buf[2] = (uint8_t) ndigits;
	for (i = 0; i < ndigits; i++)
	{
		buf[3 + 4 * i] = (uint8_t) mag[i];
		buf[4 + 4 * i] = (uint8_t) (mag[i] >> 8);
		buf[5 + 4 * i] = (uint8_t) (mag[i] >> 16);
		buf[6 + 4 * i] = (uint8_t) (mag[i] >> 24);
	}
	write_seed("fuzz_exact_sum", k, buf, 3 + 4 * (size_t) ndigits);
}

static void
unit_map_seed(int k, int units, int rows)
{
	UnitMapBuilder b;
	uint8_t    *buf;
	size_t		len;
	int			i;

	unit_builder_init(&b, test_alloc, NULL);
	for (i = 0; i < rows; i++)
	{
		char		key[24];
		int			u = (int) (uniform() * units);

		snprintf(key, sizeof(key), "learner-%d", u);
		(void) unit_builder_add(&b, key, strlen(key), (CaFlag) (i % 3 - 1), (CaFlag) (u % 3 - 1),
								i % 4 != 0, (double) (i % 7) * 0.25);
	}
	len = unit_builder_encoded_size(&b);
	buf = test_xmalloc(len);
	unit_builder_encode(&b, buf);
	write_seed("fuzz_unit_map", k, buf, len);
	free(buf);
	unit_builder_free(&b);
}

int
main(int argc, char **argv)
{
	static const SurvPoint run1[] = {{1.5, 1, 0}, {4, 0, 2}};
	static const SurvPoint run2[] = {{0, 3, 1}, {2, 2, 0}, {3, 1, 4}, {7.25, 0, 1}, {12, 5, 0}};
	static const SurvPoint run3[] = {{5e-324, 1, 0}, {1e300, 0, 1}};
	static const double sum1[] = {1.5, 2.25, -0.125};
	static const double sum2[] = {1e308, 1e308, 1e308, -5e-324};
	static const double sum3[] = {-5e-324};
	static const double sum4[] = {-1e300, 3.0, 1e-300};

	if (argc != 2)
	{
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	outdir = argv[1];

	sketch_seed(1, 0.01, 0, 1, 0, 0);		/* empty */
	sketch_seed(2, 0.01, 1, 1, 0, 0);		/* one value */
	sketch_seed(3, 0.01, 500, 8, 0, 0);	/* latencies */
	sketch_seed(4, 0.05, 300, 10, 0.3, 0.1);	/* both signs and zeros */
	sketch_seed(5, 0.001, 4000, 300, 0.5, 0.05);	/* collapsed stores */
	sketch_seed(6, 1e-6, 50, 1, 0, 0);		/* the finest accuracy */

	activity_seed(1, CA_PERIOD_WEEK, 10, "en_US", "Europe/Berlin", 851990400000000LL);
	activity_seed(2, CA_PERIOD_DAY, 1024, "", "UTC", 0);
	activity_seed(3, CA_PERIOD_MONTH, 13, "th_TH@calendar=buddhist", "Asia/Bangkok", -1);
	activity_seed(4, CA_PERIOD_QUARTER, 1, "de", "+05:30", INT64_MIN);
	activity_seed(5, CA_PERIOD_YEAR, 9, "ar_SA@calendar=islamic-umalqura", "Asia/Riyadh", INT64_MAX);

	retention_seed(1, CA_PERIOD_WEEK, 1, 0);
	retention_seed(2, CA_PERIOD_DAY, 7, 50);
	retention_seed(3, CA_PERIOD_MONTH, 12, 200);
	retention_seed(4, CA_PERIOD_YEAR, 3, 5);

	survival_seed(1, NULL, 0);
	survival_seed(2, run1, 2);
	survival_seed(3, run2, 5);
	survival_seed(4, run3, 2);

	text_seed("fuzz_survival_text", 1, "(version=1, observations=0, events=0, points=[])");
	text_seed("fuzz_survival_text", 2, "(version=1, observations=3, events=1, points=[1.5:1/0, 4:0/2])");
	text_seed("fuzz_survival_text", 3, " ( version = 1 , points = [ 3:1/0 , 4:0/2 ] , events=1, observations=3 ) ");
	text_seed("fuzz_survival_text", 4, "(version=1, observations=20, events=11, "
			  "points=[0:3/1, 2:2/0, 3:1/4, 7.25:0/1, 12e0:5/0, 1e300:0/3])");
	text_seed("fuzz_survival_text", 5, "(version=1, observations=9223372036854775807, "
			  "events=0, points=[0.5:0/9223372036854775807])");

	calendar_seed(1, CA_PERIOD_WEEK, 19000, 19400, "en-US");
	calendar_seed(2, CA_PERIOD_MONTH, 19000, 19400, "th-TH-u-ca-buddhist");
	calendar_seed(3, CA_PERIOD_MONTH, 19000, 21000, "ar_SA@calendar=islamic-umalqura");
	calendar_seed(4, CA_PERIOD_MONTH, -100000, 19400, "he-IL-u-ca-hebrew");
	calendar_seed(5, CA_PERIOD_YEAR, 0, 30000, "zh_CN@calendar=chinese");
	calendar_seed(6, CA_PERIOD_QUARTER, CA_DAY_MIN, CA_DAY_MAX, "ja_JP@calendar=japanese");
	calendar_seed(7, CA_PERIOD_DAY, 1, 2, "de_DE");
	calendar_seed(8, CA_PERIOD_QUARTER, 19000, 19100, "fa-IR-u-ca-persian");

	sum_seed(1, NULL, 0);
	sum_seed(2, sum1, 3);
	sum_seed(3, sum2, 4);
	sum_seed(4, sum3, 1);
	sum_seed(5, sum4, 3);

	unit_map_seed(1, 1, 1);		/* one unit */
	unit_map_seed(2, 20, 60);		/* a few units, repeated */
	unit_map_seed(3, 300, 500);	/* hundreds of units */
	return 0;
}
