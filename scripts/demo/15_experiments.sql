-- Demo part 15: can the test be trusted (an A/A check on the control
-- learners), does the effect differ between segments, and what does each
-- decision risk?
\pset footer off

\echo
\echo '== A/A check: the control learners split 200 times into two pseudo-arms'
\echo '   (a sound pipeline rejects about alpha = 5% of the splits, p-values uniform)'
SELECT r.metric, r.splits, r.rejections,
       to_char(100 * r.false_positive_rate, 'FM990.0') || '% [' || to_char(100 * r.fpr_low, 'FM990.0')
           || ', ' || to_char(100 * r.fpr_high, 'FM990.0') || ']' AS false_positive_rate_95ci,
       round(r.uniformity_p_value::numeric, 3) AS uniformity_p,
       CASE WHEN r.fpr_low > 0.05 OR r.uniformity_p_value < 0.001 THEN 'SUSPECT' ELSE 'ok' END AS verdict
FROM (SELECT aa_agg(id::text, completed, churned, revenue) AS a FROM learners WHERE variant = 'control') s,
     unnest(ARRAY['completion', 'churn', 'value']) AS m(metric),
     LATERAL aa_report(s.a, m.metric) r;

\echo
\echo '== The same check on a broken export: one row per session (3 per learner)'
SELECT r.metric, to_char(100 * r.false_positive_rate, 'FM990.0') || '%' AS false_positive_rate,
       to_char(r.uniformity_p_value, '9.9EEEE') AS uniformity_p,
       CASE WHEN r.fpr_low > 0.05 OR r.uniformity_p_value < 0.001 THEN 'SUSPECT' ELSE 'ok' END AS verdict
FROM (SELECT aa_agg(id::text, completed, churned, revenue) AS a
      FROM learners, generate_series(1, 3) AS session
      WHERE variant = 'control' AND id % 5 = 0) s,
     LATERAL aa_report(s.a, 'completion') r;

\echo
\echo '== Completion by platform: per-segment lift, Holm across segments, and whether it differs'
CREATE TEMP TABLE segments AS
SELECT (ARRAY['android', 'ios', 'web'])[1 + id % 3] AS platform, r.*
FROM (SELECT id % 3 AS id,
             cohort_agg(completed, churned, revenue) FILTER (WHERE variant = 'control') AS c,
             cohort_agg(completed, churned, revenue) FILTER (WHERE variant = 'treatment') AS t
      FROM learners GROUP BY id % 3) s,
     LATERAL compare_cohorts(s.c, s.t, 'completion') r;
SELECT platform,
       to_char(100 * control_estimate, 'FM990.00') || '% -> ' || to_char(100 * treatment_estimate, 'FM990.00') || '%' AS completion,
       to_char(100 * difference, 'FMSG990.00') || ' pt ± ' || to_char(196 * std_error, 'FM990.00') AS difference_95ci,
       round(p_value::numeric, 4) AS p_value,
       round(((p_adjust(array_agg(p_value) OVER (), 'holm'))[row_number() OVER (ORDER BY platform)])::numeric, 4) AS holm_p
FROM segments ORDER BY platform;
SELECT round(q::numeric, 2) AS cochran_q, df, round(p_value::numeric, 3) AS p_value,
       round(i_squared::numeric, 2) AS i_squared,
       CASE WHEN p_value < 0.05 THEN 'the effect differs by platform' ELSE 'no evidence that the effect differs' END AS reading
FROM heterogeneity_test(ARRAY(SELECT difference FROM segments ORDER BY platform),
                        ARRAY(SELECT std_error FROM segments ORDER BY platform));

\echo
\echo '== Risk of each decision (expected loss, in points of completion / churn, in revenue)'
SELECT m.metric,
       round((CASE WHEN m.metric = 'value' THEN 1 ELSE 100 END * l.choose_control)::numeric, 4) AS if_we_keep_control,
       round((CASE WHEN m.metric = 'value' THEN 1 ELSE 100 END * l.choose_treatment)::numeric, 4) AS if_we_ship_treatment
FROM variant_cohorts c, variant_cohorts t,
     unnest(ARRAY['completion', 'churn', 'value']) AS m(metric),
     LATERAL expected_loss(c.summary, t.summary, m.metric) l
WHERE c.variant = 'control' AND t.variant = 'treatment';

\echo
\echo '== Planning the next phase: learners per arm for the observed completion lift, and the lift 5,000 per arm can see'
SELECT ceil(sample_size_proportions(0.42, 0.42 * 1.07)) AS per_arm_for_7pct,
       to_char(100 * minimum_detectable_effect_proportions(5000, 0.42), 'FM990.00') || ' pt' AS mde_at_5000,
       round(power_proportions(5000, 0.42, 0.42 * 1.07)::numeric, 3) AS power_at_5000;
