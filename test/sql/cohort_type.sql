-- The cohort type: text and binary forms, validation, accessors, jsonb.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS cohort_analyzer;
RESET client_min_messages;
SET extra_float_digits = 0;

-- a small cohort and its accessors
CREATE TABLE learners (id int, completed boolean, churned boolean, revenue float8, pre float8);
INSERT INTO learners VALUES
  (1, true,  false, 10.5, 9),
  (2, false, true,  NULL, 3),
  (3, true,  NULL,  2.25, NULL),
  (4, NULL,  false, 7,    6),
  (5, false, false, 0,    1);

SELECT cohort_agg(completed, churned, revenue, pre) FROM learners;

SELECT units(c), completions(c), completion_known(c), completion_rate(c),
       churns(c), churn_known(c), churn_rate(c),
       value_count(c), value_sum(c), value_mean(c),
       round(value_variance(c)::numeric, 10) AS var, round(value_stddev(c)::numeric, 10) AS sd,
       covariate_count(c), covariate_mean(c), round(value_covariate_corr(c)::numeric, 10) AS corr
FROM (SELECT cohort_agg(completed, churned, revenue, pre) AS c FROM learners) s;

-- agrees with the built-in aggregates, including the NULL handling
SELECT n = units(c) AS units_ok, done = completions(c) AS completions_ok,
       known = completion_known(c) AS known_ok, nv = value_count(c) AS count_ok,
       abs(mean - value_mean(c)) < 1e-12 AS mean_ok,
       abs(var - value_variance(c)) < 1e-12 AS var_ok,
       abs(r - value_covariate_corr(c)) < 1e-12 AS corr_ok
FROM (SELECT count(*) AS n, count(*) FILTER (WHERE completed) AS done,
             count(completed) AS known, count(revenue) AS nv, avg(revenue) AS mean,
             var_samp(revenue) AS var, corr(revenue, pre) AS r,
             cohort_agg(completed, churned, revenue, pre) AS c
      FROM learners) s;

-- undefined quantities are NULL, not NaN
SELECT units(c), completion_rate(c), churn_rate(c), value_sum(c), value_mean(c),
       value_variance(c), value_stddev(c), covariate_mean(c), value_covariate_corr(c)
FROM (SELECT cohort_agg(completed) AS c FROM learners WHERE false) s;
SELECT value_variance(cohort_agg(true, false, 5.0)), value_mean(cohort_agg(true, false, 5.0));

-- text form is exact: round trip reproduces the value bit for bit
SELECT c::text::cohort = c AS identical, cohort_send(c::text::cohort) = cohort_send(c) AS same_bytes
FROM (SELECT cohort_agg(completed, churned, revenue * 1.1 + 1e6, pre / 3) AS c FROM learners) s;
SELECT '(version=1, units=0, completed=0/0, churned=0/0, value_n=0, value_mean=0, value_m2=0, paired_n=0, paired_value_mean=0, paired_covariate_mean=0, paired_value_m2=0, paired_covariate_m2=0, paired_comoment=0)'::cohort
     = (SELECT cohort_agg(completed) FROM learners WHERE false) AS empty_matches;
-- fields in any order, with spaces
SELECT units('( version=1 ,paired_comoment=0,units=3, completed=1/2, churned=0/3, value_n=0, value_mean=0, value_m2=0, paired_n=0, paired_value_mean=0, paired_covariate_mean=0, paired_value_m2=0, paired_covariate_m2=0 )'::cohort);

-- bad text input: each a clean class-22 error
\set VERBOSITY sqlstate
SELECT ''::cohort;
SELECT 'garbage'::cohort;
SELECT '(version=2, units=0)'::cohort;
SELECT '(version=1, units=0)'::cohort;
SELECT '(version=1, units=0, units=0)'::cohort;
SELECT '(units=0, version=1)'::cohort;
SELECT '(version=1, units=1.5)'::cohort;
SELECT '(version=1 units=1)'::cohort;
SELECT '(version=1, bogus=1)'::cohort;
SELECT '(version=1, units=-1, completed=0/0, churned=0/0, value_n=0, value_mean=0, value_m2=0, paired_n=0, paired_value_mean=0, paired_covariate_mean=0, paired_value_m2=0, paired_covariate_m2=0, paired_comoment=0)'::cohort;
SELECT '(version=1, units=1, completed=2/1, churned=0/0, value_n=0, value_mean=0, value_m2=0, paired_n=0, paired_value_mean=0, paired_covariate_mean=0, paired_value_m2=0, paired_covariate_m2=0, paired_comoment=0)'::cohort;
SELECT '(version=1, units=1, completed=0/0, churned=0/0, value_n=1, value_mean=NaN, value_m2=0, paired_n=0, paired_value_mean=0, paired_covariate_mean=0, paired_value_m2=0, paired_covariate_m2=0, paired_comoment=0)'::cohort;
SELECT '(version=1, units=1, completed=0/0, churned=0/0, value_n=1, value_mean=Infinity, value_m2=0, paired_n=0, paired_value_mean=0, paired_covariate_mean=0, paired_value_m2=0, paired_covariate_m2=0, paired_comoment=0)'::cohort;
SELECT '(version=1, units=1, completed=0/0, churned=0/0, value_n=1, value_mean=1, value_m2=-2, paired_n=0, paired_value_mean=0, paired_covariate_mean=0, paired_value_m2=0, paired_covariate_m2=0, paired_comoment=0)'::cohort;
SELECT '(version=1, units=99999999999999999999, completed=0/0, churned=0/0, value_n=0, value_mean=0, value_m2=0, paired_n=0, paired_value_mean=0, paired_covariate_mean=0, paired_value_m2=0, paired_covariate_m2=0, paired_comoment=0)'::cohort;
SELECT '(version=1, units=1, completed=0/0, churned=0/0, value_n=0, value_mean=0, value_m2=0, paired_n=0, paired_value_mean=0, paired_covariate_mean=0, paired_value_m2=0, paired_covariate_m2=0, paired_comoment=0) trailing'::cohort;
\set VERBOSITY default
SELECT 'garbage'::cohort;
SELECT '(version=1, units=1, completed=2/1, churned=0/0, value_n=0, value_mean=0, value_m2=0, paired_n=0, paired_value_mean=0, paired_covariate_mean=0, paired_value_m2=0, paired_covariate_m2=0, paired_comoment=0)'::cohort;

-- NaN and infinite values in the aggregate are rejected, not summarized
\set VERBOSITY sqlstate
SELECT cohort_agg(true, false, 'NaN'::float8);
SELECT cohort_agg(true, false, 1, '-Infinity'::float8);
SELECT cohort_agg(true, false, v) FROM (VALUES (1e308::float8), (-1e308)) t(v);
\set VERBOSITY default
SELECT cohort_agg(true, false, 'Infinity'::float8);

-- merging with +
SELECT units(a + b), completions(a + b), value_mean(a + b)
FROM (SELECT cohort_agg(completed, churned, revenue) FILTER (WHERE id <= 2) AS a,
             cohort_agg(completed, churned, revenue) FILTER (WHERE id > 2) AS b FROM learners) s;

-- jsonb
SELECT jsonb_pretty(cohort_agg(completed, churned, revenue)::jsonb) FROM learners;
SELECT (cohort_agg(completed)::jsonb) -> 'completion_rate' AS rate FROM learners WHERE false;

-- cohort_from_counts
SELECT cohort_from_counts(100, 40, 5, 250.0, 1000.0);
SELECT units(c), completion_rate(c), churn_rate(c), value_mean(c), value_variance(c)
FROM (SELECT cohort_from_counts(100, 40, 5, 250.0, 1000.0) AS c) s;
SELECT value_count(cohort_from_counts(10, 1));
SELECT cohort_from_counts(NULL, 1);
\set VERBOSITY sqlstate
SELECT cohort_from_counts(-1, 0);
SELECT cohort_from_counts(10, 11);
SELECT cohort_from_counts(10, 1, -1);
SELECT cohort_from_counts(10, 1, 0, 5.0);
SELECT cohort_from_counts(10, 1, 0, 50.0, 1.0);
SELECT cohort_from_counts(10, 1, 0, 'NaN', 1.0);
\set VERBOSITY default
SELECT cohort_from_counts(10, 11);
SELECT cohort_from_counts(10, 1, 0, 50.0, 1.0);

DROP TABLE learners;
