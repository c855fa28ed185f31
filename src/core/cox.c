/*
 * cox.c
 *		Cox proportional-hazards model with one binary covariate (control 0,
 *		treatment 1) from two survival runs.
 *
 * The partial likelihood depends on the data only through the units at
 * risk and the events of each group at each distinct time, which a
 * survival run holds, so the fit is the one R's coxph computes from the
 * rows.  With r = exp(coef), n0 and n1 at risk and d = d0 + d1 tied events
 * at a time, Efron's approximation removes the fraction k/d of the dying
 * units' weight from the risk set for the k-th of them, k = 0 .. d - 1:
 *
 *   a_k = n0 - (k/d) d0 + r (n1 - (k/d) d1),  p_k = r (n1 - (k/d) d1) / a_k
 *   score = d1 - sum_k p_k,  information = sum_k p_k (1 - p_k)
 *
 * Breslow's uses k = 0 for all of them.  1 - p_k is computed as its own
 * ratio, so the information loses nothing when p_k is close to 1.
 */
#include "cox.h"

#include <float.h>
#include <math.h>
#include <string.h>

#define COX_MAX_ITER 200
#define COX_MAX_STEP 20.0

/* Digamma for x > 0: recurrence up to 10, then the asymptotic series. */
static double
digamma(double x)
{
	double		acc = 0.0,
				x2;

	while (x < 10.0)
	{
		acc -= 1.0 / x;
		x += 1.0;
	}
	x2 = 1.0 / (x * x);
	return acc + log(x) - 0.5 / x -
		x2 * (1.0 / 12 - x2 * (1.0 / 120 - x2 * (1.0 / 252 - x2 * (1.0 / 240 - x2 / 132))));
}

/* Trigamma for x > 0, likewise. */
static double
trigamma(double x)
{
	double		acc = 0.0,
				x2;

	while (x < 10.0)
	{
		acc += 1.0 / (x * x);
		x += 1.0;
	}
	x2 = 1.0 / (x * x);
	return acc + 1.0 / x + x2 / 2.0 +
		x2 / x * (1.0 / 6 - x2 * (1.0 / 30 - x2 * (1.0 / 42 - x2 * (1.0 / 30 - x2 * 5.0 / 66))));
}

void
cox_time_terms(double n0, double n1, double d0, double d1, double coef,
			   CoxTies ties, bool closed_form, double *score, double *info)
{
	double		r = exp(coef),
				d = d0 + d1;

	*score = d1;
	*info = 0.0;
	if (!(d > 0.0))
		return;
	if (ties == COX_BRESLOW || d == 1.0)
	{
		double		a = n0 + r * n1,
					p = r * n1 / a,
					q = n0 / a;

		*score -= d * p;
		*info = d * p * q;
	}
	else if (!closed_form)
	{
		double		k;

		for (k = 0.0; k < d; k += 1.0)
		{
			double		f = k / d,
						b0 = n0 - f * d0,
						b1 = r * (n1 - f * d1),
						a = b0 + b1;

			*score -= b1 / a;
			*info += (b1 / a) * (b0 / a);
		}
	}
	else
	{
		/*
		 * a_k = A - k B with A = n0 + r n1 and B = (d0 + r d1) / d, and p_k =
		 * g + c / a_k with g = r d1 / (d0 + r d1) and c = r (n1 d0 - n0 d1) /
		 * (d0 + r d1); so sum p_k and sum p_k (1 - p_k) need only sum 1/a_k
		 * and sum 1/a_k^2, differences of digamma and trigamma values at u + 1
		 * and u - d + 1 with u = A / B.
		 */
		double		w = d0 + r * d1,
					A = n0 + r * n1,
					B = w / d,
					g = r * d1 / w,
					c = r * (n1 * d0 - n0 * d1) / w,
					u = A / B,
					lo = u - d + 1.0,
					s1 = (digamma(u + 1.0) - digamma(lo)) / B,
					s2 = (trigamma(lo) - trigamma(u + 1.0)) / (B * B);

		*score -= d * g + c * s1;
		*info = d * g * (1.0 - g) + c * (1.0 - 2.0 * g) * s1 - c * c * s2;
	}
}

/* Score and information of the whole partial likelihood at coef. */
static void
cox_totals(const SurvPoint *ctl, size_t nc, const SurvPoint *trt, size_t nt,
		   CoxTies ties, double coef, double *score, double *info)
{
	SurvPairIter it;
	SurvPairStep s;

	*score = *info = 0.0;
	surv_pair_start(&it, ctl, nc, trt, nt);
	while (surv_pair_next(&it, &s))
	{
		double		u,
					v;

		if (s.events[0] + s.events[1] == 0.0)
			continue;
		cox_time_terms(s.at_risk[0], s.at_risk[1], s.events[0], s.events[1],
					   coef, ties,
					   s.events[0] + s.events[1] >= COX_EFRON_CLOSED_FORM,
					   &u, &v);
		*score += u;
		*info += v;
	}
}

/*
 * The maximum is finite when the score is positive as coef goes to -inf
 * and negative as it goes to +inf: some treatment event while control
 * units are at risk, and some control event while treatment units are.
 */
static bool
cox_has_finite_max(const SurvPoint *ctl, size_t nc, const SurvPoint *trt, size_t nt)
{
	SurvPairIter it;
	SurvPairStep s;
	bool		up = false,
				down = false;

	surv_pair_start(&it, ctl, nc, trt, nt);
	while (surv_pair_next(&it, &s))
	{
		if (s.events[1] > 0.0 && s.at_risk[0] > 0.0)
			up = true;
		if (s.events[0] > 0.0 && s.at_risk[1] > 0.0)
			down = true;
	}
	return up && down;
}

void
cox_fit(const SurvPoint *ctl, size_t nc, const SurvPoint *trt, size_t nt,
		CoxTies ties, CoxFit *fit)
{
	double		beta = 0.0,
				lo = -INFINITY,
				hi = INFINITY,
				u,
				v;
	int			iter;

	memset(fit, 0, sizeof(*fit));
	fit->coef = fit->std_err = fit->z = fit->p_value = NAN;

	/* the score test at coef = 0 */
	cox_totals(ctl, nc, trt, nt, ties, 0.0, &u, &v);
	if (v > 0.0)
	{
		fit->score_chisq = u * u / v;
		fit->score_p = erfc(fabs(u) / sqrt(2.0 * v));
	}
	else
		fit->score_chisq = fit->score_p = NAN;

	fit->finite = cox_has_finite_max(ctl, nc, trt, nt);
	if (!fit->finite)
		return;

	/*
	 * The log partial likelihood is strictly concave here, so the score
	 * falls as coef grows: Newton steps, kept inside the bracket of the root
	 * that the signs of the scores seen so far give, bisecting when a step
	 * would leave it.
	 */
	for (iter = 1; iter <= COX_MAX_ITER; iter++)
	{
		double		next;

		if (u == 0.0)
			break;
		if (u > 0.0)
			lo = beta;
		else
			hi = beta;
		/* at most 20 (a factor e^20 in the ratio) per step: exp stays finite */
		next = beta + fmax(-COX_MAX_STEP, fmin(COX_MAX_STEP, u / v));
		if (!(next > lo && next < hi))
		{
			if (isinf(lo))
				next = hi - 2.0 * fmax(1.0, fabs(hi));
			else if (isinf(hi))
				next = lo + 2.0 * fmax(1.0, fabs(lo));
			else
				next = lo + (hi - lo) / 2.0;
		}
		if (fabs(next - beta) <= 4.0 * DBL_EPSILON * fmax(1.0, fabs(beta)))
		{
			beta = next;
			cox_totals(ctl, nc, trt, nt, ties, beta, &u, &v);
			break;
		}
		beta = next;
		cox_totals(ctl, nc, trt, nt, ties, beta, &u, &v);
	}
	fit->iterations = iter;
	fit->coef = beta;
	if (!(v > 0.0))
		return;
	fit->std_err = 1.0 / sqrt(v);
	fit->z = beta / fit->std_err;
	fit->p_value = erfc(fabs(fit->z) / sqrt(2.0));
}
