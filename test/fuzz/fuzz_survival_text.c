/*
 * fuzz_survival_text.c
 *		libFuzzer harness of surv_text_parse, the text form of the survival
 *		type: (version=1, observations=N, events=E, points=[t:e/c, ...]).
 */
#include "fuzz_survival.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	SurvProblem why;
	SurvPoint  *pts = NULL;
	size_t		n = 0;
	char	   *text = fuzz_cstring(data, size);

	if (surv_text_parse(text, &fuzz_surv_mem, &pts, &n, &why))
	{
		FUZZ_CHECK((n == 0) == (pts == NULL));
		fuzz_check_run(pts, n);
		free(pts);
	}
	else
		FUZZ_CHECK(why.msg[0] != '\0');
	free(text);
	return 0;
}
