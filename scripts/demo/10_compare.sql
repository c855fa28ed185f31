-- Demo part 10: is the canary better?  Completion, churn and revenue per
-- learner compared with their intervals, p-values, the sequential (safe to
-- peek) interval and the sample-ratio check.
\pset footer off

\echo
\echo '== Sample ratio check: the canary was configured for a 1% treatment share'
SELECT units(t.summary) AS treatment, units(c.summary) AS control,
       round(100.0 * units(t.summary) / (units(t.summary) + units(c.summary)), 3) || '%' AS observed_share,
       to_char(srm_test(units(c.summary), units(t.summary), 0.01), '9.9EEEE') AS srm_p,
       CASE WHEN srm_test(units(c.summary), units(t.summary), 0.01) < 0.001
            THEN 'MISMATCH: assignment broken, do not trust the comparison' ELSE 'ok' END AS verdict
FROM variant_cohorts c, variant_cohorts t
WHERE c.variant = 'control' AND t.variant = 'treatment';

\echo
\echo '== What an SRM looks like: 5,900 of 500,000 learners in a 1% canary'
SELECT to_char(srm_test(494100, 5900, 0.01), '9.9EEEE') AS srm_p;

\echo
\echo '== Treatment vs control on the learners sample (fixed horizon: read once, at the end of the phase)'
SELECT CASE WHEN r.metric = 'value_cuped' THEN 'revenue (CUPED)'
            WHEN r.metric = 'value' THEN 'revenue' ELSE r.metric END AS outcome,
       CASE WHEN r.metric IN ('completion', 'churn')
            THEN to_char(100 * r.control_estimate, 'FM990.00') || '% -> ' || to_char(100 * r.treatment_estimate, 'FM990.00') || '%'
            ELSE to_char(r.control_estimate, 'FM9990.00') || ' -> ' || to_char(r.treatment_estimate, 'FM9990.00') END AS control_to_treatment,
       to_char(100 * r.relative_lift, 'FMSG990.0') || '% [' || to_char(100 * r.relative_lift_low, 'FMSG990.0')
           || ', ' || to_char(100 * r.relative_lift_high, 'FMSG990.0') || ']' AS lift_95ci,
       to_char(r.p_value, '9.9EEEE') AS p_value,
       r.significant
FROM variant_cohorts c, variant_cohorts t,
     unnest(ARRAY['completion', 'churn', 'value', 'value_cuped']) AS m(metric),
     LATERAL compare_cohorts(c.summary, t.summary, m.metric) r
WHERE c.variant = 'control' AND t.variant = 'treatment';

\echo
\echo '== The same, safe to read at every checkpoint (sequential), and the chance that the treatment is better'
SELECT CASE WHEN m.metric = 'value_cuped' THEN 'revenue (CUPED)'
            WHEN m.metric = 'value' THEN 'revenue' ELSE m.metric END AS outcome,
       to_char(100 * s.relative_lift_low, 'FMSG990.0') || '% .. ' || to_char(100 * s.relative_lift_high, 'FMSG990.0') || '%' AS sequential_lift,
       s.significant AS seq_significant,
       round(chance_to_beat(c.summary, t.summary, m.metric)::numeric, 3) AS chance_to_beat
FROM variant_cohorts c, variant_cohorts t,
     unnest(ARRAY['completion', 'churn', 'value', 'value_cuped']) AS m(metric),
     LATERAL compare_cohorts_sequential(c.summary, t.summary, m.metric) s
WHERE c.variant = 'control' AND t.variant = 'treatment';

\echo
\echo '== Guardrail: revenue must stay neutral within +-3% (the sequential interval is safe at every checkpoint)'
SELECT to_char(100 * relative_lift_low, 'FMSG990.00') || '% .. ' || to_char(100 * relative_lift_high, 'FMSG990.00') || '%' AS revenue_lift_interval,
       CASE WHEN relative_lift_low > -0.03 THEN 'pass: a loss beyond 3% is ruled out'
            WHEN relative_lift_high < -0.03 THEN 'FAIL: revenue dropped by more than 3%'
            ELSE 'undecided: keep collecting' END AS verdict
FROM variant_cohorts c, variant_cohorts t,
     LATERAL compare_cohorts_sequential(c.summary, t.summary, 'value_cuped') s
WHERE c.variant = 'control' AND t.variant = 'treatment';

\echo
\echo '== Three metrics read together: Holm-adjusted p-values; and the ramp size for the completion effect'
SELECT metric, to_char(p, '9.9EEEE') AS p_value, to_char(holm, '9.9EEEE') AS holm_adjusted
FROM (SELECT array_agg(m.metric ORDER BY m.metric) AS metrics, array_agg(r.p_value ORDER BY m.metric) AS ps
      FROM variant_cohorts c, variant_cohorts t,
           unnest(ARRAY['churn', 'completion', 'value_cuped']) AS m(metric),
           LATERAL compare_cohorts(c.summary, t.summary, m.metric) r
      WHERE c.variant = 'control' AND t.variant = 'treatment') s,
     unnest(metrics, ps, p_adjust(ps, 'holm')) AS u(metric, p, holm);
SELECT ceil(sample_size_proportions(0.42, 0.42 * 1.07, 0.05, 0.8)) AS learners_per_arm_to_detect_7pct_completion_lift;
