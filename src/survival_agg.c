/*
 * survival_agg.c
 *		Aggregates building survival values: survival_agg over one row per
 *		unit and rollup over stored values, with combine, serialize and
 *		deserialize functions for parallel query.
 *
 * The transition state is a SurvBuilder allocated once per group in the
 * aggregate context; rows land in its pending buffer, which is sorted and
 * merged into the run only when it fills.
 */
#include "postgres.h"

#include <math.h>

#include "utils/builtins.h"
#include "utils/float.h"

#include "ca_util.h"
#include "survival_type.h"

static SurvBuilder *
builder_new(MemoryContext cxt)
{
	SurvBuilder *b = MemoryContextAlloc(cxt, sizeof(SurvBuilder));
	SurvAlloc	mem;

	survival_allocator(&mem, cxt);
	surv_builder_init(b, &mem);
	return b;
}

SurvBuilder *
survival_agg_state(FunctionCallInfo fcinfo, const char *fname)
{
	MemoryContext aggcontext = ca_agg_context(fcinfo, fname);

	if (PG_ARGISNULL(0))
		return builder_new(aggcontext);
	return (SurvBuilder *) PG_GETARG_POINTER(0);
}

void
survival_agg_add_row(SurvBuilder *b, FunctionCallInfo fcinfo)
{
	float8		duration;
	bool		churned;

	/* rows with an unknown duration or outcome are skipped */
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
		return;
	duration = PG_GETARG_FLOAT8(1);
	churned = PG_GETARG_BOOL(2);
	if (isnan(duration) || isinf(duration) || duration < 0.0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("survival_agg duration must be a finite non-negative number, got %s",
						float8out_internal(duration)),
				 errhint("Skip unknown durations by passing NULL.")));
	survival_report(surv_builder_add(b, duration, churned ? 1 : 0, churned ? 0 : 1),
					"survival_agg");
}

PG_FUNCTION_INFO_V1(survival_agg_trans);
Datum
survival_agg_trans(PG_FUNCTION_ARGS)
{
	SurvBuilder *b = survival_agg_state(fcinfo, "survival_agg_trans");

	survival_agg_add_row(b, fcinfo);
	PG_RETURN_POINTER(b);
}

PG_FUNCTION_INFO_V1(survival_rollup_trans);
Datum
survival_rollup_trans(PG_FUNCTION_ARGS)
{
	SurvBuilder *b = survival_agg_state(fcinfo, "survival_rollup_trans");

	if (!PG_ARGISNULL(1))
	{
		Survival   *s = PG_GETARG_SURVIVAL(1);

		survival_report(surv_builder_add_run(b, s->points, s->ntimes),
						"rolled-up survival");
	}
	PG_RETURN_POINTER(b);
}

PG_FUNCTION_INFO_V1(survival_agg_combine);
Datum
survival_agg_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext = ca_agg_context(fcinfo, "survival_agg_combine");
	SurvBuilder *a = PG_ARGISNULL(0) ? NULL : (SurvBuilder *) PG_GETARG_POINTER(0);
	SurvBuilder *b = PG_ARGISNULL(1) ? NULL : (SurvBuilder *) PG_GETARG_POINTER(1);

	if (b == NULL)
	{
		if (a == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(a);
	}
	/* the result must live in our aggregate context, so b is copied */
	if (a == NULL)
		a = builder_new(aggcontext);
	survival_report(surv_builder_flush(b), "combined survival");
	survival_report(surv_builder_add_run(a, b->run, b->nrun), "combined survival");
	PG_RETURN_POINTER(a);
}

PG_FUNCTION_INFO_V1(survival_agg_serialize);
Datum
survival_agg_serialize(PG_FUNCTION_ARGS)
{
	SurvBuilder *b;
	Size		len;
	bytea	   *result;

	ca_agg_context(fcinfo, "survival_agg_serialize");
	b = (SurvBuilder *) PG_GETARG_POINTER(0);
	survival_report(surv_builder_flush(b), "serialized survival");
	len = surv_binary_size(b->nrun);
	result = palloc(VARHDRSZ + len);
	SET_VARSIZE(result, VARHDRSZ + len);
	surv_binary_encode(b->run, b->nrun, (unsigned char *) VARDATA(result));
	PG_RETURN_BYTEA_P(result);
}

static void
deserialize_error(const SurvProblem *why)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
			 errmsg("invalid serialized survival state: %s", why->msg)));
}

PG_FUNCTION_INFO_V1(survival_agg_deserialize);
Datum
survival_agg_deserialize(PG_FUNCTION_ARGS)
{
	bytea	   *raw;
	const unsigned char *data;
	size_t		len,
				n;
	SurvBuilder *b;
	SurvProblem why;

	ca_agg_context(fcinfo, "survival_agg_deserialize");
	raw = PG_GETARG_BYTEA_PP(0);
	data = (const unsigned char *) VARDATA_ANY(raw);
	len = VARSIZE_ANY_EXHDR(raw);
	if (!surv_binary_count(data, len, &n, &why))
		deserialize_error(&why);
	b = builder_new(CurrentMemoryContext);
	if (n > 0)
	{
		b->run = MemoryContextAllocHuge(CurrentMemoryContext, n * sizeof(SurvPoint));
		b->caprun = n;
	}
	if (!surv_binary_decode(data, len, b->run, &why))
		deserialize_error(&why);
	b->nrun = n;
	b->observations = surv_observations(b->run, n);
	PG_RETURN_POINTER(b);
}

PG_FUNCTION_INFO_V1(survival_agg_final);
Datum
survival_agg_final(PG_FUNCTION_ARGS)
{
	SurvBuilder *b;

	ca_agg_context(fcinfo, "survival_agg_final");
	if (PG_ARGISNULL(0))
		PG_RETURN_SURVIVAL(survival_make(NULL, 0));
	b = (SurvBuilder *) PG_GETARG_POINTER(0);
	/* flushing changes how the state is laid out, not what it holds */
	survival_report(surv_builder_flush(b), "survival_agg");
	PG_RETURN_SURVIVAL(survival_make(b->run, b->nrun));
}
