#!/usr/bin/env bash
# Survival benchmark: survival_agg and survival_curve side by side with the
# plain-SQL ways to get the same numbers, in one run on a throwaway cluster.
# Prints a Markdown table of median times and ratios (see doc/benchmarks.md).
#
#   bench/survival.sh [rows]        default 1000000 rows
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${1:-1000000}

scripts/deps.sh
make -s -j2 >/dev/null
make -s stage >/dev/null
. scripts/pgcluster.sh
trap cluster_stop EXIT
cluster_start "$(pwd)/build/bench-survival" "max_parallel_workers_per_gather = 0" \
    "shared_buffers = '256MB'" "work_mem = '64MB'"

cluster_psql -q <<SQL
\pset footer off
SET client_min_messages = warning;
CREATE EXTENSION cohort_analyzer;
SELECT setseed(0.5) \g /dev/null
-- whole days (few distinct times) and exact fractional days (many)
CREATE TABLE rows_ AS
SELECT i AS id, i % 100 AS shard,
       floor(-30 * ln(1 - random()))::float8 AS days,
       -30 * ln(1 - random()) AS exact_days,
       random() < 0.7 AS churned
FROM generate_series(1, $ROWS) i;
VACUUM ANALYZE rows_;
CREATE TABLE shards AS
SELECT shard, survival_agg(days, churned) AS s FROM rows_ GROUP BY shard;

-- median wall time in ms of a query over reps runs, after one warm-up
CREATE FUNCTION bench(q text, reps int DEFAULT 5) RETURNS float8 LANGUAGE plpgsql AS \$\$
DECLARE t0 timestamptz; times float8[] := '{}';
BEGIN
    EXECUTE q;
    FOR i IN 1..reps LOOP
        t0 := clock_timestamp();
        EXECUTE q;
        times := times || extract(epoch FROM clock_timestamp() - t0) * 1000;
    END LOOP;
    RETURN (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x) FROM unnest(times) x);
END \$\$;

CREATE TABLE results (n serial, task text, method text, ms float8, baseline float8);
-- Kaplan-Meier in plain SQL: counts per time, then running sums
CREATE FUNCTION sql_km(col text) RETURNS text LANGUAGE sql AS \$\$
SELECT format('SELECT time, at_risk, d, exp(sum(ln(1 - d::float8 / at_risk)) OVER (ORDER BY time)) AS s,
                      sum(d::float8 / (at_risk * nullif(at_risk - d, 0))) OVER (ORDER BY time) AS greenwood
               FROM (SELECT time, d, sum(n) OVER (ORDER BY time DESC) AS at_risk
                     FROM (SELECT %I AS time, count(*) FILTER (WHERE churned) AS d, count(*) AS n
                           FROM rows_ GROUP BY 1) c) r', col) \$\$;

INSERT INTO results (task, method, ms, baseline)
SELECT 'aggregate, whole days', 'count(*) (scan only)', b, b
FROM bench('SELECT count(*) FROM rows_') b;
INSERT INTO results (task, method, ms, baseline)
SELECT 'aggregate, whole days', 'survival_agg', bench('SELECT survival_agg(days, churned) FROM rows_'),
       (SELECT baseline FROM results WHERE n = 1);
INSERT INTO results (task, method, ms, baseline)
SELECT 'aggregate, whole days', 'GROUP BY days, counts', bench('SELECT days, count(*) FILTER (WHERE churned), count(*) FROM rows_ GROUP BY 1'),
       (SELECT baseline FROM results WHERE n = 1);
INSERT INTO results (task, method, ms, baseline)
SELECT 'aggregate, exact times', 'survival_agg', bench('SELECT survival_agg(exact_days, churned) FROM rows_'),
       (SELECT baseline FROM results WHERE n = 1);
INSERT INTO results (task, method, ms, baseline)
SELECT 'aggregate, exact times', 'GROUP BY exact_days, counts', bench('SELECT exact_days, count(*) FILTER (WHERE churned), count(*) FROM rows_ GROUP BY 1'),
       (SELECT baseline FROM results WHERE n = 1);

INSERT INTO results (task, method, ms, baseline)
SELECT 'KM curve, whole days', 'plain SQL (window functions)', b, b FROM bench(sql_km('days')) b;
INSERT INTO results (task, method, ms, baseline)
SELECT 'KM curve, whole days', 'survival_curve(survival_agg(...))',
       bench('SELECT * FROM survival_curve((SELECT survival_agg(days, churned) FROM rows_))'),
       (SELECT ms FROM results WHERE task = 'KM curve, whole days' AND method LIKE 'plain%');
INSERT INTO results (task, method, ms, baseline)
SELECT 'KM curve, exact times', 'plain SQL (window functions)', b, b FROM bench(sql_km('exact_days'), 3) b;
INSERT INTO results (task, method, ms, baseline)
SELECT 'KM curve, exact times', 'survival_curve(survival_agg(...))',
       bench('SELECT * FROM survival_curve((SELECT survival_agg(exact_days, churned) FROM rows_))', 3),
       (SELECT ms FROM results WHERE task = 'KM curve, exact times' AND method LIKE 'plain%');

INSERT INTO results (task, method, ms, baseline)
SELECT 'median, whole days', 're-aggregate all rows', b, b
FROM bench('SELECT median_survival(survival_agg(days, churned)) FROM rows_') b;
INSERT INTO results (task, method, ms, baseline)
SELECT 'median, whole days', 'rollup of 100 stored values',
       bench('SELECT median_survival(rollup(s)) FROM shards', 20),
       (SELECT ms FROM results WHERE task = 'median, whole days' AND method LIKE 're-%');

SELECT '| ' || task || ' | ' || method || ' | ' || to_char(ms, 'FM999990.0') || ' | '
       || to_char(ms / baseline, 'FM9990.00') || ' |' AS " "
FROM results ORDER BY n;
SQL
