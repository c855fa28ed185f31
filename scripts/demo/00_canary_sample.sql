-- Demo part 0: the canary sample and each variant's cohort summary.
\pset footer off
SET client_min_messages = warning;
CREATE EXTENSION cohort_analyzer;
RESET client_min_messages;

\echo
\echo '== The canary phase: 500,000 learners, 1% routed to the treatment'
\echo

-- A deterministic sample: completion +7% relative, churn -3% relative and
-- revenue per learner +5.8% in the treatment; pre-period revenue as CUPED
-- covariate; 3% of learners still enrolled (completion not yet known).
SELECT setseed(0.2026) \g /dev/null
CREATE TABLE learners AS
WITH draws AS (
    SELECT id,
           CASE WHEN random() < 0.01 THEN 'treatment' ELSE 'control' END AS variant,
           random() AS u_completed, random() AS u_churned, random() AS u_enrolled,
           sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()) AS z,
           random() AS u_noise, random() AS u_signup
    FROM generate_series(1, 500000) AS id
)
SELECT id, variant,
       timestamptz '2026-11-02 09:00+00' + u_signup * interval '14 days' AS signup_at,
       CASE WHEN u_enrolled < 0.03 THEN NULL
            ELSE u_completed < CASE variant WHEN 'treatment' THEN 0.42 * 1.07 ELSE 0.42 END
       END AS completed,
       u_churned < CASE variant WHEN 'treatment' THEN 0.12 * 0.97 ELSE 0.12 END AS churned,
       round((exp(3.0 + 0.8 * z) * (0.6 + 0.8 * u_noise)
              * CASE variant WHEN 'treatment' THEN 1.058 ELSE 1 END)::numeric, 2)::float8 AS revenue,
       round(exp(3.0 + 0.8 * z)::numeric, 2)::float8 AS pre_revenue
FROM draws;
ANALYZE learners;

-- One summary per variant, as a dashboard would store it.
CREATE TABLE variant_cohorts AS
SELECT variant, cohort_agg(completed, churned, revenue, pre_revenue) AS summary
FROM learners GROUP BY variant;

SELECT variant,
       units(summary) AS learners,
       to_char(100 * completion_rate(summary), 'FM990.00') || '%' AS completion,
       to_char(100 * churn_rate(summary), 'FM990.00') || '%' AS churn,
       to_char(value_mean(summary), 'FM9990.00') AS revenue_mean,
       to_char(value_stddev(summary), 'FM9990.00') AS revenue_sd,
       units(summary) - completion_known(summary) AS still_enrolled
FROM variant_cohorts ORDER BY variant;

\echo
\echo '== A stored summary is a small, exact value (text form):'
SELECT summary FROM variant_cohorts WHERE variant = 'treatment';
