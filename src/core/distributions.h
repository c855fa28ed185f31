/*
 * distributions.h
 *		Normal, Student t, beta and chi-square distributions with full
 *		double accuracy in both tails.
 *
 * Plain C, no PostgreSQL headers.  Every cumulative function takes an
 * "upper" flag and computes the requested tail directly, so a tail
 * probability is never formed as 1 - cdf and never rounds to zero while a
 * double can still hold it.  Invalid arguments give NaN.
 */
#ifndef CA_DISTRIBUTIONS_H
#define CA_DISTRIBUTIONS_H

#include <stdbool.h>

/* log Gamma(x) for x > 0 */
extern double dist_lgamma(double x);

/* log Beta(a, b) for a, b > 0, accurate for large arguments */
extern double dist_lbeta(double a, double b);

/* P(Z <= z), or P(Z > z) when upper */
extern double dist_normal_cdf(double z, bool upper);

/* z with P(Z <= z) = p, or P(Z > z) = p when upper */
extern double dist_normal_quantile(double p, bool upper);

/*
 * Regularised incomplete beta I_x(a, b), or 1 - I_x(a, b) when upper.
 * Takes y = 1 - x as well, so callers that know y more accurately than
 * 1 - x (e.g. t^2 / (df + t^2)) lose nothing.
 */
extern double dist_beta_cdf(double x, double y, double a, double b, bool upper);

/* x with I_x(a, b) = p, or 1 - I_x(a, b) = p when upper */
extern double dist_beta_quantile(double p, double a, double b, bool upper);

/* Student t with df > 0 degrees of freedom (df may be non-integer) */
extern double dist_t_cdf(double t, double df, bool upper);
extern double dist_t_quantile(double p, double df, bool upper);

/* Regularised incomplete gamma P(a, x), or Q(a, x) when upper */
extern double dist_gamma_cdf(double x, double a, bool upper);

/* chi-square with df > 0 degrees of freedom */
extern double dist_chisq_cdf(double x, double df, bool upper);

#endif							/* CA_DISTRIBUTIONS_H */
