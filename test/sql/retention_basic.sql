-- activity_agg, retention_agg and their accessors, checked against
-- brute-force SQL that buckets events with date_trunc.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS cohort_analyzer;
RESET client_min_messages;
SET TimeZone = 'UTC';
SET DateStyle = ISO;

-- a small hand-checked case: three units, weekly periods from their signup
CREATE TEMP TABLE signups (unit int, signup_at timestamptz);
CREATE TEMP TABLE events (unit int, at timestamptz);
INSERT INTO signups VALUES (1, '2026-11-02 09:00'), (2, '2026-11-04 18:00'), (3, '2026-11-05 10:00');
INSERT INTO events VALUES
  (1, '2026-11-02 10:00'), (1, '2026-11-10 08:00'), (1, '2026-11-24 12:00'),
  (2, '2026-11-04 17:00'),                       -- before the signup: ignored
  (2, '2026-11-09 00:00'), (2, '2026-11-08 23:59:59.999999'),
  (2, '2027-03-01 00:00');                       -- past the last period: ignored
-- unit 3 has no events: a LEFT JOIN still counts it, never active
SELECT s.unit, activity_agg(s.signup_at, e.at, 'week', 4) AS activity
FROM signups s LEFT JOIN events e USING (unit) GROUP BY s.unit ORDER BY s.unit;
SELECT s.unit, active_periods(activity_agg(s.signup_at, e.at, 'week', 4, 'en-US')) AS us_weeks
FROM signups s LEFT JOIN events e USING (unit) GROUP BY s.unit ORDER BY s.unit;

CREATE TEMP TABLE acts AS
SELECT s.unit, activity_agg(s.signup_at, e.at, 'week', 4) AS a
FROM signups s LEFT JOIN events e USING (unit) GROUP BY s.unit;
SELECT retention_agg(a) FROM acts;
SELECT units(r), retention_counts(r) AS "on", retention_counts(r, 'on_or_after') AS on_or_after,
       retention_counts(r, 'eligible') AS eligible,
       retention_rates(r) AS rates, retention_rates(r, 'on_or_after') AS unbounded,
       churn_rate(r, 0) AS churn0, churn_rate(r, 2) AS churn2, churn_rate(r, 3) AS churn3
FROM (SELECT retention_agg(a) AS r FROM acts) s;
-- as of 2026-11-20 all three units (ISO week from 11-02) have finished
-- weeks 0 and 1; week 2 runs from 11-16 to 11-23
SELECT retention_agg(a, '2026-11-20') FROM acts;
SELECT retention_agg(a, '2026-11-16 00:00') AS at_week_boundary,
       retention_agg(a, '2026-11-15 23:59:59.999999') AS just_before FROM acts;
SELECT retention_counts(retention_agg(a, '-infinity'), 'eligible') AS none,
       retention_counts(retention_agg(a, 'infinity'), 'eligible') AS all_ FROM acts;
SELECT * FROM retention_table((SELECT retention_agg(a) FROM acts));
SELECT * FROM retention_table((SELECT retention_agg(a) FROM acts), 'on_or_after');
-- 'eligible' is a count, not a rate: rejected as by retention_rates
\set VERBOSITY sqlstate
SELECT * FROM retention_table((SELECT retention_agg(a) FROM acts), 'eligible');
\set VERBOSITY default
SELECT jsonb_pretty(retention_agg(a, '2026-11-20')::jsonb) FROM acts;

-- a generated data set: 1500 units over 10 weekly cohorts, with bursts of
-- events; units 1-100 never come back
SELECT setseed(0.42);
CREATE TEMP TABLE users AS
SELECT u AS unit, timestamptz '2026-01-05 00:00' + random() * interval '70 days' AS signup_at
FROM generate_series(1, 1500) u;
CREATE TEMP TABLE log AS
SELECT unit, signup_at + random() * random() * interval '120 days' - interval '2 days' AS at
FROM users, generate_series(1, 12) i
WHERE unit > 100 AND random() < 0.6;
INSERT INTO log SELECT unit, signup_at FROM users WHERE unit % 7 = 0;
ANALYZE users; ANALYZE log;
SELECT count(*) > 7500 AS enough_events FROM log;

CREATE TEMP TABLE unit_acts AS
SELECT u.unit, date_trunc('week', u.signup_at) AS cohort,
       activity_agg(u.signup_at, l.at, 'week', 12) AS a
FROM users u LEFT JOIN log l USING (unit) GROUP BY u.unit, u.signup_at;

-- brute force: a unit's events bucketed with date_trunc, periods 0..11
CREATE TEMP TABLE bf_unit AS
SELECT u.unit, date_trunc('week', u.signup_at) AS cohort, u.signup_at,
       array(SELECT DISTINCT ((date_trunc('week', l.at)::date - date_trunc('week', u.signup_at)::date) / 7)::int
             FROM log l WHERE l.unit = u.unit AND l.at >= u.signup_at
               AND date_trunc('week', l.at) < date_trunc('week', u.signup_at) + interval '12 weeks'
             ORDER BY 1) AS periods
FROM users u;
SELECT count(*) AS units,
       count(*) FILTER (WHERE active_periods(a) IS DISTINCT FROM b.periods) AS mismatches
FROM unit_acts JOIN bf_unit b USING (unit);

-- retention per cohort against brute force, without and with as_of
CREATE TEMP TABLE as_of AS SELECT timestamptz '2026-04-01 12:00' AS t;
CREATE TEMP TABLE bf AS
SELECT b.cohort, k,
       count(*) AS units_,
       count(*) FILTER (WHERE k = ANY (b.periods)) AS on_,
       count(*) FILTER (WHERE EXISTS (SELECT 1 FROM unnest(b.periods) p WHERE p >= k)) AS oa,
       count(*) FILTER (WHERE date_trunc('week', b.signup_at) + (k + 1) * interval '1 week' <= (SELECT t FROM as_of)) AS el_asof,
       count(*) FILTER (WHERE date_trunc('week', b.signup_at) + (k + 1) * interval '1 week' <= (SELECT t FROM as_of)
                          AND k = ANY (b.periods)) AS on_asof,
       count(*) FILTER (WHERE date_trunc('week', b.signup_at) + (k + 1) * interval '1 week' <= (SELECT t FROM as_of)
                          AND EXISTS (SELECT 1 FROM unnest(b.periods) p
                                      WHERE p >= k AND date_trunc('week', b.signup_at) + (p + 1) * interval '1 week' <= (SELECT t FROM as_of))) AS oa_asof
FROM bf_unit b, generate_series(0, 11) k
GROUP BY b.cohort, k;
CREATE TEMP TABLE weekly AS
SELECT cohort, retention_agg(a) AS r, retention_agg(a, (SELECT t FROM as_of)) AS r_asof
FROM unit_acts GROUP BY cohort;
SELECT count(*) AS cohorts,
       count(*) FILTER (WHERE retention_counts(w.r) = x.on_ AND retention_counts(w.r, 'on_or_after') = x.oa
                          AND retention_counts(w.r, 'eligible') = x.units_ AND units(w.r) = x.units_[1]) AS match_all,
       count(*) FILTER (WHERE retention_counts(w.r_asof) = x.on_asof AND retention_counts(w.r_asof, 'on_or_after') = x.oa_asof
                          AND retention_counts(w.r_asof, 'eligible') = x.el_asof) AS match_as_of
FROM weekly w
JOIN (SELECT cohort, array_agg(on_ ORDER BY k) AS on_, array_agg(oa ORDER BY k) AS oa,
             array_agg(units_ ORDER BY k) AS units_, array_agg(el_asof ORDER BY k) AS el_asof,
             array_agg(on_asof ORDER BY k) AS on_asof, array_agg(oa_asof ORDER BY k) AS oa_asof
      FROM bf GROUP BY cohort) x USING (cohort);
-- young cohorts have fewer eligible periods as of the cutoff
SELECT cohort::date, units(r_asof), retention_counts(r_asof, 'eligible') AS eligible
FROM weekly ORDER BY cohort;

-- rollup of the weekly values equals the retention of all units
SELECT rollup(r)::text = (SELECT retention_agg(a) FROM unit_acts)::text AS rollup_ok,
       rollup(r_asof)::text = (SELECT retention_agg(a, (SELECT t FROM as_of)) FROM unit_acts)::text AS rollup_as_of_ok
FROM weekly;

-- a parallel plan gives the same values (combine, serialize, deserialize)
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
CREATE TABLE unit_acts_p AS SELECT * FROM unit_acts;
CREATE TABLE log_p AS SELECT l.*, u.signup_at FROM log l JOIN users u USING (unit);
ANALYZE unit_acts_p; ANALYZE log_p;
EXPLAIN (COSTS OFF) SELECT retention_agg(a) FROM unit_acts_p;
SELECT retention_agg(a)::text = (SELECT retention_agg(a) FROM unit_acts)::text AS parallel_same,
       retention_agg(a, '2026-04-01 12:00')::text = (SELECT retention_agg(a, '2026-04-01 12:00') FROM unit_acts)::text AS parallel_as_of_same
FROM unit_acts_p;
EXPLAIN (COSTS OFF) SELECT unit, activity_agg(signup_at, at, 'week', 12) FROM log_p GROUP BY unit;
SELECT count(*) AS units,
       count(*) FILTER (WHERE p.a::text IS DISTINCT FROM s.a::text) AS differ
FROM (SELECT unit, activity_agg(signup_at, at, 'week', 12) AS a FROM log_p GROUP BY unit) p
JOIN (SELECT unit, activity_agg(u.signup_at, l.at, 'week', 12) AS a
      FROM users u JOIN log l USING (unit) GROUP BY unit) s USING (unit);
CREATE TABLE weekly_p AS SELECT r FROM weekly, generate_series(1, 50);
ANALYZE weekly_p;
EXPLAIN (COSTS OFF) SELECT rollup(r) FROM weekly_p;
SELECT units(rollup(r)) = 50 * 1500 AS units_ok,
       retention_counts(rollup(r), 'on_or_after')
         = (SELECT array_agg(50 * c) FROM unnest(retention_counts((SELECT rollup(r) FROM weekly), 'on_or_after')) c)
         AS parallel_rollup_same
FROM weekly_p;
RESET parallel_setup_cost; RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size; RESET max_parallel_workers_per_gather;
DROP TABLE unit_acts_p, log_p, weekly_p;

-- months in a locale's calendar: the Umm al-Qura months of the same data
SELECT count(*) AS units,
       count(*) FILTER (WHERE active_periods(a) IS DISTINCT FROM bf) AS mismatches
FROM (SELECT u.unit, activity_agg(u.signup_at, l.at, 'month', 6, 'ar-SA@calendar=islamic-umalqura') AS a,
             array(SELECT DISTINCT periods_between(u.signup_at, l2.at, 'month', 'ar-SA@calendar=islamic-umalqura')
                   FROM log l2 WHERE l2.unit = u.unit AND l2.at >= u.signup_at
                     AND periods_between(u.signup_at, l2.at, 'month', 'ar-SA@calendar=islamic-umalqura') < 6
                   ORDER BY 1) AS bf
      FROM users u LEFT JOIN log l USING (unit) WHERE u.unit <= 300 GROUP BY u.unit, u.signup_at) s;

-- empty input gives NULL; NULL activities are skipped by retention_agg
SELECT activity_agg(now(), now(), 'day', 3) IS NULL AS empty_activity,
       retention_agg(a) IS NULL AS empty_retention
FROM acts WHERE false;
SELECT units(retention_agg(a)) FROM (SELECT a FROM acts UNION ALL SELECT NULL) s;
SELECT rollup(r) IS NULL AS empty_rollup FROM weekly WHERE false;

-- limits of periods: 1 and 1024
SELECT active_periods(activity_agg('2020-01-01', t, 'day', 1024)) AS last_day
FROM unnest(ARRAY['2020-01-01', '2022-10-20', '2022-10-21']::timestamptz[]) t;
SELECT active_periods(activity_agg('2020-01-01', '2020-01-01', 'year', 1)) AS one_period;
