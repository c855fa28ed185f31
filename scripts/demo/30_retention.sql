-- Demo part 30: weekly retention and churn of the two variants.
\pset footer off

\echo
\echo '== Retention: who comes back, week by week after signup'
\echo

-- Activity events: one row per learner and calendar week in which the
-- learner was active, at a random time of that week (after the signup in
-- the signup week).  Churned learners fade out fast; the treatment keeps a
-- few more learners in the later weeks.
SELECT setseed(0.3030) \g /dev/null
CREATE TABLE learner_events AS
SELECT l.id AS learner_id,
       CASE WHEN w = 0
            THEN l.signup_at + random() * (date_trunc('week', l.signup_at) + interval '7 days' - l.signup_at)
            ELSE date_trunc('week', l.signup_at) + (w + random()) * interval '7 days'
       END AS at
FROM learners l, generate_series(0, 7) w
WHERE random() < CASE WHEN w = 0 THEN 0.95
                      WHEN l.churned THEN 0.5 * power(0.45, w)
                      ELSE 0.80 * power(CASE l.variant WHEN 'treatment' THEN 0.93 ELSE 0.91 END, w)
                 END;
ANALYZE learner_events;

-- Step 1: one activity value per learner (weeks 0-7 after the signup
-- week, ISO weeks).  The LEFT JOIN keeps learners who never came back.
SET work_mem = '256MB';
CREATE TABLE learner_activity AS
SELECT l.id, l.variant, cohort_period(l.signup_at, 'week') AS cohort_week,
       activity_agg(l.signup_at, e.at, 'week', 8) AS activity
FROM learners l LEFT JOIN learner_events e ON e.learner_id = l.id
GROUP BY l.id, l.variant, l.signup_at;
RESET work_mem;

-- Step 2, the dashboard recipe: a materialized view of weekly retention
-- values per variant and signup week, as of the data's cutoff.  Young
-- cohorts only count the weeks that have ended by then.
CREATE MATERIALIZED VIEW weekly_retention AS
SELECT variant, cohort_week,
       retention_agg(activity, timestamptz '2026-12-28 00:00+00') AS retention
FROM learner_activity GROUP BY variant, cohort_week;

\echo '-- retention matrix: % of each signup week active in week k (- = not yet ended)'
SELECT variant, to_char(cohort_week, 'YYYY-MM-DD') AS signup_week,
       units(retention) AS learners,
       (SELECT string_agg(CASE WHEN r IS NULL THEN '    -' ELSE to_char(100 * r, '990.0') END, ' ' ORDER BY k)
        FROM unnest(retention_rates(retention)) WITH ORDINALITY AS t(r, k)) AS "week 0 ... week 7"
FROM weekly_retention ORDER BY variant, cohort_week;

\echo
\echo '-- rolled up by the dashboard: the whole variant, weeks as rows'
SELECT t.period AS week,
       to_char(100 * max(t.rate) FILTER (WHERE v.variant = 'control'), '990.0') || '%' AS control,
       to_char(100 * max(t.rate) FILTER (WHERE v.variant = 'treatment'), '990.0') || '%' AS treatment,
       to_char(100 * (max(t.rate) FILTER (WHERE v.variant = 'treatment')
                      - max(t.rate) FILTER (WHERE v.variant = 'control')), 'S90.0') AS "diff pts"
FROM (SELECT variant, rollup(retention) AS r FROM weekly_retention GROUP BY variant) v,
     retention_table(v.r) t
GROUP BY t.period ORDER BY t.period;

\echo
\echo '-- churn curve: % of eligible learners never active again from week k on'
SELECT variant,
       (SELECT string_agg(coalesce(to_char(100 * churn_rate(r, k), '990.0'), '    -'), ' ' ORDER BY k)
        FROM generate_series(0, 7) k) AS "week 0 ... week 7"
FROM (SELECT variant, rollup(retention) AS r FROM weekly_retention GROUP BY variant) v
ORDER BY variant;

\echo
\echo '== A stored retention value is small and exact (treatment, first signup week):'
SELECT retention FROM weekly_retention
WHERE variant = 'treatment' ORDER BY cohort_week LIMIT 1;
