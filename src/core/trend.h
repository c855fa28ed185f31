/*
 * trend.h
 *		Trend tests across ordered groups (e.g. weekly signup cohorts), the
 *		groups scored 1, 2, ... in their order.
 *
 * Plain C, no PostgreSQL headers.
 */
#ifndef CA_TREND_H
#define CA_TREND_H

#include <stdint.h>

#include "moments.h"

/* NaN where a value is undefined. */
typedef struct TrendResult
{
	double		slope;			/* change per group */
	double		statistic;
	double		df;				/* residual degrees of freedom (means only) */
	double		p_value;		/* two-sided */
} TrendResult;

/*
 * Cochran-Armitage test for a trend in the proportions yes[i] / n[i]
 * (R's prop.trend.test): slope of the proportions on the scores, weighted
 * by n, and its chi-square statistic with one degree of freedom.  Groups
 * with n = 0 carry no weight.
 */
extern void trend_proportions(const int64_t *n, const int64_t *yes, int k,
							  TrendResult *r);

/*
 * Linear regression of the units' values on their group's score, from the
 * groups' moments (R's lm(value ~ score) on the rows): slope, its t
 * statistic and p-value with N - 2 degrees of freedom.
 */
extern void trend_means(const Moments *m, int k, TrendResult *r);

#endif							/* CA_TREND_H */
