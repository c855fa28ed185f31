-- Installing into a named schema: nothing depends on the schema name or on
-- the caller's search_path.
\set orig_db :DBNAME
CREATE DATABASE ca_schema_test;
\c ca_schema_test
-- a schema already holding a table named like the extension's: refused,
-- naming the table, with a hint to install elsewhere
CREATE TABLE public.rollouts (id integer);
CREATE SEQUENCE public.rollout_decisions_id_seq;
CREATE EXTENSION cohort_analyzer;
DROP TABLE public.rollouts;
DROP SEQUENCE public.rollout_decisions_id_seq;
CREATE SCHEMA analytics;
CREATE EXTENSION cohort_analyzer SCHEMA analytics;
SET search_path = public;
CREATE TABLE t (c boolean, v float8);
INSERT INTO t VALUES (true, 1.0), (false, 3.0), (true, 8.0);
SELECT analytics.units(x) AS units, analytics.completion_rate(x) AS rate,
       analytics.value_mean(x) AS mean
FROM (SELECT analytics.cohort_agg(c, c, v) AS x FROM t) s;
SELECT analytics.units(analytics.rollup(x)) AS rolled_up_units,
       analytics.value_variance(analytics.rollup(x)) AS rolled_up_variance
FROM (SELECT analytics.cohort_agg(c, c, v) AS x FROM t GROUP BY c) s;
SELECT (analytics.cohort_from_counts(3, 1) OPERATOR(analytics.+) analytics.cohort_from_counts(2, 2))::text;
SELECT '(version=1, units=1, completed=1/1, churned=0/1, value_n=0, value_mean=0, value_m2=0, paired_n=0, paired_value_mean=0, paired_covariate_mean=0, paired_value_m2=0, paired_covariate_m2=0, paired_comoment=0)'::analytics.cohort::jsonb -> 'completion_rate';
-- every object of the extension lives in its schema and has a comment
SELECT count(*) AS objects_without_comment
FROM pg_depend d
JOIN pg_extension e ON d.refobjid = e.oid AND d.refclassid = 'pg_extension'::regclass
WHERE e.extname = 'cohort_analyzer' AND d.deptype = 'e'
  AND d.classid IN ('pg_proc'::regclass, 'pg_type'::regclass, 'pg_operator'::regclass,
                    'pg_cast'::regclass)
  AND obj_description(d.objid, (SELECT relname FROM pg_class WHERE oid = d.classid)) IS NULL
  AND NOT (d.classid = 'pg_type'::regclass AND EXISTS
           (SELECT 1 FROM pg_type t WHERE t.oid = d.objid AND (t.typelem <> 0 OR t.typrelid <> 0)));
SELECT DISTINCT n.nspname
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
JOIN pg_depend d ON d.objid = p.oid AND d.classid = 'pg_proc'::regclass AND d.deptype = 'e'
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'cohort_analyzer';
-- every function is parallel safe
SELECT p.oid::regprocedure AS not_parallel_safe
FROM pg_proc p JOIN pg_depend d ON d.objid = p.oid AND d.classid = 'pg_proc'::regclass AND d.deptype = 'e'
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'cohort_analyzer'
WHERE p.proparallel <> 's' AND p.proname NOT LIKE 'rollout%' ORDER BY 1::text;
DROP EXTENSION cohort_analyzer;
\c :orig_db
DROP DATABASE ca_schema_test;
