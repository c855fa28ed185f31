/*
 * moments.h
 *		Numerically stable running moments (Welford updates, Chan et al. merges).
 *
 * Plain C: no PostgreSQL headers, so the code can be unit-tested and fuzzed
 * outside the server.
 */
#ifndef CA_MOMENTS_H
#define CA_MOMENTS_H

#include <math.h>
#include <stdbool.h>
#include <stdint.h>

#include "ca_status.h"

/* Count, mean and sum of squared deviations of one variable. */
typedef struct Moments
{
	int64_t		n;
	double		mean;
	double		m2;
} Moments;

/*
 * Joint moments of a pair (y, x) observed together: the value y and the
 * covariate x, with their co-moment, as CUPED needs them.
 */
typedef struct CoMoments
{
	int64_t		n;
	double		mean_y;
	double		mean_x;
	double		m2_y;
	double		m2_x;
	double		c_xy;
} CoMoments;

extern CaStatus moments_remove(Moments *m, double v);
extern CaStatus moments_merge(Moments *dst, const Moments *src);
extern CaStatus moments_unmerge(Moments *dst, const Moments *src);
extern CaStatus moments_from_sums(Moments *m, int64_t n, double sum, double sum_sq);
extern double moments_variance(const Moments *m);

extern CaStatus comoments_remove(CoMoments *m, double y, double x);
extern CaStatus comoments_merge(CoMoments *dst, const CoMoments *src);
extern CaStatus comoments_unmerge(CoMoments *dst, const CoMoments *src);

/* Checked int64 arithmetic shared by the summaries. */
static inline bool
ca_add_i64(int64_t a, int64_t b, int64_t *r)
{
	return !__builtin_add_overflow(a, b, r);
}

static inline bool
ca_sub_i64(int64_t a, int64_t b, int64_t *r)
{
	return !__builtin_sub_overflow(a, b, r);
}

static inline bool
ca_all_finite(double a, double b)
{
	return isfinite(a) && isfinite(b);
}

/*
 * Welford's update with one more value.  Inline: this is the per-row path
 * of the aggregates.  The division by n is taken off the mean's dependency
 * chain by multiplying with 1/n, which depends only on the count.
 */
static inline CaStatus
moments_add(Moments *m, double v)
{
	int64_t		n;
	double		inv,
				d,
				mean,
				m2;

	if (!isfinite(v))
		return CA_NOT_FINITE;
	if (!ca_add_i64(m->n, 1, &n))
		return CA_OVERFLOW;
	inv = 1.0 / (double) n;
	d = v - m->mean;
	mean = m->mean + d * inv;
	m2 = m->m2 + d * (v - mean);
	/* an infinite d or mean makes m2 infinite or NaN: one check covers all */
	if (!isfinite(m2))
		return CA_OVERFLOW;
	m->n = n;
	m->mean = mean;
	m->m2 = m2;
	return CA_OK;
}

/* The joint update of value y and covariate x, as moments_add. */
static inline CaStatus
comoments_add(CoMoments *m, double y, double x)
{
	CoMoments	r;
	double		inv,
				dy,
				dx;

	if (!ca_all_finite(y, x))
		return CA_NOT_FINITE;
	if (!ca_add_i64(m->n, 1, &r.n))
		return CA_OVERFLOW;
	inv = 1.0 / (double) r.n;
	dy = y - m->mean_y;
	dx = x - m->mean_x;
	r.mean_y = m->mean_y + dy * inv;
	r.mean_x = m->mean_x + dx * inv;
	r.m2_y = m->m2_y + dy * (y - r.mean_y);
	r.m2_x = m->m2_x + dx * (x - r.mean_x);
	r.c_xy = m->c_xy + dx * (y - r.mean_y);
	if (!ca_all_finite(r.mean_y, r.mean_x) || !ca_all_finite(r.m2_y, r.m2_x) ||
		!isfinite(r.c_xy))
		return CA_OVERFLOW;
	*m = r;
	return CA_OK;
}

#endif							/* CA_MOMENTS_H */
