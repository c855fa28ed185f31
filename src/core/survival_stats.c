/*
 * survival_stats.c
 *		Kaplan-Meier curves, median survival and the log-rank test on
 *		survival runs.
 *
 * They follow R's survival package (survfit with its default
 * log-transformed interval, print.survfit's median, survdiff with rho = 0)
 * so results can be checked against it to 1e-10.
 */
#include "survival.h"

#include <math.h>
#include <string.h>

/*
 * Acklam's rational approximation (relative error 1.15e-9) refined by one
 * Halley step on erfc, which brings it to a few ulps.
 */
double
surv_normal_quantile(double p)
{
	static const double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,
		-2.759285104469687e+02, 1.383577518672690e+02,
	-3.066479806614716e+01, 2.506628277459239e+00};
	static const double b[] = {-5.447609879822406e+01, 1.615858368580409e+02,
		-1.556989798598866e+02, 6.680131188771972e+01,
	-1.328068155288572e+01};
	static const double c[] = {-7.784894002430293e-03, -3.223964580411365e-01,
		-2.400758277161838e+00, -2.549732539343734e+00,
	4.374664141464968e+00, 2.938163982698783e+00};
	static const double d[] = {7.784695709041462e-03, 3.224671290700398e-01,
	2.445134137142996e+00, 3.754408661907416e+00};
	const double plow = 0.02425;
	double		q,
				r,
				x,
				e,
				u;

	if (!(p > 0.0 && p < 1.0))
		return NAN;
	if (p < plow || p > 1.0 - plow)
	{
		q = sqrt(-2.0 * log(p < plow ? p : 1.0 - p));
		x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
			((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1.0);
		if (p > 1.0 - plow)
			x = -x;
	}
	else
	{
		q = p - 0.5;
		r = q * q;
		x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
			(((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1.0);
	}
	/* Halley refinement; the tail form of the CDF keeps precision for p > 1/2 */
	if (x > 0.0)
		e = (1.0 - p) - 0.5 * erfc(x / sqrt(2.0));
	else
		e = 0.5 * erfc(-x / sqrt(2.0)) - p;
	u = e * sqrt(2.0 * M_PI) * exp(x * x / 2.0);
	return x - u / (1.0 + x * u / 2.0);
}

void
surv_curve_start(SurvCurveIter *it, const SurvPoint *pts, size_t n, double level)
{
	it->pts = pts;
	it->n = n;
	it->next = 0;
	it->at_risk = surv_observations(pts, n);
	it->survival = 1.0;
	it->greenwood = 0.0;
	it->z = surv_normal_quantile(1.0 - (1.0 - level) / 2.0);
}

bool
surv_curve_next(SurvCurveIter *it, SurvCurveRow *row)
{
	const SurvPoint *p;
	double		n,
				d,
				se_log;

	if (it->next >= it->n)
		return false;
	p = &it->pts[it->next++];
	n = (double) it->at_risk;
	d = (double) p->events;
	if (p->events > 0)
	{
		it->survival *= (n - d) / n;
		it->greenwood = n > d ? it->greenwood + d / (n * (n - d)) : INFINITY;
	}
	se_log = sqrt(it->greenwood);
	row->time = p->time;
	row->at_risk = it->at_risk;
	row->events = p->events;
	row->censored = p->censored;
	row->survival = it->survival;
	/* as R's summary.survfit: survival times the standard error of log S */
	row->std_err = it->survival > 0.0 ? it->survival * se_log : NAN;
	if (it->survival > 0.0)
	{
		row->ci_low = exp(log(it->survival) - it->z * se_log);
		row->ci_high = fmin(exp(log(it->survival) + it->z * se_log), 1.0);
	}
	else
		row->ci_low = row->ci_high = NAN;
	it->at_risk -= p->events + p->censored;
	return true;
}

/*
 * The median as print.survfit reports it (survmean's minmin): the first
 * time where the curve is below 1/2 + tol; when the curve sits at 1/2
 * there, the midpoint between that time and the time it next drops.
 */
double
surv_median(const SurvPoint *pts, size_t n)
{
	const double tol = sqrt(2.220446049250313e-16);
	SurvCurveIter it;
	SurvCurveRow row;
	double		x1 = NAN,
				s1 = NAN;

	surv_curve_start(&it, pts, n, 0.95);
	while (surv_curve_next(&it, &row))
	{
		if (isnan(x1))
		{
			if (row.survival < 0.5 + tol)
			{
				x1 = row.time;
				s1 = row.survival;
				if (!(fabs(s1 - 0.5) < tol))
					return x1;
			}
		}
		else if (row.survival < s1)
			return (x1 + row.time) / 2.0;
	}
	return x1;
}

void
surv_logrank(const SurvPoint *a, size_t na, const SurvPoint *b, size_t nb,
			 SurvLogrank *r)
{
	double		risk[2] = {(double) surv_observations(a, na),
	(double) surv_observations(b, nb)};
	size_t		i = 0,
				j = 0;

	memset(r, 0, sizeof(*r));
	while (i < na || j < nb)
	{
		double		t,
					d[2] = {0, 0},
					c[2] = {0, 0},
					deaths,
					nrisk;
		int			k;

		t = (j >= nb || (i < na && a[i].time < b[j].time)) ? a[i].time : b[j].time;
		if (i < na && a[i].time == t)
		{
			d[0] = (double) a[i].events;
			c[0] = (double) a[i++].censored;
		}
		if (j < nb && b[j].time == t)
		{
			d[1] = (double) b[j].events;
			c[1] = (double) b[j++].censored;
		}
		deaths = d[0] + d[1];
		nrisk = risk[0] + risk[1];
		if (deaths > 0.0)
		{
			for (k = 0; k < 2; k++)
				r->expected[k] += deaths * risk[k] / nrisk;
			if (nrisk > 1.0)
				r->variance += deaths * (nrisk - deaths) / (nrisk * (nrisk - 1.0)) *
					risk[1] * (nrisk - risk[1]) / nrisk;
		}
		for (k = 0; k < 2; k++)
		{
			r->observed[k] += d[k];
			risk[k] -= d[k] + c[k];
		}
	}

	/* as survdiff: a group with nothing expected leaves no degree of freedom */
	if (!(r->expected[0] > 0.0 && r->expected[1] > 0.0))
	{
		r->df = 0;
		r->chisq = 0.0;
		r->p_value = NAN;
		return;
	}
	r->df = 1;
	if (!(r->variance > 0.0))
	{
		r->chisq = NAN;
		r->p_value = NAN;
		return;
	}
	/* survdiff drops the first group and uses the second's O - E */
	r->chisq = (r->observed[1] - r->expected[1]) * (r->observed[1] - r->expected[1]) /
		r->variance;
	r->p_value = erfc(sqrt(r->chisq / 2.0));
}
