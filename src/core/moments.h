/*
 * moments.h
 *		Numerically stable running moments (Welford updates, Chan et al. merges).
 *
 * Plain C: no PostgreSQL headers, so the code can be unit-tested and fuzzed
 * outside the server.
 */
#ifndef CA_MOMENTS_H
#define CA_MOMENTS_H

#include <stdbool.h>
#include <stdint.h>

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

/* Result of an update: anything but CA_OK leaves the target unchanged. */
typedef enum CaStatus
{
	CA_OK = 0,
	CA_OVERFLOW,				/* a count or a moment left its range */
	CA_NOT_FINITE,				/* an input was NaN or infinite */
	CA_INCONSISTENT				/* removal of something never added */
} CaStatus;

extern CaStatus moments_add(Moments *m, double v);
extern CaStatus moments_remove(Moments *m, double v);
extern CaStatus moments_merge(Moments *dst, const Moments *src);
extern CaStatus moments_unmerge(Moments *dst, const Moments *src);
extern CaStatus moments_from_sums(Moments *m, int64_t n, double sum, double sum_sq);
extern double moments_variance(const Moments *m);

extern CaStatus comoments_add(CoMoments *m, double y, double x);
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

#endif							/* CA_MOMENTS_H */
