-- Rollout plans and sources: validation at creation, with errors naming
-- what is wrong.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS cohort_analyzer;
RESET client_min_messages;

-- the default plan is the scenario's: canary 1% / ramp 10% / full 100%
SELECT p ->> 'name' AS phase, (p ->> 'traffic')::float8 AS traffic, p ->> 'duration' AS duration,
       jsonb_array_length(p -> 'checkpoints') AS checkpoints,
       p -> 'checkpoints' ->> 0 AS first, p -> 'checkpoints' ->> -1 AS last,
       p -> 'thresholds' AS thresholds
FROM jsonb_array_elements(rollout_default_plan() -> 'phases') AS p;
SELECT rollout_default_plan() - 'phases' AS settings;
SELECT rollout_plan_validate(rollout_default_plan()) = rollout_default_plan() AS default_is_valid;

-- the shape from the documentation, defaults filled in
SELECT rollout_plan_validate('{"phases": [{"name": "canary", "traffic": 0.01, "duration": "2 hours",
    "checkpoints": ["15 minutes", "30 minutes", "1 hour", "90 minutes", "2 hours"],
    "thresholds": {"error_rate": {"max": 0.01}, "latency_p99": {"max": 200},
                   "uptime": {"min": 0.999}, "latency_p999": {"max": 900}}}]}') - 'phases' AS filled;

-- latency_pNN names a quantile
SELECT m, rollout_metric_quantile(m) FROM unnest(ARRAY['latency_p50', 'latency_p99', 'latency_p999',
    'latency_p9', 'latency_p00', 'latency_p', 'error_rate']) AS m;

-- invalid plans
\set VERBOSITY sqlstate
SELECT rollout_plan_validate(NULL);
SELECT rollout_plan_validate('[]');
\set VERBOSITY default
SELECT rollout_plan_validate('{"phases": []}');
SELECT rollout_plan_validate('{"phases": [{"name": "a", "traffic": 0.5, "duration": "1 hour", "checkpoints": ["1 hour"], "thresholds": {}}], "extra": 1}');
\set VERBOSITY terse
SELECT rollout_plan_validate('{"phases": [{"name": "a", "traffic": 0, "duration": "1 hour", "checkpoints": ["1 hour"], "thresholds": {}}]}');
SELECT rollout_plan_validate('{"phases": [{"name": "a", "traffic": 1.5, "duration": "1 hour", "checkpoints": ["1 hour"], "thresholds": {}}]}');
SELECT rollout_plan_validate('{"phases": [{"name": "a", "traffic": "half", "duration": "1 hour", "checkpoints": ["1 hour"], "thresholds": {}}]}');
SELECT rollout_plan_validate('{"phases": [{"name": "a", "traffic": 0.5, "duration": "1 hour", "checkpoints": ["2 hours"], "thresholds": {}}]}');
SELECT rollout_plan_validate('{"phases": [{"name": "a", "traffic": 0.5, "duration": "1 hour", "checkpoints": ["30 minutes", "10 minutes"], "thresholds": {}}]}');
SELECT rollout_plan_validate('{"phases": [{"name": "a", "traffic": 0.5, "duration": "1 hour", "checkpoints": ["30 minutes", "30 minutes"], "thresholds": {}}]}');
SELECT rollout_plan_validate('{"phases": [{"name": "a", "traffic": 0.5, "duration": "1 hour", "checkpoints": [], "thresholds": {}}]}');
SELECT rollout_plan_validate('{"phases": [{"name": "a", "traffic": 0.5, "duration": "soon", "checkpoints": ["1 hour"], "thresholds": {}}]}');
SELECT rollout_plan_validate('{"phases": [{"name": "a", "traffic": 0.5, "duration": "-1 hour", "checkpoints": ["1 hour"], "thresholds": {}}]}');
SELECT rollout_plan_validate('{"phases": [{"name": "a", "traffic": 0.5, "duration": "1 hour", "checkpoints": ["1 hour"], "thresholds": {"error_budget": {"max": 1}}}]}');
SELECT rollout_plan_validate('{"phases": [{"name": "a", "traffic": 0.5, "duration": "1 hour", "checkpoints": ["1 hour"], "thresholds": {"error_rate": {"below": 1}}}]}');
SELECT rollout_plan_validate('{"phases": [{"name": "a", "traffic": 0.5, "duration": "1 hour", "checkpoints": ["1 hour"], "thresholds": {"error_rate": {"min": 0.5, "max": 0.1}}}]}');
SELECT rollout_plan_validate('{"phases": [{"name": "a", "traffic": 0.5, "duration": "1 hour", "checkpoints": ["1 hour"], "thresholds": {"error_rate": 0.01}}]}');
SELECT rollout_plan_validate('{"phases": [{"name": "a", "traffic": 0.5, "duration": "1 hour", "checkpoints": ["1 hour"], "thresholds": {}},
                                          {"name": "a", "traffic": 0.6, "duration": "1 hour", "checkpoints": ["1 hour"], "thresholds": {}}]}');
SELECT rollout_plan_validate('{"phases": [{"name": "a", "traffic": 0.5, "duration": "1 hour", "checkpoints": ["1 hour"], "thresholds": {}},
                                          {"name": "b", "traffic": 0.1, "duration": "1 hour", "checkpoints": ["1 hour"], "thresholds": {}}]}');
SELECT rollout_plan_validate('{"phases": [{"traffic": 0.5, "duration": "1 hour", "checkpoints": ["1 hour"], "thresholds": {}}]}');
SELECT rollout_plan_validate('{"phases": [{"name": "a", "traffic": 0.5, "duration": "1 hour", "checkpoints": ["1 hour"], "thresholds": {}, "owner": "x"}]}');
SELECT rollout_plan_validate('{"phases": [{"name": "a", "traffic": 0.5, "duration": "1 hour", "checkpoints": ["1 hour"], "thresholds": {}}], "min_requests": 0}');
SELECT rollout_plan_validate('{"phases": [{"name": "a", "traffic": 0.5, "duration": "1 hour", "checkpoints": ["1 hour"], "thresholds": {}}], "min_requests": 2.5}');
SELECT rollout_plan_validate('{"phases": [{"name": "a", "traffic": 0.5, "duration": "1 hour", "checkpoints": ["1 hour"], "thresholds": {}}], "alpha": 1}');
SELECT rollout_plan_validate('{"phases": [{"name": "a", "traffic": 0.5, "duration": "1 hour", "checkpoints": ["1 hour"], "thresholds": {}}], "alpha": 1e400}');
-- measurement time limit, trusted sources, and at most 1000 checkpoints a phase
SELECT rollout_plan_validate('{"phases": [{"name": "a", "traffic": 0.5, "duration": "1 hour", "checkpoints": ["1 hour"], "thresholds": {}}], "measure_timeout": "5 seconds", "trust_source": false}') -> 'measure_timeout' AS kept;
SELECT rollout_measure_timeout('{}'), rollout_measure_timeout('{"measure_timeout": "2 minutes"}');
SELECT rollout_plan_validate('{"phases": [{"name": "a", "traffic": 0.5, "duration": "1 hour", "checkpoints": ["1 hour"], "thresholds": {}}], "measure_timeout": "2 hours"}');
SELECT rollout_plan_validate('{"phases": [{"name": "a", "traffic": 0.5, "duration": "1 hour", "checkpoints": ["1 hour"], "thresholds": {}}], "measure_timeout": 30}');
SELECT rollout_plan_validate('{"phases": [{"name": "a", "traffic": 0.5, "duration": "1 hour", "checkpoints": ["1 hour"], "thresholds": {}}], "trust_source": "yes"}');
SELECT rollout_plan_validate(jsonb_build_object('phases', jsonb_build_array(jsonb_build_object(
    'name', 'a', 'traffic', 0.5, 'duration', '2000 seconds', 'thresholds', '{}'::jsonb,
    'checkpoints', (SELECT jsonb_agg(format('%s seconds', s)) FROM generate_series(1, 1001) AS s)))));
SELECT jsonb_array_length(rollout_plan_validate(jsonb_build_object('phases', jsonb_build_array(jsonb_build_object(
    'name', 'a', 'traffic', 0.5, 'duration', '2000 seconds', 'thresholds', '{}'::jsonb,
    'checkpoints', (SELECT jsonb_agg(format('%s seconds', s)) FROM generate_series(1, 1000) AS s))))) -> 'phases' -> 0 -> 'checkpoints') AS checkpoints;

-- sources: required columns and their types
CREATE TABLE src_ok (ts timestamptz, arm text, is_error boolean, latency_ms float8);
CREATE TABLE src_no_arm (ts timestamptz, is_error boolean, latency_ms float8);
CREATE TABLE src_bad_ts (ts date, arm text, is_error boolean, latency_ms float8);
CREATE TABLE src_bad_latency (ts timestamptz, arm text, is_error boolean, latency_ms text);
CREATE TABLE src_bad_revenue (ts timestamptz, arm text, is_error boolean, latency_ms float8, revenue money);
CREATE SEQUENCE src_seq;
\set short '{"phases": [{"name": "only", "traffic": 0.5, "duration": "1 hour", "checkpoints": ["1 hour"], "thresholds": {"error_rate": {"max": 0.1}}}]}'
\set VERBOSITY default
SELECT rollout_create('no_arm', 'src_no_arm', :'short');
\set VERBOSITY terse
SELECT rollout_create('bad_ts', 'src_bad_ts', :'short');
SELECT rollout_create('bad_latency', 'src_bad_latency', :'short');
SELECT rollout_create('bad_revenue', 'src_bad_revenue', :'short');
SELECT rollout_create('seq', 'src_seq', :'short');
SELECT rollout_create('guarded', 'src_ok', '{"phases": [{"name": "only", "traffic": 0.5, "duration": "1 hour", "checkpoints": ["1 hour"], "thresholds": {"revenue_lift": {"min": -0.03}}}]}');
SELECT rollout_create(NULL, 'src_ok', :'short');
SELECT rollout_create('', 'src_ok', :'short');
SELECT rollout_create('x', NULL, :'short');
SELECT rollout_create('invalid', 'src_ok', '{"phases": []}');

\set VERBOSITY default
-- a valid source; names are unique; the default plan leaves out the revenue
-- guardrail when the source has no revenue
SELECT rollout_create('plan_test', 'src_ok', :'short') > 0 AS created;
\set VERBOSITY terse
SELECT rollout_create('plan_test', 'src_ok', :'short');
\set VERBOSITY default
SELECT rollout_create('default_plan', 'src_ok') > 0 AS created;
SELECT plan = rollout_plan_validate(rollout_default_plan(false)) AS default_without_revenue
FROM rollouts WHERE name = 'default_plan';
SELECT name, source, state, phase_no, treatment_share, next_checkpoint_at FROM rollouts
WHERE source = 'public.src_ok' ORDER BY id;
SELECT * FROM rollout_status('plan_test');
SELECT rollout_traffic('plan_test');
\set VERBOSITY terse
SELECT * FROM rollout_status('nope');
SELECT rollout_traffic(NULL);
