#!/usr/bin/env bash
# Incremental checkpoints against the full-window measurement, side by
# side in one run: a 4-hour ramp at 10% with 6 checkpoints (15 min, 30 min,
# 1 h, 2 h, 3 h, 4 h) over ROWS requests of 50,000 learners.  The data
# "arrives" in slices of SLICE of simulated time: each slice is inserted,
# then the worker's tick for the incremental rollout runs (it summarizes the
# settled buckets and decides a checkpoint when one is due); at each
# checkpoint the full-window rollout on the same source is decided too.
# Reported: the time of each checkpoint, the total deciding time of the
# phase (every tick of the incremental rollout), the bare scan of the
# whole window (count, with and without parallel workers), the rows each
# round summarized read again without summarizing (what reading them costs
# a round), and one pass of the summarizing aggregates over the whole
# window (what summarizing every row once costs).  Both plans allow a
# measurement an hour (the full-window checkpoints of 40 million rows take
# longer than the default measure_timeout of 30 s).  Rows carry the time
# they arrive (loaded_at, up to 2 s after ts: the incremental plan's
# arrival column); at 2:00,
# LATE rows arrive for 1:30, after their bucket was summarized.
#
#   bench/rollout_scale.sh      (ROWS=40000000 SLICE='1 minute' LATE=1000 by
#                                default; ROWS=4000000 for a quick run)
. "$(dirname "$0")/lib.sh"
ROWS=${ROWS:-40000000}
SLICE=${SLICE:-1 minute}
LATE=${LATE:-1000}
T0="2026-03-02 09:00+00"

bench_start "max_wal_size = '8GB'" "checkpoint_timeout = '30min'" "autovacuum = off"
bench_sql -o /dev/null <<SQL
CREATE EXTENSION cohort_analyzer;
CREATE UNLOGGED TABLE requests (ts timestamptz, arm text, is_error boolean, latency_ms float8,
                                revenue float8, completed boolean, churned boolean, unit_id bigint,
                                loaded_at timestamptz);
CREATE INDEX ON requests (ts);
CREATE INDEX ON requests (loaded_at);
-- the requests of [t_from, t_to): evenly spread, 50,000 learners, those
-- with a number divisible by 10 in the treatment
CREATE FUNCTION arrive(t_from timestamptz, t_to timestamptz) RETURNS void LANGUAGE plpgsql AS \$\$
DECLARE
    n bigint := round($ROWS * extract(epoch FROM t_to - t_from) / (4 * 3600));
BEGIN
    INSERT INTO requests
    SELECT ts, CASE WHEN u % 10 = 0 THEN 'treatment' ELSE 'control' END, random() < 0.001,
           round((20 + 30 * -ln(1 - random()))::numeric, 1)::float8,
           round((0.4 * -ln(1 - random()))::numeric, 2)::float8, random() < 0.05, random() < 0.01, u,
           ts + random() * interval '2 seconds'
    FROM (SELECT t_from + (i::float8 / n) * (t_to - t_from) AS ts, (random() * 49999)::bigint AS u
          FROM generate_series(0, n - 1) AS i OFFSET 0) AS r;
END
\$\$;
-- one tick of a rollout at as_of, in ms; decisions made go to the log
CREATE FUNCTION tick_ms(name text, as_of timestamptz) RETURNS float8 LANGUAGE plpgsql AS \$\$
DECLARE
    t0 timestamptz := clock_timestamp();
BEGIN
    PERFORM rollout_tick_one((SELECT id FROM rollouts r WHERE r.name = tick_ms.name), as_of, 'worker');
    RETURN 1000 * extract(epoch FROM clock_timestamp() - t0);
END
\$\$;
-- what reading a round's rows costs, nothing summarized: the rows of
-- [t_from, t_to) through the ts index, every column a round uses, in ms
CREATE FUNCTION read_ms(t_from timestamptz, t_to timestamptz) RETURNS float8 LANGUAGE plpgsql AS \$\$
DECLARE
    t0 timestamptz := clock_timestamp();
BEGIN
    PERFORM count(arm), count(is_error), count(latency_ms), count(revenue), count(completed), count(churned),
            count(unit_id), count(loaded_at)
    FROM requests WHERE ts >= t_from AND ts < t_to;
    RETURN 1000 * extract(epoch FROM clock_timestamp() - t0);
END
\$\$;
CREATE FUNCTION plan(measurement text) RETURNS jsonb LANGUAGE sql AS \$\$
    SELECT jsonb_build_object('measurement', measurement, 'measure_timeout', '1 hour',
        'columns', CASE WHEN measurement = 'incremental' THEN '{"arrival": "loaded_at"}'::jsonb ELSE '{}' END,
        'phases', jsonb_build_array(
        jsonb_build_object('name', 'ramp', 'traffic', 0.1, 'duration', '4 hours',
            'checkpoints', rollout_default_plan() -> 'phases' -> 1 -> 'checkpoints',
            'thresholds', rollout_default_plan() -> 'phases' -> 1 -> 'thresholds'
                          || '{"revenue_lift": {"min": -0.03}}')))
\$\$;
SELECT rollout_create('full', 'requests', plan('full'));
SELECT rollout_create('incremental', 'requests', plan('incremental'));
SELECT rollout_start('full', '$T0'), rollout_start('incremental', '$T0');
CREATE TABLE timings (at interval, method text, ms float8, checkpoint boolean);
SQL

# The rounds run in one long-lived session, as the rollout worker runs
# them in its own process (a new connection a round would add the cost of
# cold caches to every round); the data arrives through other sessions.
coproc TICKER { bench_sql -At 2>&1; }
ticker() { printf '%s\n' "$1" >&"${TICKER[1]}"; }
ticker_wait() {
    local line
    ticker "\\echo done-$1"
    while IFS= read -r line <&"${TICKER[0]}"; do
        [ "$line" = "done-$1" ] && return 0
        echo "$line" >&2
    done
    echo "the session of the rounds ended" >&2
    exit 1
}

# the slices of simulated time; checkpoints fall on slice ends
n=$(bench_sql -At -c "SELECT ceil(extract(epoch FROM interval '4 hours') / extract(epoch FROM interval '$SLICE'))")
late_slice=$(bench_sql -At -c "SELECT (extract(epoch FROM interval '2 hours') / extract(epoch FROM interval '$SLICE'))::int
                               WHERE extract(epoch FROM interval '2 hours')::numeric % extract(epoch FROM interval '$SLICE')::numeric = 0")
for i in $(seq 1 "$n"); do
    bench_sql -q -o /dev/null -c "SELECT arrive(timestamptz '$T0' + ($i - 1) * interval '$SLICE',
        least(timestamptz '$T0' + $i * interval '$SLICE', timestamptz '$T0' + interval '4 hours'))"
    [ $((i % 30)) -eq 1 ] && bench_sql -q -c "ANALYZE requests"
    # late rows: at 2:00, rows of 1:30 (summarized half an hour ago) arrive
    if [ "$i" = "$late_slice" ]; then
        bench_sql -q -o /dev/null -c "INSERT INTO requests SELECT timestamptz '$T0' + interval '90 minutes',
            CASE WHEN g % 10 = 0 THEN 'treatment' ELSE 'control' END, false, 50, 0, false, false, g % 50000,
            timestamptz '$T0' + interval '2 hours' FROM generate_series(1, $LATE) AS g"
    fi
    # the round of the incremental rollout; then the rows it summarized read
    # again, nothing summarized (after the round, which pays for touching
    # them first: a lower bound of what reading them costs); then the
    # full-window rollout when a checkpoint is due
    ticker "WITH at AS (SELECT least(timestamptz '$T0' + $i * interval '$SLICE', timestamptz '$T0' + interval '4 hours') AS t),
     due AS (SELECT next_checkpoint_at <= at.t AS due FROM rollouts, at WHERE name = 'incremental')
INSERT INTO timings SELECT at.t - timestamptz '$T0', 'incremental', tick_ms('incremental', at.t), due.due FROM at, due;
WITH at AS (SELECT least(timestamptz '$T0' + $i * interval '$SLICE', timestamptz '$T0' + interval '4 hours') AS t)
INSERT INTO timings SELECT at.t - timestamptz '$T0', 'reads', read_ms(at.t - 2 * interval '$SLICE', at.t - interval '$SLICE'), false
FROM at WHERE at.t - 2 * interval '$SLICE' >= timestamptz '$T0';
WITH at AS (SELECT least(timestamptz '$T0' + $i * interval '$SLICE', timestamptz '$T0' + interval '4 hours') AS t)
INSERT INTO timings SELECT at.t - timestamptz '$T0', 'full', tick_ms('full', at.t), true
FROM at, rollouts r WHERE r.name = 'full' AND r.next_checkpoint_at <= at.t;"
    ticker_wait "$i"
done
ticker "\\q"
[ -n "${TICKER_PID:-}" ] && wait "$TICKER_PID" 2>/dev/null || true
bench_sql -q -o /dev/null -c "VACUUM ANALYZE requests"
scan=$(bench_ms "" "SELECT count(*) FROM requests WHERE ts >= '$T0' AND ts < timestamptz '$T0' + interval '4 hours'")
scan1=$(bench_ms "SET max_parallel_workers_per_gather = 0" "SELECT count(*) FROM requests WHERE ts >= '$T0' AND ts < timestamptz '$T0' + interval '4 hours'")
onepass=$(bench_ms "" "SELECT rollout_summarize((SELECT source FROM rollouts WHERE name = 'incremental'), '$T0', timestamptz '$T0' + interval '4 hours', '$T0', '1 minute',
    (SELECT plan FROM rollouts WHERE name = 'incremental'), 0.005, true, true) IS NOT NULL")

echo
echo "rows: $ROWS over 4 hours (and $LATE late), 10% treatment, slices of $SLICE, jit off, $(nproc) cores"
echo
echo "| checkpoint | rows in window | full window (ms) | incremental (ms) | decisions equal | p99 exact | p99 incremental [bounds] |"
echo "|---|---:|---:|---:|---|---:|---|"
bench_sql -At -F ' | ' <<SQL
SELECT '| ' || f.checkpoint_at - timestamptz '$T0',
       to_char((f.metrics -> 'requests' ->> 'control')::bigint + (f.metrics -> 'requests' ->> 'treatment')::bigint, 'FM999,999,999'),
       round(tf.ms::numeric, 1), round(ti.ms::numeric, 1),
       f.decision || CASE WHEN f.decision = i.decision AND f.reasons = i.reasons THEN ' = ' ELSE ' <> ' END || i.decision,
       f.metrics -> 'latency_p99' ->> 'value',
       (i.metrics -> 'latency_p99' ->> 'value') || ' ' || (i.metrics -> 'latency_p99' ->> 'method')
           || COALESCE(' ' || (i.metrics -> 'latency_p99' ->> 'bounds'), '') || ' |'
FROM rollout_decisions f
JOIN rollout_decisions i ON i.rollout = 'incremental' AND i.checkpoint_no = f.checkpoint_no
JOIN timings tf ON tf.method = 'full' AND tf.at = f.checkpoint_at - timestamptz '$T0'
JOIN timings ti ON ti.method = 'incremental' AND ti.at = f.checkpoint_at - timestamptz '$T0'
WHERE f.rollout = 'full' AND f.checkpoint_no IS NOT NULL
ORDER BY f.checkpoint_no;
SQL
echo
bench_sql -At <<SQL
SELECT format('total deciding time of the phase: full window %s ms (its 6 checkpoints), incremental %s ms (%s ticks, %s ms at checkpoints); bare scan of the 4-hour window %s ms (%s ms in one process)',
              round(sum(ms) FILTER (WHERE method = 'full')::numeric, 1),
              round(sum(ms) FILTER (WHERE method = 'incremental')::numeric, 1),
              count(*) FILTER (WHERE method = 'incremental'),
              round(sum(ms) FILTER (WHERE method = 'incremental' AND checkpoint)::numeric, 1), $scan, $scan1)
       || E'\n' || format('one pass of the summarizing aggregates over the whole window: %s ms', $onepass)
       || E'\n' || format('the rows each round summarized, read again through the ts index right after it, nothing summarized: %s ms in all (%s × the bare scan)',
              round(sum(ms) FILTER (WHERE method = 'reads')::numeric, 1),
              round((sum(ms) FILTER (WHERE method = 'reads') / $scan)::numeric, 2))
       || E'\n' || format('incremental: max checkpoint %s ms, last / first %s, total / bare scan %s, total / one pass %s; full window: total / bare scan %s, total / one pass %s',
              round(max(ms) FILTER (WHERE method = 'incremental' AND checkpoint)::numeric, 1),
              round(((array_agg(ms ORDER BY at DESC) FILTER (WHERE method = 'incremental' AND checkpoint))[1]
                     / (array_agg(ms ORDER BY at) FILTER (WHERE method = 'incremental' AND checkpoint))[1])::numeric, 2),
              round((sum(ms) FILTER (WHERE method = 'incremental') / $scan)::numeric, 2),
              round((sum(ms) FILTER (WHERE method = 'incremental') / $onepass)::numeric, 2),
              round((sum(ms) FILTER (WHERE method = 'full') / $scan)::numeric, 2),
              round((sum(ms) FILTER (WHERE method = 'full') / $onepass)::numeric, 2))
       || E'\n' || (SELECT format('late rows reported by the incremental checkpoints: %s (%s arrived late)',
                                   string_agg(metrics -> 'summary' ->> 'late_rows', ', ' ORDER BY checkpoint_no), $LATE)
                     FROM rollout_decisions WHERE rollout = 'incremental' AND checkpoint_no IS NOT NULL)
FROM timings;
SQL
