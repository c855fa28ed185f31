#!/usr/bin/env bash
# The quantile sketch against the tdigest extension (Debian's
# postgresql-15-tdigest) and the exact percentile_cont: p99 latency per
# group of a small key over 10 million lognormal latencies (p99 near
# 46 ms), on one core and with 2 parallel workers, plus the relative error
# of the sketch and of tdigest at several quantiles.  Side by side,
# quantile_sketch_agg as 1.0 defined it, with an internal state (the
# library keeps those functions): the state as an expanded quantile_sketch
# must cost nothing.
#
#   bench/sketch.sh            (ROWS=10000000 BENCH_RUNS=5 by default)
#
# "scan" is count(ms) with the same scan and grouping: the floor every
# aggregate pays.  The methods take turns in each of BENCH_RUNS rounds and
# the median of each is reported.  Results: doc/benchmarks.md.
. "$(dirname "$0")/lib.sh"
ROWS=${ROWS:-10000000}

bench_start
bench_sql <<SQL
SET client_min_messages = warning;
CREATE EXTENSION cohort_analyzer;
CREATE EXTENSION tdigest;
SELECT setseed(0.46);
CREATE TABLE requests AS
SELECT (i % 4) AS region,
       exp(ln(20) + 0.36 * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random())) AS ms
FROM generate_series(1, $ROWS) i;
VACUUM ANALYZE requests;
CREATE FUNCTION internal_trans(internal, double precision) RETURNS internal
    AS 'cohort_analyzer', 'quantile_sketch_agg_trans' LANGUAGE C;
CREATE FUNCTION internal_combine(internal, internal) RETURNS internal
    AS 'cohort_analyzer', 'quantile_sketch_agg_combine' LANGUAGE C;
CREATE FUNCTION internal_serialize(internal) RETURNS bytea
    AS 'cohort_analyzer', 'quantile_sketch_agg_serialize' LANGUAGE C STRICT;
CREATE FUNCTION internal_deserialize(bytea, internal) RETURNS internal
    AS 'cohort_analyzer', 'quantile_sketch_agg_deserialize' LANGUAGE C STRICT;
CREATE FUNCTION internal_final(internal) RETURNS quantile_sketch
    AS 'cohort_analyzer', 'quantile_sketch_agg_final' LANGUAGE C;
CREATE AGGREGATE quantile_sketch_agg_internal(double precision) (
    SFUNC = internal_trans, STYPE = internal, SSPACE = 2048, FINALFUNC = internal_final,
    COMBINEFUNC = internal_combine, SERIALFUNC = internal_serialize,
    DESERIALFUNC = internal_deserialize, PARALLEL = SAFE);
SQL

declare -A Q=(
    [scan]="count(ms)"
    [sketch]="quantile(quantile_sketch_agg(ms), 0.99)"
    [sketch_internal_state]="quantile(quantile_sketch_agg_internal(ms), 0.99)"
    [tdigest]="tdigest_percentile(ms, 100, 0.99)"
    [percentile_cont]="percentile_cont(0.99) WITHIN GROUP (ORDER BY ms)"
)
ORDER=(scan sketch sketch_internal_state tdigest percentile_cont)
SERIAL="SET max_parallel_workers_per_gather = 0"
PARALLEL="SET max_parallel_workers_per_gather = 2; SET parallel_setup_cost = 0; SET min_parallel_table_scan_size = 0"

declare -A S=() P=()
bench_turns "SELECT region, %s FROM requests GROUP BY region"

echo
echo "rows: $ROWS in 4 groups, median of $BENCH_RUNS runs, jit off, $(nproc) cores"
echo
echo "| query | 1 core (ms) | vs sketch | above scan (ms) | 2 workers (ms) | vs sketch |"
echo "|---|---:|---:|---:|---:|---:|"
for k in "${ORDER[@]}"; do
    printf '| %s | %.0f | %s | %.0f | %.0f | %s |\n' "$k" "${S[$k]}" \
        "$(ratio "${S[$k]}" "${S[sketch]}")" "$(awk -v a="${S[$k]}" -v b="${S[scan]}" 'BEGIN {print a - b}')" \
        "${P[$k]}" "$(ratio "${P[$k]}" "${P[sketch]}")"
done

echo
echo "Relative error against the exact percentile_disc over all $ROWS rows:"
echo
bench_sql -A -t -F ' | ' <<'SQL'
WITH qs AS (SELECT '{0.5, 0.9, 0.95, 0.99, 0.999}'::float8[] AS q),
est AS (
    SELECT percentile_disc((SELECT q FROM qs)) WITHIN GROUP (ORDER BY ms) AS exact,
           quantiles(quantile_sketch_agg(ms), (SELECT q FROM qs)) AS sketch,
           tdigest_percentile(ms, 100, (SELECT q FROM qs)) AS tdigest
    FROM requests)
SELECT '| q | exact (ms) | sketch error | tdigest error |' UNION ALL
SELECT '|---:|---:|---:|---:|' UNION ALL
(SELECT format('| %s | %s | %s%% | %s%% |', u.q, round(u.x::numeric, 3),
               to_char(100 * abs(u.s - u.x) / u.x, 'FM0.0000'),
               to_char(100 * abs(u.t - u.x) / u.x, 'FM0.0000'))
 FROM est, unnest((SELECT q FROM qs), est.exact, est.sketch, est.tdigest) AS u(q, x, s, t)
 ORDER BY u.q);
SQL
echo
bench_sql -A -t <<'SQL'
SELECT format('Stored size of one sketch of all rows: %s bytes (sketch, alpha 0.01), %s bytes (tdigest, compression 100).',
              pg_column_size(quantile_sketch_agg(ms)), pg_column_size(tdigest(ms, 100)))
FROM requests;
SQL
