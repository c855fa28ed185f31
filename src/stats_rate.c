/*
 * stats_rate.c
 *		rate_ci, completion_ci and churn_ci.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "funcapi.h"
#include "utils/builtins.h"

#include "ca_util.h"
#include "cohort_type.h"
#include "stats_args.h"

static const char *const rate_method_names[] = {
	"wilson", "clopper_pearson", "agresti_coull", "jeffreys", NULL
};

/* The rate_interval composite for yes out of n. */
static Datum
rate_interval_datum(FunctionCallInfo fcinfo, int64 yes, int64 n, double level,
					text *method)
{
	StatRateMethod m = (StatRateMethod) ca_lookup_name(method, rate_method_names, "method");
	TupleDesc	tupdesc;
	Datum		values[2];
	bool		nulls[2];
	double		low,
				high;

	stats_open_unit_arg(level, "level");
	stats_check_status(stat_rate_interval(yes, n, level, m, &low, &high), "rate interval");
	tupdesc = stats_result_tupdesc(fcinfo, "rate_interval");
	values[0] = stats_float8_or_null(low, &nulls[0]);
	values[1] = stats_float8_or_null(high, &nulls[1]);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}

PG_FUNCTION_INFO_V1(stats_rate_ci);
Datum
stats_rate_ci(PG_FUNCTION_ARGS)
{
	int64		yes = PG_GETARG_INT64(0);
	int64		n = PG_GETARG_INT64(1);

	ca_check_count(n, "trials", 0, NULL);
	ca_check_count(yes, "successes", n, "trials");
	return rate_interval_datum(fcinfo, yes, n, PG_GETARG_FLOAT8(2), PG_GETARG_TEXT_PP(3));
}

PG_FUNCTION_INFO_V1(stats_completion_ci);
Datum
stats_completion_ci(PG_FUNCTION_ARGS)
{
	const Outcome *o = &PG_GETARG_COHORT(0)->stats.completed;

	return rate_interval_datum(fcinfo, o->yes, o->known, PG_GETARG_FLOAT8(1),
							   PG_GETARG_TEXT_PP(2));
}

PG_FUNCTION_INFO_V1(stats_churn_ci);
Datum
stats_churn_ci(PG_FUNCTION_ARGS)
{
	const Outcome *o = &PG_GETARG_COHORT(0)->stats.churned;

	return rate_interval_datum(fcinfo, o->yes, o->known, PG_GETARG_FLOAT8(1),
							   PG_GETARG_TEXT_PP(2));
}
