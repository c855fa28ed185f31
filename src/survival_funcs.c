/*
 * survival_funcs.c
 *		Statistics of survival values: the Kaplan-Meier curve as a
 *		set-returning function, median survival and the log-rank test.
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "funcapi.h"
#include "utils/float.h"

#include "survival_type.h"

#define CURVE_COLUMNS 8
#define LOGRANK_COLUMNS 3

/* Stores v, or NULL when it is NaN (undefined). */
static void
set_float8(Datum *values, bool *nulls, int i, double v)
{
	nulls[i] = isnan(v);
	values[i] = Float8GetDatum(nulls[i] ? 0.0 : v);
}

static TupleDesc
result_desc(FunctionCallInfo fcinfo)
{
	TupleDesc	desc;

	if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("function returning record called in context that cannot accept type record")));
	return BlessTupleDesc(desc);
}

/* The whole curve goes into a tuplestore in one call (materialize mode). */
PG_FUNCTION_INFO_V1(survival_curve);
Datum
survival_curve(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	float8		level = PG_GETARG_FLOAT8(1);
	Survival   *s;
	SurvCurveIter it;
	SurvCurveRow row;

	if (isnan(level) || level <= 0.0 || level >= 1.0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("survival_curve level must lie strictly between 0 and 1, got %s",
						float8out_internal(level)),
				 errhint("Use 0.95 for a 95%% confidence interval.")));
	s = PG_GETARG_SURVIVAL(0);
	InitMaterializedSRF(fcinfo, 0);
	surv_curve_start(&it, s->points, s->ntimes, level);
	while (surv_curve_next(&it, &row))
	{
		Datum		values[CURVE_COLUMNS];
		bool		nulls[CURVE_COLUMNS] = {false};

		values[0] = Float8GetDatum(row.time);
		values[1] = Int64GetDatum(row.at_risk);
		values[2] = Int64GetDatum(row.events);
		values[3] = Int64GetDatum(row.censored);
		set_float8(values, nulls, 4, row.survival);
		set_float8(values, nulls, 5, row.std_err);
		set_float8(values, nulls, 6, row.ci_low);
		set_float8(values, nulls, 7, row.ci_high);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

PG_FUNCTION_INFO_V1(survival_median);
Datum
survival_median(PG_FUNCTION_ARGS)
{
	Survival   *s = PG_GETARG_SURVIVAL(0);
	double		m = surv_median(s->points, s->ntimes);

	if (isnan(m))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(m);
}

PG_FUNCTION_INFO_V1(survival_logrank);
Datum
survival_logrank(PG_FUNCTION_ARGS)
{
	Survival   *a = PG_GETARG_SURVIVAL(0);
	Survival   *b = PG_GETARG_SURVIVAL(1);
	TupleDesc	desc = result_desc(fcinfo);
	SurvLogrank r;
	Datum		values[LOGRANK_COLUMNS];
	bool		nulls[LOGRANK_COLUMNS] = {false};

	surv_logrank(a->points, a->ntimes, b->points, b->ntimes, &r);
	set_float8(values, nulls, 0, r.chisq);
	values[1] = Int32GetDatum(r.df);
	set_float8(values, nulls, 2, r.p_value);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(desc, values, nulls)));
}
