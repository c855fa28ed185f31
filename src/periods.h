/*
 * periods.h
 *		Calendar periods for the SQL glue: ICU calendars cached per call
 *		site, and local dates of timestamps in PostgreSQL's time zones.
 */
#ifndef CA_PERIODS_H
#define CA_PERIODS_H

#include "postgres.h"

#include "fmgr.h"
#include "pgtime.h"
#include "utils/timestamp.h"

#include "calendar.h"

/* Longest time zone name accepted (PostgreSQL's TZ_STRLEN_MAX). */
#define CA_ZONE_CAPACITY 256

/* Parses the unit argument: 'day', 'week', 'month', 'quarter' or 'year'. */
extern CaPeriodUnit ca_period_unit_arg(text *unit);

/*
 * The time zone of a tz argument, or the session's TimeZone when tz is
 * NULL; an ERROR when PostgreSQL does not know the zone.
 */
extern pg_tz *ca_zone_arg(text *tz);
extern pg_tz *ca_zone_named(const char *name);

/*
 * The calendar of a locale (NULL: ISO), opened once per call site and kept
 * in flinfo->fn_extra; a memory context callback closes it.  Bad locales
 * raise an ERROR.
 */
extern CaCalendar *ca_calendar_for(FmgrInfo *flinfo, const char *locale);

/* Turns a failed calendar computation into an ERROR. */
extern void ca_report_calendar(CaStatus st, const CaCalendar *c,
							   const char *locale);

/* Local date (day 0 = 1970-01-01) of a finite timestamp in zone tz. */
extern int64 ca_local_day(TimestampTz ts, pg_tz *tz);

/* The first instant of a local date, resolved like date_trunc does. */
extern TimestampTz ca_local_midnight(int64 day, pg_tz *tz);

/* Whole periods between the periods of two local dates. */
extern int64 ca_days_periods_between(CaCalendar *c, CaPeriodUnit unit,
									 int64 from_day, int64 to_day);

#endif							/* CA_PERIODS_H */
