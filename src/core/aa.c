/*
 * aa.c
 *		A/A tests in one pass: many random splits of the same units.
 */
#include "aa.h"

#include <math.h>
#include <stdlib.h>

uint64_t
aa_hash_id(const void *data, size_t len)
{
	const unsigned char *p = data;
	uint64_t	h = 0xCBF29CE484222325ULL;
	size_t		i;

	for (i = 0; i < len; i++)
	{
		h ^= p[i];
		h *= 0x100000001B3ULL;
	}
	h = (h ^ (h >> 33)) * 0xFF51AFD7ED558CCDULL;
	h = (h ^ (h >> 33)) * 0xC4CEB9FE1A85EC53ULL;
	return h ^ (h >> 33);
}

CaStatus
aa_add(CohortStats *arms, int splits, uint64_t h, const CohortUnit *u)
{
	int			s;

	for (s = 0; s < splits; s++)
	{
		CaStatus	st = cohort_stats_add(&arms[2 * s + aa_arm_of(h, s)], u);

		if (st != CA_OK)
			return st;
	}
	return CA_OK;
}

CaStatus
aa_merge(CohortStats *dst, const CohortStats *src, int splits)
{
	int			i;

	for (i = 0; i < 2 * splits; i++)
	{
		CaStatus	st = cohort_stats_merge(&dst[i], &src[i]);

		if (st != CA_OK)
			return st;
	}
	return CA_OK;
}

const char *
aa_problem(const CohortStats *arms, int splits)
{
	int64_t		units = -1;
	int			s;

	if (splits < AA_MIN_SPLITS || splits > AA_MAX_SPLITS)
		return "the number of splits is out of range";
	for (s = 0; s < splits; s++)
	{
		const char *problem;
		int64_t		total;

		if ((problem = cohort_stats_problem(&arms[2 * s])) != NULL ||
			(problem = cohort_stats_problem(&arms[2 * s + 1])) != NULL)
			return problem;
		if (!ca_add_i64(arms[2 * s].units, arms[2 * s + 1].units, &total))
			return "a split has more units than a 64-bit count holds";
		if (units >= 0 && total != units)
			return "the splits do not hold the same units";
		units = total;
	}
	return NULL;
}

static int
cmp_double(const void *a, const void *b)
{
	double		x = *(const double *) a,
				y = *(const double *) b;

	return (x > y) - (x < y);
}

double
ks_uniform_statistic(const double *sorted, int n)
{
	double		d = 0.0;
	int			i;

	for (i = 0; i < n; i++)
	{
		double		x = sorted[i];

		d = fmax(d, fmax((i + 1.0) / n - x, x - (double) i / n));
	}
	return d;
}

double
ks_kolmogorov_upper(double x)
{
	double		sum = 0.0;
	int			k;

	if (!(x > 0.0))
		return 1.0;
	if (x < 1.0)
	{
		/*
		 * P(K <= x) = sqrt(2 pi) / x sum_k exp(-(2k - 1)^2 pi^2 / (8 x^2)),
		 * whose terms fall fast for small x
		 */
		double		c = M_PI * M_PI / (8.0 * x * x);

		for (k = 1; k <= 50; k++)
		{
			double		t = exp(-(2.0 * k - 1.0) * (2.0 * k - 1.0) * c);

			sum += t;
			if (t < sum * 1e-17)
				break;
		}
		return 1.0 - sqrt(2.0 * M_PI) / x * sum;
	}
	/* P(K > x) = 2 sum_k (-1)^(k-1) exp(-2 k^2 x^2) */
	for (k = 1; k <= 50; k++)
	{
		double		t = exp(-2.0 * k * k * x * x);

		sum += (k % 2 == 1) ? t : -t;
		if (t < fabs(sum) * 1e-17)
			break;
	}
	return fmin(1.0, 2.0 * sum);
}

CaStatus
aa_report(const CohortStats *arms, int splits, StatMetric metric, double alpha,
		  double *p, AaReport *out)
{
	int			s,
				n = 0,
				rejections = 0;
	CaStatus	st;

	for (s = 0; s < splits; s++)
	{
		StatComparison r;

		if ((st = stat_compare(&arms[2 * s], &arms[2 * s + 1], metric, alpha,
							   STAT_TWO_SIDED, &r)) != CA_OK)
			return st;
		if (isnan(r.p_value))
			continue;
		p[n++] = r.p_value;
		if (r.p_value < alpha)
			rejections++;
	}
	out->splits = n;
	out->rejections = rejections;
	if (n == 0)
	{
		out->false_positive_rate = out->fpr_low = out->fpr_high = NAN;
		out->ks_statistic = out->uniformity_p_value = NAN;
		return CA_OK;
	}
	out->false_positive_rate = (double) rejections / n;
	if ((st = stat_rate_interval(rejections, n, 0.95, STAT_RATE_CLOPPER_PEARSON,
								 &out->fpr_low, &out->fpr_high)) != CA_OK)
		return st;
	qsort(p, n, sizeof(double), cmp_double);
	out->ks_statistic = ks_uniform_statistic(p, n);
	out->uniformity_p_value = ks_kolmogorov_upper(sqrt((double) n) * out->ks_statistic);
	return CA_OK;
}
