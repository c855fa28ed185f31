/*
 * Unit tests of the ICU calendar periods.
 */
#include <stdlib.h>
#include <string.h>

#include <unicode/uloc.h>
#include <unicode/ustring.h>

#include "calendar.h"
#include "unit.h"

/* Day number of a proleptic Gregorian date (Howard Hinnant's algorithm). */
static int64_t
civil(int64_t y, int m, int d)
{
	int64_t		era,
				yoe,
				doy,
				doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int64_t
start_of(CaCalendar *c, CaPeriodUnit u, int64_t day)
{
	int64_t		s = -999999999;

	CHECK(ca_calendar_period_start(c, u, day, &s) == CA_OK);
	return s;
}

static int64_t
between(CaCalendar *c, CaPeriodUnit u, int64_t a, int64_t b)
{
	int64_t		n = -999999999;

	CHECK(ca_calendar_periods_between(c, u, a, b, &n) == CA_OK);
	return n;
}

static void
test_iso(void)
{
	CaCalendar	c;
	int64_t		d = civil(2026, 11, 29);	/* a Sunday */

	CHECK(ca_calendar_open(&c, NULL) == CA_OK);
	CHECK(c.first_day == 2 && c.twelve_months && c.locale[0] == '\0');
	CHECK(civil(1970, 1, 1) == 0);
	CHECK(start_of(&c, CA_PERIOD_DAY, d) == d);
	CHECK(start_of(&c, CA_PERIOD_WEEK, d) == civil(2026, 11, 23));
	CHECK(start_of(&c, CA_PERIOD_WEEK, civil(2026, 11, 23)) == civil(2026, 11, 23));
	CHECK(start_of(&c, CA_PERIOD_MONTH, d) == civil(2026, 11, 1));
	CHECK(start_of(&c, CA_PERIOD_QUARTER, d) == civil(2026, 10, 1));
	CHECK(start_of(&c, CA_PERIOD_QUARTER, civil(2024, 3, 31)) == civil(2024, 1, 1));
	CHECK(start_of(&c, CA_PERIOD_YEAR, d) == civil(2026, 1, 1));
	/* proleptic Gregorian, as PostgreSQL: no Julian dates before 1582 */
	CHECK(start_of(&c, CA_PERIOD_MONTH, civil(1500, 3, 10)) == civil(1500, 3, 1));
	CHECK(start_of(&c, CA_PERIOD_YEAR, civil(-100, 6, 1)) == civil(-100, 1, 1));
	CHECK(start_of(&c, CA_PERIOD_WEEK, civil(1582, 10, 10)) == civil(1582, 10, 4));

	CHECK(between(&c, CA_PERIOD_DAY, d, d + 10) == 10);
	CHECK(between(&c, CA_PERIOD_WEEK, civil(2026, 11, 29), civil(2026, 11, 30)) == 1);
	CHECK(between(&c, CA_PERIOD_WEEK, civil(2026, 11, 30), civil(2026, 11, 29)) == -1);
	CHECK(between(&c, CA_PERIOD_MONTH, civil(2025, 12, 31), civil(2026, 1, 1)) == 1);
	CHECK(between(&c, CA_PERIOD_MONTH, civil(2020, 1, 31), civil(2026, 11, 2)) == 6 * 12 + 10);
	CHECK(between(&c, CA_PERIOD_QUARTER, civil(2026, 3, 31), civil(2026, 4, 1)) == 1);
	CHECK(between(&c, CA_PERIOD_QUARTER, civil(2026, 12, 31), civil(2025, 1, 1)) == -7);
	CHECK(between(&c, CA_PERIOD_YEAR, civil(2000, 12, 31), civil(2026, 1, 1)) == 26);

	/* the range limits */
	{
		int64_t		s;

		CHECK(ca_calendar_period_start(&c, CA_PERIOD_WEEK, CA_DAY_MAX + 1, &s) == CA_OUT_OF_RANGE);
		CHECK(ca_calendar_period_start(&c, CA_PERIOD_DAY, CA_DAY_MIN - 1, &s) == CA_OUT_OF_RANGE);
		CHECK(ca_calendar_period_start(&c, CA_PERIOD_YEAR, CA_DAY_MAX, &s) == CA_OK);
		CHECK(ca_calendar_period_start(&c, CA_PERIOD_NUNITS, 0, &s) == CA_UNIT_UNDEFINED);
	}
	ca_calendar_close(&c);
	CHECK(c.ucal == NULL);
	ca_calendar_close(&c);		/* closing twice is harmless */
}

static void
test_locales(void)
{
	CaCalendar	c;
	int64_t		d = civil(2026, 11, 26);	/* a Thursday */

	CHECK(ca_calendar_open(&c, "en-US") == CA_OK);
	CHECK(strcmp(c.locale, "en_US") == 0 && c.first_day == 1);
	CHECK(start_of(&c, CA_PERIOD_WEEK, d) == civil(2026, 11, 22));
	ca_calendar_close(&c);

	CHECK(ca_calendar_open(&c, "de_DE") == CA_OK);
	CHECK(start_of(&c, CA_PERIOD_WEEK, d) == civil(2026, 11, 23));
	ca_calendar_close(&c);

	CHECK(ca_calendar_open(&c, "ar-EG") == CA_OK);
	CHECK(start_of(&c, CA_PERIOD_WEEK, d) == civil(2026, 11, 21));
	ca_calendar_close(&c);

	/* Persian year 1405 began on 2026-03-21; its 9th month (Azar) on 11-22 */
	CHECK(ca_calendar_open(&c, "fa-IR-u-ca-persian") == CA_OK);
	CHECK(strcmp(c.type, "persian") == 0);
	CHECK(start_of(&c, CA_PERIOD_YEAR, d) == civil(2026, 3, 21));
	CHECK(start_of(&c, CA_PERIOD_MONTH, d) == civil(2026, 11, 22));
	CHECK(start_of(&c, CA_PERIOD_QUARTER, d) == civil(2026, 9, 23));
	ca_calendar_close(&c);

	/* Hebrew 5784 is a leap year: 13 months from 1 Tishrei to 1 Tishrei */
	CHECK(ca_calendar_open(&c, "he_IL@calendar=hebrew") == CA_OK);
	CHECK(!c.twelve_months);
	CHECK(start_of(&c, CA_PERIOD_YEAR, civil(2024, 1, 1)) == civil(2023, 9, 16));
	CHECK(between(&c, CA_PERIOD_MONTH, civil(2023, 9, 16), civil(2024, 10, 3)) == 13);
	CHECK(between(&c, CA_PERIOD_MONTH, civil(2024, 10, 3), civil(2023, 9, 16)) == -13);
	CHECK(between(&c, CA_PERIOD_YEAR, civil(2023, 9, 16), civil(2024, 10, 3)) == 1);
	{
		int64_t		s;

		CHECK(ca_calendar_period_start(&c, CA_PERIOD_QUARTER, d, &s) == CA_UNIT_UNDEFINED);
		CHECK(ca_calendar_periods_between(&c, CA_PERIOD_QUARTER, d, d, &s) == CA_UNIT_UNDEFINED);
	}
	ca_calendar_close(&c);

	/* Japanese: the Reiwa era began on 2019-05-01, its year stays Gregorian */
	CHECK(ca_calendar_open(&c, "ja-JP-u-ca-japanese") == CA_OK);
	CHECK(start_of(&c, CA_PERIOD_YEAR, civil(2019, 6, 1)) == civil(2019, 1, 1));
	ca_calendar_close(&c);

	/* Umm al-Qura: 1 Ramadan 1447 is 2026-02-18 */
	CHECK(ca_calendar_open(&c, "ar-SA@calendar=islamic-umalqura") == CA_OK);
	CHECK(strcmp(c.locale, "ar_SA@calendar=islamic-umalqura") == 0);
	CHECK(start_of(&c, CA_PERIOD_MONTH, civil(2026, 3, 1)) == civil(2026, 2, 18));
	ca_calendar_close(&c);
}

static void
test_bad_locales(void)
{
	CaCalendar	c;

	CHECK(ca_calendar_open(&c, "xx-YY") == CA_BAD_LOCALE);
	CHECK(c.ucal == NULL);
	CHECK(ca_calendar_open(&c, "zz") == CA_BAD_LOCALE);
	CHECK(ca_calendar_open(&c, "") == CA_BAD_LOCALE);
	CHECK(ca_calendar_open(&c, "und") == CA_BAD_LOCALE);
	CHECK(ca_calendar_open(&c, "root") == CA_BAD_LOCALE);
	CHECK(ca_calendar_open(&c, "!!") == CA_BAD_LOCALE);
	CHECK(ca_calendar_open(&c, "en@calendar=foo") == CA_BAD_CALENDAR);
	CHECK(ca_calendar_open(&c, "en-u-ca-foo") == CA_BAD_CALENDAR);
	CHECK(ca_calendar_open(&c, "de@collation=phonebook") == CA_BAD_KEYWORD);
	CHECK(c.ucal == NULL);
	{
		char		longname[400];

		memset(longname, 'a', sizeof(longname) - 1);
		longname[sizeof(longname) - 1] = '\0';
		CHECK(ca_calendar_open(&c, longname) == CA_BAD_LOCALE);
	}
	/* an unknown region falls back to the language, which is fine */
	CHECK(ca_calendar_open(&c, "en-XX") == CA_OK);
	ca_calendar_close(&c);
	CHECK(strcmp(ca_status_text(CA_BAD_CALENDAR), "ICU does not know this calendar") == 0);
}

/* Every locale ICU lists opens, and its periods are consistent. */
static void
test_all_available(void)
{
	int32_t		n = uloc_countAvailable();
	int32_t		i;
	int			failed = 0,
				inconsistent = 0;
	int64_t		d = civil(2026, 11, 26);

	for (i = 0; i < n; i++)
	{
		CaCalendar	c;
		int			u;

		if (ca_calendar_open(&c, uloc_getAvailable(i)) != CA_OK)
		{
			if (failed++ < 5)
				fprintf(stderr, "cannot open %s\n", uloc_getAvailable(i));
			continue;
		}
		for (u = 0; u < CA_PERIOD_NUNITS; u++)
		{
			int64_t		s,
						s2,
						k;

			if (u == CA_PERIOD_QUARTER && !c.twelve_months)
				continue;
			/* the start lies in its own period; the day before does not */
			if (ca_calendar_period_start(&c, u, d, &s) != CA_OK ||
				s > d || ca_calendar_period_start(&c, u, s, &s2) != CA_OK ||
				s2 != s ||
				ca_calendar_periods_between(&c, u, s - 1, d, &k) != CA_OK ||
				k != 1)
				inconsistent++;
		}
		ca_calendar_close(&c);
	}
	CHECK(n > 100);
	CHECK(failed == 0);
	CHECK(inconsistent == 0);
}

/* Walks back through ICU's own fields to the first day of a period. */
static int64_t
walk_back(UCalendar *raw, CaPeriodUnit u, int first_day, int64_t d)
{
	UErrorCode	err = U_ZERO_ERROR;

	for (;; d--)
	{
		ucal_setMillis(raw, (UDate) d * 86400000.0, &err);
		if (u == CA_PERIOD_WEEK ? ucal_get(raw, UCAL_DAY_OF_WEEK, &err) == first_day :
			ucal_get(raw, UCAL_DATE, &err) == 1 &&
			(u == CA_PERIOD_MONTH ||
			 (u == CA_PERIOD_QUARTER && ucal_get(raw, UCAL_MONTH, &err) % 3 == 0) ||
			 (u == CA_PERIOD_YEAR && ucal_get(raw, UCAL_MONTH, &err) == 0)))
			return U_SUCCESS(err) ? d : INT64_MIN;
	}
}

/*
 * The remembered periods give what a walk back through ICU's fields gives,
 * whatever the order of the days; period counts add up.
 */
static void
test_memo(void)
{
	const char *locales[] = {NULL, "ar-SA@calendar=islamic-umalqura", "he-IL@calendar=hebrew",
		"ja-JP-u-ca-japanese", "fa-IR", "ar-EG@calendar=coptic", "zh-CN-u-ca-chinese", "en-US"};
	unsigned	seed = 7;
	int			l,
				i,
				checked = 0,
				wrong = 0,
				nonadditive = 0;

	for (l = 0; l < (int) (sizeof(locales) / sizeof(locales[0])); l++)
	{
		CaCalendar	c;
		UErrorCode	err = U_ZERO_ERROR;
		UChar		utc[4];
		UCalendar  *raw;

		CHECK(ca_calendar_open(&c, locales[l]) == CA_OK);
		u_uastrcpy(utc, "UTC");
		raw = ucal_open(utc, -1, locales[l] ? c.locale : "en@calendar=gregorian",
						UCAL_DEFAULT, &err);
		CHECK(U_SUCCESS(err));
		for (i = 0; i < 2000; i++)
		{
			/* days of 1950-2050 in random order, many repeated */
			int64_t		d = civil(1950, 1, 1) + (int64_t) ((seed = seed * 1103515245 + 12345) >> 8) % 36525;
			CaPeriodUnit u = (CaPeriodUnit) (1 + i % 4);
			int64_t		s,
						ab,
						ac,
						cb;

			if (u == CA_PERIOD_QUARTER && !c.twelve_months)
				continue;
			checked++;
			if (ca_calendar_period_start(&c, u, d, &s) != CA_OK ||
				s != walk_back(raw, u, c.first_day, d))
			{
				if (wrong++ < 5)
					fprintf(stderr, "%s unit %d day %ld: start %ld\n",
							locales[l] ? locales[l] : "ISO", (int) u, (long) d, (long) s);
			}
			if (ca_calendar_periods_between(&c, u, d, d + 400, &ab) != CA_OK ||
				ca_calendar_periods_between(&c, u, d, d + 170, &ac) != CA_OK ||
				ca_calendar_periods_between(&c, u, d + 170, d + 400, &cb) != CA_OK ||
				ab != ac + cb || ab < (u == CA_PERIOD_WEEK ? 57 : u == CA_PERIOD_MONTH ? 13 :
									   u == CA_PERIOD_QUARTER ? 4 : 1))
				nonadditive++;
		}
		ucal_close(raw);
		ca_calendar_close(&c);
	}
	CHECK(checked > 12000);
	CHECK(wrong == 0);
	CHECK(nonadditive == 0);
}

int
main(void)
{
	RUN(test_memo);
	RUN(test_iso);
	RUN(test_locales);
	RUN(test_bad_locales);
	RUN(test_all_available);
	return unit_done("calendar");
}
