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

/* Adds (sign = +1) or removes (sign = -1) one unit's outcome. */
static inline void
outcome_step(Outcome *o, CaFlag f, int sign)
{
	if (f == CA_FLAG_NULL)
		return;
	o->known += sign;
	if (f == CA_FLAG_TRUE)
		o->yes += sign;
}

/*
 * Adds one unit.  Inline: this is the per-row path of cohort_agg.  What can
 * fail is updated in copies first, so a failure leaves s unchanged.
 */
static inline CaStatus
cohort_stats_add(CohortStats *s, const CohortUnit *u)
{
	Moments		v;
	CoMoments	p;
	CaStatus	st;

	if (s->units == INT64_MAX)
		return CA_OVERFLOW;
	if (u->has_value)
	{
		v = s->value;
		if ((st = moments_add(&v, u->value)) != CA_OK)
			return st;
		if (u->has_covariate)
		{
			p = s->paired;
			if ((st = comoments_add(&p, u->value, u->covariate)) != CA_OK)
				return st;
			s->paired = p;
		}
		s->value = v;
	}
	else if (u->has_covariate && !isfinite(u->covariate))
		return CA_NOT_FINITE;
	/* known <= units, so the outcome counters cannot overflow first */
	s->units++;
	outcome_step(&s->completed, u->completed, 1);
	outcome_step(&s->churned, u->churned, 1);
	return CA_OK;
}

#endif							/* CA_COHORT_STATS_H */
