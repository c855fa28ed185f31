/*
 * Unit tests of the per-unit maps of incremental checkpoints: building,
 * encoding, merging and meeting maps, against a plain reference (an array
 * indexed by unit number), and the checks of corrupt encodings.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit_map.h"
#include "unit.h"

#define NUNITS 3000

typedef struct Ref
{
	bool		seen;
	int			completed;		/* -1 unknown, else or-ed */
	int			churned;
	bool		has_revenue;
	double		revenue;
} Ref;

static uint8_t *
encode(UnitMapBuilder *b, size_t *len)
{
	uint8_t    *out;

	*len = unit_builder_encoded_size(b);
	out = malloc(*len);
	unit_builder_encode(b, out);
	return out;
}

static CaFlag
rand_flag(void)
{
	int			r = rand() % 3;

	return r == 0 ? CA_FLAG_NULL : r == 1 ? CA_FLAG_FALSE : CA_FLAG_TRUE;
}

static void
ref_flag(int *f, CaFlag v)
{
	if (v == CA_FLAG_NULL)
		return;
	*f = (*f == 1 || v == CA_FLAG_TRUE) ? 1 : 0;
}

/* rows of units [lo, hi) into a builder and the reference */
static void
add_rows(UnitMapBuilder *b, Ref *ref, int rows, int lo, int hi)
{
	int			i;

	for (i = 0; i < rows; i++)
	{
		int			u = lo + rand() % (hi - lo);
		char		key[32];
		CaFlag		c = rand_flag(),
					h = rand_flag();
		bool		has_rev = rand() % 4 != 0;
		double		rev = (rand() % 400) * 0.25;	/* sums stay exact */

		snprintf(key, sizeof(key), "learner-%d", u);
		CHECK(unit_builder_add(b, key, strlen(key), c, h, has_rev, rev) == CA_OK);
		if (!ref[u].seen)
		{
			ref[u].seen = true;
			ref[u].completed = ref[u].churned = -1;
		}
		ref_flag(&ref[u].completed, c);
		ref_flag(&ref[u].churned, h);
		if (has_rev)
		{
			ref[u].revenue = ref[u].has_revenue ? ref[u].revenue + rev : rev;
			ref[u].has_revenue = true;
		}
	}
}

/* the map holds exactly the reference's units, in order */
static void
check_against(const uint8_t *map, size_t len, const Ref *ref)
{
	UnitMapReader r;
	UnitRecord	u,
				prev = {0};
	int			n = 0,
				expected = 0,
				i,
				matched = 0;

	CHECK(unit_map_problem(map, len) == NULL);
	for (i = 0; i < NUNITS; i++)
		expected += ref[i].seen;
	CHECK(unit_map_count(map) == (uint64_t) expected);
	unit_map_read_start(&r, map);
	while (unit_map_read_next(&r, &u))
	{
		int			k;
		const Ref  *e;
		char		key[32];

		if (n > 0 && (u.hash < prev.hash))
			break;
		prev = u;
		n++;
		if (u.keylen >= sizeof(key))
			continue;
		memcpy(key, u.key, u.keylen);
		key[u.keylen] = '\0';
		if (sscanf(key, "learner-%d", &k) != 1 || k < 0 || k >= NUNITS)
			continue;
		e = &ref[k];
		if (e->seen &&
			((u.flags & UNIT_COMPLETED_KNOWN) != 0) == (e->completed >= 0) &&
			((u.flags & UNIT_COMPLETED) != 0) == (e->completed == 1) &&
			((u.flags & UNIT_CHURNED_KNOWN) != 0) == (e->churned >= 0) &&
			((u.flags & UNIT_CHURNED) != 0) == (e->churned == 1) &&
			((u.flags & UNIT_REVENUE_KNOWN) != 0) == e->has_revenue &&
			u.revenue == (e->has_revenue ? e->revenue : 0.0))
			matched++;
	}
	CHECK(n == expected);
	CHECK(matched == expected);
}

static void
test_build_and_merge(void)
{
	static Ref	ra[NUNITS],
				rb[NUNITS],
				rall[NUNITS];
	UnitMapBuilder a,
				b,
				all;
	uint8_t    *ma,
			   *mb,
			   *mall,
			   *merged;
	size_t		la,
				lb,
				lall,
				lm;
	int			i,
				both = 0;

	srand(7);
	unit_builder_init(&a, test_alloc, NULL);
	unit_builder_init(&b, test_alloc, NULL);
	/* a: units 0..1999, b: units 1000..2999, 20,000 rows each */
	add_rows(&a, ra, 20000, 0, 2000);
	add_rows(&b, rb, 20000, 1000, 3000);
	ma = encode(&a, &la);
	mb = encode(&b, &lb);
	check_against(ma, la, ra);
	check_against(mb, lb, rb);

	/* the same rows into one builder: the merge must equal it byte for byte */
	srand(7);
	unit_builder_init(&all, test_alloc, NULL);
	add_rows(&all, rall, 20000, 0, 2000);
	add_rows(&all, rall, 20000, 1000, 3000);
	mall = encode(&all, &lall);
	check_against(mall, lall, rall);

	merged = malloc(la + lb);
	CHECK(unit_map_merge(ma, mb, merged, &lm) == CA_OK);
	CHECK(lm == lall && memcmp(merged, mall, lm) == 0);

	/* a map rebuilt from its encoding encodes the same */
	{
		UnitMapBuilder c;
		uint8_t    *mc;
		size_t		lc;

		unit_builder_init(&c, test_alloc, NULL);
		CHECK(unit_builder_add_map(&c, mall) == CA_OK);
		(void) lall;
		mc = encode(&c, &lc);
		CHECK(lc == lall && memcmp(mc, mall, lc) == 0);
		free(mc);
		unit_builder_free(&c);
	}

	/* a builder added to another equals the merge of their encodings */
	{
		UnitMapBuilder c;
		uint8_t    *mc;
		size_t		lc;

		unit_builder_init(&c, test_alloc, NULL);
		CHECK(unit_builder_add_builder(&c, &a) == CA_OK);
		CHECK(unit_builder_add_builder(&c, &b) == CA_OK);
		mc = encode(&c, &lc);
		CHECK(lc == lall && memcmp(mc, mall, lc) == 0);
		free(mc);
		unit_builder_free(&c);
	}

	for (i = 0; i < NUNITS; i++)
		both += ra[i].seen && rb[i].seen;
	CHECK(both > 900);
	CHECK(unit_map_overlap(ma, mb) == (uint64_t) both);
	CHECK(unit_map_overlap(mb, ma) == (uint64_t) both);
	CHECK(unit_map_overlap(ma, ma) == unit_map_count(ma));

	free(ma);
	free(mb);
	free(mall);
	free(merged);
	unit_builder_free(&a);
	unit_builder_free(&b);
	unit_builder_free(&all);
}

static void
test_cohort_units_and_limits(void)
{
	UnitMapBuilder b;
	UnitRecord	u;
	UnitMapReader r;
	CohortUnit	cu;
	uint8_t    *m;
	size_t		len;
	static char longkey[UNIT_MAP_MAX_KEY + 2];

	unit_builder_init(&b, test_alloc, NULL);
	/* a unit with only NULL outcomes and revenue stays unknown */
	CHECK(unit_builder_add(&b, "", 0, CA_FLAG_NULL, CA_FLAG_NULL, false, 0) == CA_OK);
	CHECK(unit_builder_add(&b, "x", 1, CA_FLAG_FALSE, CA_FLAG_NULL, true, 1.5) == CA_OK);
	CHECK(unit_builder_add(&b, "x", 1, CA_FLAG_TRUE, CA_FLAG_FALSE, true, 2.0) == CA_OK);
	/* finite revenues that overflow are refused, and leave the unit as it was */
	CHECK(unit_builder_add(&b, "big", 3, CA_FLAG_NULL, CA_FLAG_NULL, true, 1e308) == CA_OK);
	CHECK(unit_builder_add(&b, "big", 3, CA_FLAG_NULL, CA_FLAG_NULL, true, 1e308) == CA_OVERFLOW);
	memset(longkey, 'k', sizeof(longkey));
	CHECK(unit_builder_add(&b, longkey, UNIT_MAP_MAX_KEY + 1, CA_FLAG_NULL,
						   CA_FLAG_NULL, false, 0) == CA_TOO_MANY);
	CHECK(unit_builder_add(&b, longkey, UNIT_MAP_MAX_KEY, CA_FLAG_NULL,
						   CA_FLAG_NULL, false, 0) == CA_OK);
	m = encode(&b, &len);
	CHECK(unit_map_problem(m, len) == NULL);
	CHECK(unit_map_count(m) == 4);
	unit_map_read_start(&r, m);
	while (unit_map_read_next(&r, &u))
	{
		unit_record_cohort_unit(&u, &cu);
		if (u.keylen == 0)
			CHECK(cu.completed == CA_FLAG_NULL && cu.churned == CA_FLAG_NULL && !cu.has_value);
		else if (u.keylen == 1)
			CHECK(cu.completed == CA_FLAG_TRUE && cu.churned == CA_FLAG_FALSE &&
				  cu.has_value && cu.value == 3.5);
		else if (u.keylen == 3)
			CHECK(cu.has_value && cu.value == 1e308);
	}
	free(m);
	unit_builder_free(&b);
}

/* every truncation and every byte changed in certain fields is caught */
static void
test_corrupt(void)
{
	UnitMapBuilder b;
	uint8_t    *m,
			   *bad;
	size_t		len,
				i;
	int			caught = 0,
				tried = 0;
	char		key[16];

	unit_builder_init(&b, test_alloc, NULL);
	for (i = 0; i < 50; i++)
	{
		snprintf(key, sizeof(key), "u%02zu", i);
		CHECK(unit_builder_add(&b, key, strlen(key), CA_FLAG_TRUE, CA_FLAG_NULL,
							   i % 2 == 0, (double) i) == CA_OK);
	}
	m = encode(&b, &len);
	bad = malloc(len + 1);
	for (i = 0; i < len; i++)
		CHECK(unit_map_problem(m, i) != NULL);
	memcpy(bad, m, len);
	bad[len] = 0;
	CHECK(unit_map_problem(bad, len + 1) != NULL);

	/* any single changed byte of the header, a hash, a flag or a key */
	for (i = 0; i < len; i++)
	{
		size_t		off;

		memcpy(bad, m, len);
		bad[i] ^= 0x40;
		off = i < UNIT_MAP_HEADER_SIZE ? 0 :
			(i - UNIT_MAP_HEADER_SIZE) % (UNIT_MAP_ENTRY_SIZE + 3);
		/* revenue bytes of a unit with a revenue may change validly */
		if (i >= UNIT_MAP_HEADER_SIZE && off >= 8 && off < 16)
			continue;
		tried++;
		caught += unit_map_problem(bad, len) != NULL;
	}
	CHECK(tried > 0 && caught == tried);
	CHECK(unit_map_problem((const uint8_t *) "CAUM", 4) != NULL);
	free(bad);
	free(m);
	unit_builder_free(&b);
}

/* order of two records as maps keep them, for qsort: the reference */
static int
ref_cmp(const void *a, const void *b)
{
	const UnitRecord *x = *(UnitRecord *const *) a;
	const UnitRecord *y = *(UnitRecord *const *) b;
	int			c;

	if (x->hash != y->hash)
		return x->hash < y->hash ? -1 : 1;
	if (x->keylen != y->keylen)
		return x->keylen < y->keylen ? -1 : 1;
	c = memcmp(x->key, y->key, x->keylen);
	return (c > 0) - (c < 0);
}

/*
 * unit_records_sort against qsort: already sorted, nearly sorted with the
 * largest hashes at the front (a table that wrapped), reversed (past the
 * insertion sort's budget), random, and ties of hash broken by the key.
 */
static void
test_records_sort(void)
{
	enum
	{
		N = 2000
	};
	static UnitRecord recs[N];
	static char keys[N][8];
	UnitRecord *got[N],
			   *want[N];
	int			shape,
				i;

	for (shape = 0; shape < 5; shape++)
	{
		for (i = 0; i < N; i++)
		{
			snprintf(keys[i], sizeof(keys[i]), "k%d", (i * 7919) % N);
			recs[i].key = keys[i];
			recs[i].keylen = (uint16_t) strlen(keys[i]);
			recs[i].hash = (shape == 4) ? (uint64_t) (i % 3) :
				((uint64_t) rand() << 33) ^ ((uint64_t) rand() << 2) ^ (uint64_t) i;
			want[i] = &recs[i];
		}
		qsort(want, N, sizeof(UnitRecord *), ref_cmp);
		for (i = 0; i < N; i++)
		{
			switch (shape)
			{
				case 0:			/* sorted */
					got[i] = want[i];
					break;
				case 1:			/* the last 20 first, neighbours swapped */
					got[i] = want[(i + N - 20) % N];
					break;
				case 2:			/* reversed */
					got[i] = want[N - 1 - i];
					break;
				default:		/* random, and ties of hash */
					got[i] = &recs[i];
					break;
			}
		}
		if (shape == 1)
			for (i = 30; i + 1 < N; i += 7)
			{
				UnitRecord *t = got[i];

				got[i] = got[i + 1];
				got[i + 1] = t;
			}
		unit_records_sort(got, N);
		for (i = 0; i < N; i++)
			CHECK(got[i] == want[i]);
	}
	unit_records_sort(got, 0);
	unit_records_sort(got, 1);
	CHECK(got[0] == want[0]);
}

int
main(void)
{
	RUN(test_build_and_merge);
	RUN(test_cohort_units_and_limits);
	RUN(test_corrupt);
	RUN(test_records_sort);
	return unit_done("unit_map");
}
