/*
 * stats_compare.c
 *		compare_cohorts, compare_cohorts_sequential and chance_to_beat.
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "funcapi.h"
#include "utils/builtins.h"

#include "ca_util.h"
#include "cohort_type.h"
#include "stats_args.h"

/* Fields of the cohort_comparison composite, in order. */
enum
{
	CMP_METRIC,
	CMP_METHOD,
	CMP_CONTROL_ESTIMATE,
	CMP_TREATMENT_ESTIMATE,
	CMP_DIFFERENCE,
	CMP_DIFFERENCE_LOW,
	CMP_DIFFERENCE_HIGH,
	CMP_RELATIVE_LIFT,
	CMP_RELATIVE_LIFT_LOW,
	CMP_RELATIVE_LIFT_HIGH,
	CMP_STATISTIC,
	CMP_DF,
	CMP_P_VALUE,
	CMP_SIGNIFICANT,
	CMP_NFIELDS_1_0,			/* the 1.0 type ends here */
	CMP_STD_ERROR = CMP_NFIELDS_1_0,
	CMP_NFIELDS
};

static const char *const alternative_names[] = {
	"two-sided", "greater", "less", NULL
};

static Datum
comparison_datum(FunctionCallInfo fcinfo, text *metric, const StatComparison *r,
				 double alpha)
{
	TupleDesc	tupdesc = stats_result_tupdesc(fcinfo, "cohort_comparison");
	Datum		values[CMP_NFIELDS];
	bool		nulls[CMP_NFIELDS];
	bool		has_std_error;
	const double *fields[] = {
		&r->control_estimate, &r->treatment_estimate, &r->difference,
		&r->difference_low, &r->difference_high, &r->relative_lift,
		&r->relative_lift_low, &r->relative_lift_high, &r->statistic,
		&r->df, &r->p_value
	};
	int			i;

	values[CMP_METRIC] = PointerGetDatum(metric);
	nulls[CMP_METRIC] = false;
	values[CMP_METHOD] = CStringGetTextDatum(r->method);
	nulls[CMP_METHOD] = false;
	for (i = 0; i < (int) lengthof(fields); i++)
		values[CMP_CONTROL_ESTIMATE + i] =
			stats_float8_or_null(*fields[i], &nulls[CMP_CONTROL_ESTIMATE + i]);
	nulls[CMP_SIGNIFICANT] = isnan(r->p_value);
	values[CMP_SIGNIFICANT] = BoolGetDatum(!nulls[CMP_SIGNIFICANT] && r->p_value < alpha);

	/*
	 * The tuple follows the caller's type: a database still on the 1.0 SQL
	 * has no std_error attribute.
	 */
	has_std_error = tupdesc->natts == CMP_NFIELDS;
	if (!has_std_error && tupdesc->natts != CMP_NFIELDS_1_0)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("cohort_comparison has %d attributes, expected %d or %d",
						tupdesc->natts, CMP_NFIELDS_1_0, CMP_NFIELDS),
				 errhint("Update the extension with ALTER EXTENSION cohort_analyzer UPDATE.")));
	if (has_std_error)
		values[CMP_STD_ERROR] = stats_float8_or_null(r->std_error, &nulls[CMP_STD_ERROR]);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}

/* The canonical metric name, as the result reports it. */
static text *
metric_text(StatMetric m)
{
	return cstring_to_text(stats_metric_name(m));
}

PG_FUNCTION_INFO_V1(stats_compare_cohorts);
Datum
stats_compare_cohorts(PG_FUNCTION_ARGS)
{
	Cohort	   *control = PG_GETARG_COHORT(0);
	Cohort	   *treatment = PG_GETARG_COHORT(1);
	StatMetric	metric = stats_metric_arg(PG_GETARG_TEXT_PP(2));
	double		alpha = stats_open_unit_arg(PG_GETARG_FLOAT8(3), "alpha");
	StatAlternative alt = (StatAlternative)
		ca_lookup_name(PG_GETARG_TEXT_PP(4), alternative_names, "alternative");
	StatComparison r;

	stats_check_status(stat_compare(&control->stats, &treatment->stats, metric,
									alpha, alt, &r),
					   "comparison");
	return comparison_datum(fcinfo, metric_text(metric), &r, alpha);
}

/* compare_cohorts_sequential with the alternative of the caller's choice */
static Datum
sequential_comparison(FunctionCallInfo fcinfo, StatAlternative alt)
{
	Cohort	   *control = PG_GETARG_COHORT(0);
	Cohort	   *treatment = PG_GETARG_COHORT(1);
	StatMetric	metric = stats_metric_arg(PG_GETARG_TEXT_PP(2));
	double		alpha = stats_open_unit_arg(PG_GETARG_FLOAT8(3), "alpha");
	double		tuning = PG_GETARG_FLOAT8(4);
	StatComparison r;

	if (alt != STAT_TWO_SIDED && !(alpha < 0.5))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("alpha must be below 0.5 for a one-sided sequence, got %g", alpha),
				 errdetail("A one-sided sequence spends 2 alpha in its construction.")));
	if (!(tuning > 0.0) || isinf(tuning))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("tuning must be a positive finite number, got %g", tuning),
				 errhint("It is the number of units at which the interval is narrowest, e.g. the expected sample size.")));
	stats_check_status(stat_compare_sequential(&control->stats, &treatment->stats,
											   metric, alpha, tuning, alt, &r),
					   "sequential comparison");
	return comparison_datum(fcinfo, metric_text(metric), &r, alpha);
}

/* the two-sided form the 1.0 SQL declares */
PG_FUNCTION_INFO_V1(stats_compare_cohorts_sequential);
Datum
stats_compare_cohorts_sequential(PG_FUNCTION_ARGS)
{
	return sequential_comparison(fcinfo, STAT_TWO_SIDED);
}

PG_FUNCTION_INFO_V1(stats_compare_cohorts_sequential_alt);
Datum
stats_compare_cohorts_sequential_alt(PG_FUNCTION_ARGS)
{
	return sequential_comparison(fcinfo, (StatAlternative)
								 ca_lookup_name(PG_GETARG_TEXT_PP(5), alternative_names,
												"alternative"));
}

PG_FUNCTION_INFO_V1(stats_chance_to_beat);
Datum
stats_chance_to_beat(PG_FUNCTION_ARGS)
{
	Cohort	   *control = PG_GETARG_COHORT(0);
	Cohort	   *treatment = PG_GETARG_COHORT(1);
	StatMetric	metric = stats_metric_arg(PG_GETARG_TEXT_PP(2));
	CaStatus	st;
	double		p;

	st = stat_chance_to_beat(&control->stats, &treatment->stats, metric, &p);
	if (st == CA_OVERFLOW)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("chance_to_beat: counts too large for the exact Beta computation"),
				 errdetail("The exact sum would take more than %d terms.", STAT_BETA_MAX_TERMS)));
	stats_check_status(st, "chance to beat");
	if (isnan(p))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(p);
}
