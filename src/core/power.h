/*
 * power.h
 *		Power, sample sizes and minimum detectable effects of two-arm tests.
 *
 * Plain C, no PostgreSQL headers.  Tests are two-sided at level alpha and,
 * as R's power.prop.test computes them (strict = FALSE), count only the
 * rejections on the side of the true effect.  Argument ranges are the
 * caller's to check; NaN means no answer exists (e.g. a power that no
 * sample size reaches).
 */
#ifndef CA_POWER_H
#define CA_POWER_H

/*
 * Power of the two-sided two-proportion test with n units per arm, as R's
 * power.prop.test(n, p1, p2, sig.level = alpha)$power.
 */
extern double power_proportions(double n, double p1, double p2, double alpha);

/*
 * The p2 > p1 that n units per arm detect with the given power, as R's
 * power.prop.test(n, p1, power = power)$p2, to full double precision.
 * NaN when even p2 = 1 falls short.
 */
extern double power_p2_proportions(double n, double p1, double alpha, double power);

/*
 * Units in the control arm (the treatment arm has ratio times as many) for
 * a two-sided test of a difference of means mde with per-unit standard
 * deviation sd, in the normal approximation:
 *   n = (z_{alpha/2} + z_power)^2 sd^2 (1 + 1 / ratio) / mde^2.
 */
extern double power_sample_size_means(double sd, double mde, double alpha,
									  double power, double ratio);

/* The difference of means that n control units (ratio n treated) detect. */
extern double power_mde_means(double n, double sd, double alpha, double power,
							  double ratio);

#endif							/* CA_POWER_H */
