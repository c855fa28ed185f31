/*
 * Unit tests of the running state of the cohort aggregates (moments about
 * shifts): partial states merge into what one state over all units gives,
 * as on Citus workers and their coordinator, and a merge into an empty
 * state copies it, shifts included.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cohort_accum.h"
#include "unit.h"

static void
add_units(CohortAccum *a, int from, int to)
{
	int			i;

	for (i = from; i < to; i++)
	{
		CohortUnit	u;

		u.completed = (i % 3 == 0) ? CA_FLAG_TRUE : CA_FLAG_FALSE;
		u.churned = (i % 7 == 0) ? CA_FLAG_NULL : CA_FLAG_FALSE;
		u.has_value = true;
		/* values close to each other: the case the shifts are for */
		u.value = 1e9 + (double) ((i * 7919) % 1000) * 1e-6;
		u.has_covariate = (i % 5 != 0);
		u.covariate = 42.0 + (double) ((i * 104729) % 997) * 1e-3;
		CHECK(cohort_accum_add(a, &u) == CA_OK);
	}
}

static void
test_partial_states_merge(void)
{
	CohortAccum whole,
				parts[4],
				merged;
	CohortStats w,
				m;
	int			k;

	cohort_accum_init(&whole);
	add_units(&whole, 0, 4000);
	cohort_accum_init(&merged);
	/* four partial states, each about its own first value, merged in reverse */
	for (k = 0; k < 4; k++)
	{
		cohort_accum_init(&parts[k]);
		add_units(&parts[k], k * 1000, (k + 1) * 1000);
	}
	for (k = 3; k >= 0; k--)
		CHECK(cohort_accum_merge(&merged, &parts[k]) == CA_OK);
	cohort_accum_finish(&whole, &w);
	cohort_accum_finish(&merged, &m);
	CHECK(m.units == w.units && m.value.n == w.value.n && m.paired.n == w.paired.n);
	CHECK(m.completed.yes == w.completed.yes && m.churned.known == w.churned.known);
	CHECK_REL(m.value.mean, w.value.mean, 1e-15);
	CHECK_REL(moments_variance(&m.value), moments_variance(&w.value), 1e-9);
	CHECK_REL(m.paired.mean_x, w.paired.mean_x, 1e-15);
	CHECK_REL(m.paired.c_xy, w.paired.c_xy, 1e-9);
	CHECK(cohort_accum_problem(&merged) == NULL);
}

static void
test_merge_into_empty_copies(void)
{
	CohortAccum a,
				e;

	cohort_accum_init(&a);
	add_units(&a, 0, 10);
	cohort_accum_init(&e);
	CHECK(cohort_accum_merge(&e, &a) == CA_OK);
	CHECK(memcmp(&e, &a, sizeof(CohortAccum)) == 0);
}

static void
test_problem(void)
{
	CohortAccum a;

	cohort_accum_init(&a);
	add_units(&a, 0, 10);
	CHECK(cohort_accum_problem(&a) == NULL);
	a.shift_y = NAN;
	CHECK(cohort_accum_problem(&a) != NULL);
	a.shift_y = 0;
	a.shift_x = INFINITY;
	CHECK(cohort_accum_problem(&a) != NULL);
}

int
main(void)
{
	RUN(test_partial_states_merge);
	RUN(test_merge_into_empty_copies);
	RUN(test_problem);
	return unit_done("cohort_accum");
}
