/*
 * calendar.h
 *		Periods (day, week, month, quarter, year) of an ICU calendar.
 *
 * Days are counted as local calendar dates: day 0 is 1970-01-01 of the
 * proleptic Gregorian calendar.  Turning instants into local dates and back
 * (time zones, daylight saving) is the caller's business, so this code only
 * does calendar arithmetic and ICU's calendar always runs in UTC.
 *
 * Plain C: no PostgreSQL headers.  The ICU calendar object is allocated by
 * ICU; ca_calendar_close() frees it.
 */
#ifndef CA_CALENDAR_H
#define CA_CALENDAR_H

#include <stdbool.h>
#include <stdint.h>

#include <unicode/ucal.h>

#include "ca_status.h"

typedef enum CaPeriodUnit
{
	CA_PERIOD_DAY = 0,
	CA_PERIOD_WEEK,
	CA_PERIOD_MONTH,
	CA_PERIOD_QUARTER,
	CA_PERIOD_YEAR,
	CA_PERIOD_NUNITS
} CaPeriodUnit;

/* "day", "week", ... indexed by CaPeriodUnit, NULL-terminated. */
extern const char *const ca_period_unit_names[CA_PERIOD_NUNITS + 1];

/*
 * Days supported: PostgreSQL's timestamp range (4714-11-24 BC to
 * 294277-01-01), with a year of margin below for the periods of its first
 * days.
 */
#define CA_DAY_MIN	(-2440588 - 400)
#define CA_DAY_MAX	106762940

/* Room for an ICU locale ID with keywords (ULOC_FULLNAME_CAPACITY + 1). */
#define CA_LOCALE_CAPACITY 160

/*
 * Remembered periods: ICU's field computations are slow for some calendars
 * (tens of microseconds a day for Umm al-Qura), while a table's rows fall
 * into few months and years.  Each open calendar keeps, per unit, a sorted
 * list of periods it has computed.
 */
typedef struct CaPeriodSpan
{
	int64_t		start;			/* first day */
	int64_t		end;			/* first day of the next period */
	int64_t		ordinal;		/* period number, where arithmetic gives one */
} CaPeriodSpan;

#define CA_MEMO_SPANS 256

typedef struct CaPeriodMemo
{
	int			n;
	CaPeriodSpan spans[CA_MEMO_SPANS];
} CaPeriodMemo;

typedef struct CaCalendar
{
	UCalendar  *ucal;			/* NULL when closed */
	bool		twelve_months;	/* every year has exactly 12 months */
	int			first_day;		/* first day of the week, 1 = Sunday */
	char		locale[CA_LOCALE_CAPACITY];	/* canonical ICU ID; "" = ISO */
	char		type[32];		/* ICU calendar type: gregorian, hebrew, ... */
	int32_t		icu_error;		/* UErrorCode behind CA_ICU_ERROR */
	CaPeriodMemo memo[CA_PERIOD_NUNITS];	/* day and week need none */
} CaCalendar;

/*
 * Opens the calendar of a locale (a BCP 47 tag such as "en-US" or
 * "th-TH-u-ca-buddhist", or an ICU ID such as "ar_SA@calendar=islamic"),
 * or with locale NULL the ISO calendar: proleptic Gregorian, weeks from
 * Monday.  On failure nothing stays open.
 */
extern CaStatus ca_calendar_open(CaCalendar *c, const char *locale);
extern void ca_calendar_close(CaCalendar *c);

/* The first day of the period containing day. */
extern CaStatus ca_calendar_period_start(CaCalendar *c, CaPeriodUnit unit,
											int64_t day, int64_t *start);

/*
 * Whole periods from the period containing from_day to the period
 * containing to_day; negative when to_day lies in an earlier period.
 */
extern CaStatus ca_calendar_periods_between(CaCalendar *c, CaPeriodUnit unit,
											   int64_t from_day, int64_t to_day,
											   int64_t *n);

/* A short English description of a status, for messages. */

#endif							/* CA_CALENDAR_H */
