/*
 * Unit tests of the trend tests against R: prop.trend.test's help example
 * (smokers among lung cancer patients by age group) and lm(y ~ s) on a
 * few rows, plus the degenerate cases.
 */
#include <stdint.h>

#include "trend.h"
#include "unit.h"

static void
test_proportions(void)
{
	const int64_t yes[] = {83, 90, 129, 70};
	const int64_t n[] = {86, 93, 136, 82};
	const int64_t none[] = {0, 0, 0};
	const int64_t three[] = {10, 10, 10};
	const int64_t gap_n[] = {10, 0, 10};
	const int64_t gap_yes[] = {2, 0, 6};
	TrendResult r;

	/* R: prop.trend.test(c(83, 90, 129, 70), c(86, 93, 136, 82)) */
	trend_proportions(n, yes, 4, &r);
	CHECK_CLOSE(r.statistic, 8.2249222851977102, 1e-13);
	CHECK_REL(r.p_value, 0.004131897477641487, 1e-12);
	CHECK_CLOSE(r.slope, -0.033415626412601429, 1e-14);

	/* no units, one group, no variation in the outcome */
	trend_proportions(none, none, 3, &r);
	CHECK(isnan(r.slope) && isnan(r.statistic) && isnan(r.p_value));
	trend_proportions(n, yes, 1, &r);
	CHECK(isnan(r.slope) && isnan(r.statistic));
	trend_proportions(three, three, 3, &r);
	CHECK(r.slope == 0.0 && isnan(r.statistic));

	/* an empty group in the middle keeps the others' scores: 0.2 -> 0.6 over 2 steps */
	trend_proportions(gap_n, gap_yes, 3, &r);
	CHECK_CLOSE(r.slope, 0.2, 1e-15);
}

static void
test_means(void)
{
	/* rows y = 1 2 4 | 3 5 | 7 6 9 8 in groups 1, 2, 3 */
	Moments		m[3] = {
		{3, 7.0 / 3.0, 14.0 / 3.0}, {2, 4.0, 2.0}, {4, 7.5, 5.0}
	};
	Moments		one[2] = {{5, 2.0, 3.0}, {0, 0.0, 0.0}};
	Moments		exact[2] = {{2, 1.0, 0.0}, {2, 2.0, 0.0}};
	TrendResult r;

	trend_means(m, 3, &r);
	CHECK_CLOSE(r.slope, 2.6129032258064511, 1e-14);
	CHECK_CLOSE(r.statistic, 5.0386565373611791, 1e-13);
	CHECK_REL(r.p_value, 0.0014987413164264753, 1e-12);
	CHECK(r.df == 7.0);

	/* one group with values: no slope; a perfect fit: no test */
	trend_means(one, 2, &r);
	CHECK(isnan(r.slope) && isnan(r.statistic));
	trend_means(exact, 2, &r);
	CHECK(r.slope == 1.0 && isnan(r.statistic) && isnan(r.p_value));
}

int
main(void)
{
	test_proportions();
	test_means();
	return unit_done("trend");
}
