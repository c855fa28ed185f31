/*
 * Unit tests of the Cox fit: Efron's closed form against its sum, the fit
 * against R's coxph on a small case (test/ref/churn/cox.csv, case
 * "small"), the swap symmetry, infinite maxima and degenerate inputs, and
 * the stratified log-rank terms (survival.h).
 */
#include <stdlib.h>
#include <string.h>

#include "cox.h"
#include "unit.h"

/* the "small" case of test/ref/churn/make_reference.R */
static const SurvPoint small_ctl[] = {
	{0, 1, 1}, {1, 1, 0}, {2, 1, 1}, {3, 1, 0}, {5, 1, 0}, {8, 0, 1}
};
static const SurvPoint small_trt[] = {
	{0, 1, 0}, {1, 2, 0}, {4, 0, 1}, {6, 2, 0}, {9, 0, 1}
};

static void
test_small_against_r(void)
{
	CoxFit		f;

	cox_fit(small_ctl, 6, small_trt, 5, COX_EFRON, &f);
	CHECK(f.finite);
	CHECK_CLOSE(f.coef, -0.17315243898529523, 1e-12);
	CHECK_CLOSE(f.std_err, 0.64544161988280147, 1e-12);
	CHECK_CLOSE(f.z, -0.26826971433409585, 1e-12);
	CHECK_REL(f.p_value, 0.78849171650802341, 1e-12);
	CHECK_CLOSE(f.score_chisq, 0.072129375363718093, 1e-12);
	CHECK_REL(f.score_p, 0.78826127360788112, 1e-12);

	cox_fit(small_ctl, 6, small_trt, 5, COX_BRESLOW, &f);
	CHECK_CLOSE(f.coef, -0.231752782879529, 1e-12);
	CHECK_CLOSE(f.std_err, 0.64877298762320468, 1e-12);
	CHECK_CLOSE(f.score_chisq, 0.12810200564664945, 1e-12);

	/* swapping the groups flips the sign and nothing else */
	{
		CoxFit		g;

		cox_fit(small_ctl, 6, small_trt, 5, COX_EFRON, &f);
		cox_fit(small_trt, 5, small_ctl, 6, COX_EFRON, &g);
		CHECK_CLOSE(g.coef, -f.coef, 1e-13);
		CHECK_CLOSE(g.std_err, f.std_err, 1e-13);
		CHECK_CLOSE(g.score_chisq, f.score_chisq, 1e-13);
	}
}

/* Efron's closed form agrees with the sum it replaces. */
static void
test_closed_form(void)
{
	static const double cases[][4] = {
		/* n0, n1, d0, d1 */
		{5000, 4000, 700, 600},
		{1200, 1300, 1200, 1},
		{2000, 5, 1500, 5},
		{1500, 1500, 1500, 1500},	/* everyone at risk dies */
		{100000, 3, 2000, 0},
		{3, 90000, 0, 4000},
		{2500, 2600, 1, 1100},
	};
	size_t		i;
	int			j;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		for (j = -2; j <= 2; j++)
		{
			double		u1,
						v1,
						u2,
						v2,
						coef = 0.7 * j;

			cox_time_terms(cases[i][0], cases[i][1], cases[i][2], cases[i][3],
						   coef, COX_EFRON, false, &u1, &v1);
			cox_time_terms(cases[i][0], cases[i][1], cases[i][2], cases[i][3],
						   coef, COX_EFRON, true, &u2, &v2);
			CHECK_CLOSE(u2, u1, 1e-10);
			CHECK_REL(v2, v1, 1e-9);
		}
}

/* The fit solves the score equation, whichever way the ties go. */
static void
test_score_zero(void)
{
	SurvPoint	a[40],
				b[40];
	unsigned	seed = 7;
	int			i,
				ties;

	for (i = 0; i < 40; i++)
	{
		seed = seed * 1103515245u + 12345u;
		a[i].time = b[i].time = i;
		a[i].events = (seed >> 8) % 30;
		a[i].censored = 1 + (seed >> 16) % 5;
		b[i].events = (seed >> 12) % 20;
		b[i].censored = (seed >> 20) % 7;
		if (b[i].events + b[i].censored == 0)
			b[i].censored = 1;
	}
	for (ties = 0; ties < 2; ties++)
	{
		CoxFit		f;
		double		u,
					v,
					uu,
					vv;
		SurvPairIter it;
		SurvPairStep s;

		cox_fit(a, 40, b, 40, (CoxTies) ties, &f);
		CHECK(f.finite && f.iterations < 20);
		u = v = 0.0;
		surv_pair_start(&it, a, 40, b, 40);
		while (surv_pair_next(&it, &s))
		{
			cox_time_terms(s.at_risk[0], s.at_risk[1], s.events[0], s.events[1],
						   f.coef, (CoxTies) ties, false, &uu, &vv);
			u += uu;
			v += vv;
		}
		CHECK(fabs(u) < 1e-10);
		CHECK_CLOSE(f.std_err, 1.0 / sqrt(v), 1e-12);
	}
}

static void
test_degenerate(void)
{
	static const SurvPoint with_events[] = {{1, 2, 0}, {3, 1, 1}};
	static const SurvPoint censored_only[] = {{1, 0, 2}, {4, 0, 3}};
	static const SurvPoint late[] = {{10, 3, 0}};
	CoxFit		f;

	/* no treatment events while control units are at risk: coef -> -inf */
	cox_fit(with_events, 2, censored_only, 2, COX_EFRON, &f);
	CHECK(!f.finite && isnan(f.coef) && isnan(f.std_err) && isnan(f.p_value));
	CHECK(f.score_chisq > 0.0 && f.score_p > 0.0 && f.score_p < 1.0);

	/* treatment events only after every control unit has left */
	cox_fit(with_events, 2, late, 1, COX_BRESLOW, &f);
	CHECK(!f.finite && isnan(f.coef));

	/* no events at all: nothing is defined */
	cox_fit(censored_only, 2, censored_only, 2, COX_EFRON, &f);
	CHECK(!f.finite && isnan(f.coef) && isnan(f.score_chisq) && isnan(f.score_p));

	/* empty groups */
	cox_fit(NULL, 0, with_events, 2, COX_EFRON, &f);
	CHECK(!f.finite && isnan(f.score_p));
	cox_fit(NULL, 0, NULL, 0, COX_BRESLOW, &f);
	CHECK(!f.finite && isnan(f.coef));

	/* identical groups: coef 0 exactly, score test 0 */
	cox_fit(with_events, 2, with_events, 2, COX_EFRON, &f);
	CHECK(f.finite && fabs(f.coef) < 1e-15 && f.score_chisq == 0.0);
}

/* Extreme imbalance: the first Newton step would be huge */
static void
test_extreme(void)
{
	static const SurvPoint ctl[] = {{1, 1, 0}, {5, 0, 999999}};
	static const SurvPoint trt[] = {{0.5, 1, 0}, {2, 0, 1}};
	SurvPairIter it;
	SurvPairStep s;
	CoxFit		f;
	double		u = 0.0,
				v = 0.0,
				uu,
				vv;

	cox_fit(ctl, 2, trt, 2, COX_BRESLOW, &f);
	CHECK(f.finite && isfinite(f.coef) && f.coef > 10.0 && isfinite(f.std_err));
	surv_pair_start(&it, ctl, 2, trt, 2);
	while (surv_pair_next(&it, &s))
	{
		cox_time_terms(s.at_risk[0], s.at_risk[1], s.events[0], s.events[1],
					   f.coef, COX_BRESLOW, false, &uu, &vv);
		u += uu;
		v += vv;
	}
	CHECK(fabs(u) < 1e-9);
}

/* Huge counts: the fit stays finite and matches the scaled-down one. */
static void
test_huge_counts(void)
{
	SurvPoint	a[3] = {{1, 3, 1}, {2, 2, 2}, {5, 1, 1}};
	SurvPoint	b[3] = {{1, 1, 1}, {2, 2, 1}, {5, 2, 1}};
	SurvPoint	A[3],
				B[3];
	CoxFit		f,
				g;
	int			i;
	const int64_t scale = INT64_C(1000000000000);

	for (i = 0; i < 3; i++)
	{
		A[i] = a[i];
		B[i] = b[i];
		A[i].events *= scale;
		A[i].censored *= scale;
		B[i].events *= scale;
		B[i].censored *= scale;
	}
	/* Breslow's likelihood scales exactly: same coef, se shrinks by sqrt */
	cox_fit(a, 3, b, 3, COX_BRESLOW, &f);
	cox_fit(A, 3, B, 3, COX_BRESLOW, &g);
	CHECK_CLOSE(g.coef, f.coef, 1e-12);
	CHECK_CLOSE(g.std_err * sqrt((double) scale), f.std_err, 1e-9);
	/* Efron's closed form keeps up with 1e12 tied events */
	cox_fit(A, 3, B, 3, COX_EFRON, &g);
	CHECK(g.finite && isfinite(g.coef) && isfinite(g.std_err) && g.std_err > 0.0);
	CHECK(g.p_value >= 0.0 && g.p_value <= 1.0);
}

/* Strata: terms add up, in any order, to the same bits; one stratum is
 * the plain test. */
static void
test_strata(void)
{
	static const SurvPoint a[] = {{1, 1, 0}, {3, 2, 1}, {6, 1, 0}};
	static const SurvPoint b[] = {{2, 1, 0}, {3, 0, 2}, {5, 1, 1}};
	SurvLogrankTerms t[3],
				u[3],
				total,
				total2;
	SurvLogrank r,
				plain;

	surv_logrank_terms(a, 3, b, 3, &t[0]);
	surv_logrank_terms(small_ctl, 6, small_trt, 5, &t[1]);
	surv_logrank_terms(b, 3, a, 3, &t[2]);
	CHECK(surv_logrank_terms_valid(&t[0]) && surv_logrank_terms_valid(&t[2]));
	/* swapping the groups of a stratum flips O - E and keeps the variance */
	CHECK_CLOSE(t[2].o_minus_e, -t[0].o_minus_e, 1e-15);
	CHECK_CLOSE(t[2].variance, t[0].variance, 1e-15);
	u[0] = t[2];
	u[1] = t[0];
	u[2] = t[1];
	surv_logrank_sum_terms(t, 3, &total);
	surv_logrank_sum_terms(u, 3, &total2);
	CHECK(memcmp(&total, &total2, sizeof(total)) == 0);

	surv_logrank_terms(a, 3, b, 3, &t[0]);
	surv_logrank_sum_terms(t, 1, &total);
	surv_logrank_from_terms(&total, &r);
	surv_logrank(a, 3, b, 3, &plain);
	CHECK(r.df == plain.df);
	CHECK_CLOSE(r.chisq, plain.chisq, 1e-15);
	CHECK_REL(r.p_value, plain.p_value, 1e-15);

	total.variance = -1.0;
	CHECK(!surv_logrank_terms_valid(&total));
	total.variance = 1.0;
	total.o_minus_e = NAN;
	CHECK(!surv_logrank_terms_valid(&total));
}

int
main(void)
{
	test_small_against_r();
	test_closed_form();
	test_score_zero();
	test_degenerate();
	test_huge_counts();
	test_extreme();
	test_strata();
	return unit_done("cox");
}
