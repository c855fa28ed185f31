-- Demo part 38: churn prediction: the hazard ratio of the canary, every
-- active learner scored for churn within the next week, the scores graded
-- a week later, and trends across daily signup cohorts.
\pset footer off

\echo
\echo '== Churn prediction'
\echo

-- Segments: variant and pre-period spend tier.
CREATE TABLE learner_segments AS
SELECT id, variant || ' / ' || CASE WHEN pre_revenue < 14 THEN 'low spend'
                                    WHEN pre_revenue < 28 THEN 'mid spend'
                                    ELSE 'high spend' END AS segment,
       CASE WHEN pre_revenue < 14 THEN 'low' WHEN pre_revenue < 28 THEN 'mid' ELSE 'high' END AS tier
FROM churn_durations;

\echo 'Hazard ratio of churn, treatment against control (Cox model, Efron ties):'
SELECT round(h.hazard_ratio::numeric, 3) AS hazard_ratio,
       '[' || round(h.low::numeric, 3) || ', ' || round(h.high::numeric, 3) || ']' AS "95% interval",
       round(h.p_value::numeric, 4) AS p_value,
       round(h.log_rank_p_value::numeric, 4) AS log_rank_p,
       round(s.p_value::numeric, 4) AS "log-rank p within spend tiers"
FROM hazard_ratio((SELECT survival_agg(days, churned) FROM churn_durations WHERE variant = 'control'),
                  (SELECT survival_agg(days, churned) FROM churn_durations WHERE variant = 'treatment')) h,
     (SELECT (stratified_logrank_test(control, treatment)).*
      FROM (SELECT g.tier,
                   survival_agg(d.days, d.churned) FILTER (WHERE d.variant = 'control') AS control,
                   survival_agg(d.days, d.churned) FILTER (WHERE d.variant = 'treatment') AS treatment
            FROM churn_durations d JOIN learner_segments g USING (id) GROUP BY g.tier) t) s;

-- Scores as of 2026-11-23: each segment's curve from what was known then,
-- and each learner still active then scored with it at their own tenure.
CREATE TABLE churn_scores AS
WITH known AS (
    SELECT d.id, g.segment, d.churn_day,
           extract(epoch FROM timestamptz '2026-11-23 00:00+00' - d.signup_at) / 86400 AS follow_up
    FROM churn_durations d JOIN learner_segments g USING (id)
), durations AS (
    SELECT id, segment,
           CASE WHEN churn_day <= follow_up THEN churn_day ELSE floor(follow_up) END AS days,
           coalesce(churn_day <= follow_up, false) AS churned
    FROM known
), curves AS (
    SELECT segment, survival_agg(days, churned) AS s FROM durations GROUP BY segment
), scores AS MATERIALIZED (
    -- tenures are whole days: each (segment, tenure) is scored once
    SELECT t.segment, t.days, p.probability, p.low, p.high
    FROM (SELECT DISTINCT segment, days FROM durations WHERE NOT churned) t
    JOIN curves c USING (segment)
    CROSS JOIN LATERAL churn_probability(c.s, t.days, 7) p
)
SELECT d.id, d.segment, d.days AS tenure, s.probability, s.low, s.high,
       timestamptz '2026-11-23 00:00+00' AS scored_at
FROM durations d
JOIN scores s USING (segment, days)
WHERE NOT d.churned;

\echo
\echo 'Active learners on 2026-11-23, risk of churning within 7 days, by segment:'
SELECT segment, count(*) AS active,
       to_char(100 * avg(probability), 'FM990.00') || '%' AS mean_risk,
       to_char(100 * min(probability), 'FM990.00') || '% - '
           || to_char(100 * max(probability), 'FM990.00') || '%' AS range
FROM churn_scores GROUP BY segment ORDER BY avg(probability) DESC;

\echo 'Top-risk segment (where a retention campaign should start):'
SELECT segment, count(*) AS active,
       to_char(100 * avg(probability), 'FM990.00') || '%' AS mean_risk,
       round(sum(probability)) AS expected_churns_next_week
FROM churn_scores GROUP BY segment ORDER BY avg(probability) DESC LIMIT 1;

\echo 'The scores graded on 2026-11-30 against who churned in that week:'
SELECT q.n AS scored, round(q.auc::numeric, 3) AS auc, round(q.brier::numeric, 4) AS brier,
       (SELECT string_agg(to_char(100 * (b ->> 'predicted')::float8, 'FM990.0') || '% predicted, '
                          || to_char(100 * (b ->> 'observed')::float8, 'FM990.0') || '% churned (n = '
                          || (b ->> 'n') || ')', '; ')
        FROM jsonb_array_elements(q.calibration) b) AS calibration
FROM (SELECT (prediction_score_agg(s.probability, d.churned)).*
      FROM churn_scores s JOIN churn_durations d USING (id)) q;

\echo
\echo 'Trends across the 14 daily signup cohorts (Cochran-Armitage; regression for revenue):'
SELECT t.metric, to_char(r.slope * CASE WHEN t.metric = 'value' THEN 1 ELSE 100 END, 'FMS990.000')
                 || CASE WHEN t.metric = 'value' THEN ' per day' ELSE ' points per day' END AS slope,
       round(r.p_value::numeric, 4) AS p_value,
       CASE WHEN r.p_value < 0.05 THEN 'trend' ELSE 'no trend' END AS verdict
FROM (SELECT array_agg(c ORDER BY day) AS cohorts
      FROM (SELECT date_trunc('day', signup_at, 'UTC') AS day,
                   cohort_agg(completed, churned, revenue) AS c
            FROM learners GROUP BY 1) d) w,
     (VALUES ('completion'), ('churn'), ('value')) t(metric),
     trend_test(w.cohorts, t.metric) r;
