#!/usr/bin/python3
"""Reference period starts and period counts from ICU (PyICU).

Writes periods_start.csv and periods_between.csv next to this script; the
pg_regress test periods_icu compares cohort_period() and periods_between()
with them.  Run with Debian's python3-icu:  /usr/bin/python3 periods_ref.py

The method differs from the extension's on purpose: ICU does the time zone
conversion here (the extension leaves it to PostgreSQL), and periods are
found by walking back day by day until ICU reports the first day of a week
(DAY_OF_WEEK), month (DATE), quarter (MONTH % 3) or year (MONTH and DATE),
while the extension computes with day numbers.  Timestamps lie in
2000-2021 in zones whose rules ICU 72 (tzdata 2022e) and the server's
tzdata agree on for those years.
"""
import csv
import os
import random
from datetime import datetime, timedelta, timezone

import icu

F = icu.UCalendarDateFields
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
HERE = os.path.dirname(os.path.abspath(__file__))

LOCALES = [
    None,                                   # ISO: Monday weeks, Gregorian
    'en-US', 'de-DE', 'ar-EG', 'fa-IR',
    'ar-SA@calendar=islamic-umalqura', 'he-IL@calendar=hebrew',
    'th-TH', 'ja-JP-u-ca-japanese', 'zh-CN-u-ca-chinese',
]
ZONES = ['UTC', 'America/New_York', 'Europe/Berlin', 'Asia/Tehran',
         'America/Sao_Paulo', 'Australia/Lord_Howe', 'Asia/Kolkata',
         'Pacific/Chatham']
UNITS = ['day', 'week', 'month', 'quarter', 'year']
TWELVE_MONTHS_ONLY = {'he-IL@calendar=hebrew', 'zh-CN-u-ca-chinese'}


def icu_locale(loc):
    if loc is None:
        return icu.Locale('en_US@calendar=gregorian')
    if '@' in loc:
        return icu.Locale.createCanonical(loc)
    return icu.Locale.forLanguageTag(loc)


def calendar(loc, zone):
    cal = icu.Calendar.createInstance(icu.TimeZone.createTimeZone(zone),
                                      icu_locale(loc))
    if loc is None:
        cal.setFirstDayOfWeek(icu.UCalendarDaysOfWeek.MONDAY)
    return cal


def is_start(cal, unit):
    if unit == 'day':
        return True
    if unit == 'week':
        return cal.get(F.DAY_OF_WEEK) == cal.getFirstDayOfWeek()
    if cal.get(F.DATE) != 1:
        return False
    if unit == 'month':
        return True
    if unit == 'quarter':
        return cal.get(F.MONTH) % 3 == 0
    return cal.get(F.MONTH) == 0


def to_noon(cal, ts):
    """The calendar at local noon of the local date of ts (ms precision)."""
    # whole milliseconds, rounded down, from the exact microseconds
    us = (ts - EPOCH) // timedelta(microseconds=1)
    cal.setTime((us // 1000) / 1000.0)
    cal.set(F.HOUR_OF_DAY, 12)
    cal.set(F.MINUTE, 0)
    cal.set(F.SECOND, 0)
    cal.set(F.MILLISECOND, 0)
    cal.getTime()


def local_midnight(cal):
    cal.set(F.HOUR_OF_DAY, 0)
    cal.set(F.MINUTE, 0)
    cal.set(F.SECOND, 0)
    cal.set(F.MILLISECOND, 0)
    t = cal.getTime()
    return datetime.fromtimestamp(round(t, 3), timezone.utc)


def period_start(loc, zone, unit, ts):
    cal = calendar(loc, zone)
    to_noon(cal, ts)
    while not is_start(cal, unit):
        cal.add(F.DATE, -1)
    return local_midnight(cal)


def periods_between(loc, zone, unit, origin, ts):
    """Counts period starts after origin's date up to ts's date."""
    cal = calendar(loc, zone)
    sign = 1
    if ts < origin:
        origin, ts, sign = ts, origin, -1
    to_noon(cal, ts)
    end = cal.get(F.JULIAN_DAY)
    to_noon(cal, origin)
    n = 0
    while cal.get(F.JULIAN_DAY) < end:
        cal.add(F.DATE, 1)
        n += is_start(cal, unit)
    return sign * n


def fmt(ts):
    return ts.astimezone(timezone.utc).strftime('%Y-%m-%d %H:%M:%S.%f+00')


def samples(rng, n):
    lo = datetime(2000, 1, 1, tzinfo=timezone.utc).timestamp()
    hi = datetime(2021, 12, 31, tzinfo=timezone.utc).timestamp()
    out = [datetime.fromtimestamp(rng.randint(int(lo * 1e6), int(hi * 1e6)) / 1e6,
                                  timezone.utc) for _ in range(n)]
    # around daylight saving changes and local midnights
    out += [datetime(2018, 11, 4, 2, 59, 59, 999999, timezone.utc),  # Sao Paulo gap at 00:00
            datetime(2018, 11, 4, 3, 0, 0, 0, timezone.utc),
            datetime(2019, 2, 17, 1, 30, tzinfo=timezone.utc),        # Sao Paulo repeat 23:00
            datetime(2021, 3, 28, 0, 59, 59, 999999, timezone.utc),   # Berlin
            datetime(2021, 3, 28, 1, 0, tzinfo=timezone.utc),
            datetime(2021, 10, 31, 0, 30, tzinfo=timezone.utc),
            datetime(2021, 3, 14, 7, 30, tzinfo=timezone.utc),        # New York
            datetime(2021, 11, 7, 5, 30, tzinfo=timezone.utc),
            datetime(2021, 3, 21, 20, 29, 59, 999000, timezone.utc),  # Tehran
            datetime(2021, 9, 21, 19, 30, tzinfo=timezone.utc),
            datetime(2021, 4, 3, 14, 45, tzinfo=timezone.utc),        # Lord Howe 30 min
            datetime(2021, 4, 3, 13, 29, 59, 999999, timezone.utc),   # Lord Howe midnight
            datetime(2020, 12, 31, 23, 59, 59, 999999, timezone.utc),
            datetime(2000, 1, 1, 0, 0, tzinfo=timezone.utc)]
    return out


def main():
    rng = random.Random(20261129)
    starts = []
    betweens = []
    for loc in LOCALES:
        for zone in ZONES:
            for ts in samples(rng, 6):
                for unit in UNITS:
                    if unit == 'quarter' and loc in TWELVE_MONTHS_ONLY:
                        continue
                    starts.append((loc or '', zone, unit, fmt(ts),
                                   fmt(period_start(loc, zone, unit, ts))))
            for _ in range(8):
                origin = samples(rng, 1)[0]
                span = timedelta(microseconds=rng.randint(-400 * 86400 * 10**6,
                                                          800 * 86400 * 10**6))
                ts = origin + span
                for unit in UNITS:
                    if unit == 'quarter' and loc in TWELVE_MONTHS_ONLY:
                        continue
                    betweens.append((loc or '', zone, unit, fmt(origin), fmt(ts),
                                     periods_between(loc, zone, unit, origin, ts)))
    with open(os.path.join(HERE, 'periods_start.csv'), 'w', newline='') as f:
        w = csv.writer(f, lineterminator='\n')
        w.writerow(['locale', 'tz', 'unit', 'ts', 'period_start'])
        w.writerows(starts)
    with open(os.path.join(HERE, 'periods_between.csv'), 'w', newline='') as f:
        w = csv.writer(f, lineterminator='\n')
        w.writerow(['locale', 'tz', 'unit', 'origin', 'ts', 'periods'])
        w.writerows(betweens)
    print('ICU', icu.ICU_VERSION, 'starts', len(starts), 'between', len(betweens))


if __name__ == '__main__':
    main()
