-- ---------------------------------------------------------------------------
-- Experiment design and analysis beyond two arms (doc/statistics.md):
-- power and sample sizes
-- ---------------------------------------------------------------------------

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
