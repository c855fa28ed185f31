-- Extreme doubles in the text forms: every value a type prints must read
-- back to the same bits (dump and restore depend on it), and numbers that
-- cannot be represented are rejected rather than rounded to zero.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS cohort_analyzer;
RESET client_min_messages;

-- subnormal, huge and negative-zero moments survive a text round trip
SELECT c::text, c::text::cohort = c AS exact
FROM (SELECT cohort_agg(true, false, v) AS c
      FROM (VALUES (5e-324::float8), (2.2250738585072e-308)) t(v)) s;
SELECT c::text::cohort = c AS exact
FROM (SELECT cohort_agg(true, false, v, w) AS c
      FROM (VALUES (1e150::float8, -0.0::float8), (-1e150, 4.9e-324)) t(v, w)) s;
-- a sketch whose exact sum is subnormal
SELECT s::text, s::text::quantile_sketch = s AS exact
FROM (SELECT quantile_sketch_agg(v) AS s
      FROM (VALUES (5e-324::float8), (1.0), (-1.0)) t(v)) q;
-- underflow to zero and overflow are errors that name the field
\set VERBOSITY sqlstate
SELECT '(version=1, units=1, completed=0/0, churned=0/0, value_n=1, value_mean=1e-400, value_m2=0, paired_n=0, paired_value_mean=0, paired_covariate_mean=0, paired_value_m2=0, paired_covariate_m2=0, paired_comoment=0)'::cohort;
SELECT '(version=1, units=1, completed=0/0, churned=0/0, value_n=1, value_mean=1e400, value_m2=0, paired_n=0, paired_value_mean=0, paired_covariate_mean=0, paired_value_m2=0, paired_covariate_m2=0, paired_comoment=0)'::cohort;
\set VERBOSITY default
SELECT '(version=1, units=1, completed=0/0, churned=0/0, value_n=1, value_mean=-1e-400, value_m2=0, paired_n=0, paired_value_mean=0, paired_covariate_mean=0, paired_value_m2=0, paired_covariate_m2=0, paired_comoment=0)'::cohort;

-- a sum of finite values past the double range is an error, as in sum(float8)
SELECT value_mean(c), value_sum(c)
FROM (SELECT cohort_agg(true, false, v) AS c
      FROM (VALUES (1e308::float8), (1e308)) t(v)) s;
SELECT value_sum(cohort_agg(true, false, v)) = 2e307 AS sum_ok
FROM (VALUES (1e307::float8), (1e307)) t(v);
