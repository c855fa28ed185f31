/*
 * stats_risk.c
 *		expected_loss: the Bayesian risk of shipping either arm.
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "funcapi.h"
#include "utils/builtins.h"

#include "cohort_type.h"
#include "risk.h"
#include "stats_args.h"

PG_FUNCTION_INFO_V1(stats_expected_loss);
Datum
stats_expected_loss(PG_FUNCTION_ARGS)
{
	Cohort	   *control = PG_GETARG_COHORT(0);
	Cohort	   *treatment = PG_GETARG_COHORT(1);
	StatMetric	metric = stats_metric_arg(PG_GETARG_TEXT_PP(2));
	TupleDesc	tupdesc = stats_result_tupdesc(fcinfo, "expected_loss");
	StatRisk	r;
	Datum		values[3];
	bool		nulls[3] = {false};
	const char *method;

	stats_check_status(stat_expected_loss(&control->stats, &treatment->stats, metric, &r),
					   "expected loss");
	if (metric == STAT_COMPLETION || metric == STAT_CHURN)
		method = r.approximate ? "normal approximation of the Beta posteriors"
			: "Beta posteriors";
	else
		method = "normal posterior of the difference";
	values[0] = stats_float8_or_null(r.choose_control, &nulls[0]);
	values[1] = stats_float8_or_null(r.choose_treatment, &nulls[1]);
	values[2] = CStringGetTextDatum(method);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}
