-- Incremental checkpoints: summaries per bucket of time and per unit,
-- merged at each checkpoint with a pass over the open tail, against the
-- full-window measurement of the same rollouts.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS cohort_analyzer;
RESET client_min_messages;
SET timezone = 'UTC';
SET extra_float_digits = 0;
\set t0 '''2026-05-04 09:00:00+00'''

-- 14,400 requests over 2 hours, one every half second; 1,000 learners,
-- those with a number divisible by 10 in the treatment
CREATE TABLE incr_requests AS
SELECT :t0::timestamptz + i * interval '0.5 seconds' AS ts,
       CASE WHEN i % 10 = 0 THEN 'treatment' ELSE 'control' END AS arm,
       i % 97 = 0 AS is_error,
       CASE WHEN i = 20 THEN 'NaN' WHEN i = 40 THEN 'Infinity' ELSE (i * 7919 % 300)::float8 END AS latency_ms,
       (i % 7)::numeric(10, 2) / 4 AS revenue, i % 3 = 0 AS completed, i % 11 = 0 AS churned,
       'u' || (i % 1000) AS unit_id
FROM generate_series(0, 14399) AS i;
CREATE VIEW incr_requests_per_request AS
SELECT ts, arm, is_error, latency_ms, revenue, completed, churned FROM incr_requests;

CREATE FUNCTION pg_temp.incr_plan(measurement text) RETURNS jsonb LANGUAGE sql AS $$
    SELECT jsonb_build_object('measurement', measurement, 'min_requests', 10, 'srm', 'off', 'phases', '[
        {"name": "canary", "traffic": 0.1, "duration": "1 hour", "checkpoints": ["15 minutes", "30 minutes", "1 hour"],
         "thresholds": {"error_rate": {"max": 0.05}, "latency_p99": {"max": 300}, "latency_p50": {"max": 300},
                        "uptime": {"min": 0.9}, "revenue_lift": {"min": -0.5}, "completion_lift": {"min": -0.5},
                        "churn_lift": {"max": 0.5}}},
        {"name": "full", "traffic": 1, "duration": "1 hour", "checkpoints": ["20 minutes", "1 hour"],
         "thresholds": {"error_rate": {"max": 0.005}}}]'::jsonb)
$$;
SELECT rollout_create('incr_full', 'incr_requests', pg_temp.incr_plan('full')) > 0 AS created,
       rollout_create('incr_incr', 'incr_requests', pg_temp.incr_plan('incremental')) > 0 AS created,
       rollout_create('incr_full_req', 'incr_requests_per_request', pg_temp.incr_plan('full')) > 0 AS created,
       rollout_create('incr_incr_req', 'incr_requests_per_request',
                      pg_temp.incr_plan('incremental') || '{"bucket": "5 minutes", "settle": "0 minutes"}') > 0 AS created;
SELECT rollout_start(n, :t0) FROM unnest(ARRAY['incr_full', 'incr_incr', 'incr_full_req', 'incr_incr_req']) AS n;

-- the worker's rounds, every 2 minutes of simulated time: buckets are
-- summarized between checkpoints, checkpoints decided when due
SELECT sum(rollout_tick_one(r.id, t, 'worker')) AS decisions
FROM generate_series(:t0::timestamptz + interval '2 minutes', :t0::timestamptz + interval '2 hours 2 minutes',
                     interval '2 minutes') AS t,
     LATERAL (SELECT id FROM rollouts WHERE name LIKE 'incr\_%' ORDER BY id) AS r;

-- the same decisions and reasons; every number of the metrics equal
-- (counts, uptime minutes, exact latency) or, for the guardrails' lifts
-- and intervals, within 1e-12 (the cohorts are merged in another order)
CREATE FUNCTION pg_temp.numbers(m jsonb) RETURNS TABLE (path text, v float8) LANGUAGE sql AS $$
    SELECT k || '.' || s.key, (s.value #>> '{}')::float8
    FROM jsonb_each(m) AS e(k, x), jsonb_each(CASE WHEN jsonb_typeof(x) = 'object' THEN x ELSE jsonb_build_object('', x) END) AS s
    WHERE k NOT IN ('summary', 'window') AND jsonb_typeof(s.value) = 'number'
$$;
SELECT f.rollout, f.phase, f.checkpoint_no, f.decision, f.decision = i.decision AS same_decision,
       f.reasons = i.reasons AS same_reasons,
       (SELECT count(*) FROM pg_temp.numbers(f.metrics) AS a FULL JOIN pg_temp.numbers(i.metrics) AS b USING (path)
        WHERE a.v IS DISTINCT FROM b.v
          AND NOT (path ~ '_lift\.' AND abs(a.v - b.v) <= 1e-12 * greatest(1, abs(a.v)))) AS numbers_apart,
       i.metrics -> 'summary' ->> 'stored_buckets' AS stored_buckets, i.metrics -> 'latency_p99' ->> 'method' AS p99_method
FROM rollout_decisions f
JOIN rollout_decisions i ON i.rollout = replace(f.rollout, 'full', 'incr') AND i.phase_run = f.phase_run
                        AND i.checkpoint_no = f.checkpoint_no
WHERE f.rollout IN ('incr_full', 'incr_full_req') AND f.checkpoint_no IS NOT NULL
ORDER BY f.rollout, f.id;

-- finished rollouts keep no summaries
SELECT count(*) AS buckets FROM rollout_buckets b JOIN rollouts r ON r.id = b.rollout_id AND r.name LIKE 'incr\_%';

-- the sketch: the estimate judged, with bounds that hold the exact value
SELECT rollout_create('incr_sketch', 'incr_requests', pg_temp.incr_plan('incremental')
                      || '{"latency": {"method": "sketch", "relative_accuracy": 0.01}}') > 0 AS created;
SELECT rollout_start('incr_sketch', :t0);
SELECT rollout_tick_one(id, :t0::timestamptz + interval '15 minutes', 'worker') AS decisions
FROM rollouts WHERE name = 'incr_sketch';
-- the unit maps: per arm, the units of the summarized 14 minutes (the
-- checkpoint at 15 minutes was decided at 15 minutes, the last minute not
-- yet settled), and their cohort as cohort_agg over one row per unit (the
-- moments to 1e-12 relative: the units are summed in another order)
WITH src AS (
    SELECT arm, unit_id, bool_or(completed) AS completed, bool_or(churned) AS churned, sum(revenue)::float8 AS revenue
    FROM incr_requests WHERE ts < :t0::timestamptz + interval '14 minutes' GROUP BY arm, unit_id),
ref AS (SELECT arm, count(*) AS units, cohort_agg(completed, churned, revenue) AS c FROM src GROUP BY arm)
SELECT m.arm, rollout_unit_map_units(m.units) AS units, ref.units AS source_units,
       units(rollout_unit_map_cohort(m.units)) = units(ref.c)
       AND completions(rollout_unit_map_cohort(m.units)) = completions(ref.c)
       AND churns(rollout_unit_map_cohort(m.units)) = churns(ref.c)
       AND abs(value_sum(rollout_unit_map_cohort(m.units)) - value_sum(ref.c)) <= 1e-12 * value_sum(ref.c)
       AND abs(value_variance(rollout_unit_map_cohort(m.units)) - value_variance(ref.c))
           <= 1e-12 * value_variance(ref.c) AS cohort_as_cohort_agg
FROM rollout_unit_maps m JOIN rollouts r ON r.id = m.rollout_id AND r.name = 'incr_sketch'
JOIN ref ON ref.arm = m.arm
ORDER BY m.arm;
SELECT k, d.metrics -> k ->> 'method' AS method, (d.metrics -> k ->> 'relative_accuracy')::float8 AS alpha,
       abs((d.metrics -> k ->> 'value')::float8 - e.exact) <= 0.01 * e.exact AS within_alpha,
       (d.metrics -> k -> 'bounds' ->> 0)::float8 <= e.exact AND e.exact <= (d.metrics -> k -> 'bounds' ->> 1)::float8
           AS bounds_hold
FROM rollout_decisions d, unnest(ARRAY['latency_p50', 'latency_p99']) AS k,
     LATERAL (SELECT percentile_disc(rollout_metric_quantile(k)) WITHIN GROUP (ORDER BY latency_ms) AS exact
              FROM incr_requests WHERE ts >= :t0 AND ts < :t0::timestamptz + interval '15 minutes'
                AND arm = 'treatment' AND latency_ms <> 'NaN') AS e
WHERE d.rollout = 'incr_sketch' AND d.checkpoint_no IS NOT NULL
ORDER BY k;

-- late rows: rows of a bucket already summarized are counted at the
-- phase's last checkpoint, not lost silently
CREATE TABLE incr_late_src AS SELECT * FROM incr_requests WHERE ts < :t0::timestamptz + interval '10 minutes';
SELECT rollout_create('incr_late', 'incr_late_src', pg_temp.incr_plan('incremental') || '{"phases": [
    {"name": "only", "traffic": 0.1, "duration": "10 minutes", "checkpoints": ["5 minutes", "10 minutes"],
     "thresholds": {"error_rate": {"max": 0.05}}}]}') > 0 AS created;
SELECT rollout_start('incr_late', :t0);
SELECT rollout_tick_one(id, :t0::timestamptz + interval '5 minutes', 'worker') AS decisions
FROM rollouts WHERE name = 'incr_late';
INSERT INTO incr_late_src SELECT :t0::timestamptz + interval '1 minute', 'treatment', false, 10, 0, false, false, 'late'
FROM generate_series(1, 25);
SELECT rollout_tick_one(id, :t0::timestamptz + interval '10 minutes', 'worker') AS decisions
FROM rollouts WHERE name = 'incr_late';
SELECT checkpoint_no, decision, metrics -> 'summary' -> 'late_rows' AS late_rows,
       metrics -> 'summary' -> 'late_rows_checked' AS checked, metrics -> 'requests' AS requests
FROM rollout_decisions WHERE rollout = 'incr_late' AND checkpoint_no IS NOT NULL ORDER BY id;

-- with an arrival column (plan columns.arrival) each round counts the rows
-- that arrived since the last round in summarized buckets, so every
-- checkpoint reports the late rows found so far; a row that arrived after
-- its bucket closed but before it was summarized is not late
CREATE TABLE incr_arrival_src AS
SELECT *, ts AS loaded_at FROM incr_requests WHERE ts < :t0::timestamptz + interval '3 minutes';
INSERT INTO incr_arrival_src
SELECT :t0::timestamptz + interval '2 minutes 59 seconds', 'control', false, 10, 0, false, false, 'in time',
       :t0::timestamptz + interval '3 minutes 10 seconds';
CREATE INDEX ON incr_arrival_src (loaded_at);
SELECT rollout_create('incr_arrival', 'incr_arrival_src', pg_temp.incr_plan('incremental') || '{
    "columns": {"arrival": "loaded_at"}, "phases": [
    {"name": "only", "traffic": 0.1, "duration": "10 minutes", "checkpoints": ["5 minutes", "10 minutes"],
     "thresholds": {"error_rate": {"max": 0.05}}}]}') > 0 AS created;
SELECT rollout_start('incr_arrival', :t0);
SELECT rollout_tick_one(id, :t0::timestamptz + interval '4 minutes', 'worker') AS decisions
FROM rollouts WHERE name = 'incr_arrival';
-- minutes 3 to 10 arrive as they happen; 10 rows of minute 1 arrive at 4:30
INSERT INTO incr_arrival_src
SELECT *, ts FROM incr_requests
WHERE ts >= :t0::timestamptz + interval '3 minutes' AND ts < :t0::timestamptz + interval '10 minutes';
INSERT INTO incr_arrival_src
SELECT :t0::timestamptz + interval '1 minute', 'treatment', false, 10, 0, false, false, 'late',
       :t0::timestamptz + interval '4 minutes 30 seconds'
FROM generate_series(1, 10);
SELECT rollout_tick_one(id, :t0::timestamptz + interval '6 minutes', 'worker') AS decisions
FROM rollouts WHERE name = 'incr_arrival';
SELECT late_rows, late_buckets FROM rollout_summary_marks m JOIN rollouts r ON r.id = m.rollout_id
WHERE r.name = 'incr_arrival';
SELECT rollout_tick_one(id, :t0::timestamptz + interval '10 minutes', 'worker') AS decisions
FROM rollouts WHERE name = 'incr_arrival';
SELECT checkpoint_no, decision, metrics -> 'summary' -> 'late_rows' AS late_rows,
       metrics -> 'summary' -> 'late_rows_checked' AS checked, metrics -> 'summary' ->> 'arrival' AS arrival
FROM rollout_decisions WHERE rollout = 'incr_arrival' AND checkpoint_no IS NOT NULL ORDER BY id;
-- the arrival column must exist and hold times
SELECT rollout_create('bad', 'incr_arrival_src', pg_temp.incr_plan('incremental') || '{"columns": {"arrival": "loaded"}}');
SELECT rollout_create('bad', 'incr_arrival_src', pg_temp.incr_plan('incremental') || '{"columns": {"arrival": "unit_id"}}');

-- plan fields
SELECT rollout_plan_validate(pg_temp.incr_plan('incremental') || '{"bucket": "90 seconds"}');
SELECT rollout_plan_validate(pg_temp.incr_plan('incremental') || '{"settle": "-1 minute"}');
SELECT rollout_plan_validate(pg_temp.incr_plan('incremental') || '{"latency": {"method": "fast"}}');
SELECT rollout_plan_validate(pg_temp.incr_plan('incremental') || '{"latency": {"relative_accuracy": 0.5}}');
SELECT rollout_plan_validate(pg_temp.incr_plan('sometimes'));
SELECT (rollout_plan_measurement(pg_temp.incr_plan('incremental') || '{"bucket": "5 minutes"}')).*;

-- unit maps: NULL units skipped, NULL outcomes ignored as bool_or does,
-- revenues summed; merging two maps equals one map of all the rows
SELECT rollout_unit_map_units(m) AS units, rollout_unit_map_cohort(m) AS cohort
FROM (SELECT rollout_unit_map_agg(u, c, h, r) AS m
      FROM (VALUES ('a', true, NULL::boolean, 1.5::float8), ('a', NULL, false, 2.0), (NULL, true, true, 100),
                   ('b', false, NULL, NULL), ('', NULL, NULL, NULL)) AS v (u, c, h, r)) AS x;
WITH rows AS (SELECT 'u' || (i % 37) AS u, i % 3 = 0 AS c, i % 5 = 0 AS h, (i % 4) * 0.5 AS r, i FROM generate_series(1, 500) AS i)
SELECT rollout_unit_map_merge((SELECT rollout_unit_map_agg(u, c, h, r) FROM rows WHERE i <= 200),
                              (SELECT rollout_unit_map_agg(u, c, h, r) FROM rows WHERE i > 200))
       = (SELECT rollout_unit_map_agg(u, c, h, r) FROM rows) AS merge_equals_whole,
       (SELECT rollout_unit_map_union(m) FROM (SELECT rollout_unit_map_agg(u, c, h, r) AS m FROM rows GROUP BY i % 7) AS g)
       = (SELECT rollout_unit_map_agg(u, c, h, r) FROM rows) AS union_equals_whole,
       rollout_unit_map_overlap((SELECT rollout_unit_map_agg(u, c, h, r) FROM rows WHERE i <= 20),
                                (SELECT rollout_unit_map_agg(u, c, h, r) FROM rows WHERE i > 10 AND i <= 30)) AS overlap,
       rollout_unit_map_merge(NULL, NULL) IS NULL AS null_merge, rollout_unit_map_units(NULL) AS null_units;
-- the union of one map (with NULLs around it) is that map, byte for byte;
-- the union of one corrupt map is refused like any other
WITH rows AS (SELECT 'u' || (i % 37) AS u, i % 3 = 0 AS c, i % 5 = 0 AS h, (i % 4) * 0.5 AS r, i FROM generate_series(1, 500) AS i),
     one AS (SELECT rollout_unit_map_agg(u, c, h, r) AS m FROM rows)
SELECT (SELECT rollout_unit_map_union(x) FROM (VALUES (NULL::bytea), ((SELECT m FROM one)), (NULL)) AS v (x))
       = (SELECT m FROM one) AS union_of_one_is_it,
       (SELECT rollout_unit_map_union(x) FROM (VALUES (NULL::bytea)) AS v (x)) IS NULL AS union_of_none;
SELECT rollout_unit_map_union(x) FROM (VALUES ('\x4341554d010000000100000000000000'::bytea)) AS v (x);
-- in parallel (the state is the map itself, merged by the combine
-- function) the map is the same
CREATE TABLE incr_units_par AS
SELECT 'u' || (i % 5000) AS u, i % 3 = 0 AS c, i % 5 = 0 AS h, (i % 4) * 0.5 AS r FROM generate_series(1, 200000) AS i;
ANALYZE incr_units_par;
CREATE TEMP TABLE incr_units_serial AS SELECT rollout_unit_map_agg(u, c, h, r) AS m FROM incr_units_par;
SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF) SELECT rollout_unit_map_agg(u, c, h, r) FROM incr_units_par;
SELECT rollout_unit_map_agg(u, c, h, r) = (SELECT m FROM incr_units_serial) AS parallel_equals_serial,
       rollout_unit_map_units(rollout_unit_map_agg(u, c, h, r)) AS units
FROM incr_units_par;
RESET parallel_setup_cost; RESET parallel_tuple_cost; RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
-- corrupt maps are refused, naming what is wrong
SELECT rollout_unit_map_units('\x00'::bytea);
SELECT rollout_unit_map_cohort('\x4341554d020000000000000000000000'::bytea);
SELECT rollout_unit_map_merge('\x4341554d010000000100000000000000'::bytea, NULL);
