/*
 * moments.c
 *		Running moments with Welford's update and Chan et al.'s merge.
 *
 * Sums of squares are never formed directly: with values like 1e6 + x the
 * textbook formula loses every significant digit of the variance, while
 * the deviation form keeps them.  Every function computes into locals and
 * writes the target only on success, so a failed update changes nothing.
 */
#include "moments.h"

#include <math.h>
#include <string.h>

#define all_finite(a, b) ca_all_finite(a, b)

CaStatus
moments_remove(Moments *m, double v)
{
	int64_t		n;
	double		mean,
				m2;

	if (!isfinite(v))
		return CA_NOT_FINITE;
	if (m->n <= 0)
		return CA_INCONSISTENT;
	if (m->n == 1)
	{
		memset(m, 0, sizeof(*m));
		return CA_OK;
	}
	n = m->n - 1;
	mean = m->mean - (v - m->mean) / (double) n;
	m2 = m->m2 - (v - mean) * (v - m->mean);
	if (!all_finite(mean, m2))
		return CA_OVERFLOW;
	m->n = n;
	m->mean = mean;
	m->m2 = m2 > 0.0 ? m2 : 0.0;
	return CA_OK;
}

CaStatus
moments_merge(Moments *dst, const Moments *src)
{
	int64_t		n;
	double		d,
				f,
				mean,
				m2;

	if (src->n == 0)
		return CA_OK;
	if (dst->n == 0)
	{
		*dst = *src;
		return CA_OK;
	}
	if (!ca_add_i64(dst->n, src->n, &n))
		return CA_OVERFLOW;
	d = src->mean - dst->mean;
	f = (double) src->n / (double) n;
	mean = dst->mean + d * f;
	m2 = dst->m2 + src->m2 + d * d * (double) dst->n * f;
	if (!all_finite(mean, m2))
		return CA_OVERFLOW;
	dst->n = n;
	dst->mean = mean;
	dst->m2 = m2;
	return CA_OK;
}

CaStatus
moments_unmerge(Moments *dst, const Moments *src)
{
	int64_t		n;
	double		mean,
				d,
				m2;

	if (src->n == 0)
		return CA_OK;
	if (src->n > dst->n)
		return CA_INCONSISTENT;
	if (src->n == dst->n)
	{
		memset(dst, 0, sizeof(*dst));
		return CA_OK;
	}
	n = dst->n - src->n;
	mean = dst->mean + (dst->mean - src->mean) * ((double) src->n / (double) n);
	d = src->mean - mean;
	m2 = dst->m2 - src->m2 - d * d * (double) n * ((double) src->n / (double) dst->n);
	if (!all_finite(mean, m2))
		return CA_OVERFLOW;
	dst->n = n;
	dst->mean = mean;
	dst->m2 = m2 > 0.0 ? m2 : 0.0;
	return CA_OK;
}

CaStatus
moments_from_sums(Moments *m, int64_t n, double sum, double sum_sq)
{
	double		mean,
				m2;

	if (!all_finite(sum, sum_sq))
		return CA_NOT_FINITE;
	if (n < 0 || sum_sq < 0.0)
		return CA_INCONSISTENT;
	if (n == 0)
	{
		if (sum != 0.0 || sum_sq != 0.0)
			return CA_INCONSISTENT;
		memset(m, 0, sizeof(*m));
		return CA_OK;
	}
	mean = sum / (double) n;
	m2 = sum_sq - sum * mean;

	/*
	 * Rounding can leave a tiny negative remainder when every value is equal;
	 * anything beyond that means the sums cannot come from real data.
	 */
	if (m2 < 0.0)
	{
		if (m2 < -1e-9 * sum_sq)
			return CA_INCONSISTENT;
		m2 = 0.0;
	}
	if (!all_finite(mean, m2))
		return CA_OVERFLOW;
	m->n = n;
	m->mean = mean;
	m->m2 = m2;
	return CA_OK;
}

double
moments_variance(const Moments *m)
{
	if (m->n < 2)
		return NAN;
	return m->m2 / (double) (m->n - 1);
}

CaStatus
comoments_remove(CoMoments *m, double y, double x)
{
	CoMoments	r;

	if (!all_finite(y, x))
		return CA_NOT_FINITE;
	if (m->n <= 0)
		return CA_INCONSISTENT;
	if (m->n == 1)
	{
		memset(m, 0, sizeof(*m));
		return CA_OK;
	}
	r.n = m->n - 1;
	r.mean_y = m->mean_y - (y - m->mean_y) / (double) r.n;
	r.mean_x = m->mean_x - (x - m->mean_x) / (double) r.n;
	r.m2_y = m->m2_y - (y - r.mean_y) * (y - m->mean_y);
	r.m2_x = m->m2_x - (x - r.mean_x) * (x - m->mean_x);
	r.c_xy = m->c_xy - (x - r.mean_x) * (y - m->mean_y);
	if (!all_finite(r.mean_y, r.mean_x) || !all_finite(r.m2_y, r.m2_x) ||
		!isfinite(r.c_xy))
		return CA_OVERFLOW;
	r.m2_y = r.m2_y > 0.0 ? r.m2_y : 0.0;
	r.m2_x = r.m2_x > 0.0 ? r.m2_x : 0.0;
	*m = r;
	return CA_OK;
}

CaStatus
comoments_merge(CoMoments *dst, const CoMoments *src)
{
	CoMoments	r;
	double		dy,
				dx,
				f,
				w;

	if (src->n == 0)
		return CA_OK;
	if (dst->n == 0)
	{
		*dst = *src;
		return CA_OK;
	}
	if (!ca_add_i64(dst->n, src->n, &r.n))
		return CA_OVERFLOW;
	dy = src->mean_y - dst->mean_y;
	dx = src->mean_x - dst->mean_x;
	f = (double) src->n / (double) r.n;
	w = (double) dst->n * f;
	r.mean_y = dst->mean_y + dy * f;
	r.mean_x = dst->mean_x + dx * f;
	r.m2_y = dst->m2_y + src->m2_y + dy * dy * w;
	r.m2_x = dst->m2_x + src->m2_x + dx * dx * w;
	r.c_xy = dst->c_xy + src->c_xy + dx * dy * w;
	if (!all_finite(r.mean_y, r.mean_x) || !all_finite(r.m2_y, r.m2_x) ||
		!isfinite(r.c_xy))
		return CA_OVERFLOW;
	*dst = r;
	return CA_OK;
}

CaStatus
comoments_unmerge(CoMoments *dst, const CoMoments *src)
{
	CoMoments	r;
	double		g,
				dy,
				dx,
				w;

	if (src->n == 0)
		return CA_OK;
	if (src->n > dst->n)
		return CA_INCONSISTENT;
	if (src->n == dst->n)
	{
		memset(dst, 0, sizeof(*dst));
		return CA_OK;
	}
	r.n = dst->n - src->n;
	g = (double) src->n / (double) r.n;
	r.mean_y = dst->mean_y + (dst->mean_y - src->mean_y) * g;
	r.mean_x = dst->mean_x + (dst->mean_x - src->mean_x) * g;
	dy = src->mean_y - r.mean_y;
	dx = src->mean_x - r.mean_x;
	w = (double) r.n * ((double) src->n / (double) dst->n);
	r.m2_y = dst->m2_y - src->m2_y - dy * dy * w;
	r.m2_x = dst->m2_x - src->m2_x - dx * dx * w;
	r.c_xy = dst->c_xy - src->c_xy - dx * dy * w;
	if (!all_finite(r.mean_y, r.mean_x) || !all_finite(r.m2_y, r.m2_x) ||
		!isfinite(r.c_xy))
		return CA_OVERFLOW;
	r.m2_y = r.m2_y > 0.0 ? r.m2_y : 0.0;
	r.m2_x = r.m2_x > 0.0 ? r.m2_x : 0.0;
	*dst = r;
	return CA_OK;
}
