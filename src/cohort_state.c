/*
 * cohort_state.c
 *		The cohort aggregates with a cohort value as their state: version 2
 *		of the stored format (a summary about two shifts, cohort_accum.h),
 *		so that Citus can compute them on its workers and combine the
 *		partial states on the coordinator, as PostgreSQL's parallel query
 *		does.
 *
 * The state is updated in place, which is only allowed on the transition
 * value the executor owns: when the function is called as part of an
 * aggregate (AggCheckCallContext) and its first argument is a version 2
 * value.  The first row builds the state in the per-call memory; the
 * executor copies it into the aggregate context once, and later rows
 * return the same pointer, which it keeps.  Called in any other way, the
 * functions work on a copy.
 */
#include "postgres.h"

#include "fmgr.h"

#include "ca_util.h"
#include "cohort_accum.h"
#include "cohort_type.h"

/* A new version 2 value holding the running state a. */
static CohortState *
state_make(const CohortAccum *a)
{
	CohortState *c = palloc0(COHORT_STATE_SIZE);

	SET_VARSIZE(c, COHORT_STATE_SIZE);
	c->version = COHORT_STATE_FORMAT_VERSION;
	c->accum = *a;
	return c;
}

/*
 * The state to update for argument n (0: the transition value): the value
 * itself when the executor owns it, else a new version 2 copy (empty for
 * NULL).
 */
static pg_attribute_always_inline CohortState *
state_arg(FunctionCallInfo fcinfo, int n)
{
	CohortAccum a;

	if (likely(!PG_ARGISNULL(n)))
	{
		CohortState *c = (CohortState *) PG_GETARG_POINTER(n);

		if (likely(n == 0 && !VARATT_IS_EXTENDED(c) &&
				   VARSIZE(c) == COHORT_STATE_SIZE &&
				   c->version == COHORT_STATE_FORMAT_VERSION &&
				   AggCheckCallContext(fcinfo, NULL) != 0))
			return c;
		cohort_accum_from_datum(PG_GETARG_DATUM(n), &a);
	}
	else
		cohort_accum_init(&a);
	return state_make(&a);
}

static pg_attribute_always_inline CaFlag
arg_flag(FunctionCallInfo fcinfo, int n)
{
	if (PG_NARGS() <= n || PG_ARGISNULL(n))
		return CA_FLAG_NULL;
	return PG_GETARG_BOOL(n) ? CA_FLAG_TRUE : CA_FLAG_FALSE;
}

PG_FUNCTION_INFO_V1(cohort_state_trans);
Datum
cohort_state_trans(PG_FUNCTION_ARGS)
{
	CohortState *s = state_arg(fcinfo, 0);
	CohortUnit	u;
	CaStatus	st;

	u.completed = arg_flag(fcinfo, 1);
	u.churned = arg_flag(fcinfo, 2);
	u.has_value = PG_NARGS() > 3 && !PG_ARGISNULL(3);
	u.value = u.has_value ? PG_GETARG_FLOAT8(3) : 0.0;
	u.has_covariate = PG_NARGS() > 4 && !PG_ARGISNULL(4);
	u.covariate = u.has_covariate ? PG_GETARG_FLOAT8(4) : 0.0;
	st = cohort_accum_add(&s->accum, &u);
	if (unlikely(st != CA_OK))
		ca_report_status(st, "cohort_agg value or covariate");
	PG_RETURN_POINTER(s);
}

/* Merges argument 1 (a stored cohort or a state) into the state. */
static Datum
state_merge(FunctionCallInfo fcinfo, const char *what)
{
	CohortState *s;
	CohortAccum b;

	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_POINTER(state_arg(fcinfo, 0));
	}
	s = state_arg(fcinfo, 0);
	cohort_accum_from_datum(PG_GETARG_DATUM(1), &b);
	ca_report_status(cohort_accum_merge(&s->accum, &b), what);
	PG_RETURN_POINTER(s);
}

PG_FUNCTION_INFO_V1(cohort_state_rollup);
Datum
cohort_state_rollup(PG_FUNCTION_ARGS)
{
	return state_merge(fcinfo, "rolled-up cohort");
}

PG_FUNCTION_INFO_V1(cohort_state_combine);
Datum
cohort_state_combine(PG_FUNCTION_ARGS)
{
	return state_merge(fcinfo, "combined cohort");
}

/* The summary (version 1) a state stands for; an empty one for no rows. */
PG_FUNCTION_INFO_V1(cohort_state_final);
Datum
cohort_state_final(PG_FUNCTION_ARGS)
{
	CohortAccum a;
	CohortStats r;

	if (PG_ARGISNULL(0))
		cohort_accum_init(&a);
	else
		cohort_accum_from_datum(PG_GETARG_DATUM(0), &a);
	cohort_accum_finish(&a, &r);
	PG_RETURN_COHORT(cohort_make(&r));
}
