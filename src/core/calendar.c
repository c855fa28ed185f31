/*
 * calendar.c
 *		Period starts and period counts with ICU's calendars.
 *
 * ICU silently falls back to a default locale when it does not know one,
 * and to the Gregorian calendar when it does not know a calendar keyword;
 * both would give plausible but wrong periods, so the locale is checked
 * before and after opening.  All arithmetic is on day numbers, with the
 * ICU calendar in UTC: a day's fields are read at its midnight.
 */
#include "calendar.h"

#include <string.h>

#include <unicode/uenum.h>
#include <unicode/uloc.h>
#include <unicode/ustring.h>

const char *const ca_period_unit_names[CA_PERIOD_NUNITS + 1] = {
	"day", "week", "month", "quarter", "year", NULL
};

#define DAY_MS 86400000.0

/* ICU's earliest date: makes Gregorian calendars proleptic. */
#define ICU_MIN_MILLIS (-184303902528000000.0)

static CaStatus
icu_failed(CaCalendar *c, UErrorCode err)
{
	c->icu_error = (int32_t) err;
	return CA_ICU_ERROR;
}

/*
 * Canonical ICU ID of a locale given as a BCP 47 tag or an ICU ID.  A tag
 * must parse completely; anything else goes through uloc_canonicalize.
 */
static bool
canonical_locale(const char *in, char *out, int32_t cap)
{
	UErrorCode	err = U_ZERO_ERROR;
	int32_t		parsed = 0;
	int32_t		len;

	if (strchr(in, '@') == NULL)
	{
		len = uloc_forLanguageTag(in, out, cap, &parsed, &err);
		if (U_SUCCESS(err) && err != U_STRING_NOT_TERMINATED_WARNING &&
			len > 0 && parsed == (int32_t) strlen(in))
			return true;
	}
	err = U_ZERO_ERROR;
	len = uloc_canonicalize(in, out, cap, &err);
	return U_SUCCESS(err) && err != U_STRING_NOT_TERMINATED_WARNING && len > 0;
}

/* True when ICU has locale data for some locale of this language. */
static bool
language_available(const char *language)
{
	int32_t		n = uloc_countAvailable();
	int32_t		i;

	for (i = 0; i < n; i++)
	{
		char		lang[ULOC_LANG_CAPACITY];
		UErrorCode	err = U_ZERO_ERROR;

		uloc_getLanguage(uloc_getAvailable(i), lang, sizeof(lang), &err);
		if (U_SUCCESS(err) && strcmp(lang, language) == 0)
			return true;
	}
	return false;
}

/* Checks the keywords of a canonical locale: only a known calendar. */
static CaStatus
check_keywords(const char *locale)
{
	UErrorCode	err = U_ZERO_ERROR;
	UEnumeration *e;
	const char *k;
	char		value[64];
	int32_t		len;
	bool		found = false;

	e = uloc_openKeywords(locale, &err);
	if (U_FAILURE(err))
		return CA_BAD_LOCALE;
	if (e == NULL)
		return CA_OK;
	while ((k = uenum_next(e, NULL, &err)) != NULL && U_SUCCESS(err))
	{
		if (strcmp(k, "calendar") != 0)
		{
			uenum_close(e);
			return CA_BAD_KEYWORD;
		}
	}
	uenum_close(e);

	err = U_ZERO_ERROR;
	len = uloc_getKeywordValue(locale, "calendar", value, sizeof(value), &err);
	if (U_FAILURE(err) || err == U_STRING_NOT_TERMINATED_WARNING)
		return CA_BAD_CALENDAR;
	if (len == 0)
		return CA_OK;

	err = U_ZERO_ERROR;
	e = ucal_getKeywordValuesForLocale("calendar", locale, 0, &err);
	if (U_FAILURE(err))
		return CA_BAD_CALENDAR;
	while ((k = uenum_next(e, NULL, &err)) != NULL && U_SUCCESS(err))
		if (strcmp(k, value) == 0)
			found = true;
	uenum_close(e);
	return found ? CA_OK : CA_BAD_CALENDAR;
}

/* After ucal_open: did ICU really use the locale and calendar asked for? */
static CaStatus
check_opened(CaCalendar *c, const char *language)
{
	UErrorCode	err = U_ZERO_ERROR;
	const char *valid;
	const char *type;
	char		lang[ULOC_LANG_CAPACITY];
	char		wanted[64];
	int32_t		len;

	/*
	 * Where ICU has no data for a locale, the valid locale is the process's
	 * default locale (or root): another language.
	 */
	valid = ucal_getLocaleByType(c->ucal, ULOC_VALID_LOCALE, &err);
	if (U_FAILURE(err) || valid == NULL)
		return CA_BAD_LOCALE;
	uloc_getLanguage(valid, lang, sizeof(lang), &err);
	if (U_FAILURE(err) || strcmp(lang, language) != 0)
		return CA_BAD_LOCALE;

	type = ucal_getType(c->ucal, &err);
	if (U_FAILURE(err) || type == NULL || strlen(type) >= sizeof(c->type))
		return icu_failed(c, U_FAILURE(err) ? err : U_INTERNAL_PROGRAM_ERROR);
	strcpy(c->type, type);
	len = uloc_getKeywordValue(c->locale, "calendar", wanted, sizeof(wanted), &err);
	if (U_SUCCESS(err) && len > 0 && strcmp(wanted, type) != 0)
		return CA_BAD_CALENDAR;
	return CA_OK;
}

/* Calendar properties and settings common to all locales. */
static CaStatus
finish_open(CaCalendar *c)
{
	UErrorCode	err = U_ZERO_ERROR;
	int32_t		max_month;

	/* PostgreSQL's dates are proleptic Gregorian: no Julian calendar */
	ucal_setGregorianChange(c->ucal, ICU_MIN_MILLIS, &err);
	if (err == U_UNSUPPORTED_ERROR)
		err = U_ZERO_ERROR;		/* not a Gregorian calendar */
	if (U_FAILURE(err))
		return icu_failed(c, err);

	max_month = ucal_getLimit(c->ucal, UCAL_MONTH, UCAL_MAXIMUM, &err);
	c->first_day = ucal_getAttribute(c->ucal, UCAL_FIRST_DAY_OF_WEEK);
	if (U_FAILURE(err))
		return icu_failed(c, err);
	/* lunisolar calendars number a leap month like the month before it */
	c->twelve_months = max_month == 11 &&
		strcmp(c->type, "chinese") != 0 && strcmp(c->type, "dangi") != 0;
	return CA_OK;
}

CaStatus
ca_calendar_open(CaCalendar *c, const char *locale)
{
	UErrorCode	err = U_ZERO_ERROR;
	UChar		utc[4];
	char		language[ULOC_LANG_CAPACITY];
	CaStatus st;

	memset(c, 0, sizeof(*c));
	u_uastrcpy(utc, "UTC");

	if (locale == NULL)
	{
		c->ucal = ucal_open(utc, -1, "en@calendar=gregorian", UCAL_GREGORIAN, &err);
		if (U_FAILURE(err))
		{
			c->ucal = NULL;
			return icu_failed(c, err);
		}
		ucal_setAttribute(c->ucal, UCAL_FIRST_DAY_OF_WEEK, UCAL_MONDAY);
		ucal_setAttribute(c->ucal, UCAL_MINIMAL_DAYS_IN_FIRST_WEEK, 4);
		strcpy(c->type, "gregorian");
		st = finish_open(c);
		if (st != CA_OK)
			ca_calendar_close(c);
		return st;
	}

	if (locale[0] == '\0' || strlen(locale) >= CA_LOCALE_CAPACITY ||
		!canonical_locale(locale, c->locale, CA_LOCALE_CAPACITY))
		return CA_BAD_LOCALE;
	uloc_getLanguage(c->locale, language, sizeof(language), &err);
	if (U_FAILURE(err) || language[0] == '\0' || !language_available(language))
		return CA_BAD_LOCALE;
	if ((st = check_keywords(c->locale)) != CA_OK)
		return st;

	c->ucal = ucal_open(utc, -1, c->locale, UCAL_DEFAULT, &err);
	if (U_FAILURE(err))
	{
		c->ucal = NULL;
		return icu_failed(c, err);
	}
	if (err == U_USING_DEFAULT_WARNING)
		st = CA_BAD_LOCALE;
	else if ((st = check_opened(c, language)) == CA_OK)
		st = finish_open(c);
	if (st != CA_OK)
		ca_calendar_close(c);
	return st;
}

void
ca_calendar_close(CaCalendar *c)
{
	if (c->ucal != NULL)
		ucal_close(c->ucal);
	c->ucal = NULL;
}

/* Positions the calendar at the midnight that starts day. */
static CaStatus
at_day(CaCalendar *c, int64_t day)
{
	UErrorCode	err = U_ZERO_ERROR;

	if (day < CA_DAY_MIN || day > CA_DAY_MAX)
		return CA_OUT_OF_RANGE;
	ucal_setMillis(c->ucal, (UDate) day * DAY_MS, &err);
	return U_FAILURE(err) ? icu_failed(c, err) : CA_OK;
}

/* Reads a field of the day the calendar is at. */
static CaStatus
get_field(CaCalendar *c, UCalendarDateFields f, int32_t *v)
{
	UErrorCode	err = U_ZERO_ERROR;

	*v = ucal_get(c->ucal, f, &err);
	return U_FAILURE(err) ? icu_failed(c, err) : CA_OK;
}

/* Positions at day and reads one field. */
static CaStatus
day_field(CaCalendar *c, int64_t day, UCalendarDateFields f, int32_t *v)
{
	CaStatus st = at_day(c, day);

	return st != CA_OK ? st : get_field(c, f, v);
}

/* Days in the month or year starting at day. */
static CaStatus
length_at(CaCalendar *c, int64_t start, UCalendarDateFields f, int64_t *len)
{
	UErrorCode	err = U_ZERO_ERROR;
	CaStatus st = at_day(c, start);

	if (st != CA_OK)
		return st;
	*len = ucal_getLimit(c->ucal, f, UCAL_ACTUAL_MAXIMUM, &err);
	return U_FAILURE(err) ? icu_failed(c, err) : CA_OK;
}

/*
 * The month, quarter or year containing day, from ICU's fields: its first
 * day, the first day of the next one and its number.
 */
static CaStatus
compute_span(CaCalendar *c, CaPeriodUnit unit, int64_t day, CaPeriodSpan *p)
{
	CaStatus st;
	int32_t		v,
				year,
				month;
	int64_t		len;
	int			i;

	if (unit == CA_PERIOD_YEAR)
	{
		if ((st = day_field(c, day, UCAL_DAY_OF_YEAR, &v)) != CA_OK ||
			(st = get_field(c, UCAL_EXTENDED_YEAR, &year)) != CA_OK)
			return st;
		p->start = day - (v - 1);
		p->ordinal = year;
		if ((st = length_at(c, p->start, UCAL_DAY_OF_YEAR, &len)) != CA_OK)
			return st;
		p->end = p->start + len;
		return CA_OK;
	}

	if ((st = day_field(c, day, UCAL_DATE, &v)) != CA_OK)
		return st;
	p->start = day - (v - 1);
	if ((st = length_at(c, p->start, UCAL_DATE, &len)) != CA_OK)
		return st;
	p->end = p->start + len;
	p->ordinal = 0;
	if (!c->twelve_months)
		return CA_OK;		/* months only: counted by ICU instead */
	if ((st = get_field(c, UCAL_EXTENDED_YEAR, &year)) != CA_OK ||
		(st = get_field(c, UCAL_MONTH, &month)) != CA_OK)
		return st;
	p->ordinal = (int64_t) year * 12 + month;
	if (unit == CA_PERIOD_MONTH)
		return CA_OK;

	/* quarters: months 0-2, 3-5, 6-8 and 9-11 of the year */
	for (i = month % 3; i > 0; i--)
	{
		if ((st = day_field(c, p->start - 1, UCAL_DATE, &v)) != CA_OK)
			return st;
		p->start -= v;
	}
	for (i = month % 3; i < 2; i++)
	{
		if ((st = length_at(c, p->end, UCAL_DATE, &len)) != CA_OK)
			return st;
		p->end += len;
	}
	p->ordinal /= 3;
	return CA_OK;
}

/*
 * The period containing day.  Days and weeks are plain arithmetic (the
 * week cycle is the same in every calendar); months, quarters and years
 * come from the memo or from ICU.
 */
static CaStatus
period_of(CaCalendar *c, CaPeriodUnit unit, int64_t day, CaPeriodSpan *out)
{
	CaPeriodMemo *m;
	CaStatus st;
	int			lo,
				hi;

	if ((unsigned) unit >= CA_PERIOD_NUNITS)
		return CA_UNIT_UNDEFINED;
	if (unit == CA_PERIOD_QUARTER && !c->twelve_months)
		return CA_UNIT_UNDEFINED;
	if (day < CA_DAY_MIN || day > CA_DAY_MAX)
		return CA_OUT_OF_RANGE;
	if (unit == CA_PERIOD_DAY)
	{
		out->start = out->ordinal = day;
		out->end = day + 1;
		return CA_OK;
	}
	if (unit == CA_PERIOD_WEEK)
	{
		/* 1970-01-01 was a Thursday: day of week 5 counting Sunday as 1 */
		int			dow = (int) (((day % 7) + 7 + 4) % 7) + 1;

		out->start = day - (dow - c->first_day + 7) % 7;
		out->end = out->start + 7;
		/* week starts lie 7 days apart: floor division numbers them */
		out->ordinal = out->start >= 0 ? out->start / 7 : -((6 - out->start) / 7);
		return out->start < CA_DAY_MIN ? CA_OUT_OF_RANGE : CA_OK;
	}

	/* binary search for the last remembered period starting at or before day */
	m = &c->memo[unit];
	lo = 0;
	hi = m->n;
	while (lo < hi)
	{
		int			mid = (lo + hi) / 2;

		if (m->spans[mid].start <= day)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo > 0 && day < m->spans[lo - 1].end)
	{
		*out = m->spans[lo - 1];
		return CA_OK;
	}
	if ((st = compute_span(c, unit, day, out)) != CA_OK)
		return st;
	if (out->start < CA_DAY_MIN || out->start > day || out->end <= day)
		return out->start < CA_DAY_MIN ? CA_OUT_OF_RANGE : icu_failed(c, U_INTERNAL_PROGRAM_ERROR);
	if (m->n == CA_MEMO_SPANS)
	{
		m->n = 0;				/* full: start over */
		lo = 0;
	}
	memmove(&m->spans[lo + 1], &m->spans[lo], (m->n - lo) * sizeof(CaPeriodSpan));
	m->spans[lo] = *out;
	m->n++;
	return CA_OK;
}

CaStatus
ca_calendar_period_start(CaCalendar *c, CaPeriodUnit unit, int64_t day,
						 int64_t *start)
{
	CaPeriodSpan p;
	CaStatus st = period_of(c, unit, day, &p);

	if (st == CA_OK)
		*start = p.start;
	return st;
}

CaStatus
ca_calendar_periods_between(CaCalendar *c, CaPeriodUnit unit,
							int64_t from_day, int64_t to_day, int64_t *n)
{
	CaPeriodSpan a,
				b;
	CaStatus st;
	UErrorCode	err = U_ZERO_ERROR;

	if ((st = period_of(c, unit, from_day, &a)) != CA_OK ||
		(st = period_of(c, unit, to_day, &b)) != CA_OK)
		return st;
	if (unit != CA_PERIOD_MONTH || c->twelve_months)
	{
		*n = b.ordinal - a.ordinal;
		return CA_OK;
	}
	/* leap months: let ICU count whole months from start to start */
	if ((st = at_day(c, a.start)) != CA_OK)
		return st;
	*n = ucal_getFieldDifference(c->ucal, (UDate) b.start * DAY_MS, UCAL_MONTH, &err);
	return U_FAILURE(err) ? icu_failed(c, err) : CA_OK;
}
