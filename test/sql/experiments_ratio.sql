-- Ratio metrics (value per covariate, delta method) against R
-- (test/ref/stats/gen_experiments.R: t.test on the linearised unit values
-- for the standard error and Welch's degrees of freedom).  GrowthBook's
-- ratio test vector is checked in test/unit/test_experiments.c, since its
-- sums are not those of real units.  Tolerances: 1e-10 relative for
-- estimates, intervals and standard errors, 1e-9 for p-values.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS cohort_analyzer;
RESET client_min_messages;
SET extra_float_digits = 0;

CREATE FUNCTION pg_temp.close(got float8, want float8, tol float8) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN got IS NULL OR want IS NULL THEN got IS NOT DISTINCT FROM want
                WHEN got = want THEN true
                ELSE abs(got - want) <= tol * greatest(abs(want), 1e-12) END
$$;

CREATE TEMP TABLE ratio_rows (id int, arm text, value float8, covariate float8);
\copy ratio_rows FROM 'test/ref/stats/ratio_rows.csv' WITH (FORMAT csv, HEADER true)
CREATE TEMP TABLE ref_ratio (id int, alpha float8, ratio_c float8, ratio_t float8, diff float8,
    low float8, high float8, se float8, df float8, t float8, p float8, rl float8, rl_low float8, rl_high float8);
\copy ref_ratio FROM 'test/ref/stats/ratio.csv' WITH (FORMAT csv, HEADER true)
CREATE TEMP TABLE ratio_arms AS
SELECT id, cohort_agg(true, false, value, covariate) FILTER (WHERE arm = 'control') AS c,
           cohort_agg(true, false, value, covariate) FILTER (WHERE arm = 'treatment') AS t
FROM ratio_rows GROUP BY id;

SELECT v.id, v.alpha, r.method,
       pg_temp.close(ratio(a.c), ratio_c, 1e-12) AND pg_temp.close(ratio(a.t), ratio_t, 1e-12) AS ratio_ok,
       pg_temp.close(r.control_estimate, ratio_c, 1e-12) AND pg_temp.close(r.treatment_estimate, ratio_t, 1e-12) AS est_ok,
       pg_temp.close(r.difference_low, low, 1e-10) AND pg_temp.close(r.difference_high, high, 1e-10) AS ci_ok,
       pg_temp.close(r.std_error, se, 1e-10) AND pg_temp.close(r.df, v.df, 1e-10) AS se_df_ok,
       pg_temp.close(r.statistic, v.t, 1e-10) AND pg_temp.close(r.p_value, v.p, 1e-9) AS p_ok,
       pg_temp.close(r.relative_lift, rl, 1e-10) AND pg_temp.close(r.relative_lift_low, rl_low, 1e-10)
           AND pg_temp.close(r.relative_lift_high, rl_high, 1e-10) AS lift_ok
FROM ref_ratio v JOIN ratio_arms a USING (id),
     LATERAL compare_cohorts(a.c, a.t, 'ratio', v.alpha) r
ORDER BY v.id, v.alpha;

-- the ratio is the sum of values over the sum of covariates, merged or not
SELECT id, pg_temp.close(ratio(c), (SELECT sum(value) / sum(covariate) FROM ratio_rows r
                                    WHERE r.id = a.id AND arm = 'control'), 1e-12) AS ratio_is_sum_over_sum,
       pg_temp.close(ratio(rollup), ratio(c), 1e-12) AS merged_ok
FROM ratio_arms a,
     LATERAL (SELECT rollup(p) FROM (SELECT cohort_agg(true, false, value, covariate) AS p FROM ratio_rows r
              WHERE r.id = a.id AND arm = 'control' GROUP BY (value * 100)::bigint % 7) s) m
ORDER BY id;

-- sequential, one-sided and chance_to_beat accept the ratio metric
SELECT a.id, s.method, s.difference = f.difference AS same_estimate, s.difference_low < f.difference_low AS wider,
       round(chance_to_beat(a.c, a.t, 'ratio')::numeric, 6) AS chance_to_beat
FROM ratio_arms a, LATERAL compare_cohorts(a.c, a.t, 'ratio') f,
     LATERAL compare_cohorts_sequential(a.c, a.t, 'ratio') s ORDER BY a.id;

-- units without a covariate do not count; covariates summing to 0 give
-- no ratio; a single unit per arm gives no variance
SELECT ratio(cohort_agg(true, false, v, x)) AS ratio
FROM (VALUES (10.0, 2.0), (5.0, NULL), (4.0, 2.0)) s(v, x);
SELECT ratio(cohort_agg(true, false, v, x)) FROM (VALUES (1.0, 1.0), (2.0, -1.0)) s(v, x);
SELECT ratio(cohort_from_counts(10, 5));
SELECT control_estimate, treatment_estimate, difference, std_error, p_value
FROM compare_cohorts((SELECT cohort_agg(true, false, 3.0, 1.0)), (SELECT cohort_agg(true, false, 4.0, 2.0)), 'ratio');
SELECT control_estimate, difference, std_error, p_value
FROM compare_cohorts((SELECT cohort_agg(true, false, v, x) FROM (VALUES (1.0, 1.0), (2.0, -1.0)) s(v, x)),
                     (SELECT cohort_agg(true, false, v, x) FROM (VALUES (1.0, 1.0), (2.0, 1.0)) s(v, x)), 'ratio');
-- a constant ratio in both arms: zero variance, no statistic
SELECT difference, std_error, statistic, p_value
FROM compare_cohorts((SELECT cohort_agg(true, false, 2 * x, x) FROM generate_series(1, 10) x),
                     (SELECT cohort_agg(true, false, 3 * x, x) FROM generate_series(1, 10) x), 'ratio');
-- huge values: the variance is formed without powers of the means
SELECT round(control_estimate::numeric, 6) AS control, round(treatment_estimate::numeric, 6) AS treatment,
       p_value > 0 AND p_value < 1 AS p_in_range
FROM compare_cohorts((SELECT cohort_agg(true, false, x * 1e150 * (1 + (x % 3) * 0.1), x * 1e150) FROM generate_series(1, 20) x),
                     (SELECT cohort_agg(true, false, x * 1e150 * (1.2 + (x % 3) * 0.1), x * 1e150) FROM generate_series(1, 20) x),
                     'ratio');
\set VERBOSITY sqlstate
SELECT compare_cohorts(cohort_from_counts(10, 1), cohort_from_counts(10, 2), 'ratios');
\set VERBOSITY default
SELECT ratio(NULL) IS NULL AS is_null;
