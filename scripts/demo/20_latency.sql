-- Demo part 20: request latencies of the canary, as quantile sketches.
\pset footer off

\echo
\echo '== Latency: 2 hours of canary requests, 1% served by the treatment'
\echo

-- A deterministic sample: lognormal latencies with a p99 near 46 ms; the
-- treatment is 6% slower, a shift no fixed p99 limit of 200 ms would catch.
SELECT setseed(0.46) \g /dev/null
CREATE TABLE canary_requests AS
SELECT timestamptz '2026-11-02 09:00+00' + i * interval '36 ms' AS at,
       CASE WHEN random() < 0.01 THEN 'treatment' ELSE 'control' END AS variant,
       random() AS u1, random() AS u2
FROM generate_series(1, 200000) i;
ALTER TABLE canary_requests ADD COLUMN latency_ms float8;
UPDATE canary_requests SET latency_ms = round((exp(ln(20) + 0.36 * sqrt(-2 * ln(1 - u1)) * cos(2 * pi() * u2))
                                        * CASE variant WHEN 'treatment' THEN 1.06 ELSE 1 END)::numeric, 3);
ALTER TABLE canary_requests DROP COLUMN u1, DROP COLUMN u2;
ANALYZE canary_requests;

-- What a dashboard stores: one small sketch per minute and variant.
CREATE TABLE latency_minutes AS
SELECT date_trunc('minute', at) AS minute, variant, quantile_sketch_agg(latency_ms) AS sketch
FROM canary_requests GROUP BY 1, 2;

\echo '-- per variant (sketches rolled up from the per-minute table):'
SELECT variant, value_count(s) AS requests,
       round(quantile(s, 0.5)::numeric, 1) AS p50_ms,
       round(quantile(s, 0.95)::numeric, 1) AS p95_ms,
       round(quantile(s, 0.99)::numeric, 1) AS p99_ms,
       round(value_max(s)::numeric, 1) AS max_ms,
       to_char(100 * cdf(s, 200), 'FM990.000') || '%' AS under_200ms,
       CASE WHEN quantile(s, 0.99) < 200 THEN 'pass' ELSE 'FAIL' END AS p99_under_200ms
FROM (SELECT variant, rollup(sketch) AS s FROM latency_minutes GROUP BY variant) v
ORDER BY variant;

\echo '-- the canary checkpoints: treatment p99 since the phase start'
SELECT c.after AS checkpoint, value_count(s) AS requests,
       round(quantile(s, 0.5)::numeric, 1) AS p50_ms,
       round(quantile(s, 0.99)::numeric, 1) AS p99_ms,
       CASE WHEN quantile(s, 0.99) < 200 THEN 'pass' ELSE 'FAIL' END AS p99_under_200ms
FROM (VALUES (interval '15 min'), ('30 min'), ('1 hour'), ('90 min'), ('2 hours')) c(after)
CROSS JOIN LATERAL (
    SELECT rollup(sketch) AS s FROM latency_minutes
    WHERE variant = 'treatment' AND minute < timestamptz '2026-11-02 09:00+00' + c.after) r
ORDER BY c.after;

\echo '-- did the canary get slower? (Mann-Whitney from the buckets)'
SELECT round(prob_treatment_greater::numeric, 3) AS p_treatment_slower,
       '+-' || round(prob_error_bound::numeric, 4) AS bucket_error,
       CASE WHEN p_value < 1e-4 THEN to_char(p_value, '9.9EEEE') ELSE round(p_value::numeric, 4)::text END AS p_value,
       to_char(100 * median_shift, 'FMSG990.0') || '%' AS median_shift
FROM compare_distributions(
    (SELECT rollup(sketch) FROM latency_minutes WHERE variant = 'control'),
    (SELECT rollup(sketch) FROM latency_minutes WHERE variant = 'treatment'));

\echo '-- storage: every minute of both variants, against the raw requests'
SELECT count(*) AS sketches, pg_size_pretty(sum(pg_column_size(sketch))) AS sketch_bytes,
       pg_size_pretty(pg_total_relation_size('canary_requests')) AS raw_table
FROM latency_minutes;
