-- Trends across ordered cohorts against R: prop.trend.test for completion
-- and churn, lm(value ~ cohort) on the rows for values
-- (test/ref/churn/trend.csv from make_reference.R).  Within 1e-12,
-- relative to the reference where it exceeds 1.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS cohort_analyzer;
RESET client_min_messages;
SET extra_float_digits = 0;

CREATE TABLE trend_obs (case_name text, cohort int, completed boolean,
    churned boolean, value float8);
CREATE TABLE trend_ref (case_name text, metric text, slope float8,
    statistic float8, p_value float8);
\copy trend_obs FROM 'test/ref/churn/trend_obs.csv' CSV HEADER
\copy trend_ref FROM 'test/ref/churn/trend.csv' CSV HEADER

CREATE FUNCTION pg_temp.close(got float8, want float8, tol float8 DEFAULT 1e-12)
    RETURNS boolean LANGUAGE sql IMMUTABLE
    AS $$ SELECT (got IS NULL AND want IS NULL)
              OR abs(got - want) <= tol * greatest(1, abs(want)) $$;

-- one cohort per position; a position without rows is an empty cohort
CREATE TABLE trend_cohorts AS
WITH pos AS (
    SELECT case_name, generate_series(1, max(cohort)) AS cohort
    FROM trend_obs GROUP BY case_name
), c AS (
    SELECT p.case_name, p.cohort,
           cohort_agg(o.completed, o.churned, o.value) FILTER (WHERE o.cohort IS NOT NULL) AS c
    FROM pos p LEFT JOIN trend_obs o USING (case_name, cohort)
    GROUP BY 1, 2
)
SELECT case_name, array_agg(c ORDER BY cohort) AS cohorts FROM c GROUP BY 1;

SELECT case_name, cardinality(cohorts) AS cohorts,
       (SELECT sum(units(x)) FROM unnest(cohorts) x) AS units
FROM trend_cohorts ORDER BY 1;

SELECT r.case_name, r.metric, round(t.slope::numeric, 6) AS slope,
       round(t.statistic::numeric, 4) AS statistic, round(t.p_value::numeric, 6) AS p_value,
       pg_temp.close(t.slope, r.slope) AS slope_ok,
       pg_temp.close(t.statistic, r.statistic) AS statistic_ok,
       pg_temp.close(t.p_value, r.p_value) AS p_ok
FROM trend_ref r JOIN trend_cohorts c USING (case_name)
CROSS JOIN LATERAL trend_test(c.cohorts, r.metric) t
ORDER BY 1, 2;

-- reversing the order flips the slope and keeps the test
SELECT r.case_name, r.metric,
       pg_temp.close(u.slope, -t.slope) AND pg_temp.close(u.statistic * sign(u.statistic), t.statistic * sign(t.statistic))
       AND pg_temp.close(u.p_value, t.p_value) AS reversed_ok
FROM trend_ref r JOIN trend_cohorts c USING (case_name)
CROSS JOIN LATERAL trend_test(c.cohorts, r.metric) t
CROSS JOIN LATERAL trend_test((SELECT array_agg(x ORDER BY k DESC)
                               FROM unnest(c.cohorts) WITH ORDINALITY u(x, k)), r.metric) u
ORDER BY 1, 2;

-- degenerate inputs: fewer than two cohorts with data, no variation
SELECT * FROM trend_test(ARRAY[]::cohort[], 'completion');
SELECT * FROM trend_test(ARRAY[cohort_from_counts(100, 40, 10)], 'churn');
SELECT * FROM trend_test(ARRAY[cohort_from_counts(100, 0, 10), cohort_from_counts(50, 0, 5)], 'completion');
SELECT * FROM trend_test(ARRAY[cohort_from_counts(100, 40, 10), cohort_from_counts(0, 0, 0),
                               cohort_from_counts(100, 40, 10)], 'Churn');
SELECT * FROM trend_test(ARRAY[cohort_from_counts(100, 40, 10), cohort_from_counts(100, 50, 10)], 'value');
-- huge counts
SELECT round(slope::numeric, 12) AS slope, statistic > 1e6 AS significant
FROM trend_test(ARRAY[cohort_from_counts(4000000000000000000, 1000000000000000000, 0),
                      cohort_from_counts(4000000000000000000, 1200000000000000000, 0)], 'completion');
-- bad arguments
SELECT * FROM trend_test(ARRAY[cohort_from_counts(100, 40, 10), NULL], 'churn');
SELECT * FROM trend_test(ARRAY[cohort_from_counts(100, 40, 10)], 'revenue');
SELECT * FROM trend_test(ARRAY[cohort_from_counts(100, 40, 10)], 'value_cuped');
SELECT * FROM trend_test(ARRAY[[cohort_from_counts(100, 40, 10)], [cohort_from_counts(100, 40, 10)]], 'churn');
SELECT * FROM trend_test(NULL, 'churn');

DROP TABLE trend_obs, trend_ref, trend_cohorts;
