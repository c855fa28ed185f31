#!/usr/bin/env bash
# Scale-out on Citus: 10 million unit rows distributed by unit id over 32
# shards on two workers (all three servers on this machine), cohort_agg and
# quantile_sketch_agg grouped by a column that is not the distribution
# column.  Side by side in one run, the methods taking turns:
#
#   split       the aggregate as it is: partial aggregation on the workers
#               (worker_partial_agg), states combined on the coordinator
#   pulled      the same aggregate with an internal state, as 1.0 defined
#               it: Citus cannot split it and pulls every row to the
#               coordinator (its default row-gather strategy)
#   single node the aggregate on a local copy of the rows on the
#               coordinator, on one core and with 2 parallel workers
#
#   bench/citus.sh            (ROWS=10000000 BENCH_RUNS=5 by default)
#
# Needs Citus (../shared/citus/install.sh).  Results: doc/benchmarks.md.
. "$(dirname "$0")/lib.sh"
ROWS=${ROWS:-10000000}

scripts/deps.sh
make -s -j2 >/dev/null
make -s stage >/dev/null
. scripts/pgcluster.sh
[ -f "build/stage$($PG_CONFIG --pkglibdir)/citus.so" ] ||
    { echo "citus: Citus is not installed (bash ../shared/citus/install.sh)"; exit 1; }

# three servers: cluster_start keeps only the last one's address
declare -A HOST=() PORT=()
DIRS=()
stop_all() {
    local d
    for d in "${DIRS[@]}"; do
        as_owner "$STAGE_BIN/pg_ctl" -D "$d/data" -m fast -w stop >/dev/null 2>&1 || true
        rm -rf "$d"
    done
}
trap stop_all EXIT
for n in coordinator worker1 worker2; do
    DIRS+=("$(pwd)/build/bench-citus-$n")
    cluster_start "$(pwd)/build/bench-citus-$n" "shared_preload_libraries = 'citus'" \
        "shared_buffers = '512MB'" "jit = off" "max_prepared_transactions = 20" \
        "citus.node_conninfo = 'sslmode=disable'" "max_worker_processes = 16" "max_parallel_workers = 8"
    HOST[$n]=$PGHOST
    PORT[$n]=$PGPORT
    cluster_psql -q -c "CREATE EXTENSION citus"
done
on() {
    local n=$1
    shift
    as_owner env PGHOST="${HOST[$n]}" PGPORT="${PORT[$n]}" PGUSER="$CLUSTER_USER" \
        "$STAGE_BIN/psql" -X -v ON_ERROR_STOP=1 -d postgres "$@"
}
on coordinator -q <<SQL
SET client_min_messages = warning;
SELECT citus_set_coordinator_host('${HOST[coordinator]}', ${PORT[coordinator]});
SELECT citus_add_node('${HOST[worker1]}', ${PORT[worker1]});
SELECT citus_add_node('${HOST[worker2]}', ${PORT[worker2]});
CREATE EXTENSION cohort_analyzer;
-- the aggregates as 1.0 defined them, with internal states (the library
-- keeps those functions)
CREATE FUNCTION cohort_internal_trans(internal, boolean, boolean, double precision) RETURNS internal
    AS 'cohort_analyzer', 'cohort_agg_trans' LANGUAGE C;
CREATE FUNCTION cohort_internal_final(internal) RETURNS cohort
    AS 'cohort_analyzer', 'cohort_agg_final' LANGUAGE C;
CREATE AGGREGATE cohort_agg_internal(boolean, boolean, double precision) (
    SFUNC = cohort_internal_trans, STYPE = internal, FINALFUNC = cohort_internal_final);
CREATE FUNCTION sketch_internal_trans(internal, double precision) RETURNS internal
    AS 'cohort_analyzer', 'quantile_sketch_agg_trans' LANGUAGE C;
CREATE FUNCTION sketch_internal_final(internal) RETURNS quantile_sketch
    AS 'cohort_analyzer', 'quantile_sketch_agg_final' LANGUAGE C;
CREATE AGGREGATE quantile_sketch_agg_internal(double precision) (
    SFUNC = sketch_internal_trans, STYPE = internal, FINALFUNC = sketch_internal_final);
SELECT setseed(0.5);
CREATE TABLE units AS
SELECT i AS unit_id, (ARRAY['control', 'treatment', 'holdout'])[1 + (random() * 2.999)::int] AS variant,
       random() < 0.42 AS completed, random() < 0.12 AS churned,
       round((random() * 80)::numeric, 2)::float8 AS revenue,
       exp(ln(20) + 0.36 * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random())) AS latency_ms
FROM generate_series(1, $ROWS) AS i;
CREATE TABLE units_local AS SELECT * FROM units;
SET citus.shard_count = 32;
SELECT create_distributed_table('units', 'unit_id');
SELECT truncate_local_data_after_distributing_table('units');
VACUUM ANALYZE units_local;
VACUUM ANALYZE units;
SQL

# one timed run on the coordinator: psql's wall time in ms
run_ms() {
    on coordinator -q -o /dev/null -c "$1" -c '\timing on' -c "$2" \
        | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' | tail -1
}

SERIAL="SET max_parallel_workers_per_gather = 0"
PARALLEL="SET max_parallel_workers_per_gather = 2; SET parallel_setup_cost = 0; SET min_parallel_table_scan_size = 0"
declare -A Q=(
    [cohort_split]="$SERIAL|SELECT variant, cohort_agg(completed, churned, revenue) FROM units GROUP BY variant"
    [cohort_pulled]="$SERIAL|SELECT variant, cohort_agg_internal(completed, churned, revenue) FROM units GROUP BY variant"
    [cohort_single]="$SERIAL|SELECT variant, cohort_agg(completed, churned, revenue) FROM units_local GROUP BY variant"
    [cohort_single_2w]="$PARALLEL|SELECT variant, cohort_agg(completed, churned, revenue) FROM units_local GROUP BY variant"
    [sketch_split]="$SERIAL|SELECT variant, quantile(quantile_sketch_agg(latency_ms), 0.99) FROM units GROUP BY variant"
    [sketch_pulled]="$SERIAL|SELECT variant, quantile(quantile_sketch_agg_internal(latency_ms), 0.99) FROM units GROUP BY variant"
    [sketch_single]="$SERIAL|SELECT variant, quantile(quantile_sketch_agg(latency_ms), 0.99) FROM units_local GROUP BY variant"
    [sketch_single_2w]="$PARALLEL|SELECT variant, quantile(quantile_sketch_agg(latency_ms), 0.99) FROM units_local GROUP BY variant"
)
ORDER=(cohort_split cohort_pulled cohort_single cohort_single_2w sketch_split sketch_pulled sketch_single sketch_single_2w)

echo "plans:"
for k in cohort_split cohort_pulled; do
    on coordinator -A -t -c "EXPLAIN (VERBOSE, COSTS OFF) ${Q[$k]#*|}" |
        grep -oE 'worker_partial_agg|coord_combine_agg|cohort_agg_internal' | sort -u | tr '\n' ' ' |
        sed "s/^/  $k: /"
    echo
done

declare -A T=()
for round in $(seq 0 "$BENCH_RUNS"); do
    for k in "${ORDER[@]}"; do
        t=$(run_ms "${Q[$k]%%|*}" "${Q[$k]#*|}")
        [ "$round" -gt 0 ] && T[$k]+="$t "
    done
done
declare -A M=()
for k in "${ORDER[@]}"; do M[$k]=$(echo "${T[$k]}" | bench_median); done

echo
echo "rows: $ROWS in 3 groups, 32 shards on 2 workers (one machine, $(nproc) cores), median of $BENCH_RUNS runs, jit off"
echo
echo "| aggregate | split (ms) | pulled (ms) | pulled / split | single node, 1 core (ms) | single node, 2 workers (ms) |"
echo "|---|---:|---:|---:|---:|---:|"
for a in cohort sketch; do
    printf '| %s | %.0f | %.0f | %s | %.0f | %.0f |\n' \
        "$([ $a = cohort ] && echo 'cohort_agg(completed, churned, revenue)' || echo 'quantile_sketch_agg(latency_ms)')" \
        "${M[${a}_split]}" "${M[${a}_pulled]}" "$(ratio "${M[${a}_pulled]}" "${M[${a}_split]}")" \
        "${M[${a}_single]}" "${M[${a}_single_2w]}"
done
