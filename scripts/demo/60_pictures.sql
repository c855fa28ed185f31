-- Demo part 60: pictures of the data above, written as files for a browser.
-- psql variable out_dir: the folder to write to, relative to the current
-- directory (scripts/demo.sh passes .demo).
\if :{?out_dir}
\else
\set out_dir .
\endif
\pset footer off
\pset format unaligned
\pset tuples_only on

\echo
\echo '== Pictures of the data above, written under' `pwd` '(open them in a browser)'

\set file :out_dir '/retention_heatmap.svg'
SELECT retention_heatmap(array_agg(variant || ' ' || to_char(cohort_week, 'YYYY-MM-DD') ORDER BY variant, cohort_week),
                         array_agg(retention ORDER BY variant, cohort_week),
                         'Weekly retention by signup week (ISO weeks, data as of 2026-12-28)')
FROM weekly_retention \g :file
\echo '  retention by signup week, per variant (weekly_retention):       ' :file

\set file :out_dir '/survival_plot.svg'
SELECT survival_plot(array_agg(variant ORDER BY variant), array_agg(s ORDER BY variant),
                     'Learners not yet churned, days since signup (data as of 2026-11-30)', 0.95, 'days since signup')
FROM variant_survival \g :file
\echo '  churn survival curves with 95% bands (variant_survival):        ' :file

\set file :out_dir '/latency_plot.svg'
SELECT latency_plot(array_agg(variant ORDER BY variant), array_agg(s ORDER BY variant),
                    'Canary request latency, 2 hours (per-minute sketches rolled up)')
FROM (SELECT variant, rollup(sketch) AS s FROM latency_minutes GROUP BY variant) v \g :file
\echo '  latency percentiles per variant (latency_minutes):              ' :file

\set file :out_dir '/rollout_quiz-engine-v3.html'
SELECT rollout_report('quiz-engine-v3') \g :file
\echo '  report of quiz-engine-v3, rolled back (rollouts, decisions):    ' :file

\set file :out_dir '/rollout_lesson-player-v2.html'
SELECT rollout_report('lesson-player-v2') \g :file
\echo '  report of lesson-player-v2, completed (rollouts, decisions):    ' :file
