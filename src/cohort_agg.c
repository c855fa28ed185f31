/*
 * cohort_agg.c
 *		Aggregates building cohort summaries: cohort_agg over unit rows and
 *		rollup over stored summaries, with combine, serialize, deserialize
 *		and inverse transition functions for parallel and moving use.
 *
 * The transition state is a CohortAccum (a summary whose moments are kept
 * about the group's first value, see cohort_accum.h) allocated once per
 * group in the aggregate context; rows only update it in place.
 */
#include "postgres.h"

#include "libpq/pqformat.h"
#include "utils/builtins.h"

#include "ca_util.h"
#include "cohort_accum.h"
#include "cohort_type.h"

/*
 * The group's state, created on the first row.  A non-NULL internal state
 * can only come from the executor, so the aggregate context is checked when
 * the state is created, as PostgreSQL's own aggregates do.
 */
static pg_attribute_always_inline CohortAccum *
state_get(FunctionCallInfo fcinfo, const char *fname)
{
	MemoryContext aggcontext;
	CohortAccum *s;

	if (likely(!PG_ARGISNULL(0)))
		return (CohortAccum *) PG_GETARG_POINTER(0);
	aggcontext = ca_agg_context(fcinfo, fname);
	s = MemoryContextAlloc(aggcontext, sizeof(CohortAccum));
	cohort_accum_init(s);
	return s;
}

static pg_attribute_always_inline CaFlag
arg_flag(FunctionCallInfo fcinfo, int n)
{
	if (PG_NARGS() <= n || PG_ARGISNULL(n))
		return CA_FLAG_NULL;
	return PG_GETARG_BOOL(n) ? CA_FLAG_TRUE : CA_FLAG_FALSE;
}

/* Reads one unit from arguments 1.. of a cohort_agg transition call. */
static pg_attribute_always_inline void
arg_unit(FunctionCallInfo fcinfo, CohortUnit *u)
{
	u->completed = arg_flag(fcinfo, 1);
	u->churned = arg_flag(fcinfo, 2);
	u->has_value = PG_NARGS() > 3 && !PG_ARGISNULL(3);
	u->value = u->has_value ? PG_GETARG_FLOAT8(3) : 0.0;
	u->has_covariate = PG_NARGS() > 4 && !PG_ARGISNULL(4);
	u->covariate = u->has_covariate ? PG_GETARG_FLOAT8(4) : 0.0;
}

PG_FUNCTION_INFO_V1(cohort_agg_trans);
Datum
cohort_agg_trans(PG_FUNCTION_ARGS)
{
	CohortAccum *s = state_get(fcinfo, "cohort_agg_trans");
	CohortUnit	u;
	CaStatus	st;

	arg_unit(fcinfo, &u);
	st = cohort_accum_add(s, &u);
	if (unlikely(st != CA_OK))
		ca_report_status(st, "cohort_agg value or covariate");
	PG_RETURN_POINTER(s);
}

PG_FUNCTION_INFO_V1(cohort_agg_inverse);
Datum
cohort_agg_inverse(PG_FUNCTION_ARGS)
{
	CohortAccum *s = state_get(fcinfo, "cohort_agg_inverse");
	CohortUnit	u;

	arg_unit(fcinfo, &u);
	ca_report_status(cohort_accum_remove(s, &u), "cohort_agg moving state");
	PG_RETURN_POINTER(s);
}

PG_FUNCTION_INFO_V1(cohort_rollup_trans);
Datum
cohort_rollup_trans(PG_FUNCTION_ARGS)
{
	CohortAccum *s = state_get(fcinfo, "cohort_rollup_trans");
	CohortAccum c;

	if (!PG_ARGISNULL(1))
	{
		cohort_accum_from_stats(&c, &PG_GETARG_COHORT(1)->stats);
		ca_report_status(cohort_accum_merge(s, &c), "rolled-up cohort");
	}
	PG_RETURN_POINTER(s);
}

PG_FUNCTION_INFO_V1(cohort_rollup_inverse);
Datum
cohort_rollup_inverse(PG_FUNCTION_ARGS)
{
	CohortAccum *s = state_get(fcinfo, "cohort_rollup_inverse");
	CohortAccum c;

	if (!PG_ARGISNULL(1))
	{
		cohort_accum_from_stats(&c, &PG_GETARG_COHORT(1)->stats);
		ca_report_status(cohort_accum_unmerge(s, &c), "rollup moving state");
	}
	PG_RETURN_POINTER(s);
}

PG_FUNCTION_INFO_V1(cohort_agg_combine);
Datum
cohort_agg_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext = ca_agg_context(fcinfo, "cohort_agg_combine");
	CohortAccum *a = PG_ARGISNULL(0) ? NULL : (CohortAccum *) PG_GETARG_POINTER(0);
	CohortAccum *b = PG_ARGISNULL(1) ? NULL : (CohortAccum *) PG_GETARG_POINTER(1);

	if (b == NULL)
	{
		if (a == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(a);
	}
	if (a == NULL)
	{
		/* the state must live in our aggregate context, so copy */
		a = MemoryContextAlloc(aggcontext, sizeof(CohortAccum));
		*a = *b;
		PG_RETURN_POINTER(a);
	}
	ca_report_status(cohort_accum_merge(a, b), "combined cohort");
	PG_RETURN_POINTER(a);
}

PG_FUNCTION_INFO_V1(cohort_agg_serialize);
Datum
cohort_agg_serialize(PG_FUNCTION_ARGS)
{
	CohortAccum *s;
	bytea	   *result;

	ca_agg_context(fcinfo, "cohort_agg_serialize");
	s = (CohortAccum *) PG_GETARG_POINTER(0);
	result = palloc(VARHDRSZ + sizeof(CohortAccum));
	SET_VARSIZE(result, VARHDRSZ + sizeof(CohortAccum));
	memcpy(VARDATA(result), s, sizeof(CohortAccum));
	PG_RETURN_BYTEA_P(result);
}

PG_FUNCTION_INFO_V1(cohort_agg_deserialize);
Datum
cohort_agg_deserialize(PG_FUNCTION_ARGS)
{
	bytea	   *b;
	CohortAccum *s;
	const char *problem;

	ca_agg_context(fcinfo, "cohort_agg_deserialize");
	b = PG_GETARG_BYTEA_PP(0);
	if (VARSIZE_ANY_EXHDR(b) != sizeof(CohortAccum))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid serialized cohort state of %zu bytes",
						(size_t) VARSIZE_ANY_EXHDR(b))));
	s = palloc(sizeof(CohortAccum));
	memcpy(s, VARDATA_ANY(b), sizeof(CohortAccum));
	/* checked like any other binary input before it is merged */
	if ((problem = cohort_accum_problem(s)) != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid serialized cohort state: %s", problem)));
	PG_RETURN_POINTER(s);
}

PG_FUNCTION_INFO_V1(cohort_agg_final);
Datum
cohort_agg_final(PG_FUNCTION_ARGS)
{
	CohortStats r;

	ca_agg_context(fcinfo, "cohort_agg_final");
	if (PG_ARGISNULL(0))
		cohort_stats_init(&r);
	else
		cohort_accum_finish((CohortAccum *) PG_GETARG_POINTER(0), &r);
	PG_RETURN_COHORT(cohort_make(&r));
}
