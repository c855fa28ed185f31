/*
 * churn.h
 *		Conditional churn risk from a survival run, and per-period churn
 *		hazards from retention counts.
 *
 * Plain C, no PostgreSQL headers.
 */
#ifndef CA_CHURN_H
#define CA_CHURN_H

#include "activity.h"
#include "survival.h"

/* A probability with its interval; NaN where undefined. */
typedef struct ChurnRisk
{
	double		probability;
	double		low;
	double		high;
} ChurnRisk;

/*
 * The Kaplan-Meier probability that a unit still there at tenure churns in
 * (tenure, tenure + horizon]: 1 - S(tenure + horizon) / S(tenure), with the
 * log-transformed Greenwood interval of the conditional survival at level
 * (as R's survfit intervals).  tenure, horizon >= 0 and finite,
 * 0 < level < 1.  Undefined (NaN) when no unit was observed past tenure;
 * the interval is undefined when every unit at risk churned.
 */
extern void churn_conditional(const SurvPoint *pts, size_t n, double tenure,
							  double horizon, double level, ChurnRisk *r);

/*
 * Discrete churn hazard of period k = 0 .. periods - 2: the share of units
 * still active (in k or later) at k that are never active after k,
 * 1 - R[k + 1] / R[k] with R[k] = on_or_after[k] / eligible[k].  NaN for
 * the last period and where R[k] is 0 or either period has no eligible
 * unit.  out holds periods entries.
 */
extern void churn_retention_hazard(const RetentionCounts *r, double *out);

#endif							/* CA_CHURN_H */
