/*
 * cohort_accum.h
 *		The running state of cohort_agg: a cohort summary whose moments are
 *		kept about a shift (the group's first value and first covariate).
 *
 * Plain C, no PostgreSQL headers.  Welford's update loses the digits that
 * the mean shares with the values: on values 1 +- 1e-12 every deviation
 * v - mean carries the mean's rounding of 1e-16, a relative error of 1e-4
 * on the variance.  Moments of v - shift, with the shift a value of the
 * data, keep those digits (the differences are exact when the values are
 * close), and cost one subtraction per value.  The stored summary is the
 * same: cohort_accum_finish adds the shift back to the means.
 */
#ifndef CA_COHORT_ACCUM_H
#define CA_COHORT_ACCUM_H

#include "cohort_stats.h"

typedef struct CohortAccum
{
	CohortStats s;				/* value and paired y about shift_y, paired x
								 * about shift_x */
	double		shift_y;		/* meaningful while s.value.n > 0 */
	double		shift_x;		/* meaningful while s.paired.n > 0 */
} CohortAccum;

extern void cohort_accum_init(CohortAccum *a);

/* The summary the state stands for. */
extern void cohort_accum_finish(const CohortAccum *a, CohortStats *out);

/* Merges a state, or (shifts 0) a stored summary, into a. */
extern CaStatus cohort_accum_merge(CohortAccum *a, const CohortAccum *b);
extern CaStatus cohort_accum_unmerge(CohortAccum *a, const CohortAccum *b);

/* Wraps a stored summary as a state with no shift. */
extern void cohort_accum_from_stats(CohortAccum *a, const CohortStats *s);

/* NULL when the state could come from real data, else the problem. */
extern const char *cohort_accum_problem(const CohortAccum *a);

/*
 * Adds one unit: the per-row path of cohort_agg.  The first value
 * (covariate) of an empty state becomes its shift; no moment depends on
 * the shift then, so setting it needs no undo.  A finite value whose
 * difference from the shift leaves the double range is CA_OVERFLOW (found
 * off the hot path, from the status of the update).
 */
static inline CaStatus
cohort_accum_add(CohortAccum *a, const CohortUnit *u)
{
	CohortUnit	v = *u;
	CaStatus	st;

	if (u->has_value)
	{
		if (a->s.value.n == 0)
			a->shift_y = u->value;
		v.value -= a->shift_y;
		if (u->has_covariate)
		{
			if (a->s.paired.n == 0)
				a->shift_x = u->covariate;
			v.covariate -= a->shift_x;
		}
	}
	st = cohort_stats_add(&a->s, &v);
	if (st == CA_NOT_FINITE && isfinite(u->value) &&
		(!u->has_covariate || isfinite(u->covariate)))
		st = CA_OVERFLOW;
	return st;
}

/* Removes one unit, in the state's frame. */
static inline CaStatus
cohort_accum_remove(CohortAccum *a, const CohortUnit *u)
{
	CohortUnit	v = *u;
	CaStatus	st;

	if (u->has_value)
	{
		v.value -= a->shift_y;
		if (u->has_covariate)
			v.covariate -= a->shift_x;
	}
	st = cohort_stats_remove(&a->s, &v);
	if (st == CA_NOT_FINITE && isfinite(u->value) &&
		(!u->has_covariate || isfinite(u->covariate)))
		st = CA_OVERFLOW;
	return st;
}

#endif							/* CA_COHORT_ACCUM_H */
