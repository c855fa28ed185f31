-- Scores of churn predictions against R: AUC from wilcox.test, the Brier
-- score as the mean squared error, calibration per tenth of the
-- probability scale (test/ref/churn/score*.csv from make_reference.R),
-- within 1e-12; the same result in any row order, merged from parts, and
-- in parallel plans.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS cohort_analyzer;
RESET client_min_messages;
SET extra_float_digits = 0;

CREATE TABLE score_obs (case_name text, predicted float8, churned boolean);
CREATE TABLE score_ref (case_name text, n bigint, auc float8, brier float8);
CREATE TABLE score_bins_ref (case_name text, bin_from float8, n bigint,
    predicted float8, observed float8);
\copy score_obs FROM 'test/ref/churn/score_obs.csv' CSV HEADER
\copy score_ref FROM 'test/ref/churn/score.csv' CSV HEADER
\copy score_bins_ref FROM 'test/ref/churn/score_bins.csv' CSV HEADER

CREATE FUNCTION pg_temp.close(got float8, want float8, tol float8 DEFAULT 1e-12)
    RETURNS boolean LANGUAGE sql IMMUTABLE
    AS $$ SELECT (got IS NULL AND want IS NULL)
              OR abs(got - want) <= tol * greatest(1, abs(want)) $$;

CREATE TABLE scores AS
SELECT case_name, (prediction_score_agg(predicted, churned)).* FROM score_obs GROUP BY 1;

SELECT s.case_name, s.n, round(s.auc::numeric, 6) AS auc, round(s.brier::numeric, 6) AS brier,
       s.n = r.n AS n_ok, pg_temp.close(s.auc, r.auc) AS auc_ok,
       pg_temp.close(s.brier, r.brier) AS brier_ok
FROM scores s JOIN score_ref r USING (case_name) ORDER BY 1;

-- calibration bins
SELECT s.case_name, count(*) AS bins,
       count(*) FILTER (WHERE r.n IS NULL OR b.n IS NULL) AS unmatched,
       bool_and(b.n = r.n) AS n_ok,
       bool_and(pg_temp.close(b.predicted, r.predicted)
                AND pg_temp.close(b.observed, r.observed)) AS rates_ok
FROM scores s
CROSS JOIN LATERAL jsonb_to_recordset(s.calibration)
     AS b("from" float8, "to" float8, n bigint, predicted float8, observed float8)
FULL JOIN score_bins_ref r ON r.case_name = s.case_name AND r.bin_from = b."from"
GROUP BY 1 ORDER BY 1;
SELECT calibration FROM scores WHERE case_name = 'small';

-- any order, and merged from parts through a parallel plan, gives the same
CREATE TABLE score_shuffled AS
SELECT * FROM score_obs ORDER BY md5(predicted::text || churned::text || case_name);
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF) SELECT prediction_score_agg(predicted, churned) FROM score_shuffled;
SELECT (SELECT prediction_score_agg(predicted, churned) FROM score_shuffled)
     = (SELECT prediction_score_agg(predicted, churned) FROM score_obs ORDER BY 1) AS parallel_same;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
SELECT bool_and(row(s.n, s.auc, s.brier, s.calibration)::prediction_score
                = (SELECT prediction_score_agg(predicted, churned ORDER BY predicted DESC, churned)
                   FROM score_obs o WHERE o.case_name = s.case_name)) AS order_free
FROM scores s;

-- NULL rows are skipped; no rows, only churners or only stayers
SELECT (prediction_score_agg(p, c)).*
FROM (VALUES (0.3::float8, true), (NULL, false), (0.6, NULL), (0.1, false)) v(p, c);
SELECT (prediction_score_agg(p, c)).* FROM (VALUES (0.5::float8, true)) v(p, c) WHERE false;
SELECT n, auc, brier FROM (SELECT (prediction_score_agg(p, true)).* FROM (VALUES (0.2::float8), (0.7)) v(p)) s;
SELECT n, auc, brier FROM (SELECT (prediction_score_agg(p, false)).* FROM (VALUES (0.2::float8), (0.7)) v(p)) s;
-- -0 is 0
SELECT (prediction_score_agg(p, c)).auc
FROM (VALUES ('-0'::float8, false), (0, true)) v(p, c);
-- bad predictions
SELECT prediction_score_agg(p, true) FROM (VALUES (1.5::float8)) v(p);
SELECT prediction_score_agg(p, true) FROM (VALUES ('NaN'::float8)) v(p);
SELECT prediction_score_agg(p, true) FROM (VALUES (-0.1::float8)) v(p);
SELECT prediction_score_agg(p, true) FROM (VALUES ('-Infinity'::float8)) v(p);

DROP TABLE score_obs, score_ref, score_bins_ref, scores, score_shuffled;
