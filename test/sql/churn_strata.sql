-- Stratified log-rank tests against R's survdiff(... + strata(x)) on lung
-- (by sex within ECOG score), veteran (by treatment within cell type),
-- colon (within node groups), aml (one stratum) and a small case with
-- one-armed and event-free strata (test/ref/churn/strata.csv from
-- make_reference.R), within 1e-10; the array form, the aggregate, any row
-- order and parallel plans agree.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS cohort_analyzer;
RESET client_min_messages;
SET extra_float_digits = 0;

CREATE TABLE strata_obs (case_name text, stratum text, arm text, time float8, status int);
CREATE TABLE strata_ref (case_name text, strata int, chisq float8, df int, p_value float8);
\copy strata_obs FROM 'test/ref/churn/strata_obs.csv' CSV HEADER
\copy strata_ref FROM 'test/ref/churn/strata.csv' CSV HEADER

CREATE FUNCTION pg_temp.close(got float8, want float8, tol float8 DEFAULT 1e-10)
    RETURNS boolean LANGUAGE sql IMMUTABLE
    AS $$ SELECT (got IS NULL AND want IS NULL)
              OR abs(got - want) <= tol * greatest(1, abs(want)) $$;

-- one row per stratum with both arms (an arm without units is the empty value)
CREATE TABLE strata_values AS
SELECT case_name, stratum,
       survival_agg(time, status = 1) FILTER (WHERE arm = 'control') AS control,
       survival_agg(time, status = 1) FILTER (WHERE arm = 'treatment') AS treatment
FROM strata_obs GROUP BY 1, 2;

SELECT r.case_name, r.strata, round(t.chisq::numeric, 6) AS chisq, t.df,
       round(t.p_value::numeric, 8) AS p_value,
       pg_temp.close(t.chisq, r.chisq) AND t.df = r.df AND pg_temp.close(t.p_value, r.p_value) AS agg_ok,
       pg_temp.close(u.chisq, r.chisq) AND u.df = r.df AND pg_temp.close(u.p_value, r.p_value) AS array_ok
FROM strata_ref r
JOIN (SELECT case_name, (stratified_logrank_test(control, treatment)).*,
             array_agg(control ORDER BY stratum) AS a, array_agg(treatment ORDER BY stratum) AS b
      FROM strata_values GROUP BY 1) t USING (case_name)
CROSS JOIN LATERAL logrank_test_strata(t.a, t.b) u
ORDER BY 1;

-- one stratum is the plain log-rank test
SELECT pg_temp.close(s.chisq, l.chisq, 1e-14) AS same
FROM strata_values v,
     LATERAL (SELECT (stratified_logrank_test(control, treatment)).* FROM strata_values w
              WHERE w.case_name = 'aml_one') s,
     logrank_test(v.control, v.treatment) l
WHERE v.case_name = 'aml_one';

-- row order and parallel plans do not change a bit
CREATE TABLE strata_many AS
SELECT s.case_name || '/' || s.stratum || '/' || g AS stratum, s.control, s.treatment
FROM strata_values s, generate_series(1, 40) g;
CREATE TABLE strata_serial AS
SELECT (stratified_logrank_test(control, treatment ORDER BY stratum)).* FROM strata_many;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF) SELECT stratified_logrank_test(control, treatment) FROM strata_many;
SELECT (SELECT stratified_logrank_test(control, treatment) FROM strata_many)
       = (SELECT row(chisq, df, p_value)::logrank_result FROM strata_serial) AS parallel_same,
       (SELECT stratified_logrank_test(control, treatment ORDER BY stratum DESC) FROM strata_many)
       = (SELECT row(chisq, df, p_value)::logrank_result FROM strata_serial) AS reversed_same;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;

-- no rows, NULL rows, empty strata
SELECT * FROM (SELECT (stratified_logrank_test(a, b)).*
               FROM (VALUES (NULL::survival, NULL::survival)) v(a, b) WHERE false) s;
SELECT (stratified_logrank_test(a, b)).*
FROM (VALUES ('(version=1, observations=2, events=2, points=[1:1/0, 3:1/0])'::survival,
              '(version=1, observations=2, events=1, points=[2:1/1])'::survival),
             (NULL, '(version=1, observations=1, events=1, points=[1:1/0])'),
             ('(version=1, observations=0, events=0, points=[])',
              '(version=1, observations=0, events=0, points=[])')) v(a, b);
SELECT * FROM logrank_test_strata(ARRAY[]::survival[], ARRAY[]::survival[]);
-- bad arguments
SELECT * FROM logrank_test_strata(ARRAY['(version=1, observations=1, events=1, points=[1:1/0])'::survival],
                           ARRAY[]::survival[]);
SELECT * FROM logrank_test_strata(ARRAY['(version=1, observations=1, events=1, points=[1:1/0])'::survival, NULL],
                           ARRAY['(version=1, observations=1, events=1, points=[1:1/0])'::survival,
                                 '(version=1, observations=1, events=1, points=[1:1/0])']);
SELECT * FROM logrank_test_strata(ARRAY[['(version=1, observations=1, events=1, points=[1:1/0])'::survival]],
                           ARRAY[['(version=1, observations=1, events=1, points=[1:1/0])'::survival]]);

DROP TABLE strata_obs, strata_ref, strata_values, strata_many, strata_serial;
