/*
 * power.c
 *		Power, sample sizes and minimum detectable effects of two-arm tests.
 */
#include "power.h"

#include <math.h>

#include "distributions.h"

double
power_proportions(double n, double p1, double p2, double alpha)
{
	/*
	 * Phi((sqrt(n) |p1 - p2| - z_{alpha/2} sqrt((p1 + p2)(1 - (p1 + p2) /
	 * 2))) / sqrt(p1 q1 + p2 q2)), the formula of power.prop.test
	 */
	double		za = dist_normal_quantile(alpha / 2.0, true),
				sd = sqrt(p1 * (1.0 - p1) + p2 * (1.0 - p2)),
				num = sqrt(n) * fabs(p1 - p2) - za * sqrt((p1 + p2) * (1.0 - (p1 + p2) / 2.0));

	if (!(sd > 0.0))
		return NAN;
	return dist_normal_cdf(num / sd, false);
}

double
power_p2_proportions(double n, double p1, double alpha, double power)
{
	double		lo = p1,
				hi = 1.0;
	int			i;

	/*
	 * The power rises with p2 from alpha / 2 at p2 = p1 while p2 q2 stays
	 * small against the difference; bisection to the last bit keeps the
	 * root exact without assuming more.  p2 = 1 gives a zero variance
	 * term, which the formula still handles.
	 */
	if (!(power_proportions(n, p1, 1.0, alpha) >= power))
		return NAN;
	for (i = 0; i < 200; i++)
	{
		double		mid = 0.5 * (lo + hi);

		if (mid <= lo || mid >= hi)
			break;
		if (power_proportions(n, p1, mid, alpha) < power)
			lo = mid;
		else
			hi = mid;
	}
	return 0.5 * (lo + hi);
}

/* z_{alpha/2} + z_power */
static double
z_sum(double alpha, double power)
{
	return dist_normal_quantile(alpha / 2.0, true) + dist_normal_quantile(power, false);
}

double
power_sample_size_means(double sd, double mde, double alpha, double power,
						double ratio)
{
	double		z = z_sum(alpha, power),
				k = z * sd / mde;

	if (!(z > 0.0))
		return NAN;
	return k * k * (1.0 + 1.0 / ratio);
}

double
power_mde_means(double n, double sd, double alpha, double power, double ratio)
{
	double		z = z_sum(alpha, power);

	if (!(z > 0.0))
		return NAN;
	return z * sd * sqrt((1.0 + 1.0 / ratio) / n);
}
