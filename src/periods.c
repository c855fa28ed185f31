/*
 * periods.c
 *		cohort_period() and periods_between(): calendar periods that follow
 *		a locale's calendar and first day of the week.
 *
 * PostgreSQL turns the timestamp into a local date with its own time zone
 * data, ICU does the calendar arithmetic on that date, and PostgreSQL turns
 * the period's first date back into an instant exactly as date_trunc does.
 * ICU never sees the time zone: its bundled tz database is older than the
 * server's, and both must agree on where a local day starts.
 */
#include "postgres.h"

#include <unicode/utypes.h>

#include "datatype/timestamp.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/memutils.h"

#include "ca_util.h"
#include "periods.h"

/* One open calendar per call site, in fn_extra. */
typedef struct CalendarCache
{
	MemoryContextCallback callback;
	bool		iso;			/* opened for locale NULL */
	char	   *locale;			/* the locale argument it was opened for */
	CaCalendar	cal;			/* cal.ucal is NULL when nothing is open */
} CalendarCache;

static void
calendar_cache_release(void *arg)
{
	CalendarCache *cache = (CalendarCache *) arg;

	ca_calendar_close(&cache->cal);
}

CaPeriodUnit
ca_period_unit_arg(text *unit)
{
	return (CaPeriodUnit) ca_lookup_name(unit, ca_period_unit_names, "unit");
}

pg_tz *
ca_zone_named(const char *name)
{
	pg_tz	   *tz = NULL;

	if (strlen(name) < CA_ZONE_CAPACITY)
		tz = pg_tzset(name);
	if (tz == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid tz: time zone \"%s\" not recognized", name),
				 errhint("Use a time zone name such as 'Europe/Berlin', or NULL for the session's TimeZone.")));
	return tz;
}

pg_tz *
ca_zone_arg(text *tz)
{
	if (tz == NULL)
		return session_timezone;
	return ca_zone_named(text_to_cstring(tz));
}

void
ca_report_calendar(CaStatus st, const CaCalendar *c, const char *locale)
{
	const char *shown = locale ? locale : "(ISO)";

	switch (st)
	{
		case CA_OK:
			return;
		case CA_BAD_LOCALE:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid locale: \"%s\"", shown),
					 errdetail("ICU has no data for this locale and would silently use another one."),
					 errhint("Use a BCP 47 tag such as 'en-US', 'de-DE' or 'ar-SA-u-ca-islamic-umalqura', or NULL for ISO weeks.")));
			break;
		case CA_BAD_KEYWORD:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid locale: \"%s\"", shown),
					 errdetail("Only the calendar keyword of a locale is supported.")));
			break;
		case CA_BAD_CALENDAR:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid calendar in locale \"%s\"", shown),
					 errdetail("ICU does not know this calendar."),
					 errhint("Known calendars include gregorian, buddhist, hebrew, islamic, islamic-civil, islamic-umalqura, japanese, persian and roc.")));
			break;
		case CA_UNIT_UNDEFINED:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid unit: \"quarter\" is not defined for the %s calendar",
							c->type),
					 errdetail("Quarters need a calendar whose years all have 12 months.")));
			break;
		case CA_OUT_OF_RANGE:
			ereport(ERROR,
					(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
					 errmsg("timestamp out of range for calendar periods")));
			break;
		case CA_ICU_ERROR:
			ereport(ERROR,
					(errcode(ERRCODE_EXTERNAL_ROUTINE_EXCEPTION),
					 errmsg("ICU calendar error for locale \"%s\": %s",
							shown, u_errorName((UErrorCode) c->icu_error))));
			break;
		default:
			ca_report_unexpected(st, shown);
	}
}

CaCalendar *
ca_calendar_for(FmgrInfo *flinfo, const char *locale)
{
	CalendarCache *cache = (CalendarCache *) flinfo->fn_extra;
	CaStatus st;

	if (cache == NULL)
	{
		cache = MemoryContextAllocZero(flinfo->fn_mcxt, sizeof(CalendarCache));
		cache->callback.func = calendar_cache_release;
		cache->callback.arg = cache;
		MemoryContextRegisterResetCallback(flinfo->fn_mcxt, &cache->callback);
		flinfo->fn_extra = cache;
	}
	if (cache->cal.ucal != NULL &&
		(locale == NULL ? cache->iso :
		 (!cache->iso && strcmp(cache->locale, locale) == 0)))
		return &cache->cal;

	ca_calendar_close(&cache->cal);
	if (cache->locale)
		pfree(cache->locale);
	cache->locale = NULL;
	st = ca_calendar_open(&cache->cal, locale);
	ca_report_calendar(st, &cache->cal, locale);
	cache->iso = locale == NULL;
	if (locale)
		cache->locale = MemoryContextStrdup(flinfo->fn_mcxt, locale);
	return &cache->cal;
}

int64
ca_local_day(TimestampTz ts, pg_tz *tz)
{
	struct pg_tm tm;
	fsec_t		fsec;
	int			offset;

	if (TIMESTAMP_NOT_FINITE(ts) ||
		timestamp2tm(ts, &offset, &tm, &fsec, NULL, tz) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("timestamp out of range")));
	return (int64) date2j(tm.tm_year, tm.tm_mon, tm.tm_mday) - UNIX_EPOCH_JDATE;
}

TimestampTz
ca_local_midnight(int64 day, pg_tz *tz)
{
	struct pg_tm tm;
	TimestampTz result;
	int			offset;

	if (day < CA_DAY_MIN || day > CA_DAY_MAX)
		ca_report_calendar(CA_OUT_OF_RANGE, NULL, NULL);
	memset(&tm, 0, sizeof(tm));
	j2date((int) (day + UNIX_EPOCH_JDATE), &tm.tm_year, &tm.tm_mon, &tm.tm_mday);
	/* a skipped midnight resolves as in date_trunc: the offset before it */
	offset = DetermineTimeZoneOffset(&tm, tz);
	if (tm2timestamp(&tm, 0, &offset, &result) != 0)
		ca_report_calendar(CA_OUT_OF_RANGE, NULL, NULL);
	return result;
}

int64
ca_days_periods_between(CaCalendar *c, CaPeriodUnit unit, int64 from_day,
						int64 to_day)
{
	int64_t		n = 0;

	ca_report_calendar(ca_calendar_periods_between(c, unit, from_day, to_day, &n),
					   c, c->locale);
	return n;
}

/* Arguments 2 and 3 of both SQL functions: locale and tz, either NULL. */
static char *
locale_arg(FunctionCallInfo fcinfo, int n)
{
	return PG_ARGISNULL(n) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(n));
}

static pg_tz *
zone_arg(FunctionCallInfo fcinfo, int n)
{
	return ca_zone_arg(PG_ARGISNULL(n) ? NULL : PG_GETARG_TEXT_PP(n));
}

PG_FUNCTION_INFO_V1(ca_cohort_period);
Datum
ca_cohort_period(PG_FUNCTION_ARGS)
{
	TimestampTz ts;
	CaPeriodUnit unit;
	char	   *locale;
	pg_tz	   *tz;
	CaCalendar *cal;
	int64_t		start = 0;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		PG_RETURN_NULL();
	ts = PG_GETARG_TIMESTAMPTZ(0);
	unit = ca_period_unit_arg(PG_GETARG_TEXT_PP(1));
	locale = locale_arg(fcinfo, 2);
	tz = zone_arg(fcinfo, 3);
	cal = ca_calendar_for(fcinfo->flinfo, locale);
	/* like date_trunc, infinity is its own period */
	if (TIMESTAMP_NOT_FINITE(ts))
		PG_RETURN_TIMESTAMPTZ(ts);
	ca_report_calendar(ca_calendar_period_start(cal, unit, ca_local_day(ts, tz), &start),
					   cal, locale);
	PG_RETURN_TIMESTAMPTZ(ca_local_midnight(start, tz));
}

PG_FUNCTION_INFO_V1(ca_periods_between);
Datum
ca_periods_between(PG_FUNCTION_ARGS)
{
	TimestampTz origin,
				ts;
	CaPeriodUnit unit;
	char	   *locale;
	pg_tz	   *tz;
	CaCalendar *cal;
	int64		n;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1) || PG_ARGISNULL(2))
		PG_RETURN_NULL();
	origin = PG_GETARG_TIMESTAMPTZ(0);
	ts = PG_GETARG_TIMESTAMPTZ(1);
	unit = ca_period_unit_arg(PG_GETARG_TEXT_PP(2));
	locale = locale_arg(fcinfo, 3);
	tz = zone_arg(fcinfo, 4);
	cal = ca_calendar_for(fcinfo->flinfo, locale);
	if (TIMESTAMP_NOT_FINITE(origin) || TIMESTAMP_NOT_FINITE(ts))
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("periods_between is undefined for infinite %s",
						TIMESTAMP_NOT_FINITE(origin) ? "origin" : "ts")));
	n = ca_days_periods_between(cal, unit, ca_local_day(origin, tz),
								ca_local_day(ts, tz));
	/* the whole timestamp range is fewer than 2^31 days */
	PG_RETURN_INT32((int32) n);
}
