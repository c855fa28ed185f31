/*
 * churn.c
 *		Conditional churn risk from a survival run, and per-period churn
 *		hazards from retention counts.
 */
#include "churn.h"
#include "distributions.h"

#include <math.h>

void
churn_conditional(const SurvPoint *pts, size_t n, double tenure,
				  double horizon, double level, ChurnRisk *r)
{
	double		end = tenure + horizon,
				at_risk = (double) surv_observations(pts, n),
				cs = 1.0,
				greenwood = 0.0,
				z,
				se;
	size_t		i = 0;

	r->probability = r->low = r->high = NAN;
	/* units that churned or were last seen by tenure are not at risk */
	for (; i < n && pts[i].time <= tenure; i++)
		at_risk -= (double) (pts[i].events + pts[i].censored);
	if (!(at_risk > 0.0))
		return;
	for (; i < n && pts[i].time <= end; i++)
	{
		double		d = (double) pts[i].events;

		if (d > 0.0)
		{
			cs *= (at_risk - d) / at_risk;
			greenwood = at_risk > d ? greenwood + d / (at_risk * (at_risk - d)) : INFINITY;
		}
		at_risk -= d + (double) pts[i].censored;
	}
	r->probability = 1.0 - cs;
	if (!(cs > 0.0))
		return;
	z = dist_normal_quantile(1.0 - (1.0 - level) / 2.0, false);
	se = sqrt(greenwood);
	r->low = 1.0 - fmin(exp(log(cs) + z * se), 1.0);
	r->high = 1.0 - exp(log(cs) - z * se);
}

void
churn_retention_hazard(const RetentionCounts *r, double *out)
{
	int32_t		k;

	for (k = 0; k < r->periods; k++)
	{
		__int128	num;

		out[k] = NAN;
		if (k + 1 >= r->periods || r->eligible[k] == 0 || r->eligible[k + 1] == 0 ||
			r->on_or_after[k] == 0)
			continue;
		/* (on_or_after[k] e[k+1] - on_or_after[k+1] e[k]) / (on_or_after[k] e[k+1]) */
		num = (__int128) r->on_or_after[k] * r->eligible[k + 1] -
			(__int128) r->on_or_after[k + 1] * r->eligible[k];
		out[k] = (double) num /
			((double) r->on_or_after[k] * (double) r->eligible[k + 1]);
	}
}
