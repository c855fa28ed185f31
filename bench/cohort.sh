#!/usr/bin/env bash
# cohort_agg against the hand-written SQL an analyst would otherwise use, a
# lone avg() and the bare scan, on 10 million learner rows, ungrouped and
# grouped by variant, on one core and with 2 parallel workers; and, side by
# side, cohort_agg's transition without the shifted moments
# (bench/cohort_unshifted.c, serial only: it has no combine function), and
# cohort_agg as 1.0 defined it, with an internal state (the library keeps
# those functions): the state in a cohort value must cost nothing.
#
#   bench/cohort.sh            (ROWS=10000000 BENCH_RUNS=5 by default)
. "$(dirname "$0")/lib.sh"
ROWS=${ROWS:-10000000}

bench_start
# the unshifted transition, built against this tree's headers into the
# stage with the algorithms it shares (the extension's library exports only
# what the server looks up)
PKGLIB=$(cd "$STAGE_BIN/../lib" && pwd)
"$($PG_CONFIG --cc)" -shared -fPIC -O2 -Isrc -Isrc/core -isystem "$($PG_CONFIG --includedir-server)" \
    -o "$PKGLIB/cohort_unshifted.so" bench/cohort_unshifted.c src/core/cohort_stats.c src/core/moments.c -lm

bench_sql <<SQL
CREATE EXTENSION cohort_analyzer;
CREATE FUNCTION unshifted_trans(internal, boolean, boolean, double precision) RETURNS internal
    AS 'cohort_unshifted', 'bench_unshifted_trans' LANGUAGE C;
CREATE FUNCTION unshifted_final(internal) RETURNS cohort
    AS 'cohort_unshifted', 'bench_unshifted_final' LANGUAGE C;
CREATE AGGREGATE cohort_agg_unshifted(boolean, boolean, double precision) (
    SFUNC = unshifted_trans, STYPE = internal, FINALFUNC = unshifted_final);
CREATE FUNCTION internal_trans(internal, boolean, boolean, double precision) RETURNS internal
    AS 'cohort_analyzer', 'cohort_agg_trans' LANGUAGE C;
CREATE FUNCTION internal_combine(internal, internal) RETURNS internal
    AS 'cohort_analyzer', 'cohort_agg_combine' LANGUAGE C;
CREATE FUNCTION internal_serialize(internal) RETURNS bytea
    AS 'cohort_analyzer', 'cohort_agg_serialize' LANGUAGE C STRICT;
CREATE FUNCTION internal_deserialize(bytea, internal) RETURNS internal
    AS 'cohort_analyzer', 'cohort_agg_deserialize' LANGUAGE C STRICT;
CREATE FUNCTION internal_final(internal) RETURNS cohort
    AS 'cohort_analyzer', 'cohort_agg_final' LANGUAGE C;
CREATE AGGREGATE cohort_agg_internal(boolean, boolean, double precision) (
    SFUNC = internal_trans, STYPE = internal, SSPACE = 112, FINALFUNC = internal_final,
    COMBINEFUNC = internal_combine, SERIALFUNC = internal_serialize,
    DESERIALFUNC = internal_deserialize, PARALLEL = SAFE);
SELECT setseed(0.1);
CREATE TABLE learners AS
SELECT CASE WHEN random() < 0.01 THEN 'treatment' ELSE 'control' END AS variant,
       random() < 0.42 AS completed, random() < 0.12 AS churned,
       round((random() * 80)::numeric, 2)::float8 AS revenue
FROM generate_series(1, $ROWS);
VACUUM ANALYZE learners;
SELECT count(*) FROM learners;
SQL

declare -A Q=(
    [scan]="count(*)"
    [avg]="avg(revenue)"
    [handwritten]="count(*), count(*) FILTER (WHERE completed), count(*) FILTER (WHERE churned), avg(revenue), var_samp(revenue)"
    [cohort_agg]="cohort_agg(completed, churned, revenue)"
    [unshifted]="cohort_agg_unshifted(completed, churned, revenue)"
    [internal_state]="cohort_agg_internal(completed, churned, revenue)"
)
ORDER=(scan avg handwritten cohort_agg internal_state unshifted)
SERIAL="SET max_parallel_workers_per_gather = 0"
PARALLEL="SET max_parallel_workers_per_gather = 2; SET parallel_setup_cost = 0; SET min_parallel_table_scan_size = 0"

declare -A S=() P=()
echo
echo "rows: $ROWS, median of $BENCH_RUNS rounds, jit off, $(nproc) cores"
for grouping in ungrouped grouped; do
    if [ $grouping = ungrouped ]; then
        bench_turns "SELECT %s FROM learners"
    else
        bench_turns "SELECT variant, %s FROM learners GROUP BY variant"
    fi
    echo
    [ $grouping = ungrouped ] && echo "### ungrouped" || echo "### grouped by variant"
    echo
    echo "| query | 1 core (ms) | vs scan | vs hand-written | vs avg | 2 workers (ms) | speed-up |"
    echo "|---|---:|---:|---:|---:|---:|---:|"
    for k in "${ORDER[@]}"; do
        printf '| %s | %.0f | %s | %s | %s | %.0f | %s |\n' "$k" "${S[$k]}" \
            "$(ratio "${S[$k]}" "${S[scan]}")" "$(ratio "${S[$k]}" "${S[handwritten]}")" \
            "$(ratio "${S[$k]}" "${S[avg]}")" "${P[$k]}" "$(ratio "${S[$k]}" "${P[$k]}")"
    done
done
