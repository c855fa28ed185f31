/*
 * cohort_stats.h
 *		The mergeable summary of a group of units behind the cohort type.
 *
 * Plain C, no PostgreSQL headers.
 */
#ifndef CA_COHORT_STATS_H
#define CA_COHORT_STATS_H

#include "moments.h"

/* A yes/no outcome: units with the outcome known, and with it true. */
typedef struct Outcome
{
	int64_t		known;
	int64_t		yes;
} Outcome;

typedef struct CohortStats
{
	int64_t		units;
	Outcome		completed;
	Outcome		churned;
	Moments		value;			/* units with a non-NULL value */
	CoMoments	paired;			/* units with both value and covariate */
} CohortStats;

/* Outcome of one unit's boolean: unknown (NULL), false or true. */
typedef enum CaFlag
{
	CA_FLAG_NULL = -1,
	CA_FLAG_FALSE = 0,
	CA_FLAG_TRUE = 1
} CaFlag;

/* One unit, as one aggregate input row describes it. */
typedef struct CohortUnit
{
	CaFlag		completed;
	CaFlag		churned;
	bool		has_value;
	bool		has_covariate;
	double		value;
	double		covariate;
} CohortUnit;

extern void cohort_stats_init(CohortStats *s);
extern CaStatus cohort_stats_add(CohortStats *s, const CohortUnit *u);
extern CaStatus cohort_stats_remove(CohortStats *s, const CohortUnit *u);
extern CaStatus cohort_stats_merge(CohortStats *dst, const CohortStats *src);
extern CaStatus cohort_stats_unmerge(CohortStats *dst, const CohortStats *src);
extern CaStatus cohort_stats_from_counts(CohortStats *s, int64_t units,
										 int64_t completions, int64_t churns,
										 bool has_sums, double value_sum,
										 double value_sum_sq);

/*
 * Checks that a summary could have come from real data; returns NULL when
 * it could, else a short description of the first problem found.
 */
extern const char *cohort_stats_problem(const CohortStats *s);

/* Rates and moments; NaN where the quantity is undefined. */
extern double outcome_rate(const Outcome *o);

#endif							/* CA_COHORT_STATS_H */
