/*
 * segments.c
 *		Whether an effect differs between segments: Cochran's Q.
 */
#include "segments.h"

#include <math.h>

#include "distributions.h"

void
stat_heterogeneity(const double *estimate, const double *std_error, int k,
				   StatHeterogeneity *out)
{
	double		se_min = INFINITY,
				wsum = 0.0,
				mean = 0.0,
				q = 0.0;
	int			i;

	for (i = 0; i < k; i++)
		se_min = fmin(se_min, std_error[i]);

	/*
	 * Relative weights v_i = (se_min / se_i)^2 <= 1 (w_i = v_i / se_min^2),
	 * and a running weighted mean (West's update) so that no sum of
	 * estimates is formed.
	 */
	for (i = 0; i < k; i++)
	{
		double		r = se_min / std_error[i],
					v = r * r;

		wsum += v;
		mean += (estimate[i] - mean) * v / wsum;
	}
	for (i = 0; i < k; i++)
	{
		double		z = (estimate[i] - mean) / std_error[i];

		q += z * z;
	}
	out->q = q;
	out->df = (double) (k - 1);
	out->p_value = dist_chisq_cdf(q, out->df, true);
	out->i_squared = q > 0.0 ? fmax(0.0, (q - out->df) / q) : NAN;
	out->pooled = mean;
	out->pooled_std_error = se_min / sqrt(wsum);
}
