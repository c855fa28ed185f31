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
    SELECT (t.k OPERATOR(pg_catalog.-) 1)::integer, @extschema@.units(r), t.e, t.a, t.rate
    FROM ROWS FROM (pg_catalog.unnest(@extschema@.retention_counts(r, 'eligible'::text)),
                    pg_catalog.unnest(@extschema@.retention_counts(r, mode)),
                    pg_catalog.unnest(@extschema@.retention_rates(r, mode)))
         WITH ORDINALITY AS t(e, a, rate, k)
$$;
COMMENT ON FUNCTION @extschema@.retention_table(@extschema@.retention, text) IS
    'One row per period of a retention value: cohort size, eligible and active units and their rate; joined laterally to stored values it gives the cohort x period matrix';

-- ---------------------------------------------------------------------------
-- Aggregates
-- ---------------------------------------------------------------------------

-- the state is an activity value (an expanded object while it is built),
-- which Citus can ship between nodes
CREATE FUNCTION @extschema@.activity_state_trans(@extschema@.activity, timestamptz, timestamptz, text, integer)
RETURNS @extschema@.activity
    AS 'MODULE_PATHNAME', 'activity_state_trans' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.activity_state_trans(@extschema@.activity, timestamptz, timestamptz, text, integer, text)
RETURNS @extschema@.activity
    AS 'MODULE_PATHNAME', 'activity_state_trans' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.activity_state_trans(@extschema@.activity, timestamptz, timestamptz, text, integer, text, text)
RETURNS @extschema@.activity
    AS 'MODULE_PATHNAME', 'activity_state_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.activity_state_combine(@extschema@.activity, @extschema@.activity) RETURNS @extschema@.activity
    AS 'MODULE_PATHNAME', 'activity_state_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.activity_state_final(@extschema@.activity) RETURNS @extschema@.activity
    AS 'MODULE_PATHNAME', 'activity_state_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.activity_state_trans(@extschema@.activity, timestamptz, timestamptz, text, integer) IS 'Transition function of activity_agg';
COMMENT ON FUNCTION @extschema@.activity_state_trans(@extschema@.activity, timestamptz, timestamptz, text, integer, text) IS 'Transition function of activity_agg with a locale';
COMMENT ON FUNCTION @extschema@.activity_state_trans(@extschema@.activity, timestamptz, timestamptz, text, integer, text, text) IS 'Transition function of activity_agg with a locale and a time zone';
COMMENT ON FUNCTION @extschema@.activity_state_combine(@extschema@.activity, @extschema@.activity) IS 'Combine function of activity_agg (parallel query, Citus)';
COMMENT ON FUNCTION @extschema@.activity_state_final(@extschema@.activity) IS 'Final function of activity_agg';

CREATE AGGREGATE @extschema@.activity_agg(origin timestamptz, activity timestamptz, unit text, periods integer) (
    SFUNC = @extschema@.activity_state_trans, STYPE = @extschema@.activity, SSPACE = 1280,
    FINALFUNC = @extschema@.activity_state_final,
    COMBINEFUNC = @extschema@.activity_state_combine,
    PARALLEL = SAFE);
CREATE AGGREGATE @extschema@.activity_agg(origin timestamptz, activity timestamptz, unit text, periods integer, locale text) (
    SFUNC = @extschema@.activity_state_trans, STYPE = @extschema@.activity, SSPACE = 1280,
    FINALFUNC = @extschema@.activity_state_final,
    COMBINEFUNC = @extschema@.activity_state_combine,
    PARALLEL = SAFE);
CREATE AGGREGATE @extschema@.activity_agg(origin timestamptz, activity timestamptz, unit text, periods integer, locale text,
                                          time_zone text) (
    SFUNC = @extschema@.activity_state_trans, STYPE = @extschema@.activity, SSPACE = 1280,
    FINALFUNC = @extschema@.activity_state_final,
    COMBINEFUNC = @extschema@.activity_state_combine,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.activity_agg(timestamptz, timestamptz, text, integer) IS
    'Activity of one unit (one row per event): the periods 0 .. periods - 1 after its origin''s period, in ISO weeks and the session''s TimeZone, in which it was active';
COMMENT ON AGGREGATE @extschema@.activity_agg(timestamptz, timestamptz, text, integer, text) IS
    'Activity of one unit (one row per event), with the calendar and first day of the week of an ICU locale';
COMMENT ON AGGREGATE @extschema@.activity_agg(timestamptz, timestamptz, text, integer, text, text) IS
    'Activity of one unit (one row per event), with the calendar of an ICU locale (NULL: ISO weeks) and the periods in the given time zone, which the value records (the same on every node of a cluster)';

-- the state is a retention value (an expanded object while it is built),
-- which Citus can ship between nodes
CREATE FUNCTION @extschema@.retention_state_trans(@extschema@.retention, @extschema@.activity) RETURNS @extschema@.retention
    AS 'MODULE_PATHNAME', 'retention_state_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.retention_state_trans(@extschema@.retention, @extschema@.activity, timestamptz) RETURNS @extschema@.retention
    AS 'MODULE_PATHNAME', 'retention_state_trans' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.retention_state_rollup(@extschema@.retention, @extschema@.retention) RETURNS @extschema@.retention
    AS 'MODULE_PATHNAME', 'retention_state_rollup' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.retention_state_combine(@extschema@.retention, @extschema@.retention) RETURNS @extschema@.retention
    AS 'MODULE_PATHNAME', 'retention_state_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.retention_state_final(@extschema@.retention) RETURNS @extschema@.retention
    AS 'MODULE_PATHNAME', 'retention_state_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.retention_state_trans(@extschema@.retention, @extschema@.activity) IS 'Transition function of retention_agg';
COMMENT ON FUNCTION @extschema@.retention_state_trans(@extschema@.retention, @extschema@.activity, timestamptz) IS 'Transition function of retention_agg with a cutoff';
COMMENT ON FUNCTION @extschema@.retention_state_rollup(@extschema@.retention, @extschema@.retention) IS 'Transition function of rollup(retention)';
COMMENT ON FUNCTION @extschema@.retention_state_combine(@extschema@.retention, @extschema@.retention) IS 'Combine function of the retention aggregates (parallel query, Citus)';
COMMENT ON FUNCTION @extschema@.retention_state_final(@extschema@.retention) IS 'Final function of the retention aggregates: the stored value, NULL for no activities';

CREATE AGGREGATE @extschema@.retention_agg(@extschema@.activity) (
    SFUNC = @extschema@.retention_state_trans, STYPE = @extschema@.retention, SSPACE = 1280,
    FINALFUNC = @extschema@.retention_state_final,
    COMBINEFUNC = @extschema@.retention_state_combine,
    PARALLEL = SAFE);
CREATE AGGREGATE @extschema@.retention_agg(@extschema@.activity, as_of timestamptz) (
    SFUNC = @extschema@.retention_state_trans, STYPE = @extschema@.retention, SSPACE = 1280,
    FINALFUNC = @extschema@.retention_state_final,
    COMBINEFUNC = @extschema@.retention_state_combine,
    PARALLEL = SAFE);
CREATE AGGREGATE @extschema@.rollup(@extschema@.retention) (
    SFUNC = @extschema@.retention_state_rollup, STYPE = @extschema@.retention, SSPACE = 1280,
    FINALFUNC = @extschema@.retention_state_final,
    COMBINEFUNC = @extschema@.retention_state_combine,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.retention_agg(@extschema@.activity) IS
    'Retention of a cohort from its units'' activities, every period counting for every unit';
COMMENT ON AGGREGATE @extschema@.retention_agg(@extschema@.activity, timestamptz) IS
    'Retention of a cohort, each unit eligible only for the periods that have ended by as_of';
COMMENT ON AGGREGATE @extschema@.rollup(@extschema@.retention) IS
    'Merges stored retention values of the same unit and number of periods';
