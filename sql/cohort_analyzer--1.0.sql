-- cohort_analyzer 1.0 install script, as released.  Frozen: never edit it;
-- changes go into the next version's upgrade script.

\echo Use "CREATE EXTENSION cohort_analyzer" to load this file. \quit
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
    'Mergeable summary of a group of units: unit count, completion and churn outcomes, value moments and covariate co-moments (format version 1)';
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
CREATE FUNCTION @extschema@.cohort_agg_combine(internal, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'cohort_agg_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.cohort_agg_serialize(internal) RETURNS bytea
    AS 'MODULE_PATHNAME', 'cohort_agg_serialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.cohort_agg_deserialize(bytea, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'cohort_agg_deserialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.cohort_agg_final(internal) RETURNS @extschema@.cohort
    AS 'MODULE_PATHNAME', 'cohort_agg_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.cohort_agg_trans(internal, boolean) IS 'Transition function of cohort_agg';
COMMENT ON FUNCTION @extschema@.cohort_agg_trans(internal, boolean, boolean) IS 'Transition function of cohort_agg';
COMMENT ON FUNCTION @extschema@.cohort_agg_trans(internal, boolean, boolean, double precision) IS 'Transition function of cohort_agg';
COMMENT ON FUNCTION @extschema@.cohort_agg_trans(internal, boolean, boolean, double precision, double precision) IS 'Transition function of cohort_agg';
COMMENT ON FUNCTION @extschema@.cohort_agg_inverse(internal, boolean) IS 'Inverse transition function of cohort_agg (moving windows)';
COMMENT ON FUNCTION @extschema@.cohort_agg_inverse(internal, boolean, boolean) IS 'Inverse transition function of cohort_agg (moving windows)';
COMMENT ON FUNCTION @extschema@.cohort_agg_inverse(internal, boolean, boolean, double precision) IS 'Inverse transition function of cohort_agg (moving windows)';
COMMENT ON FUNCTION @extschema@.cohort_agg_inverse(internal, boolean, boolean, double precision, double precision) IS 'Inverse transition function of cohort_agg (moving windows)';
COMMENT ON FUNCTION @extschema@.cohort_rollup_trans(internal, @extschema@.cohort) IS 'Transition function of rollup(cohort)';
COMMENT ON FUNCTION @extschema@.cohort_rollup_inverse(internal, @extschema@.cohort) IS 'Inverse transition function of rollup(cohort) (moving windows)';
COMMENT ON FUNCTION @extschema@.cohort_agg_combine(internal, internal) IS 'Combine function of the cohort aggregates (parallel query)';
COMMENT ON FUNCTION @extschema@.cohort_agg_serialize(internal) IS 'Serialize function of the cohort aggregates (parallel query)';
COMMENT ON FUNCTION @extschema@.cohort_agg_deserialize(bytea, internal) IS 'Deserialize function of the cohort aggregates (parallel query)';
COMMENT ON FUNCTION @extschema@.cohort_agg_final(internal) IS 'Final function of the cohort aggregates';

CREATE AGGREGATE @extschema@.cohort_agg(completed boolean) (
    SFUNC = @extschema@.cohort_agg_trans, STYPE = internal, SSPACE = 112,
    FINALFUNC = @extschema@.cohort_agg_final,
    COMBINEFUNC = @extschema@.cohort_agg_combine,
    SERIALFUNC = @extschema@.cohort_agg_serialize,
    DESERIALFUNC = @extschema@.cohort_agg_deserialize,
    MSFUNC = @extschema@.cohort_agg_trans, MINVFUNC = @extschema@.cohort_agg_inverse,
    MSTYPE = internal, MSSPACE = 112, MFINALFUNC = @extschema@.cohort_agg_final,
    PARALLEL = SAFE);
CREATE AGGREGATE @extschema@.cohort_agg(completed boolean, churned boolean) (
    SFUNC = @extschema@.cohort_agg_trans, STYPE = internal, SSPACE = 112,
    FINALFUNC = @extschema@.cohort_agg_final,
    COMBINEFUNC = @extschema@.cohort_agg_combine,
    SERIALFUNC = @extschema@.cohort_agg_serialize,
    DESERIALFUNC = @extschema@.cohort_agg_deserialize,
    MSFUNC = @extschema@.cohort_agg_trans, MINVFUNC = @extschema@.cohort_agg_inverse,
    MSTYPE = internal, MSSPACE = 112, MFINALFUNC = @extschema@.cohort_agg_final,
    PARALLEL = SAFE);
CREATE AGGREGATE @extschema@.cohort_agg(completed boolean, churned boolean, value double precision) (
    SFUNC = @extschema@.cohort_agg_trans, STYPE = internal, SSPACE = 112,
    FINALFUNC = @extschema@.cohort_agg_final,
    COMBINEFUNC = @extschema@.cohort_agg_combine,
    SERIALFUNC = @extschema@.cohort_agg_serialize,
    DESERIALFUNC = @extschema@.cohort_agg_deserialize,
    MSFUNC = @extschema@.cohort_agg_trans, MINVFUNC = @extschema@.cohort_agg_inverse,
    MSTYPE = internal, MSSPACE = 112, MFINALFUNC = @extschema@.cohort_agg_final,
    PARALLEL = SAFE);
CREATE AGGREGATE @extschema@.cohort_agg(completed boolean, churned boolean, value double precision, covariate double precision) (
    SFUNC = @extschema@.cohort_agg_trans, STYPE = internal, SSPACE = 112,
    FINALFUNC = @extschema@.cohort_agg_final,
    COMBINEFUNC = @extschema@.cohort_agg_combine,
    SERIALFUNC = @extschema@.cohort_agg_serialize,
    DESERIALFUNC = @extschema@.cohort_agg_deserialize,
    MSFUNC = @extschema@.cohort_agg_trans, MINVFUNC = @extschema@.cohort_agg_inverse,
    MSTYPE = internal, MSSPACE = 112, MFINALFUNC = @extschema@.cohort_agg_final,
    PARALLEL = SAFE);
CREATE AGGREGATE @extschema@.rollup(@extschema@.cohort) (
    SFUNC = @extschema@.cohort_rollup_trans, STYPE = internal, SSPACE = 112,
    FINALFUNC = @extschema@.cohort_agg_final,
    COMBINEFUNC = @extschema@.cohort_agg_combine,
    SERIALFUNC = @extschema@.cohort_agg_serialize,
    DESERIALFUNC = @extschema@.cohort_agg_deserialize,
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
-- ---------------------------------------------------------------------------
-- Statistics from cohort summaries (doc/statistics.md)
-- ---------------------------------------------------------------------------

CREATE TYPE @extschema@.cohort_comparison AS (
    metric text,
    method text,
    control_estimate double precision,
    treatment_estimate double precision,
    difference double precision,
    difference_low double precision,
    difference_high double precision,
    relative_lift double precision,
    relative_lift_low double precision,
    relative_lift_high double precision,
    statistic double precision,
    df double precision,
    p_value double precision,
    significant boolean
);
COMMENT ON TYPE @extschema@.cohort_comparison IS
    'Treatment versus control on one metric: estimates, difference and relative lift with their intervals, test statistic, degrees of freedom, p-value';

CREATE TYPE @extschema@.rate_interval AS (low double precision, high double precision);
COMMENT ON TYPE @extschema@.rate_interval IS 'Confidence interval of a rate';

CREATE FUNCTION @extschema@.compare_cohorts(
    control @extschema@.cohort, treatment @extschema@.cohort,
    metric text DEFAULT 'completion', alpha double precision DEFAULT 0.05,
    alternative text DEFAULT 'two-sided')
RETURNS @extschema@.cohort_comparison
    AS 'MODULE_PATHNAME', 'stats_compare_cohorts' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.compare_cohorts(@extschema@.cohort, @extschema@.cohort, text, double precision, text) IS
    'Fixed-horizon comparison: two-proportion z-test (completion, churn), Welch t-test (value), CUPED Welch t-test (value_cuped)';

CREATE FUNCTION @extschema@.compare_cohorts_sequential(
    control @extschema@.cohort, treatment @extschema@.cohort,
    metric text DEFAULT 'completion', alpha double precision DEFAULT 0.05,
    tuning double precision DEFAULT 5000)
RETURNS @extschema@.cohort_comparison
    AS 'MODULE_PATHNAME', 'stats_compare_cohorts_sequential' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.compare_cohorts_sequential(@extschema@.cohort, @extschema@.cohort, text, double precision, double precision) IS
    'Always-valid comparison (asymptotic confidence sequence), safe to evaluate at every checkpoint';

CREATE FUNCTION @extschema@.chance_to_beat(
    control @extschema@.cohort, treatment @extschema@.cohort,
    metric text DEFAULT 'completion')
RETURNS double precision
    AS 'MODULE_PATHNAME', 'stats_chance_to_beat' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.chance_to_beat(@extschema@.cohort, @extschema@.cohort, text) IS
    'Posterior probability that the treatment is better (exact Beta posteriors for rates; lower churn is better)';

CREATE FUNCTION @extschema@.rate_ci(
    successes bigint, trials bigint, level double precision DEFAULT 0.95,
    method text DEFAULT 'wilson')
RETURNS @extschema@.rate_interval
    AS 'MODULE_PATHNAME', 'stats_rate_ci' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.rate_ci(bigint, bigint, double precision, text) IS
    'Confidence interval of successes / trials: wilson, clopper_pearson, agresti_coull or jeffreys';

CREATE FUNCTION @extschema@.completion_ci(
    summary @extschema@.cohort, level double precision DEFAULT 0.95,
    method text DEFAULT 'wilson')
RETURNS @extschema@.rate_interval
    AS 'MODULE_PATHNAME', 'stats_completion_ci' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.completion_ci(@extschema@.cohort, double precision, text) IS
    'Confidence interval of the completion rate of a cohort';

CREATE FUNCTION @extschema@.churn_ci(
    summary @extschema@.cohort, level double precision DEFAULT 0.95,
    method text DEFAULT 'wilson')
RETURNS @extschema@.rate_interval
    AS 'MODULE_PATHNAME', 'stats_churn_ci' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.churn_ci(@extschema@.cohort, double precision, text) IS
    'Confidence interval of the churn rate of a cohort';

CREATE FUNCTION @extschema@.srm_test(observed bigint[], expected_share double precision[])
RETURNS double precision
    AS 'MODULE_PATHNAME', 'stats_srm_test' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.srm_test(bigint[], double precision[]) IS
    'Sample ratio mismatch: p-value of the chi-square goodness-of-fit test of the counts to the configured shares';

CREATE FUNCTION @extschema@.srm_test(control_units bigint, treatment_units bigint,
                                     treatment_share double precision)
RETURNS double precision
    AS 'MODULE_PATHNAME', 'stats_srm_test_pair' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.srm_test(bigint, bigint, double precision) IS
    'Sample ratio mismatch of a two-arm split with the given treatment share';

CREATE FUNCTION @extschema@.p_adjust(p double precision[], method text)
RETURNS double precision[]
    AS 'MODULE_PATHNAME', 'stats_p_adjust' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.p_adjust(double precision[], text) IS
    'Adjusted p-values as R''s p.adjust: holm, hochberg, bonferroni, BH (fdr), BY';

CREATE FUNCTION @extschema@.sample_size_proportions(
    p1 double precision, p2 double precision,
    alpha double precision DEFAULT 0.05, power double precision DEFAULT 0.8)
RETURNS double precision
    AS 'MODULE_PATHNAME', 'stats_sample_size_proportions' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.sample_size_proportions(double precision, double precision, double precision, double precision) IS
    'Units per arm to detect p1 versus p2 with a two-sided two-proportion test, as power.prop.test computes n';
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

CREATE FUNCTION @extschema@.quantile_sketch_agg_trans(internal, double precision) RETURNS internal
    AS 'MODULE_PATHNAME', 'quantile_sketch_agg_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.quantile_sketch_agg_trans(internal, double precision, double precision) RETURNS internal
    AS 'MODULE_PATHNAME', 'quantile_sketch_agg_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.quantile_sketch_rollup_trans(internal, @extschema@.quantile_sketch) RETURNS internal
    AS 'MODULE_PATHNAME', 'quantile_sketch_rollup_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.quantile_sketch_agg_combine(internal, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'quantile_sketch_agg_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.quantile_sketch_agg_serialize(internal) RETURNS bytea
    AS 'MODULE_PATHNAME', 'quantile_sketch_agg_serialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.quantile_sketch_agg_deserialize(bytea, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'quantile_sketch_agg_deserialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.quantile_sketch_agg_final(internal) RETURNS @extschema@.quantile_sketch
    AS 'MODULE_PATHNAME', 'quantile_sketch_agg_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.quantile_sketch_agg_trans(internal, double precision) IS 'Transition function of quantile_sketch_agg';
COMMENT ON FUNCTION @extschema@.quantile_sketch_agg_trans(internal, double precision, double precision) IS 'Transition function of quantile_sketch_agg';
COMMENT ON FUNCTION @extschema@.quantile_sketch_rollup_trans(internal, @extschema@.quantile_sketch) IS 'Transition function of rollup(quantile_sketch)';
COMMENT ON FUNCTION @extschema@.quantile_sketch_agg_combine(internal, internal) IS 'Combine function of the quantile sketch aggregates (parallel query)';
COMMENT ON FUNCTION @extschema@.quantile_sketch_agg_serialize(internal) IS 'Serialize function of the quantile sketch aggregates (parallel query)';
COMMENT ON FUNCTION @extschema@.quantile_sketch_agg_deserialize(bytea, internal) IS 'Deserialize function of the quantile sketch aggregates (parallel query)';
COMMENT ON FUNCTION @extschema@.quantile_sketch_agg_final(internal) IS 'Final function of the quantile sketch aggregates';

CREATE AGGREGATE @extschema@.quantile_sketch_agg(value double precision) (
    SFUNC = @extschema@.quantile_sketch_agg_trans, STYPE = internal, SSPACE = 2048,
    FINALFUNC = @extschema@.quantile_sketch_agg_final,
    COMBINEFUNC = @extschema@.quantile_sketch_agg_combine,
    SERIALFUNC = @extschema@.quantile_sketch_agg_serialize,
    DESERIALFUNC = @extschema@.quantile_sketch_agg_deserialize,
    PARALLEL = SAFE);
CREATE AGGREGATE @extschema@.quantile_sketch_agg(value double precision, relative_accuracy double precision) (
    SFUNC = @extschema@.quantile_sketch_agg_trans, STYPE = internal, SSPACE = 2048,
    FINALFUNC = @extschema@.quantile_sketch_agg_final,
    COMBINEFUNC = @extschema@.quantile_sketch_agg_combine,
    SERIALFUNC = @extschema@.quantile_sketch_agg_serialize,
    DESERIALFUNC = @extschema@.quantile_sketch_agg_deserialize,
    PARALLEL = SAFE);
CREATE AGGREGATE @extschema@.rollup(@extschema@.quantile_sketch) (
    SFUNC = @extschema@.quantile_sketch_rollup_trans, STYPE = internal, SSPACE = 2048,
    FINALFUNC = @extschema@.quantile_sketch_agg_final,
    COMBINEFUNC = @extschema@.quantile_sketch_agg_combine,
    SERIALFUNC = @extschema@.quantile_sketch_agg_serialize,
    DESERIALFUNC = @extschema@.quantile_sketch_agg_deserialize,
    PARALLEL = SAFE);

COMMENT ON AGGREGATE @extschema@.quantile_sketch_agg(double precision) IS
    'Quantile sketch of the values with relative accuracy 0.01; NULLs skipped, NaN and infinity rejected';
COMMENT ON AGGREGATE @extschema@.quantile_sketch_agg(double precision, double precision) IS
    'Quantile sketch of the values with the given relative accuracy (the same for every row)';
COMMENT ON AGGREGATE @extschema@.rollup(@extschema@.quantile_sketch) IS
    'Merges stored quantile sketches into one (exact, in any order)';
-- ---------------------------------------------------------------------------
-- Calendar periods (ICU)
-- ---------------------------------------------------------------------------

-- STABLE, not IMMUTABLE: tz NULL means the session's TimeZone, and ICU's
-- calendar data changes with the ICU version.
CREATE FUNCTION @extschema@.cohort_period(
    ts timestamptz, unit text, locale text DEFAULT NULL, tz text DEFAULT NULL)
RETURNS timestamptz
    AS 'MODULE_PATHNAME', 'ca_cohort_period' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.cohort_period(timestamptz, text, text, text) IS
    'Start of the day, week, month, quarter or year containing ts in time zone tz (default: TimeZone), with the calendar and first day of the week of an ICU locale; locale NULL agrees with date_trunc (ISO weeks)';

CREATE FUNCTION @extschema@.periods_between(
    origin timestamptz, ts timestamptz, unit text,
    locale text DEFAULT NULL, tz text DEFAULT NULL)
RETURNS integer
    AS 'MODULE_PATHNAME', 'ca_periods_between' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.periods_between(timestamptz, timestamptz, text, text, text) IS
    'Whole periods of the locale''s calendar from the period containing origin to the period containing ts (negative when ts lies in an earlier period)';
-- ---------------------------------------------------------------------------
-- Retention and churn: the activity and retention types
-- ---------------------------------------------------------------------------

CREATE TYPE @extschema@.activity;

CREATE FUNCTION @extschema@.activity_in(cstring) RETURNS @extschema@.activity
    AS 'MODULE_PATHNAME', 'ca_activity_in' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.activity_out(@extschema@.activity) RETURNS cstring
    AS 'MODULE_PATHNAME', 'ca_activity_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.activity_recv(internal) RETURNS @extschema@.activity
    AS 'MODULE_PATHNAME', 'ca_activity_recv' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.activity_send(@extschema@.activity) RETURNS bytea
    AS 'MODULE_PATHNAME', 'ca_activity_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE @extschema@.activity (
    INPUT = @extschema@.activity_in,
    OUTPUT = @extschema@.activity_out,
    RECEIVE = @extschema@.activity_recv,
    SEND = @extschema@.activity_send,
    INTERNALLENGTH = VARIABLE,
    ALIGNMENT = int4,
    STORAGE = main
);

COMMENT ON TYPE @extschema@.activity IS
    'The periods after its origin in which one unit was active: origin, unit, number of periods, locale, time zone and one bit per period (format version 1)';
COMMENT ON FUNCTION @extschema@.activity_in(cstring) IS 'Text input of activity; checks the locale with ICU and the time zone';
COMMENT ON FUNCTION @extschema@.activity_out(@extschema@.activity) IS 'Text output of activity (exact)';
COMMENT ON FUNCTION @extschema@.activity_recv(internal) IS 'Binary input of activity, with every field validated';
COMMENT ON FUNCTION @extschema@.activity_send(@extschema@.activity) IS 'Binary output of activity';

CREATE FUNCTION @extschema@.active_periods(@extschema@.activity) RETURNS integer[]
    AS 'MODULE_PATHNAME', 'ca_activity_active_periods' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.active_periods(@extschema@.activity) IS
    'The periods (0 = the origin''s period) in which the unit was active, ascending';

CREATE TYPE @extschema@.retention;

CREATE FUNCTION @extschema@.retention_in(cstring) RETURNS @extschema@.retention
    AS 'MODULE_PATHNAME', 'ca_retention_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.retention_out(@extschema@.retention) RETURNS cstring
    AS 'MODULE_PATHNAME', 'ca_retention_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.retention_recv(internal) RETURNS @extschema@.retention
    AS 'MODULE_PATHNAME', 'ca_retention_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.retention_send(@extschema@.retention) RETURNS bytea
    AS 'MODULE_PATHNAME', 'ca_retention_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE @extschema@.retention (
    INPUT = @extschema@.retention_in,
    OUTPUT = @extschema@.retention_out,
    RECEIVE = @extschema@.retention_recv,
    SEND = @extschema@.retention_send,
    INTERNALLENGTH = VARIABLE,
    ALIGNMENT = double,
    STORAGE = extended
);

COMMENT ON TYPE @extschema@.retention IS
    'Mergeable retention of a cohort: its size and, per period, the units active in it, active in it or later, and eligible for it (format version 1)';
COMMENT ON FUNCTION @extschema@.retention_in(cstring) IS 'Text input of retention';
COMMENT ON FUNCTION @extschema@.retention_out(@extschema@.retention) IS 'Text output of retention (exact)';
COMMENT ON FUNCTION @extschema@.retention_recv(internal) IS 'Binary input of retention, with every field validated';
COMMENT ON FUNCTION @extschema@.retention_send(@extschema@.retention) IS 'Binary output of retention';

CREATE FUNCTION @extschema@.retention_to_jsonb(@extschema@.retention) RETURNS jsonb
    AS 'MODULE_PATHNAME', 'ca_retention_to_jsonb' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.retention_to_jsonb(@extschema@.retention) IS
    'The retention as a jsonb object with its counts and the rates of units active per period';
CREATE CAST (@extschema@.retention AS jsonb)
    WITH FUNCTION @extschema@.retention_to_jsonb(@extschema@.retention);
COMMENT ON CAST (@extschema@.retention AS jsonb) IS
    'The retention value as a jsonb object (see retention_to_jsonb)';

-- accessors
CREATE FUNCTION @extschema@.units(@extschema@.retention) RETURNS bigint
    AS 'MODULE_PATHNAME', 'ca_retention_units' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.units(@extschema@.retention) IS 'Cohort size: the units (activities) counted';

CREATE FUNCTION @extschema@.retention_counts(r @extschema@.retention, mode text DEFAULT 'on')
RETURNS bigint[]
    AS 'MODULE_PATHNAME', 'ca_retention_counts' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.retention_counts(@extschema@.retention, text) IS
    'Per period from 0: units active in it (mode ''on''), in it or later (''on_or_after'') or eligible for it (''eligible'')';

CREATE FUNCTION @extschema@.retention_rates(r @extschema@.retention, mode text DEFAULT 'on')
RETURNS double precision[]
    AS 'MODULE_PATHNAME', 'ca_retention_rates' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.retention_rates(@extschema@.retention, text) IS
    'Per period from 0: retention_counts(r, mode) over the eligible units; NULL where none is eligible';

CREATE FUNCTION @extschema@.churn_rate(r @extschema@.retention, period integer)
RETURNS double precision
    AS 'MODULE_PATHNAME', 'ca_retention_churn_rate' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.churn_rate(@extschema@.retention, integer) IS
    'Share of the units eligible for the period that were active neither in it nor later: 1 - on_or_after / eligible; NULL where none is eligible';

CREATE FUNCTION @extschema@.retention_table(r @extschema@.retention, mode text DEFAULT 'on')
RETURNS TABLE (period integer, units bigint, eligible bigint, active bigint, rate double precision)
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
AS $$
    -- the rates come from retention_rates, which accepts only 'on' and
    -- 'on_or_after' as mode
    SELECT (t.k - 1)::integer, @extschema@.units(r), t.e, t.a, t.rate
    FROM unnest(@extschema@.retention_counts(r, 'eligible'),
                @extschema@.retention_counts(r, mode),
                @extschema@.retention_rates(r, mode)) WITH ORDINALITY AS t(e, a, rate, k)
$$;
COMMENT ON FUNCTION @extschema@.retention_table(@extschema@.retention, text) IS
    'One row per period of a retention value: cohort size, eligible and active units and their rate; joined laterally to stored values it gives the cohort x period matrix';

-- ---------------------------------------------------------------------------
-- Aggregates
-- ---------------------------------------------------------------------------

CREATE FUNCTION @extschema@.activity_agg_trans(internal, timestamptz, timestamptz, text, integer)
RETURNS internal
    AS 'MODULE_PATHNAME', 'ca_activity_agg_trans' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.activity_agg_trans(internal, timestamptz, timestamptz, text, integer, text)
RETURNS internal
    AS 'MODULE_PATHNAME', 'ca_activity_agg_trans' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.activity_agg_combine(internal, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'ca_activity_agg_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.activity_agg_serialize(internal) RETURNS bytea
    AS 'MODULE_PATHNAME', 'ca_activity_agg_serialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.activity_agg_deserialize(bytea, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'ca_activity_agg_deserialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.activity_agg_final(internal) RETURNS @extschema@.activity
    AS 'MODULE_PATHNAME', 'ca_activity_agg_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.activity_agg_trans(internal, timestamptz, timestamptz, text, integer) IS 'Transition function of activity_agg';
COMMENT ON FUNCTION @extschema@.activity_agg_trans(internal, timestamptz, timestamptz, text, integer, text) IS 'Transition function of activity_agg with a locale';
COMMENT ON FUNCTION @extschema@.activity_agg_combine(internal, internal) IS 'Combine function of activity_agg (parallel query)';
COMMENT ON FUNCTION @extschema@.activity_agg_serialize(internal) IS 'Serialize function of activity_agg (parallel query)';
COMMENT ON FUNCTION @extschema@.activity_agg_deserialize(bytea, internal) IS 'Deserialize function of activity_agg (parallel query)';
COMMENT ON FUNCTION @extschema@.activity_agg_final(internal) IS 'Final function of activity_agg';

CREATE AGGREGATE @extschema@.activity_agg(origin timestamptz, activity timestamptz, unit text, periods integer) (
    SFUNC = @extschema@.activity_agg_trans, STYPE = internal,
    FINALFUNC = @extschema@.activity_agg_final,
    COMBINEFUNC = @extschema@.activity_agg_combine,
    SERIALFUNC = @extschema@.activity_agg_serialize,
    DESERIALFUNC = @extschema@.activity_agg_deserialize,
    PARALLEL = SAFE);
CREATE AGGREGATE @extschema@.activity_agg(origin timestamptz, activity timestamptz, unit text, periods integer, locale text) (
    SFUNC = @extschema@.activity_agg_trans, STYPE = internal,
    FINALFUNC = @extschema@.activity_agg_final,
    COMBINEFUNC = @extschema@.activity_agg_combine,
    SERIALFUNC = @extschema@.activity_agg_serialize,
    DESERIALFUNC = @extschema@.activity_agg_deserialize,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.activity_agg(timestamptz, timestamptz, text, integer) IS
    'Activity of one unit (one row per event): the periods 0 .. periods - 1 after its origin''s period, in ISO weeks and the session''s TimeZone, in which it was active';
COMMENT ON AGGREGATE @extschema@.activity_agg(timestamptz, timestamptz, text, integer, text) IS
    'Activity of one unit (one row per event), with the calendar and first day of the week of an ICU locale';

CREATE FUNCTION @extschema@.retention_agg_trans(internal, @extschema@.activity) RETURNS internal
    AS 'MODULE_PATHNAME', 'ca_retention_agg_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.retention_agg_trans(internal, @extschema@.activity, timestamptz) RETURNS internal
    AS 'MODULE_PATHNAME', 'ca_retention_agg_trans' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.retention_rollup_trans(internal, @extschema@.retention) RETURNS internal
    AS 'MODULE_PATHNAME', 'ca_retention_rollup_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.retention_agg_combine(internal, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'ca_retention_agg_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.retention_agg_serialize(internal) RETURNS bytea
    AS 'MODULE_PATHNAME', 'ca_retention_agg_serialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.retention_agg_deserialize(bytea, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'ca_retention_agg_deserialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.retention_agg_final(internal) RETURNS @extschema@.retention
    AS 'MODULE_PATHNAME', 'ca_retention_agg_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.retention_agg_trans(internal, @extschema@.activity) IS 'Transition function of retention_agg';
COMMENT ON FUNCTION @extschema@.retention_agg_trans(internal, @extschema@.activity, timestamptz) IS 'Transition function of retention_agg with a cutoff';
COMMENT ON FUNCTION @extschema@.retention_rollup_trans(internal, @extschema@.retention) IS 'Transition function of rollup(retention)';
COMMENT ON FUNCTION @extschema@.retention_agg_combine(internal, internal) IS 'Combine function of the retention aggregates (parallel query)';
COMMENT ON FUNCTION @extschema@.retention_agg_serialize(internal) IS 'Serialize function of the retention aggregates (parallel query)';
COMMENT ON FUNCTION @extschema@.retention_agg_deserialize(bytea, internal) IS 'Deserialize function of the retention aggregates (parallel query)';
COMMENT ON FUNCTION @extschema@.retention_agg_final(internal) IS 'Final function of the retention aggregates';

CREATE AGGREGATE @extschema@.retention_agg(@extschema@.activity) (
    SFUNC = @extschema@.retention_agg_trans, STYPE = internal,
    FINALFUNC = @extschema@.retention_agg_final,
    COMBINEFUNC = @extschema@.retention_agg_combine,
    SERIALFUNC = @extschema@.retention_agg_serialize,
    DESERIALFUNC = @extschema@.retention_agg_deserialize,
    PARALLEL = SAFE);
CREATE AGGREGATE @extschema@.retention_agg(@extschema@.activity, as_of timestamptz) (
    SFUNC = @extschema@.retention_agg_trans, STYPE = internal,
    FINALFUNC = @extschema@.retention_agg_final,
    COMBINEFUNC = @extschema@.retention_agg_combine,
    SERIALFUNC = @extschema@.retention_agg_serialize,
    DESERIALFUNC = @extschema@.retention_agg_deserialize,
    PARALLEL = SAFE);
CREATE AGGREGATE @extschema@.rollup(@extschema@.retention) (
    SFUNC = @extschema@.retention_rollup_trans, STYPE = internal,
    FINALFUNC = @extschema@.retention_agg_final,
    COMBINEFUNC = @extschema@.retention_agg_combine,
    SERIALFUNC = @extschema@.retention_agg_serialize,
    DESERIALFUNC = @extschema@.retention_agg_deserialize,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.retention_agg(@extschema@.activity) IS
    'Retention of a cohort from its units'' activities, every period counting for every unit';
COMMENT ON AGGREGATE @extschema@.retention_agg(@extschema@.activity, timestamptz) IS
    'Retention of a cohort, each unit eligible only for the periods that have ended by as_of';
COMMENT ON AGGREGATE @extschema@.rollup(@extschema@.retention) IS
    'Merges stored retention values of the same unit and number of periods';
-- ---------------------------------------------------------------------------
-- Survival analysis: Kaplan-Meier curves and the log-rank test
-- ---------------------------------------------------------------------------

CREATE TYPE @extschema@.survival;

CREATE FUNCTION @extschema@.survival_in(cstring) RETURNS @extschema@.survival
    AS 'MODULE_PATHNAME', 'survival_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.survival_out(@extschema@.survival) RETURNS cstring
    AS 'MODULE_PATHNAME', 'survival_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.survival_recv(internal) RETURNS @extschema@.survival
    AS 'MODULE_PATHNAME', 'survival_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.survival_send(@extschema@.survival) RETURNS bytea
    AS 'MODULE_PATHNAME', 'survival_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE @extschema@.survival (
    INPUT = @extschema@.survival_in,
    OUTPUT = @extschema@.survival_out,
    RECEIVE = @extschema@.survival_recv,
    SEND = @extschema@.survival_send,
    INTERNALLENGTH = VARIABLE,
    ALIGNMENT = double,
    STORAGE = extended
);

COMMENT ON TYPE @extschema@.survival IS
    'Right-censored durations: the distinct times with their event and censoring counts, mergeable (format version 1)';
COMMENT ON FUNCTION @extschema@.survival_in(cstring) IS 'Text input of survival';
COMMENT ON FUNCTION @extschema@.survival_out(@extschema@.survival) IS 'Text output of survival (exact, shortest round-trip times)';
COMMENT ON FUNCTION @extschema@.survival_recv(internal) IS 'Binary input of survival, with every field validated';
COMMENT ON FUNCTION @extschema@.survival_send(@extschema@.survival) IS 'Binary output of survival';

-- jsonb cast
CREATE FUNCTION @extschema@.survival_to_jsonb(@extschema@.survival) RETURNS jsonb
    AS 'MODULE_PATHNAME', 'survival_to_jsonb' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.survival_to_jsonb(@extschema@.survival) IS
    'The survival value as a jsonb object with totals and one entry per distinct time';
CREATE CAST (@extschema@.survival AS jsonb)
    WITH FUNCTION @extschema@.survival_to_jsonb(@extschema@.survival);
COMMENT ON CAST (@extschema@.survival AS jsonb) IS
    'The survival value as a jsonb object (see survival_to_jsonb)';

-- merging and equality
CREATE FUNCTION @extschema@.survival_plus(@extschema@.survival, @extschema@.survival)
RETURNS @extschema@.survival
    AS 'MODULE_PATHNAME', 'survival_plus' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.survival_plus(@extschema@.survival, @extschema@.survival) IS
    'Merges two survival values into the one of their union';
CREATE OPERATOR @extschema@.+ (
    LEFTARG = @extschema@.survival, RIGHTARG = @extschema@.survival,
    FUNCTION = @extschema@.survival_plus, COMMUTATOR = OPERATOR(@extschema@.+)
);
COMMENT ON OPERATOR @extschema@.+ (@extschema@.survival, @extschema@.survival) IS
    'Merges two survival values';

CREATE FUNCTION @extschema@.survival_eq(@extschema@.survival, @extschema@.survival) RETURNS boolean
    AS 'MODULE_PATHNAME', 'survival_eq' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.survival_eq(@extschema@.survival, @extschema@.survival) IS
    'True when two survival values hold the same times and counts';
CREATE OPERATOR @extschema@.= (
    LEFTARG = @extschema@.survival, RIGHTARG = @extschema@.survival,
    FUNCTION = @extschema@.survival_eq, COMMUTATOR = OPERATOR(@extschema@.=)
);
COMMENT ON OPERATOR @extschema@.= (@extschema@.survival, @extschema@.survival) IS
    'Same times and counts';

-- statistics
CREATE FUNCTION @extschema@.survival_curve(
    s @extschema@.survival, level double precision DEFAULT 0.95,
    OUT "time" double precision, OUT at_risk bigint, OUT events bigint,
    OUT censored bigint, OUT survival double precision,
    OUT std_err double precision, OUT ci_low double precision,
    OUT ci_high double precision)
RETURNS SETOF record
    AS 'MODULE_PATHNAME', 'survival_curve' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
    ROWS 100;
COMMENT ON FUNCTION @extschema@.survival_curve(@extschema@.survival, double precision) IS
    'Kaplan-Meier curve, one row per distinct time, with the Greenwood standard error and a log-transformed confidence interval (as R survfit)';

CREATE FUNCTION @extschema@.median_survival(@extschema@.survival) RETURNS double precision
    AS 'MODULE_PATHNAME', 'survival_median' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.median_survival(@extschema@.survival) IS
    'Median survival time as R survfit reports it; NULL when the curve never falls to one half';

CREATE FUNCTION @extschema@.logrank_test(
    a @extschema@.survival, b @extschema@.survival,
    OUT chisq double precision, OUT df integer, OUT p_value double precision)
RETURNS record
    AS 'MODULE_PATHNAME', 'survival_logrank' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.logrank_test(@extschema@.survival, @extschema@.survival) IS
    'Log-rank test that two survival curves are equal (as R survdiff, rho = 0)';

-- aggregates
CREATE FUNCTION @extschema@.survival_agg_trans(internal, double precision, boolean) RETURNS internal
    AS 'MODULE_PATHNAME', 'survival_agg_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.survival_rollup_trans(internal, @extschema@.survival) RETURNS internal
    AS 'MODULE_PATHNAME', 'survival_rollup_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.survival_agg_combine(internal, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'survival_agg_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.survival_agg_serialize(internal) RETURNS bytea
    AS 'MODULE_PATHNAME', 'survival_agg_serialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.survival_agg_deserialize(bytea, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'survival_agg_deserialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.survival_agg_final(internal) RETURNS @extschema@.survival
    AS 'MODULE_PATHNAME', 'survival_agg_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.survival_agg_trans(internal, double precision, boolean) IS 'Transition function of survival_agg';
COMMENT ON FUNCTION @extschema@.survival_rollup_trans(internal, @extschema@.survival) IS 'Transition function of rollup(survival)';
COMMENT ON FUNCTION @extschema@.survival_agg_combine(internal, internal) IS 'Combine function of the survival aggregates (parallel query)';
COMMENT ON FUNCTION @extschema@.survival_agg_serialize(internal) IS 'Serialize function of the survival aggregates (parallel query)';
COMMENT ON FUNCTION @extschema@.survival_agg_deserialize(bytea, internal) IS 'Deserialize function of the survival aggregates (parallel query)';
COMMENT ON FUNCTION @extschema@.survival_agg_final(internal) IS 'Final function of the survival aggregates';

CREATE AGGREGATE @extschema@.survival_agg(duration double precision, churned boolean) (
    SFUNC = @extschema@.survival_agg_trans, STYPE = internal,
    FINALFUNC = @extschema@.survival_agg_final,
    COMBINEFUNC = @extschema@.survival_agg_combine,
    SERIALFUNC = @extschema@.survival_agg_serialize,
    DESERIALFUNC = @extschema@.survival_agg_deserialize,
    PARALLEL = SAFE);
CREATE AGGREGATE @extschema@.rollup(@extschema@.survival) (
    SFUNC = @extschema@.survival_rollup_trans, STYPE = internal,
    FINALFUNC = @extschema@.survival_agg_final,
    COMBINEFUNC = @extschema@.survival_agg_combine,
    SERIALFUNC = @extschema@.survival_agg_serialize,
    DESERIALFUNC = @extschema@.survival_agg_deserialize,
    PARALLEL = SAFE);

COMMENT ON AGGREGATE @extschema@.survival_agg(double precision, boolean) IS
    'Survival value of units (one row per unit): duration until churn, or until censoring when churned is false';
COMMENT ON AGGREGATE @extschema@.rollup(@extschema@.survival) IS
    'Merges stored survival values into one';
-- ---------------------------------------------------------------------------
-- Rollouts: phases, checkpoint thresholds, automatic advance and rollback
-- ---------------------------------------------------------------------------
--
-- Policy lives here; src/rollout_*.c only runs a measurement as the
-- rollout's owner and hosts the background workers that call rollout_tick.

CREATE TABLE @extschema@.rollouts (
    id bigserial PRIMARY KEY,
    name text NOT NULL UNIQUE CHECK (name <> ''),
    source text NOT NULL,
    owner name NOT NULL,
    plan jsonb NOT NULL,
    state text NOT NULL DEFAULT 'pending'
        CHECK (state IN ('pending', 'running', 'held', 'rolled_back', 'completed')),
    phase_no integer NOT NULL DEFAULT 0,
    phase_run integer NOT NULL DEFAULT 0,
    phase_started_at timestamptz,
    checkpoint_no integer NOT NULL DEFAULT 0,
    next_checkpoint_at timestamptz,
    treatment_share double precision NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
    last_error text,
    last_error_at timestamptz
);
CREATE INDEX rollouts_due_idx ON @extschema@.rollouts (next_checkpoint_at)
    WHERE state = 'running';

COMMENT ON TABLE @extschema@.rollouts IS
    'Phased rollouts: source relation, plan, owner and current state (written only through the rollout_* functions)';
COMMENT ON COLUMN @extschema@.rollouts.source IS 'Quoted, schema-qualified name of the request relation';
COMMENT ON COLUMN @extschema@.rollouts.phase_no IS 'Index of the current phase in plan->''phases'' (from 0)';
COMMENT ON COLUMN @extschema@.rollouts.phase_run IS 'Counts phase starts; a resumed phase gets a new run';
COMMENT ON COLUMN @extschema@.rollouts.checkpoint_no IS 'Index of the next checkpoint of the current phase (from 0)';
COMMENT ON COLUMN @extschema@.rollouts.last_error IS 'Why the last evaluation failed; NULL once one succeeds';

CREATE TABLE @extschema@.rollout_decisions (
    id bigserial PRIMARY KEY,
    rollout_id bigint NOT NULL,
    rollout text NOT NULL,
    owner name NOT NULL,
    phase text NOT NULL,
    phase_run integer NOT NULL,
    checkpoint_no integer,
    checkpoint_at timestamptz,
    decided_at timestamptz NOT NULL DEFAULT pg_catalog.clock_timestamp(),
    decision text NOT NULL
        CHECK (decision IN ('start', 'continue', 'advance', 'complete', 'hold', 'resume', 'rollback')),
    actor text NOT NULL,
    state text NOT NULL,
    treatment_share double precision NOT NULL,
    reasons text[] NOT NULL DEFAULT '{}',
    metrics jsonb NOT NULL DEFAULT '{}',
    UNIQUE (rollout_id, phase_run, checkpoint_no)
);
CREATE INDEX rollout_decisions_rollout_idx ON @extschema@.rollout_decisions (rollout, id);

COMMENT ON TABLE @extschema@.rollout_decisions IS
    'Append-only log of rollout decisions with the measurements behind them; old rows go through rollout_purge_decisions';
COMMENT ON COLUMN @extschema@.rollout_decisions.checkpoint_at IS 'The checkpoint decided; NULL for manual decisions';
COMMENT ON COLUMN @extschema@.rollout_decisions.actor IS '''worker'' for the background worker, else the session user';
COMMENT ON COLUMN @extschema@.rollout_decisions.state IS 'State of the rollout after the decision';
COMMENT ON COLUMN @extschema@.rollout_decisions.treatment_share IS 'Treatment share after the decision';
COMMENT ON COLUMN @extschema@.rollout_decisions.reasons IS 'Each failed or missing metric with its value and limit, or the reason given by a person';
COMMENT ON COLUMN @extschema@.rollout_decisions.metrics IS 'Every measured value, interval and limit of the checkpoint';

-- User data survives pg_dump.
SELECT pg_catalog.pg_extension_config_dump('@extschema@.rollouts', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.rollouts_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.rollout_decisions', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.rollout_decisions_id_seq', '');

-- True when the session user may change rollouts owned by role_name.
CREATE FUNCTION @extschema@.rollout_may_change(role_name name) RETURNS boolean
    LANGUAGE sql STABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
        SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_roles r
                       WHERE r.rolname = role_name
                         AND pg_catalog.pg_has_role(session_user, r.oid, 'MEMBER'))
    $$;
COMMENT ON FUNCTION @extschema@.rollout_may_change(name) IS
    'True when the session user is a member of (or superuser over) the given rollout owner';

-- Nobody writes the tables directly; rows are visible to their owners.
REVOKE ALL ON @extschema@.rollouts, @extschema@.rollout_decisions FROM PUBLIC;
GRANT SELECT ON @extschema@.rollouts, @extschema@.rollout_decisions TO PUBLIC;
ALTER TABLE @extschema@.rollouts ENABLE ROW LEVEL SECURITY;
ALTER TABLE @extschema@.rollout_decisions ENABLE ROW LEVEL SECURITY;
CREATE POLICY rollouts_owner ON @extschema@.rollouts FOR SELECT
    USING (@extschema@.rollout_may_change(owner));
CREATE POLICY rollout_decisions_owner ON @extschema@.rollout_decisions FOR SELECT
    USING (@extschema@.rollout_may_change(owner));

-- Append-only: UPDATE, DELETE and TRUNCATE fail for everyone, except the
-- DELETE of rollout_purge_decisions, which runs with the purge setting.
CREATE FUNCTION @extschema@.rollout_decisions_guard() RETURNS trigger
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
    AS $$
    BEGIN
        IF TG_OP = 'DELETE'
           AND pg_catalog.current_setting('cohort_analyzer.purge_decisions', true) = 'on' THEN
            RETURN OLD;
        END IF;
        RAISE EXCEPTION 'rollout_decisions is append-only'
            USING ERRCODE = 'insufficient_privilege',
                  DETAIL = pg_catalog.format('%s is not allowed on the decision log.', TG_OP),
                  HINT = 'Old rows are removed with rollout_purge_decisions(older_than).';
    END
    $$;
COMMENT ON FUNCTION @extschema@.rollout_decisions_guard() IS
    'Trigger keeping rollout_decisions append-only';
CREATE TRIGGER rollout_decisions_append_only
    BEFORE UPDATE OR DELETE ON @extschema@.rollout_decisions
    FOR EACH ROW EXECUTE FUNCTION @extschema@.rollout_decisions_guard();
CREATE TRIGGER rollout_decisions_no_truncate
    BEFORE TRUNCATE ON @extschema@.rollout_decisions
    FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.rollout_decisions_guard();

-- ---------------------------------------------------------------------------
-- Plans
-- ---------------------------------------------------------------------------

CREATE FUNCTION @extschema@.rollout_default_plan(with_revenue boolean DEFAULT true)
RETURNS jsonb
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
    SELECT pg_catalog.jsonb_build_object(
        'phases', pg_catalog.jsonb_build_array(
            pg_catalog.jsonb_build_object(
                'name', 'canary', 'traffic', 0.01, 'duration', '2 hours',
                'checkpoints', pg_catalog.jsonb_build_array('15 minutes', '30 minutes', '1 hour',
                                                            '90 minutes', '2 hours'),
                'thresholds', '{"error_rate": {"max": 0.01}, "latency_p99": {"max": 200},
                                "uptime": {"min": 0.999}}'::jsonb
                    || CASE WHEN with_revenue THEN '{"revenue_lift": {"min": -0.03}}'::jsonb
                            ELSE '{}'::jsonb END),
            pg_catalog.jsonb_build_object(
                'name', 'ramp', 'traffic', 0.10, 'duration', '4 hours',
                'checkpoints', pg_catalog.jsonb_build_array('15 minutes', '30 minutes', '1 hour',
                                                            '2 hours', '3 hours', '4 hours'),
                'thresholds', '{"error_rate": {"max": 0.005}, "latency_p99": {"max": 200},
                                "uptime": {"min": 0.9995}}'::jsonb),
            pg_catalog.jsonb_build_object(
                'name', 'full', 'traffic', 1.0, 'duration', '13 days',
                'checkpoints', (SELECT pg_catalog.jsonb_agg(pg_catalog.format('%s days', d) ORDER BY d)
                                FROM pg_catalog.generate_series(1, 13) AS d),
                'thresholds', '{"error_rate": {"max": 0.001}, "latency_p99": {"max": 200},
                                "uptime": {"min": 0.999}}'::jsonb)),
        'min_requests', 100, 'alpha', 0.05)
    $$;
COMMENT ON FUNCTION @extschema@.rollout_default_plan(boolean) IS
    'The default plan: canary 1% for 2 h, ramp 10% for 4 h, full 100% for 13 days, with the standard thresholds';

-- Quantile of a latency_pNN metric name (p99 = 0.99, p999 = 0.999), else NULL.
CREATE FUNCTION @extschema@.rollout_metric_quantile(metric text) RETURNS double precision
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
        SELECT CASE WHEN metric ~ '^latency_p[0-9]{2,}$' AND metric !~ '^latency_p0+$'
                    THEN ('0.' || pg_catalog.substr(metric, 10))::double precision END
    $$;
COMMENT ON FUNCTION @extschema@.rollout_metric_quantile(text) IS
    'The quantile a latency_pNN metric names (latency_p99 = 0.99, latency_p999 = 0.999); NULL for other names';

-- Parses an interval field of a plan, with an error naming the field.
CREATE FUNCTION @extschema@.rollout_plan_interval(value jsonb, field text) RETURNS interval
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
    DECLARE
        result interval;
    BEGIN
        IF value IS NULL OR pg_catalog.jsonb_typeof(value) <> 'string' THEN
            RAISE EXCEPTION 'invalid rollout plan: % must be an interval string such as "2 hours"', field
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        BEGIN
            result := (value #>> '{}')::interval;
        EXCEPTION WHEN invalid_datetime_format OR datetime_field_overflow OR interval_field_overflow THEN
            RAISE EXCEPTION 'invalid rollout plan: % is not an interval: "%"', field, value #>> '{}'
                USING ERRCODE = 'invalid_parameter_value';
        END;
        IF result <= interval '0' THEN
            RAISE EXCEPTION 'invalid rollout plan: % must be positive, got "%"', field, value #>> '{}'
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        RETURN result;
    END
    $$;
COMMENT ON FUNCTION @extschema@.rollout_plan_interval(jsonb, text) IS
    'A positive interval from a plan field, or an error naming the field';

-- Parses a number field of a plan, with an error naming the field.
CREATE FUNCTION @extschema@.rollout_plan_number(value jsonb, field text) RETURNS double precision
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
    BEGIN
        IF value IS NULL OR pg_catalog.jsonb_typeof(value) <> 'number' THEN
            RAISE EXCEPTION 'invalid rollout plan: % must be a number', field
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        RETURN (value #>> '{}')::double precision;
    EXCEPTION WHEN numeric_value_out_of_range THEN
        RAISE EXCEPTION 'invalid rollout plan: % is out of range', field
            USING ERRCODE = 'invalid_parameter_value';
    END
    $$;
COMMENT ON FUNCTION @extschema@.rollout_plan_number(jsonb, text) IS
    'A finite number from a plan field, or an error naming the field';

CREATE FUNCTION @extschema@.rollout_plan_validate(plan jsonb) RETURNS jsonb
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
    DECLARE
        phase jsonb;
        i integer := 0;
        j integer;
        field text;
        duration interval;
        cp interval;
        prev interval;
        traffic double precision;
        prev_traffic double precision := 0;
        k text;
        v jsonb;
        limits text;
        lo double precision;
        hi double precision;
        names text[] := '{}';
        min_requests double precision;
        alpha double precision;
        phases jsonb := '[]';
    BEGIN
        IF plan IS NULL OR pg_catalog.jsonb_typeof(plan) <> 'object' THEN
            RAISE EXCEPTION 'invalid rollout plan: the plan must be a JSON object'
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        FOR k IN SELECT pg_catalog.jsonb_object_keys(plan) LOOP
            IF k NOT IN ('phases', 'min_requests', 'alpha', 'tuning') THEN
                RAISE EXCEPTION 'invalid rollout plan: unknown key "%"', k
                    USING ERRCODE = 'invalid_parameter_value',
                          HINT = 'Accepted keys are phases, min_requests, alpha and tuning.';
            END IF;
        END LOOP;
        IF pg_catalog.jsonb_typeof(plan -> 'phases') IS DISTINCT FROM 'array'
           OR pg_catalog.jsonb_array_length(plan -> 'phases') = 0 THEN
            RAISE EXCEPTION 'invalid rollout plan: phases must be a non-empty array'
                USING ERRCODE = 'invalid_parameter_value';
        END IF;

        min_requests := 100;
        IF plan ? 'min_requests' THEN
            min_requests := @extschema@.rollout_plan_number(plan -> 'min_requests', 'min_requests');
        END IF;
        IF min_requests < 1 OR min_requests <> pg_catalog.trunc(min_requests) OR min_requests > 1e15 THEN
            RAISE EXCEPTION 'invalid rollout plan: min_requests must be a positive integer, got %', min_requests
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        alpha := 0.05;
        IF plan ? 'alpha' THEN
            alpha := @extschema@.rollout_plan_number(plan -> 'alpha', 'alpha');
            IF NOT (alpha > 0 AND alpha < 1) THEN
                RAISE EXCEPTION 'invalid rollout plan: alpha must be in (0, 1), got %', alpha
                    USING ERRCODE = 'invalid_parameter_value';
            END IF;
        END IF;
        IF plan ? 'tuning' AND NOT (@extschema@.rollout_plan_number(plan -> 'tuning', 'tuning') > 0) THEN
            RAISE EXCEPTION 'invalid rollout plan: tuning must be positive'
                USING ERRCODE = 'invalid_parameter_value';
        END IF;

        FOR phase IN SELECT pg_catalog.jsonb_array_elements(plan -> 'phases') LOOP
            field := pg_catalog.format('phases[%s]', i);
            IF pg_catalog.jsonb_typeof(phase) <> 'object' THEN
                RAISE EXCEPTION 'invalid rollout plan: % must be an object', field
                    USING ERRCODE = 'invalid_parameter_value';
            END IF;
            FOR k IN SELECT pg_catalog.jsonb_object_keys(phase) LOOP
                IF k NOT IN ('name', 'traffic', 'duration', 'checkpoints', 'thresholds') THEN
                    RAISE EXCEPTION 'invalid rollout plan: unknown key "%" in %', k, field
                        USING ERRCODE = 'invalid_parameter_value',
                              HINT = 'Accepted keys are name, traffic, duration, checkpoints and thresholds.';
                END IF;
            END LOOP;
            IF pg_catalog.jsonb_typeof(phase -> 'name') IS DISTINCT FROM 'string'
               OR phase ->> 'name' = '' THEN
                RAISE EXCEPTION 'invalid rollout plan: %.name must be a non-empty string', field
                    USING ERRCODE = 'invalid_parameter_value';
            END IF;
            IF (phase ->> 'name') = ANY (names) THEN
                RAISE EXCEPTION 'invalid rollout plan: phase name "%" is used twice', phase ->> 'name'
                    USING ERRCODE = 'invalid_parameter_value';
            END IF;
            names := names || (phase ->> 'name');
            field := pg_catalog.format('phases[%s] ("%s")', i, phase ->> 'name');

            traffic := @extschema@.rollout_plan_number(phase -> 'traffic', field || '.traffic');
            IF NOT (traffic > 0 AND traffic <= 1) THEN
                RAISE EXCEPTION 'invalid rollout plan: %.traffic must be in (0, 1], got %', field, traffic
                    USING ERRCODE = 'invalid_parameter_value';
            END IF;
            IF traffic < prev_traffic THEN
                RAISE EXCEPTION 'invalid rollout plan: %.traffic % is below the previous phase''s %',
                                field, traffic, prev_traffic
                    USING ERRCODE = 'invalid_parameter_value';
            END IF;
            prev_traffic := traffic;

            duration := @extschema@.rollout_plan_interval(phase -> 'duration', field || '.duration');
            IF pg_catalog.jsonb_typeof(phase -> 'checkpoints') IS DISTINCT FROM 'array'
               OR pg_catalog.jsonb_array_length(phase -> 'checkpoints') = 0 THEN
                RAISE EXCEPTION 'invalid rollout plan: %.checkpoints must be a non-empty array', field
                    USING ERRCODE = 'invalid_parameter_value';
            END IF;
            prev := NULL;
            FOR j IN 0 .. pg_catalog.jsonb_array_length(phase -> 'checkpoints') - 1 LOOP
                cp := @extschema@.rollout_plan_interval(phase -> 'checkpoints' -> j,
                                                        pg_catalog.format('%s.checkpoints[%s]', field, j));
                IF cp <= prev THEN
                    RAISE EXCEPTION 'invalid rollout plan: %.checkpoints are not in increasing order ("%" after "%")',
                                    field, phase -> 'checkpoints' ->> j, phase -> 'checkpoints' ->> (j - 1)
                        USING ERRCODE = 'invalid_parameter_value';
                END IF;
                IF cp > duration THEN
                    RAISE EXCEPTION 'invalid rollout plan: %.checkpoints[%] "%" is after the phase duration "%"',
                                    field, j, phase -> 'checkpoints' ->> j, phase ->> 'duration'
                        USING ERRCODE = 'invalid_parameter_value';
                END IF;
                prev := cp;
            END LOOP;

            IF pg_catalog.jsonb_typeof(phase -> 'thresholds') IS DISTINCT FROM 'object' THEN
                RAISE EXCEPTION 'invalid rollout plan: %.thresholds must be an object', field
                    USING ERRCODE = 'invalid_parameter_value';
            END IF;
            FOR k, v IN SELECT * FROM pg_catalog.jsonb_each(phase -> 'thresholds') LOOP
                IF k NOT IN ('error_rate', 'uptime', 'revenue_lift', 'completion_lift', 'churn_lift')
                   AND @extschema@.rollout_metric_quantile(k) IS NULL THEN
                    RAISE EXCEPTION 'invalid rollout plan: unknown metric "%" in %.thresholds', k, field
                        USING ERRCODE = 'invalid_parameter_value',
                              HINT = 'Metrics are error_rate, uptime, latency_pNN (e.g. latency_p99), revenue_lift, completion_lift and churn_lift.';
                END IF;
                limits := pg_catalog.format('%s.thresholds.%s', field, k);
                IF pg_catalog.jsonb_typeof(v) <> 'object' OR NOT (v ? 'min' OR v ? 'max')
                   OR EXISTS (SELECT 1 FROM pg_catalog.jsonb_object_keys(v) AS x WHERE x NOT IN ('min', 'max')) THEN
                    RAISE EXCEPTION 'invalid rollout plan: % must be an object with "min" and/or "max"', limits
                        USING ERRCODE = 'invalid_parameter_value';
                END IF;
                lo := CASE WHEN v ? 'min' THEN @extschema@.rollout_plan_number(v -> 'min', limits || '.min') END;
                hi := CASE WHEN v ? 'max' THEN @extschema@.rollout_plan_number(v -> 'max', limits || '.max') END;
                IF lo > hi THEN
                    RAISE EXCEPTION 'invalid rollout plan: %.min % is above its max %', limits, lo, hi
                        USING ERRCODE = 'invalid_parameter_value';
                END IF;
            END LOOP;
            phases := phases || pg_catalog.jsonb_build_array(phase);
            i := i + 1;
        END LOOP;

        RETURN pg_catalog.jsonb_build_object('phases', phases, 'min_requests', min_requests::bigint,
                                             'alpha', alpha)
               || CASE WHEN plan ? 'tuning' THEN pg_catalog.jsonb_build_object('tuning', plan -> 'tuning')
                       ELSE '{}'::jsonb END;
    END
    $$;
COMMENT ON FUNCTION @extschema@.rollout_plan_validate(jsonb) IS
    'Checks a rollout plan and returns it with defaults filled in (min_requests 100, alpha 0.05); raises an error saying what is wrong';

-- ---------------------------------------------------------------------------
-- Measurement (runs as the rollout's owner)
-- ---------------------------------------------------------------------------

CREATE TYPE @extschema@.rollout_measurement AS (
    treatment_requests bigint,
    treatment_errors bigint,
    control_requests bigint,
    latency double precision[],
    observed_minutes bigint,
    down_minutes bigint,
    control_cohort @extschema@.cohort,
    treatment_cohort @extschema@.cohort
);
COMMENT ON TYPE @extschema@.rollout_measurement IS
    'Raw measurements of one rollout window: request and error counts, latency quantiles, uptime minutes, cohorts per arm';

-- Data type of a column of rel, or NULL when it has no such column.
CREATE FUNCTION @extschema@.rollout_column_type(rel regclass, col name) RETURNS regtype
    LANGUAGE sql STABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
        SELECT a.atttypid::pg_catalog.regtype FROM pg_catalog.pg_attribute a
        WHERE a.attrelid = rel AND a.attname = col AND a.attnum > 0 AND NOT a.attisdropped
    $$;
COMMENT ON FUNCTION @extschema@.rollout_column_type(regclass, name) IS
    'Type of a column of a relation; NULL when the column does not exist';

-- Checks that source has the request columns; returns the relation.
CREATE FUNCTION @extschema@.rollout_check_source(source text) RETURNS regclass
    LANGUAGE plpgsql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
    DECLARE
        rel regclass := pg_catalog.to_regclass(source);
        col text;
        want regtype;
        got regtype;
    BEGIN
        IF rel IS NULL THEN
            RAISE EXCEPTION 'source relation % does not exist', source
                USING ERRCODE = 'undefined_table';
        END IF;
        FOR col, want IN VALUES ('ts', 'timestamptz'::regtype), ('arm', 'text'), ('is_error', 'boolean'),
                                ('latency_ms', 'double precision') LOOP
            got := @extschema@.rollout_column_type(rel, col);
            IF got IS NULL THEN
                RAISE EXCEPTION 'source relation % has no column "%"', rel, col
                    USING ERRCODE = 'invalid_parameter_value',
                          HINT = 'A rollout source needs columns ts timestamptz, arm text, is_error boolean and latency_ms double precision.';
            ELSIF got <> want THEN
                RAISE EXCEPTION 'source column "%" must be of type %, not %', col, want, got
                    USING ERRCODE = 'invalid_parameter_value';
            END IF;
        END LOOP;
        FOR col, want IN VALUES ('revenue', 'double precision'::regtype), ('completed', 'boolean'),
                                ('churned', 'boolean') LOOP
            got := @extschema@.rollout_column_type(rel, col);
            IF got IS DISTINCT FROM want AND got IS NOT NULL THEN
                RAISE EXCEPTION 'source column "%" must be of type %, not %', col, want, got
                    USING ERRCODE = 'invalid_parameter_value';
            END IF;
        END LOOP;
        RETURN rel;
    END
    $$;
COMMENT ON FUNCTION @extschema@.rollout_check_source(text) IS
    'Resolves a rollout source and checks its columns and their types';

-- One scan of the window for the counts (and, without unit_id, the cohorts);
-- the treatment's rows again for its minutes and its exact latency
-- quantiles; with unit_id one more grouping the requests by unit.  Each is
-- a plain aggregate that can run in parallel.
CREATE FUNCTION @extschema@.rollout_measure(
    source text, window_start timestamptz, window_end timestamptz,
    quantiles double precision[], with_cohorts boolean)
RETURNS @extschema@.rollout_measurement
    LANGUAGE plpgsql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
    DECLARE
        rel regclass := @extschema@.rollout_check_source(source);
        m @extschema@.rollout_measurement;
        by_unit boolean := with_cohorts AND @extschema@.rollout_column_type(rel, 'unit_id') IS NOT NULL;
        outcomes text := pg_catalog.format('%s, %s, %s',
            CASE WHEN @extschema@.rollout_column_type(rel, 'completed') IS NULL
                 THEN 'NULL::boolean' ELSE 'completed' END,
            CASE WHEN @extschema@.rollout_column_type(rel, 'churned') IS NULL
                 THEN 'NULL::boolean' ELSE 'churned' END,
            CASE WHEN @extschema@.rollout_column_type(rel, 'revenue') IS NULL
                 THEN 'NULL::double precision' ELSE 'revenue' END);
    BEGIN
        EXECUTE pg_catalog.format(
            'SELECT count(*) FILTER (WHERE arm = ''treatment''),
                    count(*) FILTER (WHERE arm = ''treatment'' AND is_error),
                    count(*) FILTER (WHERE arm = ''control''), %s
             FROM %s WHERE ts >= $1 AND ts < $2',
            CASE WHEN with_cohorts AND NOT by_unit
                 THEN pg_catalog.format('@extschema@.cohort_agg(%s) FILTER (WHERE arm = ''control''),
                                         @extschema@.cohort_agg(%s) FILTER (WHERE arm = ''treatment'')',
                                        outcomes, outcomes)
                 ELSE 'NULL::@extschema@.cohort, NULL::@extschema@.cohort' END,
            rel)
            INTO m.treatment_requests, m.treatment_errors, m.control_requests,
                 m.control_cohort, m.treatment_cohort
            USING window_start, window_end;

        -- a minute (counted from the window start) with treatment requests is
        -- observed, and down when at least half of them failed
        EXECUTE pg_catalog.format(
            'SELECT count(*), count(*) FILTER (WHERE 2 * errors >= n)
             FROM (SELECT count(*) AS n, count(*) FILTER (WHERE is_error) AS errors
                   FROM %s WHERE ts >= $1 AND ts < $2 AND arm = ''treatment''
                   GROUP BY pg_catalog.date_bin(''1 minute'', ts, $1)) AS minutes', rel)
            INTO m.observed_minutes, m.down_minutes
            USING window_start, window_end;

        IF pg_catalog.cardinality(quantiles) > 0 THEN
            EXECUTE pg_catalog.format(
                'SELECT percentile_disc($3) WITHIN GROUP (ORDER BY latency_ms)
                 FROM %s WHERE ts >= $1 AND ts < $2 AND arm = ''treatment'' AND latency_ms <> ''NaN''', rel)
                INTO m.latency
                USING window_start, window_end, quantiles;
        END IF;

        IF by_unit THEN
            -- the requests of one unit make one unit (outcomes or-ed, revenue
            -- summed); rows without a unit are left out
            EXECUTE pg_catalog.format(
                'SELECT @extschema@.cohort_agg(completed, churned, revenue) FILTER (WHERE arm = ''control''),
                        @extschema@.cohort_agg(completed, churned, revenue) FILTER (WHERE arm = ''treatment'')
                 FROM (SELECT arm, pg_catalog.bool_or(completed) AS completed,
                              pg_catalog.bool_or(churned) AS churned, pg_catalog.sum(revenue) AS revenue
                       FROM (SELECT arm, unit_id, %s FROM %s
                             WHERE ts >= $1 AND ts < $2 AND arm IN (''control'', ''treatment'')
                               AND unit_id IS NOT NULL) AS r (arm, unit_id, completed, churned, revenue)
                       GROUP BY arm, unit_id) AS units',
                outcomes, rel)
                INTO m.control_cohort, m.treatment_cohort
                USING window_start, window_end;
        END IF;
        RETURN m;
    END
    $$;
COMMENT ON FUNCTION @extschema@.rollout_measure(text, timestamptz, timestamptz, double precision[], boolean) IS
    'Measures a rollout source over [window_start, window_end) with the caller''s privileges';

CREATE FUNCTION @extschema@.rollout_measure_as(
    owner name, source text, window_start timestamptz, window_end timestamptz,
    quantiles double precision[], with_cohorts boolean)
RETURNS @extschema@.rollout_measurement
    AS 'MODULE_PATHNAME', 'rollout_measure_as' LANGUAGE C VOLATILE STRICT;
COMMENT ON FUNCTION @extschema@.rollout_measure_as(name, text, timestamptz, timestamptz, double precision[], boolean) IS
    'rollout_measure run with the privileges of the given owner (not executable by ordinary roles)';
REVOKE ALL ON FUNCTION @extschema@.rollout_measure_as(name, text, timestamptz, timestamptz, double precision[], boolean) FROM PUBLIC;

CREATE FUNCTION @extschema@.rollout_actor() RETURNS text
    AS 'MODULE_PATHNAME', 'rollout_actor' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.rollout_actor() IS
    '''worker'' inside the background worker, else the session user';

-- ---------------------------------------------------------------------------
-- Decisions
-- ---------------------------------------------------------------------------

-- A number in reasons: four decimals, as in "error_rate 0.0200 > 0.0050".
CREATE FUNCTION @extschema@.rollout_fmt(v double precision) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$ SELECT CASE WHEN v IS NULL THEN 'null'
                      WHEN v = 'Infinity' OR v = '-Infinity' OR v = 'NaN' THEN v::text
                      ELSE pg_catalog.round(v::numeric, 4)::text END $$;
COMMENT ON FUNCTION @extschema@.rollout_fmt(double precision) IS
    'A measured value or limit with four decimals, for decision reasons';

-- Judges one checkpoint of a rollout: returns failed and missing metrics
-- (as reasons) and every measured value.
CREATE FUNCTION @extschema@.rollout_judge(
    r @extschema@.rollouts, checkpoint_at timestamptz,
    OUT failed text[], OUT missing text[], OUT metrics jsonb)
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
    SET extra_float_digits = 3
    AS $$
    DECLARE
        phase jsonb := r.plan -> 'phases' -> r.phase_no;
        min_requests bigint := (r.plan ->> 'min_requests')::bigint;
        alpha double precision := (r.plan ->> 'alpha')::double precision;
        tuning double precision := (r.plan ->> 'tuning')::double precision;
        quantiles double precision[];
        names text[];
        m @extschema@.rollout_measurement;
        k text;
        lim jsonb;
        lo double precision;
        hi double precision;
        value double precision;
        low double precision;
        high double precision;
        cmp record;
        metric text;
        status text;
        entry jsonb;
        idx integer;
    BEGIN
        failed := '{}';
        missing := '{}';
        SELECT pg_catalog.array_agg(@extschema@.rollout_metric_quantile(t) ORDER BY t),
               pg_catalog.array_agg(t ORDER BY t)
          INTO quantiles, names
          FROM pg_catalog.jsonb_object_keys(phase -> 'thresholds') AS t
         WHERE @extschema@.rollout_metric_quantile(t) IS NOT NULL;

        m := @extschema@.rollout_measure_as(
            r.owner, r.source, r.phase_started_at, checkpoint_at, COALESCE(quantiles, '{}'),
            (phase -> 'thresholds') ?| ARRAY['revenue_lift', 'completion_lift', 'churn_lift']);

        metrics := pg_catalog.jsonb_build_object(
            'window', pg_catalog.jsonb_build_object('from', r.phase_started_at, 'to', checkpoint_at),
            'requests', pg_catalog.jsonb_build_object('treatment', m.treatment_requests,
                                                      'control', m.control_requests),
            'errors', m.treatment_errors);

        FOR k, lim IN SELECT * FROM pg_catalog.jsonb_each(phase -> 'thresholds') ORDER BY 1 LOOP
            lo := (lim ->> 'min')::double precision;
            hi := (lim ->> 'max')::double precision;
            value := NULL;
            low := NULL;
            high := NULL;
            status := NULL;
            IF m.treatment_requests < min_requests THEN
                status := 'no_data';
                missing := missing || pg_catalog.format('%s no data (%s treatment requests < %s)',
                                                        k, m.treatment_requests, min_requests);
            ELSIF k IN ('revenue_lift', 'completion_lift', 'churn_lift') AND m.control_requests < min_requests THEN
                status := 'no_data';
                missing := missing || pg_catalog.format('%s no data (%s control requests < %s)',
                                                        k, m.control_requests, min_requests);
            ELSIF k = 'error_rate' THEN
                value := m.treatment_errors::double precision / m.treatment_requests;
            ELSIF k = 'uptime' THEN
                value := 1 - m.down_minutes::double precision / NULLIF(m.observed_minutes, 0);
            ELSIF k LIKE 'latency_p%' THEN
                idx := pg_catalog.array_position(names, k);
                value := m.latency[idx];
            ELSE
                -- without a tuning in the plan, the comparison's own default
                metric := CASE k WHEN 'revenue_lift' THEN 'value'
                                 WHEN 'completion_lift' THEN 'completion' ELSE 'churn' END;
                IF tuning IS NULL THEN
                    cmp := @extschema@.compare_cohorts_sequential(m.control_cohort, m.treatment_cohort,
                                                                  metric, alpha);
                ELSE
                    cmp := @extschema@.compare_cohorts_sequential(m.control_cohort, m.treatment_cohort,
                                                                  metric, alpha, tuning);
                END IF;
                -- without variance in either arm there is no interval: the
                -- lift is known exactly
                value := cmp.relative_lift;
                low := COALESCE(cmp.relative_lift_low, value);
                high := COALESCE(cmp.relative_lift_high, value);
            END IF;

            IF status IS NULL AND (value IS NULL OR value = 'NaN') THEN
                status := 'no_data';
                missing := missing || pg_catalog.format('%s no data', k);
            ELSIF status IS NULL AND low IS NOT NULL THEN
                -- guardrails fail only when the whole interval is beyond the limit
                IF high < lo THEN
                    status := 'fail';
                    failed := failed || pg_catalog.format('%s %s [%s, %s] < %s', k, @extschema@.rollout_fmt(value),
                        @extschema@.rollout_fmt(low), @extschema@.rollout_fmt(high), @extschema@.rollout_fmt(lo));
                ELSIF low > hi THEN
                    status := 'fail';
                    failed := failed || pg_catalog.format('%s %s [%s, %s] > %s', k, @extschema@.rollout_fmt(value),
                        @extschema@.rollout_fmt(low), @extschema@.rollout_fmt(high), @extschema@.rollout_fmt(hi));
                ELSE
                    status := 'pass';
                END IF;
            ELSIF status IS NULL THEN
                IF value > hi THEN
                    status := 'fail';
                    failed := failed || pg_catalog.format('%s %s > %s', k, @extschema@.rollout_fmt(value),
                                                          @extschema@.rollout_fmt(hi));
                ELSIF value < lo THEN
                    status := 'fail';
                    failed := failed || pg_catalog.format('%s %s < %s', k, @extschema@.rollout_fmt(value),
                                                          @extschema@.rollout_fmt(lo));
                ELSE
                    status := 'pass';
                END IF;
            END IF;

            entry := pg_catalog.jsonb_build_object('value', value, 'status', status);
            IF low IS NOT NULL OR high IS NOT NULL THEN
                entry := entry || pg_catalog.jsonb_build_object('low', low, 'high', high,
                                                                'p_value', cmp.p_value);
            END IF;
            IF k = 'uptime' THEN
                entry := entry || pg_catalog.jsonb_build_object('observed_minutes', m.observed_minutes,
                                                                'down_minutes', m.down_minutes);
            END IF;
            metrics := metrics || pg_catalog.jsonb_build_object(k, entry || lim);
        END LOOP;
    END
    $$;
COMMENT ON FUNCTION @extschema@.rollout_judge(@extschema@.rollouts, timestamptz) IS
    'Measures a rollout''s current phase up to a checkpoint and judges every threshold';

-- Applies a decision: updates the rollout, appends the decision row and
-- notifies listeners of state changes.  r holds the state before.
CREATE FUNCTION @extschema@.rollout_apply(
    r @extschema@.rollouts, decision text, checkpoint_at timestamptz,
    reasons text[], metrics jsonb, new_state text, new_phase integer,
    new_started_at timestamptz, new_checkpoint integer)
RETURNS @extschema@.rollouts
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
    AS $$
    DECLARE
        phases jsonb := r.plan -> 'phases';
        phase jsonb := phases -> new_phase;
        result @extschema@.rollouts;
    BEGIN
        UPDATE @extschema@.rollouts SET
            state = new_state,
            phase_no = new_phase,
            phase_run = r.phase_run + CASE WHEN decision IN ('start', 'advance', 'resume')
                                           THEN 1 ELSE 0 END,
            phase_started_at = new_started_at,
            checkpoint_no = new_checkpoint,
            next_checkpoint_at = CASE WHEN new_state = 'running'
                                      THEN new_started_at + (phase -> 'checkpoints' ->> new_checkpoint)::interval END,
            treatment_share = CASE WHEN new_state = 'rolled_back' THEN 0
                                   WHEN new_state = 'pending' THEN 0
                                   ELSE (phase ->> 'traffic')::double precision END
        WHERE id = r.id
        RETURNING * INTO result;

        INSERT INTO @extschema@.rollout_decisions
            (rollout_id, rollout, owner, phase, phase_run, checkpoint_no, checkpoint_at, decision,
             actor, state, treatment_share, reasons, metrics)
        VALUES (r.id, r.name, r.owner, phases -> r.phase_no ->> 'name', r.phase_run,
                CASE WHEN checkpoint_at IS NOT NULL THEN r.checkpoint_no END, checkpoint_at, decision,
                @extschema@.rollout_actor(), result.state, result.treatment_share,
                COALESCE(reasons, '{}'), COALESCE(metrics, '{}'));

        IF decision <> 'continue' THEN
            PERFORM pg_catalog.pg_notify('cohort_analyzer_rollout', pg_catalog.json_build_object(
                'rollout', r.name, 'phase', phase ->> 'name', 'decision', decision,
                'state', result.state, 'treatment_share', result.treatment_share)::text);
        END IF;
        RETURN result;
    END
    $$;
COMMENT ON FUNCTION @extschema@.rollout_apply(@extschema@.rollouts, text, timestamptz, text[], jsonb, text, integer, timestamptz, integer) IS
    'Applies a decision to a locked rollout: new state, decision row, NOTIFY cohort_analyzer_rollout';

-- Decides the next due checkpoint of a locked, running rollout.
CREATE FUNCTION @extschema@.rollout_decide(r @extschema@.rollouts)
RETURNS @extschema@.rollouts
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
    AS $$
    DECLARE
        phase jsonb := r.plan -> 'phases' -> r.phase_no;
        last_checkpoint boolean := r.checkpoint_no = pg_catalog.jsonb_array_length(phase -> 'checkpoints') - 1;
        last_phase boolean := r.phase_no = pg_catalog.jsonb_array_length(r.plan -> 'phases') - 1;
        at timestamptz := r.next_checkpoint_at;
        j record;
    BEGIN
        j := @extschema@.rollout_judge(r, at);
        IF pg_catalog.cardinality(j.failed) > 0 THEN
            RETURN @extschema@.rollout_apply(r, 'rollback', at, j.failed || j.missing, j.metrics,
                                             'rolled_back', r.phase_no, r.phase_started_at, r.checkpoint_no);
        ELSIF NOT last_checkpoint THEN
            RETURN @extschema@.rollout_apply(r, 'continue', at, j.missing, j.metrics,
                                             'running', r.phase_no, r.phase_started_at, r.checkpoint_no + 1);
        ELSIF pg_catalog.cardinality(j.missing) > 0 THEN
            RETURN @extschema@.rollout_apply(r, 'hold', at, j.missing, j.metrics,
                                             'held', r.phase_no, r.phase_started_at, r.checkpoint_no);
        ELSIF last_phase THEN
            RETURN @extschema@.rollout_apply(r, 'complete', at, '{}', j.metrics,
                                             'completed', r.phase_no, r.phase_started_at, r.checkpoint_no);
        ELSE
            RETURN @extschema@.rollout_apply(r, 'advance', at, '{}', j.metrics,
                                             'running', r.phase_no + 1, at, 0);
        END IF;
    END
    $$;
COMMENT ON FUNCTION @extschema@.rollout_decide(@extschema@.rollouts) IS
    'Evaluates the next due checkpoint of a locked running rollout and applies continue, advance, complete, hold or rollback';

-- ---------------------------------------------------------------------------
-- SQL API
-- ---------------------------------------------------------------------------

CREATE FUNCTION @extschema@.rollout_create(name text, source regclass, plan jsonb DEFAULT NULL)
RETURNS bigint
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $$
    DECLARE
        qualified text;
        checked jsonb;
        guardrail text;
        column_name text;
        result bigint;
    BEGIN
        IF name IS NULL OR name = '' THEN
            RAISE EXCEPTION 'rollout name must not be NULL or empty' USING ERRCODE = 'invalid_parameter_value';
        END IF;
        IF source IS NULL THEN
            RAISE EXCEPTION 'source must not be NULL' USING ERRCODE = 'invalid_parameter_value';
        END IF;
        SELECT pg_catalog.format('%I.%I', n.nspname, c.relname) INTO qualified
          FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
         WHERE c.oid = source AND c.relkind IN ('r', 'v', 'm', 'p', 'f');
        IF qualified IS NULL THEN
            RAISE EXCEPTION 'source % is not a table or view', source USING ERRCODE = 'invalid_parameter_value';
        END IF;
        PERFORM @extschema@.rollout_check_source(qualified);
        IF NOT pg_catalog.has_table_privilege(session_user, source, 'SELECT') THEN
            RAISE EXCEPTION 'permission denied for source %', source
                USING ERRCODE = 'insufficient_privilege',
                      DETAIL = 'Rollouts read their source with the privileges of their owner.';
        END IF;

        checked := @extschema@.rollout_plan_validate(COALESCE(plan, @extschema@.rollout_default_plan(
            @extschema@.rollout_column_type(source, 'revenue') IS NOT NULL)));

        -- guardrails need their column
        FOR guardrail, column_name IN VALUES ('revenue_lift', 'revenue'), ('completion_lift', 'completed'),
                                             ('churn_lift', 'churned') LOOP
            IF EXISTS (SELECT 1 FROM pg_catalog.jsonb_array_elements(checked -> 'phases') AS p
                       WHERE (p -> 'thresholds') ? guardrail) THEN
                IF @extschema@.rollout_column_type(source, column_name) IS NULL THEN
                    RAISE EXCEPTION 'metric % needs column "%" in source %', guardrail, column_name, source
                        USING ERRCODE = 'invalid_parameter_value';
                END IF;
            END IF;
        END LOOP;

        BEGIN
            INSERT INTO @extschema@.rollouts (name, source, owner, plan)
            VALUES (rollout_create.name, qualified, session_user, checked)
            RETURNING id INTO result;
        EXCEPTION WHEN unique_violation THEN
            RAISE EXCEPTION 'rollout "%" already exists', rollout_create.name
                USING ERRCODE = 'invalid_parameter_value';
        END;
        RETURN result;
    END
    $$;
COMMENT ON FUNCTION @extschema@.rollout_create(text, regclass, jsonb) IS
    'Creates a pending rollout reading request rows from source, with a plan (default: rollout_default_plan()); returns its id';

-- Locks a rollout the session user may change, or raises an error.
CREATE FUNCTION @extschema@.rollout_lock(rollout_name text) RETURNS @extschema@.rollouts
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
    AS $$
    DECLARE
        r @extschema@.rollouts;
    BEGIN
        IF rollout_name IS NULL THEN
            RAISE EXCEPTION 'rollout name must not be NULL' USING ERRCODE = 'invalid_parameter_value';
        END IF;
        SELECT * INTO r FROM @extschema@.rollouts WHERE name = rollout_name FOR UPDATE;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'rollout "%" does not exist', rollout_name
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        IF NOT @extschema@.rollout_may_change(r.owner) THEN
            RAISE EXCEPTION 'must be owner of rollout "%"', rollout_name
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN r;
    END
    $$;
COMMENT ON FUNCTION @extschema@.rollout_lock(text) IS
    'Locks a rollout for change after checking that the session user owns it';

-- Rejects a manual command in the wrong state.
CREATE FUNCTION @extschema@.rollout_expect(r @extschema@.rollouts, command text, states text[]) RETURNS void
    LANGUAGE plpgsql IMMUTABLE
    SET search_path = pg_catalog, pg_temp
    AS $$
    BEGIN
        IF NOT r.state = ANY (states) THEN
            RAISE EXCEPTION 'cannot % rollout "%" in state %', command, r.name, r.state
                USING ERRCODE = 'invalid_parameter_value',
                      HINT = pg_catalog.format('%s needs state %s.', command, pg_catalog.array_to_string(states, ' or '));
        END IF;
    END
    $$;
COMMENT ON FUNCTION @extschema@.rollout_expect(@extschema@.rollouts, text, text[]) IS
    'Raises an error when a manual command does not apply to the rollout''s state';

CREATE FUNCTION @extschema@.rollout_start(name text, at timestamptz DEFAULT pg_catalog.now())
RETURNS void
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $$
    DECLARE
        r @extschema@.rollouts := @extschema@.rollout_lock(name);
    BEGIN
        IF at IS NULL OR NOT pg_catalog.isfinite(at) THEN
            RAISE EXCEPTION 'at must be a finite timestamp' USING ERRCODE = 'invalid_parameter_value';
        END IF;
        PERFORM @extschema@.rollout_expect(r, 'start', '{pending}');
        PERFORM @extschema@.rollout_apply(r, 'start', NULL, '{}', '{}', 'running', 0, at, 0);
    END
    $$;
COMMENT ON FUNCTION @extschema@.rollout_start(text, timestamptz) IS
    'Starts a pending rollout: its first phase begins at the given time';

CREATE FUNCTION @extschema@.rollout_tick(as_of timestamptz DEFAULT pg_catalog.now())
RETURNS integer
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $$
    DECLARE
        decisions integer := 0;
        rid bigint;
        r @extschema@.rollouts;
        msg text;
        failed boolean;
    BEGIN
        IF as_of IS NULL OR as_of = 'infinity' OR as_of = '-infinity' THEN
            RAISE EXCEPTION 'as_of must be a finite timestamp' USING ERRCODE = 'invalid_parameter_value';
        END IF;
        FOR rid IN SELECT id FROM @extschema@.rollouts
                   WHERE state = 'running' AND next_checkpoint_at <= as_of
                     AND @extschema@.rollout_may_change(owner)
                   ORDER BY next_checkpoint_at, id LOOP
            -- a rollout being decided elsewhere is skipped, not waited for
            SELECT * INTO r FROM @extschema@.rollouts
             WHERE id = rid AND state = 'running' AND next_checkpoint_at <= as_of
             FOR UPDATE SKIP LOCKED;
            CONTINUE WHEN NOT FOUND;
            failed := false;
            WHILE r.state = 'running' AND r.next_checkpoint_at <= as_of LOOP
                BEGIN
                    r := @extschema@.rollout_decide(r);
                    decisions := decisions + 1;
                EXCEPTION WHEN OTHERS THEN
                    -- one broken rollout is recorded and does not stop the others
                    GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT;
                    UPDATE @extschema@.rollouts SET last_error = msg, last_error_at = pg_catalog.now()
                     WHERE id = rid;
                    IF r.last_error IS DISTINCT FROM msg THEN
                        RAISE WARNING 'rollout "%" could not be evaluated: %', r.name, msg;
                    END IF;
                    failed := true;
                    EXIT;
                END;
            END LOOP;
            IF NOT failed THEN
                UPDATE @extschema@.rollouts SET last_error = NULL, last_error_at = NULL
                 WHERE id = rid AND last_error IS NOT NULL;
            END IF;
        END LOOP;
        RETURN decisions;
    END
    $$;
COMMENT ON FUNCTION @extschema@.rollout_tick(timestamptz) IS
    'Decides every checkpoint due up to as_of of every running rollout the session user owns, in order; returns the number of decisions';

CREATE FUNCTION @extschema@.rollout_status(name text,
    OUT phase text, OUT state text, OUT treatment_share double precision,
    OUT phase_started_at timestamptz, OUT next_checkpoint_at timestamptz)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $$
    DECLARE
        r @extschema@.rollouts;
    BEGIN
        IF rollout_status.name IS NULL THEN
            RAISE EXCEPTION 'rollout name must not be NULL' USING ERRCODE = 'invalid_parameter_value';
        END IF;
        SELECT * INTO r FROM @extschema@.rollouts x WHERE x.name = rollout_status.name;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'rollout "%" does not exist', rollout_status.name
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        phase := r.plan -> 'phases' -> r.phase_no ->> 'name';
        state := r.state;
        treatment_share := r.treatment_share;
        phase_started_at := r.phase_started_at;
        next_checkpoint_at := r.next_checkpoint_at;
    END
    $$;
COMMENT ON FUNCTION @extschema@.rollout_status(text) IS
    'Current phase, state, treatment share, phase start and next checkpoint of a rollout';

CREATE FUNCTION @extschema@.rollout_traffic(name text) RETURNS double precision
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $$ SELECT s.treatment_share FROM @extschema@.rollout_status(name) AS s $$;
COMMENT ON FUNCTION @extschema@.rollout_traffic(text) IS
    'The share of traffic the application should route to the treatment now';

CREATE FUNCTION @extschema@.rollout_advance(name text, reason text, at timestamptz DEFAULT pg_catalog.now())
RETURNS void
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $$
    DECLARE
        r @extschema@.rollouts := @extschema@.rollout_lock(name);
    BEGIN
        PERFORM @extschema@.rollout_expect(r, 'advance', '{running,held}');
        IF r.phase_no = pg_catalog.jsonb_array_length(r.plan -> 'phases') - 1 THEN
            PERFORM @extschema@.rollout_apply(r, 'complete', NULL, ARRAY[reason], '{}', 'completed',
                                              r.phase_no, r.phase_started_at, r.checkpoint_no);
        ELSE
            PERFORM @extschema@.rollout_apply(r, 'advance', NULL, ARRAY[reason], '{}', 'running',
                                              r.phase_no + 1, COALESCE(at, pg_catalog.now()), 0);
        END IF;
    END
    $$;
COMMENT ON FUNCTION @extschema@.rollout_advance(text, text, timestamptz) IS
    'Moves a running or held rollout to its next phase at once (completes it after the last phase)';

CREATE FUNCTION @extschema@.rollout_hold(name text, reason text) RETURNS void
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $$
    DECLARE
        r @extschema@.rollouts := @extschema@.rollout_lock(name);
    BEGIN
        PERFORM @extschema@.rollout_expect(r, 'hold', '{running}');
        PERFORM @extschema@.rollout_apply(r, 'hold', NULL, ARRAY[reason], '{}', 'held',
                                          r.phase_no, r.phase_started_at, r.checkpoint_no);
    END
    $$;
COMMENT ON FUNCTION @extschema@.rollout_hold(text, text) IS
    'Pauses a running rollout: no checkpoint is decided until rollout_resume, traffic stays as it is';

CREATE FUNCTION @extschema@.rollout_resume(name text, at timestamptz DEFAULT pg_catalog.now())
RETURNS void
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $$
    DECLARE
        r @extschema@.rollouts := @extschema@.rollout_lock(name);
    BEGIN
        PERFORM @extschema@.rollout_expect(r, 'resume', '{held}');
        PERFORM @extschema@.rollout_apply(r, 'resume', NULL, '{}', '{}', 'running',
                                          r.phase_no, COALESCE(at, pg_catalog.now()), 0);
    END
    $$;
COMMENT ON FUNCTION @extschema@.rollout_resume(text, timestamptz) IS
    'Resumes a held rollout: its current phase starts over at the given time, with all its checkpoints';

CREATE FUNCTION @extschema@.rollout_rollback(name text, reason text) RETURNS void
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $$
    DECLARE
        r @extschema@.rollouts := @extschema@.rollout_lock(name);
    BEGIN
        PERFORM @extschema@.rollout_expect(r, 'roll back', '{pending,running,held}');
        PERFORM @extschema@.rollout_apply(r, 'rollback', NULL, ARRAY[reason], '{}', 'rolled_back',
                                          r.phase_no, r.phase_started_at, r.checkpoint_no);
    END
    $$;
COMMENT ON FUNCTION @extschema@.rollout_rollback(text, text) IS
    'Rolls a rollout back at once: treatment share 0, state rolled_back';

CREATE FUNCTION @extschema@.rollout_purge_decisions(older_than timestamptz) RETURNS bigint
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    SET cohort_analyzer.purge_decisions = 'on'
    AS $$
    DECLARE
        purged bigint;
    BEGIN
        IF older_than IS NULL THEN
            RAISE EXCEPTION 'older_than must not be NULL' USING ERRCODE = 'invalid_parameter_value';
        END IF;
        DELETE FROM @extschema@.rollout_decisions d
         USING @extschema@.rollouts r
         WHERE r.id = d.rollout_id AND r.state IN ('completed', 'rolled_back')
           AND d.decided_at < older_than AND @extschema@.rollout_may_change(r.owner);
        GET DIAGNOSTICS purged = ROW_COUNT;
        RETURN purged;
    END
    $$;
COMMENT ON FUNCTION @extschema@.rollout_purge_decisions(timestamptz) IS
    'Deletes decisions made before older_than of finished (completed or rolled back) rollouts the session user owns; returns the number deleted';

-- The steps of a decision run only inside the functions above.
REVOKE ALL ON FUNCTION @extschema@.rollout_judge(@extschema@.rollouts, timestamptz) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.rollout_decide(@extschema@.rollouts) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.rollout_apply(@extschema@.rollouts, text, timestamptz, text[], jsonb, text, integer, timestamptz, integer) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.rollout_lock(text) FROM PUBLIC;
