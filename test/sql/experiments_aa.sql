-- A/A tests in one pass: aa_agg, aa_report, aa_splits, aa_arm and the aa
-- type.  The Kolmogorov-Smirnov test and the split assignment are checked
-- against R in test/unit/test_experiments.c; here the report is rebuilt
-- from the splits with compare_cohorts and rate_ci, each split from the
-- rows with aa_arm, and the report must flag a broken unit definition.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS cohort_analyzer;
RESET client_min_messages;
SET extra_float_digits = 0;

-- one row per learner, outcomes independent of the id
CREATE TABLE aa_units AS
SELECT 'learner-' || i AS unit_id,
       (hashint4(i) & 1023) < 400 AS completed,
       (hashint4(i + 7) & 1023) < 100 AS churned,
       CASE WHEN i % 10 = 0 THEN NULL ELSE (hashint4(i * 3) & 1023) / 10.0 END AS revenue
FROM generate_series(1, 20000) i;
CREATE TABLE aa_sum AS SELECT aa_agg(unit_id, completed, churned, revenue) AS a FROM aa_units;

-- independent data: the false-positive rate's interval covers alpha and
-- uniformity is not rejected, for every metric
SELECT r.metric, r.splits, r.fpr_low <= 0.05 AND r.fpr_high >= 0.05 AS covers_alpha,
       r.uniformity_p_value > 0.01 AS uniform, r.false_positive_rate = r.rejections / 200.0 AS rate_ok
FROM aa_sum, unnest(ARRAY['completion', 'churn', 'value']) m, LATERAL aa_report(a, m) r;
SELECT * FROM aa_report((SELECT a FROM aa_sum), 'completion', 0.1);

-- the report is compare_cohorts on every split and rate_ci('clopper_pearson')
SELECT r.rejections = x.rejections AS rejections_ok,
       abs(r.fpr_low - (rate_ci(x.rejections, 200, 0.95, 'clopper_pearson')).low) < 1e-15
       AND abs(r.fpr_high - (rate_ci(x.rejections, 200, 0.95, 'clopper_pearson')).high) < 1e-15 AS interval_ok
FROM aa_sum, LATERAL aa_report(a, 'value') r,
     LATERAL (SELECT count(*) FILTER (WHERE (compare_cohorts(s.control, s.treatment, 'value')).p_value < 0.05) AS rejections
              FROM aa_splits(a) s) x;
-- its uniformity p-value is the Kolmogorov distribution at sqrt(n) D of
-- the split p-values
SELECT abs(r.uniformity_p_value - k.p) < 1e-12 AS ks_ok
FROM aa_sum, LATERAL aa_report(a) r,
     LATERAL (SELECT max(greatest(i / 200.0 - p, p - (i - 1) / 200.0)) * sqrt(200) AS x
              FROM (SELECT p, row_number() OVER (ORDER BY p) AS i
                    FROM (SELECT (compare_cohorts(control, treatment)).p_value AS p FROM aa_splits(a)) q) o) d,
     LATERAL (SELECT CASE WHEN d.x < 1
                          THEN 1 - sqrt(2 * pi()) / d.x * sum(exp(greatest(-700, -((2 * k - 1) ^ 2) * pi() ^ 2 / (8 * d.x ^ 2))))
                          ELSE 2 * sum((-1) ^ (k - 1) * exp(greatest(-700, -2 * k ^ 2 * d.x ^ 2))) END AS p
              FROM generate_series(1, 50) k) k;

-- every split is the rows grouped by aa_arm
SELECT count(*) AS splits_checked,
       bool_and(units(s.control) = x.c_units AND units(s.treatment) = x.t_units) AS units_ok,
       bool_and(completion_rate(s.control) = x.c_rate AND completion_rate(s.treatment) = x.t_rate) AS rates_ok,
       bool_and(abs(value_mean(s.treatment) - x.t_mean) < 1e-12 * x.t_mean) AS means_ok
FROM aa_sum, LATERAL aa_splits(a) s,
     LATERAL (SELECT count(*) FILTER (WHERE aa_arm(unit_id, s.split) = 0) AS c_units,
                     count(*) FILTER (WHERE aa_arm(unit_id, s.split) = 1) AS t_units,
                     avg(completed::int) FILTER (WHERE aa_arm(unit_id, s.split) = 0)::float8 AS c_rate,
                     avg(completed::int) FILTER (WHERE aa_arm(unit_id, s.split) = 1)::float8 AS t_rate,
                     avg(revenue) FILTER (WHERE aa_arm(unit_id, s.split) = 1)::float8 AS t_mean
              FROM aa_units) x
WHERE s.split IN (1, 2, 77, 200);
-- the splits are balanced and every unit is in one arm of each
SELECT min(units(control) + units(treatment)) = 20000 AND max(units(control) + units(treatment)) = 20000 AS all_units,
       min(units(control)) > 9500 AND max(units(control)) < 10500 AS balanced
FROM aa_sum, LATERAL aa_splits(a);
SELECT aa_arm('learner-1', 1) IN (0, 1) AS arm_ok, aa_arm('learner-1', 1) = aa_arm('learner-1', 1) AS stable;

-- a broken unit definition: one row per session, each learner's sessions
-- alike, so rows of one learner always land together; the splits' p-values
-- are far from uniform and the false-positive rate far above alpha
CREATE TABLE aa_broken AS
SELECT aa_agg(unit_id, completed, churned, revenue) AS a
FROM aa_units, generate_series(1, 4) AS session;
SELECT metric, fpr_low > 0.05 AS fpr_above_alpha, uniformity_p_value < 1e-6 AS not_uniform
FROM aa_broken, unnest(ARRAY['completion', 'value']) m, LATERAL aa_report(a, m);

-- parallel workers and a merged state give the same summary
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF) SELECT aa_agg(unit_id, completed, churned, revenue) FROM aa_units;
SELECT r.rejections = s.rejections AND r.uniformity_p_value = s.uniformity_p_value AS same_report,
       bool_and(units(p.control) = units(q.control) AND completion_rate(p.control) = completion_rate(q.control)
                AND abs(value_mean(p.control) - value_mean(q.control)) < 1e-12 * value_mean(q.control)) AS same_splits
FROM (SELECT aa_agg(unit_id, completed, churned, revenue) AS a FROM aa_units) par, aa_sum,
     LATERAL aa_report(par.a) r, LATERAL aa_report(aa_sum.a) s,
     LATERAL aa_splits(par.a) p JOIN LATERAL aa_splits(aa_sum.a) q USING (split)
GROUP BY r.rejections, s.rejections, r.uniformity_p_value, s.uniformity_p_value;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
RESET parallel_leader_participation;

-- size: 16 bytes and 2 summaries of 112 bytes per split, compressible
SELECT (SELECT splits FROM aa_report(a)) AS splits, octet_length(aa_send(a)) AS send_bytes,
       pg_column_size(a) < 16 + 224 * 200 AS stored_compressed
FROM aa_sum;
SELECT splits FROM aa_report((SELECT aa_agg(unit_id, completed, churned, revenue, 1000) FROM aa_units));

-- text form round trip, and the report of a stored value
SELECT a::text::aa::text = a::text AS round_trip, (aa_report(a::text::aa)).rejections = (aa_report(a)).rejections AS same
FROM aa_sum;

-- rows without a unit id are skipped; no rows give NULL; NULL outcomes count as unknown
SELECT (aa_report(aa_agg(u, c, false, NULL::float8))).* FROM (VALUES (NULL::text, true), ('x', NULL), ('y', true)) v(u, c);
SELECT aa_agg(unit_id, completed, churned, revenue) IS NULL AS empty FROM aa_units WHERE false;
-- undefined p-values do not count (no values at all)
SELECT splits, rejections, false_positive_rate, uniformity_p_value
FROM aa_report((SELECT aa_agg(unit_id, completed, churned, NULL) FROM aa_units LIMIT 100), 'value');

-- bad input
\set VERBOSITY sqlstate
SELECT aa_agg(unit_id, completed, churned, revenue, 99) FROM aa_units;
SELECT aa_agg(unit_id, completed, churned, revenue, 10001) FROM aa_units;
SELECT aa_agg(unit_id, completed, churned, revenue, NULL) FROM aa_units;
SELECT aa_agg(unit_id, completed, churned, revenue, 100 + (unit_id = 'learner-5')::int) FROM aa_units;
SELECT aa_agg(unit_id, completed, churned, 'NaN') FROM aa_units;
SELECT aa_agg(unit_id, completed, churned, 'Infinity') FROM aa_units;
SELECT aa_report(a, 'revenue') FROM aa_sum;
SELECT aa_report(a, 'completion', 1) FROM aa_sum;
SELECT aa_arm('x', 0);
SELECT 'zz'::aa;
SELECT 'abc'::aa;
SELECT '01'::aa;
SELECT '0200000064'::aa;
SELECT '0100000064'::aa;
SELECT '0100000001'::aa;
-- a split whose arms hold one unit more than the others (each summary valid)
CREATE TEMP TABLE aa_bad AS
SELECT substr(a::text, 1, 10) || lpad(to_hex(('x' || substr(a::text, 11, 16))::bit(64)::bigint + 1), 16, '0')
       || substr(a::text, 27) AS t
FROM aa_sum;
SELECT t::aa IS NOT NULL FROM aa_bad;
-- a summary that cannot come from data (more completions than units)
SELECT (substr(t, 1, 10) || '0000000000000001' || substr(t, 27))::aa IS NOT NULL FROM aa_bad;
\set VERBOSITY default
SELECT aa_agg(unit_id, completed, churned, revenue, 99) FROM aa_units;
SELECT t::aa IS NOT NULL FROM aa_bad;
SELECT '0100000064'::aa;
DROP TABLE aa_units, aa_sum, aa_broken;
