-- Copies do not act: a rollout records the database and cluster it runs
-- in; in a copy (another database OID or system identifier) a running
-- rollout is held at its next checkpoint with one decision row and no
-- NOTIFY, and rollout_resume adopts it.  (test/t/004_rollout_copies.pl
-- makes real copies: CREATE DATABASE ... TEMPLATE and pg_dump/pg_restore.)
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS cohort_analyzer;
RESET client_min_messages;
SET timezone = 'UTC';
\set t0 '''2026-03-02 09:00:00+00'''
CREATE TABLE copy_requests AS
SELECT :t0::timestamptz + s * interval '1 second' AS ts, arm, false AS is_error, 10::float8 AS latency_ms
FROM generate_series(0, 1199) AS s, unnest(ARRAY['control', 'treatment']) AS arm;
SELECT rollout_create('copied', 'copy_requests', '{"srm": "off", "phases": [{"name": "only", "traffic": 0.5, "duration": "20 minutes", "checkpoints": ["5 minutes", "10 minutes", "20 minutes"], "thresholds": {"error_rate": {"max": 0.1}}}]}') > 0 AS created;
SELECT database_oid IS NULL AS no_place_before_start FROM rollouts WHERE name = 'copied';
SELECT rollout_start('copied', :t0);
-- where it runs
SELECT database_oid = (SELECT oid FROM pg_database WHERE datname = current_database()) AS this_database,
       database_name = current_database() AS named,
       system_identifier = (SELECT system_identifier FROM pg_control_system()) AS this_cluster
FROM rollouts WHERE name = 'copied';
SELECT rollout_tick(:t0::timestamptz + interval '5 minutes') AS decisions;

-- as if this database were a copy of another one
UPDATE rollouts SET database_oid = 4000000000, database_name = 'prod' WHERE name = 'copied';
LISTEN cohort_analyzer_rollout;
SELECT rollout_tick(:t0::timestamptz + interval '20 minutes') AS decisions;
SELECT rollout_tick(:t0::timestamptz + interval '20 minutes') AS decisions_again;
UNLISTEN *;
SELECT decision, state, regexp_replace(reasons[1], 'system [0-9]+', 'system N') AS reason,
       metrics #- '{copied_from,system_identifier}' AS metrics,
       (metrics -> 'copied_from' ->> 'system_identifier')::bigint = (SELECT system_identifier FROM pg_control_system()) AS same_system
FROM rollout_decisions WHERE rollout = 'copied' AND decision <> 'continue' ORDER BY id;
-- adopted: it runs here now, and decides again
SELECT rollout_resume('copied', :t0::timestamptz + interval '20 minutes');
SELECT database_oid = (SELECT oid FROM pg_database WHERE datname = current_database()) AS adopted
FROM rollouts WHERE name = 'copied';
SELECT rollout_tick(:t0::timestamptz + interval '25 minutes') AS decisions;
SELECT decision, state FROM rollout_decisions WHERE rollout = 'copied' ORDER BY id DESC LIMIT 1;

-- another cluster's copy (a restore elsewhere) is held as well
UPDATE rollouts SET system_identifier = 42 WHERE name = 'copied';
SELECT rollout_tick(:t0::timestamptz + interval '40 minutes') AS decisions;
SELECT decision, state, reasons[1] LIKE 'copied from database % of system 42 — rollout_resume to adopt' AS reason
FROM rollout_decisions WHERE rollout = 'copied' ORDER BY id DESC LIMIT 1;

-- the later tests count decisions: leave none behind
SELECT rollout_rollback('copied', 'done');
SELECT rollout_purge_decisions(clock_timestamp()) AS purged;

-- the state machine, in one place: every allowed (state, decision)
SELECT state, decision, rollout_transition(state, decision) AS new_state
FROM unnest('{pending,running,held,rolled_back,completed}'::text[]) AS state,
     unnest('{start,continue,advance,complete,hold,resume,rollback}'::text[]) AS decision
WHERE rollout_transition(state, decision) IS NOT NULL ORDER BY 1, 2;
-- any other change is refused where decisions are applied
\set VERBOSITY terse
SELECT rollout_apply(r, 'worker', 'start', NULL, '{}', '{}', 'running', 0, now(), 0) FROM rollouts r WHERE name = 'copied';
SELECT rollout_apply(r, 'worker', 'rollback', NULL, '{}', '{}', 'completed', 0, now(), 0) FROM rollouts r WHERE name = 'copied';
\set VERBOSITY default
