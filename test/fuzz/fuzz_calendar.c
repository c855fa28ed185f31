/*
 * fuzz_calendar.c
 *		libFuzzer harness of ca_calendar_open's locale parsing (BCP 47 tags
 *		and ICU IDs with keywords) and of the period arithmetic of the
 *		calendars it accepts.
 *
 * Input: a unit byte, two days (8 bytes each, little-endian, folded into
 * the supported range), then the locale.
 */
#include "calendar.h"
#include "fuzz.h"

static int64_t
fold_day(uint64_t v)
{
	return CA_DAY_MIN + (int64_t) (v % (uint64_t) (CA_DAY_MAX - CA_DAY_MIN + 1));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	CaCalendar *c;
	CaPeriodUnit unit;
	int64_t		day[2],
				start,
				again,
				n,
				back;
	char	   *locale;
	int			i;

	unit = (CaPeriodUnit) (fuzz_take(&data, &size, 1) % CA_PERIOD_NUNITS);
	day[0] = fold_day(fuzz_take(&data, &size, 8));
	day[1] = fold_day(fuzz_take(&data, &size, 8));
	locale = fuzz_cstring(data, size);
	c = test_xmalloc(sizeof(CaCalendar));

	if (ca_calendar_open(c, locale) != CA_OK)
	{
		FUZZ_CHECK(c->ucal == NULL);
		free(c);
		free(locale);
		return 0;
	}
	FUZZ_CHECK(c->first_day >= 1 && c->first_day <= 7);

	for (i = 0; i < 2; i++)
	{
		/* a period starts at or before the day, and its start is its own */
		if (ca_calendar_period_start(c, unit, day[i], &start) != CA_OK)
			continue;
		FUZZ_CHECK(start <= day[i] && start >= CA_DAY_MIN);
		FUZZ_CHECK(ca_calendar_period_start(c, unit, start, &again) == CA_OK);
		FUZZ_CHECK(again == start);
		FUZZ_CHECK(ca_calendar_periods_between(c, unit, day[i], start, &n) == CA_OK);
		FUZZ_CHECK(n == 0);
	}
	if (ca_calendar_periods_between(c, unit, day[0], day[1], &n) == CA_OK)
	{
		/* counted the other way, the same number of periods */
		FUZZ_CHECK(ca_calendar_periods_between(c, unit, day[1], day[0], &back) == CA_OK);
		FUZZ_CHECK(back == -n);
		FUZZ_CHECK((n < 0) == (day[1] < day[0]) || n == 0);
	}
	ca_calendar_close(c);
	free(c);
	free(locale);
	return 0;
}
