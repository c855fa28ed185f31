-- Demo part 50: the rollout decided at every checkpoint, by the database.
-- Two rollouts replayed on generated request data with a simulated clock:
-- the lesson player goes canary 1% -> ramp 10% -> full; the quiz engine's
-- ramp breaks the error budget and is rolled back.
\pset footer off
SET client_min_messages = warning;

-- The worker of this cluster decides at the real time; the replay runs on
-- tomorrow's clock, out of its reach, and rollout_tick(as_of) moves it.
SELECT date_trunc('day', now()) + interval '1 day 9 hours' AS t0 \gset

-- Requests of two services from 09:00: 500 a minute for six hours (canary
-- and ramp), then the lesson player's full rollout at 20 a minute for two
-- weeks.  Learners are routed by id, in the phases' shares (1%, 10%,
-- all); the lesson player behaves
-- like the observed canary (0.08% errors, p99 about 46 ms, revenue +0.4%),
-- the quiz engine fails 2% of its treatment requests once it reaches 10%.
SELECT setseed(0.5050) \g /dev/null
CREATE TABLE service_requests AS
WITH raw AS (
    SELECT svc, :'t0'::timestamptz + i * interval '120 milliseconds' AS ts,
           random() AS u_err, sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()) AS z,
           random() AS u_buy, random() AS u_amount, (random() * 20000)::int AS learner
    FROM unnest(ARRAY['lesson-player', 'quiz-engine']) AS svc, generate_series(0, 179999) AS i
    UNION ALL
    SELECT 'lesson-player', :'t0'::timestamptz + interval '6 hours' + i * interval '3 seconds',
           random(), sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()), random(), random(),
           (random() * 20000)::int
    FROM generate_series(0, 13 * 24 * 1200 - 1) AS i
)
SELECT svc, ts, arm,
       u_err < CASE WHEN svc = 'quiz-engine' AND arm = 'treatment' AND ts >= :'t0'::timestamptz + interval '2 hours'
                    THEN 0.02 ELSE 0.0008 END AS is_error,
       round(exp(ln(18) + 0.4 * z)::numeric, 1)::float8 AS latency_ms,
       CASE WHEN u_buy < 0.5 THEN round((-ln(1 - u_amount) * 20
                                          * CASE arm WHEN 'treatment' THEN 1.004 ELSE 1 END)::numeric, 2)
            ELSE 0 END::float8 AS revenue,
       learner AS unit_id
FROM (SELECT *, CASE WHEN learner % 100 < CASE WHEN ts < :'t0'::timestamptz + interval '2 hours' THEN 1
                                                WHEN ts < :'t0'::timestamptz + interval '6 hours' THEN 10
                                                ELSE 100 END
                     THEN 'treatment' ELSE 'control' END AS arm
      FROM raw) AS r;
CREATE INDEX ON service_requests (svc, ts);
ANALYZE service_requests;
CREATE VIEW lesson_player_requests AS
    SELECT ts, arm, is_error, latency_ms, revenue, unit_id FROM service_requests WHERE svc = 'lesson-player';
CREATE VIEW quiz_engine_requests AS
    SELECT ts, arm, is_error, latency_ms, unit_id FROM service_requests WHERE svc = 'quiz-engine';

\echo
\echo '== The default plan (every phase must pass all its checkpoints to advance)'
SELECT p ->> 'name' AS phase, to_char(100 * (p ->> 'traffic')::float8, 'FM990') || '%' AS traffic,
       p ->> 'duration' AS duration,
       (SELECT string_agg(c, ', ') FROM jsonb_array_elements_text(p -> 'checkpoints') AS c) AS checkpoints,
       (SELECT string_agg(k || CASE WHEN v ? 'max' THEN ' <= ' || (v ->> 'max') ELSE ' >= ' || (v ->> 'min') END, ', ')
        FROM jsonb_each(p -> 'thresholds') AS t (k, v)) AS thresholds
FROM jsonb_array_elements(rollout_default_plan() -> 'phases') AS p;

SELECT rollout_create('lesson-player-v2', 'lesson_player_requests') \g /dev/null
SELECT rollout_create('quiz-engine-v3', 'quiz_engine_requests') \g /dev/null
SELECT rollout_start('lesson-player-v2', :'t0'), rollout_start('quiz-engine-v3', :'t0') \g /dev/null

\echo
\echo '== The pager: every state change arrives as NOTIFY cohort_analyzer_rollout'
LISTEN cohort_analyzer_rollout;
-- the clock moves as the worker's would: a tick a minute through the canary
-- and ramp, then every 15 minutes, so each checkpoint is decided when due
SELECT sum(rollout_tick(t)) AS "decisions 09:00-11:15"
FROM generate_series(:'t0'::timestamptz, :'t0'::timestamptz + interval '2 hours 15 minutes', interval '1 minute') AS t;
SELECT sum(rollout_tick(t)) AS "decisions until day 13"
FROM generate_series(:'t0'::timestamptz + interval '2 hours 15 minutes', :'t0'::timestamptz + interval '13 days 6 hours',
                     interval '15 minutes') AS t;
UNLISTEN *;

\echo
\echo '== A notification is a wake-up, not a command: anyone may NOTIFY, so the router reads the state'
LISTEN cohort_analyzer_rollout;
NOTIFY cohort_analyzer_rollout, '{"rollout": "quiz-engine-v3", "decision": "advance", "treatment_share": 1.0}';
SELECT 'quiz-engine-v3' AS rollout, rollout_traffic('quiz-engine-v3') AS "share routed (the forged payload said 1.0)",
       (SELECT id FROM rollout_decisions WHERE rollout = 'quiz-engine-v3' ORDER BY id DESC LIMIT 1)
           AS "last decision_id, read by id";
UNLISTEN *;

\echo
\echo '== Decision log, as on-call reads it (T+ since the canary started at 09:00)'
SELECT rollout,
       to_char(COALESCE(checkpoint_at, :'t0'::timestamptz) - :'t0'::timestamptz, 'FMDD"d "HH24:MI') AS "T+",
       phase, upper(decision) AS decision,
       to_char(100 * treatment_share, 'FM990') || '%' AS share,
       to_char(100 * (metrics -> 'error_rate' ->> 'value')::float8, 'FM990.000') || '%' AS errors,
       (metrics -> 'latency_p99' ->> 'value') || ' ms' AS p99,
       to_char(100 * (metrics -> 'uptime' ->> 'value')::float8, 'FM990.00') || '%' AS uptime,
       CASE WHEN metrics ? 'revenue_lift' AND metrics -> 'revenue_lift' ->> 'value' IS NOT NULL THEN
           to_char(100 * (metrics -> 'revenue_lift' ->> 'value')::float8, 'FMSG990.0') || '% ['
           || to_char(100 * (metrics -> 'revenue_lift' ->> 'low')::float8, 'FMSG990.0') || ', '
           || to_char(100 * (metrics -> 'revenue_lift' ->> 'high')::float8, 'FMSG990.0') || ']' END AS revenue,
       CASE WHEN decision = 'continue' AND reasons <> '{}'
                 AND NOT EXISTS (SELECT 1 FROM unnest(reasons) AS r WHERE r NOT LIKE '% no data (%')
            THEN 'too early to judge: ' || substring(reasons[1] FROM '\((.*)\)')
            ELSE array_to_string(reasons, '; ') END AS why
FROM rollout_decisions WHERE rollout IN ('lesson-player-v2', 'quiz-engine-v3')
ORDER BY rollout, id;

\echo
\echo '== Where they stand: what the router sends to the treatment now'
SELECT name AS rollout, s.phase, s.state, rollout_traffic(name) AS treatment_share,
       to_char(s.next_checkpoint_at - :'t0'::timestamptz, 'FMDD"d "HH24:MI') AS "next checkpoint T+"
FROM rollouts, rollout_status(name) AS s
WHERE name IN ('lesson-player-v2', 'quiz-engine-v3') ORDER BY name;

\echo
\echo '== Why the quiz engine was rolled back, with the numbers behind it'
SELECT to_char(checkpoint_at - :'t0'::timestamptz, 'FMHH24:MI') AS "T+", reasons[1] AS failed,
       (metrics -> 'requests' ->> 'treatment') || ' treatment requests, '
       || (metrics ->> 'errors') || ' errors since the ramp began at T+'
       || to_char((metrics -> 'window' ->> 'from')::timestamptz - :'t0'::timestamptz, 'FMHH24:MI') AS evidence
FROM rollout_decisions WHERE rollout = 'quiz-engine-v3' AND decision = 'rollback';

\echo
\echo '== A broken split: the router sends 10% of learners to the search treatment under a 1% canary'
CREATE VIEW search_requests AS
    SELECT ts, CASE WHEN unit_id % 100 < 10 THEN 'treatment' ELSE 'control' END AS arm,
           is_error, latency_ms, unit_id
    FROM service_requests WHERE svc = 'quiz-engine';
SELECT rollout_create('search-v4', 'search_requests') \g /dev/null
SELECT rollout_start('search-v4', :'t0') \g /dev/null
SELECT sum(rollout_tick(t)) AS "decisions 09:00-09:30"
FROM generate_series(:'t0'::timestamptz, :'t0'::timestamptz + interval '30 minutes', interval '1 minute') AS t;
SELECT to_char(checkpoint_at - :'t0'::timestamptz, 'FMHH24:MI') AS "T+", upper(decision) AS decision, state,
       reasons[1] AS why,
       round((metrics -> 'srm' ->> 'observed_share')::numeric, 4) AS observed_share,
       (metrics -> 'srm' ->> 'planned_share')::float8 AS planned_share,
       (metrics -> 'srm' ->> 'p_value')::float8 AS p_value
FROM rollout_decisions WHERE rollout = 'search-v4' AND checkpoint_at IS NOT NULL ORDER BY id;
RESET client_min_messages;
