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
    significant boolean,
    std_error double precision
);
COMMENT ON TYPE @extschema@.cohort_comparison IS
    'Treatment versus control on one metric: estimates, difference and relative lift with their intervals, test statistic, degrees of freedom, p-value, standard error of the difference';

CREATE TYPE @extschema@.rate_interval AS (low double precision, high double precision);
COMMENT ON TYPE @extschema@.rate_interval IS 'Confidence interval of a rate';

CREATE FUNCTION @extschema@.compare_cohorts(
    control @extschema@.cohort, treatment @extschema@.cohort,
    metric text DEFAULT 'completion', alpha double precision DEFAULT 0.05,
    alternative text DEFAULT 'two-sided')
RETURNS @extschema@.cohort_comparison
    AS 'MODULE_PATHNAME', 'stats_compare_cohorts' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.compare_cohorts(@extschema@.cohort, @extschema@.cohort, text, double precision, text) IS
    'Fixed-horizon comparison: two-proportion z-test (completion, churn), Welch t-test (value), CUPED Welch t-test (value_cuped), delta-method Welch t-test (ratio)';

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
    'Adjusted p-values as R''s p.adjust: holm, hochberg, hommel, bonferroni, BH (fdr), BY, none';

CREATE FUNCTION @extschema@.sample_size_proportions(
    p1 double precision, p2 double precision,
    alpha double precision DEFAULT 0.05, power double precision DEFAULT 0.8)
RETURNS double precision
    AS 'MODULE_PATHNAME', 'stats_sample_size_proportions' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.sample_size_proportions(double precision, double precision, double precision, double precision) IS
    'Units per arm to detect p1 versus p2 with a two-sided two-proportion test, as power.prop.test computes n';
