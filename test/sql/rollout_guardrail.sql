-- Guardrails: treatment versus control relative lift of revenue,
-- completion and churn, judged with the always-valid interval of
-- compare_cohorts_sequential; they fail only on evidence of harm.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS cohort_analyzer;
RESET client_min_messages;
-- Ticks every 30 seconds of simulated time up to as_of, as the worker
-- would: each checkpoint is decided as it falls due.  Returns the
-- decisions of this test's rollouts (g_...): other tests may have left
-- rollouts running, which tick too.
CREATE FUNCTION pg_temp.tick_until(as_of timestamptz) RETURNS bigint
    LANGUAGE plpgsql AS $$
    DECLARE
        before bigint := (SELECT count(*) FROM rollout_decisions WHERE rollout LIKE 'g\_%');
    BEGIN
        PERFORM sum(rollout_tick(t))
        FROM (SELECT t FROM generate_series((SELECT min(next_checkpoint_at) FROM rollouts WHERE state = 'running'),
                                            as_of, interval '30 seconds') AS t
              UNION ALL SELECT as_of ORDER BY 1) AS ticks;
        RETURN (SELECT count(*) FROM rollout_decisions WHERE rollout LIKE 'g\_%') - before;
    END
    $$;
SET timezone = 'UTC';
SET extra_float_digits = 0;
\set t0 '''2026-03-02 09:00:00+00'''

-- 4 requests per learner, 2,000 learners per arm and scenario over 10
-- minutes; in 'harm' the treatment's revenue is 20% lower and completion
-- drops from 40% to 30%; in 'neutral' both arms are drawn alike.
SELECT setseed(0.42);
CREATE TABLE learner_draws AS
SELECT sc, arm, u, random() AS r_rev, random() AS r_done, random() AS r_churn, random() AS r_t
FROM unnest(ARRAY['harm', 'neutral']) AS sc, unnest(ARRAY['control', 'treatment']) AS arm,
     generate_series(1, 2000) AS u;
CREATE TABLE g_requests AS
SELECT sc AS scenario, :t0::timestamptz + (r_t * 600 + k) * interval '1 second' AS ts, arm,
       false AS is_error, 50::float8 AS latency_ms, u AS unit_id,
       CASE WHEN k = 0 THEN round((-ln(1 - r_rev) * 40 *
            CASE WHEN sc = 'harm' AND arm = 'treatment' THEN 0.8 ELSE 1 END)::numeric, 2)::float8 END AS revenue,
       r_done < CASE WHEN sc = 'harm' AND arm = 'treatment' THEN 0.30 ELSE 0.40 END AS completed,
       r_churn < 0.12 AS churned
FROM learner_draws, generate_series(0, 3) AS k;
CREATE VIEW g_harm AS SELECT ts, arm, is_error, latency_ms, unit_id, revenue, completed, churned
    FROM g_requests WHERE scenario = 'harm';
CREATE VIEW g_neutral AS SELECT ts, arm, is_error, latency_ms, unit_id, revenue, completed, churned
    FROM g_requests WHERE scenario = 'neutral';
-- the same requests without unit_id: every request counts as a unit
CREATE VIEW g_harm_requests AS SELECT ts, arm, is_error, latency_ms, revenue, completed, churned
    FROM g_requests WHERE scenario = 'harm';

\set plan '{"unit_crossover": "off", "phases": [{"name": "canary", "traffic": 0.5, "duration": "10 minutes", "checkpoints": ["5 minutes", "10 minutes"], "thresholds": {"revenue_lift": {"min": -0.03}, "completion_lift": {"min": -0.05}, "churn_lift": {"max": 0.5}}}], "min_requests": 100}'
SELECT rollout_create('g_harm', 'g_harm', :'plan') > 0 AS ok,
       rollout_create('g_neutral', 'g_neutral', :'plan') > 0 AS ok,
       rollout_create('g_harm_requests', 'g_harm_requests', :'plan') > 0 AS ok;
SELECT rollout_start(name, :t0) FROM rollouts WHERE name LIKE 'g\_%' ORDER BY id;
SELECT pg_temp.tick_until(:t0::timestamptz + interval '10 minutes') AS decisions;

SELECT rollout, checkpoint_at - :t0 AS checkpoint, decision, state, reasons
FROM rollout_decisions WHERE rollout LIKE 'g\_%' AND checkpoint_at IS NOT NULL ORDER BY rollout, id;

-- the recorded lifts and intervals are those of compare_cohorts_sequential
-- on the units of the window (requests of one learner merged)
WITH units AS (
    SELECT arm, bool_or(completed) AS completed, bool_or(churned) AS churned, sum(revenue) AS revenue
    FROM g_harm WHERE ts >= :t0 AND ts < :t0::timestamptz + interval '5 minutes'
    GROUP BY arm, unit_id),
cohorts AS (
    SELECT cohort_agg(completed, churned, revenue) FILTER (WHERE arm = 'control') AS c,
           cohort_agg(completed, churned, revenue) FILTER (WHERE arm = 'treatment') AS t
    FROM units),
direct AS (
    SELECT m, (compare_cohorts_sequential(c, t, m, 0.05)).* FROM cohorts,
           unnest(ARRAY['value', 'completion', 'churn']) AS m),
recorded AS (
    SELECT k, d.metrics -> k AS v FROM rollout_decisions d,
           unnest(ARRAY['revenue_lift', 'completion_lift', 'churn_lift']) AS k
    WHERE d.rollout = 'g_harm' AND d.checkpoint_no = 0)
SELECT k, round(relative_lift::numeric, 4) AS lift,
       round(relative_lift_low::numeric, 4) AS low, round(relative_lift_high::numeric, 4) AS high,
       (v ->> 'value')::float8 = relative_lift AND (v ->> 'low')::float8 = relative_lift_low
       AND (v ->> 'high')::float8 = relative_lift_high AND (v ->> 'p_value')::float8 = p_value AS same,
       v ->> 'status' AS status
FROM recorded JOIN direct ON m = CASE k WHEN 'revenue_lift' THEN 'value'
                                        WHEN 'completion_lift' THEN 'completion' ELSE 'churn' END
ORDER BY k;

-- a guardrail needs min_requests in both arms
CREATE VIEW g_no_control AS SELECT * FROM g_harm WHERE arm = 'treatment';
SELECT rollout_create('g_no_control', 'g_no_control', :'plan'::jsonb || '{"srm": "off"}') > 0 AS ok;
SELECT rollout_start('g_no_control', :t0);
SELECT pg_temp.tick_until(:t0::timestamptz + interval '10 minutes') AS decisions;
SELECT decision, reasons FROM rollout_decisions WHERE rollout = 'g_no_control' AND checkpoint_at IS NOT NULL ORDER BY id;

-- the plan's alpha and tuning reach the comparison
SELECT rollout_create('g_tuned', 'g_harm', jsonb_set(:'plan'::jsonb, '{tuning}', '100') || '{"alpha": 0.01}') > 0 AS ok;
SELECT rollout_start('g_tuned', :t0);
SELECT pg_temp.tick_until(:t0::timestamptz + interval '5 minutes') AS decisions;
SELECT (metrics -> 'revenue_lift' ->> 'low')::float8 = (compare_cohorts_sequential(
           (SELECT cohort_agg(completed, churned, revenue) FROM (SELECT bool_or(completed) AS completed, bool_or(churned) AS churned, sum(revenue) AS revenue FROM g_harm WHERE arm = 'control' AND ts < :t0::timestamptz + interval '5 minutes' GROUP BY unit_id) s),
           (SELECT cohort_agg(completed, churned, revenue) FROM (SELECT bool_or(completed) AS completed, bool_or(churned) AS churned, sum(revenue) AS revenue FROM g_harm WHERE arm = 'treatment' AND ts < :t0::timestamptz + interval '5 minutes' GROUP BY unit_id) s),
           'value', 0.01, 100)).relative_lift_low AS tuned_interval
FROM rollout_decisions WHERE rollout = 'g_tuned' AND checkpoint_no = 0;

-- the default plan's canary has the revenue guardrail when the source has revenue
SELECT rollout_create('g_default', 'g_harm') > 0 AS ok;
SELECT plan -> 'phases' -> 0 -> 'thresholds' -> 'revenue_lift' AS canary_revenue_guardrail
FROM rollouts WHERE name = 'g_default';

-- zero variance: every learner pays the same in both arms; no evidence of
-- harm either way, and no crash
CREATE TABLE g_flat AS
SELECT :t0::timestamptz + s * interval '1 second' AS ts, arm, false AS is_error, 50::float8 AS latency_ms,
       10::float8 AS revenue, true AS completed, false AS churned
FROM generate_series(0, 599) AS s, unnest(ARRAY['control', 'treatment']) AS arm;
SELECT rollout_create('g_flat', 'g_flat', :'plan') > 0 AS ok;
SELECT rollout_start('g_flat', :t0);
SELECT pg_temp.tick_until(:t0::timestamptz + interval '10 minutes') AS decisions;
SELECT decision, reasons, metrics -> 'revenue_lift' AS revenue_lift, metrics -> 'churn_lift' AS churn_lift
FROM rollout_decisions WHERE rollout = 'g_flat' AND checkpoint_at IS NOT NULL ORDER BY id;
SELECT last_error FROM rollouts WHERE name = 'g_flat';
