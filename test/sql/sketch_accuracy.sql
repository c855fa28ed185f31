-- Accuracy of the quantile sketch against percentile_disc (exact) on
-- lognormal, Pareto, uniform and mixed-sign data, and the size bound.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS cohort_analyzer;
RESET client_min_messages;
SET extra_float_digits = 0;

SELECT setseed(0.2026);
CREATE TABLE sk_data AS
WITH u AS (
    SELECT i, random() AS u1, random() AS u2, random() AS u3 FROM generate_series(1, 40000) i
)
SELECT 'lognormal' AS dist, exp(ln(20) + 0.36 * sqrt(-2 * ln(1 - u1)) * cos(2 * pi() * u2)) AS v FROM u
UNION ALL
SELECT 'pareto', (1 - u1) ^ (-1 / 1.5) FROM u            -- shape 1.5, heavy tail
UNION ALL
SELECT 'uniform', 1000 * u1 FROM u
UNION ALL                                                 -- 5% zeros, both signs
SELECT 'mixed', CASE WHEN u3 < 0.05 THEN 0 ELSE 50 * sqrt(-2 * ln(1 - u1)) * cos(2 * pi() * u2) END FROM u;

-- Every quantile within alpha * |exact value| (plus 1e-9 of it for the
-- rounding of log and exp), at each accuracy; max error in percent.
CREATE TABLE sk_qs AS
SELECT unnest('{0, 0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1}'::float8[]) AS q;
WITH exact AS (
    SELECT dist, percentile_disc((SELECT array_agg(q ORDER BY q) FROM sk_qs))
                 WITHIN GROUP (ORDER BY v) AS vals
    FROM sk_data GROUP BY dist
), sketches AS (
    SELECT dist, alpha, quantile_sketch_agg(v, alpha) AS sk
    FROM sk_data CROSS JOIN (VALUES (0.005::float8), (0.01), (0.05)) a(alpha)
    GROUP BY dist, alpha
), pairs AS (
    SELECT s.dist, s.alpha, p.q, p.exact, quantile(s.sk, p.q) AS approx
    FROM sketches s JOIN exact e USING (dist)
    CROSS JOIN LATERAL unnest((SELECT array_agg(q ORDER BY q) FROM sk_qs), e.vals) AS p(q, exact)
)
SELECT dist, alpha, count(*) AS quantiles,
       bool_and(abs(approx - exact) <= alpha * abs(exact) * (1 + 1e-9)) AS all_within_alpha,
       round(100 * max(abs(approx - exact) / nullif(abs(exact), 0))::numeric, 2) AS max_rel_err_pct,
       bool_and(approx = exact) FILTER (WHERE q IN (0, 1)) AS ends_exact
FROM pairs GROUP BY dist, alpha ORDER BY dist, alpha;

-- cdf(x) lies between the exact shares at x / (1 + alpha) and x / (1 - alpha)
SELECT s.dist, count(*) AS points,
       bool_and(c >= lo - 1e-12 AND c <= hi + 1e-12) AS within_bracket
FROM (SELECT dist, quantile_sketch_agg(v) AS sk FROM sk_data GROUP BY dist) s
CROSS JOIN LATERAL (
    SELECT x, cdf(s.sk, x) AS c,
           (SELECT count(*) FILTER (WHERE v <= CASE WHEN x > 0 THEN x / 1.01 ELSE x / 0.99 END)::float8 / count(*)
            FROM sk_data WHERE dist = s.dist) AS lo,
           (SELECT count(*) FILTER (WHERE v <= CASE WHEN x > 0 THEN x / 0.99 ELSE x / 1.01 END)::float8 / count(*)
            FROM sk_data WHERE dist = s.dist) AS hi
    FROM unnest(quantiles(s.sk, '{0.01, 0.1, 0.3, 0.5, 0.7, 0.9, 0.99}') || '{0, -10, 10}'::float8[]) AS x) p
GROUP BY s.dist ORDER BY s.dist;

-- "How many requests were under 200 ms?" and "is p99 under 200 ms?"
SELECT round(cdf(sk, 30)::numeric, 3) AS share_under_30ms,
       round((count_under_30::float8 / n)::numeric, 3) AS exact_share,
       quantile(sk, 0.99) < 200 AS p99_under_200ms
FROM (SELECT quantile_sketch_agg(v) AS sk, count(*) FILTER (WHERE v <= 30) AS count_under_30,
             count(*) AS n FROM sk_data WHERE dist = 'lognormal') t;

-- 10 million lognormal latencies (p99 near 46 ms) at alpha = 0.01 fit in 16 KB
SELECT setseed(0.5);
SELECT pg_column_size(s) <= 16384 AS fits_in_16kb, value_count(s),
       abs(quantile(s, 0.99) / (20 * exp(0.36 * 2.326348)) - 1) < 0.02 AS p99_near_46ms
FROM (SELECT quantile_sketch_agg(exp(ln(20) + 0.36 * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()))) AS s
      FROM generate_series(1, 10000000)) t;

-- a range too wide for 2048 buckets (uniform from 0.02 to 1000 at alpha
-- 0.001 needs ~5000) collapses its lowest buckets: the quantiles above the
-- collapsed range keep the guarantee, the lowest ones lose it
SELECT bool_and(bucket_count(s) <= 2048) AS bounded,
       bool_and((s::jsonb ->> 'collapsed')::boolean) AS collapsed,
       bool_and(abs(quantile(s, q) - exact) <= 0.001 * exact) FILTER (WHERE q >= 0.1) AS upper_within_alpha,
       bool_and(abs(quantile(s, q) - exact) <= 0.001 * exact) FILTER (WHERE q = 0.001) AS lowest_within_alpha
FROM (SELECT quantile_sketch_agg(v, 0.001) AS s FROM sk_data WHERE dist = 'uniform') t
CROSS JOIN LATERAL (
    SELECT q, percentile_disc(q) WITHIN GROUP (ORDER BY v) AS exact
    FROM sk_data, unnest('{0.001, 0.1, 0.5, 0.9, 0.99, 0.999}'::float8[]) q
    WHERE dist = 'uniform' GROUP BY q) e;

DROP TABLE sk_data, sk_qs;
