-- Survival aggregates: NULL and bad input, empty groups, rollup, parallel
-- plans, and the statistics' edge cases.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS cohort_analyzer;
RESET client_min_messages;
SET extra_float_digits = 0;

-- rows with a NULL duration or a NULL outcome are skipped
SELECT survival_agg(t, c)
FROM (VALUES (1::float8, true), (NULL, true), (2, NULL), (NULL, NULL), (3, false)) v(t, c);

-- an empty group is an empty value: no curve rows, no median
SELECT s, (SELECT count(*) FROM survival_curve(s)) AS curve_rows, median_survival(s)
FROM (SELECT survival_agg(t, c) AS s FROM (VALUES (1::float8, true)) v(t, c) WHERE false) e;
SELECT rollup(s) FROM (SELECT NULL::survival AS s) v;
SELECT rollup(s) FROM (SELECT NULL::survival AS s) v WHERE false;

-- bad durations are clean class-22 errors
\set VERBOSITY sqlstate
SELECT survival_agg(-1, true);
SELECT survival_agg('NaN', true);
SELECT survival_agg('Infinity', false);
SELECT survival_agg('-Infinity', false);
SELECT survival_agg(t, true) FROM (VALUES (1::float8), (-0.5)) v(t);
\set VERBOSITY default
SELECT survival_agg(-1, true);
SELECT survival_agg('NaN', true);

-- the confidence level lies strictly between 0 and 1; NULL gives no rows
\set VERBOSITY sqlstate
SELECT * FROM survival_curve('(version=1, observations=1, events=1, points=[1:1/0])', 0);
SELECT * FROM survival_curve('(version=1, observations=1, events=1, points=[1:1/0])', 1);
SELECT * FROM survival_curve('(version=1, observations=1, events=1, points=[1:1/0])', -0.5);
SELECT * FROM survival_curve('(version=1, observations=1, events=1, points=[1:1/0])', 'NaN');
\set VERBOSITY default
SELECT * FROM survival_curve('(version=1, observations=1, events=1, points=[1:1/0])', 1.5);
SELECT count(*) FROM survival_curve('(version=1, observations=1, events=1, points=[1:1/0])', NULL);
SELECT median_survival(NULL), logrank_test(NULL, NULL);

-- curve edge cases: all censored stays at 1 with a zero-width interval;
-- the last at-risk unit churning ends the curve at 0 with no interval
SELECT * FROM survival_curve('(version=1, observations=3, events=0, points=[2:0/2, 5:0/1])');
SELECT * FROM survival_curve('(version=1, observations=3, events=2, points=[0:1/0, 2:0/1, 5:1/0])');

-- log-rank edge cases: nothing expected in a group leaves no degree of
-- freedom and no p-value; everyone at risk churning at once has zero variance
SELECT * FROM logrank_test('(version=1, observations=2, events=0, points=[1:0/2])',
                           '(version=1, observations=2, events=2, points=[3:2/0])');
SELECT * FROM logrank_test('(version=1, observations=0, events=0, points=[])',
                           '(version=1, observations=2, events=2, points=[3:2/0])');
SELECT * FROM logrank_test('(version=1, observations=1, events=1, points=[4:1/0])',
                           '(version=1, observations=1, events=1, points=[4:1/0])');
-- identical groups: no difference at all
SELECT * FROM logrank_test('(version=1, observations=3, events=2, points=[1:1/0, 2:1/1])',
                           '(version=1, observations=3, events=2, points=[1:1/0, 2:1/1])');

-- many rows with few distinct times make a small value
CREATE TABLE surv_rows AS
SELECT i AS id, (i % 10)::float8 AS days, i % 4 = 0 AS churned, i % 3 AS part
FROM generate_series(1, 200000) i;
ANALYZE surv_rows;
SELECT pg_column_size(s) AS bytes, (s::jsonb ->> 'observations')::bigint AS observations,
       (s::jsonb ->> 'times')::int AS times
FROM (SELECT survival_agg(days, churned) AS s FROM surv_rows) v;

-- rollup of parts, +, and one aggregate over all rows agree exactly
SELECT (SELECT survival_agg(days, churned) FROM surv_rows)
       = (SELECT rollup(s) FROM (SELECT survival_agg(days, churned) AS s FROM surv_rows GROUP BY part) p)
       AS rollup_ok,
       (SELECT survival_agg(days, churned) FROM surv_rows)
       = (SELECT survival_agg(days, churned) FILTER (WHERE part = 0)
               + survival_agg(days, churned) FILTER (WHERE part <> 0) FROM surv_rows)
       AS plus_ok;

-- parallel plans: partial aggregates are combined through serialize and
-- deserialize, and give the same value as a serial plan
CREATE TABLE surv_serial AS
SELECT survival_agg(id / 3.0, churned) AS s FROM surv_rows;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF) SELECT survival_agg(id / 3.0, churned) FROM surv_rows;
SELECT survival_agg(id / 3.0, churned) = (SELECT s FROM surv_serial) AS parallel_agg_ok
FROM surv_rows;
CREATE TABLE surv_parts AS
SELECT id % 50 AS k, survival_agg(days, churned) AS s FROM surv_rows GROUP BY 1;
EXPLAIN (COSTS OFF) SELECT rollup(s) FROM surv_parts;
SELECT rollup(s) = (SELECT survival_agg(days, churned) FROM surv_rows) AS parallel_rollup_ok
FROM surv_parts;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;

-- as a running window aggregate (the final function sees the state often)
SELECT t, median_survival(survival_agg(t, c) OVER (ORDER BY t)) AS running_median
FROM (VALUES (1::float8, true), (2, false), (3, true), (4, true), (5, false)) v(t, c);

-- one value per group in one pass, and a log-rank test between two of them
CREATE TABLE surv_groups AS
SELECT part, survival_agg(days, churned) AS s FROM surv_rows GROUP BY part;
SELECT part, median_survival(s) AS median,
       (SELECT round(c.survival::numeric, 6) FROM survival_curve(s) c WHERE c.time = 5) AS survival_at_5
FROM surv_groups ORDER BY part;
SELECT round(chisq::numeric, 6) AS chisq, df, round(p_value::numeric, 6) AS p_value
FROM logrank_test((SELECT s FROM surv_groups WHERE part = 0), (SELECT s FROM surv_groups WHERE part = 1));

DROP TABLE surv_rows, surv_serial, surv_parts, surv_groups;
