-- ---------------------------------------------------------------------------
-- Experiment design and analysis beyond two arms (doc/statistics.md):
-- one-sided sequential tests, power and sample sizes
-- ---------------------------------------------------------------------------

-- All six arguments: an overload with defaults would make the five-argument
-- calls ambiguous.
CREATE FUNCTION @extschema@.compare_cohorts_sequential(
    control @extschema@.cohort, treatment @extschema@.cohort, metric text,
    alpha double precision, tuning double precision, alternative text)
RETURNS @extschema@.cohort_comparison
    AS 'MODULE_PATHNAME', 'stats_compare_cohorts_sequential_alt' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.compare_cohorts_sequential(@extschema@.cohort, @extschema@.cohort, text, double precision, double precision, text) IS
    'Always-valid comparison with the alternative of the caller''s choice: two-sided, greater or less (one-sided sequence)';

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

-- ---------------------------------------------------------------------------
-- Segments and several arms
-- ---------------------------------------------------------------------------

CREATE TYPE @extschema@.heterogeneity AS (
    q double precision,
    df integer,
    p_value double precision,
    i_squared double precision,
    pooled_estimate double precision,
    pooled_std_error double precision
);
COMMENT ON TYPE @extschema@.heterogeneity IS
    'Cochran''s Q test of whether an effect differs between segments, I², and the fixed-effect pooled estimate';

CREATE FUNCTION @extschema@.heterogeneity_test(estimates double precision[], std_errors double precision[])
RETURNS @extschema@.heterogeneity
    AS 'MODULE_PATHNAME', 'stats_heterogeneity_test' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.heterogeneity_test(double precision[], double precision[]) IS
    'Cochran''s Q over per-segment estimates and their standard errors (inverse-variance weights); segments with a NULL are left out';

CREATE TYPE @extschema@.arm_comparison AS (
    arm text,
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
    std_error double precision,
    p_value double precision,
    adjusted_p_value double precision,
    significant boolean
);
COMMENT ON TYPE @extschema@.arm_comparison IS
    'One treatment arm against the control: the fields of cohort_comparison with the p-value adjusted across arms';

CREATE FUNCTION @extschema@.compare_arms(
    arms @extschema@.cohort[], names text[], control text,
    metric text DEFAULT 'completion', alpha double precision DEFAULT 0.05,
    alternative text DEFAULT 'two-sided', adjust text DEFAULT 'holm')
RETURNS SETOF @extschema@.arm_comparison
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    k integer := pg_catalog.cardinality(arms);
    control_at integer;
BEGIN
    IF pg_catalog.array_ndims(arms) > 1 OR pg_catalog.array_ndims(names) > 1 THEN
        RAISE EXCEPTION 'arms and names must be one-dimensional arrays' USING ERRCODE = '2202E';
    END IF;
    IF k <> pg_catalog.cardinality(names) THEN
        RAISE EXCEPTION 'arms and names must have the same length, got % and %', k, pg_catalog.cardinality(names)
            USING ERRCODE = '2202E';
    END IF;
    IF EXISTS (SELECT FROM pg_catalog.unnest(arms) AS u(a) WHERE u.a IS NULL)
       OR EXISTS (SELECT FROM pg_catalog.unnest(names) AS u(n) WHERE u.n IS NULL) THEN
        RAISE EXCEPTION 'arms and names must not contain NULL elements' USING ERRCODE = '22004';
    END IF;
    IF (SELECT pg_catalog.count(DISTINCT n) FROM pg_catalog.unnest(names) AS u(n)) <> k THEN
        RAISE EXCEPTION 'names must be distinct' USING ERRCODE = '22023';
    END IF;
    control_at := pg_catalog.array_position(names, control);
    IF control_at IS NULL THEN
        RAISE EXCEPTION 'control "%" is not among the names', control USING ERRCODE = '22023',
            HINT = pg_catalog.format('The names are %s.', names::text);
    END IF;
    IF k < 2 THEN
        RAISE EXCEPTION 'compare_arms needs a control and at least one treatment arm' USING ERRCODE = '22023';
    END IF;
    RETURN QUERY
    WITH cmp AS (
        SELECT u.name, u.ord, r AS c, pg_catalog.row_number() OVER (ORDER BY u.ord) AS pos
        FROM ROWS FROM (pg_catalog.unnest(arms), pg_catalog.unnest(names)) WITH ORDINALITY AS u(summary, name, ord),
             LATERAL @extschema@.compare_cohorts(arms[control_at], u.summary, metric, alpha, alternative) AS r
        WHERE u.ord <> control_at),
    adj AS (
        SELECT @extschema@.p_adjust(pg_catalog.array_agg((cmp.c).p_value ORDER BY cmp.pos), adjust) AS p
        FROM cmp)
    SELECT cmp.name, (cmp.c).metric, (cmp.c).method, (cmp.c).control_estimate, (cmp.c).treatment_estimate,
           (cmp.c).difference, (cmp.c).difference_low, (cmp.c).difference_high, (cmp.c).relative_lift,
           (cmp.c).relative_lift_low, (cmp.c).relative_lift_high, (cmp.c).statistic, (cmp.c).df,
           (cmp.c).std_error, (cmp.c).p_value, adj.p[cmp.pos],
           adj.p[cmp.pos] < alpha
    FROM cmp, adj
    ORDER BY cmp.ord;
END
$$;
COMMENT ON FUNCTION @extschema@.compare_arms(@extschema@.cohort[], text[], text, text, double precision, text, text) IS
    'Each treatment arm against the control arm with compare_cohorts, p-values adjusted across arms (p_adjust method, holm by default)';

-- ---------------------------------------------------------------------------
-- Ratio metrics
-- ---------------------------------------------------------------------------

CREATE FUNCTION @extschema@.ratio(summary @extschema@.cohort)
RETURNS double precision
    AS 'MODULE_PATHNAME', 'cohort_ratio' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.ratio(@extschema@.cohort) IS
    'Ratio metric: sum of values / sum of covariates over the units that have both (NULL when there are none or the covariates sum to 0)';

-- ---------------------------------------------------------------------------
-- Bayesian risk
-- ---------------------------------------------------------------------------

CREATE TYPE @extschema@.expected_loss AS (
    choose_control double precision,
    choose_treatment double precision,
    method text
);
COMMENT ON TYPE @extschema@.expected_loss IS
    'Expected loss, in units of the metric, of shipping the control and of shipping the treatment';

CREATE FUNCTION @extschema@.expected_loss(
    control @extschema@.cohort, treatment @extschema@.cohort,
    metric text DEFAULT 'completion')
RETURNS @extschema@.expected_loss
    AS 'MODULE_PATHNAME', 'stats_expected_loss' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.expected_loss(@extschema@.cohort, @extschema@.cohort, text) IS
    'Bayesian risk of each decision: exact under Beta posteriors for rates (normal approximation at very large counts), normal posterior of the difference for values and ratios';

-- ---------------------------------------------------------------------------
-- A/A tests in one pass
-- ---------------------------------------------------------------------------

CREATE TYPE @extschema@.aa;
CREATE FUNCTION @extschema@.aa_in(cstring) RETURNS @extschema@.aa
    AS 'MODULE_PATHNAME', 'aa_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.aa_in(cstring) IS 'Input of an aa summary: its binary form in hexadecimal';
CREATE FUNCTION @extschema@.aa_out(@extschema@.aa) RETURNS cstring
    AS 'MODULE_PATHNAME', 'aa_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.aa_out(@extschema@.aa) IS 'Output of an aa summary: its binary form in hexadecimal';
CREATE FUNCTION @extschema@.aa_recv(internal) RETURNS @extschema@.aa
    AS 'MODULE_PATHNAME', 'aa_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.aa_recv(internal) IS 'Binary input of an aa summary (validated)';
CREATE FUNCTION @extschema@.aa_send(@extschema@.aa) RETURNS bytea
    AS 'MODULE_PATHNAME', 'aa_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.aa_send(@extschema@.aa) IS 'Binary output of an aa summary';
CREATE TYPE @extschema@.aa (
    INPUT = @extschema@.aa_in, OUTPUT = @extschema@.aa_out,
    RECEIVE = @extschema@.aa_recv, SEND = @extschema@.aa_send,
    INTERNALLENGTH = VARIABLE, ALIGNMENT = double, STORAGE = extended);
COMMENT ON TYPE @extschema@.aa IS
    'A/A summary: the same units split into two pseudo-arms many times at once, a pair of cohort summaries per split (format version 1)';

-- the state is an aa value, updated in place, which Citus can ship between
-- nodes
CREATE FUNCTION @extschema@.aa_state_trans(@extschema@.aa, text, boolean, boolean, double precision)
RETURNS @extschema@.aa AS 'MODULE_PATHNAME', 'aa_state_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.aa_state_trans(@extschema@.aa, text, boolean, boolean, double precision) IS
    'Transition function of aa_agg (200 splits)';
CREATE FUNCTION @extschema@.aa_state_trans(@extschema@.aa, text, boolean, boolean, double precision, integer)
RETURNS @extschema@.aa AS 'MODULE_PATHNAME', 'aa_state_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.aa_state_trans(@extschema@.aa, text, boolean, boolean, double precision, integer) IS
    'Transition function of aa_agg';
CREATE FUNCTION @extschema@.aa_state_combine(@extschema@.aa, @extschema@.aa)
RETURNS @extschema@.aa AS 'MODULE_PATHNAME', 'aa_state_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.aa_state_combine(@extschema@.aa, @extschema@.aa) IS 'Combine function of aa_agg (parallel query, Citus)';
CREATE FUNCTION @extschema@.aa_state_final(@extschema@.aa)
RETURNS @extschema@.aa AS 'MODULE_PATHNAME', 'aa_state_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.aa_state_final(@extschema@.aa) IS 'Final function of aa_agg';

CREATE AGGREGATE @extschema@.aa_agg(unit_id text, completed boolean, churned boolean, value double precision) (
    SFUNC = @extschema@.aa_state_trans, STYPE = @extschema@.aa, SSPACE = 44816,
    COMBINEFUNC = @extschema@.aa_state_combine,
    FINALFUNC = @extschema@.aa_state_final, PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.aa_agg(text, boolean, boolean, double precision) IS
    'A/A summary of unit rows over 200 random splits (one row per unit; rows without a unit id are skipped)';
CREATE AGGREGATE @extschema@.aa_agg(unit_id text, completed boolean, churned boolean, value double precision,
                                    splits integer) (
    SFUNC = @extschema@.aa_state_trans, STYPE = @extschema@.aa, SSPACE = 44816,
    COMBINEFUNC = @extschema@.aa_state_combine,
    FINALFUNC = @extschema@.aa_state_final, PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.aa_agg(text, boolean, boolean, double precision, integer) IS
    'A/A summary of unit rows over the given number of random splits (100 to 10000)';

CREATE TYPE @extschema@.aa_report AS (
    metric text,
    splits integer,
    rejections integer,
    false_positive_rate double precision,
    fpr_low double precision,
    fpr_high double precision,
    uniformity_p_value double precision
);
COMMENT ON TYPE @extschema@.aa_report IS
    'How often compare_cohorts rejects over the A/A splits (exact 95% interval) and whether the split p-values are uniform';

CREATE FUNCTION @extschema@.aa_report(summary @extschema@.aa, metric text DEFAULT 'completion',
                                      alpha double precision DEFAULT 0.05)
RETURNS @extschema@.aa_report
    AS 'MODULE_PATHNAME', 'aa_report_fn' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.aa_report(@extschema@.aa, text, double precision) IS
    'A/A check: false-positive rate of compare_cohorts at alpha over the splits (Clopper-Pearson interval) and the Kolmogorov-Smirnov p-value of the split p-values against the uniform distribution';

CREATE FUNCTION @extschema@.aa_splits(summary @extschema@.aa,
                                      OUT split integer, OUT control @extschema@.cohort,
                                      OUT treatment @extschema@.cohort)
RETURNS SETOF record
    AS 'MODULE_PATHNAME', 'aa_splits_fn' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.aa_splits(@extschema@.aa) IS 'The two pseudo-arms of every split of an A/A summary';

CREATE FUNCTION @extschema@.aa_arm(unit_id text, split integer)
RETURNS integer
    AS 'MODULE_PATHNAME', 'aa_unit_arm' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.aa_arm(text, integer) IS
    'The pseudo-arm (0: control, 1: treatment) that aa_agg gives a unit in a split (1-based)';
