-- Demo part 35: churn as survival, with learners still active censored.
\pset footer off

\echo
\echo '== Churn survival (Kaplan-Meier), data as of 2026-11-30'
\echo

-- The sample records whether a learner churned, not when.  Each churn is
-- placed on a day after signup drawn from the learner's id (roughly
-- exponential, mean 12 days); churns that would fall after the as-of date
-- have not happened yet, so those learners count as still active.  Active
-- learners are censored at their follow-up time, not counted as retained.
-- (A table, not a temporary one: the churn prediction part reuses it.)
CREATE TABLE churn_durations AS
WITH followed AS (
    SELECT id, variant, signup_at, churned, pre_revenue,
           extract(epoch FROM timestamptz '2026-11-30 00:00+00' - signup_at) / 86400 AS follow_up,
           1 + floor(-12 * ln(((hashint4(id)::bigint & 2147483647) + 1) / 2147483648.0)) AS churn_day
    FROM learners
)
SELECT id, variant, signup_at, pre_revenue,
       CASE WHEN churned AND churn_day <= follow_up THEN churn_day
            ELSE floor(follow_up) END AS days,
       churned AND churn_day <= follow_up AS churned,
       CASE WHEN churned THEN churn_day END AS churn_day
FROM followed;

-- One stored survival value per variant; a dashboard rolls them up.
CREATE TABLE variant_survival AS
SELECT variant, survival_agg(days, churned) AS s FROM churn_durations GROUP BY variant;

\echo 'Share still active after 1 to 4 weeks since signup [95% interval]:'
SELECT v.variant,
       (v.s::jsonb ->> 'observations')::bigint AS learners,
       (v.s::jsonb ->> 'events')::bigint AS churned,
       k.*,
       coalesce(median_survival(v.s)::text || ' days', 'not reached') AS median
FROM variant_survival v
CROSS JOIN LATERAL (
    SELECT max(active) FILTER (WHERE week = 1) AS "week 1",
           max(active) FILTER (WHERE week = 2) AS "week 2",
           max(active) FILTER (WHERE week = 3) AS "week 3",
           max(active) FILTER (WHERE week = 4) AS "week 4"
    FROM generate_series(1, 4) AS week
    CROSS JOIN LATERAL (
        SELECT to_char(100 * c.survival, 'FM990.0') || '% ['
               || to_char(100 * c.ci_low, 'FM990.0') || '-'
               || to_char(100 * c.ci_high, 'FM990.0') || ']' AS active
        FROM survival_curve(v.s) c
        WHERE c.time <= 7 * week
        ORDER BY c.time DESC LIMIT 1
    ) a
) k
ORDER BY v.variant;

\echo 'Log-rank test, control vs treatment (are the churn curves different?):'
SELECT round(t.chisq::numeric, 3) AS chisq, t.df, round(t.p_value::numeric, 4) AS p_value,
       CASE WHEN t.p_value < 0.05 THEN 'curves differ at the 5% level'
            ELSE 'no significant difference yet' END AS verdict
FROM logrank_test((SELECT s FROM variant_survival WHERE variant = 'control'),
                  (SELECT s FROM variant_survival WHERE variant = 'treatment')) t;
