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
-- the state is a survival value (an expanded object while it grows), which
-- Citus can ship between nodes
CREATE FUNCTION @extschema@.survival_state_trans(@extschema@.survival, double precision, boolean) RETURNS @extschema@.survival
    AS 'MODULE_PATHNAME', 'survival_state_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.survival_state_rollup(@extschema@.survival, @extschema@.survival) RETURNS @extschema@.survival
    AS 'MODULE_PATHNAME', 'survival_state_rollup' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.survival_state_combine(@extschema@.survival, @extschema@.survival) RETURNS @extschema@.survival
    AS 'MODULE_PATHNAME', 'survival_state_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.survival_state_final(@extschema@.survival) RETURNS @extschema@.survival
    AS 'MODULE_PATHNAME', 'survival_state_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.survival_state_trans(@extschema@.survival, double precision, boolean) IS 'Transition function of survival_agg';
COMMENT ON FUNCTION @extschema@.survival_state_rollup(@extschema@.survival, @extschema@.survival) IS 'Transition function of rollup(survival)';
COMMENT ON FUNCTION @extschema@.survival_state_combine(@extschema@.survival, @extschema@.survival) IS 'Combine function of the survival aggregates and prediction_score_agg (parallel query, Citus)';
COMMENT ON FUNCTION @extschema@.survival_state_final(@extschema@.survival) IS 'Final function of the survival aggregates: the stored value, empty for no rows';

CREATE AGGREGATE @extschema@.survival_agg(duration double precision, churned boolean) (
    SFUNC = @extschema@.survival_state_trans, STYPE = @extschema@.survival, SSPACE = 1280,
    FINALFUNC = @extschema@.survival_state_final,
    COMBINEFUNC = @extschema@.survival_state_combine,
    PARALLEL = SAFE);
CREATE AGGREGATE @extschema@.rollup(@extschema@.survival) (
    SFUNC = @extschema@.survival_state_rollup, STYPE = @extschema@.survival, SSPACE = 1280,
    FINALFUNC = @extschema@.survival_state_final,
    COMBINEFUNC = @extschema@.survival_state_combine,
    PARALLEL = SAFE);

COMMENT ON AGGREGATE @extschema@.survival_agg(double precision, boolean) IS
    'Survival value of units (one row per unit): duration until churn, or until censoring when churned is false';
COMMENT ON AGGREGATE @extschema@.rollup(@extschema@.survival) IS
    'Merges stored survival values into one';
