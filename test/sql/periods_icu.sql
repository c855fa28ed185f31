-- cohort_period and periods_between against reference values from ICU
-- itself (test/ref/icu/periods_ref.py, PyICU 72): ten locales and eight
-- time zones, 2000-2021, including daylight saving changes and midnights.
-- Exact agreement is required.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS cohort_analyzer;
RESET client_min_messages;
SET TimeZone = 'UTC';
SET DateStyle = ISO;

\getenv abs_srcdir PG_ABS_SRCDIR
\set start_file :abs_srcdir '/ref/icu/periods_start.csv'
\set between_file :abs_srcdir '/ref/icu/periods_between.csv'

CREATE TEMP TABLE ref_start (locale text, tz text, unit text, ts timestamptz, period_start timestamptz);
CREATE TEMP TABLE ref_between (locale text, tz text, unit text, origin timestamptz, ts timestamptz, periods integer);
COPY ref_start FROM :'start_file' WITH (FORMAT csv, HEADER);
COPY ref_between FROM :'between_file' WITH (FORMAT csv, HEADER);
UPDATE ref_start SET locale = NULL WHERE locale = '';
UPDATE ref_between SET locale = NULL WHERE locale = '';

-- coverage of the reference set
SELECT coalesce(locale, '(ISO)') AS locale, count(*) AS starts,
       count(DISTINCT tz) AS zones, count(DISTINCT unit) AS units
FROM ref_start GROUP BY 1 ORDER BY 1;
SELECT count(*) AS betweens, count(*) FILTER (WHERE periods < 0) AS negative,
       max(periods) FILTER (WHERE unit = 'day') AS longest_days
FROM ref_between;

-- every period start agrees with ICU
SELECT count(*) AS checked,
       count(*) FILTER (WHERE cohort_period(ts, unit, locale, tz) IS DISTINCT FROM period_start) AS mismatches
FROM ref_start;
SELECT locale, tz, unit, ts, period_start, cohort_period(ts, unit, locale, tz) AS got
FROM ref_start
WHERE cohort_period(ts, unit, locale, tz) IS DISTINCT FROM period_start
ORDER BY 1, 2, 3, 4 LIMIT 10;

-- every period count agrees with ICU
SELECT count(*) AS checked,
       count(*) FILTER (WHERE periods_between(origin, ts, unit, locale, tz) IS DISTINCT FROM periods) AS mismatches
FROM ref_between;
SELECT locale, tz, unit, origin, ts, periods, periods_between(origin, ts, unit, locale, tz) AS got
FROM ref_between
WHERE periods_between(origin, ts, unit, locale, tz) IS DISTINCT FROM periods
ORDER BY 1, 2, 3, 4 LIMIT 10;

-- the period start lies in the same period, and a microsecond earlier does not
SELECT count(*) AS checked,
       count(*) FILTER (WHERE periods_between(period_start, ts, unit, locale, tz) <> 0
                         OR periods_between(period_start - interval '1 microsecond', ts, unit, locale, tz) <> 1) AS bad
FROM ref_start;
