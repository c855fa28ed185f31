/*
 * sketch_agg.c
 *		Aggregates building quantile sketches: quantile_sketch_agg over
 *		values and rollup over stored sketches, with combine, serialize and
 *		deserialize functions for parallel and partitionwise plans.
 *
 * The transition state is a DDSketch allocated once per group in the
 * aggregate context; its bucket arrays grow geometrically there (up to
 * 2048 buckets a store), so rows do not allocate.
 */
#include "postgres.h"

#include <math.h>

#include "utils/builtins.h"

#include "ca_util.h"
#include "sketch_type.h"

static DDSketch *
state_new(MemoryContext aggcontext, double alpha)
{
	DDSketch   *s = MemoryContextAlloc(aggcontext, sizeof(DDSketch));

	ddsketch_init(s, alpha, sketch_alloc, aggcontext);
	return s;
}

/* The relative accuracy argument of a quantile_sketch_agg call. */
double
sketch_agg_alpha(FunctionCallInfo fcinfo)
{
	double		alpha;

	if (PG_NARGS() < 3)
		return DDSKETCH_DEFAULT_ALPHA;
	if (PG_ARGISNULL(2))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("relative_accuracy of quantile_sketch_agg must not be NULL")));
	alpha = PG_GETARG_FLOAT8(2);
	if (!ddsketch_valid_alpha(alpha))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("relative_accuracy of quantile_sketch_agg must lie in [0.000001, 1), got %g",
						alpha),
				 errhint("0.01 keeps every quantile within 1%% of the true value.")));
	return alpha;
}

PG_FUNCTION_INFO_V1(quantile_sketch_agg_trans);
Datum
quantile_sketch_agg_trans(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext = ca_agg_context(fcinfo, "quantile_sketch_agg_trans");
	double		alpha = sketch_agg_alpha(fcinfo);
	DDSketch   *s;

	if (PG_ARGISNULL(0))
	{
		if (PG_ARGISNULL(1))
			PG_RETURN_NULL();
		s = state_new(aggcontext, alpha);
	}
	else
	{
		s = (DDSketch *) PG_GETARG_POINTER(0);
		if (s->alpha != alpha)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("relative_accuracy of quantile_sketch_agg must be the same for all rows of a group")));
	}
	if (!PG_ARGISNULL(1))
		ca_report_status(ddsketch_add(s, PG_GETARG_FLOAT8(1)),
						 "value of quantile_sketch_agg");
	PG_RETURN_POINTER(s);
}

PG_FUNCTION_INFO_V1(quantile_sketch_rollup_trans);
Datum
quantile_sketch_rollup_trans(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext = ca_agg_context(fcinfo, "quantile_sketch_rollup_trans");
	DDSketch   *s = PG_ARGISNULL(0) ? NULL : (DDSketch *) PG_GETARG_POINTER(0);
	DDSketch   *in;

	if (PG_ARGISNULL(1))
	{
		if (s == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(s);
	}
	in = PG_GETARG_SKETCH(1);
	if (s == NULL)
		s = state_new(aggcontext, in->alpha);
	sketch_check_alpha(s, in, "roll up");
	ca_report_status(ddsketch_merge(s, in), "rolled-up quantile_sketch count");
	PG_RETURN_POINTER(s);
}

PG_FUNCTION_INFO_V1(quantile_sketch_agg_combine);
Datum
quantile_sketch_agg_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext = ca_agg_context(fcinfo, "quantile_sketch_agg_combine");
	DDSketch   *a = PG_ARGISNULL(0) ? NULL : (DDSketch *) PG_GETARG_POINTER(0);
	DDSketch   *b = PG_ARGISNULL(1) ? NULL : (DDSketch *) PG_GETARG_POINTER(1);

	if (b == NULL)
	{
		if (a == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(a);
	}
	if (a == NULL)
	{
		/* the state must live in our aggregate context, so copy */
		a = MemoryContextAlloc(aggcontext, sizeof(DDSketch));
		ddsketch_copy(a, b, sketch_alloc, aggcontext);
		PG_RETURN_POINTER(a);
	}
	sketch_check_alpha(a, b, "combine");
	ca_report_status(ddsketch_merge(a, b), "combined quantile_sketch count");
	PG_RETURN_POINTER(a);
}

PG_FUNCTION_INFO_V1(quantile_sketch_agg_serialize);
Datum
quantile_sketch_agg_serialize(PG_FUNCTION_ARGS)
{
	DDSketch   *s;
	bytea	   *result;
	size_t		len;

	ca_agg_context(fcinfo, "quantile_sketch_agg_serialize");
	s = (DDSketch *) PG_GETARG_POINTER(0);
	result = palloc(VARHDRSZ + ddsketch_encoded_bound(s));
	len = ddsketch_encode(s, (uint8 *) VARDATA(result));
	SET_VARSIZE(result, VARHDRSZ + len);
	PG_RETURN_BYTEA_P(result);
}

PG_FUNCTION_INFO_V1(quantile_sketch_agg_deserialize);
Datum
quantile_sketch_agg_deserialize(PG_FUNCTION_ARGS)
{
	bytea	   *b;
	DDSketch   *s;
	const char *problem;

	ca_agg_context(fcinfo, "quantile_sketch_agg_deserialize");
	b = PG_GETARG_BYTEA_PP(0);
	s = palloc(sizeof(DDSketch));
	problem = ddsketch_decode(s, (const uint8 *) VARDATA_ANY(b),
							  VARSIZE_ANY_EXHDR(b), sketch_alloc,
							  CurrentMemoryContext);
	if (problem != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid serialized quantile_sketch state: %s", problem)));
	PG_RETURN_POINTER(s);
}

PG_FUNCTION_INFO_V1(quantile_sketch_agg_final);
Datum
quantile_sketch_agg_final(PG_FUNCTION_ARGS)
{
	DDSketch   *s;

	ca_agg_context(fcinfo, "quantile_sketch_agg_final");
	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	s = (DDSketch *) PG_GETARG_POINTER(0);
	/* like percentile_disc: no values, no sketch */
	if (s->count == 0)
		PG_RETURN_NULL();
	PG_RETURN_BYTEA_P(sketch_make(s));
}
