-- Rollout decisions with a simulated clock: every path through the state
-- machine, decided by rollout_tick(as_of) and by hand.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS cohort_analyzer;
DROP ROLE IF EXISTS regress_alice;
RESET client_min_messages;
-- Ticks every 30 seconds of simulated time up to as_of, as the worker
-- would: each checkpoint is decided as it falls due.
CREATE FUNCTION pg_temp.tick_until(as_of timestamptz) RETURNS bigint
    LANGUAGE sql AS $$
    SELECT COALESCE(sum(rollout_tick(t)), 0)
    FROM (SELECT t FROM generate_series((SELECT min(next_checkpoint_at) FROM rollouts WHERE state = 'running'),
                                        as_of, interval '30 seconds') AS t
          UNION ALL SELECT as_of ORDER BY 1) AS ticks
    $$;
SET extra_float_digits = 0;
SET timezone = 'UTC';
-- rollouts left by other tests may be in the log: this test's have ids above
SELECT COALESCE(max(id), 0) AS first_id FROM rollouts \gset
CREATE ROLE regress_alice;
GRANT CREATE ON SCHEMA public TO regress_alice;
SET SESSION AUTHORIZATION regress_alice;

-- One request per second and arm for an hour from t0, per scenario.
\set t0 '''2026-03-02 09:00:00+00'''
CREATE TABLE requests (scenario text, ts timestamptz, arm text, is_error boolean, latency_ms float8);
INSERT INTO requests
SELECT sc, :t0::timestamptz + s * interval '1 second', arm,
       CASE sc
           WHEN 'errors_in_ramp' THEN arm = 'treatment' AND (s % 1500 = 7 OR (s >= 600 AND s % 50 = 0))
           WHEN 'outage' THEN arm = 'treatment' AND (s BETWEEN 120 AND 179 OR (s BETWEEN 180 AND 239 AND s % 2 = 0 AND s < 238))
           ELSE s % 1500 = 7 AND arm = 'treatment'
       END,
       CASE sc WHEN 'slow' THEN 3 * (1 + s % 100) ELSE 1 + s % 100 END
FROM unnest(ARRAY['healthy', 'errors_in_ramp', 'slow', 'outage']) AS sc,
     generate_series(0, 3599) AS s, unnest(ARRAY['control', 'treatment']) AS arm;
-- sparse: a treatment request only every 10 seconds
INSERT INTO requests
SELECT 'sparse', :t0::timestamptz + s * interval '1 second', arm, false, 20
FROM generate_series(0, 3599) AS s, unnest(ARRAY['control', 'treatment']) AS arm
WHERE arm = 'control' OR s % 10 = 0;
CREATE VIEW req_healthy AS SELECT ts, arm, is_error, latency_ms FROM requests WHERE scenario = 'healthy';
CREATE VIEW req_errors AS SELECT ts, arm, is_error, latency_ms FROM requests WHERE scenario = 'errors_in_ramp';
CREATE VIEW req_slow AS SELECT ts, arm, is_error, latency_ms FROM requests WHERE scenario = 'slow';
CREATE VIEW req_outage AS SELECT ts, arm, is_error, latency_ms FROM requests WHERE scenario = 'outage';
CREATE VIEW req_sparse AS SELECT ts, arm, is_error, latency_ms FROM requests WHERE scenario = 'sparse';

-- canary 10 min, ramp 20 min, full 30 min
\set plan '{"phases": [{"name": "canary", "traffic": 0.01, "duration": "10 minutes", "checkpoints": ["5 minutes", "10 minutes"], "thresholds": {"error_rate": {"max": 0.01}, "latency_p99": {"max": 200}, "uptime": {"min": 0.999}}}, {"name": "ramp", "traffic": 0.1, "duration": "20 minutes", "checkpoints": ["10 minutes", "20 minutes"], "thresholds": {"error_rate": {"max": 0.005}, "latency_p99": {"max": 200}, "uptime": {"min": 0.9995}}}, {"name": "full", "traffic": 1, "duration": "30 minutes", "checkpoints": ["15 minutes", "30 minutes"], "thresholds": {"error_rate": {"max": 0.001}, "latency_p50": {"max": 100}, "latency_p99": {"max": 200}}}], "min_requests": 100, "srm": "off"}'

SELECT rollout_create('healthy', 'req_healthy', :'plan') > 0 AS ok,
       rollout_create('errors', 'req_errors', :'plan') > 0 AS ok,
       rollout_create('slow', 'req_slow', :'plan') > 0 AS ok,
       rollout_create('sparse', 'req_sparse', :'plan') > 0 AS ok,
       rollout_create('outage', 'req_outage', '{"srm": "off", "phases": [{"name": "canary", "traffic": 0.01, "duration": "10 minutes", "checkpoints": ["5 minutes", "10 minutes"], "thresholds": {"uptime": {"min": 0.999}}}]}') > 0 AS ok;

-- nothing runs before it is started
SELECT rollout_tick(:t0::timestamptz + interval '1 day') AS decisions;
SELECT rollout_start(name, :t0) FROM rollouts WHERE owner = 'regress_alice' ORDER BY id;
SELECT name, (s).* FROM rollouts, rollout_status(name) AS s WHERE owner = 'regress_alice' ORDER BY id;

-- before the first checkpoint: nothing due
SELECT rollout_tick(:t0::timestamptz + interval '4 minutes 59 seconds') AS decisions;
-- the first checkpoint of every rollout, decided once
SELECT rollout_tick(:t0::timestamptz + interval '5 minutes') AS decisions;
SELECT rollout_tick(:t0::timestamptz + interval '5 minutes') AS decisions;
-- an hour of ticks: every checkpoint decided when due, in order
SELECT pg_temp.tick_until(:t0::timestamptz + interval '1 hour') AS decisions;
SELECT rollout_tick(:t0::timestamptz + interval '1 hour') AS decisions;

-- the decision log
SELECT rollout, phase, checkpoint_at - :t0 AS checkpoint, decision, actor, state, treatment_share, reasons
FROM rollout_decisions WHERE owner = 'regress_alice' ORDER BY rollout, id;
SELECT name, (s).* FROM rollouts, rollout_status(name) AS s WHERE owner = 'regress_alice' ORDER BY id;

-- every measured value is kept: the healthy canary's first checkpoint
-- (300 treatment requests with latencies 1..100 three times: p99 = 99,
-- one error: 1/300)
SELECT jsonb_pretty(metrics) FROM rollout_decisions
WHERE rollout = 'healthy' AND phase = 'canary' AND checkpoint_no = 0;
SELECT (metrics -> 'error_rate' ->> 'value')::float8 = 1::float8 / 300 AS error_rate_exact,
       (metrics -> 'latency_p99' ->> 'value')::float8 = 99 AS p99_exact
FROM rollout_decisions WHERE rollout = 'healthy' AND phase = 'canary' AND checkpoint_no = 0;
-- the outage: minute 2 all failed (down), minute 3 with 29 of 60 failed (up)
SELECT metrics -> 'uptime' AS uptime FROM rollout_decisions WHERE rollout = 'outage' AND checkpoint_no = 0;

-- a held rollout waits for a person: resume starts the phase over
SELECT rollout_resume('sparse', :t0::timestamptz + interval '20 minutes');
SELECT * FROM rollout_status('sparse');
SELECT pg_temp.tick_until(:t0::timestamptz + interval '30 minutes') AS decisions;
SELECT rollout_advance('sparse', 'traffic too low to measure; checked by hand', :t0::timestamptz + interval '31 minutes');
SELECT * FROM rollout_status('sparse');
SELECT rollout_hold('sparse', 'incident 4711 on the payment service');
SELECT rollout_traffic('sparse');
SELECT rollout_rollback('sparse', 'incident 4711 not resolved');
SELECT rollout_traffic('sparse');
SELECT phase, decision, actor, state, treatment_share, reasons, checkpoint_no
FROM rollout_decisions WHERE rollout = 'sparse' ORDER BY id;

-- manual commands in the wrong state
\set VERBOSITY terse
SELECT rollout_start('sparse');
SELECT rollout_resume('healthy');
SELECT rollout_hold('errors', 'too late');
SELECT rollout_advance('slow', 'no');
SELECT rollout_rollback('healthy', 'done already');
SELECT rollout_start('nope');
SELECT rollout_hold(NULL, 'x');
SELECT rollout_tick(NULL);
SELECT rollout_tick('infinity');
SELECT rollout_start('healthy', 'infinity');

-- manual advance through the last phase completes
SELECT rollout_create('manual', 'req_healthy', :'plan') > 0 AS ok;
SELECT rollout_start('manual', :t0);
SELECT rollout_advance('manual', 'skip canary'), rollout_advance('manual', 'skip ramp'),
       rollout_advance('manual', 'done');
SELECT decision, phase, state, treatment_share, reasons FROM rollout_decisions WHERE rollout = 'manual' ORDER BY id;
-- a person's decision needs a reason
SELECT rollout_create('reasonless', 'req_healthy', :'plan') > 0 AS ok;
SELECT rollout_start('reasonless', :t0);
SELECT rollout_hold('reasonless', NULL);
SELECT rollout_hold('reasonless', '  ');
SELECT rollout_rollback('reasonless', NULL);
SELECT rollout_advance('reasonless', '');
SELECT rollout_rollback('reasonless', 'not needed');
\set VERBOSITY default

-- a rollout started long ago: checkpoints overdue by more than a minute are
-- not decided one by one when a later one is due too; the later one decides
-- for them and says how many it skipped
SELECT rollout_create('late', 'req_healthy', :'plan') > 0 AS ok;
SELECT rollout_start('late', :t0);
SELECT rollout_tick(:t0::timestamptz + interval '59 minutes') AS decisions;
SELECT phase, checkpoint_no, checkpoint_at - :t0 AS checkpoint, decision,
       metrics -> 'skipped_checkpoints' AS skipped
FROM rollout_decisions WHERE rollout = 'late' AND checkpoint_at IS NOT NULL ORDER BY id;

-- a broken rollout (its source is gone) is recorded and does not stop the
-- others; the warning is given once, not at every tick
CREATE VIEW req_doomed AS SELECT * FROM req_healthy;
SELECT rollout_create('doomed', 'req_doomed', :'plan') > 0 AS ok,
       rollout_create('survivor', 'req_healthy', :'plan') > 0 AS ok;
SELECT rollout_start('doomed', :t0), rollout_start('survivor', :t0);
DROP VIEW req_doomed;
SELECT rollout_tick(:t0::timestamptz + interval '5 minutes') AS decisions;
SELECT rollout_tick(:t0::timestamptz + interval '6 minutes') AS decisions;
SELECT name, state, checkpoint_no, last_error FROM rollouts WHERE name IN ('doomed', 'survivor') ORDER BY id;
CREATE VIEW req_doomed AS SELECT * FROM req_healthy;
SELECT rollout_tick(:t0::timestamptz + interval '6 minutes') AS decisions;
SELECT name, state, checkpoint_no, last_error FROM rollouts WHERE name IN ('doomed', 'survivor') ORDER BY id;

-- the measurement itself: NULL and NaN latencies are left out of the
-- quantiles, NULL is_error is no error, infinite latency is the slowest
CREATE TABLE odd (ts timestamptz, arm text, is_error boolean, latency_ms float8);
INSERT INTO odd VALUES (:t0, 'treatment', NULL, 'NaN'), (:t0, 'treatment', true, NULL),
    (:t0, 'treatment', false, 'Infinity'), (:t0, 'treatment', false, 10), (:t0, 'treatment', false, 20),
    (:t0, 'control', true, 5), (:t0, 'other', true, 5);
SELECT (m).treatment_requests, (m).treatment_errors, (m).control_requests, (m).latency
FROM (SELECT rollout_measure('public.odd', :t0, :t0::timestamptz + interval '1 minute',
                             '{0.5, 0.99}', false) AS m) s;
SELECT (m).observed_minutes, (m).down_minutes
FROM (SELECT rollout_measure('public.odd', :t0, :t0::timestamptz + interval '1 minute',
                             '{}', false) AS m) s;
\set VERBOSITY terse
SELECT rollout_measure('public.missing', :t0, :t0, '{}', false);

-- the decision log is append-only, for its owner and for a superuser alike
UPDATE rollout_decisions SET decision = 'advance';
DELETE FROM rollout_decisions;
INSERT INTO rollout_decisions (rollout_id, rollout, owner, phase, phase_run, decision, actor, state, treatment_share)
VALUES (1, 'fake', 'regress_alice', 'canary', 1, 'advance', 'me', 'running', 1);
UPDATE rollouts SET state = 'completed';
RESET SESSION AUTHORIZATION;
UPDATE rollout_decisions SET decision = 'advance';
DELETE FROM rollout_decisions;
TRUNCATE rollout_decisions;
\set VERBOSITY default

-- purge: only decisions of finished rollouts, before the given time
SELECT count(*) AS decisions_before,
       count(*) FILTER (WHERE r.state IN ('completed', 'rolled_back')) AS finished
FROM rollout_decisions d JOIN rollouts r ON r.id = d.rollout_id WHERE r.id > :first_id;
SELECT count(*) AS finished_all FROM rollout_decisions d JOIN rollouts r ON r.id = d.rollout_id
WHERE r.state IN ('completed', 'rolled_back') \gset
SELECT rollout_purge_decisions(NULL);
SELECT rollout_purge_decisions(now() - interval '1 day') AS purged;
SELECT rollout_purge_decisions(clock_timestamp()) = :finished_all AS purged_every_finished;
SELECT count(*) AS finished_left FROM rollout_decisions d JOIN rollouts r ON r.id = d.rollout_id
WHERE r.state IN ('completed', 'rolled_back');
SELECT rollout, decision FROM rollout_decisions WHERE rollout_id > :first_id ORDER BY id;
