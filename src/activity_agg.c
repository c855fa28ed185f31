/*
 * activity_agg.c
 *		activity_agg(origin, activity, unit, periods [, locale]): one row
 *		per activity event of a unit, giving the periods after the unit's
 *		origin in which it was active.
 *
 * The state is allocated once per group in the aggregate context, with
 * the bitmap after it; rows only set bits.  Its serial form is the binary
 * format of the activity type.
 */
#include "postgres.h"

#include "utils/builtins.h"

#include "agg_state.h"
#include "ca_util.h"
#include "periods.h"
#include "retention.h"

typedef struct ActivityState
{
	CaPeriodUnit unit;
	int32		periods;
	TimestampTz origin;
	int64		origin_day;		/* local date of the origin */
	pg_tz	   *tz;
	char		tz_name[CA_MAX_NAME + 1];
	char		locale[CA_LOCALE_CAPACITY];	/* canonical; "" for ISO */
	uint8		bits[FLEXIBLE_ARRAY_MEMBER];
} ActivityState;

static ActivityState *
state_alloc(MemoryContext cxt, int32 periods)
{
	return MemoryContextAllocZero(cxt, offsetof(ActivityState, bits) +
								  activity_bitmap_size(periods));
}

static void
state_view(const ActivityState *s, ActivityView *a)
{
	memset(a, 0, sizeof(*a));
	a->unit = (uint8) s->unit;
	a->periods = s->periods;
	a->origin = s->origin;
	a->locale = s->locale;
	a->locale_len = (uint8) strlen(s->locale);
	a->tz = s->tz_name;
	a->tz_len = (uint8) strlen(s->tz_name);
	a->bits = s->bits;
}

static void
mismatch(const char *what)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("activity_agg %s differs within a group", what),
			 errdetail("origin, unit, periods, locale and the time zone must be the same for all rows of a unit."),
			 errhint("Group by the unit, and give its origin (e.g. its signup time) on every row.")));
}

/* The time_zone argument (6) of activity_agg, not NULL. */
static pg_tz *
arg_zone(FunctionCallInfo fcinfo)
{
	char	   *name;
	pg_tz	   *tz = NULL;

	if (PG_ARGISNULL(6))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("activity_agg time_zone must not be NULL"),
				 errhint("Leave the argument out to use the session's TimeZone.")));
	name = text_to_cstring(PG_GETARG_TEXT_PP(6));
	if (strlen(name) < CA_ZONE_CAPACITY)
		tz = pg_tzset(name);
	if (tz == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("activity_agg time_zone \"%s\" is not a known time zone", name),
				 errhint("Use a time zone name such as 'Europe/Berlin'.")));
	return tz;
}

/*
 * One row of activity_agg: creates the state (*sp NULL) in cxt from the
 * row's origin, unit, periods, locale and time zone (argument 6 when given,
 * else the session's TimeZone), or checks that they are the state's, then
 * sets the bit of the row's activity.
 */
static void
activity_step(FunctionCallInfo fcinfo, ActivityState **sp, MemoryContext cxt)
{
	ActivityState *s = *sp;
	char	   *locale = NULL;
	CaCalendar *cal;
	TimestampTz origin;
	CaPeriodUnit unit;
	int32		periods;
	int64		k;
	pg_tz	   *tz = session_timezone;

	if (PG_ARGISNULL(1) || PG_ARGISNULL(3) || PG_ARGISNULL(4))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("activity_agg origin, unit and periods must not be NULL")));
	origin = PG_GETARG_TIMESTAMPTZ(1);
	unit = ca_period_unit_arg(PG_GETARG_TEXT_PP(3));
	periods = PG_GETARG_INT32(4);
	if (PG_NARGS() > 5 && !PG_ARGISNULL(5))
		locale = text_to_cstring(PG_GETARG_TEXT_PP(5));
	/* the zone of the group's first row; later rows must name the same */
	if (PG_NARGS() > 6)
		tz = arg_zone(fcinfo);
	cal = ca_calendar_for(fcinfo->flinfo, locale);

	if (s == NULL)
	{
		const char *tzname = pg_get_timezone_name(tz);

		if (periods < 1 || periods > CA_MAX_PERIODS)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("activity_agg periods must lie between 1 and %d, got %d",
							CA_MAX_PERIODS, periods)));
		if (TIMESTAMP_NOT_FINITE(origin))
			ereport(ERROR,
					(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
					 errmsg("activity_agg origin must be finite")));
		if (strlen(tzname) > CA_MAX_NAME ||
			!activity_name_ok(tzname, strlen(tzname)))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 PG_NARGS() > 6 ?
					 errmsg("activity_agg cannot store the time_zone \"%s\"", tzname) :
					 errmsg("activity_agg cannot store the session's TimeZone \"%s\"", tzname),
					 errhint("Set TimeZone to a time zone name such as 'Europe/Berlin'.")));
		/* the ICU checks reject quarters where they are undefined */
		ca_report_calendar(ca_calendar_periods_between(cal, unit, 0, 0, &k), cal, locale);
		s = state_alloc(cxt, periods);
		s->unit = unit;
		s->periods = periods;
		s->origin = origin;
		s->tz = tz;
		strcpy(s->tz_name, tzname);
		s->origin_day = ca_local_day(origin, s->tz);
		strcpy(s->locale, cal->locale);
		*sp = s;
	}
	else
	{
		if (origin != s->origin)
			mismatch("origin");
		if (unit != s->unit)
			mismatch("unit");
		if (periods != s->periods)
			mismatch("periods");
		if (strcmp(cal->locale, s->locale) != 0)
			mismatch("locale");
		if (PG_NARGS() > 6 && strcmp(pg_get_timezone_name(tz), s->tz_name) != 0)
			mismatch("time_zone");
	}

	/* a NULL activity still counts the unit, as never active */
	if (!PG_ARGISNULL(2))
	{
		TimestampTz ts = PG_GETARG_TIMESTAMPTZ(2);

		if (!TIMESTAMP_NOT_FINITE(ts) && ts >= s->origin)
		{
			k = ca_days_periods_between(cal, s->unit, s->origin_day,
										ca_local_day(ts, s->tz));
			if (k >= 0 && k < s->periods)
				activity_set_bit(s->bits, (int32) k);
		}
	}
}

PG_FUNCTION_INFO_V1(ca_activity_agg_trans);
Datum
ca_activity_agg_trans(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext = ca_agg_context(fcinfo, "activity_agg");
	ActivityState *s = PG_ARGISNULL(0) ? NULL : (ActivityState *) PG_GETARG_POINTER(0);

	activity_step(fcinfo, &s, aggcontext);
	PG_RETURN_POINTER(s);
}

/* a with b merged into it; a NULL a becomes a copy of b in cxt. */
static ActivityState *
state_merge(MemoryContext cxt, ActivityState *a, const ActivityState *b)
{
	size_t		nbytes = activity_bitmap_size(b->periods),
				i;

	if (a == NULL)
	{
		a = state_alloc(cxt, b->periods);
		memcpy(a, b, offsetof(ActivityState, bits) + nbytes);
		return a;
	}
	if (a->origin != b->origin)
		mismatch("origin");
	if (a->unit != b->unit || a->periods != b->periods)
		mismatch("unit or periods");
	if (strcmp(a->locale, b->locale) != 0 || strcmp(a->tz_name, b->tz_name) != 0)
		mismatch("locale or time zone");
	for (i = 0; i < nbytes; i++)
		a->bits[i] |= b->bits[i];
	return a;
}

PG_FUNCTION_INFO_V1(ca_activity_agg_combine);
Datum
ca_activity_agg_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext = ca_agg_context(fcinfo, "activity_agg_combine");
	ActivityState *a = PG_ARGISNULL(0) ? NULL : (ActivityState *) PG_GETARG_POINTER(0);
	ActivityState *b = PG_ARGISNULL(1) ? NULL : (ActivityState *) PG_GETARG_POINTER(1);

	if (b == NULL)
	{
		if (a == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(a);
	}
	PG_RETURN_POINTER(state_merge(aggcontext, a, b));
}

PG_FUNCTION_INFO_V1(ca_activity_agg_serialize);
Datum
ca_activity_agg_serialize(PG_FUNCTION_ARGS)
{
	ActivityView a;

	ca_agg_context(fcinfo, "activity_agg_serialize");
	state_view((ActivityState *) PG_GETARG_POINTER(0), &a);
	PG_RETURN_DATUM(activity_make(&a));
}

/* The state of a stored activity (a varlena), in cxt; sqlstate for corruption. */
static ActivityState *
state_load(Datum d, MemoryContext cxt, int sqlstate, const char *what)
{
	bytea	   *b = (bytea *) PG_DETOAST_DATUM_PACKED(d);
	ActivityView a;
	ActivityState *s;
	const char *problem;

	problem = activity_decode((const uint8 *) VARDATA_ANY(b), VARSIZE_ANY_EXHDR(b), &a);
	/* the state keeps the locale in a fixed buffer */
	if (problem == NULL && a.locale_len >= CA_LOCALE_CAPACITY)
		problem = "locale too long";
	if (problem != NULL)
		ereport(ERROR,
				(errcode(sqlstate),
				 errmsg("invalid %s: %s", what, problem)));
	s = state_alloc(cxt, a.periods);
	s->unit = (CaPeriodUnit) a.unit;
	s->periods = a.periods;
	s->origin = a.origin;
	memcpy(s->tz_name, a.tz, a.tz_len);
	memcpy(s->locale, a.locale, a.locale_len);
	s->tz = ca_zone_named(s->tz_name);
	s->origin_day = ca_local_day(s->origin, s->tz);
	memcpy(s->bits, a.bits, activity_bitmap_size(a.periods));
	return s;
}

PG_FUNCTION_INFO_V1(ca_activity_agg_deserialize);
Datum
ca_activity_agg_deserialize(PG_FUNCTION_ARGS)
{
	ca_agg_context(fcinfo, "activity_agg_deserialize");
	PG_RETURN_POINTER(state_load(PG_GETARG_DATUM(0), CurrentMemoryContext,
								 ERRCODE_INVALID_BINARY_REPRESENTATION,
								 "serialized activity state"));
}

PG_FUNCTION_INFO_V1(ca_activity_agg_final);
Datum
ca_activity_agg_final(PG_FUNCTION_ARGS)
{
	ActivityView a;

	ca_agg_context(fcinfo, "activity_agg_final");
	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	state_view((ActivityState *) PG_GETARG_POINTER(0), &a);
	PG_RETURN_DATUM(activity_make(&a));
}

/*
 * activity_agg with an activity value as its state (an expanded object,
 * agg_state.h), so that Citus can compute it on its workers: the stored
 * activity records everything the state holds, its time zone included.
 */
static struct varlena *
activity_flatten(void *payload)
{
	ActivityView a;

	state_view((ActivityState *) payload, &a);
	return (struct varlena *) DatumGetPointer(activity_make(&a));
}

static const CaStateKind activity_kind = {"activity state", activity_flatten};

/* The state of a value or state argument, read without copying a state. */
static const ActivityState *
activity_arg(FunctionCallInfo fcinfo, int n)
{
	ActivityState *s = ca_state_payload(PG_GETARG_DATUM(n), &activity_kind);

	if (s != NULL)
		return s;
	return state_load(PG_GETARG_DATUM(n), CurrentMemoryContext,
					  ERRCODE_DATA_CORRUPTED, "stored activity value");
}

/*
 * The state to update: argument 0 itself when the executor owns it, else
 * a new state (a copy of argument 0 unless it is NULL, when the payload
 * stays NULL until the first row).
 */
static CaState *
activity_state_arg(FunctionCallInfo fcinfo)
{
	CaState    *st = ca_state_owned(fcinfo, &activity_kind);

	if (st == NULL)
	{
		st = ca_state_new(fcinfo, &activity_kind);
		if (!PG_ARGISNULL(0))
			st->payload = state_merge(ca_state_context(st), NULL, activity_arg(fcinfo, 0));
	}
	return st;
}

PG_FUNCTION_INFO_V1(activity_state_trans);
Datum
activity_state_trans(PG_FUNCTION_ARGS)
{
	CaState    *st = activity_state_arg(fcinfo);
	ActivityState *s = st->payload;

	activity_step(fcinfo, &s, ca_state_context(st));
	st->payload = s;
	CA_RETURN_STATE(st);
}

PG_FUNCTION_INFO_V1(activity_state_combine);
Datum
activity_state_combine(PG_FUNCTION_ARGS)
{
	CaState    *st;

	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		CA_RETURN_STATE(activity_state_arg(fcinfo));
	}
	st = activity_state_arg(fcinfo);
	st->payload = state_merge(ca_state_context(st), st->payload, activity_arg(fcinfo, 1));
	CA_RETURN_STATE(st);
}

PG_FUNCTION_INFO_V1(activity_state_final);
Datum
activity_state_final(PG_FUNCTION_ARGS)
{
	ActivityView a;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	state_view(activity_arg(fcinfo, 0), &a);
	PG_RETURN_DATUM(activity_make(&a));
}
