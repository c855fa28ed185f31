/*
 * cohort_accum.c
 *		The running state of cohort_agg: moments about a shift.
 */
#include "cohort_accum.h"

void
cohort_accum_init(CohortAccum *a)
{
	cohort_stats_init(&a->s);
	a->shift_y = 0.0;
	a->shift_x = 0.0;
}

void
cohort_accum_from_stats(CohortAccum *a, const CohortStats *s)
{
	a->s = *s;
	a->shift_y = 0.0;
	a->shift_x = 0.0;
}

void
cohort_accum_finish(const CohortAccum *a, CohortStats *out)
{
	*out = a->s;
	if (out->value.n > 0)
		out->value.mean += a->shift_y;
	if (out->paired.n > 0)
	{
		out->paired.mean_y += a->shift_y;
		out->paired.mean_x += a->shift_x;
	}
}

/*
 * b's summary in a's frame.  An empty a takes b's shifts first, so that
 * merging into an empty state copies b exactly.
 */
static CaStatus
in_frame_of(CohortAccum *a, const CohortAccum *b, CohortStats *r)
{
	double		dy,
				dx;

	if (a->s.value.n == 0)
		a->shift_y = b->shift_y;
	if (a->s.paired.n == 0)
		a->shift_x = b->shift_x;
	*r = b->s;
	dy = b->shift_y - a->shift_y;
	dx = b->shift_x - a->shift_x;
	if (r->value.n > 0)
		r->value.mean += dy;
	if (r->paired.n > 0)
	{
		r->paired.mean_y += dy;
		r->paired.mean_x += dx;
	}
	if (!isfinite(r->value.mean) || !isfinite(r->paired.mean_y) || !isfinite(r->paired.mean_x))
		return CA_OVERFLOW;
	return CA_OK;
}

CaStatus
cohort_accum_merge(CohortAccum *a, const CohortAccum *b)
{
	CohortAccum save = *a;
	CohortStats r;
	CaStatus	st;

	if ((st = in_frame_of(a, b, &r)) == CA_OK &&
		(st = cohort_stats_merge(&a->s, &r)) == CA_OK)
		return CA_OK;
	*a = save;
	return st;
}

CaStatus
cohort_accum_unmerge(CohortAccum *a, const CohortAccum *b)
{
	CohortAccum save = *a;
	CohortStats r;
	CaStatus	st;

	/* removing from an empty state is inconsistent whatever the frame */
	if ((st = in_frame_of(a, b, &r)) == CA_OK &&
		(st = cohort_stats_unmerge(&a->s, &r)) == CA_OK)
		return CA_OK;
	*a = save;
	return st;
}

const char *
cohort_accum_problem(const CohortAccum *a)
{
	if (!isfinite(a->shift_y) || !isfinite(a->shift_x))
		return "a shift is not a finite number";
	return cohort_stats_problem(&a->s);
}
