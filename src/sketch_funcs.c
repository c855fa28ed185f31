/*
 * sketch_funcs.c
 *		Queries of the quantile_sketch type: quantiles, cdf, accessors and
 *		the comparison of two latency distributions.
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "funcapi.h"
#include "utils/array.h"
#include "utils/builtins.h"

#include "ca_util.h"
#include "sketch_type.h"
#include "stats_args.h"

static void
check_q(double q)
{
	if (isnan(q) || q < 0.0 || q > 1.0)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("quantile q must lie between 0 and 1, got %g", q)));
}

PG_FUNCTION_INFO_V1(quantile_sketch_quantile);
Datum
quantile_sketch_quantile(PG_FUNCTION_ARGS)
{
	DDSketch   *s = PG_GETARG_SKETCH(0);
	double		q = PG_GETARG_FLOAT8(1);

	check_q(q);
	CA_RETURN_FLOAT8_OR_NULL(ddsketch_quantile(s, q));
}

PG_FUNCTION_INFO_V1(quantile_sketch_quantiles);
Datum
quantile_sketch_quantiles(PG_FUNCTION_ARGS)
{
	DDSketch   *s = PG_GETARG_SKETCH(0);
	ArrayType  *qs = PG_GETARG_ARRAYTYPE_P(1);
	Datum	   *elems;
	bool	   *nulls;
	int			n,
				i;

	if (s->count == 0)
		PG_RETURN_NULL();
	deconstruct_array(qs, FLOAT8OID, sizeof(float8), FLOAT8PASSBYVAL,
					  TYPALIGN_DOUBLE, &elems, &nulls, &n);
	for (i = 0; i < n; i++)
	{
		if (nulls[i])
			continue;			/* like percentile_disc: NULL in, NULL out */
		check_q(DatumGetFloat8(elems[i]));
		elems[i] = Float8GetDatum(ddsketch_quantile(s, DatumGetFloat8(elems[i])));
	}
	PG_RETURN_ARRAYTYPE_P(construct_md_array(elems, nulls, ARR_NDIM(qs),
											 ARR_DIMS(qs), ARR_LBOUND(qs),
											 FLOAT8OID, sizeof(float8),
											 FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
}

PG_FUNCTION_INFO_V1(quantile_sketch_cdf);
Datum
quantile_sketch_cdf(PG_FUNCTION_ARGS)
{
	DDSketch   *s = PG_GETARG_SKETCH(0);
	double		x = PG_GETARG_FLOAT8(1);

	if (isnan(x))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("x of cdf must not be NaN")));
	CA_RETURN_FLOAT8_OR_NULL(ddsketch_cdf(s, x));
}

PG_FUNCTION_INFO_V1(quantile_sketch_value_count);
Datum
quantile_sketch_value_count(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT64(PG_GETARG_SKETCH(0)->count);
}

PG_FUNCTION_INFO_V1(quantile_sketch_value_sum);
Datum
quantile_sketch_value_sum(PG_FUNCTION_ARGS)
{
	DDSketch   *s = PG_GETARG_SKETCH(0);

	if (s->count == 0)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(xsum_round(&s->sum));
}

PG_FUNCTION_INFO_V1(quantile_sketch_value_mean);
Datum
quantile_sketch_value_mean(PG_FUNCTION_ARGS)
{
	DDSketch   *s = PG_GETARG_SKETCH(0);

	if (s->count == 0)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(xsum_round(&s->sum) / (double) s->count);
}

PG_FUNCTION_INFO_V1(quantile_sketch_value_min);
Datum
quantile_sketch_value_min(PG_FUNCTION_ARGS)
{
	DDSketch   *s = PG_GETARG_SKETCH(0);

	if (s->count == 0)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(s->min);
}

PG_FUNCTION_INFO_V1(quantile_sketch_value_max);
Datum
quantile_sketch_value_max(PG_FUNCTION_ARGS)
{
	DDSketch   *s = PG_GETARG_SKETCH(0);

	if (s->count == 0)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(s->max);
}

PG_FUNCTION_INFO_V1(quantile_sketch_relative_accuracy);
Datum
quantile_sketch_relative_accuracy(PG_FUNCTION_ARGS)
{
	PG_RETURN_FLOAT8(PG_GETARG_SKETCH(0)->alpha);
}

PG_FUNCTION_INFO_V1(quantile_sketch_bucket_count);
Datum
quantile_sketch_bucket_count(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(ddsketch_bucket_count(PG_GETARG_SKETCH(0)));
}

PG_FUNCTION_INFO_V1(quantile_sketch_compare);
Datum
quantile_sketch_compare(PG_FUNCTION_ARGS)
{
	DDSketch   *control = PG_GETARG_SKETCH(0);
	DDSketch   *treatment = PG_GETARG_SKETCH(1);
	DDComparison cmp;
	TupleDesc	tupdesc;
	Datum		values[7];
	bool		nulls[7];
	double		fields[7];
	int			i;

	tupdesc = stats_result_tupdesc(fcinfo, "record");
	sketch_check_alpha(control, treatment, "compare");
	if (ddsketch_compare(control, treatment, &cmp) != CA_OK)
	{
		/* an empty side: nothing to compare */
		for (i = 0; i < 7; i++)
			fields[i] = NAN;
	}
	else
	{
		fields[0] = cmp.prob_greater;
		fields[1] = cmp.prob_error;
		fields[2] = cmp.z;
		fields[3] = cmp.p_value;
		fields[4] = cmp.control_median;
		fields[5] = cmp.treatment_median;
		fields[6] = cmp.median_shift;
	}
	for (i = 0; i < 7; i++)
		values[i] = stats_float8_or_null(fields[i], &nulls[i]);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}
