/*
 * retention_agg.c
 *		retention_agg(activity [, as_of]) over the activities of a cohort's
 *		units, and rollup(retention) over stored retention values.
 *
 * The state is the RetentionCounts of src/core/activity.h, allocated once
 * per group in the aggregate context when the first value tells its
 * number of periods; its serial form is the binary retention format.
 */
#include "postgres.h"

#include "ca_util.h"
#include "periods.h"
#include "retention.h"

/* The state, allocated on the first value with that value's shape. */
static RetentionCounts *
state_get(FunctionCallInfo fcinfo, const char *fname, uint8 unit, int32 periods)
{
	MemoryContext aggcontext = ca_agg_context(fcinfo, fname);
	RetentionCounts *r;

	if (PG_ARGISNULL(0))
		return retention_alloc(aggcontext, unit, periods);
	r = (RetentionCounts *) PG_GETARG_POINTER(0);
	retention_check_shape(r, unit, periods, fname);
	return r;
}

/*
 * Periods of a unit that have ended by as_of: period k ends where period
 * k + 1 starts, so those before the period of as_of.
 */
static int32
periods_ended(FunctionCallInfo fcinfo, const ActivityView *a, TimestampTz as_of)
{
	char	   *locale = activity_locale(a);
	pg_tz	   *tz = ca_zone_named(activity_tz(a));
	CaCalendar *cal;
	int64		n;

	if (TIMESTAMP_IS_NOBEGIN(as_of))
		return 0;
	if (TIMESTAMP_IS_NOEND(as_of))
		return a->periods;
	cal = ca_calendar_for(fcinfo->flinfo, locale);
	n = ca_days_periods_between(cal, (CaPeriodUnit) a->unit,
								ca_local_day(a->origin, tz),
								ca_local_day(as_of, tz));
	return (int32) Max(0, Min(n, (int64) a->periods));
}

int32
retention_agg_eligible(FunctionCallInfo fcinfo, const ActivityView *a)
{
	if (PG_NARGS() <= 2)
		return a->periods;
	if (PG_ARGISNULL(2))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("retention_agg as_of must not be NULL"),
				 errhint("Use retention_agg(activity) to count every period.")));
	return periods_ended(fcinfo, a, PG_GETARG_TIMESTAMPTZ(2));
}

PG_FUNCTION_INFO_V1(ca_retention_agg_trans);
Datum
ca_retention_agg_trans(PG_FUNCTION_ARGS)
{
	RetentionCounts *r;
	ActivityView a;
	int32		eligible;

	if (PG_ARGISNULL(1))
	{
		ca_agg_context(fcinfo, "retention_agg");
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_POINTER(PG_GETARG_POINTER(0));
	}
	activity_from_datum(PG_GETARG_DATUM(1), &a);
	r = state_get(fcinfo, "retention_agg", a.unit, a.periods);
	eligible = retention_agg_eligible(fcinfo, &a);
	ca_report_status(retention_add(r, a.bits, eligible), "retention_agg units");
	PG_RETURN_POINTER(r);
}

PG_FUNCTION_INFO_V1(ca_retention_rollup_trans);
Datum
ca_retention_rollup_trans(PG_FUNCTION_ARGS)
{
	RetentionCounts *r,
			   *v;

	if (PG_ARGISNULL(1))
	{
		ca_agg_context(fcinfo, "rollup");
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_POINTER(PG_GETARG_POINTER(0));
	}
	v = retention_from_datum(PG_GETARG_DATUM(1));
	r = state_get(fcinfo, "rollup", v->unit, v->periods);
	ca_report_status(retention_merge(r, v), "rolled-up retention");
	PG_RETURN_POINTER(r);
}

PG_FUNCTION_INFO_V1(ca_retention_agg_combine);
Datum
ca_retention_agg_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext = ca_agg_context(fcinfo, "retention_agg_combine");
	RetentionCounts *a = PG_ARGISNULL(0) ? NULL : (RetentionCounts *) PG_GETARG_POINTER(0);
	RetentionCounts *b = PG_ARGISNULL(1) ? NULL : (RetentionCounts *) PG_GETARG_POINTER(1);

	if (b == NULL)
	{
		if (a == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(a);
	}
	if (a == NULL)
	{
		/* the state must live in our aggregate context, so copy */
		a = retention_alloc(aggcontext, b->unit, b->periods);
	}
	retention_check_shape(a, b->unit, b->periods, "retention_agg");
	ca_report_status(retention_merge(a, b), "combined retention");
	PG_RETURN_POINTER(a);
}

PG_FUNCTION_INFO_V1(ca_retention_agg_serialize);
Datum
ca_retention_agg_serialize(PG_FUNCTION_ARGS)
{
	ca_agg_context(fcinfo, "retention_agg_serialize");
	PG_RETURN_DATUM(retention_make((RetentionCounts *) PG_GETARG_POINTER(0)));
}

PG_FUNCTION_INFO_V1(ca_retention_agg_deserialize);
Datum
ca_retention_agg_deserialize(PG_FUNCTION_ARGS)
{
	ca_agg_context(fcinfo, "retention_agg_deserialize");
	/* the serial form is the stored form, checked the same way */
	PG_RETURN_POINTER(retention_from_datum(PG_GETARG_DATUM(0)));
}

PG_FUNCTION_INFO_V1(ca_retention_agg_final);
Datum
ca_retention_agg_final(PG_FUNCTION_ARGS)
{
	ca_agg_context(fcinfo, "retention_agg_final");
	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	PG_RETURN_DATUM(retention_make((RetentionCounts *) PG_GETARG_POINTER(0)));
}
