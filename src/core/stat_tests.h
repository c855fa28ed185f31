/*
 * stat_tests.h
 *		Comparisons of two cohort summaries, rate intervals, sample-ratio
 *		checks, multiple-testing adjustment and sample sizes.
 *
 * Plain C, no PostgreSQL headers.  Undefined results are NaN; callers map
 * them to SQL NULL.  Argument ranges (alpha in (0, 1) and so on) are the
 * caller's to check; functions here return CA_NOT_FINITE only if a
 * computation fails numerically.
 */
#ifndef CA_STAT_TESTS_H
#define CA_STAT_TESTS_H

#include "cohort_stats.h"

typedef enum StatMetric
{
	STAT_COMPLETION,
	STAT_CHURN,
	STAT_VALUE,
	STAT_VALUE_CUPED,
	STAT_RATIO					/* value per covariate over paired units */
} StatMetric;

typedef enum StatAlternative
{
	STAT_TWO_SIDED,
	STAT_GREATER,				/* treatment greater than control */
	STAT_LESS
} StatAlternative;

/* One comparison; NaN marks an undefined field. */
typedef struct StatComparison
{
	const char *method;
	double		control_estimate;
	double		treatment_estimate;
	double		difference;		/* treatment - control */
	double		difference_low;
	double		difference_high;
	double		relative_lift;	/* difference / |control estimate| */
	double		relative_lift_low;
	double		relative_lift_high;
	double		statistic;
	double		df;
	double		p_value;
	double		std_error;		/* of the difference (unpooled) */
} StatComparison;

/*
 * The ratio metric of a summary: mean value / mean covariate over the units
 * that have both (sum of the numerators / sum of the denominators); NaN
 * when there are none or the denominators sum to 0.
 */
extern double stat_ratio(const CohortStats *s);

/*
 * Fixed-horizon test: z-test for proportions, Welch for values, and for
 * ratios Welch on the delta-method variance of each arm's ratio.
 */
extern CaStatus stat_compare(const CohortStats *control, const CohortStats *treatment,
							 StatMetric metric, double alpha, StatAlternative alt,
							 StatComparison *out);

/*
 * Asymptotic confidence sequence (always valid).  One-sided sequences
 * (GrowthBook's) need alpha < 0.5; the caller checks it.
 */
extern CaStatus stat_compare_sequential(const CohortStats *control,
										const CohortStats *treatment,
										StatMetric metric, double alpha,
										double tuning, StatAlternative alt,
										StatComparison *out);

/*
 * P(treatment better than control): exact under Beta(1 + yes, 1 + no)
 * posteriors for proportions (lower is better for churn), normal
 * posterior of the difference for values.  NaN when undefined;
 * CA_OVERFLOW when the exact sum would exceed STAT_BETA_MAX_TERMS terms.
 */
#define STAT_BETA_MAX_TERMS 100000000
extern CaStatus stat_chance_to_beat(const CohortStats *control,
									const CohortStats *treatment,
									StatMetric metric, double *out);

/*
 * The difference of the arms' estimates (treatment - control) and its
 * unpooled standard error, as compare_cohorts forms them; NaN when
 * undefined.
 */
extern CaStatus stat_difference(const CohortStats *control, const CohortStats *treatment,
								StatMetric metric, double *difference, double *std_error);

/*
 * P(X_B > X_A) for X_A ~ Beta(aA, bA), X_B ~ Beta(aB, bB), exactly as
 * chance_to_beat computes it; CA_OVERFLOW beyond STAT_BETA_MAX_TERMS terms.
 */
extern CaStatus stat_beta_greater(double aA, double bA, double aB, double bB,
								  double *out);

typedef enum StatRateMethod
{
	STAT_RATE_WILSON,
	STAT_RATE_CLOPPER_PEARSON,
	STAT_RATE_AGRESTI_COULL,
	STAT_RATE_JEFFREYS
} StatRateMethod;

/* Interval for a rate yes / n (0 <= yes <= n); NaN bounds when n = 0. */
extern CaStatus stat_rate_interval(int64_t yes, int64_t n, double level,
								   StatRateMethod method, double *low, double *high);

/*
 * Chi-square goodness of fit of counts to shares (shares > 0, summing to
 * 1 after division by their sum); NaN when the total count is 0.
 */
extern CaStatus stat_chisq_gof(const int64_t *observed, const double *share, int k,
							   double *statistic, double *p_value);

typedef enum StatPAdjust
{
	STAT_PADJ_HOLM,
	STAT_PADJ_HOCHBERG,
	STAT_PADJ_BONFERRONI,
	STAT_PADJ_BH,
	STAT_PADJ_BY,
	STAT_PADJ_HOMMEL,
	STAT_PADJ_NONE
} StatPAdjust;

/*
 * R's p.adjust over n p-values in [0, 1]; order is a caller-provided
 * buffer of n ints.  Hommel needs 2 n doubles of scratch space in work
 * (NULL for the other methods).
 */
extern void stat_p_adjust(const double *p, int n, StatPAdjust method, int *order,
						  double *work, double *adjusted);

/*
 * Units per arm for a two-sided two-proportion test, as the root of R's
 * power.prop.test power equation (closed form).  NaN when no sample size
 * reaches the power.
 */
extern double stat_sample_size_proportions(double p1, double p2, double alpha,
										   double power);

#endif							/* CA_STAT_TESTS_H */
