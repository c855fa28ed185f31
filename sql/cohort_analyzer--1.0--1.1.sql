-- cohort_analyzer 1.0 -> 1.1, applied by ALTER EXTENSION cohort_analyzer UPDATE.
--
-- Written by hand: every change to the SQL API since 1.0 lands here as well
-- as in sql/install/, and test/t/002_update.pl checks that an updated
-- database ends up with exactly the objects of a fresh 1.1 install.  Every
-- reference is schema-qualified with @extschema@ or pg_catalog.

\echo Use "ALTER EXTENSION cohort_analyzer UPDATE TO '1.1'" to load this file. \quit

-- ---------------------------------------------------------------------------
-- Experiment analysis: one-sided sequential tests, p_adjust methods hommel
-- and none, power and sample sizes (sql/install/20_stats.sql,
-- sql/install/21_experiments.sql)
-- ---------------------------------------------------------------------------

DROP FUNCTION @extschema@.compare_cohorts_sequential(@extschema@.cohort, @extschema@.cohort, text, double precision, double precision);
CREATE FUNCTION @extschema@.compare_cohorts_sequential(
    control @extschema@.cohort, treatment @extschema@.cohort,
    metric text DEFAULT 'completion', alpha double precision DEFAULT 0.05,
    tuning double precision DEFAULT 5000, alternative text DEFAULT 'two-sided')
RETURNS @extschema@.cohort_comparison
    AS 'MODULE_PATHNAME', 'stats_compare_cohorts_sequential_alt' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.compare_cohorts_sequential(@extschema@.cohort, @extschema@.cohort, text, double precision, double precision, text) IS
    'Always-valid comparison (asymptotic confidence sequence, two-sided or one-sided), safe to evaluate at every checkpoint';

COMMENT ON FUNCTION @extschema@.p_adjust(double precision[], text) IS
    'Adjusted p-values as R''s p.adjust: holm, hochberg, hommel, bonferroni, BH (fdr), BY, none';

CREATE FUNCTION @extschema@.power_proportions(
    n double precision, p1 double precision, p2 double precision,
    alpha double precision DEFAULT 0.05)
RETURNS double precision
    AS 'MODULE_PATHNAME', 'stats_power_proportions' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.power_proportions(double precision, double precision, double precision, double precision) IS
    'Power of the two-sided two-proportion test with n units per arm, as power.prop.test computes it';

CREATE FUNCTION @extschema@.minimum_detectable_effect_proportions(
    n double precision, p1 double precision,
    alpha double precision DEFAULT 0.05, power double precision DEFAULT 0.8)
RETURNS double precision
    AS 'MODULE_PATHNAME', 'stats_mde_proportions' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.minimum_detectable_effect_proportions(double precision, double precision, double precision, double precision) IS
    'Smallest rise p2 - p1 of a rate that n units per arm detect with the given power (power.prop.test solved for p2)';

CREATE FUNCTION @extschema@.sample_size_means(
    sd double precision, mde double precision,
    alpha double precision DEFAULT 0.05, power double precision DEFAULT 0.8,
    ratio double precision DEFAULT 1)
RETURNS double precision
    AS 'MODULE_PATHNAME', 'stats_sample_size_means' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.sample_size_means(double precision, double precision, double precision, double precision, double precision) IS
    'Control units (treatment: ratio times as many) for a two-sided test of a difference of means mde, normal approximation';

CREATE FUNCTION @extschema@.minimum_detectable_effect_means(
    n double precision, sd double precision,
    alpha double precision DEFAULT 0.05, power double precision DEFAULT 0.8,
    ratio double precision DEFAULT 1)
RETURNS double precision
    AS 'MODULE_PATHNAME', 'stats_mde_means' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.minimum_detectable_effect_means(double precision, double precision, double precision, double precision, double precision) IS
    'Smallest difference of means that n control units (ratio n treated) detect with the given power, normal approximation';
