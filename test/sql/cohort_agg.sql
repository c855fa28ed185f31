-- cohort_agg and rollup: agreement with built-in aggregates, parallel and
-- partitionwise plans, moving windows, COPY round trips, materialized views.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS cohort_analyzer;
RESET client_min_messages;
SET extra_float_digits = 0;

SELECT setseed(0.5) \g /dev/null
CREATE TABLE units_t (
    id int, day date, variant text,
    completed boolean, churned boolean, revenue float8, pre float8);
INSERT INTO units_t
SELECT i, date '2026-11-01' + (i % 14), CASE WHEN i % 10 = 0 THEN 'treatment' ELSE 'control' END,
       CASE WHEN i % 37 = 0 THEN NULL ELSE random() < 0.4 END,
       CASE WHEN i % 41 = 0 THEN NULL ELSE random() < 0.1 END,
       CASE WHEN i % 23 = 0 THEN NULL ELSE 1e6 + round((random() * 100)::numeric, 2)::float8 END,
       CASE WHEN i % 29 = 0 THEN NULL ELSE 1e6 + random() * 80 END
FROM generate_series(1, 200000) i;
-- the covariate only counts where the value is present too
UPDATE units_t SET pre = pre + (revenue - 1e6) * 0.5 WHERE revenue IS NOT NULL AND pre IS NOT NULL;
ANALYZE units_t;

-- Built-in reference per variant: exact counts, moments within 1e-9 relative.
-- The values carry a 1e6 offset; the standard deviation (about 29) must keep
-- at least 9 significant digits.
CREATE TEMP TABLE ref AS
SELECT variant, count(*) AS n, count(*) FILTER (WHERE completed) AS done,
       count(completed) AS done_known, count(*) FILTER (WHERE churned) AS churn,
       count(churned) AS churn_known, count(revenue) AS nv,
       avg(revenue::numeric) AS mean, var_samp(revenue::numeric) AS var,
       count(*) FILTER (WHERE revenue IS NOT NULL AND pre IS NOT NULL) AS npaired,
       corr(revenue, pre) AS r
FROM units_t GROUP BY variant;

CREATE TEMP TABLE got AS
SELECT variant, cohort_agg(completed, churned, revenue, pre) AS c FROM units_t GROUP BY variant;

SELECT r.variant, units(c) = n AS n_ok, completions(c) = done AS done_ok,
       completion_known(c) = done_known AS known_ok, churns(c) = churn AS churn_ok,
       churn_known(c) = churn_known AS churn_known_ok, value_count(c) = nv AS nv_ok,
       abs(value_mean(c) - mean) / mean < 1e-12 AS mean_ok,
       abs(value_variance(c) - var) / var < 1e-9 AS var_ok,
       covariate_count(c) = npaired AS paired_ok,
       abs(value_covariate_corr(c) - r) < 1e-6 AS corr_ok
FROM ref r JOIN got g USING (variant) ORDER BY 1;

-- every overload; NULL outcomes leave the denominators
SELECT units(cohort_agg(completed)), completion_known(cohort_agg(completed)),
       churn_known(cohort_agg(completed)), value_count(cohort_agg(completed, churned)),
       value_count(cohort_agg(completed, churned, revenue)),
       covariate_count(cohort_agg(completed, churned, revenue))
FROM units_t;

-- rollup of daily summaries equals the direct aggregate.  Merging in another
-- order rounds differently: each of n updates of a mean near 1e6 may round
-- by an ulp, so orders agree to about sqrt(n) * 1e-16 relative, and the
-- comparisons allow 1e-11.
CREATE TEMP TABLE daily AS
SELECT day, variant, cohort_agg(completed, churned, revenue, pre) AS c
FROM units_t GROUP BY day, variant;
SELECT d.variant,
       units(d.c) = units(g.c) AND completions(d.c) = completions(g.c)
         AND churns(d.c) = churns(g.c) AND value_count(d.c) = value_count(g.c)
         AND covariate_count(d.c) = covariate_count(g.c) AS counts_equal,
       abs(value_mean(d.c) - value_mean(g.c)) / value_mean(g.c) < 1e-11 AS mean_equal,
       abs(value_variance(d.c) - value_variance(g.c)) / value_variance(g.c) < 1e-10 AS var_equal,
       abs(value_covariate_corr(d.c) - value_covariate_corr(g.c)) < 1e-10 AS corr_equal
FROM (SELECT variant, rollup(c) AS c FROM daily GROUP BY variant) d JOIN got g USING (variant)
ORDER BY 1;
-- the + operator agrees with rollup
SELECT units(a.c + b.c) = units(x.c) AS plus_ok
FROM (SELECT rollup(c) AS c FROM daily WHERE variant = 'control') a,
     (SELECT rollup(c) AS c FROM daily WHERE variant = 'treatment') b,
     (SELECT rollup(c) AS c FROM daily) x;
-- rollup over nothing is an empty cohort; NULL summaries are skipped
SELECT units(rollup(c)) FROM daily WHERE false;
SELECT units(rollup(c)) = 200000 AS nulls_skipped
FROM (SELECT c FROM daily UNION ALL SELECT NULL) s;

-- Forced parallel plans: Partial Aggregate in workers, same result
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF) SELECT cohort_agg(completed, churned, revenue) FROM units_t;
EXPLAIN (COSTS OFF) SELECT variant, rollup(c) FROM daily GROUP BY variant;
CREATE TEMP TABLE got_parallel AS
SELECT variant, cohort_agg(completed, churned, revenue, pre) AS c FROM units_t GROUP BY variant;
SELECT p.variant,
       units(p.c) = units(g.c) AND completions(p.c) = completions(g.c)
         AND completion_known(p.c) = completion_known(g.c) AND churns(p.c) = churns(g.c)
         AND value_count(p.c) = value_count(g.c) AS counts_equal,
       abs(value_mean(p.c) - value_mean(g.c)) / value_mean(g.c) < 1e-11 AS mean_equal,
       abs(value_variance(p.c) - value_variance(g.c)) / value_variance(g.c) < 1e-10 AS var_equal
FROM got_parallel p JOIN got g USING (variant) ORDER BY 1;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;

-- Partitionwise aggregation: one aggregate per partition, same result
CREATE TABLE units_p (LIKE units_t) PARTITION BY LIST (variant);
CREATE TABLE units_p_control PARTITION OF units_p FOR VALUES IN ('control');
CREATE TABLE units_p_treatment PARTITION OF units_p FOR VALUES IN ('treatment');
INSERT INTO units_p SELECT * FROM units_t;
ANALYZE units_p;
SET enable_partitionwise_aggregate = on;
SET max_parallel_workers_per_gather = 0;
SET enable_hashagg = off;  -- keeps the plans independent of ANALYZE's sample
-- grouped by the partition key: a complete aggregate per partition
EXPLAIN (COSTS OFF)
SELECT variant, cohort_agg(completed, churned, revenue) FROM units_p GROUP BY variant;
SELECT p.variant,
       units(p.c) = units(g.c) AND completions(p.c) = completions(g.c)
         AND churns(p.c) = churns(g.c) AND value_count(p.c) = value_count(g.c) AS counts_equal,
       abs(value_mean(p.c) - value_mean(g.c)) / value_mean(g.c) < 1e-11 AS mean_equal,
       abs(value_variance(p.c) - value_variance(g.c)) / value_variance(g.c) < 1e-10 AS var_equal
FROM (SELECT variant, cohort_agg(completed, churned, revenue, pre) AS c
      FROM units_p GROUP BY variant) p JOIN got g USING (variant) ORDER BY 1;
-- grouped by another key: partial aggregates per partition, then combined
EXPLAIN (COSTS OFF)
SELECT day, cohort_agg(completed, churned, revenue) FROM units_p GROUP BY day;
SET max_parallel_workers_per_gather = 2;
SELECT bool_and(units(p.c) = units(d.c) AND abs(value_mean(p.c) - value_mean(d.c)) < 1e-6) AS partial_partitionwise_ok
FROM (SELECT day, cohort_agg(completed, churned, revenue, pre) AS c FROM units_p GROUP BY day) p
JOIN (SELECT day, rollup(c) AS c FROM daily GROUP BY day) d USING (day);
RESET enable_partitionwise_aggregate;
RESET enable_hashagg;

-- Moving windows use the inverse transition function and agree with
-- recomputing each frame from scratch.
CREATE TEMP TABLE per_day AS
SELECT day, cohort_agg(completed, churned, revenue) AS c FROM units_t GROUP BY day;
SELECT bool_and(units(w.c) = units(f.c) AND completions(w.c) = completions(f.c)
                AND churns(w.c) = churns(f.c) AND value_count(w.c) = value_count(f.c)
                AND abs(value_mean(w.c) - value_mean(f.c)) < 1e-7
                AND abs(value_variance(w.c) - value_variance(f.c)) / value_variance(f.c) < 1e-6)
         AS moving_rollup_ok,
       count(*) AS frames
FROM (SELECT day, rollup(c) OVER (ORDER BY day ROWS 6 PRECEDING) AS c FROM per_day) w
JOIN (SELECT a.day, rollup(b.c) AS c FROM per_day a JOIN per_day b ON b.day BETWEEN a.day - 6 AND a.day
      GROUP BY a.day) f USING (day);

CREATE TEMP TABLE small AS SELECT * FROM units_t WHERE id <= 3000;
SELECT bool_and(units(w.c) = units(f.c) AND completions(w.c) = completions(f.c)
                AND completion_known(w.c) = completion_known(f.c)
                AND churn_known(w.c) = churn_known(f.c)
                AND value_count(w.c) = value_count(f.c) AND covariate_count(w.c) = covariate_count(f.c)
                AND abs(value_mean(w.c) - value_mean(f.c)) < 1e-7
                AND abs(value_variance(w.c) - value_variance(f.c)) / value_variance(f.c) < 1e-6)
         AS moving_agg_ok,
       count(*) AS frames
FROM (SELECT id, cohort_agg(completed, churned, revenue, pre) OVER (ORDER BY id ROWS 99 PRECEDING) AS c
      FROM small) w
JOIN (SELECT a.id, cohort_agg(b.completed, b.churned, b.revenue, b.pre) AS c
      FROM small a JOIN small b ON b.id BETWEEN a.id - 99 AND a.id GROUP BY a.id) f USING (id);

-- Empty input and FILTER: an empty cohort, not NULL.  In an outer join the
-- NULL-extended row is a row like any other, so FILTER it out.
SELECT units(cohort_agg(completed) FILTER (WHERE false)) AS filtered,
       units(cohort_agg(completed)) AS all_units
FROM units_t;
SELECT variant, units(c) FROM (
    SELECT v.variant, cohort_agg(u.completed) FILTER (WHERE u.id IS NOT NULL) AS c
    FROM (VALUES ('control'), ('treatment'), ('none')) v(variant)
    LEFT JOIN units_t u ON u.variant = v.variant AND u.id < 0 GROUP BY v.variant) s ORDER BY 1;

-- Huge counts: merging past the 64-bit range is an error, not a wrap
\set VERBOSITY sqlstate
SELECT cohort_from_counts(9000000000000000000, 0) + cohort_from_counts(9000000000000000000, 0);
SELECT rollup(c) FROM (VALUES (cohort_from_counts(9000000000000000000, 0)),
                              (cohort_from_counts(9000000000000000000, 0))) t(c);
\set VERBOSITY default
SELECT units(cohort_from_counts(4000000000000000000, 1) + cohort_from_counts(4000000000000000000, 2));

-- Text and binary COPY round trips are exact
\getenv abs_builddir PG_ABS_BUILDDIR
\set copy_text :abs_builddir '/results/cohorts.txt'
\set copy_bin :abs_builddir '/results/cohorts.bin'
CREATE TABLE stored (day date, variant text, c cohort);
COPY (SELECT day, variant, c FROM daily) TO :'copy_text';
COPY stored FROM :'copy_text';
SELECT count(*) AS rows, bool_and(s.c = d.c) AS text_identical
FROM stored s JOIN daily d USING (day, variant);
TRUNCATE stored;
COPY (SELECT day, variant, c FROM daily) TO :'copy_bin' WITH (FORMAT binary);
COPY stored FROM :'copy_bin' WITH (FORMAT binary);
SELECT count(*) AS rows, bool_and(s.c = d.c) AS binary_identical
FROM stored s JOIN daily d USING (day, variant);

-- Corrupt binary input: the bytes of a bytea column are fed to cohort_recv
CREATE TABLE raw (b bytea);
CREATE TABLE one (c cohort);
CREATE FUNCTION try_recv(bytes bytea) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    TRUNCATE raw, one;
    INSERT INTO raw VALUES (bytes);
    EXECUTE format('COPY raw TO %L WITH (FORMAT binary)', current_setting('ca.copy_bin'));
    EXECUTE format('COPY one FROM %L WITH (FORMAT binary)', current_setting('ca.copy_bin'));
    RETURN 'accepted: ' || (SELECT c::text FROM one);
EXCEPTION WHEN others THEN
    RETURN SQLSTATE || ': ' || SQLERRM;
END $$;
SELECT set_config('ca.copy_bin', :'copy_bin', false) \g /dev/null
-- a valid value, as sent
SELECT try_recv(cohort_send(cohort_from_counts(10, 4, 1, 25.0, 100.0)));
-- then damaged in each way
WITH good AS (SELECT cohort_send(cohort_from_counts(10, 4, 1, 25.0, 100.0)) AS b)
SELECT what, try_recv(bytes) FROM good, LATERAL (VALUES
    ('empty', ''::bytea),
    ('version 3', set_byte(b, 0, 3)),
    ('truncated', substr(b, 1, 50)),
    ('extra byte', b || '\x00'::bytea),
    ('negative units', overlay(b placing '\xffffffffffffffff'::bytea from 2 for 8)),
    ('completions > known', overlay(b placing '\x00000000000000ff'::bytea from 18 for 8)),
    ('value count > units', overlay(b placing '\x0000000000000fff'::bytea from 42 for 8)),
    ('NaN mean', overlay(b placing '\x7ff8000000000000'::bytea from 50 for 8)),
    ('negative m2', overlay(b placing '\xbff0000000000000'::bytea from 58 for 8))
) AS t(what, bytes);

-- A materialized view of daily cohorts, refreshed concurrently, rolled up
CREATE MATERIALIZED VIEW daily_cohorts AS
SELECT day, variant, cohort_agg(completed, churned, revenue) AS summary
FROM units_t GROUP BY day, variant;
CREATE UNIQUE INDEX ON daily_cohorts (day, variant);
INSERT INTO units_t (id, day, variant, completed, churned, revenue)
SELECT 200000 + i, date '2026-11-15', 'treatment', i % 2 = 0, false, 1e6 + i FROM generate_series(1, 1000) i;
REFRESH MATERIALIZED VIEW CONCURRENTLY daily_cohorts;
SELECT variant, units(rollup(summary)), completions(rollup(summary))
FROM daily_cohorts GROUP BY variant ORDER BY 1;
SELECT m.variant, units(m.c) = units(d.c) AS units_equal,
       abs(value_mean(m.c) - value_mean(d.c)) < 1e-8 AS mean_equal
FROM (SELECT variant, rollup(summary) AS c FROM daily_cohorts GROUP BY variant) m
JOIN (SELECT variant, cohort_agg(completed, churned, revenue) AS c FROM units_t GROUP BY variant) d
USING (variant) ORDER BY 1;

DROP MATERIALIZED VIEW daily_cohorts;
DROP TABLE units_t, units_p, stored, raw, one;
DROP FUNCTION try_recv(bytea);
