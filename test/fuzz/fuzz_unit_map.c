/*
 * fuzz_unit_map.c
 *		libFuzzer harness of unit_map_problem, which checks the stored unit
 *		maps of incremental checkpoints before any other reader sees them.
 *
 * An accepted map must read back as many units as it says, rebuild to the
 * same bytes (the encoding is canonical), meet itself in every unit, and
 * merge with itself into a valid map of the same units (or refuse the
 * merge because a revenue overflowed).
 */
#include "fuzz.h"
#include "unit_map.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	UnitMapBuilder b;
	UnitMapReader r;
	UnitRecord	u;
	uint8_t    *again,
			   *twice;
	size_t		len;
	uint64_t	n = 0;

	if (unit_map_problem(data, size) != NULL)
		return 0;

	unit_map_read_start(&r, data);
	while (unit_map_read_next(&r, &u))
		n++;
	FUZZ_CHECK(n == unit_map_count(data));
	FUZZ_CHECK(unit_map_overlap(data, data) == n);

	unit_builder_init(&b, test_alloc, NULL);
	FUZZ_CHECK(unit_builder_add_map(&b, data) == CA_OK);
	len = unit_builder_encoded_size(&b);
	FUZZ_CHECK(len == size);
	again = test_xmalloc(len);
	unit_builder_encode(&b, again);
	FUZZ_CHECK(memcmp(again, data, size) == 0);

	twice = test_xmalloc(2 * size);
	if (unit_map_merge(data, data, twice, &len) == CA_OK)
	{
		FUZZ_CHECK(unit_map_problem(twice, len) == NULL);
		FUZZ_CHECK(unit_map_count(twice) == n);
	}

	free(twice);
	free(again);
	unit_builder_free(&b);
	return 0;
}
