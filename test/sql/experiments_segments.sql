-- The standard error in cohort_comparison, heterogeneity_test and
-- compare_arms, against R (test/ref/stats/gen_experiments.R): Q and its
-- p-value by hand from the per-segment differences, t.test's stderr,
-- prop.test and p.adjust per arm.  Tolerances: 1e-10 relative for
-- standard errors and Q, 1e-9 for p-values.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS cohort_analyzer;
RESET client_min_messages;
SET extra_float_digits = 0;

CREATE FUNCTION pg_temp.close(got float8, want float8, tol float8) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN got IS NULL OR want IS NULL THEN got IS NOT DISTINCT FROM want
                WHEN got = want THEN true
                ELSE abs(got - want) <= tol * greatest(abs(want), 1e-300) END
$$;

-- per-segment comparisons: the standard error of the difference
CREATE TEMP TABLE ref_seg (case_id int, segment text, xc bigint, nc bigint, xt bigint, nt bigint,
    diff float8, se float8);
\copy ref_seg FROM 'test/ref/stats/segments.csv' WITH (FORMAT csv, HEADER true)
CREATE TEMP TABLE seg AS
SELECT s.case_id, s.segment, r.*
FROM ref_seg s, LATERAL compare_cohorts(cohort_from_counts(nc, xc), cohort_from_counts(nt, xt)) r;
SELECT count(*) AS segments,
       count(*) FILTER (WHERE pg_temp.close(g.difference, s.diff, 1e-12) AND pg_temp.close(g.std_error, s.se, 1e-10)) AS ok,
       count(*) FILTER (WHERE pg_temp.close(g.difference_high - g.difference, 1.959963984540054 * g.std_error, 1e-12)) AS interval_is_se
FROM seg g JOIN ref_seg s USING (case_id, segment);

-- Cochran's Q over the segments
CREATE TEMP TABLE ref_het (case_id int, q float8, df int, p float8, i2 float8, pooled float8, pooled_se float8);
\copy ref_het FROM 'test/ref/stats/heterogeneity.csv' WITH (FORMAT csv, HEADER true)
SELECT case_id, h.df = r.df AS df_ok, pg_temp.close(h.q, r.q, 1e-10) AS q_ok, pg_temp.close(h.p_value, r.p, 1e-9) AS p_ok,
       pg_temp.close(h.i_squared, r.i2, 1e-10) AS i2_ok,
       pg_temp.close(h.pooled_estimate, r.pooled, 1e-10) AND pg_temp.close(h.pooled_std_error, r.pooled_se, 1e-10) AS pooled_ok,
       round(h.p_value::numeric, 4) AS p_value, round(h.i_squared::numeric, 3) AS i_squared
FROM ref_het r,
     LATERAL (SELECT (heterogeneity_test(array_agg(difference ORDER BY segment), array_agg(std_error ORDER BY segment))).*
              FROM seg WHERE seg.case_id = r.case_id) h
ORDER BY case_id;

-- the documented pattern: one row per segment, a correction across them,
-- and whether the effect differs
CREATE TEMP TABLE units AS
SELECT i, (ARRAY['android', 'ios', 'web'])[1 + i % 3] AS segment,
       CASE WHEN i % 2 = 0 THEN 'control' ELSE 'treatment' END AS variant,
       (i * 7919) % 100 < CASE WHEN i % 2 = 0 THEN 40 ELSE (ARRAY[41, 46, 55])[1 + i % 3] END AS completed
FROM generate_series(1, 6000) i;
CREATE TEMP TABLE compared AS
WITH per_segment AS (
    SELECT segment, cohort_agg(completed, false) FILTER (WHERE variant = 'control') AS c,
                    cohort_agg(completed, false) FILTER (WHERE variant = 'treatment') AS t
    FROM units GROUP BY segment)
SELECT segment, r.* FROM per_segment, LATERAL compare_cohorts(c, t) r;
SELECT segment, round(difference::numeric, 4) AS difference, round(std_error::numeric, 5) AS std_error,
       round(p_value::numeric, 6) AS p_value,
       round((p_adjust(array_agg(p_value) OVER (), 'holm'))[row_number() OVER (ORDER BY segment)]::numeric, 6) AS holm
FROM compared ORDER BY segment;
SELECT round(h.q::numeric, 4) AS q, h.df, round(h.p_value::numeric, 6) AS p_value, round(h.i_squared::numeric, 4) AS i_squared
FROM heterogeneity_test(ARRAY(SELECT difference FROM compared ORDER BY segment),
                        ARRAY(SELECT std_error FROM compared ORDER BY segment)) h;

-- heterogeneity_test edge cases: identical estimates (Q = 0: I² undefined),
-- NULL segments left out, tiny and huge standard errors
SELECT q, df, p_value, i_squared, pooled_estimate FROM heterogeneity_test('{0.1, 0.1, 0.1}', '{0.01, 0.02, 0.03}');
SELECT round(q::numeric, 6) AS q, df FROM heterogeneity_test('{0.1, NULL, 0.3, 0.2}', '{0.1, 0.2, NULL, 0.1}');
SELECT round(q::numeric, 6) AS q, round(pooled_estimate::numeric, 6) AS pooled
FROM heterogeneity_test('{1e-200, 3e-200}', '{1e-200, 1e-200}');
SELECT round(q::numeric, 6) AS q, round(p_value::numeric, 6) AS p FROM heterogeneity_test('{1e200, 3e200}', '{1e200, 1e200}');

-- the standard error on values: t.test(...)$stderr
CREATE TEMP TABLE ref_rows (id int, arm text, value float8, covariate float8);
\copy ref_rows FROM 'test/ref/stats/compare_value_rows.csv' WITH (FORMAT csv, HEADER true)
CREATE TEMP TABLE ref_vse (id int, std_error float8);
\copy ref_vse FROM 'test/ref/stats/value_std_error.csv' WITH (FORMAT csv, HEADER true)
SELECT v.id, pg_temp.close(r.std_error, v.std_error, CASE WHEN v.id = 5 THEN 1e-8 ELSE 1e-10 END) AS std_error_ok,
       pg_temp.close(s.std_error, r.std_error, 1e-15) AS sequential_same
FROM ref_vse v,
     LATERAL (SELECT cohort_agg(true, false, value) FILTER (WHERE arm = 'control') AS c,
                     cohort_agg(true, false, value) FILTER (WHERE arm = 'treatment') AS t
              FROM ref_rows WHERE ref_rows.id = v.id) a,
     LATERAL compare_cohorts(a.c, a.t, 'value') r,
     LATERAL compare_cohorts_sequential(a.c, a.t, 'value') s
ORDER BY v.id;
-- no standard error without variance or units
SELECT std_error FROM compare_cohorts(cohort_from_counts(100, 100), cohort_from_counts(50, 50));
SELECT std_error FROM compare_cohorts(cohort_from_counts(0, 0), cohort_from_counts(10, 5));

-- several arms: prop.test per arm against the control, p.adjust across arms
CREATE TEMP TABLE ref_arm_counts (case_id int, arm text, x bigint, n bigint);
\copy ref_arm_counts FROM 'test/ref/stats/arms_counts.csv' WITH (FORMAT csv, HEADER true)
CREATE TEMP TABLE ref_arms (case_id int, arm text, method text, p float8, adjusted float8);
\copy ref_arms FROM 'test/ref/stats/arms.csv' WITH (FORMAT csv, HEADER true)
SELECT r.case_id, r.method, count(*) AS arms,
       bool_and(pg_temp.close(a.p_value, r.p, 1e-9)) AS p_ok,
       bool_and(pg_temp.close(a.adjusted_p_value, r.adjusted, 1e-9)) AS adjusted_ok,
       bool_and(a.significant = (r.adjusted < 0.05)) AS significant_ok
FROM ref_arms r,
     LATERAL (SELECT array_agg(cohort_from_counts(n, x) ORDER BY arm) AS summaries, array_agg(arm ORDER BY arm) AS names
              FROM ref_arm_counts c WHERE c.case_id = r.case_id) s,
     LATERAL compare_arms(s.summaries, s.names, 'control', 'completion', 0.05, 'two-sided', r.method) a
WHERE a.arm = r.arm
GROUP BY r.case_id, r.method ORDER BY r.case_id, r.method;
-- one row per treatment arm, in the order given, holm by default
SELECT arm, metric, round(difference::numeric, 4) AS difference, round(p_value::numeric, 6) AS p,
       round(adjusted_p_value::numeric, 6) AS holm, significant
FROM compare_arms(ARRAY[cohort_from_counts(2000, 660), cohort_from_counts(2000, 600), cohort_from_counts(2000, 650)],
                  '{fast, control, hints}', 'control');
-- values and a one-sided alternative; the control compared with itself
SELECT arm, method, difference, std_error IS NOT NULL AS has_se, significant
FROM compare_arms(ARRAY[(SELECT cohort_agg(true, false, v) FROM generate_series(1, 50) v),
                        (SELECT cohort_agg(true, false, v + 10) FROM generate_series(1, 50) v)],
                  '{a, b}', 'a', 'value', 0.05, 'greater', 'none');

-- bad input
\set VERBOSITY sqlstate
SELECT heterogeneity_test('{0.1}', '{0.1}');
SELECT heterogeneity_test('{0.1, 0.2}', '{0.1}');
SELECT heterogeneity_test('{0.1, 0.2}', '{0.1, 0}');
SELECT heterogeneity_test('{0.1, 0.2}', '{0.1, -1}');
SELECT heterogeneity_test('{0.1, NaN}', '{0.1, 0.1}');
SELECT heterogeneity_test('{0.1, 0.2}', '{0.1, Infinity}');
SELECT heterogeneity_test('{{0.1, 0.2}}', '{{0.1, 0.1}}');
SELECT * FROM compare_arms(ARRAY[cohort_from_counts(10, 1), cohort_from_counts(10, 2)], '{a, b}', 'z');
SELECT * FROM compare_arms(ARRAY[cohort_from_counts(10, 1), cohort_from_counts(10, 2)], '{a}', 'a');
SELECT * FROM compare_arms(ARRAY[cohort_from_counts(10, 1), cohort_from_counts(10, 2)], '{a, a}', 'a');
SELECT * FROM compare_arms(ARRAY[cohort_from_counts(10, 1)], '{a}', 'a');
SELECT * FROM compare_arms(ARRAY[cohort_from_counts(10, 1), NULL], '{a, b}', 'a');
SELECT * FROM compare_arms(ARRAY[cohort_from_counts(10, 1), cohort_from_counts(10, 2)], '{a, b}', 'a', 'completion', 0.05, 'two-sided', 'sidak');
SELECT * FROM compare_arms(ARRAY[cohort_from_counts(10, 1), cohort_from_counts(10, 2)], '{a, b}', 'a', 'revenue');
\set VERBOSITY default
SELECT heterogeneity_test('{0.1, 0.2}', '{0.1, 0}');
SELECT * FROM compare_arms(ARRAY[cohort_from_counts(10, 1), cohort_from_counts(10, 2)], '{a, b}', 'z');
-- STRICT
SELECT count(*) AS no_rows FROM compare_arms(NULL, '{a}', 'a');
