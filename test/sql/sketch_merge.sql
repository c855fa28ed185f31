-- The same rows give the bit-identical sketch serially, in parallel,
-- partitionwise and as rollups of partial sketches in any order.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS cohort_analyzer;
RESET client_min_messages;
SET extra_float_digits = 0;
SET timezone = 'UTC';

SELECT setseed(0.7);
CREATE TABLE sk_req (
    at timestamptz, variant text, ms float8
) PARTITION BY LIST (variant);
CREATE TABLE sk_req_control PARTITION OF sk_req FOR VALUES IN ('control');
CREATE TABLE sk_req_treatment PARTITION OF sk_req FOR VALUES IN ('treatment');
INSERT INTO sk_req
SELECT timestamptz '2026-11-02 09:00+00' + (i % 10800) * interval '1 second',
       CASE WHEN i % 10 = 0 THEN 'treatment' ELSE 'control' END,
       CASE WHEN i % 997 = 0 THEN NULL      -- some requests without a latency
            WHEN i % 1009 = 0 THEN 0         -- and a few cached at zero cost
            ELSE exp(ln(20) + 0.36 * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()))
       END
FROM generate_series(1, 200000) i;
ANALYZE sk_req;

-- serial reference, one sketch per variant
SET max_parallel_workers_per_gather = 0;
SET enable_partitionwise_aggregate = off;
CREATE TABLE sk_serial AS
SELECT variant, quantile_sketch_agg(ms)::text AS s FROM sk_req GROUP BY variant;
SELECT variant, value_count(s::quantile_sketch), round(quantile(s::quantile_sketch, 0.99)::numeric, 1) AS p99
FROM sk_serial ORDER BY variant;

-- forced parallel plan: partial sketches serialized by workers and combined
SET max_parallel_workers_per_gather = 2;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF)
SELECT variant, quantile_sketch_agg(ms) FROM sk_req GROUP BY variant;
SELECT bool_and(p.s = r.s) AS parallel_identical, count(*) AS variants
FROM (SELECT variant, quantile_sketch_agg(ms)::text AS s FROM sk_req GROUP BY variant) p
JOIN sk_serial r USING (variant);

-- partitionwise aggregation, in parallel
SET enable_partitionwise_aggregate = on;
EXPLAIN (COSTS OFF)
SELECT variant, quantile_sketch_agg(ms) FROM sk_req GROUP BY variant;
SELECT bool_and(p.s = r.s) AS partitionwise_identical
FROM (SELECT variant, quantile_sketch_agg(ms)::text AS s FROM sk_req GROUP BY variant) p
JOIN sk_serial r USING (variant);
RESET enable_partitionwise_aggregate;
RESET parallel_leader_participation;

-- per-minute sketches in a materialized view, rolled up to hours
CREATE MATERIALIZED VIEW sk_minutes AS
SELECT date_trunc('minute', at) AS minute, variant, quantile_sketch_agg(ms) AS sketch
FROM sk_req GROUP BY 1, 2;
SELECT count(*) AS minute_rows, count(sketch) AS with_sketch FROM sk_minutes;
SELECT h.hour, h.variant, value_count(h.sketch) AS requests,
       h.sketch = d.sketch AS same_as_direct,
       round(quantile(h.sketch, 0.99)::numeric, 1) AS p99_ms
FROM (SELECT date_trunc('hour', minute) AS hour, variant, rollup(sketch) AS sketch
      FROM sk_minutes GROUP BY 1, 2) h
JOIN (SELECT date_trunc('hour', at) AS hour, variant, quantile_sketch_agg(ms) AS sketch
      FROM sk_req GROUP BY 1, 2) d USING (hour, variant)
ORDER BY 1, 2;

-- rollups of the minutes in shuffled orders, serial and parallel: all
-- give the text form of the direct aggregate
SET max_parallel_workers_per_gather = 0;
SELECT variant,
       (SELECT rollup(sketch ORDER BY random())::text FROM sk_minutes m WHERE m.variant = r.variant) = s AS shuffled_1,
       (SELECT rollup(sketch ORDER BY md5(minute::text))::text FROM sk_minutes m WHERE m.variant = r.variant) = s AS shuffled_2,
       (SELECT rollup(sketch ORDER BY minute DESC)::text FROM sk_minutes m WHERE m.variant = r.variant) = s AS reversed
FROM sk_serial r ORDER BY variant;
SET max_parallel_workers_per_gather = 2;
ANALYZE sk_minutes;
EXPLAIN (COSTS OFF)
SELECT variant, rollup(sketch) FROM sk_minutes GROUP BY variant;
SELECT bool_and(p.s = r.s) AS parallel_rollup_identical
FROM (SELECT variant, rollup(sketch)::text AS s FROM sk_minutes GROUP BY variant) p
JOIN sk_serial r USING (variant);
-- nested rollups: minutes -> 10-minute blocks -> all
SELECT bool_and(n.s = r.s) AS nested_identical
FROM (SELECT variant, rollup(b)::text AS s
      FROM (SELECT variant, date_trunc('hour', minute) + (extract(minute FROM minute)::int / 10) * interval '10 min' AS blk,
                   rollup(sketch) AS b FROM sk_minutes GROUP BY 1, 2) blocks
      GROUP BY variant) n
JOIN sk_serial r USING (variant);
RESET max_parallel_workers_per_gather;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;

-- the 2-argument aggregate and rollup with NULLs
SELECT rollup(s) IS NULL AS all_null FROM (VALUES (NULL::quantile_sketch)) t(s);
SELECT value_count(rollup(s)) FROM (VALUES (NULL::quantile_sketch), ((SELECT quantile_sketch_agg(1)))) t(s);
SELECT relative_accuracy(quantile_sketch_agg(v, 0.05)), value_count(quantile_sketch_agg(v, 0.05))
FROM (VALUES (1::float8), (NULL), (3)) t(v);
\set VERBOSITY sqlstate
SELECT rollup(s) FROM (VALUES ((SELECT quantile_sketch_agg(1, 0.01))), ((SELECT quantile_sketch_agg(1, 0.02)))) t(s);
\set VERBOSITY default
SELECT rollup(s) FROM (VALUES ((SELECT quantile_sketch_agg(1, 0.01))), ((SELECT quantile_sketch_agg(1, 0.02)))) t(s);

-- collapsing is order-independent too (alpha 0.0005: a factor ~8 in 2048 buckets)
SET max_parallel_workers_per_gather = 0;
SELECT bool_and(a.s = b.s) AS collapsed_identical, bool_and(a.s LIKE '%collapsed=both%') AS collapsed
FROM (SELECT variant, quantile_sketch_agg((ms - 20) * 100, 0.0005)::text AS s FROM sk_req GROUP BY variant) a
JOIN (SELECT variant, rollup(sk ORDER BY random())::text AS s
      FROM (SELECT variant, date_trunc('minute', at) AS m, quantile_sketch_agg((ms - 20) * 100, 0.0005) AS sk
            FROM sk_req GROUP BY 1, 2) x GROUP BY variant) b USING (variant);
RESET max_parallel_workers_per_gather;

DROP MATERIALIZED VIEW sk_minutes;
DROP TABLE sk_req, sk_serial;
