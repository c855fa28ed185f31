-- ---------------------------------------------------------------------------
-- Rollouts: phases, checkpoint thresholds, automatic advance and rollback
-- ---------------------------------------------------------------------------
--
-- Policy lives in SQL (60-64); src/rollout_*.c only runs a measurement as
-- the rollout's owner, passes the acting role to the functions that change
-- rollouts, and hosts the background workers.

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
    last_error_at timestamptz,
    owner_id regrole NOT NULL,
    failures integer NOT NULL DEFAULT 0,
    retry_at timestamptz,
    salt text NOT NULL,
    database_oid oid,
    database_name name,
    system_identifier bigint
);
CREATE INDEX rollouts_due_idx ON @extschema@.rollouts (next_checkpoint_at)
    WHERE state = 'running';

COMMENT ON TABLE @extschema@.rollouts IS
    'Phased rollouts: source relation, plan, owner and current state (written only through the rollout_* functions)';
COMMENT ON COLUMN @extschema@.rollouts.source IS 'Quoted, schema-qualified name of the request relation';
COMMENT ON COLUMN @extschema@.rollouts.owner IS 'Name of the owner role when the rollout was created (owner_id is the owner)';
COMMENT ON COLUMN @extschema@.rollouts.owner_id IS 'The owner role: the rollout''s source is measured with its rights; a rollout whose owner was dropped is held';
COMMENT ON COLUMN @extschema@.rollouts.phase_no IS 'Index of the current phase in plan->''phases'' (from 0)';
COMMENT ON COLUMN @extschema@.rollouts.phase_run IS 'Counts phase starts; a resumed phase gets a new run';
COMMENT ON COLUMN @extschema@.rollouts.checkpoint_no IS 'Index of the next checkpoint of the current phase (from 0)';
COMMENT ON COLUMN @extschema@.rollouts.last_error IS 'Why the last evaluation failed; NULL once one succeeds';
COMMENT ON COLUMN @extschema@.rollouts.failures IS 'Evaluations that failed in a row; the worker retries with backoff';
COMMENT ON COLUMN @extschema@.rollouts.retry_at IS 'Earliest time the worker evaluates a failing rollout again';
COMMENT ON COLUMN @extschema@.rollouts.database_oid IS 'The database the rollout was started (or last resumed) in: in a copy of it, the rollout is held instead of decided';
COMMENT ON COLUMN @extschema@.rollouts.database_name IS 'Name of that database at the time';
COMMENT ON COLUMN @extschema@.rollouts.system_identifier IS 'System identifier of the cluster it was started (or last resumed) in (pg_control_system()); a promoted standby keeps it';
COMMENT ON COLUMN @extschema@.rollouts.salt IS 'Random salt of the assignment hash (rollout_bucket), fixed at creation';

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
    owner_id regrole NOT NULL,
    UNIQUE (rollout_id, phase_run, checkpoint_no)
);
CREATE INDEX rollout_decisions_rollout_idx ON @extschema@.rollout_decisions (rollout, id);

COMMENT ON TABLE @extschema@.rollout_decisions IS
    'Append-only log of rollout decisions with the measurements behind them; old rows go through rollout_purge_decisions';
COMMENT ON COLUMN @extschema@.rollout_decisions.owner_id IS 'Owner role of the rollout';
COMMENT ON COLUMN @extschema@.rollout_decisions.checkpoint_at IS 'The checkpoint decided; NULL for manual decisions';
COMMENT ON COLUMN @extschema@.rollout_decisions.actor IS '''worker'' for the background worker, else the role that acted (current_user)';
COMMENT ON COLUMN @extschema@.rollout_decisions.state IS 'State of the rollout after the decision';
COMMENT ON COLUMN @extschema@.rollout_decisions.treatment_share IS 'Treatment share after the decision';
COMMENT ON COLUMN @extschema@.rollout_decisions.reasons IS 'Each failed or missing metric with its value and limit, or the reason given by a person';
COMMENT ON COLUMN @extschema@.rollout_decisions.metrics IS 'Every measured value, interval and limit of the checkpoint';

-- User data survives pg_dump.
SELECT pg_catalog.pg_extension_config_dump('@extschema@.rollouts', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.rollouts_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.rollout_decisions', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.rollout_decisions_id_seq', '');

CREATE FUNCTION @extschema@.rollout_may_change(owner regrole) RETURNS boolean
    AS 'MODULE_PATHNAME', 'rollout_may_change' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.rollout_may_change(regrole) IS
    'True when the current user is a member of (or superuser over) the given rollout owner; a dropped owner''s rollouts belong to superusers only';

CREATE FUNCTION @extschema@.rollout_role_may_change(actor regrole, owner regrole) RETURNS boolean
    AS 'MODULE_PATHNAME', 'rollout_role_may_change' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.rollout_role_may_change(regrole, regrole) IS
    'True when actor is a member of (or superuser over) the given rollout owner; a dropped owner''s rollouts belong to superusers only';

-- Nobody writes the tables directly; rows are visible to their owners.
REVOKE ALL ON @extschema@.rollouts, @extschema@.rollout_decisions FROM PUBLIC;
GRANT SELECT ON @extschema@.rollouts, @extschema@.rollout_decisions TO PUBLIC;
ALTER TABLE @extschema@.rollouts ENABLE ROW LEVEL SECURITY;
ALTER TABLE @extschema@.rollout_decisions ENABLE ROW LEVEL SECURITY;
CREATE POLICY rollouts_owner ON @extschema@.rollouts FOR SELECT
    USING (@extschema@.rollout_may_change(owner_id));
CREATE POLICY rollout_decisions_owner ON @extschema@.rollout_decisions FOR SELECT
    USING (@extschema@.rollout_may_change(owner_id));

CREATE FUNCTION @extschema@.rollout_purging() RETURNS boolean
    AS 'MODULE_PATHNAME', 'rollout_purging' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION @extschema@.rollout_purging() IS
    'True while rollout_purge_decisions runs in this session: the only time the decision log allows DELETE';

-- Append-only: UPDATE, DELETE and TRUNCATE fail for everyone, except the
-- DELETE of rollout_purge_decisions.
CREATE FUNCTION @extschema@.rollout_decisions_guard() RETURNS trigger
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
    AS $$
    BEGIN
        IF TG_OP = 'DELETE' AND @extschema@.rollout_purging() THEN
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
