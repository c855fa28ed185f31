/*
 * fuzz_retention.c
 *		libFuzzer harness of retention_decode_header and retention_decode,
 *		the binary form of the retention type and of its aggregate state.
 *
 * An accepted input must be canonical, and merging it with itself must
 * give counts that are still valid.
 */
#include "activity.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	RetentionCounts r,
				twice;
	int64_t    *counts,
			   *counts2;
	uint8_t    *again;
	uint8_t		unit;
	int32_t		periods;
	CaStatus	st;

	if (retention_decode_header(data, size, &unit, &periods) != NULL)
		return 0;
	FUZZ_CHECK(periods >= 1 && periods <= CA_MAX_PERIODS);
	counts = test_xmalloc(3 * sizeof(int64_t) * (size_t) periods);
	retention_init(&r, unit, periods, counts);
	if (retention_decode(data, size, &r) != NULL)
	{
		free(counts);
		return 0;
	}

	FUZZ_CHECK(retention_encoded_size(periods) == size);
	again = test_xmalloc(size);
	retention_encode(&r, again);
	FUZZ_CHECK(memcmp(again, data, size) == 0);

	counts2 = test_xmalloc(3 * sizeof(int64_t) * (size_t) periods);
	retention_init(&twice, unit, periods, counts2);
	FUZZ_CHECK(retention_decode(again, size, &twice) == NULL);
	st = retention_merge(&twice, &r);
	FUZZ_CHECK(st == CA_OK || st == CA_OVERFLOW);
	if (st == CA_OK)
	{
		FUZZ_CHECK(twice.units == 2 * r.units);
		FUZZ_CHECK(retention_problem(&twice) == NULL);
	}
	free(again);
	free(counts2);
	free(counts);
	return 0;
}
