#!/usr/bin/env bash
# Rollout checkpoints: the time to decide one checkpoint over a 2-hour window
# of 1 million requests (goal: at most 1 s), its parts side by side (the bare
# scan of the window, exact percentiles against the quantile sketch), and how
# many rollouts one worker keeps up with at a 1 s interval.
#
#   bench/rollout.sh            (ROWS=1000000 ROLLOUTS=2000 BENCH_RUNS=5 by default)
. "$(dirname "$0")/lib.sh"
ROWS=${ROWS:-1000000}
ROLLOUTS=${ROLLOUTS:-2000}

bench_start
# Two sources of ROWS requests over two hours: a 1% canary and a 100% full
# rollout.  Timings are taken inside the server and the decisions rolled
# back, so every run decides the same checkpoint.
bench_sql -o /dev/null <<SQL
CREATE EXTENSION cohort_analyzer;
SELECT setseed(0.6);
CREATE TABLE requests_canary AS
SELECT timestamptz '2026-03-02 09:00+00' + (i::float8 / $ROWS) * interval '2 hours' AS ts,
       CASE WHEN random() < 0.01 THEN 'treatment' ELSE 'control' END AS arm,
       random() < 0.001 AS is_error,
       round((20 + 30 * -ln(1 - random()))::numeric, 1)::float8 AS latency_ms,
       round((40 * -ln(1 - random()))::numeric, 2)::float8 AS revenue,
       random() < 0.4 AS completed, random() < 0.12 AS churned
FROM generate_series(1, $ROWS) AS i;
CREATE TABLE requests_full AS
SELECT ts, 'treatment'::text AS arm, is_error, latency_ms, revenue, completed, churned FROM requests_canary;
CREATE INDEX ON requests_canary (ts);
CREATE INDEX ON requests_full (ts);
VACUUM ANALYZE requests_canary;
VACUUM ANALYZE requests_full;

-- milliseconds of one statement, its effects rolled back
CREATE FUNCTION timed_ms(sql text) RETURNS float8 LANGUAGE plpgsql AS \$\$
DECLARE
    t0 timestamptz;
BEGIN
    t0 := clock_timestamp();
    EXECUTE sql;
    RAISE EXCEPTION USING MESSAGE = (1000 * extract(epoch FROM clock_timestamp() - t0))::text;
EXCEPTION WHEN raise_exception THEN
    RETURN SQLERRM::float8;
END
\$\$;
CREATE FUNCTION median_ms(sql text, runs int) RETURNS float8 LANGUAGE sql AS \$\$
    SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY timed_ms(sql)) FROM generate_series(0, runs)
\$\$;

-- the scenario's canary and full phases, checkpoint due at 2 hours
SELECT rollout_create('canary', 'requests_canary', jsonb_build_object('phases', jsonb_build_array(
    rollout_default_plan() -> 'phases' -> 0 || '{"checkpoints": ["2 hours"]}')));
SELECT rollout_create('full', 'requests_full', jsonb_build_object('phases', jsonb_build_array(
    jsonb_set(rollout_default_plan() -> 'phases' -> 2, '{duration}', '"2 hours"') || '{"checkpoints": ["2 hours"]}')));
SQL

W="timestamptz '2026-03-02 09:00+00', timestamptz '2026-03-02 11:00+00'"
sketch_sql() {
    echo "SELECT count(*) FILTER (WHERE arm = 'treatment'), count(*) FILTER (WHERE arm = 'treatment' AND is_error),
                 count(*) FILTER (WHERE arm = 'control'),
                 quantiles(quantile_sketch_agg(latency_ms) FILTER (WHERE arm = 'treatment'), '{0.99}')
          FROM $1 WHERE ts >= '2026-03-02 09:00+00' AND ts < '2026-03-02 11:00+00'"
}
exact_sql() {
    echo "SELECT count(*) FILTER (WHERE arm = 'treatment'), count(*) FILTER (WHERE arm = 'treatment' AND is_error),
                 count(*) FILTER (WHERE arm = 'control'),
                 percentile_disc('{0.99}'::float8[]) WITHIN GROUP (ORDER BY latency_ms) FILTER (WHERE arm = 'treatment')
          FROM $1 WHERE ts >= '2026-03-02 09:00+00' AND ts < '2026-03-02 11:00+00'"
}
row() {
    local name=$1 sql=$2
    bench_sql -At -c "SELECT round(median_ms(\$q\$$sql\$q\$, $BENCH_RUNS)::numeric, 1)"
}

echo
echo "rows: $ROWS per source over 2 hours, median of $BENCH_RUNS runs, jit off, $(nproc) cores"
echo
echo "| step | canary 1% (ms) | full 100% (ms) |"
echo "|---|---:|---:|"
declare -A C F
C[scan]=$(row scan "SELECT count(*) FROM requests_canary WHERE ts >= '2026-03-02 09:00+00' AND ts < '2026-03-02 11:00+00'")
F[scan]=$(row scan "SELECT count(*) FROM requests_full WHERE ts >= '2026-03-02 09:00+00' AND ts < '2026-03-02 11:00+00'")
C[exact]=$(row exact "$(exact_sql requests_canary)")
F[exact]=$(row exact "$(exact_sql requests_full)")
C[sketch]=$(row sketch "$(sketch_sql requests_canary)")
F[sketch]=$(row sketch "$(sketch_sql requests_full)")
C[measure]=$(row measure "SELECT rollout_measure('public.requests_canary', $W, '{0.99}', true)")
F[measure]=$(row measure "SELECT rollout_measure('public.requests_full', $W, '{0.99}', false)")
bench_sql -q -o /dev/null -c "SELECT rollout_start('canary', '2026-03-02 09:00+00')"
C[decide]=$(row decide "SELECT rollout_tick('2026-03-02 11:00+00')")
bench_sql -q -o /dev/null -c "SELECT rollout_rollback('canary', 'bench: full next'), rollout_start('full', '2026-03-02 09:00+00')"
F[decide]=$(row decide "SELECT rollout_tick('2026-03-02 11:00+00')")
printf '| scan of the window (count) | %s | %s |\n' "${C[scan]}" "${F[scan]}"
printf '| counts + exact p99 (percentile_disc) | %s | %s |\n' "${C[exact]}" "${F[exact]}"
printf '| counts + sketch p99 (quantile_sketch_agg) | %s | %s |\n' "${C[sketch]}" "${F[sketch]}"
printf '| all measurements of the phase | %s | %s |\n' "${C[measure]}" "${F[measure]}"
printf '| **one checkpoint decided (rollout_tick)** | **%s** | **%s** |\n' "${C[decide]}" "${F[decide]}"
echo
printf 'exact p99 / sketch p99: canary %s, full %s; decision / scan: canary %s, full %s\n' \
    "$(ratio "${C[exact]}" "${C[sketch]}")" "$(ratio "${F[exact]}" "${F[sketch]}")" \
    "$(ratio "${C[decide]}" "${C[scan]}")" "$(ratio "${F[decide]}" "${F[scan]}")"

# Throughput: ROLLOUTS running rollouts, each on its own small source (one
# hour of a low-traffic service, 600 requests per arm); a round in which
# none is due, and a round in which every one has a checkpoint due.
bench_sql -q -o /dev/null <<SQL
SELECT rollout_rollback('full', 'bench: throughput next');
CREATE TABLE small AS
SELECT timestamptz '2026-03-02 09:00+00' + s * interval '3 seconds' AS ts, arm, s % 500 = 0 AS is_error,
       (20 + s % 80)::float8 AS latency_ms
FROM generate_series(0, 1199) AS s, unnest(ARRAY['control', 'treatment']) AS arm;
DO \$\$
BEGIN
    FOR i IN 1 .. $ROLLOUTS LOOP
        EXECUTE format('CREATE VIEW small_%s AS SELECT * FROM small', i);
        PERFORM rollout_create('r' || i, format('small_%s', i)::regclass,
            jsonb_build_object('phases', jsonb_build_array(
                rollout_default_plan(false) -> 'phases' -> 0 || '{"checkpoints": ["1 hour", "2 hours"]}')));
        PERFORM rollout_start('r' || i, '2026-03-02 09:00+00');
    END LOOP;
END
\$\$;
SQL
idle=$(row idle "SELECT rollout_tick('2026-03-02 09:59+00')")
due=$(bench_sql -At -c "SELECT round(timed_ms(\$q\$SELECT rollout_tick('2026-03-02 10:00+00')\$q\$)::numeric, 1)")
echo
echo "| $ROLLOUTS running rollouts | ms per round | checkpoints per second |"
echo "|---|---:|---:|"
printf '| none due | %s | |\n' "$idle"
printf '| all due (one decision each) | %s | %s |\n' "$due" "$(awk -v n="$ROLLOUTS" -v t="$due" 'BEGIN {printf "%.0f", n / (t / 1000)}')"
