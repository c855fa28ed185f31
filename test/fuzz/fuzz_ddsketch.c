/*
 * fuzz_ddsketch.c
 *		libFuzzer harness of ddsketch_decode, the binary form of
 *		quantile_sketch (stored values, send/recv, aggregate states).
 *
 * An accepted input must be canonical (it encodes back to the same bytes)
 * and its quantiles, CDF and merges must stay consistent.
 */
#include <math.h>

#include "ddsketch.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	DDSketch	s,
				t;
	DDComparison cmp;
	uint8_t    *again;
	size_t		len;
	double		q,
				prev = -INFINITY;
	CaStatus	st;

	if (ddsketch_decode(&s, data, size, test_alloc, NULL) != NULL)
	{
		ddsketch_free(&s);
		return 0;
	}

	/* canonical: one encoding per sketch */
	again = test_xmalloc(ddsketch_encoded_bound(&s));
	len = ddsketch_encode(&s, again);
	FUZZ_CHECK(len <= ddsketch_encoded_bound(&s));
	FUZZ_CHECK(len == size && memcmp(again, data, size) == 0);
	free(again);

	/* quantiles lie within [min, max] and do not decrease */
	for (q = 0.0; q <= 1.0; q += 0.125)
	{
		double		v = ddsketch_quantile(&s, q);

		if (s.count == 0)
		{
			FUZZ_CHECK(isnan(v));
			continue;
		}
		FUZZ_CHECK(v >= s.min && v <= s.max && v >= prev);
		prev = v;
		v = ddsketch_cdf(&s, v);
		FUZZ_CHECK(v >= 0.0 && v <= 1.0);
	}
	FUZZ_CHECK(ddsketch_bucket_count(&s) >= 0);

	/* a sketch merged with its copy holds twice the values */
	ddsketch_copy(&t, &s, test_alloc, NULL);
	st = ddsketch_merge(&t, &s);
	FUZZ_CHECK(st == CA_OK || st == CA_OVERFLOW);
	if (st == CA_OK)
	{
		FUZZ_CHECK(t.count == 2 * s.count);
		FUZZ_CHECK(ddsketch_problem(&t) == NULL);
		again = test_xmalloc(ddsketch_encoded_bound(&t));
		len = ddsketch_encode(&t, again);
		ddsketch_free(&t);
		FUZZ_CHECK(ddsketch_decode(&t, again, len, test_alloc, NULL) == NULL);
		free(again);
	}
	ddsketch_free(&t);

	st = ddsketch_compare(&s, &s, &cmp);
	FUZZ_CHECK(st == CA_OK || (st == CA_INCONSISTENT && s.count == 0));
	if (st == CA_OK)
		FUZZ_CHECK(cmp.prob_greater == 0.5 || isnan(cmp.prob_greater));
	ddsketch_free(&s);
	return 0;
}
