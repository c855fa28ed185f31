-- Assignment of units to arms: rollout_bucket against an independent
-- SHA-256 (the server's sha256()), reference vectors from Python's hashlib
-- (test/ref/bucket/gen_bucket.py), shares within binomial bounds,
-- monotone across phases, and independent between salts.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS cohort_analyzer;
RESET client_min_messages;
SET extra_float_digits = 3;

-- the reference vectors of doc/rollouts.md
SELECT salt, unit_id, rollout_bucket(salt, unit_id) AS bucket
FROM (VALUES ('', ''), ('s1', 'user-1'), ('s1', 'user-2'), ('s2', 'user-1'),
             ('checkout-2026', '42'), ('checkout-2026', '43'),
             ('salt', 'ünïcødé ✓')) AS v (salt, unit_id);
SELECT rollout_bucket('s1', 'user-1') = 0.86107564905685485 AS python_hashlib,
       rollout_bucket('salt', 'ünïcødé ✓') = 0.82514826367856653 AS python_hashlib_utf8;

-- the algorithm as written in the documentation, with the server's own
-- SHA-256, over 100,000 unit ids: equal to the last bit
CREATE FUNCTION pg_temp.sql_bucket(salt text, unit_id text) RETURNS double precision
    LANGUAGE sql IMMUTABLE STRICT AS $$
    SELECT ((('x' || encode(substr(sha256(convert_to(salt, 'UTF8') || '\x00'::bytea
                                          || convert_to(unit_id, 'UTF8')), 1, 8), 'hex'))::bit(64)
             >> 11)::bigint / 2::double precision ^ 53)
    $$;
SELECT count(*) AS units,
       count(*) FILTER (WHERE rollout_bucket('doc', 'u' || i) <> pg_temp.sql_bucket('doc', 'u' || i)) AS different,
       count(*) FILTER (WHERE NOT (rollout_bucket('doc', 'u' || i) >= 0 AND rollout_bucket('doc', 'u' || i) < 1)) AS out_of_range
FROM generate_series(1, 100000) AS i;

-- NULLs give NULL; volatility and parallel safety as declared
SELECT rollout_bucket(NULL, 'x') IS NULL AS null_salt, rollout_bucket('x', NULL) IS NULL AS null_unit;
SELECT p.oid::regprocedure, p.provolatile, p.proparallel, p.proisstrict, p.prosecdef
FROM pg_proc p WHERE p.proname IN ('rollout_bucket', 'rollout_assign', 'rollout_salt') ORDER BY 1::text;

-- a rollout of three phases: 1%, 10%, 100%
CREATE TABLE assign_requests (ts timestamptz, arm text, is_error boolean, latency_ms float8);
SELECT rollout_create('assign_a', 'assign_requests',
    '{"phases": [{"name": "canary", "traffic": 0.01, "duration": "1 hour", "checkpoints": ["1 hour"], "thresholds": {"error_rate": {"max": 0.01}}},
                 {"name": "ramp", "traffic": 0.1, "duration": "1 hour", "checkpoints": ["1 hour"], "thresholds": {"error_rate": {"max": 0.01}}},
                 {"name": "full", "traffic": 1, "duration": "1 hour", "checkpoints": ["1 hour"], "thresholds": {"error_rate": {"max": 0.01}}}]}') > 0 AS created,
       rollout_create('assign_b', 'assign_requests',
    '{"phases": [{"name": "half", "traffic": 0.5, "duration": "1 hour", "checkpoints": ["1 hour"], "thresholds": {"error_rate": {"max": 0.01}}}]}') > 0 AS created;
SELECT name, salt ~ '^[0-9a-f]{32}$' AS salt_is_random_hex FROM rollouts WHERE name LIKE 'assign_%' ORDER BY name;
SELECT (SELECT salt FROM rollouts WHERE name = 'assign_a') <> (SELECT salt FROM rollouts WHERE name = 'assign_b') AS salts_differ,
       rollout_salt('assign_a') = (SELECT salt FROM rollouts WHERE name = 'assign_a') AS rollout_salt_reads_it;

-- pending: everyone in the control
SELECT rollout_assign('assign_a', 'anyone') AS pending;

-- buckets of 1,000,000 units; rollout_assign is the bucket against the
-- current share (checked on 20,000 units in each phase)
SELECT rollout_start('assign_a', now());
CREATE TEMP TABLE buckets AS
WITH s AS MATERIALIZED (SELECT rollout_salt('assign_a') AS salt, rollout_salt('assign_b') AS salt_b)
SELECT 'unit-' || i AS unit_id, rollout_bucket(salt, 'unit-' || i) AS bucket,
       rollout_bucket(salt_b, 'unit-' || i) AS bucket_b
FROM s, generate_series(1, 1000000) AS i;
CREATE TEMP TABLE arms AS
SELECT unit_id, bucket < 0.01 AS canary FROM buckets;
SELECT count(*) FILTER (WHERE (rollout_assign('assign_a', unit_id) = 'treatment') IS DISTINCT FROM canary) AS assign_differs
FROM (SELECT * FROM arms LIMIT 20000) s;
SELECT rollout_advance('assign_a', 'to ramp');
SELECT count(*) FILTER (WHERE (rollout_assign('assign_a', unit_id) = 'treatment') IS DISTINCT FROM (bucket < 0.1)) AS assign_differs
FROM (SELECT * FROM buckets LIMIT 20000) s;
SELECT rollout_advance('assign_a', 'to full');
SELECT count(*) FILTER (WHERE rollout_assign('assign_a', unit_id) <> 'treatment') AS assign_differs
FROM (SELECT * FROM buckets LIMIT 20000) s;
DROP TABLE arms;
CREATE TEMP TABLE arms AS
SELECT unit_id, bucket < 0.01 AS canary, bucket < 0.1 AS ramp, bucket < 1 AS full_, bucket_b FROM buckets;

-- the treatment share of each phase within 5 standard deviations of the
-- binomial count; nobody leaves the treatment when the share grows
SELECT phase, share, abs(n - 1000000 * share) <= 5 * sqrt(1000000 * share * (1 - share)) AS within_binomial_bounds
FROM (SELECT 'canary' AS phase, 0.01::float8 AS share, count(*) FILTER (WHERE canary) AS n FROM arms
      UNION ALL SELECT 'ramp', 0.1, count(*) FILTER (WHERE ramp) FROM arms
      UNION ALL SELECT 'full', 1, count(*) FILTER (WHERE full_) FROM arms) s;
SELECT count(*) FILTER (WHERE canary AND NOT ramp) AS left_at_ramp,
       count(*) FILTER (WHERE ramp AND NOT full_) AS left_at_full
FROM arms;

-- another rollout's assignment is independent of this one's: chi-square
-- of the 2x2 table below its 10^-6 critical value (23.93, 1 degree of
-- freedom; the salts are random, so the test must not fail by chance)
WITH t AS (
    SELECT bucket_b < 0.5 AS b, ramp AS a FROM arms),
cells AS (
    SELECT count(*) FILTER (WHERE a AND b) AS n11, count(*) FILTER (WHERE a AND NOT b) AS n10,
           count(*) FILTER (WHERE NOT a AND b) AS n01, count(*) FILTER (WHERE NOT a AND NOT b) AS n00,
           count(*) AS n FROM t)
SELECT n::float8 * ((n11 * n00)::float8 - (n10 * n01)::float8) ^ 2
       / ((n11 + n10)::float8 * (n01 + n00) * (n11 + n01) * (n10 + n00)) < 23.93 AS independent
FROM cells;
-- the same check can fail: an assignment against itself is fully dependent
WITH t AS (
    SELECT bucket_b < 0.5 AS a, bucket_b < 0.5 AS b FROM arms),
cells AS (
    SELECT count(*) FILTER (WHERE a AND b) AS n11, count(*) FILTER (WHERE a AND NOT b) AS n10,
           count(*) FILTER (WHERE NOT a AND b) AS n01, count(*) FILTER (WHERE NOT a AND NOT b) AS n00,
           count(*) AS n FROM t)
SELECT n::float8 * ((n11 * n00)::float8 - (n10 * n01)::float8) ^ 2
       / ((n11 + n10)::float8 * (n01 + n00) * (n11 + n01) * (n10 + n00)) < 23.93 AS independent
FROM cells;

-- rolled back: everyone in the control again; unknown rollouts are errors
SELECT rollout_rollback('assign_a', 'done');
SELECT rollout_assign('assign_a', 'unit-1') AS rolled_back;
SELECT rollout_assign('no such rollout', 'unit-1');
SELECT rollout_salt('no such rollout');
SELECT rollout_assign('assign_a', NULL) IS NULL AS null_unit;
DROP TABLE arms, buckets;
-- the later tests count decisions: leave none behind
SELECT rollout_purge_decisions(clock_timestamp()) AS purged;
