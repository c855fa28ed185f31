/*
 * Unit tests of the distribution functions against R (and SciPy for the
 * t distribution beyond R's exact range).  Reference values are generated
 * by the scripts in test/ref/stats/.
 *
 * Tolerances: tail probabilities within 1e-9 relative (the project's
 * target) over the whole range down to 1e-300; quantiles within 1e-10
 * relative.  The largest errors seen are printed for information.
 */
#include <stdio.h>

#include "distributions.h"
#include "unit.h"

#include "../ref/stats/distributions_ref.h"

#define NELEM(a) ((int) (sizeof(a) / sizeof((a)[0])))

static double max_rel[8];

static double
rel_err(double got, double want)
{
	if (got == want)
		return 0.0;
	return fabs(got - want) / fabs(want);
}

/* checks got against want (relative) and tracks the largest error */
#define CHECK_TRACK(slot, got, want, tol) \
	do { \
		double e_ = rel_err((got), (want)); \
		if (e_ > max_rel[slot]) max_rel[slot] = e_; \
		CHECK_REL((got), (want), (tol)); \
	} while (0)

static void
test_normal(void)
{
	int			i;

	for (i = 0; i < NELEM(ref_pnorm); i++)
	{
		CHECK_TRACK(0, dist_normal_cdf(ref_pnorm[i].z, false), ref_pnorm[i].lower, 1e-9);
		CHECK_TRACK(0, dist_normal_cdf(ref_pnorm[i].z, true), ref_pnorm[i].upper, 1e-9);
	}
	for (i = 0; i < NELEM(ref_qnorm); i++)
	{
		/* absolute near zero, where the quantile itself is zero */
		CHECK_CLOSE(dist_normal_quantile(ref_qnorm[i].p, false), ref_qnorm[i].lower, 1e-13);
		if (fabs(ref_qnorm[i].lower) > 1e-3)
			CHECK_TRACK(1, dist_normal_quantile(ref_qnorm[i].p, false), ref_qnorm[i].lower, 1e-10);
		CHECK_CLOSE(dist_normal_quantile(ref_qnorm[i].p, true), ref_qnorm[i].upper, 1e-13);
	}
	/* symmetry and the edges */
	CHECK(dist_normal_cdf(0.0, false) == 0.5);
	CHECK(dist_normal_cdf(INFINITY, true) == 0.0);
	CHECK(dist_normal_cdf(-INFINITY, false) == 0.0);
	CHECK(dist_normal_cdf(INFINITY, false) == 1.0);
	CHECK(isnan(dist_normal_cdf(NAN, false)));
	CHECK(isinf(dist_normal_quantile(0.0, false)) && dist_normal_quantile(0.0, false) < 0);
	CHECK(isinf(dist_normal_quantile(1.0, false)) && dist_normal_quantile(1.0, false) > 0);
	CHECK(isnan(dist_normal_quantile(1.5, false)));
	CHECK(isnan(dist_normal_quantile(-0.1, true)));
	/* far tail stays a positive number: no rounding to zero */
	CHECK(dist_normal_cdf(-37.0, false) > 0.0);
	CHECK_REL(dist_normal_quantile(dist_normal_cdf(-37.0, false), false), -37.0, 1e-12);
}

static void
test_student_t(void)
{
	int			i;

	for (i = 0; i < NELEM(ref_pt); i++)
	{
		CHECK_TRACK(2, dist_t_cdf(ref_pt[i].t, ref_pt[i].df, true), ref_pt[i].upper, 1e-9);
		CHECK_TRACK(2, dist_t_cdf(-ref_pt[i].t, ref_pt[i].df, false), ref_pt[i].upper, 1e-9);
		CHECK_TRACK(2, dist_t_cdf(ref_pt[i].t, ref_pt[i].df, false), ref_pt[i].lower, 1e-9);
	}
	for (i = 0; i < NELEM(ref_pt_scipy); i++)
		CHECK_TRACK(2, dist_t_cdf(ref_pt_scipy[i].t, ref_pt_scipy[i].df, true),
					ref_pt_scipy[i].upper, 1e-9);
	/*
	 * extreme quantiles, beyond R's qt: round trips through the cdf (in the
	 * far tail p changes df times faster than t, relatively)
	 */
	{
		static const double dfs[] = {1, 2, 3, 4.5, 10, 136.875, 1e5};
		static const double ps[] = {1e-300, 1e-200, 1e-100, 1e-50, 1e-25};
		int			j,
					k;

		for (j = 0; j < NELEM(dfs); j++)
			for (k = 0; k < NELEM(ps); k++)
			{
				double		q = dist_t_quantile(ps[k], dfs[j], true);

				CHECK_REL(dist_t_cdf(q, dfs[j], true), ps[k], 1e-11);
			}
	}
	for (i = 0; i < NELEM(ref_qt); i++)
	{
		CHECK_TRACK(3, dist_t_quantile(ref_qt[i].p, ref_qt[i].df, true), ref_qt[i].upper_q, 1e-10);
		CHECK_TRACK(3, dist_t_quantile(ref_qt[i].p, ref_qt[i].df, false), -ref_qt[i].upper_q, 1e-10);
	}
	CHECK(dist_t_cdf(0.0, 3.0, false) == 0.5);
	CHECK(isnan(dist_t_cdf(1.0, 0.0, false)));
	CHECK(isnan(dist_t_cdf(1.0, -2.0, false)));
	CHECK(dist_t_quantile(0.5, 7.0, false) == 0.0);
	CHECK_REL(dist_t_cdf(2.0, INFINITY, true), dist_normal_cdf(2.0, true), 1e-15);
}

static void
test_beta(void)
{
	int			i;

	for (i = 0; i < NELEM(ref_pbeta); i++)
	{
		double		x = ref_pbeta[i].x;

		CHECK_TRACK(4, dist_beta_cdf(x, 1.0 - x, ref_pbeta[i].a, ref_pbeta[i].b, false),
					ref_pbeta[i].lower, 1e-9);
		CHECK_TRACK(4, dist_beta_cdf(x, 1.0 - x, ref_pbeta[i].a, ref_pbeta[i].b, true),
					ref_pbeta[i].upper, 1e-9);
	}
	for (i = 0; i < NELEM(ref_qbeta); i++)
	{
		CHECK_TRACK(5, dist_beta_quantile(ref_qbeta[i].p, ref_qbeta[i].a, ref_qbeta[i].b, false),
					ref_qbeta[i].lower_q, 1e-10);
		CHECK_TRACK(5, dist_beta_quantile(ref_qbeta[i].p, ref_qbeta[i].a, ref_qbeta[i].b, true),
					ref_qbeta[i].upper_q, 1e-10);
	}
	CHECK(dist_beta_cdf(0.0, 1.0, 2.0, 3.0, false) == 0.0);
	CHECK(dist_beta_cdf(1.0, 0.0, 2.0, 3.0, true) == 0.0);
	CHECK(isnan(dist_beta_cdf(0.5, 0.5, 0.0, 3.0, false)));
	CHECK(dist_beta_quantile(0.0, 2.0, 3.0, false) == 0.0);
	CHECK(dist_beta_quantile(1.0, 2.0, 3.0, false) == 1.0);
}

static void
test_gamma(void)
{
	int			i;

	for (i = 0; i < NELEM(ref_pchisq); i++)
	{
		CHECK_TRACK(6, dist_chisq_cdf(ref_pchisq[i].x, ref_pchisq[i].df, true),
					ref_pchisq[i].upper, 1e-9);
		CHECK_TRACK(6, dist_chisq_cdf(ref_pchisq[i].x, ref_pchisq[i].df, false),
					ref_pchisq[i].lower, 1e-9);
	}
	for (i = 0; i < NELEM(ref_lgamma); i++)
		CHECK_CLOSE(dist_lgamma(ref_lgamma[i].x), ref_lgamma[i].lgamma, 1e-14);
	for (i = 0; i < NELEM(ref_lbeta); i++)
		CHECK_CLOSE(dist_lbeta(ref_lbeta[i].a, ref_lbeta[i].b), ref_lbeta[i].lbeta, 1e-14);
	CHECK(dist_chisq_cdf(0.0, 3.0, true) == 1.0);
	CHECK(isnan(dist_chisq_cdf(1.0, 0.0, true)));
	CHECK(isnan(dist_lgamma(0.0)));
	CHECK(isnan(dist_lgamma(-1.0)));
}

int
main(void)
{
	static const char *const names[] = {
		"normal cdf", "normal quantile", "t cdf", "t quantile",
		"beta cdf", "beta quantile", "chi-square cdf"
	};
	int			i;

	RUN(test_normal);
	RUN(test_student_t);
	RUN(test_beta);
	RUN(test_gamma);
	for (i = 0; i < 7; i++)
		printf("largest relative error, %s: %.2g\n", names[i], max_rel[i]);
	return unit_done("distributions");
}
