-- ---------------------------------------------------------------------------
-- SQL API
-- ---------------------------------------------------------------------------

-- The implementations: NAME_as(actor, args) runs as the extension's owner
-- and is called only by the C entry point of NAME (src/rollout_api.c),
-- which passes the role actually acting.

CREATE FUNCTION @extschema@.rollout_create_as(actor regrole, name text, source regclass, plan jsonb)
RETURNS bigint
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $$
    DECLARE
        qualified text;
        relkind "char";
        relowner regrole;
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
        SELECT pg_catalog.format('%I.%I', n.nspname, c.relname), c.relkind, c.relowner
          INTO qualified, relkind, relowner
          FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
         WHERE c.oid = source AND c.relkind IN ('r', 'v', 'm', 'p', 'f');
        IF qualified IS NULL THEN
            RAISE EXCEPTION 'source % is not a table or view', source USING ERRCODE = 'invalid_parameter_value';
        END IF;
        IF NOT pg_catalog.has_table_privilege(actor::oid, source::oid, 'SELECT') THEN
            RAISE EXCEPTION 'permission denied for source %', source
                USING ERRCODE = 'insufficient_privilege',
                      DETAIL = pg_catalog.format('Rollouts read their source with the rights of their owner, %s.', actor);
        END IF;
        checked := @extschema@.rollout_plan_validate(COALESCE(plan, @extschema@.rollout_default_plan(
            @extschema@.rollout_source_column(source, '{}'::jsonb, 'revenue'::text) IS NOT NULL)));
        -- a timestamp without time zone is read in the owner's time zone of now
        IF NOT checked ? 'timezone'
           AND @extschema@.rollout_column_type(source, @extschema@.rollout_source_column(source, checked, 'ts'::text))
               = 'timestamp without time zone'::regtype THEN
            checked := checked || pg_catalog.jsonb_build_object('timezone', pg_catalog.current_setting('TimeZone'));
        END IF;
        PERFORM @extschema@.rollout_source_query(qualified, checked);

        -- the source's code (a view's body and the functions it calls, row
        -- security policies) runs with the owner's rights at every checkpoint
        IF relowner <> actor THEN
            IF relkind = 'v' AND (SELECT r.rolsuper FROM pg_catalog.pg_roles r WHERE r.oid = actor)
               AND (checked -> 'trust_source') IS DISTINCT FROM 'true'::jsonb THEN
                RAISE EXCEPTION 'source % is a view owned by role %, and rollout owner % is a superuser',
                                source, relowner, actor
                    USING ERRCODE = 'insufficient_privilege',
                          DETAIL = 'The view''s code would run with superuser rights at every checkpoint.',
                          HINT = 'Create the rollout as a role without superuser rights (SET ROLE), or set "trust_source": true in the plan after reviewing the view and every function it calls.';
            END IF;
            RAISE WARNING 'source % is owned by role %: its code runs with the rights of rollout owner % at every checkpoint',
                          source, relowner, actor
                USING DETAIL = 'A view''s body and the functions it calls, and row security policies, run as the rollout''s owner.';
        END IF;

        -- guardrails need their column
        FOR guardrail, column_name IN SELECT m.name, m.field FROM @extschema@.rollout_metrics() AS m
                                      WHERE m.kind = 'guardrail' LOOP
            IF EXISTS (SELECT 1 FROM pg_catalog.jsonb_array_elements(checked -> 'phases') AS p
                       WHERE (p -> 'thresholds') ? guardrail) THEN
                IF @extschema@.rollout_source_column(source, checked, column_name) IS NULL THEN
                    RAISE EXCEPTION 'metric % needs column "%" in source %', guardrail,
                                    COALESCE(checked -> 'columns' ->> column_name, column_name), source
                        USING ERRCODE = 'invalid_parameter_value';
                END IF;
            END IF;
        END LOOP;

        BEGIN
            INSERT INTO @extschema@.rollouts (name, source, owner, owner_id, plan, salt)
            VALUES (rollout_create_as.name, qualified, actor::text, actor, checked,
                    pg_catalog.replace(pg_catalog.gen_random_uuid()::text, '-', ''))
            RETURNING id INTO result;
        EXCEPTION WHEN unique_violation THEN
            RAISE EXCEPTION 'rollout "%" already exists', rollout_create_as.name
                USING ERRCODE = 'invalid_parameter_value';
        END;
        RETURN result;
    END
    $$;
COMMENT ON FUNCTION @extschema@.rollout_create_as(regrole, text, regclass, jsonb) IS
    'rollout_create on behalf of actor, who becomes the owner';

-- Locks a rollout actor may change, or raises an error.
CREATE FUNCTION @extschema@.rollout_lock(rollout_name text, actor regrole) RETURNS @extschema@.rollouts
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
        IF NOT @extschema@.rollout_role_may_change(actor, r.owner_id) THEN
            RAISE EXCEPTION 'must be owner of rollout "%"', rollout_name
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN r;
    END
    $$;
COMMENT ON FUNCTION @extschema@.rollout_lock(text, regrole) IS
    'Locks a rollout for change after checking that actor owns it (is a member of its owner role, or a superuser)';

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

CREATE FUNCTION @extschema@.rollout_start_as(actor regrole, name text, at timestamptz)
RETURNS void
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $$
    DECLARE
        r @extschema@.rollouts := @extschema@.rollout_lock(name, actor);
    BEGIN
        IF at IS NULL OR NOT pg_catalog.isfinite(at) THEN
            RAISE EXCEPTION 'at must be a finite timestamp' USING ERRCODE = 'invalid_parameter_value';
        END IF;
        PERFORM @extschema@.rollout_expect(r, 'start'::text, '{pending}'::text[]);
        PERFORM @extschema@.rollout_apply(r, actor::text, 'start'::text, NULL::timestamptz, '{}'::text[],
                                          '{}'::jsonb, 'running'::text, 0, at, 0);
    END
    $$;
COMMENT ON FUNCTION @extschema@.rollout_start_as(regrole, text, timestamptz) IS
    'rollout_start on behalf of actor';

CREATE FUNCTION @extschema@.rollout_tick_as(actor regrole, as_of timestamptz)
RETURNS integer
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $$
    DECLARE
        decisions integer := 0;
        rid bigint;
    BEGIN
        IF as_of IS NULL OR NOT pg_catalog.isfinite(as_of) THEN
            RAISE EXCEPTION 'as_of must be a finite timestamp' USING ERRCODE = 'invalid_parameter_value';
        END IF;
        FOR rid IN SELECT id FROM @extschema@.rollouts
                   WHERE state = 'running' AND next_checkpoint_at <= as_of
                     AND @extschema@.rollout_role_may_change(actor, owner_id)
                   ORDER BY next_checkpoint_at, id LOOP
            decisions := decisions + @extschema@.rollout_tick_one(rid, as_of, actor::text);
        END LOOP;
        RETURN decisions;
    END
    $$;
COMMENT ON FUNCTION @extschema@.rollout_tick_as(regrole, timestamptz) IS
    'rollout_tick on behalf of actor: the running rollouts actor may change';

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

-- A reason a person gives must say something.
CREATE FUNCTION @extschema@.rollout_reason(reason text) RETURNS text[]
    LANGUAGE plpgsql IMMUTABLE
    SET search_path = pg_catalog, pg_temp
    AS $$
    BEGIN
        IF reason IS NULL OR pg_catalog.btrim(reason) = '' THEN
            RAISE EXCEPTION 'reason must not be NULL or empty' USING ERRCODE = 'invalid_parameter_value';
        END IF;
        RETURN ARRAY[reason];
    END
    $$;
COMMENT ON FUNCTION @extschema@.rollout_reason(text) IS
    'The reason of a manual decision as the decision''s reasons; an error when it is NULL or blank';

CREATE FUNCTION @extschema@.rollout_advance_as(actor regrole, name text, reason text, at timestamptz)
RETURNS void
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $$
    DECLARE
        r @extschema@.rollouts := @extschema@.rollout_lock(name, actor);
    BEGIN
        PERFORM @extschema@.rollout_expect(r, 'advance'::text, '{running,held}'::text[]);
        IF r.phase_no = pg_catalog.jsonb_array_length(r.plan -> 'phases') - 1 THEN
            PERFORM @extschema@.rollout_apply(r, actor::text, 'complete'::text, NULL::timestamptz,
                                              @extschema@.rollout_reason(reason), '{}'::jsonb, 'completed'::text,
                                              r.phase_no, r.phase_started_at, r.checkpoint_no);
        ELSE
            PERFORM @extschema@.rollout_apply(r, actor::text, 'advance'::text, NULL::timestamptz,
                                              @extschema@.rollout_reason(reason), '{}'::jsonb, 'running'::text,
                                              r.phase_no + 1, COALESCE(at, pg_catalog.now()), 0);
        END IF;
    END
    $$;
COMMENT ON FUNCTION @extschema@.rollout_advance_as(regrole, text, text, timestamptz) IS
    'rollout_advance on behalf of actor';

CREATE FUNCTION @extschema@.rollout_hold_as(actor regrole, name text, reason text) RETURNS void
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $$
    DECLARE
        r @extschema@.rollouts := @extschema@.rollout_lock(name, actor);
    BEGIN
        PERFORM @extschema@.rollout_expect(r, 'hold'::text, '{running}'::text[]);
        PERFORM @extschema@.rollout_apply(r, actor::text, 'hold'::text, NULL::timestamptz,
                                          @extschema@.rollout_reason(reason), '{}'::jsonb, 'held'::text,
                                          r.phase_no, r.phase_started_at, r.checkpoint_no);
    END
    $$;
COMMENT ON FUNCTION @extschema@.rollout_hold_as(regrole, text, text) IS
    'rollout_hold on behalf of actor';

CREATE FUNCTION @extschema@.rollout_resume_as(actor regrole, name text, at timestamptz)
RETURNS void
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $$
    DECLARE
        r @extschema@.rollouts := @extschema@.rollout_lock(name, actor);
    BEGIN
        PERFORM @extschema@.rollout_expect(r, 'resume'::text, '{held}'::text[]);
        PERFORM @extschema@.rollout_apply(r, actor::text, 'resume'::text, NULL::timestamptz, '{}'::text[],
                                          '{}'::jsonb, 'running'::text, r.phase_no,
                                          COALESCE(at, pg_catalog.now()), 0);
    END
    $$;
COMMENT ON FUNCTION @extschema@.rollout_resume_as(regrole, text, timestamptz) IS
    'rollout_resume on behalf of actor';

CREATE FUNCTION @extschema@.rollout_rollback_as(actor regrole, name text, reason text) RETURNS void
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $$
    DECLARE
        r @extschema@.rollouts := @extschema@.rollout_lock(name, actor);
    BEGIN
        PERFORM @extschema@.rollout_expect(r, 'roll back'::text, '{pending,running,held}'::text[]);
        PERFORM @extschema@.rollout_apply(r, actor::text, 'rollback'::text, NULL::timestamptz,
                                          @extschema@.rollout_reason(reason), '{}'::jsonb, 'rolled_back'::text,
                                          r.phase_no, r.phase_started_at, r.checkpoint_no);
    END
    $$;
COMMENT ON FUNCTION @extschema@.rollout_rollback_as(regrole, text, text) IS
    'rollout_rollback on behalf of actor';

CREATE FUNCTION @extschema@.rollout_purge_decisions_as(actor regrole, older_than timestamptz) RETURNS bigint
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
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
           AND d.decided_at < older_than
           AND @extschema@.rollout_role_may_change(rollout_purge_decisions_as.actor, r.owner_id);
        GET DIAGNOSTICS purged = ROW_COUNT;
        RETURN purged;
    END
    $$;
COMMENT ON FUNCTION @extschema@.rollout_purge_decisions_as(regrole, timestamptz) IS
    'rollout_purge_decisions on behalf of actor';

-- The public API: each is src/rollout_api.c, which calls NAME_as with the
-- role that is acting.
CREATE FUNCTION @extschema@.rollout_create(name text, source regclass, plan jsonb DEFAULT NULL) RETURNS bigint
    AS 'MODULE_PATHNAME', 'rollout_api' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION @extschema@.rollout_create(text, regclass, jsonb) IS
    'Creates a pending rollout reading request rows from source, with a plan (default: rollout_default_plan()); the current role owns it; returns its id';
CREATE FUNCTION @extschema@.rollout_start(name text, at timestamptz DEFAULT pg_catalog.now()) RETURNS void
    AS 'MODULE_PATHNAME', 'rollout_api' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION @extschema@.rollout_start(text, timestamptz) IS
    'Starts a pending rollout: its first phase begins at the given time';
CREATE FUNCTION @extschema@.rollout_tick(as_of timestamptz DEFAULT pg_catalog.now()) RETURNS integer
    AS 'MODULE_PATHNAME', 'rollout_api' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION @extschema@.rollout_tick(timestamptz) IS
    'Decides the checkpoints due up to as_of of every running rollout the current role may change; returns the number of decisions';
CREATE FUNCTION @extschema@.rollout_advance(name text, reason text, at timestamptz DEFAULT pg_catalog.now()) RETURNS void
    AS 'MODULE_PATHNAME', 'rollout_api' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION @extschema@.rollout_advance(text, text, timestamptz) IS
    'Moves a running or held rollout to its next phase at once (completes it after the last phase)';
CREATE FUNCTION @extschema@.rollout_hold(name text, reason text) RETURNS void
    AS 'MODULE_PATHNAME', 'rollout_api' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION @extschema@.rollout_hold(text, text) IS
    'Pauses a running rollout: no checkpoint is decided until rollout_resume, traffic stays as it is';
CREATE FUNCTION @extschema@.rollout_resume(name text, at timestamptz DEFAULT pg_catalog.now()) RETURNS void
    AS 'MODULE_PATHNAME', 'rollout_api' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION @extschema@.rollout_resume(text, timestamptz) IS
    'Resumes a held rollout: its current phase starts over at the given time, with all its checkpoints';
CREATE FUNCTION @extschema@.rollout_rollback(name text, reason text) RETURNS void
    AS 'MODULE_PATHNAME', 'rollout_api' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION @extschema@.rollout_rollback(text, text) IS
    'Rolls a rollout back at once: treatment share 0, state rolled_back';
CREATE FUNCTION @extschema@.rollout_purge_decisions(older_than timestamptz) RETURNS bigint
    AS 'MODULE_PATHNAME', 'rollout_api' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION @extschema@.rollout_purge_decisions(timestamptz) IS
    'Deletes decisions made before older_than of finished (completed or rolled back) rollouts the current role may change; returns the number deleted';

-- Only the entry points above reach the implementations and the steps of
-- a decision.
REVOKE ALL ON FUNCTION
    @extschema@.rollout_create_as(regrole, text, regclass, jsonb),
    @extschema@.rollout_start_as(regrole, text, timestamptz),
    @extschema@.rollout_tick_as(regrole, timestamptz),
    @extschema@.rollout_advance_as(regrole, text, text, timestamptz),
    @extschema@.rollout_hold_as(regrole, text, text),
    @extschema@.rollout_resume_as(regrole, text, timestamptz),
    @extschema@.rollout_rollback_as(regrole, text, text),
    @extschema@.rollout_purge_decisions_as(regrole, timestamptz),
    @extschema@.rollout_lock(text, regrole),
    @extschema@.rollout_judge(@extschema@.rollouts, timestamptz),
    @extschema@.rollout_measure_checkpoint(@extschema@.rollouts, timestamptz),
    @extschema@.rollout_decide(@extschema@.rollouts, timestamptz, text),
    @extschema@.rollout_tick_one(bigint, timestamptz, text),
    @extschema@.rollout_apply(@extschema@.rollouts, text, text, timestamptz, text[], jsonb, text, integer, timestamptz, integer)
FROM PUBLIC;
