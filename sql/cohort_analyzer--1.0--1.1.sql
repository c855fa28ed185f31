-- cohort_analyzer 1.0 -> 1.1, applied by ALTER EXTENSION cohort_analyzer UPDATE.
--
-- Written by hand: every change to the SQL API since 1.0 lands here as well
-- as in sql/install/, and test/t/002_update.pl checks that an updated
-- database ends up with exactly the objects of a fresh 1.1 install.  Every
-- reference is schema-qualified with @extschema@ or pg_catalog.

\echo Use "ALTER EXTENSION cohort_analyzer UPDATE TO '1.1'" to load this file. \quit

-- ---------------------------------------------------------------------------
-- Security: the schema check, the acting role, owners by OID, measurements
-- that cannot change rollouts, write or stall the worker
-- ---------------------------------------------------------------------------

CREATE FUNCTION @extschema@.cohort_analyzer_schema_check(schema_oid oid) RETURNS void
    LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
    DECLARE
        schema_name name;
        untrusted text;
    BEGIN
        -- who may create in the schema: grantees of CREATE (the owner's
        -- implicit right included), pg_database_owner standing for the owner
        -- of the database
        SELECT n.nspname,
               pg_catalog.string_agg(DISTINCT CASE WHEN g.grantee = 0 THEN 'PUBLIC'
                                                   ELSE pg_catalog.quote_ident(r.rolname) END, ', ')
                   FILTER (WHERE g.grantee = 0 OR NOT COALESCE(r.rolsuper, false))
          INTO schema_name, untrusted
          FROM pg_catalog.pg_namespace n
          CROSS JOIN LATERAL pg_catalog.aclexplode(
              COALESCE(n.nspacl, pg_catalog.acldefault('n', n.nspowner))) AS a
          CROSS JOIN LATERAL (SELECT CASE WHEN a.grantee = 'pg_database_owner'::pg_catalog.regrole
                                          THEN (SELECT d.datdba FROM pg_catalog.pg_database d
                                                WHERE d.datname OPERATOR(pg_catalog.=) pg_catalog.current_database())
                                          ELSE a.grantee END AS grantee) AS g
          LEFT JOIN pg_catalog.pg_roles r ON r.oid = g.grantee
         WHERE n.oid = schema_oid AND a.privilege_type = 'CREATE'
         GROUP BY n.nspname;
        IF untrusted IS NOT NULL THEN
            RAISE EXCEPTION 'cohort_analyzer cannot be installed in schema %: % may create objects there',
                            pg_catalog.quote_ident(schema_name), untrusted
                USING ERRCODE = 'insufficient_privilege',
                      DETAIL = 'A role that can create objects in the extension''s schema could make the extension''s own calls run its code.',
                      HINT = 'Install it in a schema where only superusers can create objects, e.g. CREATE SCHEMA cohort_analyzer; CREATE EXTENSION cohort_analyzer SCHEMA cohort_analyzer;';
        END IF;
    END
    $$;
COMMENT ON FUNCTION @extschema@.cohort_analyzer_schema_check(oid) IS
    'Raises an error when roles other than superusers may create objects in the given schema (checked for the extension''s own schema at install and update)';
REVOKE ALL ON FUNCTION @extschema@.cohort_analyzer_schema_check(oid) FROM PUBLIC;

SELECT @extschema@.cohort_analyzer_schema_check(n.oid)
  FROM pg_catalog.pg_namespace n WHERE n.nspname OPERATOR(pg_catalog.=) pg_catalog.current_schema();

-- Owners become role OIDs.  A 1.0 rollout whose owner no longer exists
-- keeps OID 0 and is held at its next checkpoint.
ALTER TABLE @extschema@.rollouts
    ADD COLUMN owner_id regrole,
    ADD COLUMN failures integer NOT NULL DEFAULT 0,
    ADD COLUMN retry_at timestamptz;
ALTER TABLE @extschema@.rollout_decisions ADD COLUMN owner_id regrole;
UPDATE @extschema@.rollouts x
   SET owner_id = COALESCE((SELECT r.oid FROM pg_catalog.pg_roles r WHERE r.rolname OPERATOR(pg_catalog.=) x.owner),
                           0)::pg_catalog.oid::pg_catalog.regrole;
-- the decision log is append-only: its trigger is set aside for this update
ALTER TABLE @extschema@.rollout_decisions DISABLE TRIGGER rollout_decisions_append_only;
UPDATE @extschema@.rollout_decisions d
   SET owner_id = COALESCE((SELECT r.oid FROM pg_catalog.pg_roles r WHERE r.rolname OPERATOR(pg_catalog.=) d.owner),
                           0)::pg_catalog.oid::pg_catalog.regrole;
ALTER TABLE @extschema@.rollout_decisions ENABLE TRIGGER rollout_decisions_append_only;
ALTER TABLE @extschema@.rollouts ALTER COLUMN owner_id SET NOT NULL;
ALTER TABLE @extschema@.rollout_decisions ALTER COLUMN owner_id SET NOT NULL;
COMMENT ON COLUMN @extschema@.rollouts.owner IS 'Name of the owner role when the rollout was created (owner_id is the owner)';
COMMENT ON COLUMN @extschema@.rollouts.owner_id IS 'The owner role: the rollout''s source is measured with its rights; a rollout whose owner was dropped is held';
COMMENT ON COLUMN @extschema@.rollouts.failures IS 'Evaluations that failed in a row; the worker retries with backoff';
COMMENT ON COLUMN @extschema@.rollouts.retry_at IS 'Earliest time the worker evaluates a failing rollout again';
COMMENT ON COLUMN @extschema@.rollout_decisions.owner_id IS 'Owner role of the rollout';
COMMENT ON COLUMN @extschema@.rollout_decisions.actor IS '''worker'' for the background worker, else the role that acted (current_user)';

-- Ownership is decided on the role acting, never on session_user.
DROP POLICY rollouts_owner ON @extschema@.rollouts;
DROP POLICY rollout_decisions_owner ON @extschema@.rollout_decisions;
DROP FUNCTION @extschema@.rollout_may_change(name);
CREATE FUNCTION @extschema@.rollout_may_change(owner regrole) RETURNS boolean
    AS 'MODULE_PATHNAME', 'rollout_may_change' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.rollout_may_change(regrole) IS
    'True when the current user is a member of (or superuser over) the given rollout owner; a dropped owner''s rollouts belong to superusers only';
CREATE FUNCTION @extschema@.rollout_role_may_change(actor regrole, owner regrole) RETURNS boolean
    AS 'MODULE_PATHNAME', 'rollout_role_may_change' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.rollout_role_may_change(regrole, regrole) IS
    'True when actor is a member of (or superuser over) the given rollout owner; a dropped owner''s rollouts belong to superusers only';
CREATE POLICY rollouts_owner ON @extschema@.rollouts FOR SELECT
    USING (@extschema@.rollout_may_change(owner_id));
CREATE POLICY rollout_decisions_owner ON @extschema@.rollout_decisions FOR SELECT
    USING (@extschema@.rollout_may_change(owner_id));

-- The purge is allowed by the C entry point, not by a setting anyone can make.
CREATE FUNCTION @extschema@.rollout_purging() RETURNS boolean
    AS 'MODULE_PATHNAME', 'rollout_purging' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION @extschema@.rollout_purging() IS
    'True while rollout_purge_decisions runs in this session: the only time the decision log allows DELETE';
CREATE OR REPLACE FUNCTION @extschema@.rollout_decisions_guard() RETURNS trigger
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

-- Plans: measure_timeout, trust_source, at most 1000 checkpoints a phase.
CREATE OR REPLACE FUNCTION @extschema@.rollout_plan_validate(plan jsonb) RETURNS jsonb
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
        measure_timeout interval;
    BEGIN
        IF plan IS NULL OR pg_catalog.jsonb_typeof(plan) <> 'object' THEN
            RAISE EXCEPTION 'invalid rollout plan: the plan must be a JSON object'
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        FOR k IN SELECT pg_catalog.jsonb_object_keys(plan) LOOP
            IF k NOT IN ('phases', 'min_requests', 'alpha', 'tuning', 'measure_timeout', 'trust_source') THEN
                RAISE EXCEPTION 'invalid rollout plan: unknown key "%"', k
                    USING ERRCODE = 'invalid_parameter_value',
                          HINT = 'Accepted keys are phases, min_requests, alpha, tuning, measure_timeout and trust_source.';
            END IF;
        END LOOP;
        IF pg_catalog.jsonb_typeof(plan -> 'phases') IS DISTINCT FROM 'array'
           OR pg_catalog.jsonb_array_length(plan -> 'phases') = 0 THEN
            RAISE EXCEPTION 'invalid rollout plan: phases must be a non-empty array'
                USING ERRCODE = 'invalid_parameter_value';
        END IF;

        min_requests := 100;
        IF plan ? 'min_requests' THEN
            min_requests := @extschema@.rollout_plan_number(plan -> 'min_requests', 'min_requests'::text);
        END IF;
        IF min_requests < 1 OR min_requests <> pg_catalog.trunc(min_requests) OR min_requests > 1e15 THEN
            RAISE EXCEPTION 'invalid rollout plan: min_requests must be a positive integer, got %', min_requests
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        alpha := 0.05;
        IF plan ? 'alpha' THEN
            alpha := @extschema@.rollout_plan_number(plan -> 'alpha', 'alpha'::text);
            IF NOT (alpha > 0 AND alpha < 1) THEN
                RAISE EXCEPTION 'invalid rollout plan: alpha must be in (0, 1), got %', alpha
                    USING ERRCODE = 'invalid_parameter_value';
            END IF;
        END IF;
        IF plan ? 'tuning' AND NOT (@extschema@.rollout_plan_number(plan -> 'tuning', 'tuning'::text) > 0) THEN
            RAISE EXCEPTION 'invalid rollout plan: tuning must be positive'
                USING ERRCODE = 'invalid_parameter_value';
        END IF;

        IF plan ? 'measure_timeout' THEN
            measure_timeout := @extschema@.rollout_plan_interval(plan -> 'measure_timeout', 'measure_timeout'::text);
            IF measure_timeout < interval '10 milliseconds' OR measure_timeout > interval '1 hour' THEN
                RAISE EXCEPTION 'invalid rollout plan: measure_timeout must be between 10 milliseconds and 1 hour, got "%"',
                                plan ->> 'measure_timeout'
                    USING ERRCODE = 'invalid_parameter_value';
            END IF;
        END IF;
        IF plan ? 'trust_source' AND pg_catalog.jsonb_typeof(plan -> 'trust_source') <> 'boolean' THEN
            RAISE EXCEPTION 'invalid rollout plan: trust_source must be true or false'
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
            IF pg_catalog.jsonb_array_length(phase -> 'checkpoints') > 1000 THEN
                RAISE EXCEPTION 'invalid rollout plan: %.checkpoints has % checkpoints, more than 1000',
                                field, pg_catalog.jsonb_array_length(phase -> 'checkpoints')
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
                       ELSE '{}'::jsonb END
               || pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
                      'measure_timeout', plan -> 'measure_timeout', 'trust_source', plan -> 'trust_source'));
    END
    $$;
COMMENT ON FUNCTION @extschema@.rollout_plan_validate(jsonb) IS
    'Checks a rollout plan and returns it with defaults filled in (min_requests 100, alpha 0.05); raises an error saying what is wrong';
CREATE FUNCTION @extschema@.rollout_measure_timeout(plan jsonb) RETURNS interval
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$ SELECT COALESCE((plan ->> 'measure_timeout')::interval, interval '30 seconds') $$;
COMMENT ON FUNCTION @extschema@.rollout_measure_timeout(jsonb) IS
    'The time one measurement of a rollout''s source may take: the plan''s measure_timeout, by default 30 seconds';

-- Measurements: exact calls; run as the owner by OID, read-only, timed.
CREATE OR REPLACE FUNCTION @extschema@.rollout_check_source(source text) RETURNS regclass
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
            got := @extschema@.rollout_column_type(rel, col::name);
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
            got := @extschema@.rollout_column_type(rel, col::name);
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
CREATE OR REPLACE FUNCTION @extschema@.rollout_measure(
    source text, window_start timestamptz, window_end timestamptz,
    quantiles double precision[], with_cohorts boolean)
RETURNS @extschema@.rollout_measurement
    LANGUAGE plpgsql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
    DECLARE
        rel regclass := @extschema@.rollout_check_source(source);
        m @extschema@.rollout_measurement;
        by_unit boolean := with_cohorts AND @extschema@.rollout_column_type(rel, 'unit_id'::name) IS NOT NULL;
        outcomes text := pg_catalog.format('%s, %s, %s',
            CASE WHEN @extschema@.rollout_column_type(rel, 'completed'::name) IS NULL
                 THEN 'NULL::boolean' ELSE 'completed' END,
            CASE WHEN @extschema@.rollout_column_type(rel, 'churned'::name) IS NULL
                 THEN 'NULL::boolean' ELSE 'churned' END,
            CASE WHEN @extschema@.rollout_column_type(rel, 'revenue'::name) IS NULL
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
DROP FUNCTION @extschema@.rollout_measure_as(name, text, timestamptz, timestamptz, double precision[], boolean);
DROP FUNCTION @extschema@.rollout_actor();
CREATE FUNCTION @extschema@.rollout_measure_as(
    owner regrole, source text, window_start timestamptz, window_end timestamptz,
    quantiles double precision[], with_cohorts boolean, measure_timeout interval)
RETURNS @extschema@.rollout_measurement
    AS 'MODULE_PATHNAME', 'rollout_measure_as_role' LANGUAGE C VOLATILE STRICT;
COMMENT ON FUNCTION @extschema@.rollout_measure_as(regrole, text, timestamptz, timestamptz, double precision[], boolean, interval) IS
    'rollout_measure run with the rights of the given owner, read-only, unable to change rollouts, within measure_timeout (not executable by ordinary roles)';
REVOKE ALL ON FUNCTION @extschema@.rollout_measure_as(regrole, text, timestamptz, timestamptz, double precision[], boolean, interval) FROM PUBLIC;

-- Decisions: the acting role recorded, the decision id notified, overdue
-- checkpoints coalesced, one rollout at a time with backoff.
DROP FUNCTION @extschema@.rollout_decide(@extschema@.rollouts);
DROP FUNCTION @extschema@.rollout_apply(@extschema@.rollouts, text, timestamptz, text[], jsonb, text, integer, timestamptz, integer);
DROP FUNCTION @extschema@.rollout_lock(text);
CREATE OR REPLACE FUNCTION @extschema@.rollout_judge(
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
            r.owner_id, r.source, r.phase_started_at, checkpoint_at, COALESCE(quantiles, '{}'),
            (phase -> 'thresholds') ?| ARRAY['revenue_lift', 'completion_lift', 'churn_lift'],
            @extschema@.rollout_measure_timeout(r.plan));

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
                -- without a tuning in the plan, the comparison's default (5000)
                metric := CASE k WHEN 'revenue_lift' THEN 'value'
                                 WHEN 'completion_lift' THEN 'completion' ELSE 'churn' END;
                -- every argument given: no overload with fewer can compete
                cmp := @extschema@.compare_cohorts_sequential(m.control_cohort, m.treatment_cohort,
                                                              metric, alpha, COALESCE(tuning, 5000));
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
    'Measures a rollout''s current phase up to a checkpoint, with its owner''s rights, and judges every threshold';
CREATE FUNCTION @extschema@.rollout_apply(
    r @extschema@.rollouts, actor text, decision text, checkpoint_at timestamptz,
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
        decision_id bigint;
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
            (rollout_id, rollout, owner, owner_id, phase, phase_run, checkpoint_no, checkpoint_at, decision,
             actor, state, treatment_share, reasons, metrics)
        VALUES (r.id, r.name, r.owner, r.owner_id, phases -> r.phase_no ->> 'name', r.phase_run,
                CASE WHEN checkpoint_at IS NOT NULL THEN r.checkpoint_no END, checkpoint_at, decision,
                actor, result.state, result.treatment_share,
                COALESCE(reasons, '{}'), COALESCE(metrics, '{}'))
        RETURNING id INTO decision_id;

        -- a wake-up for routers, which read the state itself: anyone may
        -- NOTIFY on this channel
        IF decision <> 'continue' THEN
            PERFORM pg_catalog.pg_notify('cohort_analyzer_rollout', pg_catalog.json_build_object(
                'rollout', r.name, 'decision_id', decision_id, 'phase', phase ->> 'name',
                'decision', decision, 'state', result.state,
                'treatment_share', result.treatment_share)::text);
        END IF;
        RETURN result;
    END
    $$;
COMMENT ON FUNCTION @extschema@.rollout_apply(@extschema@.rollouts, text, text, timestamptz, text[], jsonb, text, integer, timestamptz, integer) IS
    'Applies a decision to a locked rollout: new state, decision row, NOTIFY cohort_analyzer_rollout with the decision id';
CREATE FUNCTION @extschema@.rollout_decide(r @extschema@.rollouts, as_of timestamptz, actor text)
RETURNS @extschema@.rollouts
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
    AS $$
    DECLARE
        phase jsonb := r.plan -> 'phases' -> r.phase_no;
        checkpoints integer := pg_catalog.jsonb_array_length(phase -> 'checkpoints');
        last_phase boolean := r.phase_no = pg_catalog.jsonb_array_length(r.plan -> 'phases') - 1;
        skipped integer := 0;
        last_checkpoint boolean;
        at timestamptz;
        j record;
        metrics jsonb;
    BEGIN
        WHILE r.checkpoint_no < checkpoints - 1
              AND r.phase_started_at + (phase -> 'checkpoints' ->> (r.checkpoint_no + 1))::interval <= as_of
              AND r.phase_started_at + (phase -> 'checkpoints' ->> r.checkpoint_no)::interval
                  < as_of - interval '1 minute' LOOP
            r.checkpoint_no := r.checkpoint_no + 1;
            skipped := skipped + 1;
        END LOOP;
        last_checkpoint := r.checkpoint_no = checkpoints - 1;
        at := r.phase_started_at + (phase -> 'checkpoints' ->> r.checkpoint_no)::interval;

        -- the owner's rights are the measurement's: a dropped owner's
        -- rollout waits for a person, whoever takes the name later
        IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE oid = r.owner_id) THEN
            RETURN @extschema@.rollout_apply(r, actor, 'hold'::text, at,
                ARRAY[pg_catalog.format('owner role "%s" (OID %s) no longer exists', r.owner, r.owner_id::oid)],
                '{}'::jsonb, 'held'::text, r.phase_no, r.phase_started_at, r.checkpoint_no);
        END IF;

        j := @extschema@.rollout_judge(r, at);
        metrics := j.metrics || CASE WHEN skipped > 0
                                     THEN pg_catalog.jsonb_build_object('skipped_checkpoints', skipped)
                                     ELSE '{}' END;
        IF pg_catalog.cardinality(j.failed) > 0 THEN
            RETURN @extschema@.rollout_apply(r, actor, 'rollback'::text, at, j.failed || j.missing, metrics,
                                             'rolled_back'::text, r.phase_no, r.phase_started_at, r.checkpoint_no);
        ELSIF NOT last_checkpoint THEN
            RETURN @extschema@.rollout_apply(r, actor, 'continue'::text, at, j.missing, metrics,
                                             'running'::text, r.phase_no, r.phase_started_at, r.checkpoint_no + 1);
        ELSIF pg_catalog.cardinality(j.missing) > 0 THEN
            RETURN @extschema@.rollout_apply(r, actor, 'hold'::text, at, j.missing, metrics,
                                             'held'::text, r.phase_no, r.phase_started_at, r.checkpoint_no);
        ELSIF last_phase THEN
            RETURN @extschema@.rollout_apply(r, actor, 'complete'::text, at, '{}'::text[], metrics,
                                             'completed'::text, r.phase_no, r.phase_started_at, r.checkpoint_no);
        ELSE
            RETURN @extschema@.rollout_apply(r, actor, 'advance'::text, at, '{}'::text[], metrics,
                                             'running'::text, r.phase_no + 1, at, 0);
        END IF;
    END
    $$;
COMMENT ON FUNCTION @extschema@.rollout_decide(@extschema@.rollouts, timestamptz, text) IS
    'Evaluates the latest due checkpoint of a locked running rollout (older overdue ones coalesced) and applies continue, advance, complete, hold or rollback';
CREATE FUNCTION @extschema@.rollout_tick_one(rollout_id bigint, as_of timestamptz, actor text)
RETURNS integer
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
    AS $$
    DECLARE
        r @extschema@.rollouts;
        decisions integer := 0;
        msg text;
    BEGIN
        SELECT * INTO r FROM @extschema@.rollouts
         WHERE id = rollout_id AND state = 'running' AND next_checkpoint_at <= as_of
         FOR UPDATE SKIP LOCKED;
        IF NOT FOUND THEN
            RETURN 0;
        END IF;
        WHILE r.state = 'running' AND r.next_checkpoint_at <= as_of LOOP
            BEGIN
                r := @extschema@.rollout_decide(r, as_of, actor);
                decisions := decisions + 1;
            EXCEPTION WHEN OTHERS THEN
                -- the decisions before this one stand
                GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT;
                UPDATE @extschema@.rollouts x
                   SET last_error = msg, last_error_at = pg_catalog.now(), failures = x.failures + 1,
                       retry_at = pg_catalog.now() + LEAST(interval '10 seconds' * 2 ^ LEAST(x.failures, 10),
                                                           interval '15 minutes')
                 WHERE x.id = rollout_id;
                IF r.last_error IS DISTINCT FROM msg THEN
                    RAISE WARNING 'rollout "%" could not be evaluated: %', r.name, msg;
                END IF;
                RETURN decisions;
            END;
        END LOOP;
        UPDATE @extschema@.rollouts x SET last_error = NULL, last_error_at = NULL, failures = 0, retry_at = NULL
         WHERE x.id = rollout_id AND (x.last_error IS NOT NULL OR x.failures > 0);
        RETURN decisions;
    END
    $$;
COMMENT ON FUNCTION @extschema@.rollout_tick_one(bigint, timestamptz, text) IS
    'Decides the checkpoints of one running rollout due up to as_of (skipped when locked elsewhere); records a failure with a backed-off retry time';
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
        PERFORM @extschema@.rollout_check_source(qualified);

        checked := @extschema@.rollout_plan_validate(COALESCE(plan, @extschema@.rollout_default_plan(
            @extschema@.rollout_column_type(source, 'revenue'::name) IS NOT NULL)));

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
        FOR guardrail, column_name IN VALUES ('revenue_lift', 'revenue'), ('completion_lift', 'completed'),
                                             ('churn_lift', 'churned') LOOP
            IF EXISTS (SELECT 1 FROM pg_catalog.jsonb_array_elements(checked -> 'phases') AS p
                       WHERE (p -> 'thresholds') ? guardrail) THEN
                IF @extschema@.rollout_column_type(source, column_name::name) IS NULL THEN
                    RAISE EXCEPTION 'metric % needs column "%" in source %', guardrail, column_name, source
                        USING ERRCODE = 'invalid_parameter_value';
                END IF;
            END IF;
        END LOOP;

        BEGIN
            INSERT INTO @extschema@.rollouts (name, source, owner, owner_id, plan)
            VALUES (rollout_create_as.name, qualified, actor::text, actor, checked)
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

-- The public API: one C entry point that passes the acting role.
CREATE OR REPLACE FUNCTION @extschema@.rollout_create(name text, source regclass, plan jsonb DEFAULT NULL) RETURNS bigint
    AS 'MODULE_PATHNAME', 'rollout_api' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION @extschema@.rollout_create(text, regclass, jsonb) IS
    'Creates a pending rollout reading request rows from source, with a plan (default: rollout_default_plan()); the current role owns it; returns its id';
CREATE OR REPLACE FUNCTION @extschema@.rollout_start(name text, at timestamptz DEFAULT pg_catalog.now()) RETURNS void
    AS 'MODULE_PATHNAME', 'rollout_api' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION @extschema@.rollout_start(text, timestamptz) IS
    'Starts a pending rollout: its first phase begins at the given time';
CREATE OR REPLACE FUNCTION @extschema@.rollout_tick(as_of timestamptz DEFAULT pg_catalog.now()) RETURNS integer
    AS 'MODULE_PATHNAME', 'rollout_api' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION @extschema@.rollout_tick(timestamptz) IS
    'Decides the checkpoints due up to as_of of every running rollout the current role may change; returns the number of decisions';
CREATE OR REPLACE FUNCTION @extschema@.rollout_advance(name text, reason text, at timestamptz DEFAULT pg_catalog.now()) RETURNS void
    AS 'MODULE_PATHNAME', 'rollout_api' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION @extschema@.rollout_advance(text, text, timestamptz) IS
    'Moves a running or held rollout to its next phase at once (completes it after the last phase)';
CREATE OR REPLACE FUNCTION @extschema@.rollout_hold(name text, reason text) RETURNS void
    AS 'MODULE_PATHNAME', 'rollout_api' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION @extschema@.rollout_hold(text, text) IS
    'Pauses a running rollout: no checkpoint is decided until rollout_resume, traffic stays as it is';
CREATE OR REPLACE FUNCTION @extschema@.rollout_resume(name text, at timestamptz DEFAULT pg_catalog.now()) RETURNS void
    AS 'MODULE_PATHNAME', 'rollout_api' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION @extschema@.rollout_resume(text, timestamptz) IS
    'Resumes a held rollout: its current phase starts over at the given time, with all its checkpoints';
CREATE OR REPLACE FUNCTION @extschema@.rollout_rollback(name text, reason text) RETURNS void
    AS 'MODULE_PATHNAME', 'rollout_api' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION @extschema@.rollout_rollback(text, text) IS
    'Rolls a rollout back at once: treatment share 0, state rolled_back';
CREATE OR REPLACE FUNCTION @extschema@.rollout_purge_decisions(older_than timestamptz) RETURNS bigint
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
    @extschema@.rollout_decide(@extschema@.rollouts, timestamptz, text),
    @extschema@.rollout_tick_one(bigint, timestamptz, text),
    @extschema@.rollout_apply(@extschema@.rollouts, text, text, timestamptz, text[], jsonb, text, integer, timestamptz, integer)
FROM PUBLIC;

-- ---------------------------------------------------------------------------
-- Operations: assignment of units, sources as users have them, broken
-- splits caught, copies that do not act, workers on demand
-- ---------------------------------------------------------------------------

-- Every rollout gets the salt of its assignment hash.
ALTER TABLE @extschema@.rollouts ADD COLUMN salt text;
UPDATE @extschema@.rollouts SET salt = pg_catalog.replace(pg_catalog.gen_random_uuid()::text, '-', '');
ALTER TABLE @extschema@.rollouts ALTER COLUMN salt SET NOT NULL;
COMMENT ON COLUMN @extschema@.rollouts.salt IS 'Random salt of the assignment hash (rollout_bucket), fixed at creation';

-- Sources as users have them: the plan names the columns; measurements
-- take the plan.
DROP FUNCTION @extschema@.rollout_measure_as(regrole, text, timestamptz, timestamptz, double precision[], boolean, interval);
DROP FUNCTION @extschema@.rollout_measure(text, timestamptz, timestamptz, double precision[], boolean);
DROP FUNCTION @extschema@.rollout_check_source(text);

-- Broken splits: the measurement counts rows of unrecognised arms and
-- units per arm; a checkpoint's judgement says what to hold for.
ALTER TYPE @extschema@.rollout_measurement
    ADD ATTRIBUTE unrecognised_rows bigint,
    ADD ATTRIBUTE unrecognised_arms jsonb,
    ADD ATTRIBUTE control_units bigint,
    ADD ATTRIBUTE treatment_units bigint,
    ADD ATTRIBUTE crossover_units bigint;
COMMENT ON TYPE @extschema@.rollout_measurement IS
    'Raw measurements of one rollout window: request and error counts, latency quantiles, uptime minutes, cohorts per arm, and the split: rows of unrecognised arms (the most frequent values), units only in the control, only in the treatment, and in both';
DROP FUNCTION @extschema@.rollout_judge(@extschema@.rollouts, timestamptz);

-- Copies do not act: a rollout records where it runs; those running or
-- held now run here.
ALTER TABLE @extschema@.rollouts ADD COLUMN database_oid oid, ADD COLUMN database_name name,
    ADD COLUMN system_identifier bigint;
UPDATE @extschema@.rollouts
   SET (database_oid, database_name, system_identifier) =
       (SELECT d.oid, d.datname, (SELECT c.system_identifier FROM pg_catalog.pg_control_system() AS c)
        FROM pg_catalog.pg_database d WHERE d.datname OPERATOR(pg_catalog.=) pg_catalog.current_database())
 WHERE state IN ('running', 'held');
COMMENT ON COLUMN @extschema@.rollouts.database_oid IS 'The database the rollout was started (or last resumed) in: in a copy of it, the rollout is held instead of decided';
COMMENT ON COLUMN @extschema@.rollouts.database_name IS 'Name of that database at the time';
COMMENT ON COLUMN @extschema@.rollouts.system_identifier IS 'System identifier of the cluster it was started (or last resumed) in (pg_control_system()); a promoted standby keeps it';

CREATE OR REPLACE FUNCTION @extschema@.rollout_plan_source_fields(plan jsonb) RETURNS void
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
    DECLARE
        k text;
        v jsonb;
        num double precision;
    BEGIN
        IF plan ? 'columns' THEN
            IF pg_catalog.jsonb_typeof(plan -> 'columns') <> 'object' THEN
                RAISE EXCEPTION 'invalid rollout plan: columns must be an object such as {"ts": "created_at"}'
                    USING ERRCODE = 'invalid_parameter_value';
            END IF;
            FOR k, v IN SELECT * FROM pg_catalog.jsonb_each(plan -> 'columns') LOOP
                IF k NOT IN ('ts', 'arm', 'is_error', 'latency_ms', 'revenue', 'completed', 'churned', 'unit_id') THEN
                    RAISE EXCEPTION 'invalid rollout plan: unknown field "%" in columns', k
                        USING ERRCODE = 'invalid_parameter_value',
                              HINT = 'Fields are ts, arm, is_error, latency_ms, revenue, completed, churned and unit_id.';
                END IF;
                IF pg_catalog.jsonb_typeof(v) <> 'string' OR v #>> '{}' = '' THEN
                    RAISE EXCEPTION 'invalid rollout plan: columns.% must be a column name', k
                        USING ERRCODE = 'invalid_parameter_value';
                END IF;
            END LOOP;
        END IF;
        IF plan ? 'timezone' THEN
            IF pg_catalog.jsonb_typeof(plan -> 'timezone') <> 'string' THEN
                RAISE EXCEPTION 'invalid rollout plan: timezone must be a time zone name'
                    USING ERRCODE = 'invalid_parameter_value';
            END IF;
            BEGIN
                PERFORM '2000-01-01 00:00:00'::timestamp AT TIME ZONE (plan ->> 'timezone');
            EXCEPTION WHEN invalid_parameter_value OR feature_not_supported THEN
                RAISE EXCEPTION 'invalid rollout plan: timezone "%" is not a time zone', plan ->> 'timezone'
                    USING ERRCODE = 'invalid_parameter_value';
            END;
        END IF;
        IF plan ? 'arms' THEN
            IF pg_catalog.jsonb_typeof(plan -> 'arms') <> 'object'
               OR EXISTS (SELECT 1 FROM pg_catalog.jsonb_each(plan -> 'arms') AS a
                          WHERE a.key NOT IN ('control', 'treatment') OR pg_catalog.jsonb_typeof(a.value) <> 'string')
               OR (plan -> 'arms' ->> 'control') = (plan -> 'arms' ->> 'treatment') THEN
                RAISE EXCEPTION 'invalid rollout plan: arms must map control and treatment to two different values, such as {"control": "A", "treatment": "B"}'
                    USING ERRCODE = 'invalid_parameter_value';
            END IF;
        END IF;
        IF plan ? 'srm' AND plan -> 'srm' <> '"off"'::jsonb THEN
            IF pg_catalog.jsonb_typeof(plan -> 'srm') <> 'object'
               OR EXISTS (SELECT 1 FROM pg_catalog.jsonb_object_keys(plan -> 'srm') AS x WHERE x <> 'p_value') THEN
                RAISE EXCEPTION 'invalid rollout plan: srm must be {"p_value": x} or "off"'
                    USING ERRCODE = 'invalid_parameter_value';
            END IF;
            num := @extschema@.rollout_plan_number(plan -> 'srm' -> 'p_value', 'srm.p_value'::text);
            IF NOT (num > 0 AND num < 1) THEN
                RAISE EXCEPTION 'invalid rollout plan: srm.p_value must be in (0, 1), got %', num
                    USING ERRCODE = 'invalid_parameter_value';
            END IF;
        END IF;
        IF plan ? 'unit_crossover' AND plan -> 'unit_crossover' <> '"off"'::jsonb THEN
            IF pg_catalog.jsonb_typeof(plan -> 'unit_crossover') <> 'object'
               OR EXISTS (SELECT 1 FROM pg_catalog.jsonb_object_keys(plan -> 'unit_crossover') AS x WHERE x <> 'max') THEN
                RAISE EXCEPTION 'invalid rollout plan: unit_crossover must be {"max": x} or "off"'
                    USING ERRCODE = 'invalid_parameter_value';
            END IF;
            num := @extschema@.rollout_plan_number(plan -> 'unit_crossover' -> 'max', 'unit_crossover.max'::text);
            IF NOT (num >= 0 AND num < 1) THEN
                RAISE EXCEPTION 'invalid rollout plan: unit_crossover.max must be in [0, 1), got %', num
                    USING ERRCODE = 'invalid_parameter_value';
            END IF;
        END IF;
    END
    $$;
COMMENT ON FUNCTION @extschema@.rollout_plan_source_fields(jsonb) IS
    'Checks the plan keys columns, timezone, arms, srm and unit_crossover, with an error naming the field';

CREATE OR REPLACE FUNCTION @extschema@.rollout_plan_validate(plan jsonb) RETURNS jsonb
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
        measure_timeout interval;
    BEGIN
        IF plan IS NULL OR pg_catalog.jsonb_typeof(plan) <> 'object' THEN
            RAISE EXCEPTION 'invalid rollout plan: the plan must be a JSON object'
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        FOR k IN SELECT pg_catalog.jsonb_object_keys(plan) LOOP
            IF k NOT IN ('phases', 'min_requests', 'alpha', 'tuning', 'measure_timeout', 'trust_source',
                         'columns', 'timezone', 'arms', 'srm', 'unit_crossover') THEN
                RAISE EXCEPTION 'invalid rollout plan: unknown key "%"', k
                    USING ERRCODE = 'invalid_parameter_value',
                          HINT = 'Accepted keys are phases, min_requests, alpha, tuning, measure_timeout, trust_source, columns, timezone, arms, srm and unit_crossover.';
            END IF;
        END LOOP;
        PERFORM @extschema@.rollout_plan_source_fields(plan);
        IF pg_catalog.jsonb_typeof(plan -> 'phases') IS DISTINCT FROM 'array'
           OR pg_catalog.jsonb_array_length(plan -> 'phases') = 0 THEN
            RAISE EXCEPTION 'invalid rollout plan: phases must be a non-empty array'
                USING ERRCODE = 'invalid_parameter_value';
        END IF;

        min_requests := 100;
        IF plan ? 'min_requests' THEN
            min_requests := @extschema@.rollout_plan_number(plan -> 'min_requests', 'min_requests'::text);
        END IF;
        IF min_requests < 1 OR min_requests <> pg_catalog.trunc(min_requests) OR min_requests > 1e15 THEN
            RAISE EXCEPTION 'invalid rollout plan: min_requests must be a positive integer, got %', min_requests
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        alpha := 0.05;
        IF plan ? 'alpha' THEN
            alpha := @extschema@.rollout_plan_number(plan -> 'alpha', 'alpha'::text);
            IF NOT (alpha > 0 AND alpha < 1) THEN
                RAISE EXCEPTION 'invalid rollout plan: alpha must be in (0, 1), got %', alpha
                    USING ERRCODE = 'invalid_parameter_value';
            END IF;
        END IF;
        IF plan ? 'tuning' AND NOT (@extschema@.rollout_plan_number(plan -> 'tuning', 'tuning'::text) > 0) THEN
            RAISE EXCEPTION 'invalid rollout plan: tuning must be positive'
                USING ERRCODE = 'invalid_parameter_value';
        END IF;

        IF plan ? 'measure_timeout' THEN
            measure_timeout := @extschema@.rollout_plan_interval(plan -> 'measure_timeout', 'measure_timeout'::text);
            IF measure_timeout < interval '10 milliseconds' OR measure_timeout > interval '1 hour' THEN
                RAISE EXCEPTION 'invalid rollout plan: measure_timeout must be between 10 milliseconds and 1 hour, got "%"',
                                plan ->> 'measure_timeout'
                    USING ERRCODE = 'invalid_parameter_value';
            END IF;
        END IF;
        IF plan ? 'trust_source' AND pg_catalog.jsonb_typeof(plan -> 'trust_source') <> 'boolean' THEN
            RAISE EXCEPTION 'invalid rollout plan: trust_source must be true or false'
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
            IF pg_catalog.jsonb_array_length(phase -> 'checkpoints') > 1000 THEN
                RAISE EXCEPTION 'invalid rollout plan: %.checkpoints has % checkpoints, more than 1000',
                                field, pg_catalog.jsonb_array_length(phase -> 'checkpoints')
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
                       ELSE '{}'::jsonb END
               || pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
                      'measure_timeout', plan -> 'measure_timeout', 'trust_source', plan -> 'trust_source',
                      'columns', plan -> 'columns', 'timezone', plan -> 'timezone', 'arms', plan -> 'arms',
                      'srm', plan -> 'srm', 'unit_crossover', plan -> 'unit_crossover'));
    END
    $$;
COMMENT ON FUNCTION @extschema@.rollout_plan_validate(jsonb) IS
    'Checks a rollout plan and returns it with defaults filled in (min_requests 100, alpha 0.05); raises an error saying what is wrong';

CREATE OR REPLACE FUNCTION @extschema@.rollout_source_column(rel regclass, plan jsonb, field text) RETURNS name
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
        SELECT a.attname FROM pg_catalog.pg_attribute a
        WHERE a.attrelid = rel AND a.attnum > 0 AND NOT a.attisdropped
          AND a.attname = COALESCE(plan -> 'columns' ->> field, field)
    $$;
COMMENT ON FUNCTION @extschema@.rollout_source_column(regclass, jsonb, text) IS
    'The column of a relation that holds a request field (plan "columns", else the field''s name); NULL when there is none';

CREATE OR REPLACE FUNCTION @extschema@.rollout_source_query(source text, plan jsonb) RETURNS text
    LANGUAGE plpgsql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
    DECLARE
        rel regclass := pg_catalog.to_regclass(source);
        field text;
        kind text;
        col name;
        got regtype;
        what text;
        expr text;
        list text[] := '{}';
        arm_value text;
    BEGIN
        IF rel IS NULL THEN
            RAISE EXCEPTION 'source relation % does not exist', source
                USING ERRCODE = 'undefined_table';
        END IF;
        plan := COALESCE(plan, '{}'::jsonb);
        FOR field, kind IN VALUES ('ts', 'time'), ('arm', 'label'), ('is_error', 'boolean'),
                                  ('latency_ms', 'number'), ('revenue', 'number?'),
                                  ('completed', 'boolean?'), ('churned', 'boolean?'), ('unit_id', 'any?') LOOP
            col := @extschema@.rollout_source_column(rel, plan, field);
            what := CASE WHEN plan -> 'columns' ? field
                         THEN pg_catalog.format('column "%s" (plan columns.%s)', plan -> 'columns' ->> field, field)
                         ELSE pg_catalog.format('column "%s"', field) END;
            IF col IS NULL AND kind NOT LIKE '%?' THEN
                RAISE EXCEPTION 'source relation % has no %', rel, what
                    USING ERRCODE = 'invalid_parameter_value',
                          HINT = 'A rollout source needs columns ts, arm, is_error and latency_ms; the plan''s "columns" can name the source''s own columns, e.g. {"columns": {"ts": "created_at"}}.';
            END IF;
            got := @extschema@.rollout_column_type(rel, col);
            IF col IS NULL THEN
                expr := CASE kind WHEN 'number?' THEN 'NULL::double precision' WHEN 'any?' THEN 'NULL::text'
                                  ELSE 'NULL::boolean' END;
            ELSIF kind = 'time' AND got = 'timestamp with time zone'::regtype THEN
                expr := pg_catalog.quote_ident(col);
            ELSIF kind = 'time' AND got = 'timestamp without time zone'::regtype THEN
                IF NOT plan ? 'timezone' THEN
                    RAISE EXCEPTION 'source % is timestamp without time zone, and the plan has no timezone', what
                        USING ERRCODE = 'invalid_parameter_value';
                END IF;
                expr := pg_catalog.format('(%I AT TIME ZONE %L)', col, plan ->> 'timezone');
            ELSIF kind = 'label' AND (got IN ('text'::regtype, 'character varying'::regtype, 'character'::regtype)
                                      OR EXISTS (SELECT 1 FROM pg_catalog.pg_type t
                                                 WHERE t.oid = got AND t.typtype = 'e')) THEN
                expr := pg_catalog.format('%I::text', col);
            ELSIF kind LIKE 'boolean%' AND got = 'boolean'::regtype THEN
                expr := pg_catalog.quote_ident(col);
            ELSIF kind LIKE 'number%' AND got IN ('smallint'::regtype, 'integer'::regtype, 'bigint'::regtype,
                                                 'real'::regtype, 'double precision'::regtype, 'numeric'::regtype) THEN
                expr := pg_catalog.format('%I::double precision', col);
            ELSIF kind = 'any?' THEN
                expr := pg_catalog.quote_ident(col);
            ELSE
                RAISE EXCEPTION 'source % must be %, not %', what,
                                CASE kind WHEN 'time' THEN 'timestamptz or timestamp'
                                          WHEN 'label' THEN 'text, varchar or an enum'
                                          WHEN 'number' THEN 'of a number type'
                                          WHEN 'number?' THEN 'of a number type'
                                          ELSE 'boolean' END, got
                    USING ERRCODE = 'invalid_parameter_value';
            END IF;
            IF field = 'arm' THEN
                arm_value := expr;
                expr := pg_catalog.format('CASE %s WHEN %L THEN ''control'' WHEN %L THEN ''treatment'' END',
                                          expr, COALESCE(plan -> 'arms' ->> 'control', 'control'),
                                          COALESCE(plan -> 'arms' ->> 'treatment', 'treatment'));
                list := list || pg_catalog.format('%s AS arm_value', arm_value);
            END IF;
            list := list || pg_catalog.format('%s AS %I', expr, field);
        END LOOP;
        RETURN pg_catalog.format('(SELECT %s FROM %s) AS src', pg_catalog.array_to_string(list, ', '), rel);
    END
    $$;
COMMENT ON FUNCTION @extschema@.rollout_source_query(text, jsonb) IS
    'Checks a rollout source''s columns (named by the plan''s "columns") and returns its rows as the measurement reads them: a FROM item with ts, arm, arm_value, is_error, latency_ms, revenue, completed, churned, unit_id';

CREATE OR REPLACE FUNCTION @extschema@.rollout_measure(
    source text, window_start timestamptz, window_end timestamptz,
    quantiles double precision[], with_cohorts boolean, plan jsonb DEFAULT '{}'::jsonb)
RETURNS @extschema@.rollout_measurement
    LANGUAGE plpgsql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
    DECLARE
        -- the source's rows as a FROM item with the fields' names and types
        rel text := @extschema@.rollout_source_query(source, plan);
        m @extschema@.rollout_measurement;
        by_unit boolean := with_cohorts
            AND @extschema@.rollout_source_column(source::regclass, plan, 'unit_id'::text) IS NOT NULL;
        outcomes text := 'completed, churned, revenue';
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

        -- the split: rows whose arm is neither arm (the five most frequent
        -- values), and with unit_id the units seen only in the control, only
        -- in the treatment, and in both
        EXECUTE pg_catalog.format(
            'SELECT COALESCE(pg_catalog.sum(n), 0)::bigint,
                    pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(''value'', v, ''rows'', n) ORDER BY n DESC, v)
                        FILTER (WHERE rank <= 5)
             FROM (SELECT arm_value AS v, count(*) AS n,
                          pg_catalog.row_number() OVER (ORDER BY count(*) DESC, arm_value) AS rank
                   FROM %s WHERE ts >= $1 AND ts < $2 AND arm IS NULL GROUP BY arm_value) AS values', rel)
            INTO m.unrecognised_rows, m.unrecognised_arms
            USING window_start, window_end;
        IF @extschema@.rollout_source_column(source::regclass, plan, 'unit_id'::text) IS NOT NULL THEN
            EXECUTE pg_catalog.format(
                'SELECT count(*) FILTER (WHERE c AND NOT t), count(*) FILTER (WHERE t AND NOT c),
                        count(*) FILTER (WHERE c AND t)
                 FROM (SELECT pg_catalog.bool_or(arm = ''control'') AS c, pg_catalog.bool_or(arm = ''treatment'') AS t
                       FROM %s WHERE ts >= $1 AND ts < $2 AND arm IS NOT NULL AND unit_id IS NOT NULL
                       GROUP BY unit_id) AS units', rel)
                INTO m.control_units, m.treatment_units, m.crossover_units
                USING window_start, window_end;
        END IF;
        RETURN m;
    END
    $$;
COMMENT ON FUNCTION @extschema@.rollout_measure(text, timestamptz, timestamptz, double precision[], boolean, jsonb) IS
    'Measures a rollout source over [window_start, window_end) with the caller''s privileges (columns, arms and timezone from the plan)';

CREATE OR REPLACE FUNCTION @extschema@.rollout_measure_as(
    owner regrole, source text, window_start timestamptz, window_end timestamptz,
    quantiles double precision[], with_cohorts boolean, plan jsonb, measure_timeout interval)
RETURNS @extschema@.rollout_measurement
    AS 'MODULE_PATHNAME', 'rollout_measure_as_role' LANGUAGE C VOLATILE STRICT;
COMMENT ON FUNCTION @extschema@.rollout_measure_as(regrole, text, timestamptz, timestamptz, double precision[], boolean, jsonb, interval) IS
    'rollout_measure run with the rights of the given owner, read-only, unable to change rollouts, within measure_timeout (not executable by ordinary roles)';

CREATE OR REPLACE FUNCTION @extschema@.rollout_evaluate_split(
    plan jsonb, phase jsonb, m @extschema@.rollout_measurement,
    OUT held text[], OUT metrics jsonb)
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    SET extra_float_digits = 3
    AS $$
    DECLARE
        planned double precision := (phase ->> 'traffic')::double precision;
        by_units boolean := COALESCE(m.control_units + m.treatment_units, 0) > 0;
        c bigint := CASE WHEN by_units THEN m.control_units ELSE m.control_requests END;
        t bigint := CASE WHEN by_units THEN m.treatment_units ELSE m.treatment_requests END;
        counted text := CASE WHEN by_units THEN 'units' ELSE 'requests' END;
        p_max double precision := CASE WHEN plan -> 'srm' = '"off"'::jsonb THEN NULL
                                       ELSE COALESCE((plan -> 'srm' ->> 'p_value')::double precision, 0.001) END;
        x_max double precision := CASE WHEN plan -> 'unit_crossover' = '"off"'::jsonb THEN NULL
                                       ELSE COALESCE((plan -> 'unit_crossover' ->> 'max')::double precision, 0.01) END;
        all_units bigint := m.control_units + m.treatment_units + m.crossover_units;
        p double precision;
        x_share double precision;
        listed text;
    BEGIN
        held := '{}';
        metrics := pg_catalog.jsonb_build_object('split', pg_catalog.jsonb_build_object(
            'counted', counted, 'control', c, 'treatment', t,
            'unrecognised_rows', m.unrecognised_rows, 'unrecognised_arms', m.unrecognised_arms));

        -- most rows in neither arm: the source's arm values are not the
        -- plan's (say which they are), and nothing else can be judged
        IF m.unrecognised_rows > m.treatment_requests + m.control_requests THEN
            SELECT pg_catalog.string_agg(pg_catalog.format('%s (%s rows)',
                       COALESCE(pg_catalog.quote_literal(a ->> 'value'), 'NULL'),
                       pg_catalog.to_char((a ->> 'rows')::bigint, 'FM999,999,999,999,999')), ', ')
              INTO listed FROM pg_catalog.jsonb_array_elements(m.unrecognised_arms) AS a;
            held := held || pg_catalog.format(
                'arm values not recognised: %s; %s of %s rows are in neither %L nor %L (map them with "arms" in the plan)',
                listed, pg_catalog.to_char(m.unrecognised_rows, 'FM999,999,999,999,999'),
                pg_catalog.to_char(m.unrecognised_rows + m.treatment_requests + m.control_requests, 'FM999,999,999,999,999'),
                COALESCE(plan -> 'arms' ->> 'control', 'control'), COALESCE(plan -> 'arms' ->> 'treatment', 'treatment'));
            RETURN;
        END IF;

        -- sample ratio: the treatment's observed share against the planned one
        IF p_max IS NOT NULL AND planned < 1 AND c + t >= (plan ->> 'min_requests')::bigint THEN
            p := @extschema@.srm_test(c, t, planned);
            metrics := metrics || pg_catalog.jsonb_build_object('srm', pg_catalog.jsonb_build_object(
                'observed_share', t::double precision / (c + t), 'planned_share', planned,
                'p_value', p, 'min_p_value', p_max, 'counted', counted,
                'status', CASE WHEN p < p_max THEN 'fail' ELSE 'pass' END));
            IF p < p_max THEN
                held := held || pg_catalog.format(
                    'srm: observed treatment share %s of %s %s, planned %s (p = %s < %s)',
                    @extschema@.rollout_fmt(t::double precision / (c + t)),
                    pg_catalog.to_char(c + t, 'FM999,999,999,999,999'), counted,
                    @extschema@.rollout_fmt(planned), pg_catalog.btrim(pg_catalog.to_char(p, '9.99EEEE')), p_max);
            END IF;
        END IF;

        -- units in both arms
        IF all_units > 0 THEN
            x_share := m.crossover_units::double precision / all_units;
            metrics := metrics || pg_catalog.jsonb_build_object('unit_crossover', pg_catalog.jsonb_build_object(
                'units', m.crossover_units, 'of_units', all_units, 'share', x_share, 'max', x_max,
                'status', CASE WHEN x_share > x_max THEN 'fail' ELSE 'pass' END));
            IF x_share > x_max THEN
                held := held || pg_catalog.format(
                    'unit_crossover: %s of %s units were in both arms (%s > %s)',
                    pg_catalog.to_char(m.crossover_units, 'FM999,999,999,999,999'),
                    pg_catalog.to_char(all_units, 'FM999,999,999,999,999'),
                    @extschema@.rollout_fmt(x_share), @extschema@.rollout_fmt(x_max));
            END IF;
        END IF;
    END
    $$;
COMMENT ON FUNCTION @extschema@.rollout_evaluate_split(jsonb, jsonb, @extschema@.rollout_measurement) IS
    'Checks the split of a measured window (unrecognised arm values, sample ratio, units in both arms) and returns the reasons to hold the rollout and the figures';

CREATE OR REPLACE FUNCTION @extschema@.rollout_judge(
    r @extschema@.rollouts, checkpoint_at timestamptz,
    OUT failed text[], OUT missing text[], OUT metrics jsonb, OUT held text[])
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
            r.owner_id, r.source, r.phase_started_at, checkpoint_at, COALESCE(quantiles, '{}'),
            (phase -> 'thresholds') ?| ARRAY['revenue_lift', 'completion_lift', 'churn_lift'],
            r.plan, @extschema@.rollout_measure_timeout(r.plan));

        SELECT e.held, e.metrics INTO held, metrics FROM @extschema@.rollout_evaluate_split(r.plan, phase, m) AS e;
        metrics := metrics || pg_catalog.jsonb_build_object(
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
                -- without a tuning in the plan, the comparison's default (5000)
                metric := CASE k WHEN 'revenue_lift' THEN 'value'
                                 WHEN 'completion_lift' THEN 'completion' ELSE 'churn' END;
                -- every argument given: no overload with fewer can compete
                cmp := @extschema@.compare_cohorts_sequential(m.control_cohort, m.treatment_cohort,
                                                              metric, alpha, COALESCE(tuning, 5000));
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
    'Measures a rollout''s current phase up to a checkpoint, with its owner''s rights, judges every threshold and checks the split';

CREATE OR REPLACE FUNCTION @extschema@.rollout_copied_from(r @extschema@.rollouts) RETURNS text
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, pg_temp
    AS $$
        SELECT pg_catalog.format('copied from database %s (OID %s) of system %s — rollout_resume to adopt',
                                 pg_catalog.quote_ident(r.database_name), r.database_oid, r.system_identifier)
        FROM pg_catalog.pg_database d
        WHERE d.datname OPERATOR(pg_catalog.=) pg_catalog.current_database()
          AND r.database_oid IS NOT NULL
          AND (d.oid <> r.database_oid
               OR r.system_identifier <> (SELECT c.system_identifier FROM pg_catalog.pg_control_system() AS c))
    $$;
COMMENT ON FUNCTION @extschema@.rollout_copied_from(@extschema@.rollouts) IS
    'The reason a rollout is not decided here (it was started in another database or cluster, of which this is a copy), or NULL';

CREATE OR REPLACE FUNCTION @extschema@.rollout_transition(state text, decision text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
        SELECT t.new_state
        FROM (VALUES ('pending', 'start', 'running'),
                     ('pending', 'rollback', 'rolled_back'),
                     ('running', 'continue', 'running'),
                     ('running', 'advance', 'running'),
                     ('running', 'complete', 'completed'),
                     ('running', 'hold', 'held'),
                     ('running', 'rollback', 'rolled_back'),
                     ('held', 'advance', 'running'),
                     ('held', 'complete', 'completed'),
                     ('held', 'resume', 'running'),
                     ('held', 'rollback', 'rolled_back')) AS t (state, decision, new_state)
        WHERE t.state OPERATOR(pg_catalog.=) rollout_transition.state
          AND t.decision OPERATOR(pg_catalog.=) rollout_transition.decision
    $$;
COMMENT ON FUNCTION @extschema@.rollout_transition(text, text) IS
    'The state a rollout in the given state moves to on a decision (start, continue, advance, complete, hold, resume, rollback); NULL when the decision is not allowed in that state';

CREATE OR REPLACE FUNCTION @extschema@.rollout_apply(
    r @extschema@.rollouts, actor text, decision text, checkpoint_at timestamptz,
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
        decision_id bigint;
    BEGIN
        IF @extschema@.rollout_transition(r.state, decision) IS DISTINCT FROM new_state THEN
            RAISE EXCEPTION 'rollout "%": decision % does not lead from state % to %', r.name, decision, r.state, new_state
                USING ERRCODE = 'internal_error',
                      DETAIL = pg_catalog.format('The state machine (rollout_transition) allows %s.',
                                                 COALESCE(@extschema@.rollout_transition(r.state, decision),
                                                          'no ' || decision || ' in state ' || r.state));
        END IF;
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
                                   ELSE (phase ->> 'traffic')::double precision END,
            -- where it runs: set when it starts, and when a copy adopts it
            (database_oid, database_name, system_identifier) =
                (SELECT CASE WHEN decision IN ('start', 'resume') THEN d.oid ELSE r.database_oid END,
                        CASE WHEN decision IN ('start', 'resume') THEN d.datname ELSE r.database_name END,
                        CASE WHEN decision IN ('start', 'resume')
                             THEN (SELECT c.system_identifier FROM pg_catalog.pg_control_system() AS c)
                             ELSE r.system_identifier END
                 FROM pg_catalog.pg_database d
                 WHERE d.datname OPERATOR(pg_catalog.=) pg_catalog.current_database())
        WHERE id = r.id
        RETURNING * INTO result;

        INSERT INTO @extschema@.rollout_decisions
            (rollout_id, rollout, owner, owner_id, phase, phase_run, checkpoint_no, checkpoint_at, decision,
             actor, state, treatment_share, reasons, metrics)
        VALUES (r.id, r.name, r.owner, r.owner_id, phases -> r.phase_no ->> 'name', r.phase_run,
                CASE WHEN checkpoint_at IS NOT NULL THEN r.checkpoint_no END, checkpoint_at, decision,
                actor, result.state, result.treatment_share,
                COALESCE(reasons, '{}'), COALESCE(metrics, '{}'))
        RETURNING id INTO decision_id;

        -- a wake-up for routers, which read the state itself: anyone may
        -- NOTIFY on this channel.  A copy holding what it copied tells
        -- nobody: its routers listen to the original.
        IF decision <> 'continue' AND NOT COALESCE(metrics ? 'copied_from', false) THEN
            PERFORM pg_catalog.pg_notify('cohort_analyzer_rollout', pg_catalog.json_build_object(
                'rollout', r.name, 'decision_id', decision_id, 'phase', phase ->> 'name',
                'decision', decision, 'state', result.state,
                'treatment_share', result.treatment_share)::text);
        END IF;
        RETURN result;
    END
    $$;
COMMENT ON FUNCTION @extschema@.rollout_apply(@extschema@.rollouts, text, text, timestamptz, text[], jsonb, text, integer, timestamptz, integer) IS
    'Applies a decision to a locked rollout: new state, decision row, NOTIFY cohort_analyzer_rollout with the decision id';

CREATE OR REPLACE FUNCTION @extschema@.rollout_decide(r @extschema@.rollouts, as_of timestamptz, actor text)
RETURNS @extschema@.rollouts
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
    AS $$
    DECLARE
        phase jsonb := r.plan -> 'phases' -> r.phase_no;
        checkpoints integer := pg_catalog.jsonb_array_length(phase -> 'checkpoints');
        last_phase boolean := r.phase_no = pg_catalog.jsonb_array_length(r.plan -> 'phases') - 1;
        skipped integer := 0;
        last_checkpoint boolean;
        at timestamptz;
        j record;
        metrics jsonb;
    BEGIN
        WHILE r.checkpoint_no < checkpoints - 1
              AND r.phase_started_at + (phase -> 'checkpoints' ->> (r.checkpoint_no + 1))::interval <= as_of
              AND r.phase_started_at + (phase -> 'checkpoints' ->> r.checkpoint_no)::interval
                  < as_of - interval '1 minute' LOOP
            r.checkpoint_no := r.checkpoint_no + 1;
            skipped := skipped + 1;
        END LOOP;
        last_checkpoint := r.checkpoint_no = checkpoints - 1;
        at := r.phase_started_at + (phase -> 'checkpoints' ->> r.checkpoint_no)::interval;

        -- a copy of the database the rollout runs in does not decide for it
        IF @extschema@.rollout_copied_from(r) IS NOT NULL THEN
            RETURN @extschema@.rollout_apply(r, actor, 'hold'::text, at,
                ARRAY[@extschema@.rollout_copied_from(r)],
                pg_catalog.jsonb_build_object('copied_from', pg_catalog.jsonb_build_object(
                    'database_oid', r.database_oid, 'database_name', r.database_name,
                    'system_identifier', r.system_identifier)),
                'held'::text, r.phase_no, r.phase_started_at, r.checkpoint_no);
        END IF;

        -- the owner's rights are the measurement's: a dropped owner's
        -- rollout waits for a person, whoever takes the name later
        IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE oid = r.owner_id) THEN
            RETURN @extschema@.rollout_apply(r, actor, 'hold'::text, at,
                ARRAY[pg_catalog.format('owner role "%s" (OID %s) no longer exists', r.owner, r.owner_id::oid)],
                '{}'::jsonb, 'held'::text, r.phase_no, r.phase_started_at, r.checkpoint_no);
        END IF;

        j := @extschema@.rollout_judge(r, at);
        metrics := j.metrics || CASE WHEN skipped > 0
                                     THEN pg_catalog.jsonb_build_object('skipped_checkpoints', skipped)
                                     ELSE '{}' END;
        IF pg_catalog.cardinality(j.failed) > 0 THEN
            RETURN @extschema@.rollout_apply(r, actor, 'rollback'::text, at, j.failed || j.missing, metrics,
                                             'rolled_back'::text, r.phase_no, r.phase_started_at, r.checkpoint_no);
        ELSIF pg_catalog.cardinality(j.held) > 0 THEN
            -- a broken split: nothing measured can be trusted
            RETURN @extschema@.rollout_apply(r, actor, 'hold'::text, at, j.held || j.missing, metrics,
                                             'held'::text, r.phase_no, r.phase_started_at, r.checkpoint_no);
        ELSIF NOT last_checkpoint THEN
            RETURN @extschema@.rollout_apply(r, actor, 'continue'::text, at, j.missing, metrics,
                                             'running'::text, r.phase_no, r.phase_started_at, r.checkpoint_no + 1);
        ELSIF pg_catalog.cardinality(j.missing) > 0 THEN
            RETURN @extschema@.rollout_apply(r, actor, 'hold'::text, at, j.missing, metrics,
                                             'held'::text, r.phase_no, r.phase_started_at, r.checkpoint_no);
        ELSIF last_phase THEN
            RETURN @extschema@.rollout_apply(r, actor, 'complete'::text, at, '{}'::text[], metrics,
                                             'completed'::text, r.phase_no, r.phase_started_at, r.checkpoint_no);
        ELSE
            RETURN @extschema@.rollout_apply(r, actor, 'advance'::text, at, '{}'::text[], metrics,
                                             'running'::text, r.phase_no + 1, at, 0);
        END IF;
    END
    $$;
COMMENT ON FUNCTION @extschema@.rollout_decide(@extschema@.rollouts, timestamptz, text) IS
    'Evaluates the latest due checkpoint of a locked running rollout (older overdue ones coalesced) and applies continue, advance, complete, hold or rollback';

CREATE OR REPLACE FUNCTION @extschema@.rollout_create_as(actor regrole, name text, source regclass, plan jsonb)
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
        FOR guardrail, column_name IN VALUES ('revenue_lift', 'revenue'), ('completion_lift', 'completed'),
                                             ('churn_lift', 'churned') LOOP
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

-- ---------------------------------------------------------------------------
-- Assignment of units to arms
-- ---------------------------------------------------------------------------
--
-- A unit's bucket is a fixed number in [0, 1) from the rollout's salt and
-- the unit id; the unit is in the treatment exactly when its bucket is
-- below the treatment share, so a share that grows never moves a unit of
-- the treatment back to the control.  doc/rollouts.md spells the hash out
-- for routers written in other languages.

CREATE FUNCTION @extschema@.rollout_bucket(salt text, unit_id text) RETURNS double precision
    AS 'MODULE_PATHNAME', 'rollout_bucket' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.rollout_bucket(text, text) IS
    'Assignment bucket of a unit in [0, 1): the first 8 bytes of SHA-256(salt, a zero byte, unit_id) in UTF-8, as a big-endian integer shifted right by 11 bits, divided by 2^53';

CREATE FUNCTION @extschema@.rollout_assign(name text, unit_id text) RETURNS text
    LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $$
    DECLARE
        salt text;
        share double precision;
    BEGIN
        SELECT r.salt, r.treatment_share INTO salt, share
          FROM @extschema@.rollouts r WHERE r.name = rollout_assign.name;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'rollout "%" does not exist', rollout_assign.name
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        RETURN CASE WHEN @extschema@.rollout_bucket(salt, unit_id) < share THEN 'treatment'
                    ELSE 'control' END;
    END
    $$;
COMMENT ON FUNCTION @extschema@.rollout_assign(text, text) IS
    'The arm (control or treatment) of a unit under the rollout''s current treatment share: treatment exactly when rollout_bucket(salt, unit_id) < share';

CREATE FUNCTION @extschema@.rollout_salt(name text) RETURNS text
    LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $$
    DECLARE
        salt text;
    BEGIN
        SELECT r.salt INTO salt FROM @extschema@.rollouts r WHERE r.name = rollout_salt.name;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'rollout "%" does not exist', rollout_salt.name
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        RETURN salt;
    END
    $$;
COMMENT ON FUNCTION @extschema@.rollout_salt(text) IS
    'The salt of a rollout''s assignment hash, for routers that compute rollout_bucket themselves';

REVOKE ALL ON FUNCTION @extschema@.rollout_measure_as(regrole, text, timestamptz, timestamptz, double precision[], boolean, jsonb, interval) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.rollout_judge(@extschema@.rollouts, timestamptz) FROM PUBLIC;
