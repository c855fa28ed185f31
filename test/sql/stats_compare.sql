-- compare_cohorts, compare_cohorts_sequential and chance_to_beat against
-- R (test/ref/stats/gen_stats.R), GrowthBook's gbstats test vectors and
-- the NIST AUTO83B example.  Tolerances: p-values 1e-9 relative, intervals
-- and estimates 1e-10 relative.
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

-- two-proportion z-test: R prop.test(c(xt, xc), c(nt, nc), correct = FALSE)
CREATE TEMP TABLE ref_prop (id int, xc bigint, nc bigint, xt bigint, nt bigint, alpha float8,
    alternative text, diff float8, low float8, high float8, z float8, p float8,
    rl float8, rl_low float8, rl_high float8);
\copy ref_prop FROM 'test/ref/stats/compare_prop.csv' WITH (FORMAT csv, HEADER true)

SELECT id, m.metric, alternative,
       pg_temp.close(r.difference, diff, 1e-10) AS diff_ok,
       pg_temp.close(r.difference_low, low, 1e-10) AND pg_temp.close(r.difference_high, high, 1e-10) AS ci_ok,
       pg_temp.close(r.statistic, z, 1e-10) AS z_ok,
       pg_temp.close(r.p_value, p, 1e-9) AS p_ok,
       pg_temp.close(r.relative_lift, rl, 1e-10) AND pg_temp.close(r.relative_lift_low, rl_low, 1e-10)
           AND pg_temp.close(r.relative_lift_high, rl_high, 1e-10) AS lift_ok,
       r.significant = (p < alpha) AS sig_ok
FROM ref_prop,
     LATERAL (VALUES ('completion', cohort_from_counts(nc, xc, 0), cohort_from_counts(nt, xt, 0)),
                     ('churn', cohort_from_counts(nc, 0, xc), cohort_from_counts(nt, 0, xt))) m(metric, c, t),
     LATERAL compare_cohorts(m.c, m.t, m.metric, alpha, alternative) r
WHERE xc > 0
ORDER BY id, m.metric;

-- the canary's completion: the p-value is a number, not 0
SELECT method, round(difference::numeric, 6) AS difference, round(relative_lift::numeric, 6) AS lift,
       round(statistic::numeric, 6) AS z, df, to_char(p_value, '9.999EEEE') AS p_value, significant
FROM compare_cohorts(cohort_from_counts(3000, 1396), cohort_from_counts(3461, 2422));

-- Welch t-test and CUPED: R t.test on the raw rows (pooled theta for CUPED)
CREATE TEMP TABLE ref_rows (id int, arm text, value float8, covariate float8);
\copy ref_rows FROM 'test/ref/stats/compare_value_rows.csv' WITH (FORMAT csv, HEADER true)
CREATE TEMP TABLE ref_value (id int, metric text, alpha float8, alternative text, est_c float8,
    est_t float8, diff float8, low float8, high float8, t_stat float8, df float8, p float8,
    rl float8, rl_low float8, rl_high float8);
\copy ref_value FROM 'test/ref/stats/compare_value.csv' WITH (FORMAT csv, HEADER true)
CREATE TEMP TABLE arms AS
SELECT id, cohort_agg(true, false, value, covariate) FILTER (WHERE arm = 'control') AS c,
           cohort_agg(true, false, value, covariate) FILTER (WHERE arm = 'treatment') AS t
FROM ref_rows GROUP BY id;

-- Case 5 has values near 1e6 that differ by 0.3: the difference of means
-- itself carries 1e-10 of rounding there (R's two-pass means and these
-- one-pass moments differ in the last bit of 1e6), so intervals are checked
-- at 1e-8 and p-values, amplified by t^2 (t near 20 with CUPED), at 1e-7.
SELECT v.id, v.metric, v.alternative, v.alpha,
       pg_temp.close(r.control_estimate, est_c, 1e-10) AND pg_temp.close(r.treatment_estimate, est_t, 1e-10) AS est_ok,
       pg_temp.close(r.difference, diff, tol_ci) AS diff_ok,
       pg_temp.close(r.difference_low, low, tol_ci) AND pg_temp.close(r.difference_high, high, tol_ci) AS ci_ok,
       pg_temp.close(r.statistic, t_stat, tol_p) AND pg_temp.close(r.df, v.df, 1e-10) AS t_ok,
       pg_temp.close(r.p_value, p, tol_p) AS p_ok,
       pg_temp.close(r.relative_lift, rl, tol_ci) AND pg_temp.close(r.relative_lift_low, rl_low, tol_ci)
           AND pg_temp.close(r.relative_lift_high, rl_high, tol_ci) AS lift_ok
FROM ref_value v JOIN arms a USING (id),
     LATERAL (SELECT CASE WHEN v.id = 5 THEN 1e-8 ELSE 1e-10 END AS tol_ci,
                     CASE WHEN v.id = 5 THEN 1e-7 ELSE 1e-9 END AS tol_p) tol,
     LATERAL compare_cohorts(a.c, a.t, v.metric, v.alpha, v.alternative) r
ORDER BY v.id, v.metric, v.alternative, v.alpha;

-- NIST/SEMATECH e-Handbook 1.3.5.3, AUTO83B (US vs Japanese cars, mpg):
-- n = 249 / 79, means 20.14458 / 30.48101, sd 6.41470 / 6.10771.
-- Welch: t = -12.94627, df = 136.8750 (same data in MADlib's t-test example).
SELECT round(difference::numeric, 5) AS difference, round(statistic::numeric, 5) AS t,
       round(df::numeric, 4) AS df, p_value < 1e-24 AS p_tiny, significant
FROM compare_cohorts(
    cohort_from_counts(249, 0, 0, 249 * 20.14458, 248 * 6.41470 ^ 2 + 249 * 20.14458 ^ 2),
    cohort_from_counts(79, 0, 0, 79 * 30.48101, 78 * 6.10771 ^ 2 + 79 * 30.48101 ^ 2),
    'value');

-- GrowthBook gbstats (tests/frequentist/test_tests.py), rounded to 5 decimals:
-- TwoSidedTTest relative: lift 0.70732, ci [-0.03526, 1.44989];
-- absolute: difference 0.29, ci [0.04538, 0.53462], p 0.02016
SELECT round(relative_lift::numeric, 5) AS lift, round(relative_lift_low::numeric, 5) AS lift_low,
       round(relative_lift_high::numeric, 5) AS lift_high, round(difference::numeric, 5) AS difference,
       round(difference_low::numeric, 5) AS low, round(difference_high::numeric, 5) AS high,
       round(p_value::numeric, 5) AS p
FROM compare_cohorts(cohort_from_counts(3407, 0, 0, 1396.87, 52377.9767),
                     cohort_from_counts(3461, 0, 0, 2422.7, 134698.29), 'value');
-- SequentialTwoSidedTTest, tuning 1000: lift 0.50336, ci [-0.55844, 1.56516], p 1
SELECT round(relative_lift::numeric, 5) AS lift, round(relative_lift_low::numeric, 5) AS lift_low,
       round(relative_lift_high::numeric, 5) AS lift_high, method
FROM compare_cohorts_sequential(cohort_from_counts(3000, 0, 0, 1396.87, 52377.9767),
                                cohort_from_counts(3461, 0, 0, 2422.7, 134698.29), 'value', 0.05, 1000);
-- SequentialTwoSidedTTest on proportions 1396/3000 vs 2422/3461, tuning 5000:
-- lift 0.50386, ci [0.40098, 0.60675]; GrowthBook rounds the p-value to 0
SELECT round(relative_lift::numeric, 5) AS lift, round(relative_lift_low::numeric, 5) AS lift_low,
       round(relative_lift_high::numeric, 5) AS lift_high, p_value > 0 AND p_value < 1e-50 AS p_small_not_zero,
       significant
FROM compare_cohorts_sequential(cohort_from_counts(3000, 1396), cohort_from_counts(3461, 2422));

-- the sequential interval is wider than the fixed one, and its p-value larger
SELECT s.difference_low < f.difference_low AND s.difference_high > f.difference_high AS wider,
       s.p_value > f.p_value AS more_conservative, s.difference = f.difference AS same_estimate
FROM arms a, LATERAL compare_cohorts(a.c, a.t, 'value') f,
     LATERAL compare_cohorts_sequential(a.c, a.t, 'value') s
ORDER BY a.id;

-- significant exactly when the sequence excludes zero (the p-value inverts it)
SELECT bool_and(significant = (difference_low > 0 OR difference_high < 0)) AS consistent,
       count(*) FILTER (WHERE significant) AS significant, count(*) AS cases
FROM ref_prop, LATERAL compare_cohorts_sequential(cohort_from_counts(nc, xc), cohort_from_counts(nt, xt),
                                                  'completion', alpha, 500) s;

-- chance_to_beat: Beta(1 + yes, 1 + no) posteriors, R numerical integration
CREATE TEMP TABLE ref_ctb (xc bigint, nc bigint, xt bigint, nt bigint, p float8);
\copy ref_ctb FROM 'test/ref/stats/chance_to_beat.csv' WITH (FORMAT csv, HEADER true)
SELECT xc, nc, xt, nt,
       abs(chance_to_beat(cohort_from_counts(nc, xc), cohort_from_counts(nt, xt)) - p) < 1e-9 AS completion_ok,
       abs(chance_to_beat(cohort_from_counts(nc, 0, xc), cohort_from_counts(nt, 0, xt), 'churn') - (1 - p)) < 1e-9 AS churn_ok
FROM ref_ctb ORDER BY xc, nc;
-- for values: the normal posterior of the difference, Phi(difference / se)
SELECT round(chance_to_beat(c, t, 'value')::numeric, 6) AS value, round(chance_to_beat(c, t, 'value_cuped')::numeric, 6) AS cuped
FROM arms ORDER BY id;

-- degenerate cases give NULL fields, never NaN
SELECT m.metric, control_estimate, treatment_estimate, difference, difference_low, relative_lift,
       statistic, df, p_value, significant
FROM (VALUES ('completion'), ('churn'), ('value'), ('value_cuped')) m(metric),
     LATERAL compare_cohorts(cohort_from_counts(0, 0), cohort_from_counts(10, 5, 1, 3, 3), m.metric);
-- all-success arms: no pooled variance, no statistic
SELECT difference, difference_low, difference_high, relative_lift, statistic, p_value, significant
FROM compare_cohorts(cohort_from_counts(100, 100), cohort_from_counts(50, 50));
-- one arm all-success: the other arm carries the variance
SELECT round(difference::numeric, 6) AS difference, round(difference_low::numeric, 6) AS low,
       round(p_value::numeric, 6) AS p
FROM compare_cohorts(cohort_from_counts(100, 90), cohort_from_counts(50, 50));
-- control rate 0: no relative lift
SELECT round(difference::numeric, 6) AS difference, relative_lift, relative_lift_low, round(p_value::numeric, 6) AS p
FROM compare_cohorts(cohort_from_counts(100, 0), cohort_from_counts(100, 5));
-- zero variance in both value arms; a single value per arm
SELECT difference, statistic, df, p_value FROM compare_cohorts(
    (SELECT cohort_agg(true, false, 5.0)), (SELECT cohort_agg(true, false, 7.0)), 'value');
SELECT difference, statistic, df, p_value, relative_lift_low
FROM compare_cohorts((SELECT cohort_agg(true, false, v) FROM (VALUES (2.0), (2.0), (2.0)) s(v)),
                     (SELECT cohort_agg(true, false, v) FROM (VALUES (3.0), (3.0)) s(v)), 'value');
-- sequential on empty arms and equal arms
SELECT difference, difference_low, p_value, significant
FROM compare_cohorts_sequential(cohort_from_counts(0, 0), cohort_from_counts(0, 0));
SELECT difference, round(difference_low::numeric, 6) AS low, p_value, significant
FROM compare_cohorts_sequential(cohort_from_counts(1000, 400), cohort_from_counts(1000, 400));
-- chance_to_beat of empty arms is the prior's 0.5; of constant values NULL
SELECT chance_to_beat(cohort_from_counts(0, 0), cohort_from_counts(0, 0)),
       chance_to_beat((SELECT cohort_agg(true, false, 5.0)), (SELECT cohort_agg(true, false, 7.0)), 'value');
-- huge counts (9e18 units, rates differing by 1e-10): finite results,
-- z = 1e-10 / sqrt(0.5 * 0.5 * 2 / 9e18) = 0.42426, p = 2 Phi(-z) = 0.67137
SELECT round(statistic::numeric, 5) AS z, round(p_value::numeric, 5) AS p,
       difference_low < 0 AND difference_high > 0 AS covers_zero
FROM compare_cohorts(cohort_from_counts(9000000000000000000, 4500000000000000000),
                     cohort_from_counts(9000000000000000000, 4500000000900000000));
-- exact Beta sums beyond 10^8 terms are refused, not left running
\set VERBOSITY sqlstate
SELECT chance_to_beat(cohort_from_counts(1000000000, 500000000), cohort_from_counts(1000000000, 500000000));
\set VERBOSITY default
SELECT chance_to_beat(cohort_from_counts(1000000000, 500000000), cohort_from_counts(1000000000, 500000000));
-- but large arms with a small side are quick and exact
SELECT round(chance_to_beat(cohort_from_counts(100000000, 200), cohort_from_counts(100000000, 260))::numeric, 6) AS p;

-- NULL arguments: STRICT
SELECT compare_cohorts(NULL, cohort_from_counts(1, 1)) IS NULL AS is_null;

-- bad input: class-22 errors that name the argument
\set VERBOSITY sqlstate
SELECT compare_cohorts(cohort_from_counts(10, 1), cohort_from_counts(10, 2), 'revenue');
SELECT compare_cohorts(cohort_from_counts(10, 1), cohort_from_counts(10, 2), 'completion', 0);
SELECT compare_cohorts(cohort_from_counts(10, 1), cohort_from_counts(10, 2), 'completion', 1);
SELECT compare_cohorts(cohort_from_counts(10, 1), cohort_from_counts(10, 2), 'completion', 'NaN');
SELECT compare_cohorts(cohort_from_counts(10, 1), cohort_from_counts(10, 2), 'completion', 0.05, 'bigger');
SELECT compare_cohorts_sequential(cohort_from_counts(10, 1), cohort_from_counts(10, 2), 'completion', 0.05, 0);
SELECT compare_cohorts_sequential(cohort_from_counts(10, 1), cohort_from_counts(10, 2), 'completion', 0.05, 'Infinity');
SELECT compare_cohorts_sequential(cohort_from_counts(10, 1), cohort_from_counts(10, 2), 'completion', -0.5);
SELECT chance_to_beat(cohort_from_counts(10, 1), cohort_from_counts(10, 2), 'bogus');
\set VERBOSITY default
SELECT compare_cohorts(cohort_from_counts(10, 1), cohort_from_counts(10, 2), 'revenue');
SELECT compare_cohorts(cohort_from_counts(10, 1), cohort_from_counts(10, 2), 'completion', 1.5);
SELECT compare_cohorts_sequential(cohort_from_counts(10, 1), cohort_from_counts(10, 2), 'value', 0.05, -1);
