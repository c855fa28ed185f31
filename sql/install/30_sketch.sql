-- ---------------------------------------------------------------------------
-- The quantile sketch (latency percentiles with a relative-error guarantee)
-- ---------------------------------------------------------------------------

CREATE TYPE @extschema@.quantile_sketch;

CREATE FUNCTION @extschema@.quantile_sketch_in(cstring) RETURNS @extschema@.quantile_sketch
    AS 'MODULE_PATHNAME', 'quantile_sketch_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.quantile_sketch_out(@extschema@.quantile_sketch) RETURNS cstring
    AS 'MODULE_PATHNAME', 'quantile_sketch_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.quantile_sketch_recv(internal) RETURNS @extschema@.quantile_sketch
    AS 'MODULE_PATHNAME', 'quantile_sketch_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.quantile_sketch_send(@extschema@.quantile_sketch) RETURNS bytea
    AS 'MODULE_PATHNAME', 'quantile_sketch_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE @extschema@.quantile_sketch (
    INPUT = @extschema@.quantile_sketch_in,
    OUTPUT = @extschema@.quantile_sketch_out,
    RECEIVE = @extschema@.quantile_sketch_recv,
    SEND = @extschema@.quantile_sketch_send,
    INTERNALLENGTH = VARIABLE,
    STORAGE = extended
);

COMMENT ON TYPE @extschema@.quantile_sketch IS
    'Mergeable quantile sketch with relative accuracy (DDSketch family): logarithmic buckets, exact zero count, min, max and sum (format version 1)';
COMMENT ON FUNCTION @extschema@.quantile_sketch_in(cstring) IS 'Text input of quantile_sketch';
COMMENT ON FUNCTION @extschema@.quantile_sketch_out(@extschema@.quantile_sketch) IS 'Text output of quantile_sketch (exact, shortest round-trip floats)';
COMMENT ON FUNCTION @extschema@.quantile_sketch_recv(internal) IS 'Binary input of quantile_sketch, with every field validated';
COMMENT ON FUNCTION @extschema@.quantile_sketch_send(@extschema@.quantile_sketch) IS 'Binary output of quantile_sketch';

-- jsonb cast
CREATE FUNCTION @extschema@.quantile_sketch_to_jsonb(@extschema@.quantile_sketch) RETURNS jsonb
    AS 'MODULE_PATHNAME', 'quantile_sketch_to_jsonb' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.quantile_sketch_to_jsonb(@extschema@.quantile_sketch) IS
    'The sketch as a jsonb object: counts, min, max, sum, mean, common percentiles and buckets';
CREATE CAST (@extschema@.quantile_sketch AS jsonb)
    WITH FUNCTION @extschema@.quantile_sketch_to_jsonb(@extschema@.quantile_sketch);
COMMENT ON CAST (@extschema@.quantile_sketch AS jsonb) IS
    'The sketch as a jsonb object (see quantile_sketch_to_jsonb)';

-- merging and equality
CREATE FUNCTION @extschema@.quantile_sketch_plus(@extschema@.quantile_sketch, @extschema@.quantile_sketch)
RETURNS @extschema@.quantile_sketch
    AS 'MODULE_PATHNAME', 'quantile_sketch_plus' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.quantile_sketch_plus(@extschema@.quantile_sketch, @extschema@.quantile_sketch) IS
    'Merges two sketches of the same relative accuracy into the sketch of their union (exact)';
CREATE OPERATOR @extschema@.+ (
    LEFTARG = @extschema@.quantile_sketch, RIGHTARG = @extschema@.quantile_sketch,
    FUNCTION = @extschema@.quantile_sketch_plus, COMMUTATOR = OPERATOR(@extschema@.+)
);
COMMENT ON OPERATOR @extschema@.+ (@extschema@.quantile_sketch, @extschema@.quantile_sketch) IS
    'Merges two quantile sketches';

CREATE FUNCTION @extschema@.quantile_sketch_eq(@extschema@.quantile_sketch, @extschema@.quantile_sketch)
RETURNS boolean
    AS 'MODULE_PATHNAME', 'quantile_sketch_eq' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.quantile_sketch_eq(@extschema@.quantile_sketch, @extschema@.quantile_sketch) IS
    'True when two sketches are bit-for-bit identical';
CREATE OPERATOR @extschema@.= (
    LEFTARG = @extschema@.quantile_sketch, RIGHTARG = @extschema@.quantile_sketch,
    FUNCTION = @extschema@.quantile_sketch_eq, COMMUTATOR = OPERATOR(@extschema@.=)
);
COMMENT ON OPERATOR @extschema@.= (@extschema@.quantile_sketch, @extschema@.quantile_sketch) IS
    'Bit-for-bit identical quantile sketches';

-- queries
CREATE FUNCTION @extschema@.quantile(@extschema@.quantile_sketch, q double precision)
RETURNS double precision
    AS 'MODULE_PATHNAME', 'quantile_sketch_quantile' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.quantiles(@extschema@.quantile_sketch, q double precision[])
RETURNS double precision[]
    AS 'MODULE_PATHNAME', 'quantile_sketch_quantiles' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.cdf(@extschema@.quantile_sketch, x double precision)
RETURNS double precision
    AS 'MODULE_PATHNAME', 'quantile_sketch_cdf' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.quantile(@extschema@.quantile_sketch, double precision) IS
    'The q-quantile as percentile_disc defines it, within relative_accuracy of the true value; NULL for an empty sketch';
COMMENT ON FUNCTION @extschema@.quantiles(@extschema@.quantile_sketch, double precision[]) IS
    'quantile for each element of q, in the shape of q (NULL elements give NULL)';
COMMENT ON FUNCTION @extschema@.cdf(@extschema@.quantile_sketch, double precision) IS
    'Share of values <= x, exact up to values within relative_accuracy of x; NULL for an empty sketch';

-- accessors, named like those of cohort
CREATE FUNCTION @extschema@.value_count(@extschema@.quantile_sketch) RETURNS bigint
    AS 'MODULE_PATHNAME', 'quantile_sketch_value_count' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.value_sum(@extschema@.quantile_sketch) RETURNS double precision
    AS 'MODULE_PATHNAME', 'quantile_sketch_value_sum' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.value_mean(@extschema@.quantile_sketch) RETURNS double precision
    AS 'MODULE_PATHNAME', 'quantile_sketch_value_mean' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.value_min(@extschema@.quantile_sketch) RETURNS double precision
    AS 'MODULE_PATHNAME', 'quantile_sketch_value_min' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.value_max(@extschema@.quantile_sketch) RETURNS double precision
    AS 'MODULE_PATHNAME', 'quantile_sketch_value_max' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.relative_accuracy(@extschema@.quantile_sketch) RETURNS double precision
    AS 'MODULE_PATHNAME', 'quantile_sketch_relative_accuracy' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.bucket_count(@extschema@.quantile_sketch) RETURNS integer
    AS 'MODULE_PATHNAME', 'quantile_sketch_bucket_count' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.value_count(@extschema@.quantile_sketch) IS 'Number of values in the sketch';
COMMENT ON FUNCTION @extschema@.value_sum(@extschema@.quantile_sketch) IS 'Exact sum of the values, rounded once; NULL when empty';
COMMENT ON FUNCTION @extschema@.value_mean(@extschema@.quantile_sketch) IS 'Mean of the values; NULL when empty';
COMMENT ON FUNCTION @extschema@.value_min(@extschema@.quantile_sketch) IS 'Smallest value (exact); NULL when empty';
COMMENT ON FUNCTION @extschema@.value_max(@extschema@.quantile_sketch) IS 'Largest value (exact); NULL when empty';
COMMENT ON FUNCTION @extschema@.relative_accuracy(@extschema@.quantile_sketch) IS 'The relative accuracy alpha the sketch was built with';
COMMENT ON FUNCTION @extschema@.bucket_count(@extschema@.quantile_sketch) IS 'Number of non-empty buckets (the zero count included)';

-- comparing two distributions
CREATE FUNCTION @extschema@.compare_distributions(
    control @extschema@.quantile_sketch, treatment @extschema@.quantile_sketch,
    OUT prob_treatment_greater double precision, OUT prob_error_bound double precision,
    OUT z double precision, OUT p_value double precision,
    OUT control_median double precision, OUT treatment_median double precision,
    OUT median_shift double precision)
RETURNS record
    AS 'MODULE_PATHNAME', 'quantile_sketch_compare' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.compare_distributions(@extschema@.quantile_sketch, @extschema@.quantile_sketch) IS
    'Mann-Whitney comparison from the buckets: P(treatment > control), its error bound, z, two-sided p-value, medians and relative median shift';

-- ---------------------------------------------------------------------------
-- Aggregates
-- ---------------------------------------------------------------------------

-- the state is a quantile_sketch (an expanded object while it grows),
-- which Citus can ship between nodes
CREATE FUNCTION @extschema@.quantile_sketch_state_trans(@extschema@.quantile_sketch, double precision) RETURNS @extschema@.quantile_sketch
    AS 'MODULE_PATHNAME', 'quantile_sketch_state_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.quantile_sketch_state_trans(@extschema@.quantile_sketch, double precision, double precision) RETURNS @extschema@.quantile_sketch
    AS 'MODULE_PATHNAME', 'quantile_sketch_state_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.quantile_sketch_state_rollup(@extschema@.quantile_sketch, @extschema@.quantile_sketch) RETURNS @extschema@.quantile_sketch
    AS 'MODULE_PATHNAME', 'quantile_sketch_state_rollup' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.quantile_sketch_state_combine(@extschema@.quantile_sketch, @extschema@.quantile_sketch) RETURNS @extschema@.quantile_sketch
    AS 'MODULE_PATHNAME', 'quantile_sketch_state_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.quantile_sketch_state_final(@extschema@.quantile_sketch) RETURNS @extschema@.quantile_sketch
    AS 'MODULE_PATHNAME', 'quantile_sketch_state_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.quantile_sketch_state_trans(@extschema@.quantile_sketch, double precision) IS 'Transition function of quantile_sketch_agg';
COMMENT ON FUNCTION @extschema@.quantile_sketch_state_trans(@extschema@.quantile_sketch, double precision, double precision) IS 'Transition function of quantile_sketch_agg';
COMMENT ON FUNCTION @extschema@.quantile_sketch_state_rollup(@extschema@.quantile_sketch, @extschema@.quantile_sketch) IS 'Transition function of rollup(quantile_sketch)';
COMMENT ON FUNCTION @extschema@.quantile_sketch_state_combine(@extschema@.quantile_sketch, @extschema@.quantile_sketch) IS 'Combine function of the quantile sketch aggregates (parallel query, Citus)';
COMMENT ON FUNCTION @extschema@.quantile_sketch_state_final(@extschema@.quantile_sketch) IS 'Final function of the quantile sketch aggregates: the stored sketch, NULL for no values';

CREATE AGGREGATE @extschema@.quantile_sketch_agg(value double precision) (
    SFUNC = @extschema@.quantile_sketch_state_trans, STYPE = @extschema@.quantile_sketch, SSPACE = 2048,
    FINALFUNC = @extschema@.quantile_sketch_state_final,
    COMBINEFUNC = @extschema@.quantile_sketch_state_combine,
    PARALLEL = SAFE);
CREATE AGGREGATE @extschema@.quantile_sketch_agg(value double precision, relative_accuracy double precision) (
    SFUNC = @extschema@.quantile_sketch_state_trans, STYPE = @extschema@.quantile_sketch, SSPACE = 2048,
    FINALFUNC = @extschema@.quantile_sketch_state_final,
    COMBINEFUNC = @extschema@.quantile_sketch_state_combine,
    PARALLEL = SAFE);
CREATE AGGREGATE @extschema@.rollup(@extschema@.quantile_sketch) (
    SFUNC = @extschema@.quantile_sketch_state_rollup, STYPE = @extschema@.quantile_sketch, SSPACE = 2048,
    FINALFUNC = @extschema@.quantile_sketch_state_final,
    COMBINEFUNC = @extschema@.quantile_sketch_state_combine,
    PARALLEL = SAFE);

COMMENT ON AGGREGATE @extschema@.quantile_sketch_agg(double precision) IS
    'Quantile sketch of the values with relative accuracy 0.01; NULLs skipped, NaN and infinity rejected';
COMMENT ON AGGREGATE @extschema@.quantile_sketch_agg(double precision, double precision) IS
    'Quantile sketch of the values with the given relative accuracy (the same for every row)';
COMMENT ON AGGREGATE @extschema@.rollup(@extschema@.quantile_sketch) IS
    'Merges stored quantile sketches into one (exact, in any order)';
