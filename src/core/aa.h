/*
 * aa.h
 *		A/A tests in one pass: every unit is assigned to one of two
 *		pseudo-arms in each of many splits at once, by hashing its id with
 *		the split number, and each arm of each split is a cohort summary.
 *
 * Plain C, no PostgreSQL headers.  The summaries of split s are arms[2 s]
 * (pseudo-control) and arms[2 s + 1] (pseudo-treatment).
 */
#ifndef CA_AA_H
#define CA_AA_H

#include <stddef.h>

#include "stat_tests.h"

/* the Kolmogorov-Smirnov p-value is the asymptotic one from 100 splits on */
#define AA_MIN_SPLITS 100
#define AA_MAX_SPLITS 10000

/* 64-bit hash of a unit id (FNV-1a, then a SplitMix64 finalizer). */
extern uint64_t aa_hash_id(const void *data, size_t len);

/* The pseudo-arm (0 or 1) of a unit with hash h in split s. */
static inline int
aa_arm_of(uint64_t h, int split)
{
	uint64_t	z = h + 0x9E3779B97F4A7C15ULL * (uint64_t) (split + 1);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return (int) ((z ^ (z >> 31)) & 1);
}

/* Adds one unit to its arm of every split. */
extern CaStatus aa_add(CohortStats *arms, int splits, uint64_t h, const CohortUnit *u);

/* Merges src into dst, split by split. */
extern CaStatus aa_merge(CohortStats *dst, const CohortStats *src, int splits);

/*
 * NULL when the summaries could come from one aa_agg pass (every summary
 * valid, both arms of every split adding up to the same units), else the
 * first problem found.
 */
extern const char *aa_problem(const CohortStats *arms, int splits);

typedef struct AaReport
{
	int			splits;			/* splits with a p-value */
	int			rejections;		/* p-value < alpha */
	double		false_positive_rate;
	double		fpr_low;		/* Clopper-Pearson 95% interval */
	double		fpr_high;
	double		ks_statistic;	/* D of the p-values against U(0, 1) */
	double		uniformity_p_value;
} AaReport;

/*
 * compare_cohorts (two-sided, level alpha) on every split, then the share
 * of rejections with its exact binomial interval and the one-sample
 * Kolmogorov-Smirnov test of the p-values against the uniform
 * distribution.  p is a caller-provided buffer of splits doubles.
 */
extern CaStatus aa_report(const CohortStats *arms, int splits, StatMetric metric,
						  double alpha, double *p, AaReport *out);

/* D = sup |F_n(x) - x| of n sorted values in [0, 1] */
extern double ks_uniform_statistic(const double *sorted, int n);

/*
 * P(sqrt(n) D > x) in the limit (the Kolmogorov distribution), as R's
 * ks.test computes it for n >= 100, here to full double precision.
 */
extern double ks_kolmogorov_upper(double x);

#endif							/* CA_AA_H */
