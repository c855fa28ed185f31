-- rate_ci, completion_ci, churn_ci, srm_test, p_adjust and
-- sample_size_proportions against R (test/ref/stats/gen_stats.R).
-- Tolerances: interval bounds 1e-10 relative, p-values 1e-9 relative.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS cohort_analyzer;
RESET client_min_messages;
SET extra_float_digits = 0;

CREATE FUNCTION pg_temp.close(got float8, want float8, tol float8) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN got IS NULL OR want IS NULL THEN got IS NOT DISTINCT FROM want
                WHEN got = want THEN true
                ELSE abs(got - want) <= tol * greatest(abs(want), 1e-12) END
$$;

-- rate intervals: prop.test (Wilson), binom.test (Clopper-Pearson), qbeta
-- (Jeffreys), the Agresti-Coull formula
CREATE TEMP TABLE ref_ci (x bigint, n bigint, level float8, wilson_low float8, wilson_high float8,
    cp_low float8, cp_high float8, ac_low float8, ac_high float8, jeffreys_low float8, jeffreys_high float8);
\copy ref_ci FROM 'test/ref/stats/rate_ci.csv' WITH (FORMAT csv, HEADER true)
SELECT x, n, level,
       pg_temp.close((rate_ci(x, n, level)).low, wilson_low, 1e-10)
           AND pg_temp.close((rate_ci(x, n, level)).high, wilson_high, 1e-10) AS wilson,
       pg_temp.close((rate_ci(x, n, level, 'clopper_pearson')).low, cp_low, 1e-10)
           AND pg_temp.close((rate_ci(x, n, level, 'clopper_pearson')).high, cp_high, 1e-10) AS clopper_pearson,
       pg_temp.close((rate_ci(x, n, level, 'agresti_coull')).low, ac_low, 1e-10)
           AND pg_temp.close((rate_ci(x, n, level, 'agresti_coull')).high, ac_high, 1e-10) AS agresti_coull,
       pg_temp.close((rate_ci(x, n, level, 'jeffreys')).low, jeffreys_low, 1e-10)
           AND pg_temp.close((rate_ci(x, n, level, 'jeffreys')).high, jeffreys_high, 1e-10) AS jeffreys
FROM ref_ci ORDER BY n, level, x;

-- a textbook case: 7 of 100 at 95% (Wilson 0.0343 .. 0.1375; exact 0.0286 .. 0.1389)
SELECT m, round(low::numeric, 4) AS low, round(high::numeric, 4) AS high
FROM unnest(ARRAY['wilson', 'clopper_pearson', 'agresti_coull', 'jeffreys']) m,
     LATERAL rate_ci(7, 100, 0.95, m);
-- from a cohort; no known outcome gives NULL bounds
SELECT completion_ci(c), churn_ci(c, 0.9, 'jeffreys') FROM (SELECT cohort_from_counts(100, 7, 12) AS c) s;
SELECT completion_ci(cohort_from_counts(0, 0)), rate_ci(0, 0);

-- sample ratio mismatch: chisq.test(x, p = ...)
CREATE TEMP TABLE ref_srm (observed text, share text, statistic float8, p float8);
\copy ref_srm FROM 'test/ref/stats/srm.csv' WITH (FORMAT csv, HEADER true)
SELECT observed, pg_temp.close(srm_test(replace(observed, ';', ',')::bigint[],
                                        replace(share, ';', ',')::float8[]), p, 1e-9) AS p_ok
FROM ref_srm ORDER BY observed;
-- the 1% canary that got 5,900 of 500,000 learners: p = 1.8e-37, not 0
SELECT to_char(srm_test(494100, 5900, 0.01), '9.99EEEE') AS p_value,
       srm_test(494100, 5900, 0.01) = srm_test(ARRAY[494100, 5900]::bigint[], ARRAY[0.99, 0.01]) AS same;
SELECT round(srm_test(4950, 50, 0.01)::numeric, 6) AS p_matching_split, srm_test(0, 0, 0.5) AS p_no_units;

-- p.adjust
CREATE TEMP TABLE ref_padj (method text, adjusted text);
\copy ref_padj FROM 'test/ref/stats/p_adjust.csv' WITH (FORMAT csv, HEADER true)
SELECT method, bool_and(pg_temp.close(got, want, 1e-12)) AS ok, count(*) AS n
FROM ref_padj,
     LATERAL unnest(p_adjust('{0.01,0.02,0.03,0.04,0.05,0.5,1e-10,0.02,NULL,0.9}', method),
                    replace(adjusted, ';', ',')::float8[]) u(got, want)
GROUP BY method ORDER BY method;
SELECT p_adjust('{0.01,0.04,0.03}', 'fdr') = p_adjust('{0.01,0.04,0.03}', 'BH') AS fdr_is_bh,
       p_adjust('{}', 'holm') AS empty, p_adjust('{0.2}', 'BY') AS single;

-- power.prop.test(p1, p2, sig.level, power, tol = 1e-14)$n
CREATE TEMP TABLE ref_ss (p1 float8, p2 float8, alpha float8, power float8, n float8);
\copy ref_ss FROM 'test/ref/stats/sample_size.csv' WITH (FORMAT csv, HEADER true)
SELECT bool_and(pg_temp.close(sample_size_proportions(p1, p2, alpha, power), n, 1e-10)) AS ok, count(*)
FROM ref_ss;
-- a 7% relative lift on a 42% completion rate needs about 4,462 learners per arm
SELECT ceil(sample_size_proportions(0.42, 0.4494)) AS per_arm;

-- bad input: class-22 errors that name the argument
\set VERBOSITY sqlstate
SELECT rate_ci(5, 4);
SELECT rate_ci(-1, 4);
SELECT rate_ci(1, -4);
SELECT rate_ci(1, 4, 1.0);
SELECT rate_ci(1, 4, 0);
SELECT rate_ci(1, 4, 'NaN');
SELECT rate_ci(1, 4, 0.95, 'wald');
SELECT completion_ci(cohort_from_counts(10, 1), 2);
SELECT srm_test(ARRAY[1, 2]::bigint[], ARRAY[0.5, 0.3, 0.2]);
SELECT srm_test(ARRAY[1, 2]::bigint[], ARRAY[0.6, 0.6]);
SELECT srm_test(ARRAY[1, -2]::bigint[], ARRAY[0.5, 0.5]);
SELECT srm_test(ARRAY[1, 2]::bigint[], ARRAY[1.5, -0.5]);
SELECT srm_test(ARRAY[1, NULL]::bigint[], ARRAY[0.5, 0.5]);
SELECT srm_test(ARRAY[10]::bigint[], ARRAY[1.0]);
SELECT srm_test(ARRAY[[1, 2], [3, 4]]::bigint[], ARRAY[[0.25, 0.25], [0.25, 0.25]]);
SELECT srm_test(ARRAY[1, 2]::bigint[], ARRAY['NaN', 0.5]::float8[]);
SELECT srm_test(10, 20, 1.0);
SELECT srm_test(-10, 20, 0.5);
SELECT p_adjust('{0.1,1.5}', 'holm');
SELECT p_adjust('{0.1,-0.5}', 'holm');
SELECT p_adjust('{0.1,NaN}', 'BH');
SELECT p_adjust('{0.1,0.2}', 'sidak');
SELECT sample_size_proportions(0.4, 0.4);
SELECT sample_size_proportions(0, 0.4);
SELECT sample_size_proportions(0.4, 0.5, 0.05, 1);
SELECT sample_size_proportions(0.4, 0.5, 0.05, 0.01);
SELECT sample_size_proportions('NaN', 0.5);
SELECT rate_ci(1, 4, 'Infinity');
\set VERBOSITY default
SELECT rate_ci(5, 4);
SELECT srm_test(ARRAY[1, 2]::bigint[], ARRAY[0.6, 0.6]);
SELECT srm_test(ARRAY[1, 2]::bigint[], ARRAY[0.5, 0.3, 0.2]);
SELECT p_adjust('{0.1,1.5}', 'holm');
SELECT sample_size_proportions(0.4, 0.4);
