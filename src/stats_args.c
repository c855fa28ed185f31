/*
 * stats_args.c
 *		Argument checks and result building shared by the statistics glue.
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "utils/lsyscache.h"
#include "ca_util.h"
#include "funcapi.h"
#include "stats_args.h"

static const char *const metric_names[] = {
	"completion", "churn", "value", "value_cuped", "ratio", NULL
};

double
stats_open_unit_arg(double v, const char *argname)
{
	if (!(v > 0.0 && v < 1.0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must lie strictly between 0 and 1, got %g", argname, v)));
	return v;
}

const char *
stats_metric_name(StatMetric m)
{
	return metric_names[m];
}

StatMetric
stats_metric_arg(text *metric)
{
	/* the order of metric_names follows StatMetric */
	return (StatMetric) ca_lookup_name(metric, metric_names, "metric");
}

void
stats_check_status(CaStatus st, const char *what)
{
	if (st == CA_NOT_FINITE)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("%s could not be computed to double precision", what)));
	ca_report_status(st, what);
}

Datum
stats_float8_or_null(double v, bool *isnull)
{
	*isnull = isnan(v);
	return *isnull ? (Datum) 0 : Float8GetDatum(v);
}

TupleDesc
stats_result_tupdesc(FunctionCallInfo fcinfo, const char *typname)
{
	TupleDesc	tupdesc;

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("function returning %s called in a context that cannot accept it",
						typname)));
	return BlessTupleDesc(tupdesc);
}

/*
 * Elements of a one-dimensional array without NULLs (unless allow_nulls,
 * which reports them in *nulls); errors name the argument.
 */
int
stats_array_elements(ArrayType *arr, Oid elemtype, const char *argname, bool allow_nulls,
					 Datum **values, bool **nulls)
{
	int16		typlen;
	bool		typbyval;
	char		typalign;
	int			n,
				i;

	if (ARR_NDIM(arr) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("%s must be a one-dimensional array", argname)));
	get_typlenbyvalalign(elemtype, &typlen, &typbyval, &typalign);
	deconstruct_array(arr, elemtype, typlen, typbyval, typalign, values, nulls, &n);
	if (!allow_nulls)
		for (i = 0; i < n; i++)
			if ((*nulls)[i])
				ereport(ERROR,
						(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
						 errmsg("%s must not contain NULL elements", argname)));
	return n;
}
