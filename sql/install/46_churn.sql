-- ---------------------------------------------------------------------------
-- Churn prediction and trends: hazard ratios, conditional churn risk,
-- scoring of predictions, retention hazards and trend tests
-- ---------------------------------------------------------------------------

CREATE FUNCTION @extschema@.hazard_ratio(
    control @extschema@.survival, treatment @extschema@.survival,
    ties text DEFAULT 'efron', level double precision DEFAULT 0.95,
    OUT hazard_ratio double precision, OUT low double precision,
    OUT high double precision, OUT z double precision,
    OUT p_value double precision, OUT log_rank_p_value double precision,
    OUT coef double precision, OUT std_err double precision,
    OUT score_chisq double precision)
RETURNS record
    AS 'MODULE_PATHNAME', 'churn_hazard_ratio' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.hazard_ratio(@extschema@.survival, @extschema@.survival, text, double precision) IS
    'Hazard ratio of treatment to control from a Cox model fitted on the two survival values (ties efron or breslow), with its Wald interval and test and the score (log-rank) test, as R coxph';

CREATE FUNCTION @extschema@.churn_probability(
    s @extschema@.survival, tenure double precision, horizon double precision,
    level double precision DEFAULT 0.95,
    OUT probability double precision, OUT low double precision,
    OUT high double precision)
RETURNS record
    AS 'MODULE_PATHNAME', 'churn_probability' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.churn_probability(@extschema@.survival, double precision, double precision, double precision) IS
    'Probability that a unit still there after tenure churns within the next horizon, 1 - S(tenure + horizon) / S(tenure) from the Kaplan-Meier curve, with a Greenwood interval';

CREATE FUNCTION @extschema@.retention_hazard(r @extschema@.retention)
RETURNS double precision[]
    AS 'MODULE_PATHNAME', 'churn_retention_hazard_sql' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.retention_hazard(@extschema@.retention) IS
    'Churn hazard per period: the share of units still active at period k (in it or later) that are never active after it; NULL for the last period and where undefined';

CREATE FUNCTION @extschema@.trend_test(
    c @extschema@.cohort[], metric text,
    OUT slope double precision, OUT statistic double precision,
    OUT p_value double precision)
RETURNS record
    AS 'MODULE_PATHNAME', 'churn_trend_test' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.trend_test(@extschema@.cohort[], text) IS
    'Trend across ordered cohorts scored 1, 2, ...: Cochran-Armitage chi-square for completion or churn (as R prop.trend.test), t test of the regression of values on the score for value (as R lm)';

CREATE TYPE @extschema@.prediction_score AS (
    n bigint, auc double precision, brier double precision, calibration jsonb);
COMMENT ON TYPE @extschema@.prediction_score IS
    'Quality of churn predictions: units scored, AUC, Brier score and observed against predicted churn per tenth of the probability scale';

CREATE FUNCTION @extschema@.prediction_score_state_trans(@extschema@.survival, double precision, boolean) RETURNS @extschema@.survival
    AS 'MODULE_PATHNAME', 'prediction_score_state_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.prediction_score_state_final(@extschema@.survival) RETURNS @extschema@.prediction_score
    AS 'MODULE_PATHNAME', 'prediction_score_state_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.prediction_score_state_trans(@extschema@.survival, double precision, boolean) IS
    'Transition function of prediction_score_agg (state: a survival value of (predicted, churned) points)';
COMMENT ON FUNCTION @extschema@.prediction_score_state_final(@extschema@.survival) IS 'Final function of prediction_score_agg';

CREATE AGGREGATE @extschema@.prediction_score_agg(predicted double precision, churned boolean) (
    SFUNC = @extschema@.prediction_score_state_trans, STYPE = @extschema@.survival, SSPACE = 1280,
    FINALFUNC = @extschema@.prediction_score_state_final,
    COMBINEFUNC = @extschema@.survival_state_combine,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.prediction_score_agg(double precision, boolean) IS
    'How good churn predictions were (one row per unit: predicted probability, whether it churned): n, AUC, Brier score and calibration; exact in any order and in parallel';

-- stratified log-rank test
CREATE FUNCTION @extschema@.logrank_test_strata(
    a @extschema@.survival[], b @extschema@.survival[],
    OUT chisq double precision, OUT df integer, OUT p_value double precision)
RETURNS record
    AS 'MODULE_PATHNAME', 'survival_logrank_strata' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.logrank_test_strata(@extschema@.survival[], @extschema@.survival[]) IS
    'Stratified log-rank test: element i of a and b are the two groups of stratum i (as R survdiff with strata)';

CREATE TYPE @extschema@.logrank_result AS (chisq double precision, df integer, p_value double precision);
COMMENT ON TYPE @extschema@.logrank_result IS 'Result of the stratified log-rank aggregate: chi-square, degrees of freedom, p-value';

-- the state is a double precision[] of four terms per stratum, which Citus
-- can ship between nodes
CREATE FUNCTION @extschema@.survival_strata_state_trans(double precision[], @extschema@.survival, @extschema@.survival) RETURNS double precision[]
    AS 'MODULE_PATHNAME', 'survival_strata_state_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.survival_strata_state_combine(double precision[], double precision[]) RETURNS double precision[]
    AS 'MODULE_PATHNAME', 'survival_strata_state_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.survival_strata_state_final(double precision[]) RETURNS @extschema@.logrank_result
    AS 'MODULE_PATHNAME', 'survival_strata_state_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.survival_strata_state_trans(double precision[], @extschema@.survival, @extschema@.survival) IS
    'Transition function of stratified_logrank_test (state: observed minus expected, variance and the two expected counts of each stratum)';
COMMENT ON FUNCTION @extschema@.survival_strata_state_combine(double precision[], double precision[]) IS 'Combine function of stratified_logrank_test (parallel query, Citus)';
COMMENT ON FUNCTION @extschema@.survival_strata_state_final(double precision[]) IS 'Final function of stratified_logrank_test';

CREATE AGGREGATE @extschema@.stratified_logrank_test(a @extschema@.survival, b @extschema@.survival) (
    SFUNC = @extschema@.survival_strata_state_trans, STYPE = double precision[],
    FINALFUNC = @extschema@.survival_strata_state_final,
    COMBINEFUNC = @extschema@.survival_strata_state_combine,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.stratified_logrank_test(@extschema@.survival, @extschema@.survival) IS
    'Stratified log-rank test over one row per stratum holding its two groups (as R survdiff with strata); the same in any row order';
