/*
 * ddsketch.h
 *		A quantile sketch with relative accuracy (the DDSketch family).
 *
 * Values are counted in logarithmic buckets: bucket i of a store holds the
 * magnitudes in (gamma^(i-1), gamma^i] with gamma = (1 + alpha) / (1 - alpha),
 * so the bucket's representative 2 gamma^i / (gamma + 1) lies within
 * alpha * |x| of every x in it.  Positive and negative values have a store
 * each, zeros an exact count.  A store keeps at most DDSKETCH_MAX_BUCKETS
 * consecutive buckets: when more would be needed, the lowest ones (the
 * magnitudes nearest zero) are collapsed into the lowest bucket kept.
 *
 * Counts are integers and the sum is exact (exact_sum.h), so merging is
 * exact: the same values give the same sketch, bit for bit, in any order of
 * additions and merges, collapsing included.
 *
 * Plain C, no PostgreSQL headers.  Memory comes from the allocator the
 * caller installs, which must not return NULL (it raises or aborts).
 */
#ifndef CA_DDSKETCH_H
#define CA_DDSKETCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "exact_sum.h"
#include "moments.h"

#define DDSKETCH_FORMAT_VERSION 1
#define DDSKETCH_MAX_BUCKETS 2048	/* per store */
#define DDSKETCH_DEFAULT_ALPHA 0.01
#define DDSKETCH_MIN_ALPHA 1e-6		/* keeps bucket indexes in int32 */

/* realloc semantics: ptr NULL allocates, size 0 frees; never fails */
typedef void *(*DDAllocFn) (void *ctx, void *ptr, size_t size);

typedef struct DDStore
{
	int64_t    *counts;			/* counts[i] counts bucket offset + i */
	int32_t		offset;
	int32_t		capacity;
	int32_t		lo;				/* lowest and highest non-empty bucket, */
	int32_t		hi;				/* valid when total > 0 */
	int64_t		total;
	bool		collapsed;		/* lower buckets were folded into lo */
} DDStore;

typedef struct DDSketch
{
	double		alpha;
	double		log_gamma;
	double		multiplier;		/* 1 / log_gamma */
	int64_t		count;
	int64_t		zero_count;
	double		min;			/* both 0 while count is 0 */
	double		max;
	ExactSum	sum;
	DDStore		pos;			/* positive values by bucket of x */
	DDStore		neg;			/* negative values by bucket of -x */
	DDAllocFn	alloc;
	void	   *alloc_ctx;
} DDSketch;

/* Result of ddsketch_compare (see doc/sketch.md for the formulas). */
typedef struct DDComparison
{
	double		prob_greater;	/* P(T > C) + P(T = C) / 2, bucketed */
	double		prob_error;		/* bound on its distance to the raw value */
	double		z;				/* Mann-Whitney z with continuity correction */
	double		p_value;		/* two-sided; NaN when all values tie */
	double		control_median;
	double		treatment_median;
	double		median_shift;	/* relative; NaN when the control median is 0 */
} DDComparison;

extern bool ddsketch_valid_alpha(double alpha);
extern void ddsketch_init(DDSketch *s, double alpha, DDAllocFn alloc, void *ctx);
extern void ddsketch_copy(DDSketch *dst, const DDSketch *src,
						  DDAllocFn alloc, void *ctx);
extern void ddsketch_free(DDSketch *s);	/* releases the bucket arrays */

/* Bucket of a magnitude x > 0, and the representative value of a bucket. */
extern int32_t ddsketch_index(const DDSketch *s, double x);
extern double ddsketch_value(const DDSketch *s, int32_t index);

/* CA_NOT_FINITE for NaN or infinity, CA_OVERFLOW past 2^63 - 1 values. */
extern CaStatus ddsketch_add(DDSketch *s, double v);

/* CA_INCONSISTENT when alpha differs, CA_OVERFLOW when counts overflow. */
extern CaStatus ddsketch_merge(DDSketch *dst, const DDSketch *src);

/*
 * The value of rank ceil(q * count) (at least 1), as percentile_disc
 * defines it, within alpha of the true one unless it lies in a collapsed
 * bucket; the exact min for rank 1 and max for rank count.  NaN when empty.
 */
extern double ddsketch_quantile(const DDSketch *s, double q);

/* Share of values whose bucket representative is <= x; NaN when empty. */
extern double ddsketch_cdf(const DDSketch *s, double x);

extern int	ddsketch_bucket_count(const DDSketch *s);

/* CA_INCONSISTENT when alpha differs or a sketch is empty. */
extern CaStatus ddsketch_compare(const DDSketch *control,
								 const DDSketch *treatment,
								 DDComparison *out);

/*
 * Fills store st (empty) with n consecutive bucket counts from index lo, for
 * decoders; returns NULL, or a description of what makes them invalid.
 * Decoders then check the whole sketch with ddsketch_problem.
 */
extern const char *ddsketch_load_store(DDSketch *s, DDStore *st, int32_t lo,
									   const int64_t *counts, int n,
									   bool collapsed);

/*
 * Checks that a decoded sketch is consistent; returns NULL when it is,
 * else a short description of the first problem found.
 */
extern const char *ddsketch_problem(const DDSketch *s);

/*
 * Binary form (ddsketch_codec.c): version byte first, then the fields.
 * ddsketch_decode returns NULL or a description of the problem; either way
 * the sketch may be passed to ddsketch_free.
 */
extern size_t ddsketch_encoded_bound(const DDSketch *s);
extern size_t ddsketch_encode(const DDSketch *s, uint8_t *buf);
extern const char *ddsketch_decode(DDSketch *s, const uint8_t *buf, size_t len,
								   DDAllocFn alloc, void *ctx);

#endif							/* CA_DDSKETCH_H */
