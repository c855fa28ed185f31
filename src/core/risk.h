/*
 * risk.h
 *		Bayesian expected loss ("risk") of shipping either arm.
 *
 * Plain C, no PostgreSQL headers.
 */
#ifndef CA_RISK_H
#define CA_RISK_H

#include <stdbool.h>

#include "stat_tests.h"

typedef struct StatRisk
{
	double		choose_control;		/* E[max(better-ness of treatment, 0)] */
	double		choose_treatment;	/* E[max(better-ness of control, 0)] */
	bool		approximate;		/* normal approximation of Beta posteriors */
} StatRisk;

/*
 * Expected loss of choosing each arm, in units of the metric: for rates
 * under Beta(1 + yes, 1 + no) posteriors, exactly, switching to the normal
 * approximation of the posteriors when the exact sums would exceed
 * STAT_BETA_MAX_TERMS terms; for values and ratios under the normal
 * posterior of the difference.  Lower churn is better.  NaN when
 * undefined.
 */
extern CaStatus stat_expected_loss(const CohortStats *control, const CohortStats *treatment,
								   StatMetric metric, StatRisk *out);

/* E[max(D, 0)] for D ~ N(mu, sd^2), sd > 0, without cancellation. */
extern double stat_normal_positive_part(double mu, double sd);

#endif							/* CA_RISK_H */
