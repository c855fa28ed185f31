#!/usr/bin/env bash
# survival_agg and survival_curve against the plain SQL an analyst would
# otherwise write, and rollup of stored values against re-aggregating the
# rows, on exponential durations as whole days (few distinct times) and as
# exact fractional days (every time distinct).  Serial plans; every query
# is wrapped in count(*) so that only the computation is timed.
#
#   bench/survival.sh          (ROWS=1000000 BENCH_RUNS=5 by default)
. "$(dirname "$0")/lib.sh"
ROWS=${ROWS:-1000000}

bench_start
bench_sql <<SQL
CREATE EXTENSION cohort_analyzer;
SELECT setseed(0.5);
CREATE TABLE durations AS
SELECT i % 100 AS shard,
       floor(-30 * ln(1 - random()))::float8 AS days,
       -30 * ln(1 - random()) AS exact_days,
       random() < 0.7 AS churned
FROM generate_series(1, $ROWS) i;
VACUUM ANALYZE durations;
CREATE TABLE shards AS
SELECT shard, survival_agg(days, churned) AS s FROM durations GROUP BY shard;
SQL

# Kaplan-Meier with the Greenwood sum in plain SQL: counts per time, then
# the number at risk and the running product as window sums.
sql_km() {
    echo "SELECT count(*) FROM (
        SELECT time, exp(sum(ln(1 - d::float8 / at_risk)) OVER (ORDER BY time)) AS s,
               sum(d::float8 / (at_risk * nullif(at_risk - d, 0))) OVER (ORDER BY time) AS greenwood
        FROM (SELECT time, d, sum(n) OVER (ORDER BY time DESC) AS at_risk
              FROM (SELECT $1 AS time, count(*) FILTER (WHERE churned) AS d, count(*) AS n
                    FROM durations GROUP BY 1) c) r) k"
}

SERIAL="SET max_parallel_workers_per_gather = 0; SET work_mem = '256MB'"
row() {
    local t
    t=$(bench_ms "$SERIAL" "$3")
    printf '| %s | %s | %.1f | %s |\n' "$1" "$2" "$t" "$(ratio "$t" "$4")"
}
base() {
    bench_ms "$SERIAL" "$1"
}

echo
echo "rows: $ROWS, median of $BENCH_RUNS runs, jit off, serial plans, $(nproc) cores"
echo
echo "| task | method | ms | ratio |"
echo "|---|---|---:|---:|"
for col in days exact_days; do
    scan=$(base "SELECT count(*) FROM durations")
    printf '| build, %s | count(*) (the scan alone) | %.1f | 1.00 |\n' "$col" "$scan"
    row "build, $col" "GROUP BY $col with counts" \
        "SELECT count(*) FROM (SELECT $col, count(*) FILTER (WHERE churned), count(*) FROM durations GROUP BY 1) g" "$scan"
    row "build, $col" "survival_agg" \
        "SELECT survival_agg($col, churned) IS NULL FROM durations" "$scan"
    km=$(base "$(sql_km "$col")")
    printf '| curve, %s | plain SQL (window sums) | %.1f | 1.00 |\n' "$col" "$km"
    row "curve, $col" "survival_curve(survival_agg(...))" \
        "SELECT count(*) FROM survival_curve((SELECT survival_agg($col, churned) FROM durations))" "$km"
done
all=$(base "SELECT median_survival(survival_agg(days, churned)) FROM durations")
printf '| median, days | survival_agg over all rows | %.1f | 1.00 |\n' "$all"
row "median, days" "rollup of 100 stored values" \
    "SELECT median_survival(rollup(s)) FROM shards" "$all"
