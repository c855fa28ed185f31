-- ---------------------------------------------------------------------------
-- The cohort summary type
-- ---------------------------------------------------------------------------

CREATE TYPE @extschema@.cohort;

CREATE FUNCTION @extschema@.cohort_in(cstring) RETURNS @extschema@.cohort
    AS 'MODULE_PATHNAME', 'cohort_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.cohort_out(@extschema@.cohort) RETURNS cstring
    AS 'MODULE_PATHNAME', 'cohort_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.cohort_recv(internal) RETURNS @extschema@.cohort
    AS 'MODULE_PATHNAME', 'cohort_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.cohort_send(@extschema@.cohort) RETURNS bytea
    AS 'MODULE_PATHNAME', 'cohort_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE @extschema@.cohort (
    INPUT = @extschema@.cohort_in,
    OUTPUT = @extschema@.cohort_out,
    RECEIVE = @extschema@.cohort_recv,
    SEND = @extschema@.cohort_send,
    INTERNALLENGTH = VARIABLE,
    ALIGNMENT = double,
    STORAGE = main
);

COMMENT ON TYPE @extschema@.cohort IS
    'Mergeable summary of a group of units: unit count, completion and churn outcomes, value moments and covariate co-moments (format version 1; version 2 is the running state of its aggregates)';
COMMENT ON FUNCTION @extschema@.cohort_in(cstring) IS 'Text input of cohort';
COMMENT ON FUNCTION @extschema@.cohort_out(@extschema@.cohort) IS 'Text output of cohort (exact, shortest round-trip floats)';
COMMENT ON FUNCTION @extschema@.cohort_recv(internal) IS 'Binary input of cohort, with every field validated';
COMMENT ON FUNCTION @extschema@.cohort_send(@extschema@.cohort) IS 'Binary output of cohort';

-- jsonb cast
CREATE FUNCTION @extschema@.cohort_to_jsonb(@extschema@.cohort) RETURNS jsonb
    AS 'MODULE_PATHNAME', 'cohort_to_jsonb' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.cohort_to_jsonb(@extschema@.cohort) IS
    'The cohort as a jsonb object with counts, rates and moments';
CREATE CAST (@extschema@.cohort AS jsonb)
    WITH FUNCTION @extschema@.cohort_to_jsonb(@extschema@.cohort);
COMMENT ON CAST (@extschema@.cohort AS jsonb) IS
    'The cohort as a jsonb object (see cohort_to_jsonb)';

-- construction from warehouse counts
CREATE FUNCTION @extschema@.cohort_from_counts(
    units bigint, completions bigint, churns bigint DEFAULT 0,
    value_sum double precision DEFAULT NULL,
    value_sum_sq double precision DEFAULT NULL)
RETURNS @extschema@.cohort
    AS 'MODULE_PATHNAME', 'cohort_from_counts' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.cohort_from_counts(bigint, bigint, bigint, double precision, double precision) IS
    'Cohort from pre-aggregated counts; value moments from the sum and sum of squares over all units';

-- merging
CREATE FUNCTION @extschema@.cohort_plus(@extschema@.cohort, @extschema@.cohort) RETURNS @extschema@.cohort
    AS 'MODULE_PATHNAME', 'cohort_plus' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.cohort_plus(@extschema@.cohort, @extschema@.cohort) IS
    'Merges two cohorts into the summary of their union';
CREATE OPERATOR @extschema@.+ (
    LEFTARG = @extschema@.cohort, RIGHTARG = @extschema@.cohort,
    FUNCTION = @extschema@.cohort_plus, COMMUTATOR = OPERATOR(@extschema@.+)
);
COMMENT ON OPERATOR @extschema@.+ (@extschema@.cohort, @extschema@.cohort) IS
    'Merges two cohorts';

CREATE FUNCTION @extschema@.cohort_eq(@extschema@.cohort, @extschema@.cohort) RETURNS boolean
    AS 'MODULE_PATHNAME', 'cohort_eq' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.cohort_eq(@extschema@.cohort, @extschema@.cohort) IS
    'True when two cohorts are bit-for-bit identical';
CREATE OPERATOR @extschema@.= (
    LEFTARG = @extschema@.cohort, RIGHTARG = @extschema@.cohort,
    FUNCTION = @extschema@.cohort_eq, COMMUTATOR = OPERATOR(@extschema@.=)
);
COMMENT ON OPERATOR @extschema@.= (@extschema@.cohort, @extschema@.cohort) IS
    'Bit-for-bit identical cohorts';

-- accessors
CREATE FUNCTION @extschema@.units(@extschema@.cohort) RETURNS bigint
    AS 'MODULE_PATHNAME', 'cohort_units' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.completions(@extschema@.cohort) RETURNS bigint
    AS 'MODULE_PATHNAME', 'cohort_completions' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.completion_known(@extschema@.cohort) RETURNS bigint
    AS 'MODULE_PATHNAME', 'cohort_completion_known' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.completion_rate(@extschema@.cohort) RETURNS double precision
    AS 'MODULE_PATHNAME', 'cohort_completion_rate' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.churns(@extschema@.cohort) RETURNS bigint
    AS 'MODULE_PATHNAME', 'cohort_churns' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.churn_known(@extschema@.cohort) RETURNS bigint
    AS 'MODULE_PATHNAME', 'cohort_churn_known' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.churn_rate(@extschema@.cohort) RETURNS double precision
    AS 'MODULE_PATHNAME', 'cohort_churn_rate' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.value_count(@extschema@.cohort) RETURNS bigint
    AS 'MODULE_PATHNAME', 'cohort_value_count' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.value_sum(@extschema@.cohort) RETURNS double precision
    AS 'MODULE_PATHNAME', 'cohort_value_sum' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.value_mean(@extschema@.cohort) RETURNS double precision
    AS 'MODULE_PATHNAME', 'cohort_value_mean' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.value_variance(@extschema@.cohort) RETURNS double precision
    AS 'MODULE_PATHNAME', 'cohort_value_variance' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.value_stddev(@extschema@.cohort) RETURNS double precision
    AS 'MODULE_PATHNAME', 'cohort_value_stddev' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.covariate_count(@extschema@.cohort) RETURNS bigint
    AS 'MODULE_PATHNAME', 'cohort_covariate_count' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.covariate_mean(@extschema@.cohort) RETURNS double precision
    AS 'MODULE_PATHNAME', 'cohort_covariate_mean' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.value_covariate_corr(@extschema@.cohort) RETURNS double precision
    AS 'MODULE_PATHNAME', 'cohort_value_covariate_corr' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.units(@extschema@.cohort) IS 'Number of units (rows) summarized';
COMMENT ON FUNCTION @extschema@.completions(@extschema@.cohort) IS 'Units whose completed outcome is true';
COMMENT ON FUNCTION @extschema@.completion_known(@extschema@.cohort) IS 'Units whose completed outcome is not NULL';
COMMENT ON FUNCTION @extschema@.completion_rate(@extschema@.cohort) IS 'completions / completion_known; NULL when no outcome is known';
COMMENT ON FUNCTION @extschema@.churns(@extschema@.cohort) IS 'Units whose churned outcome is true';
COMMENT ON FUNCTION @extschema@.churn_known(@extschema@.cohort) IS 'Units whose churned outcome is not NULL';
COMMENT ON FUNCTION @extschema@.churn_rate(@extschema@.cohort) IS 'churns / churn_known; NULL when no outcome is known';
COMMENT ON FUNCTION @extschema@.value_count(@extschema@.cohort) IS 'Units with a non-NULL value';
COMMENT ON FUNCTION @extschema@.value_sum(@extschema@.cohort) IS 'Sum of the values (mean times count); NULL without values';
COMMENT ON FUNCTION @extschema@.value_mean(@extschema@.cohort) IS 'Mean of the values; NULL without values';
COMMENT ON FUNCTION @extschema@.value_variance(@extschema@.cohort) IS 'Sample variance of the values; NULL with fewer than two';
COMMENT ON FUNCTION @extschema@.value_stddev(@extschema@.cohort) IS 'Sample standard deviation of the values; NULL with fewer than two';
COMMENT ON FUNCTION @extschema@.covariate_count(@extschema@.cohort) IS 'Units with both a value and a covariate';
COMMENT ON FUNCTION @extschema@.covariate_mean(@extschema@.cohort) IS 'Mean of the covariate over units with both value and covariate';
COMMENT ON FUNCTION @extschema@.value_covariate_corr(@extschema@.cohort) IS 'Pearson correlation of value and covariate; NULL when undefined';

-- ---------------------------------------------------------------------------
-- Aggregates
-- ---------------------------------------------------------------------------

CREATE FUNCTION @extschema@.cohort_agg_trans(internal, boolean) RETURNS internal
    AS 'MODULE_PATHNAME', 'cohort_agg_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.cohort_agg_trans(internal, boolean, boolean) RETURNS internal
    AS 'MODULE_PATHNAME', 'cohort_agg_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.cohort_agg_trans(internal, boolean, boolean, double precision) RETURNS internal
    AS 'MODULE_PATHNAME', 'cohort_agg_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.cohort_agg_trans(internal, boolean, boolean, double precision, double precision) RETURNS internal
    AS 'MODULE_PATHNAME', 'cohort_agg_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.cohort_agg_inverse(internal, boolean) RETURNS internal
    AS 'MODULE_PATHNAME', 'cohort_agg_inverse' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.cohort_agg_inverse(internal, boolean, boolean) RETURNS internal
    AS 'MODULE_PATHNAME', 'cohort_agg_inverse' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.cohort_agg_inverse(internal, boolean, boolean, double precision) RETURNS internal
    AS 'MODULE_PATHNAME', 'cohort_agg_inverse' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.cohort_agg_inverse(internal, boolean, boolean, double precision, double precision) RETURNS internal
    AS 'MODULE_PATHNAME', 'cohort_agg_inverse' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.cohort_rollup_trans(internal, @extschema@.cohort) RETURNS internal
    AS 'MODULE_PATHNAME', 'cohort_rollup_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.cohort_rollup_inverse(internal, @extschema@.cohort) RETURNS internal
    AS 'MODULE_PATHNAME', 'cohort_rollup_inverse' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.cohort_agg_final(internal) RETURNS @extschema@.cohort
    AS 'MODULE_PATHNAME', 'cohort_agg_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.cohort_agg_trans(internal, boolean) IS 'Transition function of cohort_agg in moving windows';
COMMENT ON FUNCTION @extschema@.cohort_agg_trans(internal, boolean, boolean) IS 'Transition function of cohort_agg in moving windows';
COMMENT ON FUNCTION @extschema@.cohort_agg_trans(internal, boolean, boolean, double precision) IS 'Transition function of cohort_agg in moving windows';
COMMENT ON FUNCTION @extschema@.cohort_agg_trans(internal, boolean, boolean, double precision, double precision) IS 'Transition function of cohort_agg in moving windows';
COMMENT ON FUNCTION @extschema@.cohort_agg_inverse(internal, boolean) IS 'Inverse transition function of cohort_agg (moving windows)';
COMMENT ON FUNCTION @extschema@.cohort_agg_inverse(internal, boolean, boolean) IS 'Inverse transition function of cohort_agg (moving windows)';
COMMENT ON FUNCTION @extschema@.cohort_agg_inverse(internal, boolean, boolean, double precision) IS 'Inverse transition function of cohort_agg (moving windows)';
COMMENT ON FUNCTION @extschema@.cohort_agg_inverse(internal, boolean, boolean, double precision, double precision) IS 'Inverse transition function of cohort_agg (moving windows)';
COMMENT ON FUNCTION @extschema@.cohort_rollup_trans(internal, @extschema@.cohort) IS 'Transition function of rollup(cohort) in moving windows';
COMMENT ON FUNCTION @extschema@.cohort_rollup_inverse(internal, @extschema@.cohort) IS 'Inverse transition function of rollup(cohort) (moving windows)';
COMMENT ON FUNCTION @extschema@.cohort_agg_final(internal) IS 'Final function of the cohort aggregates in moving windows';

-- the aggregates' state is a cohort value (format version 2), which Citus
-- can ship between nodes; moving windows keep an internal state
CREATE FUNCTION @extschema@.cohort_state_trans(@extschema@.cohort, boolean) RETURNS @extschema@.cohort
    AS 'MODULE_PATHNAME', 'cohort_state_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.cohort_state_trans(@extschema@.cohort, boolean, boolean) RETURNS @extschema@.cohort
    AS 'MODULE_PATHNAME', 'cohort_state_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.cohort_state_trans(@extschema@.cohort, boolean, boolean, double precision) RETURNS @extschema@.cohort
    AS 'MODULE_PATHNAME', 'cohort_state_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.cohort_state_trans(@extschema@.cohort, boolean, boolean, double precision, double precision) RETURNS @extschema@.cohort
    AS 'MODULE_PATHNAME', 'cohort_state_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.cohort_state_rollup(@extschema@.cohort, @extschema@.cohort) RETURNS @extschema@.cohort
    AS 'MODULE_PATHNAME', 'cohort_state_rollup' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.cohort_state_combine(@extschema@.cohort, @extschema@.cohort) RETURNS @extschema@.cohort
    AS 'MODULE_PATHNAME', 'cohort_state_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.cohort_state_final(@extschema@.cohort) RETURNS @extschema@.cohort
    AS 'MODULE_PATHNAME', 'cohort_state_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.cohort_state_trans(@extschema@.cohort, boolean) IS 'Transition function of cohort_agg (state: a cohort of format version 2)';
COMMENT ON FUNCTION @extschema@.cohort_state_trans(@extschema@.cohort, boolean, boolean) IS 'Transition function of cohort_agg (state: a cohort of format version 2)';
COMMENT ON FUNCTION @extschema@.cohort_state_trans(@extschema@.cohort, boolean, boolean, double precision) IS 'Transition function of cohort_agg (state: a cohort of format version 2)';
COMMENT ON FUNCTION @extschema@.cohort_state_trans(@extschema@.cohort, boolean, boolean, double precision, double precision) IS 'Transition function of cohort_agg (state: a cohort of format version 2)';
COMMENT ON FUNCTION @extschema@.cohort_state_rollup(@extschema@.cohort, @extschema@.cohort) IS 'Transition function of rollup(cohort)';
COMMENT ON FUNCTION @extschema@.cohort_state_combine(@extschema@.cohort, @extschema@.cohort) IS 'Combine function of the cohort aggregates (parallel query, Citus)';
COMMENT ON FUNCTION @extschema@.cohort_state_final(@extschema@.cohort) IS 'Final function of the cohort aggregates: the summary (format version 1) a state stands for';

CREATE AGGREGATE @extschema@.cohort_agg(completed boolean) (
    SFUNC = @extschema@.cohort_state_trans, STYPE = @extschema@.cohort, SSPACE = 136,
    FINALFUNC = @extschema@.cohort_state_final,
    COMBINEFUNC = @extschema@.cohort_state_combine,
    MSFUNC = @extschema@.cohort_agg_trans, MINVFUNC = @extschema@.cohort_agg_inverse,
    MSTYPE = internal, MSSPACE = 112, MFINALFUNC = @extschema@.cohort_agg_final,
    PARALLEL = SAFE);
CREATE AGGREGATE @extschema@.cohort_agg(completed boolean, churned boolean) (
    SFUNC = @extschema@.cohort_state_trans, STYPE = @extschema@.cohort, SSPACE = 136,
    FINALFUNC = @extschema@.cohort_state_final,
    COMBINEFUNC = @extschema@.cohort_state_combine,
    MSFUNC = @extschema@.cohort_agg_trans, MINVFUNC = @extschema@.cohort_agg_inverse,
    MSTYPE = internal, MSSPACE = 112, MFINALFUNC = @extschema@.cohort_agg_final,
    PARALLEL = SAFE);
CREATE AGGREGATE @extschema@.cohort_agg(completed boolean, churned boolean, value double precision) (
    SFUNC = @extschema@.cohort_state_trans, STYPE = @extschema@.cohort, SSPACE = 136,
    FINALFUNC = @extschema@.cohort_state_final,
    COMBINEFUNC = @extschema@.cohort_state_combine,
    MSFUNC = @extschema@.cohort_agg_trans, MINVFUNC = @extschema@.cohort_agg_inverse,
    MSTYPE = internal, MSSPACE = 112, MFINALFUNC = @extschema@.cohort_agg_final,
    PARALLEL = SAFE);
CREATE AGGREGATE @extschema@.cohort_agg(completed boolean, churned boolean, value double precision, covariate double precision) (
    SFUNC = @extschema@.cohort_state_trans, STYPE = @extschema@.cohort, SSPACE = 136,
    FINALFUNC = @extschema@.cohort_state_final,
    COMBINEFUNC = @extschema@.cohort_state_combine,
    MSFUNC = @extschema@.cohort_agg_trans, MINVFUNC = @extschema@.cohort_agg_inverse,
    MSTYPE = internal, MSSPACE = 112, MFINALFUNC = @extschema@.cohort_agg_final,
    PARALLEL = SAFE);
CREATE AGGREGATE @extschema@.rollup(@extschema@.cohort) (
    SFUNC = @extschema@.cohort_state_rollup, STYPE = @extschema@.cohort, SSPACE = 136,
    FINALFUNC = @extschema@.cohort_state_final,
    COMBINEFUNC = @extschema@.cohort_state_combine,
    MSFUNC = @extschema@.cohort_rollup_trans, MINVFUNC = @extschema@.cohort_rollup_inverse,
    MSTYPE = internal, MSSPACE = 112, MFINALFUNC = @extschema@.cohort_agg_final,
    PARALLEL = SAFE);

COMMENT ON AGGREGATE @extschema@.cohort_agg(boolean) IS
    'Cohort summary of units (one row per unit) with a completion outcome';
COMMENT ON AGGREGATE @extschema@.cohort_agg(boolean, boolean) IS
    'Cohort summary of units with completion and churn outcomes';
COMMENT ON AGGREGATE @extschema@.cohort_agg(boolean, boolean, double precision) IS
    'Cohort summary of units with completion and churn outcomes and a numeric value (e.g. revenue)';
COMMENT ON AGGREGATE @extschema@.cohort_agg(boolean, boolean, double precision, double precision) IS
    'Cohort summary of units with outcomes, a value and a pre-period covariate for CUPED';
COMMENT ON AGGREGATE @extschema@.rollup(@extschema@.cohort) IS
    'Merges stored cohort summaries into one';
