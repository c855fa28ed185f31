/*
 * trend_funcs.c
 *		trend_test: is completion, churn or the value rising or falling
 *		across an ordered array of cohorts?
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "funcapi.h"
#include "utils/array.h"
#include "utils/lsyscache.h"

#include "cohort_type.h"
#include "stats_args.h"
#include "trend.h"

#define TREND_COLUMNS 3

PG_FUNCTION_INFO_V1(churn_trend_test);
Datum
churn_trend_test(PG_FUNCTION_ARGS)
{
	ArrayType  *arr = PG_GETARG_ARRAYTYPE_P(0);
	StatMetric	metric = stats_metric_arg(PG_GETARG_TEXT_PP(1));
	TupleDesc	desc = stats_result_tupdesc(fcinfo, "trend_test");
	Datum	   *elems;
	bool	   *elem_nulls;
	int			k,
				i;
	int16		typlen;
	bool		typbyval;
	char		typalign;
	TrendResult r;
	Datum		values[TREND_COLUMNS];
	bool		nulls[TREND_COLUMNS];

	if (metric == STAT_VALUE_CUPED)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("trend_test does not support metric \"value_cuped\""),
				 errhint("Use 'completion', 'churn' or 'value'.")));
	if (ARR_NDIM(arr) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("trend_test cohorts must be a one-dimensional array")));
	get_typlenbyvalalign(ARR_ELEMTYPE(arr), &typlen, &typbyval, &typalign);
	deconstruct_array(arr, ARR_ELEMTYPE(arr), typlen, typbyval, typalign,
					  &elems, &elem_nulls, &k);
	for (i = 0; i < k; i++)
		if (elem_nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("trend_test cohorts must not contain NULL, element %d is NULL",
							i + 1),
					 errhint("A cohort without units is an empty cohort, not NULL: use coalesce.")));

	if (metric == STAT_VALUE)
	{
		Moments    *m = palloc(sizeof(Moments) * Max(k, 1));

		for (i = 0; i < k; i++)
			m[i] = cohort_from_datum(elems[i])->stats.value;
		trend_means(m, k, &r);
	}
	else
	{
		int64	   *n = palloc(sizeof(int64) * Max(k, 1));
		int64	   *yes = palloc(sizeof(int64) * Max(k, 1));

		for (i = 0; i < k; i++)
		{
			Cohort	   *c = cohort_from_datum(elems[i]);
			const Outcome *o = metric == STAT_COMPLETION ? &c->stats.completed : &c->stats.churned;

			n[i] = o->known;
			yes[i] = o->yes;
		}
		trend_proportions(n, yes, k, &r);
	}
	values[0] = stats_float8_or_null(r.slope, &nulls[0]);
	values[1] = stats_float8_or_null(r.statistic, &nulls[1]);
	values[2] = stats_float8_or_null(r.p_value, &nulls[2]);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(desc, values, nulls)));
}
