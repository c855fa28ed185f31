/*
 * test_experiments.c
 *		Power, sample sizes and Cochran's Q (src/core/power.c, segments.c),
 *		against rows of the R references in test/ref/stats/.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aa.h"
#include "distributions.h"
#include "power.h"
#include "risk.h"
#include "segments.h"
#include "stat_tests.h"
#include "unit.h"

static int
cmp_sorted(const void *a, const void *b)
{
	double		x = *(const double *) a,
				y = *(const double *) b;

	return (x > y) - (x < y);
}

static void
test_power(void)
{
	/* power_prop.csv: power.prop.test(n = 50, p1 = 0.02, p2 = 0.021) */
	CHECK_REL(power_proportions(50, 0.02, 0.021, 0.05), 0.027134019398033869, 1e-12);
	CHECK_REL(power_proportions(50, 0.021, 0.02, 0.05), 0.027134019398033869, 1e-12);
	/* mde_prop.csv: power.prop.test(n = 200, p1 = 0.05, power = 0.8)$p2 */
	CHECK_REL(power_p2_proportions(200, 0.05, 0.05, 0.8), 0.12992521945732657, 1e-12);
	/* unreachable: ten units cannot reach power 0.999999 from p1 = 0.5 */
	CHECK(isnan(power_p2_proportions(10, 0.5, 0.05, 0.999999)));
	/* power_means.csv: sd 1, mde 0.05, ratio 1 */
	CHECK_REL(power_sample_size_means(1, 0.05, 0.05, 0.8, 1), 6279.1037874792682, 1e-12);
	CHECK_REL(power_mde_means(6279, 1, 0.05, 0.8, 1), 0.050000413230810593, 1e-12);
	/* round trip, unequal split */
	CHECK_REL(power_mde_means(power_sample_size_means(6.4, 0.5, 0.01, 0.9, 3), 6.4, 0.01, 0.9, 3),
			  0.5, 1e-14);
	/* a power below alpha / 2 needs no units */
	CHECK(isnan(power_sample_size_means(1, 1, 0.05, 0.01, 1)));
}

static void
test_heterogeneity(void)
{
	/* segments.csv case 1 and heterogeneity.csv: Q by hand in R */
	double		e[4] = {0.049999999999999989, 0.021428571428571408, 0.037499999999999978,
						-0.049999999999999989};
	double		s[4] = {0.022196846622887675, 0.018785074094779496, 0.02441103106179663,
						0.069821200218844706};
	double		e2[2] = {1e-200, 3e-200},
				s2[2] = {1e-200, 1e-200};
	StatHeterogeneity h;

	stat_heterogeneity(e, s, 4, &h);
	CHECK_REL(h.q, 2.4041892420253048, 1e-12);
	CHECK(h.df == 3.0);
	CHECK_REL(h.p_value, 0.49285527304709725, 1e-12);
	CHECK(h.i_squared == 0.0);
	CHECK_REL(h.pooled, 0.031849553467770297, 1e-12);
	CHECK_REL(h.pooled_std_error, 0.012174560209740996, 1e-12);
	/* standard errors whose squares underflow */
	stat_heterogeneity(e2, s2, 2, &h);
	CHECK_REL(h.q, 2.0, 1e-14);
	CHECK_REL(h.pooled, 2e-200, 1e-14);
	/* a single segment: Q = 0 and I^2 undefined */
	stat_heterogeneity(s, s, 1, &h);
	CHECK(h.q == 0.0 && isnan(h.i_squared));
}

/*
 * GrowthBook's ratio-metric test (test/ref/stats/gbstats_ratio.csv): the
 * sums go into the co-moments directly, since they are not those of real
 * units and a cohort would refuse them.
 */
static void
test_gbstats_ratio(void)
{
	FILE	   *f = fopen("test/ref/stats/gbstats_ratio.csv", "r");
	char		line[1024];
	CohortStats arm[2];
	double		want_ratio[2],
				want_lift = NAN,
				want_p = NAN;
	int			k = 0;
	StatComparison r;

	CHECK(f != NULL);
	if (f == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL && k < 2)
	{
		char		name[32];
		double		n, ms, mss, ds, dss, prod, ratio, lift, p;
		int			got;

		if (line[0] == '#' || strncmp(line, "arm,", 4) == 0)
			continue;
		got = sscanf(line, "%31[^,],%lf,%lf,%lf,%lf,%lf,%lf,%lf,%lf,%lf",
					 name, &n, &ms, &mss, &ds, &dss, &prod, &ratio, &lift, &p);
		CHECK(got == 8 || got == 10);
		cohort_stats_init(&arm[k]);
		arm[k].units = (int64_t) n;
		arm[k].paired.n = (int64_t) n;
		arm[k].paired.mean_y = ms / n;
		arm[k].paired.mean_x = ds / n;
		arm[k].paired.m2_y = mss - ms * ms / n;
		arm[k].paired.m2_x = dss - ds * ds / n;
		arm[k].paired.c_xy = prod - ms * ds / n;
		want_ratio[k] = ratio;
		if (got == 10)
		{
			want_lift = lift;
			want_p = p;
		}
		k++;
	}
	fclose(f);
	CHECK(k == 2);
	if (k != 2)
		return;
	CHECK(stat_compare(&arm[0], &arm[1], STAT_RATIO, 0.05, STAT_TWO_SIDED, &r) == CA_OK);
	/* expected values are rounded to 9 decimals */
	CHECK(fabs(r.control_estimate - want_ratio[0]) < 5e-10);
	CHECK(fabs(r.treatment_estimate - want_ratio[1]) < 5e-10);
	CHECK(fabs(r.relative_lift - want_lift) < 5e-10);
	{
		/* GrowthBook's p-value tests the relative lift over its standard error */
		double		crit = dist_t_quantile(0.025, r.df, true),
					se_rel = (r.relative_lift_high - r.relative_lift) / crit,
					p = 2.0 * dist_t_cdf(fabs(r.relative_lift) / se_rel, r.df, true);

		CHECK(fabs(p - want_p) < 5e-10);
	}
}

static void
test_expected_loss(void)
{
	/*
	 * expected_loss_normal.csv: s * integrate(pnorm, -Inf, d / s) in R, for
	 * (d, s) = (0.29, 0.12), (-1.5, 0.4), (40, 2), (0.003, 0.001)
	 */
	CHECK_REL(stat_normal_positive_part(-0.29, 0.12), 0.00031042652379268646, 1e-12);
	CHECK_REL(stat_normal_positive_part(0.29, 0.12), 0.29031042652379269, 1e-12);
	CHECK_REL(stat_normal_positive_part(-1.5, 0.4), 8.4123451457723565e-06, 1e-11);
	CHECK_REL(stat_normal_positive_part(-40, 2), 2.7400249894591728e-90, 1e-11);
	CHECK_REL(stat_normal_positive_part(-0.003, 0.001), 3.8215431704772364e-07, 1e-11);
	CHECK_REL(stat_normal_positive_part(0, 2), 0.79788456080286518, 1e-14);
	/* continuity where the continued fraction takes over (z = -1) */
	CHECK_REL(stat_normal_positive_part(-1.0 - 1e-12, 1), stat_normal_positive_part(-1.0, 1), 1e-11);

	/*
	 * The normal approximation used beyond 10^8 terms, against the exact
	 * sums where both exist: 4e7 units per arm, rates 0.5 and 0.5001.
	 */
	{
		CohortStats c,
					t;
		StatRisk	exact;
		double		ac = 2e7 + 1, bc = 2e7 + 1, at = 20004000.0 + 1, bt = 19996000.0 + 1;
		double		mc = ac / (ac + bc), mt = at / (at + bt),
					vc = mc * (1 - mc) / (ac + bc + 1), vt = mt * (1 - mt) / (at + bt + 1);

		CHECK(cohort_stats_from_counts(&c, 40000000, 20000000, 0, false, 0, 0) == CA_OK);
		CHECK(cohort_stats_from_counts(&t, 40000000, 20004000, 0, false, 0, 0) == CA_OK);
		CHECK(stat_expected_loss(&c, &t, STAT_COMPLETION, &exact) == CA_OK);
		CHECK(!exact.approximate);
		CHECK_REL(stat_normal_positive_part(-(mt - mc), sqrt(vc + vt)), exact.choose_treatment, 1e-3);
		CHECK_REL(stat_normal_positive_part(mt - mc, sqrt(vc + vt)), exact.choose_control, 1e-3);
	}
}

/*
 * Kolmogorov-Smirnov against R (test/ref/stats/ks_uniform.csv): D exactly
 * as ks.test computes it, the p-value against the series summed to the last
 * bit (p_precise) within 1e-12, and against ks.test's own within 1e-5 (R
 * stops its series at a tolerance of 1e-6 on the terms, which leaves up to
 * 6e-6 on these cases).
 */
static void
test_ks(void)
{
	FILE	   *f = fopen("test/ref/stats/ks_uniform.csv", "r");
	static char line[1 << 16];
	int			cases = 0;

	CHECK(f != NULL);
	if (f == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL)
	{
		int			id, n, k = 0;
		double		d, p_r, p_precise, v[1000];
		char	   *c;
		int			used;

		if (sscanf(line, "%d,%d,%lf,%lf,%lf,%n", &id, &n, &d, &p_r, &p_precise, &used) != 5)
			continue;
		for (c = line + used; k < n && k < 1000; k++)
		{
			v[k] = strtod(c, &c);
			if (*c == ';')
				c++;
		}
		CHECK(k == n);
		qsort(v, n, sizeof(double), cmp_sorted);
		CHECK_REL(ks_uniform_statistic(v, n), d, 1e-14);
		CHECK_REL(ks_kolmogorov_upper(sqrt((double) n) * d), p_precise, 1e-12);
		CHECK(fabs(ks_kolmogorov_upper(sqrt((double) n) * d) - p_r) < 1e-5);
		cases++;
	}
	fclose(f);
	CHECK(cases == 7);
}

/* the split assignment: stable, balanced, and independent across splits */
static void
test_aa_assignment(void)
{
	int			ones = 0,
				agree = 0,
				i;

	/* fixed values: a change of the hash would reassign stored summaries */
	CHECK(aa_hash_id("learner-1", 9) == aa_hash_id("learner-1", 9));
	CHECK(aa_hash_id("learner-1", 9) != aa_hash_id("learner-2", 9));
	for (i = 0; i < 20000; i++)
	{
		char		id[32];
		uint64_t	h;

		snprintf(id, sizeof(id), "u%d", i);
		h = aa_hash_id(id, strlen(id));
		ones += aa_arm_of(h, 0);
		agree += aa_arm_of(h, 0) == aa_arm_of(h, 1);
	}
	/* 20000 fair coins: within 4.5 standard deviations (70.7) of 10000 */
	CHECK(abs(ones - 10000) < 320);
	CHECK(abs(agree - 10000) < 320);
}

int
main(void)
{
	test_power();
	test_heterogeneity();
	test_gbstats_ratio();
	test_expected_loss();
	test_ks();
	test_aa_assignment();
	return unit_done("experiments");
}
