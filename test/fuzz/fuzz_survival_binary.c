/*
 * fuzz_survival_binary.c
 *		libFuzzer harness of surv_binary_count and surv_binary_decode, the
 *		binary form of the survival type and of its aggregate state.
 */
#include "fuzz_survival.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	SurvProblem why;
	SurvPoint  *pts;
	size_t		n;

	if (!surv_binary_count(data, size, &n, &why))
		return 0;
	pts = test_xmalloc(n * sizeof(SurvPoint));
	if (surv_binary_decode(data, size, pts, &why))
		fuzz_check_run(pts, n);
	free(pts);
	return 0;
}
