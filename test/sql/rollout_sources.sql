-- Sources as users have them: numeric types of any kind, timestamp without
-- time zone (read in the creator's time zone), text, varchar or enum arms,
-- and the plan's "columns" naming the source's own columns.  Each measures
-- exactly what the canonical source (timestamptz, text, float8) measures.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS cohort_analyzer;
RESET client_min_messages;
SET extra_float_digits = 0;
\set t0 '''2026-03-02 09:00:00+00'''
\set short '{"unit_crossover": "off", "phases": [{"name": "only", "traffic": 0.5, "duration": "1 hour", "checkpoints": ["1 hour"], "thresholds": {"error_rate": {"max": 0.1}, "latency_p99": {"max": 1000}, "revenue_lift": {"min": -0.5}}}]}'

-- the canonical source: one request per second and arm for an hour
CREATE TABLE src_canonical AS
SELECT :t0::timestamptz + s * interval '1 second' AS ts, arm, s % 97 = 0 AS is_error,
       (1 + s % 250)::float8 AS latency_ms, (s % 7)::float8 AS revenue, s % 300 AS unit_id
FROM generate_series(0, 3599) AS s, unnest(ARRAY['control', 'treatment']) AS arm;

-- the same rows as a team might keep them, in Berlin local time
SET timezone = 'Europe/Berlin';
CREATE TYPE src_variant AS ENUM ('treatment', 'control');
CREATE TABLE src_native AS
SELECT ts::timestamp AS created_at, arm::src_variant AS variant, is_error AS failed,
       latency_ms::integer AS duration_ms, revenue::numeric(10, 2) AS amount, unit_id::text AS learner
FROM src_canonical;
CREATE TABLE src_types (ts timestamptz, arm varchar(20), is_error boolean, latency_ms smallint, revenue bigint);
INSERT INTO src_types SELECT ts, arm, is_error, latency_ms, revenue FROM src_canonical;
CREATE TABLE src_real (ts timestamptz, arm text, is_error boolean, latency_ms real, revenue numeric);
INSERT INTO src_real SELECT ts, arm, is_error, latency_ms, revenue FROM src_canonical;

SELECT rollout_create('src_canonical', 'src_canonical', :'short') > 0 AS created;
SELECT rollout_create('src_native', 'src_native', :'short'::jsonb || '{"columns": {"ts": "created_at", "arm": "variant", "is_error": "failed", "latency_ms": "duration_ms", "revenue": "amount", "unit_id": "learner"}}') > 0 AS created;
SELECT rollout_create('src_types', 'src_types', :'short') > 0 AS created;
SELECT rollout_create('src_real', 'src_real', :'short') > 0 AS created;
RESET timezone;
SET timezone = 'UTC';

-- the creator's time zone is kept with the plan: the session's later
-- time zone does not matter
SELECT name, plan -> 'columns' AS columns, plan ->> 'timezone' AS timezone
FROM rollouts WHERE name LIKE 'src\_%' ORDER BY id;

-- the same measurement from every source
SELECT r.name, (m).treatment_requests, (m).treatment_errors, (m).control_requests, (m).latency,
       units((m).treatment_cohort) AS treatment_units, value_mean((m).treatment_cohort) AS treatment_revenue
FROM rollouts r,
     LATERAL (SELECT rollout_measure(r.source, :t0, :t0::timestamptz + interval '30 minutes', '{0.5,0.99}', true, r.plan) AS m) s
WHERE r.name LIKE 'src\_%' ORDER BY r.id;

-- decided alike
SELECT rollout_start(name, :t0) FROM rollouts WHERE name LIKE 'src\_%' ORDER BY id;
-- rollouts left by other tests tick too: at least the four of this test
SELECT rollout_tick(:t0::timestamptz + interval '1 hour') >= 4 AS decided;
SELECT rollout, decision, metrics -> 'requests' AS requests, metrics -> 'latency_p99' ->> 'value' AS p99,
       metrics -> 'revenue_lift' ->> 'value' AS revenue_lift
FROM rollout_decisions WHERE rollout LIKE 'src\_%' AND checkpoint_at IS NOT NULL ORDER BY id;

-- errors name the plan field and the source column
\set VERBOSITY default
SELECT rollout_create('bad', 'src_native', :'short'::jsonb || '{"columns": {"ts": "created"}}');
SELECT rollout_create('bad', 'src_native', :'short'::jsonb || '{"columns": {"ts": "created_at", "arm": "variant", "is_error": "failed", "latency_ms": "learner"}}');
SELECT rollout_create('bad', 'src_native', :'short'::jsonb || '{"columns": {"ts": "created_at", "arm": "amount"}}');
SELECT rollout_create('bad', 'src_native', :'short'::jsonb || '{"columns": {"ts": "created_at", "arm": "variant", "is_error": "failed", "latency_ms": "duration_ms", "revenue": "learner"}}');
SELECT rollout_create('bad', 'src_native', :'short'::jsonb || '{"columns": {"ts": "created_at", "arm": "variant", "is_error": "failed", "latency_ms": "duration_ms"}}');
SELECT rollout_create('bad', 'src_canonical', :'short'::jsonb || '{"columns": {"when": "ts"}}');
SELECT rollout_create('bad', 'src_canonical', :'short'::jsonb || '{"columns": {"ts": 1}}');
SELECT rollout_create('bad', 'src_canonical', :'short'::jsonb || '{"columns": ["ts"]}');
SELECT rollout_create('bad', 'src_canonical', :'short'::jsonb || '{"timezone": "Mars/Olympus"}');
SELECT rollout_create('bad', 'src_canonical', :'short'::jsonb || '{"timezone": 2}');
-- a source the caller cannot read fails at once
CREATE ROLE regress_src_reader;
SET ROLE regress_src_reader;
SELECT rollout_create('bad', 'src_canonical', :'short');
RESET ROLE;
DROP ROLE regress_src_reader;
\set VERBOSITY terse

-- an explicit timezone in the plan wins over the session's
SET timezone = 'America/New_York';
SELECT rollout_create('src_tokyo', 'src_native', :'short'::jsonb || '{"timezone": "Asia/Tokyo", "columns": {"ts": "created_at", "arm": "variant", "is_error": "failed", "latency_ms": "duration_ms", "revenue": "amount", "unit_id": "learner"}}') > 0 AS created;
RESET timezone;
SELECT plan ->> 'timezone' AS timezone FROM rollouts WHERE name = 'src_tokyo';
-- the Berlin rows read in Tokyo time are 8 hours off: none in the window
SELECT (rollout_measure(source, :t0, :t0::timestamptz + interval '30 minutes', '{}', false, plan)).treatment_requests
FROM rollouts WHERE name = 'src_tokyo';
