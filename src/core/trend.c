/*
 * trend.c
 *		Trend tests across ordered groups.
 *
 * Both tests are weighted regressions on the group scores 1 .. k, computed
 * in two passes (weighted means first, then centred sums) so that nothing
 * cancels.
 */
#include "trend.h"
#include "distributions.h"

#include <math.h>

void
trend_proportions(const int64_t *n, const int64_t *yes, int k, TrendResult *r)
{
	double		total = 0.0,
				events = 0.0,
				sbar = 0.0,
				pbar,
				sxx = 0.0,
				sxy = 0.0;
	int			i;

	r->slope = r->statistic = r->p_value = NAN;
	r->df = 1.0;
	for (i = 0; i < k; i++)
	{
		total += (double) n[i];
		events += (double) yes[i];
		sbar += (double) n[i] * (i + 1);
	}
	if (!(total > 0.0))
		return;
	sbar /= total;
	pbar = events / total;
	for (i = 0; i < k; i++)
	{
		double		ds = (i + 1) - sbar;

		if (n[i] == 0)
			continue;
		sxx += (double) n[i] * ds * ds;
		/* n (p_i - pbar) = yes - n pbar */
		sxy += ds * ((double) yes[i] - (double) n[i] * pbar);
	}
	if (!(sxx > 0.0))
		return;
	r->slope = sxy / sxx;
	if (!(pbar > 0.0 && pbar < 1.0))
		return;
	/* prop.trend.test: the regression sum of squares with weights n / (pbar (1 - pbar)) */
	r->statistic = sxy * sxy / sxx / (pbar * (1.0 - pbar));
	r->p_value = erfc(sqrt(r->statistic / 2.0));
}

void
trend_means(const Moments *m, int k, TrendResult *r)
{
	double		total = 0.0,
				sbar = 0.0,
				ybar = 0.0,
				sxx = 0.0,
				sxy = 0.0,
				syy = 0.0,
				sse,
				se;
	int			i;

	r->slope = r->statistic = r->p_value = r->df = NAN;
	for (i = 0; i < k; i++)
	{
		total += (double) m[i].n;
		sbar += (double) m[i].n * (i + 1);
	}
	if (!(total > 0.0))
		return;
	sbar /= total;
	for (i = 0; i < k; i++)
		if (m[i].n > 0)
			ybar += (double) m[i].n / total * m[i].mean;
	for (i = 0; i < k; i++)
	{
		double		ds = (i + 1) - sbar,
					dy = m[i].mean - ybar;

		if (m[i].n == 0)
			continue;
		sxx += (double) m[i].n * ds * ds;
		sxy += (double) m[i].n * ds * dy;
		syy += m[i].m2 + (double) m[i].n * dy * dy;
	}
	if (!(sxx > 0.0))
		return;
	r->slope = sxy / sxx;
	r->df = total - 2.0;
	sse = syy - r->slope * sxy;
	if (!(r->df > 0.0) || !(sse > 0.0))
		return;
	se = sqrt(sse / r->df / sxx);
	r->statistic = r->slope / se;
	r->p_value = 2.0 * dist_t_cdf(fabs(r->statistic), r->df, true);
}
