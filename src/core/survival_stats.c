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
#include "distributions.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void
surv_curve_start(SurvCurveIter *it, const SurvPoint *pts, size_t n, double level)
{
	it->pts = pts;
	it->n = n;
	it->next = 0;
	it->at_risk = surv_observations(pts, n);
	it->survival = 1.0;
	it->greenwood = 0.0;
	/* as R's survfit: qnorm(1 - (1 - level) / 2) */
	it->z = dist_normal_quantile(1.0 - (1.0 - level) / 2.0, false);
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
surv_pair_start(SurvPairIter *it, const SurvPoint *a, size_t na,
				const SurvPoint *b, size_t nb)
{
	it->run[0] = a;
	it->run[1] = b;
	it->n[0] = na;
	it->n[1] = nb;
	it->next[0] = it->next[1] = 0;
	it->at_risk[0] = (double) surv_observations(a, na);
	it->at_risk[1] = (double) surv_observations(b, nb);
}

bool
surv_pair_next(SurvPairIter *it, SurvPairStep *step)
{
	bool		more[2];
	int			k;

	for (k = 0; k < 2; k++)
		more[k] = it->next[k] < it->n[k];
	if (!more[0] && !more[1])
		return false;
	if (!more[1] || (more[0] && it->run[0][it->next[0]].time < it->run[1][it->next[1]].time))
		step->time = it->run[0][it->next[0]].time;
	else
		step->time = it->run[1][it->next[1]].time;
	for (k = 0; k < 2; k++)
	{
		step->at_risk[k] = it->at_risk[k];
		step->events[k] = step->censored[k] = 0.0;
		if (more[k] && it->run[k][it->next[k]].time == step->time)
		{
			const SurvPoint *p = &it->run[k][it->next[k]++];

			step->events[k] = (double) p->events;
			step->censored[k] = (double) p->censored;
			it->at_risk[k] -= step->events[k] + step->censored[k];
		}
	}
	return true;
}

void
surv_logrank_terms(const SurvPoint *a, size_t na, const SurvPoint *b, size_t nb,
				   SurvLogrankTerms *t)
{
	SurvPairIter it;
	SurvPairStep s;

	memset(t, 0, sizeof(*t));
	surv_pair_start(&it, a, na, b, nb);
	while (surv_pair_next(&it, &s))
	{
		double		deaths = s.events[0] + s.events[1],
					nrisk = s.at_risk[0] + s.at_risk[1];
		int			k;

		if (!(deaths > 0.0))
			continue;
		for (k = 0; k < 2; k++)
			t->expected[k] += deaths * s.at_risk[k] / nrisk;
		t->o_minus_e += s.events[1] - deaths * s.at_risk[1] / nrisk;
		if (nrisk > 1.0)
			t->variance += deaths * (nrisk - deaths) / (nrisk * (nrisk - 1.0)) *
				s.at_risk[1] * (nrisk - s.at_risk[1]) / nrisk;
	}
}

_Static_assert(sizeof(SurvLogrankTerms) == 4 * sizeof(double),
			   "SurvLogrankTerms is compared as four doubles");

static int
terms_cmp(const void *x, const void *y)
{
	const double *a = (const double *) x;
	const double *b = (const double *) y;
	int			i;

	/* the four doubles of SurvLogrankTerms, lexicographically */
	for (i = 0; i < 4; i++)
		if (a[i] != b[i])
			return a[i] < b[i] ? -1 : 1;
	return 0;
}

void
surv_logrank_sum_terms(SurvLogrankTerms *terms, size_t n, SurvLogrankTerms *total)
{
	size_t		i;

	memset(total, 0, sizeof(*total));
	if (n > 1)
		qsort(terms, n, sizeof(SurvLogrankTerms), terms_cmp);
	for (i = 0; i < n; i++)
	{
		total->o_minus_e += terms[i].o_minus_e;
		total->variance += terms[i].variance;
		total->expected[0] += terms[i].expected[0];
		total->expected[1] += terms[i].expected[1];
	}
}

bool
surv_logrank_terms_valid(const SurvLogrankTerms *t)
{
	return isfinite(t->o_minus_e) && t->variance >= 0.0 && isfinite(t->variance) &&
		t->expected[0] >= 0.0 && isfinite(t->expected[0]) &&
		t->expected[1] >= 0.0 && isfinite(t->expected[1]);
}

void
surv_logrank_from_terms(const SurvLogrankTerms *t, SurvLogrank *r)
{
	memset(r, 0, sizeof(*r));
	r->expected[0] = t->expected[0];
	r->expected[1] = t->expected[1];
	r->variance = t->variance;
	/* as survdiff: a group with nothing expected leaves no degree of freedom */
	if (!(t->expected[0] > 0.0 && t->expected[1] > 0.0))
	{
		r->df = 0;
		r->chisq = 0.0;
		r->p_value = NAN;
		return;
	}
	r->df = 1;
	if (!(t->variance > 0.0))
	{
		r->chisq = NAN;
		r->p_value = NAN;
		return;
	}
	/* survdiff drops the first group and uses the second's O - E */
	r->chisq = t->o_minus_e * t->o_minus_e / t->variance;
	r->p_value = erfc(sqrt(r->chisq / 2.0));
}

void
surv_logrank(const SurvPoint *a, size_t na, const SurvPoint *b, size_t nb,
			 SurvLogrank *r)
{
	SurvLogrankTerms t;

	surv_logrank_terms(a, na, b, nb, &t);
	surv_logrank_from_terms(&t, r);
	r->observed[0] = (double) surv_events(a, na);
	r->observed[1] = (double) surv_events(b, nb);
}
