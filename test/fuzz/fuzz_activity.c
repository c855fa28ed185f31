/*
 * fuzz_activity.c
 *		libFuzzer harness of activity_decode, the binary form of the
 *		activity type.
 *
 * An accepted input must be canonical, and the unit it describes must
 * give retention counts that retention_problem accepts.
 */
#include "activity.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ActivityView a;
	RetentionCounts r;
	int64_t    *counts;
	uint8_t    *again;
	size_t		len;

	if (activity_decode(data, size, &a) != NULL)
		return 0;

	FUZZ_CHECK(activity_problem(&a) == NULL);
	len = activity_encoded_size(&a);
	FUZZ_CHECK(len == size);
	again = test_xmalloc(len);
	activity_encode(&a, again);
	FUZZ_CHECK(memcmp(again, data, size) == 0);
	free(again);

	/* the unit counted over all its periods, and over some of them */
	counts = test_xmalloc(3 * sizeof(int64_t) * (size_t) a.periods);
	retention_init(&r, a.unit, a.periods, counts);
	FUZZ_CHECK(retention_add(&r, a.bits, a.periods) == CA_OK);
	FUZZ_CHECK(retention_add(&r, a.bits, (int32_t) (a.origin % (a.periods + 1))) == CA_OK);
	FUZZ_CHECK(retention_add(&r, a.bits, 0) == CA_OK);
	FUZZ_CHECK(retention_problem(&r) == NULL);
	free(counts);
	return 0;
}
