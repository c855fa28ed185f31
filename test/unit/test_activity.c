/*
 * Unit tests of activity bitmaps and retention counters, including random
 * bytes fed to the decoders (run under ASan: no read may leave the buffer).
 */
#include <stdlib.h>
#include <string.h>

#include "activity.h"
#include "calendar.h"
#include "unit.h"

static uint64_t rng_state = 0x2026112900000001ULL;

static uint32_t
rnd(void)
{
	/* xorshift64*: reproducible across platforms */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t) ((rng_state * 0x2545F4914F6CDD1DULL) >> 32);
}

static ActivityView
sample_activity(uint8_t *bits, int32_t periods)
{
	ActivityView a;

	memset(&a, 0, sizeof(a));
	a.unit = CA_PERIOD_WEEK;
	a.periods = periods;
	a.origin = 851990400000000LL;
	a.locale = "en_US";
	a.locale_len = 5;
	a.tz = "Europe/Berlin";
	a.tz_len = 13;
	a.bits = bits;
	return a;
}

static void
test_activity_format(void)
{
	uint8_t		bits[2] = {0, 0};
	uint8_t		buf[64];
	ActivityView a,
				b;
	size_t		len;

	activity_set_bit(bits, 0);
	activity_set_bit(bits, 3);
	activity_set_bit(bits, 9);
	a = sample_activity(bits, 10);
	CHECK(activity_problem(&a) == NULL);
	len = activity_encoded_size(&a);
	CHECK(len == 16 + 5 + 13 + 2);
	activity_encode(&a, buf);
	CHECK(activity_decode(buf, len, &b) == NULL);
	CHECK(b.unit == a.unit && b.periods == 10 && b.origin == a.origin);
	CHECK(b.locale_len == 5 && memcmp(b.locale, "en_US", 5) == 0);
	CHECK(b.tz_len == 13 && memcmp(b.tz, "Europe/Berlin", 13) == 0);
	CHECK(activity_bit(b.bits, 0) && activity_bit(b.bits, 3) && activity_bit(b.bits, 9));
	CHECK(!activity_bit(b.bits, 1) && !activity_bit(b.bits, 8));

	/* every malformed variant is rejected */
	CHECK(activity_decode(buf, 0, &b) != NULL);
	CHECK(activity_decode(buf, len - 1, &b) != NULL);
	CHECK(activity_decode(buf, 10, &b) != NULL);
	buf[0] = 2;
	CHECK(strcmp(activity_decode(buf, len, &b), "unsupported format version") == 0);
	buf[0] = 1;
	buf[1] = CA_PERIOD_NUNITS;
	CHECK(strcmp(activity_decode(buf, len, &b), "unknown unit") == 0);
	buf[1] = CA_PERIOD_WEEK;
	buf[len - 1] |= 0x80;		/* period 15 of 10 */
	CHECK(strcmp(activity_decode(buf, len, &b), "active bit past the last period") == 0);
	buf[len - 1] &= 0x7f;
	buf[16] = ',';
	CHECK(strcmp(activity_decode(buf, len, &b), "invalid character in locale") == 0);
	buf[16] = 'e';
	buf[16 + 5] = '\0';
	CHECK(strcmp(activity_decode(buf, len, &b), "invalid character in time zone") == 0);
	buf[16 + 5] = 'E';
	CHECK(activity_decode(buf, len, &b) == NULL);

	/* periods at the limits */
	a = sample_activity(bits, 0);
	CHECK(activity_problem(&a) != NULL);
	a = sample_activity(bits, CA_MAX_PERIODS + 1);
	CHECK(activity_problem(&a) != NULL);
	a = sample_activity(bits, 10);
	a.tz_len = 0;
	CHECK(strcmp(activity_problem(&a), "empty time zone") == 0);
}

/* Brute force: the definition of the counters, unit by unit. */
static void
brute_force(const uint8_t *bits, const int32_t *n, int units, int32_t periods,
			int64_t *on, int64_t *oa, int64_t *el)
{
	int			u,
				k,
				j;

	memset(on, 0, periods * sizeof(int64_t));
	memset(oa, 0, periods * sizeof(int64_t));
	memset(el, 0, periods * sizeof(int64_t));
	for (u = 0; u < units; u++)
	{
		const uint8_t *b = bits + u * activity_bitmap_size(periods);

		for (k = 0; k < periods && k < n[u]; k++)
		{
			el[k]++;
			on[k] += activity_bit(b, k);
			for (j = k; j < n[u] && j < periods; j++)
				if (activity_bit(b, j))
				{
					oa[k]++;
					break;
				}
		}
	}
}

static void
test_retention_counts(void)
{
	enum {UNITS = 300, P = 37};
	size_t		nb = activity_bitmap_size(P);
	static uint8_t bits[UNITS * 5];
	int32_t		n[UNITS];
	int64_t		on[P],
				oa[P],
				el[P];
	int64_t		buf_all[3 * P],
				buf_a[3 * P],
				buf_b[3 * P],
				buf_c[3 * P];
	RetentionCounts all,
				a,
				b,
				c;
	uint8_t		enc[16 + 24 * P];
	int			u,
				k,
				bad = 0,
				same = 1;

	CHECK(nb == 5);
	memset(bits, 0, sizeof(bits));
	retention_init(&all, CA_PERIOD_WEEK, P, buf_all);
	retention_init(&a, CA_PERIOD_WEEK, P, buf_a);
	retention_init(&b, CA_PERIOD_WEEK, P, buf_b);
	for (u = 0; u < UNITS; u++)
	{
		uint8_t    *bu = bits + u * nb;
		int			density = rnd() % 4;

		for (k = 0; k < P; k++)
			if (density > 0 && (int) (rnd() % 10) < density * 2)
				activity_set_bit(bu, k);
		/* some units are young: fewer periods count for them */
		n[u] = u % 3 == 0 ? (int32_t) (rnd() % (P + 5)) : P;
		bad += retention_add(&all, bu, n[u]) != CA_OK;
		bad += retention_add(u % 2 ? &a : &b, bu, n[u]) != CA_OK;
	}
	CHECK(bad == 0);
	brute_force(bits, n, UNITS, P, on, oa, el);
	for (k = 0; k < P; k++)
		same &= all.on[k] == on[k] && all.on_or_after[k] == oa[k] && all.eligible[k] == el[k];
	CHECK(same);
	CHECK(all.units == UNITS);
	CHECK(retention_problem(&all) == NULL);
	CHECK(all.eligible[0] < UNITS);		/* some unit had no period yet */

	/* merging the halves gives the whole */
	CHECK(retention_merge(&a, &b) == CA_OK);
	CHECK(memcmp(buf_a, buf_all, sizeof(buf_all)) == 0 && a.units == all.units);

	/* binary round trip */
	CHECK(retention_encoded_size(P) == sizeof(enc));
	retention_encode(&all, enc);
	retention_init(&c, CA_PERIOD_WEEK, P, buf_c);
	CHECK(retention_decode(enc, sizeof(enc), &c) == NULL);
	CHECK(memcmp(buf_c, buf_all, sizeof(buf_all)) == 0 && c.units == all.units);

	/* mismatched shapes do not merge */
	retention_init(&c, CA_PERIOD_DAY, P, buf_c);
	CHECK(retention_merge(&c, &all) == CA_INCONSISTENT);
	/* overflow of units */
	retention_init(&c, CA_PERIOD_WEEK, P, buf_c);
	c.units = INT64_MAX;
	CHECK(retention_add(&c, bits, P) == CA_OVERFLOW);
	CHECK(retention_merge(&c, &all) == CA_OVERFLOW);
}

static void
test_retention_problems(void)
{
	int64_t		buf[9];
	RetentionCounts r;

	retention_init(&r, CA_PERIOD_DAY, 3, buf);
	CHECK(retention_problem(&r) == NULL);	/* an empty group */
	r.units = 2;
	r.eligible[0] = 2;
	r.eligible[1] = 1;
	r.on[0] = 1;
	r.on_or_after[0] = 2;
	r.on_or_after[1] = 1;
	r.on[1] = 1;
	CHECK(retention_problem(&r) == NULL);
	r.eligible[2] = 2;
	CHECK(retention_problem(&r) != NULL);
	r.eligible[2] = 0;
	r.on[1] = 0;				/* one unit left after period 0 but not on */
	CHECK(retention_problem(&r) != NULL);
	r.on[1] = 1;
	r.units = -1;
	CHECK(strcmp(retention_problem(&r), "negative units") == 0);
	r.units = 2;
	r.on[2] = -1;
	CHECK(retention_problem(&r) != NULL);
	r.on[2] = 0;
	r.on_or_after[2] = 1;
	CHECK(retention_problem(&r) != NULL);
	r.on_or_after[2] = 0;
	r.periods = 0;
	CHECK(retention_problem(&r) != NULL);
	r.periods = 3;
	r.unit = 9;
	CHECK(retention_problem(&r) != NULL);
}

/* Random bytes and mutated valid encodings: decoders must never overread. */
static void
test_fuzz(void)
{
	int			i,
				accepted = 0,
				rejected = 0;
	uint8_t		bits[2] = {0x21, 0x01};
	ActivityView a = sample_activity(bits, 9);
	uint8_t		valid_a[64];
	size_t		valid_a_len = activity_encoded_size(&a);
	int64_t		rbuf[3 * 4];
	RetentionCounts r;
	uint8_t		valid_r[16 + 24 * 4];

	activity_encode(&a, valid_a);
	retention_init(&r, CA_PERIOD_MONTH, 4, rbuf);
	retention_add(&r, bits, 4);
	retention_add(&r, bits, 2);
	retention_encode(&r, valid_r);

	for (i = 0; i < 200000; i++)
	{
		int			kind = i % 4;
		size_t		len;
		uint8_t    *buf;
		size_t		j;

		if (kind == 0 || kind == 2)
			len = rnd() % 160;
		else
			len = (kind == 1 ? valid_a_len : sizeof(valid_r)) + (rnd() % 5) - 2;
		/* exactly len bytes on the heap, so ASan sees any overread */
		buf = malloc(len ? len : 1);
		for (j = 0; j < len; j++)
		{
			if (kind == 1)
				buf[j] = j < valid_a_len ? valid_a[j] : (uint8_t) rnd();
			else if (kind == 3)
				buf[j] = j < sizeof(valid_r) ? valid_r[j] : (uint8_t) rnd();
			else
				buf[j] = (uint8_t) rnd();
		}
		if (kind == 0 && len > 0)
			buf[0] = CA_ACTIVITY_VERSION;	/* get past the version check */
		if (kind == 2 && len > 0)
			buf[0] = CA_RETENTION_VERSION;
		if ((kind == 1 || kind == 3) && len > 0)
		{
			int			flips = 1 + rnd() % 3;

			while (flips-- > 0)
				buf[rnd() % len] ^= (uint8_t) (1 << (rnd() % 8));
		}

		if (kind < 2)
		{
			ActivityView v;

			if (activity_decode(buf, len, &v) == NULL)
			{
				/* accepted: every field is within its buffer and valid */
				size_t		k,
							sum = 0;

				for (k = 0; k < v.locale_len; k++)
					sum += (uint8_t) v.locale[k];
				for (k = 0; k < v.tz_len; k++)
					sum += (uint8_t) v.tz[k];
				for (k = 0; k < (size_t) v.periods; k++)
					sum += activity_bit(v.bits, (int32_t) k);
				accepted += sum > 0 && activity_encoded_size(&v) == len;
			}
			else
				rejected++;
		}
		else
		{
			uint8_t		unit;
			int32_t		periods;

			if (retention_decode_header(buf, len, &unit, &periods) == NULL)
			{
				int64_t    *arr = malloc(3 * sizeof(int64_t) * periods);
				RetentionCounts d;

				retention_init(&d, unit, periods, arr);
				if (retention_decode(buf, len, &d) == NULL)
					accepted += retention_problem(&d) == NULL;
				else
					rejected++;
				free(arr);
			}
			else
				rejected++;
		}
		free(buf);
	}
	/* both outcomes occur, so the mutations reach the deep checks */
	CHECK(accepted > 100);
	CHECK(rejected > 100000);
	CHECK(accepted + rejected <= 200000);
}

int
main(void)
{
	RUN(test_activity_format);
	RUN(test_retention_counts);
	RUN(test_retention_problems);
	RUN(test_fuzz);
	return unit_done("activity");
}
