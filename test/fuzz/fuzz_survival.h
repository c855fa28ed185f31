/*
 * fuzz_survival.h
 *		Properties of a valid survival run, checked by both survival
 *		harnesses on whatever their decoder accepts.
 */
#ifndef CA_FUZZ_SURVIVAL_H
#define CA_FUZZ_SURVIVAL_H

#include <math.h>

#include "fuzz.h"
#include "survival.h"

static void *
fuzz_surv_alloc(void *ctx, size_t size)
{
	(void) ctx;
	return test_xmalloc(size);
}

static void
fuzz_surv_release(void *ctx, void *ptr)
{
	(void) ctx;
	free(ptr);
}

static const SurvAlloc fuzz_surv_mem = {fuzz_surv_alloc, fuzz_surv_release, NULL};

static void
fuzz_check_run(const SurvPoint *pts, size_t n)
{
	SurvProblem why;
	SurvBuilder b;
	SurvCurveIter it;
	SurvCurveRow row;
	SurvLogrank lr;
	SurvPoint  *back;
	unsigned char *bin;
	size_t		len,
				m;
	double		prev = 1.0,
				median;

	FUZZ_CHECK(surv_run_valid(pts, n, &why));

	/* the binary form gives back the same run */
	len = surv_binary_size(n);
	bin = test_xmalloc(len);
	surv_binary_encode(pts, n, bin);
	FUZZ_CHECK(surv_binary_count(bin, len, &m, &why) && m == n);
	back = test_xmalloc(n * sizeof(SurvPoint));
	FUZZ_CHECK(surv_binary_decode(bin, len, back, &why));
	FUZZ_CHECK(n == 0 || memcmp(back, pts, n * sizeof(SurvPoint)) == 0);
	free(bin);
	free(back);

	/* the curve starts at 1 and never rises; at-risk counts stay >= 0 */
	surv_curve_start(&it, pts, n, 0.95);
	while (surv_curve_next(&it, &row))
	{
		FUZZ_CHECK(row.survival >= 0.0 && row.survival <= prev);
		FUZZ_CHECK(row.at_risk >= row.events + row.censored);
		prev = row.survival;
	}
	median = surv_median(pts, n);
	FUZZ_CHECK(isnan(median) || (n > 0 && median >= pts[0].time &&
								 median <= pts[n - 1].time));

	surv_logrank(pts, n, pts, n, &lr);
	FUZZ_CHECK(isnan(lr.chisq) || lr.chisq >= 0.0);
	FUZZ_CHECK(isnan(lr.p_value) || (lr.p_value >= 0.0 && lr.p_value <= 1.0));

	/* a builder given the run holds the run */
	surv_builder_init(&b, &fuzz_surv_mem);
	FUZZ_CHECK(surv_builder_add_run(&b, pts, n) == CA_OK);
	FUZZ_CHECK(surv_builder_flush(&b) == CA_OK);
	FUZZ_CHECK(b.nrun == n && b.observations == surv_observations(pts, n));
	FUZZ_CHECK(n == 0 || memcmp(b.run, pts, n * sizeof(SurvPoint)) == 0);
	free(b.run);
	free(b.pending);
}

#endif							/* CA_FUZZ_SURVIVAL_H */
