-- expected_loss against R (test/ref/stats/gen_experiments.R: double
-- numerical integration of the Beta posteriors, rel.tol 1e-12).
-- Tolerance: 1e-9 relative (R's own integration agrees to 3e-12 here).
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS cohort_analyzer;
RESET client_min_messages;
SET extra_float_digits = 0;

CREATE FUNCTION pg_temp.close(got float8, want float8, tol float8) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN got IS NULL OR want IS NULL THEN got IS NOT DISTINCT FROM want
                WHEN got = want THEN true
                ELSE abs(got - want) <= tol * abs(want) END
$$;

CREATE TEMP TABLE ref_loss (xc bigint, nc bigint, xt bigint, nt bigint, choose_treatment float8, choose_control float8);
\copy ref_loss FROM 'test/ref/stats/expected_loss.csv' WITH (FORMAT csv, HEADER true)
SELECT xc, nc, xt, nt, l.method,
       pg_temp.close(l.choose_treatment, r.choose_treatment, 1e-9) AS treatment_ok,
       pg_temp.close(l.choose_control, r.choose_control, 1e-9) AS control_ok,
       pg_temp.close(k.choose_treatment, r.choose_control, 1e-9) AND pg_temp.close(k.choose_control, r.choose_treatment, 1e-9) AS churn_ok
FROM ref_loss r,
     LATERAL expected_loss(cohort_from_counts(nc, xc), cohort_from_counts(nt, xt)) l,
     LATERAL expected_loss(cohort_from_counts(nc, 0, xc), cohort_from_counts(nt, 0, xt), 'churn') k
ORDER BY xc, nc, xt;

-- the two losses differ by the difference of the posterior means
SELECT bool_and(abs((l.choose_control - l.choose_treatment) - ((xt + 1.0) / (nt + 2) - (xc + 1.0) / (nc + 2))) < 1e-14) AS identity
FROM ref_loss, LATERAL expected_loss(cohort_from_counts(nc, xc), cohort_from_counts(nt, xt)) l;

-- GrowthBook-sized counts: beyond 10^8 terms the posteriors are taken as
-- normal (chance_to_beat refuses these counts); the identity still holds
SELECT method, l.choose_control > l.choose_treatment AS treatment_better,
       abs((l.choose_control - l.choose_treatment) - ((500010000 + 1.0) / 1000000002 - (500000000 + 1.0) / 1000000002)) < 1e-15 AS identity,
       round((l.choose_treatment * 1e6)::numeric, 4) AS treatment_loss_ppm
FROM expected_loss(cohort_from_counts(1000000000, 500000000), cohort_from_counts(1000000000, 500010000)) l;
SELECT method, round((choose_control * 1e9)::numeric, 4) AS control_loss_ppb
FROM expected_loss(cohort_from_counts(9000000000000000000, 4500000000000000000),
                   cohort_from_counts(9000000000000000000, 4500000000900000000));
-- (that the approximation is close to the exact value below the limit is
-- checked in test/unit/test_experiments.c)

-- values and ratios: the normal posterior of the difference
CREATE TEMP TABLE ref_rows (id int, arm text, value float8, covariate float8);
\copy ref_rows FROM 'test/ref/stats/compare_value_rows.csv' WITH (FORMAT csv, HEADER true)
SELECT id, l.method, pg_temp.close(l.choose_control - l.choose_treatment, c.difference, 1e-12) AS identity,
       l.choose_treatment > 0 AND l.choose_control > 0 AS positive,
       (c.difference > 0) = (l.choose_treatment < l.choose_control) AS ordered
FROM (SELECT id, cohort_agg(true, false, value, covariate) FILTER (WHERE arm = 'control') AS c,
             cohort_agg(true, false, value, covariate) FILTER (WHERE arm = 'treatment') AS t
      FROM ref_rows GROUP BY id) a,
     LATERAL compare_cohorts(a.c, a.t, 'value') c,
     LATERAL expected_loss(a.c, a.t, 'value') l
ORDER BY id;
SELECT method, choose_control IS NOT NULL AS defined
FROM expected_loss((SELECT cohort_agg(true, false, x, 1 + x % 3) FROM generate_series(1, 30) x),
                   (SELECT cohort_agg(true, false, x + 1, 1 + x % 3) FROM generate_series(1, 30) x), 'ratio');
-- zero variance: undefined
SELECT * FROM expected_loss((SELECT cohort_agg(true, false, 5.0)), (SELECT cohort_agg(true, false, 7.0)), 'value');

\set VERBOSITY sqlstate
SELECT expected_loss(cohort_from_counts(10, 1), cohort_from_counts(10, 2), 'revenue');
\set VERBOSITY default
SELECT expected_loss(NULL, cohort_from_counts(10, 2)) IS NULL AS is_null;
