# Sourced by the benchmarks: a throwaway cluster and a query timer.
#
#   bench_start [extra postgresql.conf lines...]
#   bench_ms SETTINGS SQL     median wall time in ms over $BENCH_RUNS runs
#                             (after one warm-up run), as measured by psql
#   bench_run_ms SETTINGS SQL one timed run
#   bench_median              median of the numbers on standard input
#   bench_turns TEMPLATE      the queries of Q in ORDER, taking turns
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

# one timed run: psql's wall time in ms
bench_run_ms() {
    cluster_psql -q -d "$BENCH_DB" -o /dev/null -c "$1" -c '\timing on' -c "$2" \
        | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' | tail -1
}

# median of the numbers on standard input (separated by spaces or lines)
bench_median() {
    tr ' ' '\n' | grep . | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'
}

bench_ms() {
    local settings=$1 sql=$2 i times=""
    for i in $(seq 0 "$BENCH_RUNS"); do
        local t
        t=$(bench_run_ms "$settings" "$sql")
        [ "$i" -gt 0 ] && times+="$t "
    done
    echo "$times" | bench_median
}

# bench_turns TEMPLATE: times printf(TEMPLATE, Q[key]) for every key of ORDER,
# under $SERIAL and under $PARALLEL.  The queries take turns within each
# round, so that load from other work on the machine falls on all of them
# alike; the first round warms up.  Sets S[key] and P[key] to the medians.
bench_turns() {
    local template=$1 round k sql
    local -A serial=() parallel=()
    for round in $(seq 0 "$BENCH_RUNS"); do
        for k in "${ORDER[@]}"; do
            printf -v sql "$template" "${Q[$k]}"
            local s p
            s=$(bench_run_ms "$SERIAL" "$sql")
            p=$(bench_run_ms "$PARALLEL" "$sql")
            if [ "$round" -gt 0 ]; then
                serial[$k]+="$s "
                parallel[$k]+="$p "
            fi
        done
    done
    for k in "${ORDER[@]}"; do
        S[$k]=$(echo "${serial[$k]}" | bench_median)
        P[$k]=$(echo "${parallel[$k]}" | bench_median)
    done
}

# ratio A B: A / B to two decimals
ratio() {
    awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'
}
