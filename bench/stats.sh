#!/usr/bin/env bash
# Speed of the statistics functions, side by side in one run (ratios).
#
#   bench/stats.sh            (builds, stages, starts a throwaway cluster)
#
# 1. One comparison of two stored summaries against the same Welch test
#    computed from 1,000,000 raw rows with the built-in aggregates (which
#    still lack the t distribution, so only the statistic is computed).
# 2. Per-call cost of compare_cohorts, compare_cohorts_sequential and
#    chance_to_beat against a trivial accessor (value_mean) on 100,000
#    stored summary pairs.
set -euo pipefail
cd "$(dirname "$0")/.."

make -s -j2 >/dev/null
make -s stage >/dev/null
. scripts/pgcluster.sh
trap cluster_stop EXIT
cluster_start "$(pwd)/.bench-stats" >/dev/null
cluster_psql -q <<'SQL'
SET client_min_messages = warning;
CREATE EXTENSION cohort_analyzer;
SELECT setseed(0.5) \g /dev/null
CREATE TABLE rows AS
SELECT CASE WHEN random() < 0.01 THEN 't' ELSE 'c' END AS arm, random() < 0.42 AS completed,
       50 + 10 * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()) AS value
FROM generate_series(1, 1000000);
CREATE TABLE summaries AS SELECT arm, cohort_agg(completed, false, value) AS s FROM rows GROUP BY arm;
CREATE TABLE pairs AS
SELECT g, cohort_from_counts(n, 1200 + g % 50, 0, n * 50.0 + g % 7, n * 2600.0) AS c,
          cohort_from_counts(3100, 1300 + g % 70, 0, 3100 * 50.5, 3100 * 2651.0) AS t
FROM generate_series(1, 100000) g, LATERAL (SELECT 3000 + g % 100 AS n) n;
VACUUM ANALYZE rows, summaries, pairs;

CREATE FUNCTION pg_temp.ms(q text, reps int) RETURNS float8 LANGUAGE plpgsql AS $$
DECLARE t0 timestamptz; i int;
BEGIN
    EXECUTE q;                      -- warm up
    t0 := clock_timestamp();
    FOR i IN 1 .. reps LOOP EXECUTE q; END LOOP;
    RETURN extract(epoch FROM clock_timestamp() - t0) * 1000 / reps;
END $$;

\pset footer off
\echo '== one Welch comparison: stored summaries vs 1,000,000 raw rows'
WITH m AS (
    SELECT pg_temp.ms($q$SELECT compare_cohorts(c.s, t.s, 'value') FROM summaries c, summaries t
                        WHERE c.arm = 'c' AND t.arm = 't'$q$, 200) AS summaries_ms,
           pg_temp.ms($q$SELECT (avg(value) FILTER (WHERE arm = 't') - avg(value) FILTER (WHERE arm = 'c'))
                          / sqrt(var_samp(value) FILTER (WHERE arm = 't') / count(value) FILTER (WHERE arm = 't')
                               + var_samp(value) FILTER (WHERE arm = 'c') / count(value) FILTER (WHERE arm = 'c'))
                        FROM rows$q$, 5) AS raw_ms)
SELECT round(summaries_ms::numeric, 3) AS summaries_ms, round(raw_ms::numeric, 1) AS raw_rows_ms,
       round((raw_ms / summaries_ms)::numeric) AS ratio FROM m;

\echo '== per call, 100,000 summary pairs (ratio to the value_mean accessor)'
WITH base AS (SELECT pg_temp.ms('SELECT sum(value_mean(c) + value_mean(t)) FROM pairs', 5) AS ms)
SELECT f AS function, round((v.ms * 1000 / 100000)::numeric, 2) AS us_per_call,
       round((v.ms / base.ms)::numeric, 1) AS ratio_to_accessor
FROM base, LATERAL (VALUES
    ('compare_cohorts completion', pg_temp.ms('SELECT count((compare_cohorts(c, t)).p_value) FROM pairs', 3)),
    ('compare_cohorts value', pg_temp.ms($q$SELECT count((compare_cohorts(c, t, 'value')).p_value) FROM pairs$q$, 3)),
    ('compare_cohorts_sequential', pg_temp.ms('SELECT count((compare_cohorts_sequential(c, t)).p_value) FROM pairs', 3)),
    ('chance_to_beat (exact, ~1,300 terms)', pg_temp.ms('SELECT count(chance_to_beat(c, t)) FROM pairs', 3))) v(f, ms);
SQL
