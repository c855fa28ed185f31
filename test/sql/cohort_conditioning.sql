-- Conditioning of the streaming moments: values whose spread is 1e-12 of
-- their mean (rows from test/ref/stats/gen_experiments.R, exact values in
-- rational arithmetic from gen_conditioning.py; R's own two-pass var is
-- 2e-9 off on these data).  Variances, covariances, the standard error and Welch's degrees
-- of freedom within 1e-9 relative, whatever the order or parallelism of the
-- aggregation.  The difference of two means near 1 is only known to the
-- last bit of those means (2.2e-16 absolute, in R as here), so the t
-- statistic is checked within 4.5e-16 |mean| / se absolute.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS cohort_analyzer;
RESET client_min_messages;
SET extra_float_digits = 0;

CREATE FUNCTION pg_temp.close(got float8, want float8, tol float8) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN got IS NULL OR want IS NULL THEN got IS NOT DISTINCT FROM want
                WHEN got = want THEN true
                ELSE abs(got - want) <= tol * abs(want) END
$$;

CREATE TABLE cond_rows (id int, arm text, value float8, covariate float8);
\copy cond_rows FROM 'test/ref/stats/conditioning_rows.csv' WITH (FORMAT csv, HEADER true)
CREATE TEMP TABLE ref_cond (id int, var_c float8, var_t float8, cov_c float8, var_xc float8, diff float8,
    se float8, t float8, df float8);
\copy ref_cond FROM 'test/ref/stats/conditioning.csv' WITH (FORMAT csv, HEADER true)

CREATE FUNCTION pg_temp.check_cond(c cohort, t cohort, r ref_cond, tol float8 DEFAULT 1e-9)
RETURNS TABLE (var_ok boolean, se_df_ok boolean, t_ok boolean)
LANGUAGE sql AS $$
    SELECT pg_temp.close(value_variance(c), r.var_c, tol) AND pg_temp.close(value_variance(t), r.var_t, tol),
           pg_temp.close(x.std_error, r.se, tol) AND pg_temp.close(x.df, r.df, tol),
           abs(x.statistic - r.t) <= 4.5e-16 * abs(value_mean(c)) / r.se
    FROM compare_cohorts(c, t, 'value') x
$$;

-- in row order and in reverse
SELECT r.id, k.*
FROM ref_cond r,
     LATERAL (SELECT cohort_agg(true, false, value, covariate) FILTER (WHERE arm = 'control') AS c,
                     cohort_agg(true, false, value, covariate) FILTER (WHERE arm = 'treatment') AS t
              FROM cond_rows WHERE cond_rows.id = r.id) a,
     LATERAL pg_temp.check_cond(a.c, a.t, r) k ORDER BY r.id;
SELECT r.id, k.*
FROM ref_cond r,
     LATERAL (SELECT cohort_agg(true, false, value, covariate ORDER BY value DESC) FILTER (WHERE arm = 'control') AS c,
                     cohort_agg(true, false, value, covariate ORDER BY value DESC) FILTER (WHERE arm = 'treatment') AS t
              FROM cond_rows WHERE cond_rows.id = r.id) a,
     LATERAL pg_temp.check_cond(a.c, a.t, r) k ORDER BY r.id;
-- stored summaries merged with rollup: a stored summary keeps its mean,
-- rounded to the last bit (2.2e-16 here, 1e-4 of the spread), and merging
-- ten of them weighs the differences of their means, so the rolled-up
-- variance is good to about 1e-4 on such data (the stored format has no
-- shift)
SELECT r.id, k.*
FROM ref_cond r,
     LATERAL (SELECT rollup(c) AS c, rollup(t) AS t
              FROM (SELECT cohort_agg(true, false, value, covariate) FILTER (WHERE arm = 'control') AS c,
                           cohort_agg(true, false, value, covariate) FILTER (WHERE arm = 'treatment') AS t
                    FROM cond_rows WHERE cond_rows.id = r.id
                    GROUP BY (hashfloat8(value) & 1023) % 10) pieces) a,
     LATERAL pg_temp.check_cond(a.c, a.t, r, 1e-3) k ORDER BY r.id;

-- with parallel workers
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
CREATE TEMP TABLE par AS
SELECT id, cohort_agg(true, false, value, covariate) FILTER (WHERE arm = 'control') AS c,
           cohort_agg(true, false, value, covariate) FILTER (WHERE arm = 'treatment') AS t
FROM cond_rows GROUP BY id;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
RESET parallel_leader_participation;
SELECT r.id, k.* FROM ref_cond r JOIN par USING (id), LATERAL pg_temp.check_cond(par.c, par.t, r) k ORDER BY r.id;

-- CUPED on such data: the covariate's variance and the co-moment, via
-- the correlation
SELECT r.id,
       pg_temp.close(value_covariate_corr(a.c), r.cov_c / sqrt(r.var_c * r.var_xc), 1e-9) AS corr_ok
FROM ref_cond r,
     LATERAL (SELECT cohort_agg(true, false, value, covariate) AS c FROM cond_rows
              WHERE cond_rows.id = r.id AND arm = 'control') a ORDER BY r.id;

-- a moving window removes values in the shifted frame: each window's
-- variance as that of its rows aggregated afresh
CREATE TEMP TABLE ordered AS
SELECT value, row_number() OVER (ORDER BY value) AS i FROM cond_rows WHERE id = 1 AND arm = 'control';
SELECT count(*) AS windows,
       bool_and(pg_temp.close(value_variance(w), (SELECT value_variance(cohort_agg(true, false, o.value))
                                                  FROM ordered o WHERE o.i BETWEEN s.i - 20 AND s.i), 1e-6)) AS moving_ok
FROM (SELECT cohort_agg(true, false, value) OVER (ORDER BY i ROWS BETWEEN 20 PRECEDING AND CURRENT ROW) AS w, i
      FROM ordered) s
WHERE i > 20;

-- shifts that leave the double range are errors, not infinities
\set VERBOSITY sqlstate
SELECT cohort_agg(true, false, v) FROM (VALUES (1.5e308::float8), (-1.5e308::float8)) s(v);
\set VERBOSITY default
DROP TABLE cond_rows;
