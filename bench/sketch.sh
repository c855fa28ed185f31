#!/usr/bin/env bash
# Benchmark of the quantile sketch: p99 per group of a small key over
# 10 million latencies, side by side in one run with the tdigest extension
# (Debian's postgresql-15-tdigest) and with the exact percentile_cont, plus
# the relative error of each method at several quantiles.
#
#   bench/sketch.sh [ROWS] [REPEATS]        defaults: 10000000 rows, 5 repeats
#
# The methods run in turn within each repeat (so a busy machine slows them
# alike); the script prints each method's median time and its ratio to the
# sketch, serially and with 2 parallel workers.  Results: doc/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."

ROWS=${1:-10000000}
REPEATS=${2:-5}

make -s -j2 >/dev/null
make -s stage >/dev/null
. scripts/pgcluster.sh
trap cluster_stop EXIT
cluster_start "$(pwd)/build/bench-sketch" "shared_buffers = 1GB" "work_mem = 512MB" "jit = off" \
    "max_parallel_workers_per_gather = 2"

cluster_psql -q <<SQL
SET client_min_messages = warning;
CREATE EXTENSION cohort_analyzer;
CREATE EXTENSION tdigest;
SELECT setseed(0.46);
-- lognormal latencies with a p99 near 46 ms, in 4 groups (e.g. regions)
CREATE TABLE requests AS
SELECT (i % 4) AS region,
       exp(ln(20) + 0.36 * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random())) AS ms
FROM generate_series(1, $ROWS) i;
VACUUM ANALYZE requests;
SQL

declare -A QUERY=(
    [floor]="SELECT region, count(ms) FROM requests GROUP BY region"
    [sketch]="SELECT region, quantile(quantile_sketch_agg(ms), 0.99) FROM requests GROUP BY region"
    [tdigest]="SELECT region, tdigest_percentile(ms, 100, 0.99) FROM requests GROUP BY region"
    [percentile_cont]="SELECT region, percentile_cont(0.99) WITHIN GROUP (ORDER BY ms) FROM requests GROUP BY region"
)
METHODS=(floor sketch tdigest percentile_cont)

# time_ms WORKERS QUERY: the server-side execution time of one run
time_ms() {
    cluster_psql -At -c "SET max_parallel_workers_per_gather = $1" \
        -c "EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) $2" |
        sed -n 's/.*"Execution Time": \([0-9.]*\).*/\1/p'
}

median() {
    sort -n | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'
}

echo "rows: $ROWS, repeats: $REPEATS (median), 4 groups"
for workers in 0 2; do
    declare -A times=()
    for ((r = 1; r <= REPEATS; r++)); do
        for m in "${METHODS[@]}"; do
            times[$m]+="$(time_ms $workers "${QUERY[$m]}") "
        done
    done
    echo
    echo "parallel workers per gather: $workers"
    printf '%-16s %12s %16s %22s\n' method median_ms ratio_to_sketch above_floor_ms
    base=$(echo ${times[sketch]} | tr ' ' '\n' | median)
    floor=$(echo ${times[floor]} | tr ' ' '\n' | median)
    for m in "${METHODS[@]}"; do
        med=$(echo ${times[$m]} | tr ' ' '\n' | median)
        printf '%-16s %12.0f %16.2f %22.0f\n' "$m" "$med" "$(echo "$med / $base" | bc -l)" \
            "$(echo "$med - $floor" | bc -l)"
    done
    unset times
done

echo
echo "relative error against the exact percentile_disc, all $ROWS rows:"
cluster_psql -q <<'SQL'
\pset footer off
WITH qs AS (SELECT '{0.5, 0.9, 0.95, 0.99, 0.999}'::float8[] AS q),
est AS (
    SELECT percentile_disc((SELECT q FROM qs)) WITHIN GROUP (ORDER BY ms) AS exact,
           quantiles(quantile_sketch_agg(ms), (SELECT q FROM qs)) AS sketch,
           tdigest_percentile(ms, 100, (SELECT q FROM qs)) AS tdigest
    FROM requests)
SELECT u.q, round(u.x::numeric, 3) AS exact_ms,
       to_char(100 * abs(u.s - u.x) / u.x, 'FM0.0000') || '%' AS sketch_error,
       to_char(100 * abs(u.t - u.x) / u.x, 'FM0.0000') || '%' AS tdigest_error
FROM est, unnest((SELECT q FROM qs), est.exact, est.sketch, est.tdigest) AS u(q, x, s, t);
SELECT pg_column_size(quantile_sketch_agg(ms)) AS sketch_bytes,
       pg_column_size(tdigest(ms, 100)) AS tdigest_bytes FROM requests;
SQL
