-- Rollout security: owners only, evaluation with the owner's privileges,
-- configuration not writable directly.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS cohort_analyzer;
DROP ROLE IF EXISTS regress_carol;
DROP ROLE IF EXISTS regress_bob;
DROP ROLE IF EXISTS regress_dave;
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
SELECT rollout_measure_as('regress_carol', 'public.carol_requests', :t0, :t0::timestamptz + interval '1 hour', '{}', false, '{}', '30 seconds');
-- nor through the steps of a decision with a forged rollout
SELECT rollout_judge(jsonb_populate_record(NULL::rollouts,
    '{"owner": "regress_carol", "source": "public.carol_requests", "phase_no": 0,
      "plan": {"phases": [{"name": "x", "thresholds": {"error_rate": {"max": 1}}}], "min_requests": 1}}'),
    now());
SELECT rollout_apply(jsonb_populate_record(NULL::rollouts, '{"id": 1}'), 'regress_bob', 'complete', NULL, '{}', '{}', 'completed', 0, NULL, 0);
SELECT rollout_decide(jsonb_populate_record(NULL::rollouts, '{"id": 1}'), now(), 'worker');
SELECT rollout_tick_one(1, now(), 'worker');
SELECT rollout_lock('carol_rollout', 'regress_bob');
-- nor through the implementations behind the API, naming carol as actor
SELECT rollout_hold_as('regress_carol', 'carol_rollout', 'mine now');
SELECT rollout_create_as('regress_carol', 'bob_as_carol', 'carol_requests', NULL);
SELECT rollout_tick_as('regress_carol', now());
-- nor change carol's rollout
SELECT rollout_hold('carol_rollout', 'mine now');
SELECT rollout_rollback('carol_rollout', 'mine now');
SELECT rollout_advance('carol_rollout', 'mine now');
-- nor write the configuration; carol's rows are not even visible to him
UPDATE rollouts SET state = 'completed';
INSERT INTO rollouts (name, source, owner, owner_id, plan) VALUES ('x', 'public.carol_requests', 'regress_bob', 'regress_bob', '{}');
DELETE FROM rollout_decisions;
SELECT count(*) AS visible_rollouts FROM rollouts;
SELECT count(*) AS visible_decisions FROM rollout_decisions;
-- the traffic share is public: applications route with it
SELECT rollout_traffic('carol_rollout');
-- his tick decides only his own rollouts (he has none)
SELECT rollout_tick(:t0::timestamptz + interval '1 hour') AS decisions;
\set VERBOSITY default

-- carol's tick decides hers, as carol
SET SESSION AUTHORIZATION regress_carol;
SELECT pg_temp.tick_until(:t0::timestamptz + interval '10 minutes') AS decisions;

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
SELECT p.oid::regprocedure AS callable_by_public_but_internal
FROM pg_proc p JOIN pg_depend d ON d.objid = p.oid AND d.classid = 'pg_proc'::regclass AND d.deptype = 'e'
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'cohort_analyzer'
WHERE (p.proname LIKE 'rollout%\_as' OR p.proname IN ('rollout_lock', 'rollout_judge', 'rollout_decide',
                                                      'rollout_apply', 'rollout_tick_one'))
  AND has_function_privilege('regress_bob', p.oid, 'EXECUTE')
ORDER BY 1;
-- nothing in the rollout code decides on the session user
SELECT p.proname FROM pg_proc p
JOIN pg_depend d ON d.objid = p.oid AND d.classid = 'pg_proc'::regclass AND d.deptype = 'e'
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'cohort_analyzer'
WHERE p.prosrc ILIKE '%session_user%' ORDER BY 1;

-- the role acting is the owner: SET ROLE makes it so, and the session user
-- lends nothing
GRANT regress_carol TO regress_bob;
SET SESSION AUTHORIZATION regress_bob;
SET ROLE regress_carol;
SELECT rollout_create('carol_by_set_role', 'carol_requests', :'plan') > 0 AS ok;
RESET ROLE;
SELECT name, owner, owner_id FROM rollouts WHERE name = 'carol_by_set_role';
RESET SESSION AUTHORIZATION;
REVOKE regress_carol FROM regress_bob;
-- a superuser who sets role to bob acts as bob: carol's rollout is not his
SET ROLE regress_bob;
\set VERBOSITY terse
SELECT rollout_rollback('carol_by_set_role', 'not yours');
\set VERBOSITY default
RESET ROLE;

-- a superuser's rollout on a view owned by another role runs that role's
-- code as superuser: refused unless the plan trusts the source
SET SESSION AUTHORIZATION regress_bob;
CREATE VIEW bob_view AS SELECT * FROM admin_requests;
RESET SESSION AUTHORIZATION;
GRANT SELECT ON admin_requests TO regress_bob;
\set VERBOSITY terse
SELECT rollout_create('on_bobs_view', 'bob_view', :'plan');
\set VERBOSITY default
SELECT rollout_create('on_bobs_view', 'bob_view', jsonb_set(:'plan', '{trust_source}', 'true')) > 0 AS ok;
REVOKE SELECT ON admin_requests FROM regress_bob;

-- a rollout whose owner role is dropped is held at its next checkpoint, and
-- a new role of the same name does not take it over
CREATE ROLE regress_dave;
GRANT CREATE ON SCHEMA public TO regress_dave;
SET SESSION AUTHORIZATION regress_dave;
CREATE TABLE dave_requests (ts timestamptz, arm text, is_error boolean, latency_ms float8);
SELECT rollout_create('dave_rollout', 'dave_requests', :'plan') > 0 AS ok;
SELECT rollout_start('dave_rollout', :t0);
RESET SESSION AUTHORIZATION;
DROP TABLE dave_requests;
REVOKE CREATE ON SCHEMA public FROM regress_dave;
DROP ROLE regress_dave;
CREATE ROLE regress_dave;
SET SESSION AUTHORIZATION regress_dave;
SELECT count(*) AS visible_to_new_dave FROM rollouts WHERE name = 'dave_rollout';
\set VERBOSITY terse
SELECT rollout_rollback('dave_rollout', 'mine by name');
\set VERBOSITY default
RESET SESSION AUTHORIZATION;
SELECT rollout_tick(:t0::timestamptz + interval '5 minutes') AS decisions;
SELECT name, state, owner, owner_id::oid <> 'regress_dave'::regrole::oid AS old_owner_id, last_error FROM rollouts WHERE name = 'dave_rollout';
SELECT decision, actor, reasons[1] ~ '^owner role "regress_dave" \(OID \d+\) no longer exists$' AS reason_ok
FROM rollout_decisions WHERE rollout = 'dave_rollout' ORDER BY id;
DROP ROLE regress_dave;
