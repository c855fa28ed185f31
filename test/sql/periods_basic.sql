-- cohort_period and periods_between: agreement with date_trunc, locales,
-- calendars, NULLs and errors.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS cohort_analyzer;
RESET client_min_messages;
SET TimeZone = 'UTC';
SET DateStyle = ISO;

-- first day of the week follows the locale: Thursday 2026-11-26
SELECT l AS locale, cohort_period('2026-11-26 15:00+00', 'week', l, 'UTC') AS week_start,
       to_char(cohort_period('2026-11-26 15:00+00', 'week', l, 'UTC'), 'Dy') AS day
FROM unnest(ARRAY[NULL, 'en-US', 'de-DE', 'ar-EG', 'fa-IR', 'en_GB']) l;

-- calendars from the locale or its calendar keyword
SELECT l AS locale, u AS unit, cohort_period('2026-11-26 15:00+00', u, l, 'UTC') AS period_start
FROM unnest(ARRAY['ar-SA@calendar=islamic-umalqura', 'ar-SA-u-ca-islamic-civil',
                  'he-IL@calendar=hebrew', 'fa-IR', 'th-TH', 'ja-JP-u-ca-japanese']) l,
     unnest(ARRAY['month', 'year']) u
ORDER BY 1, 2;

-- locale NULL agrees with date_trunc (ISO weeks) in many zones, across
-- daylight saving changes, skipped midnights (Sao Paulo, Havana), a skipped
-- day (Apia, 2011-12-30) and half-hour shifts (Lord Howe)
SELECT count(*) AS checked,
       count(*) FILTER (WHERE cohort_period(ts, u, NULL, z) IS DISTINCT FROM date_trunc(u, ts, z)) AS mismatches
FROM generate_series('1970-01-01'::timestamptz, '2026-12-31', interval '1 day 7 hours 13 minutes 7.5 seconds') ts,
     unnest(ARRAY['day', 'week', 'month', 'quarter', 'year']) u,
     unnest(ARRAY['UTC', 'America/New_York', 'Europe/Berlin', 'America/Sao_Paulo',
                  'America/Havana', 'Pacific/Apia', 'Australia/Lord_Howe',
                  'Asia/Kathmandu', 'America/Mexico_City']) z;
-- dense around the transitions: every 10 minutes in the weeks that hold them
SELECT count(*) AS checked,
       count(*) FILTER (WHERE cohort_period(ts, u, NULL, z) IS DISTINCT FROM date_trunc(u, ts, z)) AS mismatches
FROM unnest(ARRAY['2018-11-01', '2019-02-14', '2021-03-25', '2021-10-28', '2021-03-11',
                  '2021-11-04', '2011-12-27', '2021-04-01', '2021-10-01', '2022-10-27',
                  '2023-03-30']::timestamptz[]) w,
     generate_series(w, w + interval '7 days', interval '10 minutes') ts,
     unnest(ARRAY['day', 'week']) u,
     unnest(ARRAY['America/New_York', 'Europe/Berlin', 'America/Sao_Paulo',
                  'America/Havana', 'Pacific/Apia', 'Australia/Lord_Howe',
                  'America/Mexico_City']) z;
-- before the Gregorian reform, BC, and the session time zone
SELECT count(*) AS checked,
       count(*) FILTER (WHERE cohort_period(ts, u) IS DISTINCT FROM date_trunc(u, ts)) AS mismatches
FROM generate_series('0100-01-01 BC'::timestamptz, '1700-01-01', interval '37 days 5 hours') ts,
     unnest(ARRAY['day', 'week', 'month', 'quarter', 'year']) u;
SET TimeZone = 'America/New_York';
SELECT count(*) AS checked,
       count(*) FILTER (WHERE cohort_period(ts, u) IS DISTINCT FROM date_trunc(u, ts)) AS mismatches
FROM generate_series('2020-01-01'::timestamptz, '2022-12-31', interval '5 hours 17 minutes') ts,
     unnest(ARRAY['day', 'week', 'month', 'quarter', 'year']) u;
SET TimeZone = 'UTC';
-- the server's tz data decides, not ICU's older copy (tzdata 2022e in
-- ICU 72): Mexico City left daylight saving time in October 2022, so its
-- 2023-07-01 began at 06:00 UTC, not 05:00
SELECT cohort_period('2023-07-01 12:00+00', 'day', NULL, 'America/Mexico_City') AS mexico_day,
       date_trunc('day', '2023-07-01 12:00+00'::timestamptz, 'America/Mexico_City') AS date_trunc_day;

-- microseconds: the last microsecond of a day belongs to it
SELECT cohort_period('2026-11-29 23:59:59.999999+00', 'day') AS last_microsecond,
       cohort_period('2026-11-30 00:00:00+00', 'day') AS next_day,
       cohort_period('2026-11-28 22:59:59.999999+00', 'week', 'en-US', 'Europe/Berlin') AS berlin_saturday,
       cohort_period('2026-11-28 23:00:00+00', 'week', 'en-US', 'Europe/Berlin') AS berlin_sunday;

-- periods_between
SELECT periods_between('2026-11-01', '2026-11-29', 'week') AS iso_weeks,
       periods_between('2026-11-01', '2026-11-29', 'week', 'en-US') AS us_weeks,
       periods_between('2026-11-29', '2026-11-01', 'week', 'en-US') AS backwards,
       periods_between('2026-01-31', '2026-03-01', 'month') AS months,
       periods_between('2025-12-31 23:00', '2026-01-01 00:30', 'year') AS years,
       periods_between('2025-12-31 23:30+00', '2026-01-01 00:30+00', 'year', NULL, 'Europe/Berlin') AS berlin_years;
-- Hebrew 5784 has 13 months
SELECT periods_between('2023-09-16 12:00', '2024-10-03 12:00', 'month', 'he-IL@calendar=hebrew') AS hebrew_months,
       periods_between('2023-09-16 12:00', '2024-10-03 12:00', 'year', 'he-IL@calendar=hebrew') AS hebrew_years;

-- many locales in one query use one cached calendar per call site at a time
SELECT l, count(DISTINCT cohort_period(ts, 'week', l, 'UTC')) AS weeks
FROM generate_series('2026-01-01'::timestamptz, '2026-03-01', interval '1 day') ts,
     unnest(ARRAY['en-US', 'de-DE', 'ar-EG']) l
GROUP BY l ORDER BY l;

-- NULLs: ts and unit give NULL; locale and tz NULL mean ISO and TimeZone
SELECT cohort_period(NULL, 'week') IS NULL AS null_ts, cohort_period(now(), NULL) IS NULL AS null_unit,
       periods_between(NULL, now(), 'day') IS NULL AS null_origin,
       periods_between(now(), now(), NULL) IS NULL AS null_unit2,
       cohort_period('2026-11-26', 'week', NULL, NULL) AS both_null;
-- infinity is its own period, as in date_trunc
SELECT cohort_period('infinity', 'week') AS inf, cohort_period('-infinity', 'month', 'en-US') AS ninf;
-- units are case-insensitive
SELECT cohort_period('2026-11-26', 'WEEK') = cohort_period('2026-11-26', 'week') AS same;

-- errors: clean class-22 SQLSTATEs
\set VERBOSITY sqlstate
SELECT cohort_period(now(), 'fortnight');
SELECT cohort_period(now(), 'week', 'xx-YY');
SELECT cohort_period(now(), 'week', 'zz');
SELECT cohort_period(now(), 'week', '');
SELECT cohort_period(now(), 'week', 'und');
SELECT cohort_period(now(), 'week', 'en@calendar=foo');
SELECT cohort_period(now(), 'week', 'en-u-ca-nonsense');
SELECT cohort_period(now(), 'week', 'de@collation=phonebook');
SELECT cohort_period(now(), 'week', repeat('a', 300));
SELECT cohort_period(now(), 'week', NULL, 'Mars/Olympus_Mons');
SELECT cohort_period(now(), 'week', NULL, '');
SELECT cohort_period(now(), 'week', NULL, repeat('x', 1000));
SELECT cohort_period(now(), 'quarter', 'he-IL@calendar=hebrew');
SELECT cohort_period('294276-12-31 23:59:59+00', 'week', 'en-US');
SELECT cohort_period('4714-11-24 00:00:00+00 BC', 'year', NULL, 'America/New_York');
SELECT periods_between('infinity', now(), 'day');
SELECT periods_between(now(), '-infinity', 'day');
SELECT periods_between(now(), now(), 'week', 'xx');
\set VERBOSITY default
SELECT cohort_period(now(), 'fortnight');
SELECT cohort_period(now(), 'week', 'xx-YY');
SELECT cohort_period(now(), 'week', 'en@calendar=foo');
SELECT cohort_period(now(), 'week', 'de@collation=phonebook');
SELECT cohort_period(now(), 'week', NULL, 'Mars/Olympus_Mons');
SELECT cohort_period(now(), 'quarter', 'zh-CN-u-ca-chinese');
SELECT periods_between('infinity', now(), 'day');
-- after an error the cached calendar still works
SELECT cohort_period('2026-11-26', 'week', l, 'UTC') FROM unnest(ARRAY['en-US', 'xx', 'en-US']) l;
SELECT cohort_period('2026-11-26', 'week', 'en-US', 'UTC');
