-- Rollout security: owners only, evaluation with the owner's privileges,
-- configuration not writable directly.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS cohort_analyzer;
DROP ROLE IF EXISTS regress_carol;
DROP ROLE IF EXISTS regress_bob;
RESET client_min_messages;
SET timezone = 'UTC';
CREATE ROLE regress_carol;
CREATE ROLE regress_bob;
GRANT CREATE ON SCHEMA public TO regress_carol, regress_bob;
\set t0 '''2026-03-02 09:00:00+00'''
\set plan '{"phases": [{"name": "only", "traffic": 0.5, "duration": "10 minutes", "checkpoints": ["5 minutes", "10 minutes"], "thresholds": {"error_rate": {"max": 0.5}}}], "min_requests": 10}'

SET SESSION AUTHORIZATION regress_carol;
CREATE TABLE carol_requests AS
SELECT :t0::timestamptz + s * interval '1 second' AS ts, arm, false AS is_error, 10::float8 AS latency_ms
FROM generate_series(0, 599) AS s, unnest(ARRAY['control', 'treatment']) AS arm;
SELECT rollout_create('carol_rollout', 'carol_requests', :'plan') > 0 AS ok;
SELECT rollout_start('carol_rollout', :t0);

SET SESSION AUTHORIZATION regress_bob;
\set VERBOSITY terse
-- bob cannot read carol's requests, nor through a rollout of his own
SELECT count(*) FROM carol_requests;
SELECT rollout_create('bob_peeks', 'carol_requests', :'plan');
-- nor measure as carol directly
SELECT rollout_measure_as('regress_carol', 'public.carol_requests', :t0, :t0::timestamptz + interval '1 hour', '{}', false);
-- nor through the steps of a decision with a forged rollout
SELECT rollout_judge(jsonb_populate_record(NULL::rollouts,
    '{"owner": "regress_carol", "source": "public.carol_requests", "phase_no": 0,
      "plan": {"phases": [{"name": "x", "thresholds": {"error_rate": {"max": 1}}}], "min_requests": 1}}'),
    now());
SELECT rollout_apply(jsonb_populate_record(NULL::rollouts, '{"id": 1}'), 'complete', NULL, '{}', '{}', 'completed', 0, NULL, 0);
SELECT rollout_lock('carol_rollout');
-- nor change carol's rollout
SELECT rollout_hold('carol_rollout', 'mine now');
SELECT rollout_rollback('carol_rollout', 'mine now');
SELECT rollout_advance('carol_rollout', 'mine now');
-- nor write the configuration; carol's rows are not even visible to him
UPDATE rollouts SET state = 'completed';
INSERT INTO rollouts (name, source, owner, plan) VALUES ('x', 'public.carol_requests', 'regress_bob', '{}');
SELECT count(*) AS visible_rollouts FROM rollouts;
SELECT count(*) AS visible_decisions FROM rollout_decisions;
-- the traffic share is public: applications route with it
SELECT rollout_traffic('carol_rollout');
-- his tick decides only his own rollouts (he has none)
SELECT rollout_tick(:t0::timestamptz + interval '1 hour') AS decisions;
\set VERBOSITY default

-- carol's tick decides hers, as carol
SET SESSION AUTHORIZATION regress_carol;
SELECT rollout_tick(:t0::timestamptz + interval '10 minutes') AS decisions;

-- a privilege revoked after creation: the evaluation fails as the owner,
-- is recorded, and the superuser running the tick does not lend its rights
RESET SESSION AUTHORIZATION;
CREATE TABLE admin_requests AS SELECT * FROM carol_requests;
GRANT SELECT ON admin_requests TO regress_bob;
SET SESSION AUTHORIZATION regress_bob;
SELECT rollout_create('bob_rollout', 'admin_requests', :'plan') > 0 AS ok;
SELECT rollout_start('bob_rollout', :t0::timestamptz - interval '1 day');
RESET SESSION AUTHORIZATION;
REVOKE SELECT ON admin_requests FROM regress_bob;
SELECT rollout_tick(:t0::timestamptz - interval '1 day' + interval '10 minutes') AS decisions;
SELECT name, owner, state, checkpoint_no, last_error FROM rollouts
WHERE owner IN ('regress_bob', 'regress_carol') ORDER BY id;
SELECT rollout, decision, actor FROM rollout_decisions
WHERE owner IN ('regress_bob', 'regress_carol') ORDER BY id;

-- functions that change state run with fixed search_path; none is callable
-- to bypass the owner check
SELECT p.proname, p.prosecdef, p.proconfig
FROM pg_proc p JOIN pg_depend d ON d.objid = p.oid AND d.classid = 'pg_proc'::regclass AND d.deptype = 'e'
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'cohort_analyzer'
WHERE p.proname LIKE 'rollout%' AND p.prosecdef ORDER BY 1;
SELECT has_function_privilege('regress_bob', 'rollout_measure_as(name, text, timestamptz, timestamptz, float8[], boolean)', 'EXECUTE') AS bob_can_measure_as;
