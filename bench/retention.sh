#!/usr/bin/env bash
# Speed of calendar periods and retention, side by side in one run on a
# throwaway cluster: each query runs three times, the median counts, and
# the report gives ratios to the built-in baseline.  No parallel workers,
# so the ratios compare single-core work.
#
#   bench/retention.sh [events]        (default 1000000 events)
set -euo pipefail
cd "$(dirname "$0")/.."
EVENTS=${1:-1000000}

make -s -j2 >/dev/null
make -s stage >/dev/null
. scripts/pgcluster.sh
trap cluster_stop EXIT
cluster_start "$(pwd)/build/bench-retention" "max_parallel_workers_per_gather = 0" "work_mem = '256MB'"

cluster_psql -q <<SQL
CREATE EXTENSION cohort_analyzer;
SELECT setseed(0.7);
CREATE TABLE ts AS SELECT timestamptz '2020-01-01' + random() * interval '6 years' AS t
FROM generate_series(1, $EVENTS);
CREATE TABLE users AS SELECT u AS unit, timestamptz '2026-01-05' + random() * interval '70 days' AS signup_at
FROM generate_series(1, $EVENTS / 10) u;
CREATE TABLE ev AS SELECT u.unit, u.signup_at + random() * random() * interval '100 days' AS at
FROM users u, generate_series(1, 10);
VACUUM ANALYZE;
SQL

# median of three runs, in ms
time_query() {
    local sql=$1 t=()
    for i in 1 2 3; do
        t+=("$(cluster_psql -At -c '\timing on' -c "$sql" | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p')")
    done
    printf '%s\n' "${t[@]}" | sort -n | sed -n 2p
}

report() {   # name baseline_ms ms
    awk -v n="$1" -v b="$2" -v t="$3" 'BEGIN { printf "%-62s %9.1f ms  %6.2fx\n", n, t, t / b }'
}

echo "== $EVENTS timestamps: period start (ratio to date_trunc)"
base=$(time_query "SELECT count(DISTINCT date_trunc('week', t)) FROM ts")
report "date_trunc('week', t)" "$base" "$base"
report "cohort_period(t, 'week')" "$base" "$(time_query "SELECT count(DISTINCT cohort_period(t, 'week')) FROM ts")"
report "cohort_period(t, 'week', 'en-US')" "$base" "$(time_query "SELECT count(DISTINCT cohort_period(t, 'week', 'en-US')) FROM ts")"
report "cohort_period(t, 'week', NULL, 'Europe/Berlin')" "$base" "$(time_query "SELECT count(DISTINCT cohort_period(t, 'week', NULL, 'Europe/Berlin')) FROM ts")"
report "cohort_period(t, 'month', 'ar-SA@calendar=islamic-umalqura')" "$base" "$(time_query "SELECT count(DISTINCT cohort_period(t, 'month', 'ar-SA@calendar=islamic-umalqura')) FROM ts")"
report "cohort_period(t, 'month', 'he-IL@calendar=hebrew')" "$base" "$(time_query "SELECT count(DISTINCT cohort_period(t, 'month', 'he-IL@calendar=hebrew')) FROM ts")"

echo
echo "== weekly retention matrix, $((EVENTS / 10)) units, $EVENTS events, 12 weeks (ratio to plain SQL)"
base=$(time_query "SELECT count(*) FROM (
    SELECT cohort, k, count(DISTINCT unit) FROM (
        SELECT u.unit, date_trunc('week', u.signup_at) AS cohort,
               (date_trunc('week', e.at)::date - date_trunc('week', u.signup_at)::date) / 7 AS k
        FROM users u JOIN ev e USING (unit) WHERE e.at >= u.signup_at) s
    WHERE k < 12 GROUP BY cohort, k) m")
report "plain SQL: date_trunc + count(DISTINCT unit)" "$base" "$base"
report "activity_agg + retention_agg" "$base" "$(time_query "SELECT count(*) FROM (
    SELECT cohort, retention_agg(a) FROM (
        SELECT date_trunc('week', u.signup_at) AS cohort, activity_agg(u.signup_at, e.at, 'week', 12) AS a
        FROM users u LEFT JOIN ev e USING (unit) GROUP BY u.unit, u.signup_at) s
    GROUP BY cohort) m")"
cluster_psql -q -c "CREATE TABLE acts AS SELECT date_trunc('week', u.signup_at) AS cohort, activity_agg(u.signup_at, e.at, 'week', 12) AS a FROM users u LEFT JOIN ev e USING (unit) GROUP BY u.unit, u.signup_at" \
    -c "CREATE TABLE weekly AS SELECT cohort, retention_agg(a) AS r FROM acts GROUP BY cohort"
report "retention_agg over stored activities" "$base" "$(time_query "SELECT count(*) FROM (SELECT cohort, retention_agg(a) FROM acts GROUP BY cohort) m")"
report "rollup over stored weekly retention values" "$base" "$(time_query "SELECT units(rollup(r)) FROM weekly")"
