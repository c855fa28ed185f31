/*
 * Unit tests of the two-sample comparisons and related tests, with hand
 * computations and R values (test/ref/stats/gen_stats.R) as references.
 */
#include <string.h>

#include "stat_tests.h"
#include "unit.h"

static CohortStats
proportions(int64_t known, int64_t yes)
{
	CohortStats s;

	cohort_stats_init(&s);
	cohort_stats_from_counts(&s, known, yes, 0, false, 0.0, 0.0);
	return s;
}

static void
test_z_test(void)
{
	CohortStats c = proportions(3000, 1396),
				t = proportions(3461, 2422);
	StatComparison r;

	/* R: prop.test(c(2422, 1396), c(3461, 3000), correct = FALSE) */
	CHECK(stat_compare(&c, &t, STAT_COMPLETION, 0.05, STAT_TWO_SIDED, &r) == CA_OK);
	CHECK_REL(r.p_value, 1.8199638873291597e-81, 1e-9);
	CHECK_REL(r.statistic, 19.117085774630752, 1e-12);
	CHECK_REL(r.difference_low, 0.21097490006269598, 1e-12);
	CHECK_REL(r.difference_high, 0.25795392590282457, 1e-12);
	CHECK(isnan(r.df));
	/* the z statistic's tails are symmetric */
	CHECK(stat_compare(&t, &c, STAT_COMPLETION, 0.05, STAT_LESS, &r) == CA_OK);
	CHECK_REL(r.p_value, 1.8199638873291597e-81 / 2.0, 1e-9);
	/* empty arm: undefined everything */
	c = proportions(0, 0);
	CHECK(stat_compare(&c, &t, STAT_COMPLETION, 0.05, STAT_TWO_SIDED, &r) == CA_OK);
	CHECK(isnan(r.difference) && isnan(r.p_value) && isnan(r.difference_low));
}

/* value arm with n units, the given mean and sum of squared deviations */
static CohortStats
values(int64_t n, double mean, double m2, double scale)
{
	CohortStats s;
	double		sum = mean * (double) n;

	cohort_stats_init(&s);
	cohort_stats_from_counts(&s, n, 0, 0, true, sum * scale,
							 (m2 + sum * sum / (double) n) * scale * scale);
	return s;
}

/*
 * A Welch test does not depend on the unit of the values: the degrees of
 * freedom, p-value and relative-lift interval stay the same when every value
 * is scaled by 1e140 or 1e-140, where squares of the variances of the means
 * overflow or underflow.
 */
static void
test_welch_scale(void)
{
	static const double scales[] = {1e140, 1e-140};
	CohortStats c = values(10, 1.0, 9.0, 1.0),
				t = values(12, 2.0, 22.0, 1.0);
	StatComparison ref,
				r;
	int			i;

	CHECK(stat_compare(&c, &t, STAT_VALUE, 0.05, STAT_TWO_SIDED, &ref) == CA_OK);
	/* hand computation: (0.1 + 1/6)^2 / (0.1^2 / 9 + (1/6)^2 / 11) */
	CHECK_REL(ref.df, 0.071111111111111111 / (0.01 / 9.0 + 1.0 / 396.0), 1e-12);
	for (i = 0; i < 2; i++)
	{
		c = values(10, 1.0, 9.0, scales[i]);
		t = values(12, 2.0, 22.0, scales[i]);
		CHECK(stat_compare(&c, &t, STAT_VALUE, 0.05, STAT_TWO_SIDED, &r) == CA_OK);
		CHECK_REL(r.df, ref.df, 1e-12);
		CHECK_REL(r.statistic, ref.statistic, 1e-12);
		CHECK_REL(r.p_value, ref.p_value, 1e-12);
		CHECK_REL(r.relative_lift_low, ref.relative_lift_low, 1e-12);
		CHECK_REL(r.relative_lift_high, ref.relative_lift_high, 1e-12);
		CHECK_REL(r.difference_low, ref.difference_low * scales[i], 1e-12);
	}
}

static void
test_sequential(void)
{
	CohortStats c = proportions(1000, 400),
				t = proportions(1000, 400);
	StatComparison r;

	CHECK(stat_compare_sequential(&c, &t, STAT_COMPLETION, 0.05, 5000, STAT_TWO_SIDED, &r) == CA_OK);
	CHECK(r.difference == 0.0);
	CHECK(r.p_value == 1.0);
	CHECK(r.difference_low < 0.0 && r.difference_high > 0.0);
	CHECK_CLOSE(r.difference_low, -r.difference_high, 1e-15);
}

static void
test_chance_to_beat(void)
{
	CohortStats c = proportions(10, 3),
				t = proportions(10, 3);
	double		p;

	/* identical posteriors: one half exactly, by symmetry */
	CHECK(stat_chance_to_beat(&c, &t, STAT_COMPLETION, &p) == CA_OK);
	CHECK_CLOSE(p, 0.5, 1e-14);
	/* R: numerical integration of the Beta posteriors */
	c = proportions(28, 14);
	t = proportions(30, 16);
	CHECK(stat_chance_to_beat(&c, &t, STAT_COMPLETION, &p) == CA_OK);
	CHECK_CLOSE(p, 0.59854820668170194, 1e-12);
	CHECK(stat_chance_to_beat(&t, &c, STAT_COMPLETION, &p) == CA_OK);
	CHECK_CLOSE(p, 1.0 - 0.59854820668170194, 1e-12);
	/* large arms, where the sum runs over the smaller side */
	c = proportions(494100, 60000);
	t = proportions(5900, 558);
	CHECK(stat_chance_to_beat(&c, &t, STAT_COMPLETION, &p) == CA_OK);
	CHECK(p > 0.0 && p < 1e-6);
}

static void
test_srm_and_adjust(void)
{
	int64_t		obs[2] = {494100, 5900};
	double		share[2] = {0.99, 0.01};
	double		x2,
				p;
	double		pv[4] = {0.01, 0.04, 0.03, 0.005},
				adj[4],
				work[8];
	int			order[4];

	/* R: chisq.test(c(494100, 5900), p = c(0.99, 0.01)) */
	CHECK(stat_chisq_gof(obs, share, 2, &x2, &p) == CA_OK);
	CHECK_REL(x2, 163.63636363636363, 1e-12);
	CHECK_REL(p, 1.8163545343816397e-37, 1e-9);
	/* R: p.adjust(c(0.01, 0.04, 0.03, 0.005), "holm") */
	stat_p_adjust(pv, 4, STAT_PADJ_HOLM, order, NULL, adj);
	CHECK_CLOSE(adj[0], 0.03, 1e-15);
	CHECK_CLOSE(adj[1], 0.06, 1e-15);
	CHECK_CLOSE(adj[2], 0.06, 1e-15);
	CHECK_CLOSE(adj[3], 0.02, 1e-15);
	/* p.adjust(..., "BH"): 0.02, 0.04, 0.04, 0.02 */
	stat_p_adjust(pv, 4, STAT_PADJ_BH, order, NULL, adj);
	CHECK_CLOSE(adj[0], 0.02, 1e-15);
	CHECK_CLOSE(adj[1], 0.04, 1e-15);
	CHECK_CLOSE(adj[2], 0.04, 1e-15);
	CHECK_CLOSE(adj[3], 0.02, 1e-15);
	/* p.adjust(..., "hommel"): 0.03, 0.04, 0.04, 0.02 */
	stat_p_adjust(pv, 4, STAT_PADJ_HOMMEL, order, work, adj);
	CHECK_CLOSE(adj[0], 0.03, 1e-15);
	CHECK_CLOSE(adj[1], 0.04, 1e-15);
	CHECK_CLOSE(adj[2], 0.04, 1e-15);
	CHECK_CLOSE(adj[3], 0.02, 1e-15);
	/* one p-value is its own adjustment */
	stat_p_adjust(pv, 1, STAT_PADJ_HOMMEL, order, work, adj);
	CHECK(adj[0] == 0.01);
}

static void
test_rates_and_size(void)
{
	double		lo,
				hi;

	/* R: binom.test(7, 100)$conf.int */
	CHECK(stat_rate_interval(7, 100, 0.95, STAT_RATE_CLOPPER_PEARSON, &lo, &hi) == CA_OK);
	CHECK_REL(lo, 0.028605288907438704, 1e-10);
	CHECK_REL(hi, 0.138919728455857316, 1e-10);
	CHECK(stat_rate_interval(0, 0, 0.95, STAT_RATE_WILSON, &lo, &hi) == CA_OK);
	CHECK(isnan(lo) && isnan(hi));
	/* R: power.prop.test(p1 = 0.42, p2 = 0.4494, power = 0.8, tol = 1e-14)$n */
	CHECK_REL(stat_sample_size_proportions(0.42, 0.4494, 0.05, 0.8), 4461.6641508088533, 1e-10);
	CHECK(isnan(stat_sample_size_proportions(0.4, 0.5, 0.05, 0.01)));
}

int
main(void)
{
	RUN(test_z_test);
	RUN(test_welch_scale);
	RUN(test_sequential);
	RUN(test_chance_to_beat);
	RUN(test_srm_and_adjust);
	RUN(test_rates_and_size);
	return unit_done("stat_tests");
}
