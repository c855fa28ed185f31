-- compare_distributions: the Mann-Whitney comparison computed from two
-- sketches' buckets, against R's wilcox.test (test/ref/sketch_mwu.R).
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS cohort_analyzer;
RESET client_min_messages;
SET extra_float_digits = 0;

-- the data of test/ref/sketch_mwu.R
CREATE TABLE sk_cases (name text, arm text, v float8);
INSERT INTO sk_cases
SELECT 'small', 'control', unnest('{12, 15, 15, 18, 20, 22, 22, 22, 25, 30, 31, 40}'::float8[])
UNION ALL
SELECT 'small', 'treatment', unnest('{14, 18, 22, 26, 26, 27, 33, 35, 41, 45}'::float8[])
UNION ALL
SELECT 'modular', 'control', (i * 37) % 101 + 1 FROM generate_series(1, 200) i
UNION ALL
SELECT 'modular', 'treatment', (i * 53) % 97 + 10 FROM generate_series(1, 150) i
UNION ALL
SELECT 'shifted', 'control', (i * 7) % 50 + 20 FROM generate_series(1, 300) i
UNION ALL
SELECT 'shifted', 'treatment', (i * 11) % 50 + 24 FROM generate_series(1, 300) i;

-- R 4.x, wilcox.test(treatment, control, exact = FALSE, correct = TRUE):
-- W / (n_t n_c) and the p-value (test/ref/sketch_mwu.out; SciPy's
-- mannwhitneyu agrees to 1e-15, test/ref/sketch_mwu_scipy.out).  Integers get
-- buckets of their own at alpha 0.001, so the sketch's test is the raw
-- one: probabilities to 1e-12, p-values to a relative 1e-9.
CREATE TABLE sk_ref (name text, prob float8, p float8);
INSERT INTO sk_ref VALUES
  ('small',   0.69999999999999996, 0.11988348871924487),
  ('modular', 0.56469999999999998, 0.038300629030022883),
  ('shifted', 0.57679999999999998, 0.0011299044576865715);
SELECT r.name, abs(c.prob_treatment_greater - r.prob) < 1e-12 AS prob_matches_r,
       abs(c.p_value - r.p) < 1e-9 * r.p AS p_matches_r,
       c.prob_error_bound = 0.5 * ties.same / (ties.nc * ties.nt) AS bound_is_tied_pairs
FROM sk_ref r
CROSS JOIN LATERAL (
    SELECT (compare_distributions(quantile_sketch_agg(v, 0.001) FILTER (WHERE arm = 'control'),
                                  quantile_sketch_agg(v, 0.001) FILTER (WHERE arm = 'treatment'))).*
    FROM sk_cases WHERE name = r.name) c
CROSS JOIN LATERAL (
    SELECT sum(nc * nt) AS same, (SELECT count(*) FROM sk_cases WHERE name = r.name AND arm = 'control') AS nc,
           (SELECT count(*) FROM sk_cases WHERE name = r.name AND arm = 'treatment') AS nt
    FROM (SELECT v, count(*) FILTER (WHERE arm = 'control')::float8 AS nc,
                 count(*) FILTER (WHERE arm = 'treatment')::float8 AS nt
          FROM sk_cases WHERE name = r.name GROUP BY v) per_value) ties
ORDER BY r.name;

-- "did the canary get slower?": latencies 8% slower in the treatment
SELECT setseed(0.11);
CREATE TABLE sk_lat AS
SELECT CASE WHEN i % 10 = 0 THEN 'treatment' ELSE 'control' END AS arm,
       exp(ln(20) + 0.36 * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()))
         * CASE WHEN i % 10 = 0 THEN 1.08 ELSE 1 END AS ms
FROM generate_series(1, 20000) i;
SELECT round(prob_treatment_greater::numeric, 3) AS prob_slower,
       prob_error_bound < 0.01 AS bound_small, p_value < 1e-10 AS significant,
       round(median_shift::numeric, 2) AS median_shift
FROM compare_distributions((SELECT quantile_sketch_agg(ms) FROM sk_lat WHERE arm = 'control'),
                           (SELECT quantile_sketch_agg(ms) FROM sk_lat WHERE arm = 'treatment'));

-- the bucketed probability lies within its bound of the raw-data value
-- (every control-treatment pair of a 3000-request sample, counted exactly)
CREATE TABLE sk_small AS SELECT * FROM sk_lat LIMIT 3000;
SELECT abs(c.prob_treatment_greater - raw.p) <= c.prob_error_bound AS within_bound,
       c.prob_error_bound < 0.01 AS bound_small
FROM compare_distributions((SELECT quantile_sketch_agg(ms) FROM sk_small WHERE arm = 'control'),
                           (SELECT quantile_sketch_agg(ms) FROM sk_small WHERE arm = 'treatment')) c,
     (SELECT avg(CASE WHEN t.ms > c.ms THEN 1 WHEN t.ms = c.ms THEN 0.5 ELSE 0 END) AS p
      FROM sk_small t JOIN sk_small c ON t.arm = 'treatment' AND c.arm = 'control') raw;

-- the same distribution: no evidence of a shift
SELECT round(prob_treatment_greater::numeric, 2) AS prob, p_value > 0.05 AS not_significant
FROM compare_distributions((SELECT quantile_sketch_agg(ms) FROM sk_lat WHERE arm = 'control'),
                           (SELECT quantile_sketch_agg(ms / 1.08) FROM sk_lat WHERE arm = 'treatment'));

-- edge cases: one tied bucket has no variance (p NULL), an empty side
-- compares nothing, a zero control median has no relative shift
SELECT * FROM compare_distributions((SELECT quantile_sketch_agg(5)), (SELECT quantile_sketch_agg(5)));
SELECT * FROM compare_distributions(
    (SELECT quantile_sketch_agg(1)),
    '(version=1, relative_accuracy=0.01, count=0, zero_count=0, min=0, max=0, sum=0, collapsed=none, positive={}, negative={})');
SELECT prob_treatment_greater, median_shift
FROM compare_distributions((SELECT quantile_sketch_agg(v) FROM (VALUES (0::float8), (0), (1)) t(v)),
                           (SELECT quantile_sketch_agg(v) FROM (VALUES (-1::float8), (2), (3)) t(v)));
\set VERBOSITY sqlstate
SELECT compare_distributions((SELECT quantile_sketch_agg(1, 0.01)), (SELECT quantile_sketch_agg(1, 0.02)));
\set VERBOSITY default
SELECT compare_distributions((SELECT quantile_sketch_agg(1, 0.01)), (SELECT quantile_sketch_agg(1, 0.02)));

DROP TABLE sk_cases, sk_ref, sk_lat, sk_small;
