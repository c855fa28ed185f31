# Sourced by the benchmarks: a throwaway cluster and a query timer.
#
#   bench_start [extra postgresql.conf lines...]
#   bench_ms SETTINGS SQL     median wall time in ms over $BENCH_RUNS runs
#                             (after one warm-up run), as measured by psql
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
BENCH_RUNS=${BENCH_RUNS:-5}
BENCH_DB=bench

bench_start() {
    scripts/deps.sh
    make -s -j2 >/dev/null
    make -s stage >/dev/null
    . scripts/pgcluster.sh
    trap cluster_stop EXIT
    cluster_start "$(pwd)/build/bench-cluster" "shared_buffers = '2GB'" "jit = off" \
        "max_parallel_workers = 8" "max_worker_processes = 16" "$@"
    cluster_psql -q -c "CREATE DATABASE $BENCH_DB"
}

bench_sql() {
    cluster_psql -q -d "$BENCH_DB" "$@"
}

bench_ms() {
    local settings=$1 sql=$2 i times=()
    for i in $(seq 0 "$BENCH_RUNS"); do
        local t
        t=$(cluster_psql -q -d "$BENCH_DB" -o /dev/null -c "$settings" -c '\timing on' -c "$sql" \
            | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' | tail -1)
        [ "$i" -gt 0 ] && times+=("$t")
    done
    printf '%s\n' "${times[@]}" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'
}

# ratio A B: A / B to two decimals
ratio() {
    awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'
}
