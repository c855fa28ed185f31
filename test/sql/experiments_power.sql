-- p_adjust methods hommel and none, power and sample sizes, one-sided
-- sequential tests, against R (test/ref/stats/gen_experiments.R).
-- Tolerances: adjusted p-values 1e-12 relative; power, sample sizes and
-- detectable effects 1e-9 relative; sequential bounds 1e-10 and p-values
-- 1e-8 relative (R finds them by uniroot to 1e-14 in log alpha).
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

-- p.adjust(p, "hommel") and p.adjust(p, "none"), NA kept in place
CREATE TEMP TABLE ref_padj (id int, method text, p text, adjusted text);
\copy ref_padj FROM 'test/ref/stats/p_adjust_more.csv' WITH (FORMAT csv, HEADER true)
SELECT id, method, cardinality(got) AS n,
       bool_and(pg_temp.close(g, w, 1e-12)) AS adjusted_ok
FROM ref_padj,
     LATERAL (SELECT p_adjust(translate(p, ';', ',')::float8[], method) AS got) a,
     LATERAL unnest(got, translate(adjusted, ';', ',')::float8[]) u(g, w)
GROUP BY id, method, got ORDER BY id, method;
-- hommel never exceeds hochberg and is at least the raw p-value
SELECT bool_and(h <= hb + 1e-15 AND h >= p) AS hommel_between
FROM (SELECT unnest(p_adjust(a, 'hommel')) h, unnest(p_adjust(a, 'hochberg')) hb, unnest(a) p
      FROM (SELECT array_agg(((i * 7919) % 1000) / 1000.0 + 1e-4) a FROM generate_series(1, 60) i) s) x;
SELECT p_adjust('{}'::float8[], 'hommel') AS empty, p_adjust('{0.2, NULL}', 'hommel') AS one_with_null,
       p_adjust('{0.04, 0.01}', 'hommel') AS two_as_hochberg, p_adjust('{0.5, 0.01}', 'NONE') AS none;

-- power.prop.test(n, p1, p2, sig.level)$power
CREATE TEMP TABLE ref_power (n float8, p1 float8, p2 float8, alpha float8, power float8);
\copy ref_power FROM 'test/ref/stats/power_prop.csv' WITH (FORMAT csv, HEADER true)
SELECT count(*) AS cases, count(*) FILTER (WHERE pg_temp.close(power_proportions(n, p1, p2, alpha), power, 1e-9)) AS ok,
       count(*) FILTER (WHERE pg_temp.close(power_proportions(n, p2, p1, alpha), power, 1e-9)) AS symmetric_ok
FROM ref_power;
-- the sample size of sample_size_proportions has exactly the asked power
SELECT round(power_proportions(sample_size_proportions(0.42, 0.4494), 0.42, 0.4494)::numeric, 12) AS power;

-- power.prop.test(n, p1, power, sig.level)$p2, solved to 1e-15
CREATE TEMP TABLE ref_mde (n float8, p1 float8, alpha float8, power float8, p2 float8);
\copy ref_mde FROM 'test/ref/stats/mde_prop.csv' WITH (FORMAT csv, HEADER true)
SELECT count(*) AS cases,
       count(*) FILTER (WHERE pg_temp.close(minimum_detectable_effect_proportions(n, p1, alpha, power), p2 - p1, 1e-9)) AS ok
FROM ref_mde;

-- means: the roots of the normal power equation, by uniroot in R
CREATE TEMP TABLE ref_means (sd float8, mde float8, alpha float8, power float8, ratio float8,
    n float8, mde_at_n float8, n_rounded float8);
\copy ref_means FROM 'test/ref/stats/power_means.csv' WITH (FORMAT csv, HEADER true)
SELECT count(*) AS cases,
       count(*) FILTER (WHERE pg_temp.close(sample_size_means(sd, mde, alpha, power, ratio), n, 1e-9)) AS n_ok,
       count(*) FILTER (WHERE pg_temp.close(sample_size_means(sd, -mde, alpha, power, ratio), n, 1e-9)) AS sign_ok,
       count(*) FILTER (WHERE pg_temp.close(minimum_detectable_effect_means(n_rounded, sd, alpha, power, ratio),
                                            mde_at_n, 1e-9)) AS mde_ok
FROM ref_means;
SELECT round(sample_size_means(6.4, 0.5)::numeric, 4) AS n, round(minimum_detectable_effect_means(2572, 6.4)::numeric, 6) AS mde;

-- one-sided asymptotic confidence sequences
CREATE TEMP TABLE ref_seq (xc bigint, nc bigint, xt bigint, nt bigint, alpha float8, tuning float8,
    alternative text, diff float8, low float8, high float8, p float8);
\copy ref_seq FROM 'test/ref/stats/sequential_onesided.csv' WITH (FORMAT csv, HEADER true)
SELECT xc, nc, xt, nt, alternative, r.method,
       pg_temp.close(r.difference, diff, 1e-12) AS diff_ok,
       pg_temp.close(r.difference_low, low, 1e-10) AND pg_temp.close(r.difference_high, high, 1e-10) AS bound_ok,
       pg_temp.close(r.p_value, p, 1e-8) AS p_ok, r.significant
FROM ref_seq, LATERAL compare_cohorts_sequential(cohort_from_counts(nc, xc), cohort_from_counts(nt, xt),
                                                 'completion', alpha, tuning, alternative) r
ORDER BY alternative, xc, xt;
-- significant exactly when the one-sided bound excludes zero
SELECT bool_and(significant = (CASE alt WHEN 'greater' THEN difference_low > 0 ELSE difference_high < 0 END)) AS consistent,
       count(*) FILTER (WHERE significant) AS significant, count(*) AS cases
FROM generate_series(0, 60) d, unnest(ARRAY['greater', 'less']) alt,
     LATERAL compare_cohorts_sequential(cohort_from_counts(20000, 6000), cohort_from_counts(20000, 5400 + 20 * d),
                                        'completion', 0.05, 30000, alt);
-- a one-sided bound is tighter than the two-sided sequence on its side
SELECT o.difference_low > t.difference_low AS tighter, o.difference_high, t.difference_high > 0 AS two_sided_high
FROM compare_cohorts_sequential(cohort_from_counts(2000, 600), cohort_from_counts(2000, 660), 'completion', 0.05, 3000, 'greater') o,
     compare_cohorts_sequential(cohort_from_counts(2000, 600), cohort_from_counts(2000, 660)) t;
-- the six-argument form with 'two-sided' is the five-argument one
SELECT a IS NOT DISTINCT FROM b AS same
FROM compare_cohorts_sequential(cohort_from_counts(3000, 1396), cohort_from_counts(3461, 2422)) a,
     compare_cohorts_sequential(cohort_from_counts(3000, 1396), cohort_from_counts(3461, 2422),
                                'completion', 0.05, 5000, 'two-sided') b;
-- values: one-sided on value and empty arms
SELECT method, difference, difference_low, p_value
FROM compare_cohorts_sequential(cohort_from_counts(0, 0), cohort_from_counts(0, 0), 'value', 0.05, 5000, 'less');

-- bad input: class-22 errors naming the argument
\set VERBOSITY sqlstate
SELECT p_adjust('{0.1, 0.2}', 'sidak');
SELECT power_proportions(0, 0.1, 0.2);
SELECT power_proportions('NaN', 0.1, 0.2);
SELECT power_proportions(100, 0, 0.2);
SELECT power_proportions(100, 0.1, 0.2, 1);
SELECT minimum_detectable_effect_proportions(10, 0.5, 0.05, 0.999999);
SELECT minimum_detectable_effect_proportions('Infinity', 0.5);
SELECT sample_size_means(0, 1);
SELECT sample_size_means(1, 0);
SELECT sample_size_means(1, 'NaN');
SELECT sample_size_means(1, 1, 0.05, 0.8, -1);
SELECT sample_size_means(1, 1, 0.05, 0.01);
SELECT minimum_detectable_effect_means(100, 1, 0.05, 0.01);
SELECT compare_cohorts_sequential(cohort_from_counts(10, 1), cohort_from_counts(10, 2), 'completion', 0.5, 100, 'greater');
SELECT compare_cohorts_sequential(cohort_from_counts(10, 1), cohort_from_counts(10, 2), 'completion', 0.05, 100, 'up');
\set VERBOSITY default
SELECT minimum_detectable_effect_proportions(10, 0.5, 0.05, 0.999999);
SELECT sample_size_means(1, 0);
SELECT compare_cohorts_sequential(cohort_from_counts(10, 1), cohort_from_counts(10, 2), 'completion', 0.6, 100, 'less');
-- STRICT
SELECT power_proportions(NULL, 0.1, 0.2) IS NULL AS is_null;
