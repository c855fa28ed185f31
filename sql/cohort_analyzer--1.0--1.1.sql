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
            IF k NOT IN ('phases', 'min_requests', 'alpha', 'tuning', 'measure_timeout', 'trust_source', 'columns',
                         'timezone', 'arms', 'srm', 'unit_crossover', 'measurement', 'bucket', 'settle', 'latency') THEN
                RAISE EXCEPTION 'invalid rollout plan: unknown key "%"', k
                    USING ERRCODE = 'invalid_parameter_value',
                          HINT = 'Accepted keys are phases, min_requests, alpha, tuning, measure_timeout, trust_source, columns, timezone, arms, srm, unit_crossover, measurement, bucket, settle and latency.';
            END IF;
        END LOOP;
        PERFORM @extschema@.rollout_plan_source_fields(plan), @extschema@.rollout_plan_summary_fields(plan);
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
                IF @extschema@.rollout_metric_kind(k) IS NULL OR @extschema@.rollout_metric_kind(k) = 'split' THEN
                    -- the hint lists rollout_metrics(): "a, b, ... and z"
                    SELECT pg_catalog.regexp_replace(pg_catalog.string_agg(
                               m.name || CASE WHEN m.kind = 'quantile' THEN ' (e.g. latency_p99)' ELSE '' END,
                               ', ' ORDER BY m.ord), ', ([^,]*)$', ' and \1')
                      INTO limits
                      FROM @extschema@.rollout_metrics() WITH ORDINALITY AS m (name, kind, unit, direction, field,
                                                                               compared, measured, ord)
                     WHERE m.kind <> 'split';
                    RAISE EXCEPTION 'invalid rollout plan: unknown metric "%" in %.thresholds', k, field
                        USING ERRCODE = 'invalid_parameter_value',
                              HINT = pg_catalog.format('Metrics are %s.', limits);
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
                      'srm', plan -> 'srm', 'unit_crossover', plan -> 'unit_crossover',
                      'measurement', plan -> 'measurement', 'bucket', plan -> 'bucket', 'settle', plan -> 'settle',
                      'latency', plan -> 'latency'));
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
        IF @extschema@.rollout_transition(r.state, decision) IS NULL
           OR @extschema@.rollout_transition(r.state, decision) IS DISTINCT FROM new_state THEN
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

        -- a finished rollout's summaries have nothing left to serve
        IF new_state IN ('completed', 'rolled_back') THEN
            DELETE FROM @extschema@.rollout_buckets x WHERE x.rollout_id = r.id;
            DELETE FROM @extschema@.rollout_unit_maps x WHERE x.rollout_id = r.id;
            DELETE FROM @extschema@.rollout_summary_marks x WHERE x.rollout_id = r.id;
        END IF;

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
CREATE FUNCTION @extschema@.rollout_decide(r @extschema@.rollouts, as_of timestamptz, actor text)
RETURNS @extschema@.rollouts
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
    AS $$
    DECLARE
        phase jsonb := r.plan -> 'phases' -> r.phase_no;
        checkpoints integer := pg_catalog.jsonb_array_length(phase -> 'checkpoints');
        skipped integer := 0;
        at timestamptz;
        metrics jsonb;
        decision text;
        reasons text[];
    BEGIN
        WHILE r.checkpoint_no < checkpoints - 1
              AND r.phase_started_at + (phase -> 'checkpoints' ->> (r.checkpoint_no + 1))::interval <= as_of
              AND r.phase_started_at + (phase -> 'checkpoints' ->> r.checkpoint_no)::interval
                  < as_of - interval '1 minute' LOOP
            r.checkpoint_no := r.checkpoint_no + 1;
            skipped := skipped + 1;
        END LOOP;
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

        -- the buckets settled by now, up to the checkpoint, are stored first
        PERFORM @extschema@.rollout_summarize_rollout(
            r, LEAST(as_of - (@extschema@.rollout_plan_measurement(r.plan)).settle, at));
        -- measure, evaluate, explain; rollout_apply enforces the transition
        SELECT e.metrics, e.decision INTO metrics, decision
          FROM @extschema@.rollout_evaluate(r.plan, r.phase_no, r.checkpoint_no,
                                            @extschema@.rollout_measure_checkpoint(r, at)) AS e;
        reasons := (@extschema@.rollout_explain(r.plan, metrics)).reasons;
        IF skipped > 0 THEN
            metrics := metrics || pg_catalog.jsonb_build_object('skipped_checkpoints', skipped);
        END IF;
        RETURN @extschema@.rollout_apply(
            r, actor, decision, at, reasons, metrics, @extschema@.rollout_transition(r.state, decision),
            CASE WHEN decision = 'advance' THEN r.phase_no + 1 ELSE r.phase_no END,
            CASE WHEN decision = 'advance' THEN at ELSE r.phase_started_at END,
            CASE decision WHEN 'advance' THEN 0 WHEN 'continue' THEN r.checkpoint_no + 1 ELSE r.checkpoint_no END);
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
        SELECT * INTO r FROM @extschema@.rollouts x
         WHERE x.id = rollout_id AND x.state = 'running'
           AND (x.next_checkpoint_at <= as_of OR @extschema@.rollout_summary_due(x, as_of))
         FOR UPDATE SKIP LOCKED;
        IF NOT FOUND THEN
            RETURN 0;
        END IF;
        LOOP
            BEGIN
                IF r.state = 'running' AND r.next_checkpoint_at <= as_of THEN
                    r := @extschema@.rollout_decide(r, as_of, actor);
                    decisions := decisions + 1;
                ELSE
                    -- then the buckets settled since, up to the next checkpoint
                    PERFORM @extschema@.rollout_summarize_rollout(
                        r, LEAST(as_of - (@extschema@.rollout_plan_measurement(r.plan)).settle, r.next_checkpoint_at));
                    EXIT;
                END IF;
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

-- Equality, order and hashing of the summary types: btree and hash operator
-- classes (sql/install/47_summary_order.sql).

-- cohort
CREATE FUNCTION @extschema@.cohort_lt(@extschema@.cohort, @extschema@.cohort) RETURNS boolean
    AS 'MODULE_PATHNAME', 'ca_summary_lt' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.cohort_lt(@extschema@.cohort, @extschema@.cohort) IS
    'True when the first cohort value sorts before the second (arbitrary but stable order of the stored bytes)';
CREATE FUNCTION @extschema@.cohort_le(@extschema@.cohort, @extschema@.cohort) RETURNS boolean
    AS 'MODULE_PATHNAME', 'ca_summary_le' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.cohort_le(@extschema@.cohort, @extschema@.cohort) IS
    'True when the first cohort value sorts before or equal to the second (arbitrary but stable order of the stored bytes)';
CREATE FUNCTION @extschema@.cohort_gt(@extschema@.cohort, @extschema@.cohort) RETURNS boolean
    AS 'MODULE_PATHNAME', 'ca_summary_gt' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.cohort_gt(@extschema@.cohort, @extschema@.cohort) IS
    'True when the first cohort value sorts after the second (arbitrary but stable order of the stored bytes)';
CREATE FUNCTION @extschema@.cohort_ge(@extschema@.cohort, @extschema@.cohort) RETURNS boolean
    AS 'MODULE_PATHNAME', 'ca_summary_ge' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.cohort_ge(@extschema@.cohort, @extschema@.cohort) IS
    'True when the first cohort value sorts after or equal to the second (arbitrary but stable order of the stored bytes)';
CREATE FUNCTION @extschema@.cohort_cmp(@extschema@.cohort, @extschema@.cohort) RETURNS integer
    AS 'MODULE_PATHNAME', 'ca_summary_cmp' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.cohort_cmp(@extschema@.cohort, @extschema@.cohort) IS
    'Btree support: -1, 0 or 1 in the arbitrary but stable order of the stored bytes';
CREATE FUNCTION @extschema@.cohort_hash(@extschema@.cohort) RETURNS integer
    AS 'MODULE_PATHNAME', 'ca_summary_hash' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.cohort_hash(@extschema@.cohort) IS
    'Hash support: hash of the stored bytes';
CREATE FUNCTION @extschema@.cohort_hash_extended(@extschema@.cohort, bigint) RETURNS bigint
    AS 'MODULE_PATHNAME', 'ca_summary_hash_extended' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.cohort_hash_extended(@extschema@.cohort, bigint) IS
    'Hash support: 64-bit seeded hash of the stored bytes';
ALTER OPERATOR @extschema@.= (@extschema@.cohort, @extschema@.cohort)
    SET (RESTRICT = pg_catalog.eqsel, JOIN = pg_catalog.eqjoinsel);
CREATE OPERATOR @extschema@.< (
    LEFTARG = @extschema@.cohort, RIGHTARG = @extschema@.cohort, FUNCTION = @extschema@.cohort_lt,
    COMMUTATOR = OPERATOR(@extschema@.>), NEGATOR = OPERATOR(@extschema@.>=),
    RESTRICT = pg_catalog.scalarltsel, JOIN = pg_catalog.scalarltjoinsel
);
COMMENT ON OPERATOR @extschema@.< (@extschema@.cohort, @extschema@.cohort) IS
    'Sorts before in the arbitrary but stable order of the stored bytes';
CREATE OPERATOR @extschema@.<= (
    LEFTARG = @extschema@.cohort, RIGHTARG = @extschema@.cohort, FUNCTION = @extschema@.cohort_le,
    COMMUTATOR = OPERATOR(@extschema@.>=), NEGATOR = OPERATOR(@extschema@.>),
    RESTRICT = pg_catalog.scalarlesel, JOIN = pg_catalog.scalarlejoinsel
);
COMMENT ON OPERATOR @extschema@.<= (@extschema@.cohort, @extschema@.cohort) IS
    'Sorts before or equal to in the arbitrary but stable order of the stored bytes';
CREATE OPERATOR @extschema@.> (
    LEFTARG = @extschema@.cohort, RIGHTARG = @extschema@.cohort, FUNCTION = @extschema@.cohort_gt,
    COMMUTATOR = OPERATOR(@extschema@.<), NEGATOR = OPERATOR(@extschema@.<=),
    RESTRICT = pg_catalog.scalargtsel, JOIN = pg_catalog.scalargtjoinsel
);
COMMENT ON OPERATOR @extschema@.> (@extschema@.cohort, @extschema@.cohort) IS
    'Sorts after in the arbitrary but stable order of the stored bytes';
CREATE OPERATOR @extschema@.>= (
    LEFTARG = @extschema@.cohort, RIGHTARG = @extschema@.cohort, FUNCTION = @extschema@.cohort_ge,
    COMMUTATOR = OPERATOR(@extschema@.<=), NEGATOR = OPERATOR(@extschema@.<),
    RESTRICT = pg_catalog.scalargesel, JOIN = pg_catalog.scalargejoinsel
);
COMMENT ON OPERATOR @extschema@.>= (@extschema@.cohort, @extschema@.cohort) IS
    'Sorts after or equal to in the arbitrary but stable order of the stored bytes';
CREATE OPERATOR CLASS @extschema@.cohort_ops DEFAULT FOR TYPE @extschema@.cohort USING btree AS
    OPERATOR 1 @extschema@.< (@extschema@.cohort, @extschema@.cohort),
    OPERATOR 2 @extschema@.<= (@extschema@.cohort, @extschema@.cohort),
    OPERATOR 3 @extschema@.= (@extschema@.cohort, @extschema@.cohort),
    OPERATOR 4 @extschema@.>= (@extschema@.cohort, @extschema@.cohort),
    OPERATOR 5 @extschema@.> (@extschema@.cohort, @extschema@.cohort),
    FUNCTION 1 @extschema@.cohort_cmp(@extschema@.cohort, @extschema@.cohort);
COMMENT ON OPERATOR CLASS @extschema@.cohort_ops USING btree IS
    'Default btree operator class of cohort: the arbitrary but stable order of the stored bytes';
COMMENT ON OPERATOR FAMILY @extschema@.cohort_ops USING btree IS
    'Btree operator family of cohort';
CREATE OPERATOR CLASS @extschema@.cohort_ops DEFAULT FOR TYPE @extschema@.cohort USING hash AS
    OPERATOR 1 @extschema@.= (@extschema@.cohort, @extschema@.cohort),
    FUNCTION 1 @extschema@.cohort_hash(@extschema@.cohort),
    FUNCTION 2 @extschema@.cohort_hash_extended(@extschema@.cohort, bigint);
COMMENT ON OPERATOR CLASS @extschema@.cohort_ops USING hash IS
    'Default hash operator class of cohort: hash of the stored bytes';
COMMENT ON OPERATOR FAMILY @extschema@.cohort_ops USING hash IS
    'Hash operator family of cohort';

-- quantile_sketch
CREATE FUNCTION @extschema@.quantile_sketch_lt(@extschema@.quantile_sketch, @extschema@.quantile_sketch) RETURNS boolean
    AS 'MODULE_PATHNAME', 'ca_summary_lt' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.quantile_sketch_lt(@extschema@.quantile_sketch, @extschema@.quantile_sketch) IS
    'True when the first quantile sketch value sorts before the second (arbitrary but stable order of the stored bytes)';
CREATE FUNCTION @extschema@.quantile_sketch_le(@extschema@.quantile_sketch, @extschema@.quantile_sketch) RETURNS boolean
    AS 'MODULE_PATHNAME', 'ca_summary_le' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.quantile_sketch_le(@extschema@.quantile_sketch, @extschema@.quantile_sketch) IS
    'True when the first quantile sketch value sorts before or equal to the second (arbitrary but stable order of the stored bytes)';
CREATE FUNCTION @extschema@.quantile_sketch_gt(@extschema@.quantile_sketch, @extschema@.quantile_sketch) RETURNS boolean
    AS 'MODULE_PATHNAME', 'ca_summary_gt' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.quantile_sketch_gt(@extschema@.quantile_sketch, @extschema@.quantile_sketch) IS
    'True when the first quantile sketch value sorts after the second (arbitrary but stable order of the stored bytes)';
CREATE FUNCTION @extschema@.quantile_sketch_ge(@extschema@.quantile_sketch, @extschema@.quantile_sketch) RETURNS boolean
    AS 'MODULE_PATHNAME', 'ca_summary_ge' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.quantile_sketch_ge(@extschema@.quantile_sketch, @extschema@.quantile_sketch) IS
    'True when the first quantile sketch value sorts after or equal to the second (arbitrary but stable order of the stored bytes)';
CREATE FUNCTION @extschema@.quantile_sketch_cmp(@extschema@.quantile_sketch, @extschema@.quantile_sketch) RETURNS integer
    AS 'MODULE_PATHNAME', 'ca_summary_cmp' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.quantile_sketch_cmp(@extschema@.quantile_sketch, @extschema@.quantile_sketch) IS
    'Btree support: -1, 0 or 1 in the arbitrary but stable order of the stored bytes';
CREATE FUNCTION @extschema@.quantile_sketch_hash(@extschema@.quantile_sketch) RETURNS integer
    AS 'MODULE_PATHNAME', 'ca_summary_hash' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.quantile_sketch_hash(@extschema@.quantile_sketch) IS
    'Hash support: hash of the stored bytes';
CREATE FUNCTION @extschema@.quantile_sketch_hash_extended(@extschema@.quantile_sketch, bigint) RETURNS bigint
    AS 'MODULE_PATHNAME', 'ca_summary_hash_extended' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.quantile_sketch_hash_extended(@extschema@.quantile_sketch, bigint) IS
    'Hash support: 64-bit seeded hash of the stored bytes';
ALTER OPERATOR @extschema@.= (@extschema@.quantile_sketch, @extschema@.quantile_sketch)
    SET (RESTRICT = pg_catalog.eqsel, JOIN = pg_catalog.eqjoinsel);
CREATE OPERATOR @extschema@.< (
    LEFTARG = @extschema@.quantile_sketch, RIGHTARG = @extschema@.quantile_sketch, FUNCTION = @extschema@.quantile_sketch_lt,
    COMMUTATOR = OPERATOR(@extschema@.>), NEGATOR = OPERATOR(@extschema@.>=),
    RESTRICT = pg_catalog.scalarltsel, JOIN = pg_catalog.scalarltjoinsel
);
COMMENT ON OPERATOR @extschema@.< (@extschema@.quantile_sketch, @extschema@.quantile_sketch) IS
    'Sorts before in the arbitrary but stable order of the stored bytes';
CREATE OPERATOR @extschema@.<= (
    LEFTARG = @extschema@.quantile_sketch, RIGHTARG = @extschema@.quantile_sketch, FUNCTION = @extschema@.quantile_sketch_le,
    COMMUTATOR = OPERATOR(@extschema@.>=), NEGATOR = OPERATOR(@extschema@.>),
    RESTRICT = pg_catalog.scalarlesel, JOIN = pg_catalog.scalarlejoinsel
);
COMMENT ON OPERATOR @extschema@.<= (@extschema@.quantile_sketch, @extschema@.quantile_sketch) IS
    'Sorts before or equal to in the arbitrary but stable order of the stored bytes';
CREATE OPERATOR @extschema@.> (
    LEFTARG = @extschema@.quantile_sketch, RIGHTARG = @extschema@.quantile_sketch, FUNCTION = @extschema@.quantile_sketch_gt,
    COMMUTATOR = OPERATOR(@extschema@.<), NEGATOR = OPERATOR(@extschema@.<=),
    RESTRICT = pg_catalog.scalargtsel, JOIN = pg_catalog.scalargtjoinsel
);
COMMENT ON OPERATOR @extschema@.> (@extschema@.quantile_sketch, @extschema@.quantile_sketch) IS
    'Sorts after in the arbitrary but stable order of the stored bytes';
CREATE OPERATOR @extschema@.>= (
    LEFTARG = @extschema@.quantile_sketch, RIGHTARG = @extschema@.quantile_sketch, FUNCTION = @extschema@.quantile_sketch_ge,
    COMMUTATOR = OPERATOR(@extschema@.<=), NEGATOR = OPERATOR(@extschema@.<),
    RESTRICT = pg_catalog.scalargesel, JOIN = pg_catalog.scalargejoinsel
);
COMMENT ON OPERATOR @extschema@.>= (@extschema@.quantile_sketch, @extschema@.quantile_sketch) IS
    'Sorts after or equal to in the arbitrary but stable order of the stored bytes';
CREATE OPERATOR CLASS @extschema@.quantile_sketch_ops DEFAULT FOR TYPE @extschema@.quantile_sketch USING btree AS
    OPERATOR 1 @extschema@.< (@extschema@.quantile_sketch, @extschema@.quantile_sketch),
    OPERATOR 2 @extschema@.<= (@extschema@.quantile_sketch, @extschema@.quantile_sketch),
    OPERATOR 3 @extschema@.= (@extschema@.quantile_sketch, @extschema@.quantile_sketch),
    OPERATOR 4 @extschema@.>= (@extschema@.quantile_sketch, @extschema@.quantile_sketch),
    OPERATOR 5 @extschema@.> (@extschema@.quantile_sketch, @extschema@.quantile_sketch),
    FUNCTION 1 @extschema@.quantile_sketch_cmp(@extschema@.quantile_sketch, @extschema@.quantile_sketch);
COMMENT ON OPERATOR CLASS @extschema@.quantile_sketch_ops USING btree IS
    'Default btree operator class of quantile_sketch: the arbitrary but stable order of the stored bytes';
COMMENT ON OPERATOR FAMILY @extschema@.quantile_sketch_ops USING btree IS
    'Btree operator family of quantile_sketch';
CREATE OPERATOR CLASS @extschema@.quantile_sketch_ops DEFAULT FOR TYPE @extschema@.quantile_sketch USING hash AS
    OPERATOR 1 @extschema@.= (@extschema@.quantile_sketch, @extschema@.quantile_sketch),
    FUNCTION 1 @extschema@.quantile_sketch_hash(@extschema@.quantile_sketch),
    FUNCTION 2 @extschema@.quantile_sketch_hash_extended(@extschema@.quantile_sketch, bigint);
COMMENT ON OPERATOR CLASS @extschema@.quantile_sketch_ops USING hash IS
    'Default hash operator class of quantile_sketch: hash of the stored bytes';
COMMENT ON OPERATOR FAMILY @extschema@.quantile_sketch_ops USING hash IS
    'Hash operator family of quantile_sketch';

-- activity
CREATE FUNCTION @extschema@.activity_eq(@extschema@.activity, @extschema@.activity) RETURNS boolean
    AS 'MODULE_PATHNAME', 'ca_summary_eq' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.activity_eq(@extschema@.activity, @extschema@.activity) IS
    'True when two activity values are bit-for-bit identical';
CREATE FUNCTION @extschema@.activity_lt(@extschema@.activity, @extschema@.activity) RETURNS boolean
    AS 'MODULE_PATHNAME', 'ca_summary_lt' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.activity_lt(@extschema@.activity, @extschema@.activity) IS
    'True when the first activity value sorts before the second (arbitrary but stable order of the stored bytes)';
CREATE FUNCTION @extschema@.activity_le(@extschema@.activity, @extschema@.activity) RETURNS boolean
    AS 'MODULE_PATHNAME', 'ca_summary_le' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.activity_le(@extschema@.activity, @extschema@.activity) IS
    'True when the first activity value sorts before or equal to the second (arbitrary but stable order of the stored bytes)';
CREATE FUNCTION @extschema@.activity_gt(@extschema@.activity, @extschema@.activity) RETURNS boolean
    AS 'MODULE_PATHNAME', 'ca_summary_gt' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.activity_gt(@extschema@.activity, @extschema@.activity) IS
    'True when the first activity value sorts after the second (arbitrary but stable order of the stored bytes)';
CREATE FUNCTION @extschema@.activity_ge(@extschema@.activity, @extschema@.activity) RETURNS boolean
    AS 'MODULE_PATHNAME', 'ca_summary_ge' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.activity_ge(@extschema@.activity, @extschema@.activity) IS
    'True when the first activity value sorts after or equal to the second (arbitrary but stable order of the stored bytes)';
CREATE FUNCTION @extschema@.activity_cmp(@extschema@.activity, @extschema@.activity) RETURNS integer
    AS 'MODULE_PATHNAME', 'ca_summary_cmp' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.activity_cmp(@extschema@.activity, @extschema@.activity) IS
    'Btree support: -1, 0 or 1 in the arbitrary but stable order of the stored bytes';
CREATE FUNCTION @extschema@.activity_hash(@extschema@.activity) RETURNS integer
    AS 'MODULE_PATHNAME', 'ca_summary_hash' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.activity_hash(@extschema@.activity) IS
    'Hash support: hash of the stored bytes';
CREATE FUNCTION @extschema@.activity_hash_extended(@extschema@.activity, bigint) RETURNS bigint
    AS 'MODULE_PATHNAME', 'ca_summary_hash_extended' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.activity_hash_extended(@extschema@.activity, bigint) IS
    'Hash support: 64-bit seeded hash of the stored bytes';
CREATE OPERATOR @extschema@.= (
    LEFTARG = @extschema@.activity, RIGHTARG = @extschema@.activity,
    FUNCTION = @extschema@.activity_eq, COMMUTATOR = OPERATOR(@extschema@.=),
    RESTRICT = pg_catalog.eqsel, JOIN = pg_catalog.eqjoinsel
);
COMMENT ON OPERATOR @extschema@.= (@extschema@.activity, @extschema@.activity) IS
    'Bit-for-bit identical activity values';
CREATE OPERATOR @extschema@.< (
    LEFTARG = @extschema@.activity, RIGHTARG = @extschema@.activity, FUNCTION = @extschema@.activity_lt,
    COMMUTATOR = OPERATOR(@extschema@.>), NEGATOR = OPERATOR(@extschema@.>=),
    RESTRICT = pg_catalog.scalarltsel, JOIN = pg_catalog.scalarltjoinsel
);
COMMENT ON OPERATOR @extschema@.< (@extschema@.activity, @extschema@.activity) IS
    'Sorts before in the arbitrary but stable order of the stored bytes';
CREATE OPERATOR @extschema@.<= (
    LEFTARG = @extschema@.activity, RIGHTARG = @extschema@.activity, FUNCTION = @extschema@.activity_le,
    COMMUTATOR = OPERATOR(@extschema@.>=), NEGATOR = OPERATOR(@extschema@.>),
    RESTRICT = pg_catalog.scalarlesel, JOIN = pg_catalog.scalarlejoinsel
);
COMMENT ON OPERATOR @extschema@.<= (@extschema@.activity, @extschema@.activity) IS
    'Sorts before or equal to in the arbitrary but stable order of the stored bytes';
CREATE OPERATOR @extschema@.> (
    LEFTARG = @extschema@.activity, RIGHTARG = @extschema@.activity, FUNCTION = @extschema@.activity_gt,
    COMMUTATOR = OPERATOR(@extschema@.<), NEGATOR = OPERATOR(@extschema@.<=),
    RESTRICT = pg_catalog.scalargtsel, JOIN = pg_catalog.scalargtjoinsel
);
COMMENT ON OPERATOR @extschema@.> (@extschema@.activity, @extschema@.activity) IS
    'Sorts after in the arbitrary but stable order of the stored bytes';
CREATE OPERATOR @extschema@.>= (
    LEFTARG = @extschema@.activity, RIGHTARG = @extschema@.activity, FUNCTION = @extschema@.activity_ge,
    COMMUTATOR = OPERATOR(@extschema@.<=), NEGATOR = OPERATOR(@extschema@.<),
    RESTRICT = pg_catalog.scalargesel, JOIN = pg_catalog.scalargejoinsel
);
COMMENT ON OPERATOR @extschema@.>= (@extschema@.activity, @extschema@.activity) IS
    'Sorts after or equal to in the arbitrary but stable order of the stored bytes';
CREATE OPERATOR CLASS @extschema@.activity_ops DEFAULT FOR TYPE @extschema@.activity USING btree AS
    OPERATOR 1 @extschema@.< (@extschema@.activity, @extschema@.activity),
    OPERATOR 2 @extschema@.<= (@extschema@.activity, @extschema@.activity),
    OPERATOR 3 @extschema@.= (@extschema@.activity, @extschema@.activity),
    OPERATOR 4 @extschema@.>= (@extschema@.activity, @extschema@.activity),
    OPERATOR 5 @extschema@.> (@extschema@.activity, @extschema@.activity),
    FUNCTION 1 @extschema@.activity_cmp(@extschema@.activity, @extschema@.activity);
COMMENT ON OPERATOR CLASS @extschema@.activity_ops USING btree IS
    'Default btree operator class of activity: the arbitrary but stable order of the stored bytes';
COMMENT ON OPERATOR FAMILY @extschema@.activity_ops USING btree IS
    'Btree operator family of activity';
CREATE OPERATOR CLASS @extschema@.activity_ops DEFAULT FOR TYPE @extschema@.activity USING hash AS
    OPERATOR 1 @extschema@.= (@extschema@.activity, @extschema@.activity),
    FUNCTION 1 @extschema@.activity_hash(@extschema@.activity),
    FUNCTION 2 @extschema@.activity_hash_extended(@extschema@.activity, bigint);
COMMENT ON OPERATOR CLASS @extschema@.activity_ops USING hash IS
    'Default hash operator class of activity: hash of the stored bytes';
COMMENT ON OPERATOR FAMILY @extschema@.activity_ops USING hash IS
    'Hash operator family of activity';

-- retention
CREATE FUNCTION @extschema@.retention_eq(@extschema@.retention, @extschema@.retention) RETURNS boolean
    AS 'MODULE_PATHNAME', 'ca_summary_eq' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.retention_eq(@extschema@.retention, @extschema@.retention) IS
    'True when two retention values are bit-for-bit identical';
CREATE FUNCTION @extschema@.retention_lt(@extschema@.retention, @extschema@.retention) RETURNS boolean
    AS 'MODULE_PATHNAME', 'ca_summary_lt' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.retention_lt(@extschema@.retention, @extschema@.retention) IS
    'True when the first retention value sorts before the second (arbitrary but stable order of the stored bytes)';
CREATE FUNCTION @extschema@.retention_le(@extschema@.retention, @extschema@.retention) RETURNS boolean
    AS 'MODULE_PATHNAME', 'ca_summary_le' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.retention_le(@extschema@.retention, @extschema@.retention) IS
    'True when the first retention value sorts before or equal to the second (arbitrary but stable order of the stored bytes)';
CREATE FUNCTION @extschema@.retention_gt(@extschema@.retention, @extschema@.retention) RETURNS boolean
    AS 'MODULE_PATHNAME', 'ca_summary_gt' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.retention_gt(@extschema@.retention, @extschema@.retention) IS
    'True when the first retention value sorts after the second (arbitrary but stable order of the stored bytes)';
CREATE FUNCTION @extschema@.retention_ge(@extschema@.retention, @extschema@.retention) RETURNS boolean
    AS 'MODULE_PATHNAME', 'ca_summary_ge' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.retention_ge(@extschema@.retention, @extschema@.retention) IS
    'True when the first retention value sorts after or equal to the second (arbitrary but stable order of the stored bytes)';
CREATE FUNCTION @extschema@.retention_cmp(@extschema@.retention, @extschema@.retention) RETURNS integer
    AS 'MODULE_PATHNAME', 'ca_summary_cmp' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.retention_cmp(@extschema@.retention, @extschema@.retention) IS
    'Btree support: -1, 0 or 1 in the arbitrary but stable order of the stored bytes';
CREATE FUNCTION @extschema@.retention_hash(@extschema@.retention) RETURNS integer
    AS 'MODULE_PATHNAME', 'ca_summary_hash' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.retention_hash(@extschema@.retention) IS
    'Hash support: hash of the stored bytes';
CREATE FUNCTION @extschema@.retention_hash_extended(@extschema@.retention, bigint) RETURNS bigint
    AS 'MODULE_PATHNAME', 'ca_summary_hash_extended' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.retention_hash_extended(@extschema@.retention, bigint) IS
    'Hash support: 64-bit seeded hash of the stored bytes';
CREATE OPERATOR @extschema@.= (
    LEFTARG = @extschema@.retention, RIGHTARG = @extschema@.retention,
    FUNCTION = @extschema@.retention_eq, COMMUTATOR = OPERATOR(@extschema@.=),
    RESTRICT = pg_catalog.eqsel, JOIN = pg_catalog.eqjoinsel
);
COMMENT ON OPERATOR @extschema@.= (@extschema@.retention, @extschema@.retention) IS
    'Bit-for-bit identical retention values';
CREATE OPERATOR @extschema@.< (
    LEFTARG = @extschema@.retention, RIGHTARG = @extschema@.retention, FUNCTION = @extschema@.retention_lt,
    COMMUTATOR = OPERATOR(@extschema@.>), NEGATOR = OPERATOR(@extschema@.>=),
    RESTRICT = pg_catalog.scalarltsel, JOIN = pg_catalog.scalarltjoinsel
);
COMMENT ON OPERATOR @extschema@.< (@extschema@.retention, @extschema@.retention) IS
    'Sorts before in the arbitrary but stable order of the stored bytes';
CREATE OPERATOR @extschema@.<= (
    LEFTARG = @extschema@.retention, RIGHTARG = @extschema@.retention, FUNCTION = @extschema@.retention_le,
    COMMUTATOR = OPERATOR(@extschema@.>=), NEGATOR = OPERATOR(@extschema@.>),
    RESTRICT = pg_catalog.scalarlesel, JOIN = pg_catalog.scalarlejoinsel
);
COMMENT ON OPERATOR @extschema@.<= (@extschema@.retention, @extschema@.retention) IS
    'Sorts before or equal to in the arbitrary but stable order of the stored bytes';
CREATE OPERATOR @extschema@.> (
    LEFTARG = @extschema@.retention, RIGHTARG = @extschema@.retention, FUNCTION = @extschema@.retention_gt,
    COMMUTATOR = OPERATOR(@extschema@.<), NEGATOR = OPERATOR(@extschema@.<=),
    RESTRICT = pg_catalog.scalargtsel, JOIN = pg_catalog.scalargtjoinsel
);
COMMENT ON OPERATOR @extschema@.> (@extschema@.retention, @extschema@.retention) IS
    'Sorts after in the arbitrary but stable order of the stored bytes';
CREATE OPERATOR @extschema@.>= (
    LEFTARG = @extschema@.retention, RIGHTARG = @extschema@.retention, FUNCTION = @extschema@.retention_ge,
    COMMUTATOR = OPERATOR(@extschema@.<=), NEGATOR = OPERATOR(@extschema@.<),
    RESTRICT = pg_catalog.scalargesel, JOIN = pg_catalog.scalargejoinsel
);
COMMENT ON OPERATOR @extschema@.>= (@extschema@.retention, @extschema@.retention) IS
    'Sorts after or equal to in the arbitrary but stable order of the stored bytes';
CREATE OPERATOR CLASS @extschema@.retention_ops DEFAULT FOR TYPE @extschema@.retention USING btree AS
    OPERATOR 1 @extschema@.< (@extschema@.retention, @extschema@.retention),
    OPERATOR 2 @extschema@.<= (@extschema@.retention, @extschema@.retention),
    OPERATOR 3 @extschema@.= (@extschema@.retention, @extschema@.retention),
    OPERATOR 4 @extschema@.>= (@extschema@.retention, @extschema@.retention),
    OPERATOR 5 @extschema@.> (@extschema@.retention, @extschema@.retention),
    FUNCTION 1 @extschema@.retention_cmp(@extschema@.retention, @extschema@.retention);
COMMENT ON OPERATOR CLASS @extschema@.retention_ops USING btree IS
    'Default btree operator class of retention: the arbitrary but stable order of the stored bytes';
COMMENT ON OPERATOR FAMILY @extschema@.retention_ops USING btree IS
    'Btree operator family of retention';
CREATE OPERATOR CLASS @extschema@.retention_ops DEFAULT FOR TYPE @extschema@.retention USING hash AS
    OPERATOR 1 @extschema@.= (@extschema@.retention, @extschema@.retention),
    FUNCTION 1 @extschema@.retention_hash(@extschema@.retention),
    FUNCTION 2 @extschema@.retention_hash_extended(@extschema@.retention, bigint);
COMMENT ON OPERATOR CLASS @extschema@.retention_ops USING hash IS
    'Default hash operator class of retention: hash of the stored bytes';
COMMENT ON OPERATOR FAMILY @extschema@.retention_ops USING hash IS
    'Hash operator family of retention';

-- survival
CREATE FUNCTION @extschema@.survival_lt(@extschema@.survival, @extschema@.survival) RETURNS boolean
    AS 'MODULE_PATHNAME', 'ca_summary_lt' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.survival_lt(@extschema@.survival, @extschema@.survival) IS
    'True when the first survival value sorts before the second (arbitrary but stable order of the stored bytes)';
CREATE FUNCTION @extschema@.survival_le(@extschema@.survival, @extschema@.survival) RETURNS boolean
    AS 'MODULE_PATHNAME', 'ca_summary_le' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.survival_le(@extschema@.survival, @extschema@.survival) IS
    'True when the first survival value sorts before or equal to the second (arbitrary but stable order of the stored bytes)';
CREATE FUNCTION @extschema@.survival_gt(@extschema@.survival, @extschema@.survival) RETURNS boolean
    AS 'MODULE_PATHNAME', 'ca_summary_gt' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.survival_gt(@extschema@.survival, @extschema@.survival) IS
    'True when the first survival value sorts after the second (arbitrary but stable order of the stored bytes)';
CREATE FUNCTION @extschema@.survival_ge(@extschema@.survival, @extschema@.survival) RETURNS boolean
    AS 'MODULE_PATHNAME', 'ca_summary_ge' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.survival_ge(@extschema@.survival, @extschema@.survival) IS
    'True when the first survival value sorts after or equal to the second (arbitrary but stable order of the stored bytes)';
CREATE FUNCTION @extschema@.survival_cmp(@extschema@.survival, @extschema@.survival) RETURNS integer
    AS 'MODULE_PATHNAME', 'ca_summary_cmp' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.survival_cmp(@extschema@.survival, @extschema@.survival) IS
    'Btree support: -1, 0 or 1 in the arbitrary but stable order of the stored bytes';
CREATE FUNCTION @extschema@.survival_hash(@extschema@.survival) RETURNS integer
    AS 'MODULE_PATHNAME', 'ca_summary_hash' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.survival_hash(@extschema@.survival) IS
    'Hash support: hash of the stored bytes';
CREATE FUNCTION @extschema@.survival_hash_extended(@extschema@.survival, bigint) RETURNS bigint
    AS 'MODULE_PATHNAME', 'ca_summary_hash_extended' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.survival_hash_extended(@extschema@.survival, bigint) IS
    'Hash support: 64-bit seeded hash of the stored bytes';
ALTER OPERATOR @extschema@.= (@extschema@.survival, @extschema@.survival)
    SET (RESTRICT = pg_catalog.eqsel, JOIN = pg_catalog.eqjoinsel);
CREATE OPERATOR @extschema@.< (
    LEFTARG = @extschema@.survival, RIGHTARG = @extschema@.survival, FUNCTION = @extschema@.survival_lt,
    COMMUTATOR = OPERATOR(@extschema@.>), NEGATOR = OPERATOR(@extschema@.>=),
    RESTRICT = pg_catalog.scalarltsel, JOIN = pg_catalog.scalarltjoinsel
);
COMMENT ON OPERATOR @extschema@.< (@extschema@.survival, @extschema@.survival) IS
    'Sorts before in the arbitrary but stable order of the stored bytes';
CREATE OPERATOR @extschema@.<= (
    LEFTARG = @extschema@.survival, RIGHTARG = @extschema@.survival, FUNCTION = @extschema@.survival_le,
    COMMUTATOR = OPERATOR(@extschema@.>=), NEGATOR = OPERATOR(@extschema@.>),
    RESTRICT = pg_catalog.scalarlesel, JOIN = pg_catalog.scalarlejoinsel
);
COMMENT ON OPERATOR @extschema@.<= (@extschema@.survival, @extschema@.survival) IS
    'Sorts before or equal to in the arbitrary but stable order of the stored bytes';
CREATE OPERATOR @extschema@.> (
    LEFTARG = @extschema@.survival, RIGHTARG = @extschema@.survival, FUNCTION = @extschema@.survival_gt,
    COMMUTATOR = OPERATOR(@extschema@.<), NEGATOR = OPERATOR(@extschema@.<=),
    RESTRICT = pg_catalog.scalargtsel, JOIN = pg_catalog.scalargtjoinsel
);
COMMENT ON OPERATOR @extschema@.> (@extschema@.survival, @extschema@.survival) IS
    'Sorts after in the arbitrary but stable order of the stored bytes';
CREATE OPERATOR @extschema@.>= (
    LEFTARG = @extschema@.survival, RIGHTARG = @extschema@.survival, FUNCTION = @extschema@.survival_ge,
    COMMUTATOR = OPERATOR(@extschema@.<=), NEGATOR = OPERATOR(@extschema@.<),
    RESTRICT = pg_catalog.scalargesel, JOIN = pg_catalog.scalargejoinsel
);
COMMENT ON OPERATOR @extschema@.>= (@extschema@.survival, @extschema@.survival) IS
    'Sorts after or equal to in the arbitrary but stable order of the stored bytes';
CREATE OPERATOR CLASS @extschema@.survival_ops DEFAULT FOR TYPE @extschema@.survival USING btree AS
    OPERATOR 1 @extschema@.< (@extschema@.survival, @extschema@.survival),
    OPERATOR 2 @extschema@.<= (@extschema@.survival, @extschema@.survival),
    OPERATOR 3 @extschema@.= (@extschema@.survival, @extschema@.survival),
    OPERATOR 4 @extschema@.>= (@extschema@.survival, @extschema@.survival),
    OPERATOR 5 @extschema@.> (@extschema@.survival, @extschema@.survival),
    FUNCTION 1 @extschema@.survival_cmp(@extschema@.survival, @extschema@.survival);
COMMENT ON OPERATOR CLASS @extschema@.survival_ops USING btree IS
    'Default btree operator class of survival: the arbitrary but stable order of the stored bytes';
COMMENT ON OPERATOR FAMILY @extschema@.survival_ops USING btree IS
    'Btree operator family of survival';
CREATE OPERATOR CLASS @extschema@.survival_ops DEFAULT FOR TYPE @extschema@.survival USING hash AS
    OPERATOR 1 @extschema@.= (@extschema@.survival, @extschema@.survival),
    FUNCTION 1 @extschema@.survival_hash(@extschema@.survival),
    FUNCTION 2 @extschema@.survival_hash_extended(@extschema@.survival, bigint);
COMMENT ON OPERATOR CLASS @extschema@.survival_ops USING hash IS
    'Default hash operator class of survival: hash of the stored bytes';
COMMENT ON OPERATOR FAMILY @extschema@.survival_ops USING hash IS
    'Hash operator family of survival';

-- Exact references: retention_table names pg_catalog's unnest and - and
-- casts its literal (sql/install/41_retention.sql).
CREATE OR REPLACE FUNCTION @extschema@.retention_table(r @extschema@.retention, mode text DEFAULT 'on')
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


-- ---------------------------------------------------------------------------
-- Pictures: SVG plots of stored summaries and an HTML rollout report
-- ---------------------------------------------------------------------------
-- Every function returns text that is a complete SVG or HTML document:
-- valid XML, no scripts, no external assets, every user-supplied string
-- escaped by markup_escape.

CREATE FUNCTION @extschema@.markup_escape(value text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
    SELECT pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(
               pg_catalog.regexp_replace(value, '[\x01-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]', '', 'g'),
               '&', '&amp;'), '<', '&lt;'), '>', '&gt;'), '"', '&quot;'), '''', '&#39;')
    $$;
COMMENT ON FUNCTION @extschema@.markup_escape(text) IS
    'Text made safe for XML, SVG and HTML content and attributes: & < > " '' escaped, characters XML forbids removed';

-- The labels of a picture's series, checked against its values and escaped.
CREATE FUNCTION @extschema@.picture_labels(labels text[], value_count integer, values_name text)
    RETURNS text[]
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
    BEGIN
        IF labels IS NULL OR value_count IS NULL THEN
            RAISE EXCEPTION 'labels and % must not be NULL', values_name
                USING ERRCODE = 'null_value_not_allowed';
        END IF;
        IF pg_catalog.array_ndims(labels) IS DISTINCT FROM 1 OR value_count < 1 THEN
            RAISE EXCEPTION 'labels and % must be one-dimensional arrays with at least one element', values_name
                USING ERRCODE = 'array_subscript_error';
        END IF;
        IF pg_catalog.cardinality(labels) <> value_count THEN
            RAISE EXCEPTION 'labels and % must have the same length', values_name
                USING ERRCODE = 'array_subscript_error',
                      DETAIL = pg_catalog.format('labels has %s elements, %s has %s.',
                                                 pg_catalog.cardinality(labels), values_name, value_count);
        END IF;
        IF value_count > 200 THEN
            RAISE EXCEPTION '% has % elements, more than a picture can show (200)', values_name, value_count
                USING ERRCODE = 'program_limit_exceeded';
        END IF;
        RETURN ARRAY(SELECT @extschema@.markup_escape(coalesce(l, '')) FROM pg_catalog.unnest(labels) AS l);
    END
    $$;
COMMENT ON FUNCTION @extschema@.picture_labels(text[], integer, text) IS
    'Checks that a picture has as many labels as values (at most 200) and returns them escaped';

-- The colour of series number i (from 1): a palette readable on white.
CREATE FUNCTION @extschema@.picture_color(i integer) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
    SELECT (ARRAY['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf', '#8c564b', '#e377c2'])
           [1 + (i - 1) % 8]
    $$;
COMMENT ON FUNCTION @extschema@.picture_color(integer) IS
    'Colour of the i-th series of a picture (8 colours, repeating)';

-- A number as an SVG coordinate or label: rounded to the given digits.
CREATE FUNCTION @extschema@.picture_num(x double precision, digits integer DEFAULT 1) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$ SELECT pg_catalog.round(x::numeric, digits)::text $$;
COMMENT ON FUNCTION @extschema@.picture_num(double precision, integer) IS
    'A number rounded for an SVG coordinate or label';

-- A round step for about n axis ticks up to top: 1, 2 or 5 times a power of ten.
CREATE FUNCTION @extschema@.picture_step(top double precision, n integer) RETURNS double precision
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
    SELECT p * CASE WHEN top / p <= n THEN 1 WHEN top / p <= 2 * n THEN 2 ELSE 5 END
    FROM (SELECT pg_catalog.power(10::double precision,
                     pg_catalog.floor(pg_catalog.log(greatest(top, 1e-300) / n))) AS p) AS s
    $$;
COMMENT ON FUNCTION @extschema@.picture_step(double precision, integer) IS
    'A round axis step (1, 2 or 5 times a power of ten) giving about n ticks up to top';

-- The SVG document around a picture's body: size, styles, title.
CREATE FUNCTION @extschema@.picture_svg(width integer, height integer, title text, body text)
    RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
    SELECT pg_catalog.format(
        '<svg xmlns="http://www.w3.org/2000/svg" width="%s" height="%s" viewBox="0 0 %s %s" '
        'font-family="DejaVu Sans, Helvetica, Arial, sans-serif" font-size="12">'
        '<title>%s</title>'
        '<style>text{fill:#222}.axis{stroke:#888;stroke-width:1}.grid{stroke:#ddd;stroke-width:1}'
        '.title{font-size:15px;font-weight:bold}.small{font-size:10px;fill:#555}</style>'
        '<rect width="100%%" height="100%%" fill="#ffffff"/>'
        '<text class="title" x="12" y="22">%s</text>%s</svg>',
        width, height, width, height, @extschema@.markup_escape(coalesce(title, '')),
        @extschema@.markup_escape(coalesce(title, '')), body)
    $$;
COMMENT ON FUNCTION @extschema@.picture_svg(integer, integer, text, text) IS
    'Wraps the body of a picture into an SVG document with its size, styles and (escaped) title';

CREATE FUNCTION @extschema@.retention_heatmap(labels text[], retentions @extschema@.retention[],
                                              title text DEFAULT NULL, mode text DEFAULT 'on')
    RETURNS text
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
    DECLARE
        names text[] := @extschema@.picture_labels(labels, pg_catalog.cardinality(retentions), 'retentions');
        n integer := pg_catalog.cardinality(names);
        periods integer;
        unit text;
        label_w integer;
        cell_w constant integer := 50;
        cell_h constant integer := 26;
        top constant integer := 62;
        left_x integer;
        body text := '';
        i integer;
        rt record;
        t double precision;
        width integer;
        height integer;
    BEGIN
        SELECT pg_catalog.max((r::jsonb ->> 'periods')::integer), pg_catalog.min(r::jsonb ->> 'unit')
          INTO periods, unit
          FROM pg_catalog.unnest(retentions) AS r;
        IF periods IS NULL THEN
            RAISE EXCEPTION 'retentions must hold at least one value that is not NULL'
                USING ERRCODE = 'null_value_not_allowed';
        END IF;
        IF mode IS NULL OR mode NOT IN ('on', 'on_or_after') THEN
            RAISE EXCEPTION 'invalid mode "%"', mode
                USING ERRCODE = 'invalid_parameter_value', HINT = 'mode is ''on'' or ''on_or_after''.';
        END IF;
        label_w := least(260, 16 + 7 * greatest(6,
                       (SELECT pg_catalog.max(pg_catalog.length(l)) FROM pg_catalog.unnest(labels) AS l)));
        left_x := label_w + 70;
        width := left_x + periods * cell_w + 20;
        height := top + n * cell_h + 64;

        body := body || pg_catalog.format('<text x="12" y="%s" class="small">%s</text>', top - 8,
                                          'cohort') ||
                pg_catalog.format('<text x="%s" y="%s" class="small" text-anchor="end">units</text>',
                                  left_x - 8, top - 8);
        FOR k IN 0 .. periods - 1 LOOP
            body := body || pg_catalog.format('<text x="%s" y="%s" text-anchor="middle" class="small">%s %s</text>',
                                              left_x + k * cell_w + cell_w / 2, top - 8,
                                              @extschema@.markup_escape(unit), k);
        END LOOP;
        FOR i IN 1 .. n LOOP
            body := body || pg_catalog.format('<text x="12" y="%s">%s</text>', top + (i - 1) * cell_h + 17, names[i]);
            IF retentions[i] IS NULL THEN
                CONTINUE;
            END IF;
            body := body || pg_catalog.format('<text x="%s" y="%s" text-anchor="end">%s</text>',
                                              left_x - 8, top + (i - 1) * cell_h + 17,
                                              @extschema@.units(retentions[i]));
            FOR rt IN SELECT * FROM @extschema@.retention_table(retentions[i], mode) LOOP
                IF rt.rate IS NULL THEN
                    body := body || pg_catalog.format(
                        '<rect x="%s" y="%s" width="%s" height="%s" fill="#f0f0f0" stroke="#ffffff"/>'
                        '<text x="%s" y="%s" text-anchor="middle" class="small">&#8211;</text>',
                        left_x + rt.period * cell_w, top + (i - 1) * cell_h, cell_w, cell_h,
                        left_x + rt.period * cell_w + cell_w / 2, top + (i - 1) * cell_h + 17);
                ELSE
                    t := least(1.0, greatest(0.0, rt.rate));
                    body := body || pg_catalog.format(
                        '<rect x="%s" y="%s" width="%s" height="%s" fill="rgb(%s,%s,%s)" stroke="#ffffff">'
                        '<title>%s, %s %s: %s of %s active</title></rect>'
                        '<text x="%s" y="%s" text-anchor="middle" style="fill:%s">%s%%</text>',
                        left_x + rt.period * cell_w, top + (i - 1) * cell_h, cell_w, cell_h,
                        pg_catalog.round(247 - 239 * t), pg_catalog.round(251 - 203 * t),
                        pg_catalog.round(255 - 148 * t),
                        names[i], @extschema@.markup_escape(unit), rt.period, rt.active, rt.eligible,
                        left_x + rt.period * cell_w + cell_w / 2, top + (i - 1) * cell_h + 17,
                        CASE WHEN t > 0.5 THEN '#ffffff' ELSE '#08306b' END,
                        @extschema@.picture_num(100 * rt.rate));
                END IF;
            END LOOP;
        END LOOP;

        -- legend: the colour scale from 0% to 100%
        FOR k IN 0 .. 10 LOOP
            t := k / 10.0;
            body := body || pg_catalog.format(
                '<rect x="%s" y="%s" width="20" height="12" fill="rgb(%s,%s,%s)"/>',
                left_x + k * 20, top + n * cell_h + 22,
                pg_catalog.round(247 - 239 * t), pg_catalog.round(251 - 203 * t), pg_catalog.round(255 - 148 * t));
        END LOOP;
        body := body || pg_catalog.format(
            '<text x="%s" y="%s" class="small">0%%</text><text x="%s" y="%s" class="small" text-anchor="end">100%%</text>'
            '<text x="12" y="%s" class="small">%s</text>',
            left_x, top + n * cell_h + 48, left_x + 220, top + n * cell_h + 48,
            top + n * cell_h + 32,
            CASE mode WHEN 'on' THEN 'share active in the period'
                      ELSE 'share active in the period or later' END);
        RETURN @extschema@.picture_svg(width, height, title, body);
    END
    $$;
COMMENT ON FUNCTION @extschema@.retention_heatmap(text[], @extschema@.retention[], text, text) IS
    'SVG heat map of retention: one row per labelled retention value (e.g. per signup week), one column per period';

CREATE FUNCTION @extschema@.survival_plot(labels text[], curves @extschema@.survival[],
                                          title text DEFAULT NULL, level double precision DEFAULT 0.95,
                                          time_label text DEFAULT 'time')
    RETURNS text
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
    DECLARE
        names text[] := @extschema@.picture_labels(labels, pg_catalog.cardinality(curves), 'curves');
        n integer := pg_catalog.cardinality(names);
        w constant integer := 720;
        h constant integer := 420;
        l constant integer := 64;
        r constant integer := 190;
        t constant integer := 44;
        b constant integer := 52;
        x_max double precision;
        x_step double precision;
        y_min double precision;
        body text := '';
        line text;
        upper text;
        lower text;
        prev_s double precision;
        prev_hi double precision;
        prev_lo double precision;
        pt record;
        i integer;
        k integer;
        v double precision;
    BEGIN
        IF level IS NULL OR NOT (level > 0 AND level < 1) THEN
            RAISE EXCEPTION 'level must lie between 0 and 1, not %', level
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        SELECT pg_catalog.max(c.time), pg_catalog.min(coalesce(c.ci_low, c.survival))
          INTO x_max, y_min
          FROM pg_catalog.unnest(curves) AS s, @extschema@.survival_curve(s, level) AS c;
        x_max := greatest(coalesce(x_max, 0), 1e-9);
        x_step := @extschema@.picture_step(x_max, 6);
        x_max := x_step * pg_catalog.ceil(x_max / x_step);
        y_min := greatest(0.0, pg_catalog.floor((coalesce(y_min, 0) - 0.02) * 20) / 20);
        IF y_min > 0.9 THEN
            y_min := 0.9;
        END IF;

        -- axes, grid and ticks
        FOR k IN 0 .. 5 LOOP
            v := y_min + (1 - y_min) * k / 5;
            body := body || pg_catalog.format(
                '<line class="grid" x1="%s" x2="%s" y1="%s" y2="%s"/><text x="%s" y="%s" text-anchor="end" class="small">%s%%</text>',
                l, w - r, @extschema@.picture_num(h - b - (h - b - t) * k / 5.0),
                @extschema@.picture_num(h - b - (h - b - t) * k / 5.0), l - 6,
                @extschema@.picture_num(h - b - (h - b - t) * k / 5.0 + 4), @extschema@.picture_num(100 * v, 0));
        END LOOP;
        FOR k IN 0 .. pg_catalog.round(x_max / x_step)::integer LOOP
            body := body || pg_catalog.format(
                '<text x="%s" y="%s" text-anchor="middle" class="small">%s</text>',
                @extschema@.picture_num(l + (w - r - l) * k * x_step / x_max), h - b + 16,
                (k * x_step)::numeric::text);
        END LOOP;
        body := body || pg_catalog.format(
            '<line class="axis" x1="%s" x2="%s" y1="%s" y2="%s"/><line class="axis" x1="%s" x2="%s" y1="%s" y2="%s"/>'
            '<text x="%s" y="%s" text-anchor="middle">%s</text>'
            '<text x="16" y="%s" text-anchor="middle" transform="rotate(-90 16 %s)">survival (%s%% interval shaded)</text>',
            l, w - r, h - b, h - b, l, l, t, h - b,
            (l + w - r) / 2, h - 12, @extschema@.markup_escape(coalesce(time_label, '')),
            (t + h - b) / 2, (t + h - b) / 2, @extschema@.picture_num(100 * level, 0));

        FOR i IN 1 .. n LOOP
            CONTINUE WHEN curves[i] IS NULL;
            line := pg_catalog.format('M %s %s', l, t);
            upper := pg_catalog.format('%s,%s', l, t);
            lower := '';
            prev_s := 1; prev_hi := 1; prev_lo := 1;
            FOR pt IN SELECT c.time,
                             l + (w - r - l) * c.time / x_max AS x,
                             h - b - (h - b - t) * (c.survival - y_min) / (1 - y_min) AS ys,
                             h - b - (h - b - t) * (coalesce(c.ci_high, c.survival) - y_min) / (1 - y_min) AS yhi,
                             h - b - (h - b - t) * (greatest(coalesce(c.ci_low, c.survival), y_min) - y_min)
                                 / (1 - y_min) AS ylo
                      FROM @extschema@.survival_curve(curves[i], level) AS c ORDER BY c.time LOOP
                line := line || pg_catalog.format(' H %s V %s', @extschema@.picture_num(pt.x), @extschema@.picture_num(pt.ys));
                upper := upper || pg_catalog.format(' %s,%s %s,%s', @extschema@.picture_num(pt.x), @extschema@.picture_num(prev_hi),
                                                    @extschema@.picture_num(pt.x), @extschema@.picture_num(pt.yhi));
                lower := pg_catalog.format('%s,%s %s,%s ', @extschema@.picture_num(pt.x), @extschema@.picture_num(pt.ylo),
                                           @extschema@.picture_num(pt.x), @extschema@.picture_num(prev_lo)) || lower;
                prev_hi := pt.yhi; prev_lo := pt.ylo;
            END LOOP;
            IF prev_hi = 1 THEN
                prev_hi := t; prev_lo := t;
            END IF;
            body := body || pg_catalog.format(
                '<polygon points="%s %s,%s %s,%s %s%s,%s" fill="%s" fill-opacity="0.18" stroke="none"/>'
                '<path d="%s" fill="none" stroke="%s" stroke-width="2"/>',
                upper, w - r, @extschema@.picture_num(prev_hi), w - r, @extschema@.picture_num(prev_lo),
                lower, l, t, @extschema@.picture_color(i), line, @extschema@.picture_color(i));
            body := body || pg_catalog.format(
                '<rect x="%s" y="%s" width="14" height="4" fill="%s"/><text x="%s" y="%s">%s</text>'
                '<text x="%s" y="%s" class="small">%s units, %s events</text>',
                w - r + 14, t + 8 + (i - 1) * 40, @extschema@.picture_color(i), w - r + 34, t + 13 + (i - 1) * 40, names[i],
                w - r + 34, t + 27 + (i - 1) * 40, curves[i]::jsonb ->> 'observations', curves[i]::jsonb ->> 'events');
        END LOOP;
        RETURN @extschema@.picture_svg(w, h, title, body);
    END
    $$;
COMMENT ON FUNCTION @extschema@.survival_plot(text[], @extschema@.survival[], text, double precision, text) IS
    'SVG of Kaplan-Meier curves with their confidence bands, one per labelled survival value';

CREATE FUNCTION @extschema@.latency_plot(labels text[], sketches @extschema@.quantile_sketch[],
                                         title text DEFAULT NULL, value_unit text DEFAULT 'ms')
    RETURNS text
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
    DECLARE
        names text[] := @extschema@.picture_labels(labels, pg_catalog.cardinality(sketches), 'sketches');
        n integer := pg_catalog.cardinality(names);
        unit_text text := @extschema@.markup_escape(coalesce(value_unit, ''));
        w constant integer := 720;
        h constant integer := 420;
        l constant integer := 64;
        r constant integer := 190;
        t constant integer := 44;
        b constant integer := 52;
        nines constant double precision := 3;   -- the x axis runs from p0 to p99.9
        y_max double precision;
        step double precision;
        body text := '';
        marks constant double precision[] := ARRAY[0.5, 0.9, 0.99];
        path text;
        i integer;
        k integer;
        q double precision;
        x double precision;
        y double precision;
    BEGIN
        SELECT pg_catalog.max(@extschema@.quantile(s, 0.999)) INTO y_max
          FROM pg_catalog.unnest(sketches) AS s WHERE @extschema@.value_count(s) > 0;
        IF y_max IS NULL THEN
            RAISE EXCEPTION 'sketches must hold at least one value'
                USING ERRCODE = 'null_value_not_allowed';
        END IF;
        -- a round axis maximum
        y_max := greatest(y_max, 1e-9) * 1.08;
        step := pg_catalog.power(10, pg_catalog.floor(pg_catalog.log(y_max / 5)));
        step := step * CASE WHEN y_max / step <= 5 * 1 THEN 1 WHEN y_max / step <= 5 * 2 THEN 2 ELSE 5 END;
        y_max := step * pg_catalog.ceil(y_max / step);

        FOR k IN 0 .. pg_catalog.round(y_max / step)::integer LOOP
            y := h - b - (h - b - t) * k * step / y_max;
            body := body || pg_catalog.format(
                '<line class="grid" x1="%s" x2="%s" y1="%s" y2="%s"/><text x="%s" y="%s" text-anchor="end" class="small">%s</text>',
                l, w - r, @extschema@.picture_num(y), @extschema@.picture_num(y), l - 6, @extschema@.picture_num(y + 4),
                (k * step)::numeric::text);
        END LOOP;
        FOR k IN 1 .. 3 LOOP
            q := marks[k];
            x := l + (w - r - l) * (-pg_catalog.log(1 - q)) / nines;
            body := body || pg_catalog.format(
                '<line x1="%s" x2="%s" y1="%s" y2="%s" stroke="#999" stroke-dasharray="4 3"/>'
                '<text x="%s" y="%s" text-anchor="middle">p%s</text>',
                @extschema@.picture_num(x), @extschema@.picture_num(x), t, h - b,
                @extschema@.picture_num(x), h - b + 16, (100 * q)::numeric::text);
        END LOOP;
        body := body || pg_catalog.format(
            '<text x="%s" y="%s" text-anchor="middle" class="small">p0</text>'
            '<text x="%s" y="%s" text-anchor="middle" class="small">p99.9</text>'
            '<line class="axis" x1="%s" x2="%s" y1="%s" y2="%s"/><line class="axis" x1="%s" x2="%s" y1="%s" y2="%s"/>'
            '<text x="%s" y="%s" text-anchor="middle">percentile (scale in nines: p90, p99, p99.9 equally spaced)</text>'
            '<text x="16" y="%s" text-anchor="middle" transform="rotate(-90 16 %s)">%s</text>',
            l, h - b + 16, w - r, h - b + 16,
            l, w - r, h - b, h - b, l, l, t, h - b,
            (l + w - r) / 2, h - 12, (t + h - b) / 2, (t + h - b) / 2,
            CASE WHEN unit_text = '' THEN 'value' ELSE 'value (' || unit_text || ')' END);

        FOR i IN 1 .. n LOOP
            CONTINUE WHEN sketches[i] IS NULL OR @extschema@.value_count(sketches[i]) = 0;
            SELECT 'M ' || pg_catalog.string_agg(
                       @extschema@.picture_num(l + (w - r - l) * g.x / nines) || ' '
                       || @extschema@.picture_num(h - b - (h - b - t) * least(v.v, y_max) / y_max), ' L '
                       ORDER BY g.x)
              INTO path
              FROM pg_catalog.generate_series(0, 120) AS k2,
                   LATERAL (SELECT k2 * nines / 120 AS x) AS g,
                   LATERAL (SELECT @extschema@.quantile(sketches[i], 1 - pg_catalog.power(10, -g.x)) AS v) AS v;
            body := body || pg_catalog.format('<path d="%s" fill="none" stroke="%s" stroke-width="2"/>',
                                              path, @extschema@.picture_color(i));
            FOR k IN 1 .. 3 LOOP
                q := marks[k];
                y := @extschema@.quantile(sketches[i], q);
                x := l + (w - r - l) * (-pg_catalog.log(1 - q)) / nines;
                body := body || pg_catalog.format(
                    '<circle cx="%s" cy="%s" r="3.5" fill="%s"><title>%s p%s: %s %s</title></circle>',
                    @extschema@.picture_num(x), @extschema@.picture_num(h - b - (h - b - t) * y / y_max),
                    @extschema@.picture_color(i), names[i], (100 * q)::numeric::text,
                    @extschema@.picture_num(y, 2), unit_text);
            END LOOP;
            body := body || pg_catalog.format(
                '<rect x="%s" y="%s" width="14" height="4" fill="%s"/><text x="%s" y="%s">%s</text>'
                '<text x="%s" y="%s" class="small">p50 %s, p90 %s %s</text>'
                '<text x="%s" y="%s" class="small">p99 %s %s, %s values</text>',
                w - r + 14, t + 8 + (i - 1) * 52, @extschema@.picture_color(i), w - r + 34, t + 13 + (i - 1) * 52, names[i],
                w - r + 34, t + 27 + (i - 1) * 52,
                @extschema@.picture_num(@extschema@.quantile(sketches[i], 0.5)),
                @extschema@.picture_num(@extschema@.quantile(sketches[i], 0.9)), unit_text,
                w - r + 34, t + 40 + (i - 1) * 52,
                @extschema@.picture_num(@extschema@.quantile(sketches[i], 0.99)), unit_text,
                @extschema@.value_count(sketches[i]));
        END LOOP;
        RETURN @extschema@.picture_svg(w, h, title, body);
    END
    $$;
COMMENT ON FUNCTION @extschema@.latency_plot(text[], @extschema@.quantile_sketch[], text, text) IS
    'SVG of the quantile curves of labelled quantile sketches (p0 to p99.9), with p50, p90 and p99 marked';

-- One cell of a checkpoint's metric against its limit, for rollout_report.
CREATE FUNCTION @extschema@.rollout_report_metric(m jsonb) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
    SELECT CASE
        WHEN m IS NULL OR pg_catalog.jsonb_typeof(m) <> 'object' THEN '<td></td>'
        ELSE pg_catalog.format('<td class="%s">%s%s</td>',
            @extschema@.markup_escape(coalesce(m ->> 'status', 'none')),
            @extschema@.markup_escape(coalesce(
                CASE WHEN pg_catalog.jsonb_typeof(m -> 'value') = 'number'
                     THEN pg_catalog.round((m ->> 'value')::numeric, 4)::double precision::text ELSE m ->> 'value' END,
                'no data')),
            CASE WHEN m ? 'max' THEN '<br/><span class="ci">limit &#8804; ' || @extschema@.markup_escape(m ->> 'max') || '</span>'
                 WHEN m ? 'min' THEN '<br/><span class="ci">limit &#8805; ' || @extschema@.markup_escape(m ->> 'min') || '</span>'
                 ELSE '' END
            || CASE WHEN m ? 'low' AND m ? 'high' AND pg_catalog.jsonb_typeof(m -> 'low') = 'number'
                    THEN pg_catalog.format('<br/><span class="ci">interval [%s, %s]</span>',
                             pg_catalog.round((m ->> 'low')::numeric, 4)::double precision,
                             pg_catalog.round((m ->> 'high')::numeric, 4)::double precision)
                    ELSE '' END)
    END
    $$;
COMMENT ON FUNCTION @extschema@.rollout_report_metric(jsonb) IS
    'HTML table cell of one measured rollout metric against its limit, classed by its status';

-- One phase of the rollout timeline, for rollout_report: a shaded band with its name.
CREATE FUNCTION @extschema@.rollout_report_band(x_from double precision, x_to double precision, top integer,
                                                base integer, i integer, phase text)
    RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
    SELECT pg_catalog.format(
        '<rect x="%s" y="%s" width="%s" height="%s" fill="%s" fill-opacity="0.12"/>'
        '<text x="%s" y="%s" class="small">%s</text>',
        @extschema@.picture_num(x_from), top - 14, @extschema@.picture_num(greatest(x_to - x_from, 0)),
        base - top + 14, @extschema@.picture_color(i), @extschema@.picture_num(x_from + 3), top - 18,
        @extschema@.markup_escape(coalesce(phase, '')))
    $$;
COMMENT ON FUNCTION @extschema@.rollout_report_band(double precision, double precision, integer, integer, integer, text) IS
    'SVG band of one phase on the rollout timeline of rollout_report';

-- The phase a rollout is in after a decision taken in the given phase: an
-- advance starts the plan's next phase.
CREATE FUNCTION @extschema@.rollout_report_phase_after(plan jsonb, phase text, decision text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
    SELECT CASE WHEN decision = 'advance'
                THEN coalesce((SELECT n.p ->> 'name'
                                 FROM pg_catalog.jsonb_array_elements(plan -> 'phases') WITH ORDINALITY AS n(p, o),
                                      pg_catalog.jsonb_array_elements(plan -> 'phases') WITH ORDINALITY AS c(p, o)
                                WHERE c.p ->> 'name' = phase AND n.o = c.o + 1
                                ORDER BY c.o LIMIT 1), phase)
                ELSE phase END
    $$;
COMMENT ON FUNCTION @extschema@.rollout_report_phase_after(jsonb, text, text) IS
    'The phase of a rollout after a decision taken in a phase: the plan''s next phase after an advance';

-- The decision log of a rollout, read by column name, for rollout_report.
CREATE FUNCTION @extschema@.rollout_report_decisions(rollout_name text)
    RETURNS TABLE (n bigint, at timestamptz, phase text, checkpoint_no integer, decision text,
                   treatment_share double precision, reasons text[], metrics jsonb)
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
    SELECT pg_catalog.row_number() OVER (ORDER BY x.id), coalesce(x.checkpoint_at, x.decided_at), x.phase,
           x.checkpoint_no, x.decision, x.treatment_share, x.reasons, x.metrics
      FROM @extschema@.rollout_decisions AS x WHERE x.rollout = rollout_name
     ORDER BY x.id
    $$;
COMMENT ON FUNCTION @extschema@.rollout_report_decisions(text) IS
    'The decisions of a rollout in order, with the columns rollout_report shows';

CREATE FUNCTION @extschema@.rollout_report(name text) RETURNS text
    LANGUAGE plpgsql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
    DECLARE
        ro record;
        d record;
        g record;
        metric_names text[];
        html text;
        svg text := '';
        rows_html text := '';
        t_start timestamptz;
        t_end timestamptz;
        span double precision;
        w constant integer := 900;
        l constant integer := 60;
        r constant integer := 20;
        h constant integer := 190;
        top constant integer := 40;
        base constant integer := 150;
        prev_x double precision;
        prev_y double precision;
        prev_phase text;
        phase_now text;
        band_names text[] := '{}';
        band_from timestamptz[] := '{}';
        band_w double precision;
        x double precision;
        y double precision;
        i integer := 0;
        guard text := '';
        g_lo double precision;
        g_hi double precision;
        g_n integer;
    BEGIN
        IF rollout_report.name IS NULL THEN
            RAISE EXCEPTION 'rollout name must not be NULL' USING ERRCODE = 'invalid_parameter_value';
        END IF;
        SELECT x.name, x.source, x.owner, x.plan, x.state, x.phase_no, x.phase_started_at,
               x.next_checkpoint_at, x.treatment_share, x.created_at, x.last_error, x.last_error_at
          INTO ro
          FROM @extschema@.rollouts AS x WHERE x.name = rollout_report.name;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'rollout "%" does not exist', rollout_report.name
                USING ERRCODE = 'invalid_parameter_value';
        END IF;

        SELECT pg_catalog.array_agg(k ORDER BY k) INTO metric_names
          FROM (SELECT DISTINCT e.key AS k
                  FROM @extschema@.rollout_report_decisions(ro.name) AS dd, pg_catalog.jsonb_each(dd.metrics) AS e
                 WHERE @extschema@.rollout_metric_kind(e.key) IS NOT NULL
                   AND pg_catalog.jsonb_typeof(e.value) = 'object' AND e.value ? 'status') AS s;
        metric_names := coalesce(metric_names, '{}');

        -- timeline: the treatment share over time, phases as bands, decisions as dots.
        -- Phases last hours or weeks: each gets the same width, with time running
        -- linearly within it.  Times are clamped to the span of the checkpoints (a
        -- replay may decide checkpoints at other times than the manual decisions
        -- around them).
        SELECT coalesce(pg_catalog.min(at) FILTER (WHERE checkpoint_no IS NOT NULL), pg_catalog.min(at)),
               coalesce(pg_catalog.max(at) FILTER (WHERE checkpoint_no IS NOT NULL), pg_catalog.max(at))
          INTO t_start, t_end FROM @extschema@.rollout_report_decisions(ro.name);
        IF t_start IS NOT NULL THEN
            t_end := greatest(t_end, coalesce(ro.next_checkpoint_at, t_end));
            prev_phase := NULL;
            FOR d IN SELECT * FROM @extschema@.rollout_report_decisions(ro.name) ORDER BY n LOOP
                phase_now := @extschema@.rollout_report_phase_after(ro.plan, d.phase, d.decision);
                IF prev_phase IS DISTINCT FROM phase_now THEN
                    band_names := band_names || phase_now;
                    band_from := band_from || least(greatest(d.at, t_start), t_end);
                    prev_phase := phase_now;
                END IF;
            END LOOP;
            band_w := (w - r - l)::double precision / pg_catalog.cardinality(band_names);
            FOR i IN 1 .. pg_catalog.cardinality(band_names) LOOP
                svg := svg || @extschema@.rollout_report_band(l + (i - 1) * band_w, l + i * band_w, top, base, i, band_names[i])
                    || pg_catalog.format('<text x="%s" y="%s" class="small">%s</text>',
                                         @extschema@.picture_num(l + (i - 1) * band_w + 2), base + 14,
                                         pg_catalog.to_char(band_from[i] AT TIME ZONE 'UTC', 'MM-DD HH24:MI'));
            END LOOP;
            svg := svg || pg_catalog.format(
                '<line class="axis" x1="%s" x2="%s" y1="%s" y2="%s"/>'
                '<text x="%s" y="%s" class="small" text-anchor="end">100%%</text>'
                '<text x="%s" y="%s" class="small" text-anchor="end">10%%</text>'
                '<text x="%s" y="%s" class="small" text-anchor="end">0%%</text>'
                '<text x="%s" y="%s" class="small" text-anchor="end">%s</text>'
                '<text x="%s" y="%s" class="small">times in UTC; each phase drawn at the same width</text>',
                l, w - r, base, base, l - 4, top + 4, l - 4, @extschema@.picture_num(base - (base - top) * pg_catalog.sqrt(0.1) + 4),
                l - 4, base + 4, w - r, base + 14, pg_catalog.to_char(t_end AT TIME ZONE 'UTC', 'MM-DD HH24:MI'),
                l, base + 30);
            prev_x := l; prev_y := base; prev_phase := NULL; i := 0;
            FOR d IN SELECT * FROM @extschema@.rollout_report_decisions(ro.name) ORDER BY n LOOP
                phase_now := @extschema@.rollout_report_phase_after(ro.plan, d.phase, d.decision);
                IF prev_phase IS DISTINCT FROM phase_now THEN
                    i := i + 1;
                    prev_phase := phase_now;
                END IF;
                span := pg_catalog.date_part('epoch', coalesce(band_from[i + 1], t_end) - band_from[i]);
                x := l + (i - 1) * band_w
                     + band_w * CASE WHEN span > 0
                                     THEN least(greatest(pg_catalog.date_part('epoch', d.at - band_from[i]) / span, 0), 1)
                                     ELSE 0 END;
                -- a square-root scale, so that a 1% canary is visible next to 100%
                y := base - (base - top) * pg_catalog.sqrt(greatest(d.treatment_share, 0));
                svg := svg || pg_catalog.format('<path d="M %s %s H %s V %s" fill="none" stroke="#333" stroke-width="1.5"/>',
                                                @extschema@.picture_num(prev_x), @extschema@.picture_num(prev_y),
                                                @extschema@.picture_num(x), @extschema@.picture_num(y));
                IF y <> prev_y THEN
                    svg := svg || pg_catalog.format('<text x="%s" y="%s" class="small">%s%%</text>',
                                                    @extschema@.picture_num(x + 4), @extschema@.picture_num(y - 4),
                                                    @extschema@.picture_num(100 * d.treatment_share, 0));
                END IF;
                svg := svg || pg_catalog.format(
                    '<circle cx="%s" cy="%s" r="4" class="d-%s"><title>%s %s: %s, %s%% (%s)</title></circle>',
                    @extschema@.picture_num(x), @extschema@.picture_num(y), @extschema@.markup_escape(d.decision),
                    pg_catalog.to_char(d.at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI'), @extschema@.markup_escape(d.phase),
                    @extschema@.markup_escape(d.decision), @extschema@.picture_num(100 * d.treatment_share, 1),
                    @extschema@.markup_escape(pg_catalog.array_to_string(d.reasons, '; ')));
                prev_x := x; prev_y := y;
            END LOOP;
            svg := svg || pg_catalog.format('<path d="M %s %s H %s" fill="none" stroke="#333" stroke-width="1.5" stroke-dasharray="4 3"/>',
                                            @extschema@.picture_num(prev_x), @extschema@.picture_num(prev_y), w - r);
            svg := pg_catalog.format('<svg xmlns="http://www.w3.org/2000/svg" width="%s" height="%s" viewBox="0 0 %s %s" '
                                     'role="img" aria-label="treatment share over time">%s</svg>', w, h, w, h, svg);
        ELSE
            svg := '<p>No decisions yet.</p>';
        END IF;

        -- every checkpoint: each metric against its limit, the decision and its reasons
        FOR d IN SELECT * FROM @extschema@.rollout_report_decisions(ro.name) ORDER BY n LOOP
            rows_html := rows_html || pg_catalog.format(
                '<tr><td>%s</td><td>%s</td><td>%s</td><td class="d-%s">%s</td><td>%s%%</td>%s<td>%s</td></tr>',
                pg_catalog.to_char(d.at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI'), @extschema@.markup_escape(d.phase),
                coalesce(d.checkpoint_no::text, '&#8211;'), @extschema@.markup_escape(d.decision),
                @extschema@.markup_escape(d.decision), @extschema@.picture_num(100 * d.treatment_share, 1),
                (SELECT coalesce(pg_catalog.string_agg(@extschema@.rollout_report_metric(d.metrics -> mn), '' ORDER BY o), '')
                   FROM pg_catalog.unnest(metric_names) WITH ORDINALITY AS u(mn, o)),
                @extschema@.markup_escape(pg_catalog.array_to_string(d.reasons, '; ')));
        END LOOP;

        -- guardrails: the metrics measured with an interval, against their limit
        FOR d IN SELECT DISTINCT e.key AS metric
                   FROM @extschema@.rollout_report_decisions(ro.name) AS dd, pg_catalog.jsonb_each(dd.metrics) AS e
                  WHERE pg_catalog.jsonb_typeof(e.value) = 'object' AND pg_catalog.jsonb_typeof(e.value -> 'low') = 'number'
                  ORDER BY 1 LOOP
            SELECT least(pg_catalog.min((dd.metrics -> d.metric ->> 'low')::float8),
                         pg_catalog.min((dd.metrics -> d.metric ->> 'min')::float8), 0),
                   greatest(pg_catalog.max((dd.metrics -> d.metric ->> 'high')::float8),
                            pg_catalog.max((dd.metrics -> d.metric ->> 'max')::float8), 0),
                   pg_catalog.count(*)
              INTO g_lo, g_hi, g_n
              FROM @extschema@.rollout_report_decisions(ro.name) AS dd
             WHERE pg_catalog.jsonb_typeof(dd.metrics -> d.metric -> 'low') = 'number';
            g_lo := g_lo - 0.05 * (g_hi - g_lo + 1e-9);
            g_hi := g_hi + 0.05 * (g_hi - g_lo + 1e-9);
            guard := guard || pg_catalog.format('<h3>%s</h3><svg xmlns="http://www.w3.org/2000/svg" width="%s" height="%s" '
                                                'viewBox="0 0 %s %s" role="img" aria-label="%s intervals">',
                                                @extschema@.markup_escape(d.metric), w, 30 + 18 * g_n, w, 30 + 18 * g_n,
                                                @extschema@.markup_escape(d.metric));
            guard := guard || pg_catalog.format(
                '<line class="axis" x1="%1$s" x2="%1$s" y1="4" y2="%2$s"/><text x="%1$s" y="%3$s" class="small" text-anchor="middle">0</text>',
                @extschema@.picture_num(200 + (w - r - 200) * (0 - g_lo) / (g_hi - g_lo)), 12 + 18 * g_n, 26 + 18 * g_n);
            i := 0;
            FOR g IN SELECT dd.at, dd.phase, (dd.metrics -> d.metric ->> 'low')::float8 AS lo,
                             (dd.metrics -> d.metric ->> 'high')::float8 AS hi,
                             (dd.metrics -> d.metric ->> 'value')::float8 AS v,
                             coalesce((dd.metrics -> d.metric ->> 'min')::float8, (dd.metrics -> d.metric ->> 'max')::float8) AS lim,
                             dd.metrics -> d.metric ->> 'status' AS status
                        FROM @extschema@.rollout_report_decisions(ro.name) AS dd
                       WHERE pg_catalog.jsonb_typeof(dd.metrics -> d.metric -> 'low') = 'number' ORDER BY dd.n LOOP
                i := i + 1;
                guard := guard || pg_catalog.format(
                    '<text x="4" y="%s" class="small">%s %s</text>'
                    '<line x1="%s" x2="%s" y1="%s" y2="%s" class="s-%s" stroke-width="3"/>%s%s',
                    i * 18 + 2, pg_catalog.to_char(g.at AT TIME ZONE 'UTC', 'MM-DD HH24:MI'), @extschema@.markup_escape(g.phase),
                    @extschema@.picture_num(200 + (w - r - 200) * (g.lo - g_lo) / (g_hi - g_lo)),
                    @extschema@.picture_num(200 + (w - r - 200) * (g.hi - g_lo) / (g_hi - g_lo)),
                    i * 18 - 2, i * 18 - 2, @extschema@.markup_escape(coalesce(g.status, 'none')),
                    CASE WHEN g.v IS NULL THEN '' ELSE pg_catalog.format('<circle cx="%s" cy="%s" r="3" fill="#222"/>',
                        @extschema@.picture_num(200 + (w - r - 200) * (g.v - g_lo) / (g_hi - g_lo)), i * 18 - 2) END,
                    CASE WHEN g.lim IS NULL THEN '' ELSE pg_catalog.format(
                        '<line x1="%1$s" x2="%1$s" y1="%2$s" y2="%3$s" stroke="#d62728" stroke-width="2"/>',
                        @extschema@.picture_num(200 + (w - r - 200) * (g.lim - g_lo) / (g_hi - g_lo)), i * 18 - 9, i * 18 + 5) END);
            END LOOP;
            guard := guard || pg_catalog.format(
                '<text x="200" y="%s" class="small">%s</text><text x="%s" y="%s" class="small" text-anchor="end">%s</text></svg>'
                '<p class="note">Bars: the interval at each checkpoint (dot: the estimate); red ticks: the limit.</p>',
                26 + 18 * g_n, pg_catalog.round(g_lo::numeric, 3), w - r, 26 + 18 * g_n, pg_catalog.round(g_hi::numeric, 3));
        END LOOP;
        IF guard = '' THEN
            guard := '<p>No metric of this rollout is measured with an interval.</p>';
        END IF;

        html := pg_catalog.format(
            '<!DOCTYPE html>' || E'\n' ||
            '<html lang="en"><head><meta charset="utf-8"/><title>Rollout %1$s</title><style>'
            'body{font-family:DejaVu Sans,Helvetica,Arial,sans-serif;font-size:13px;color:#222;margin:24px;max-width:1100px}'
            'h1{font-size:20px}h2{font-size:16px;margin-top:28px}h3{font-size:13px;margin:12px 0 2px}'
            'table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:3px 6px;text-align:left;vertical-align:top}'
            'th{background:#f4f4f4}.pass{background:#e6f4ea}.fail{background:#fce8e6;font-weight:bold}'
            '.no_data{color:#888}.ci{font-size:11px;color:#555}.note{font-size:11px;color:#555}'
            '.state{display:inline-block;padding:2px 8px;border-radius:4px;background:#eee;font-weight:bold}'
            '.axis{stroke:#888;stroke-width:1}.small{font-size:10px;fill:#555}'
            'circle.d-advance,circle.d-complete,circle.d-start,circle.d-resume{fill:#1f77b4}'
            'circle.d-continue{fill:#2ca02c}circle.d-rollback{fill:#d62728}circle.d-hold{fill:#ff7f0e}'
            'td.d-rollback{color:#d62728;font-weight:bold}td.d-hold{color:#b35c00;font-weight:bold}'
            'line.s-pass{stroke:#2ca02c}line.s-fail{stroke:#d62728}line.s-no_data,line.s-none{stroke:#aaa}'
            '</style></head><body>'
            '<h1>Rollout %1$s</h1>'
            '<p>State <span class="state">%2$s</span> in phase <b>%3$s</b>, treatment share <b>%4$s%%</b>%5$s.</p>'
            '<p>Source %6$s, owner %7$s, created %8$s.%9$s</p>'
            '<h2>Timeline: treatment share (square-root scale) and decisions</h2>%10$s'
            '<h2>Plan</h2><table><tr><th>phase</th><th>traffic</th><th>duration</th><th>checkpoints</th><th>thresholds</th></tr>%11$s</table>'
            '<h2>Checkpoints: every metric against its limit</h2>'
            '<table><tr><th>checkpoint (UTC)</th><th>phase</th><th>#</th><th>decision</th><th>share</th>%12$s<th>reasons</th></tr>%13$s</table>'
            '<h2>Guardrail intervals</h2>%14$s'
            '<p class="note">Generated by cohort_analyzer rollout_report at %15$s.</p>'
            '</body></html>' || E'\n',
            @extschema@.markup_escape(ro.name), @extschema@.markup_escape(ro.state),
            @extschema@.markup_escape(coalesce(ro.plan -> 'phases' -> ro.phase_no ->> 'name', '')),
            @extschema@.picture_num(100 * ro.treatment_share, 1),
            CASE WHEN ro.next_checkpoint_at IS NULL THEN ''
                 ELSE ', next checkpoint ' || pg_catalog.to_char(ro.next_checkpoint_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI "UTC"') END,
            @extschema@.markup_escape(ro.source), @extschema@.markup_escape(ro.owner::text),
            pg_catalog.to_char(ro.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI "UTC"'),
            CASE WHEN ro.last_error IS NULL THEN ''
                 ELSE ' <b>Last evaluation failed:</b> ' || @extschema@.markup_escape(ro.last_error) END,
            svg,
            (SELECT coalesce(pg_catalog.string_agg(pg_catalog.format(
                        '<tr><td>%s</td><td>%s%%</td><td>%s</td><td>%s</td><td>%s</td></tr>',
                        @extschema@.markup_escape(p ->> 'name'),
                        @extschema@.markup_escape(pg_catalog.round(100 * (p ->> 'traffic')::numeric, 1)::text),
                        @extschema@.markup_escape(p ->> 'duration'),
                        @extschema@.markup_escape((SELECT pg_catalog.string_agg(c, ', ') FROM pg_catalog.jsonb_array_elements_text(p -> 'checkpoints') AS c)),
                        @extschema@.markup_escape((SELECT pg_catalog.string_agg(k || CASE WHEN v ? 'max' THEN ' <= ' || (v ->> 'max')
                                                                                           ELSE ' >= ' || (v ->> 'min') END, ', ' ORDER BY k)
                                                   FROM pg_catalog.jsonb_each(p -> 'thresholds') AS th(k, v)))), '' ORDER BY o), '')
               FROM pg_catalog.jsonb_array_elements(ro.plan -> 'phases') WITH ORDINALITY AS ph(p, o)),
            (SELECT coalesce(pg_catalog.string_agg('<th>' || @extschema@.markup_escape(mn) || '</th>', '' ORDER BY o), '')
               FROM pg_catalog.unnest(metric_names) WITH ORDINALITY AS u(mn, o)),
            rows_html, guard,
            pg_catalog.to_char(pg_catalog.now() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI "UTC"'));
        RETURN html;
    END
    $$;
COMMENT ON FUNCTION @extschema@.rollout_report(text) IS
    'Self-contained HTML page of a rollout: timeline of phases and traffic, every checkpoint''s metrics against their limits, decisions with reasons, guardrail intervals and the current state';

-- ===== Churn prediction and trends (46_churn.sql) =====
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

CREATE FUNCTION @extschema@.prediction_score_trans(internal, double precision, boolean) RETURNS internal
    AS 'MODULE_PATHNAME', 'prediction_score_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.prediction_score_final(internal) RETURNS @extschema@.prediction_score
    AS 'MODULE_PATHNAME', 'prediction_score_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.prediction_score_trans(internal, double precision, boolean) IS 'Transition function of prediction_score_agg';
COMMENT ON FUNCTION @extschema@.prediction_score_final(internal) IS 'Final function of prediction_score_agg';

CREATE AGGREGATE @extschema@.prediction_score_agg(predicted double precision, churned boolean) (
    SFUNC = @extschema@.prediction_score_trans, STYPE = internal,
    FINALFUNC = @extschema@.prediction_score_final,
    COMBINEFUNC = @extschema@.survival_agg_combine,
    SERIALFUNC = @extschema@.survival_agg_serialize,
    DESERIALFUNC = @extschema@.survival_agg_deserialize,
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

CREATE FUNCTION @extschema@.survival_strata_trans(internal, @extschema@.survival, @extschema@.survival) RETURNS internal
    AS 'MODULE_PATHNAME', 'survival_strata_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.survival_strata_combine(internal, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'survival_strata_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.survival_strata_serialize(internal) RETURNS bytea
    AS 'MODULE_PATHNAME', 'survival_strata_serialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.survival_strata_deserialize(bytea, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'survival_strata_deserialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.survival_strata_final(internal) RETURNS @extschema@.logrank_result
    AS 'MODULE_PATHNAME', 'survival_strata_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.survival_strata_trans(internal, @extschema@.survival, @extschema@.survival) IS 'Transition function of stratified_logrank_test';
COMMENT ON FUNCTION @extschema@.survival_strata_combine(internal, internal) IS 'Combine function of stratified_logrank_test (parallel query)';
COMMENT ON FUNCTION @extschema@.survival_strata_serialize(internal) IS 'Serialize function of stratified_logrank_test (parallel query)';
COMMENT ON FUNCTION @extschema@.survival_strata_deserialize(bytea, internal) IS 'Deserialize function of stratified_logrank_test (parallel query)';
COMMENT ON FUNCTION @extschema@.survival_strata_final(internal) IS 'Final function of stratified_logrank_test';

CREATE AGGREGATE @extschema@.stratified_logrank_test(a @extschema@.survival, b @extschema@.survival) (
    SFUNC = @extschema@.survival_strata_trans, STYPE = internal,
    FINALFUNC = @extschema@.survival_strata_final,
    COMBINEFUNC = @extschema@.survival_strata_combine,
    SERIALFUNC = @extschema@.survival_strata_serialize,
    DESERIALFUNC = @extschema@.survival_strata_deserialize,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.stratified_logrank_test(@extschema@.survival, @extschema@.survival) IS
    'Stratified log-rank test over one row per stratum holding its two groups (as R survdiff with strata); the same in any row order';

-- ---------------------------------------------------------------------------
-- Experiment analysis: one-sided sequential tests, p_adjust methods hommel
-- and none, power and sample sizes (sql/install/20_stats.sql,
-- sql/install/21_experiments.sql)
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

COMMENT ON FUNCTION @extschema@.p_adjust(double precision[], text) IS
    'Adjusted p-values as R''s p.adjust: holm, hochberg, hommel, bonferroni, BH (fdr), BY, none';

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
-- Experiment analysis: the standard error of the difference in
-- cohort_comparison, heterogeneity_test for segments, compare_arms
-- (sql/install/20_stats.sql, sql/install/21_experiments.sql)
-- ---------------------------------------------------------------------------

ALTER TYPE @extschema@.cohort_comparison ADD ATTRIBUTE std_error double precision;
COMMENT ON TYPE @extschema@.cohort_comparison IS
    'Treatment versus control on one metric: estimates, difference and relative lift with their intervals, test statistic, degrees of freedom, p-value, standard error of the difference';
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
-- Experiment analysis: ratio metrics (sql/install/20_stats.sql,
-- sql/install/21_experiments.sql)
-- ---------------------------------------------------------------------------
CREATE FUNCTION @extschema@.ratio(summary @extschema@.cohort)
RETURNS double precision
    AS 'MODULE_PATHNAME', 'cohort_ratio' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.ratio(@extschema@.cohort) IS
    'Ratio metric: sum of values / sum of covariates over the units that have both (NULL when there are none or the covariates sum to 0)';

COMMENT ON FUNCTION @extschema@.compare_cohorts(@extschema@.cohort, @extschema@.cohort, text, double precision, text) IS
    'Fixed-horizon comparison: two-proportion z-test (completion, churn), Welch t-test (value), CUPED Welch t-test (value_cuped), delta-method Welch t-test (ratio)';

-- ---------------------------------------------------------------------------
-- Experiment analysis: Bayesian expected loss (sql/install/21_experiments.sql)
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
-- Experiment analysis: A/A tests in one pass, the aa type
-- (sql/install/21_experiments.sql)
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

CREATE FUNCTION @extschema@.aa_agg_trans(internal, text, boolean, boolean, double precision)
RETURNS internal AS 'MODULE_PATHNAME', 'aa_agg_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.aa_agg_trans(internal, text, boolean, boolean, double precision) IS
    'Transition function of aa_agg (200 splits)';
CREATE FUNCTION @extschema@.aa_agg_trans(internal, text, boolean, boolean, double precision, integer)
RETURNS internal AS 'MODULE_PATHNAME', 'aa_agg_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.aa_agg_trans(internal, text, boolean, boolean, double precision, integer) IS
    'Transition function of aa_agg';
CREATE FUNCTION @extschema@.aa_agg_combine(internal, internal)
RETURNS internal AS 'MODULE_PATHNAME', 'aa_agg_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.aa_agg_combine(internal, internal) IS 'Combine function of aa_agg';
CREATE FUNCTION @extschema@.aa_agg_serialize(internal)
RETURNS bytea AS 'MODULE_PATHNAME', 'aa_agg_serialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.aa_agg_serialize(internal) IS 'Serialize function of aa_agg';
CREATE FUNCTION @extschema@.aa_agg_deserialize(bytea, internal)
RETURNS internal AS 'MODULE_PATHNAME', 'aa_agg_deserialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.aa_agg_deserialize(bytea, internal) IS 'Deserialize function of aa_agg (validated)';
CREATE FUNCTION @extschema@.aa_agg_final(internal)
RETURNS @extschema@.aa AS 'MODULE_PATHNAME', 'aa_agg_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.aa_agg_final(internal) IS 'Final function of aa_agg';

CREATE AGGREGATE @extschema@.aa_agg(unit_id text, completed boolean, churned boolean, value double precision) (
    SFUNC = @extschema@.aa_agg_trans, STYPE = internal,
    COMBINEFUNC = @extschema@.aa_agg_combine,
    SERIALFUNC = @extschema@.aa_agg_serialize, DESERIALFUNC = @extschema@.aa_agg_deserialize,
    FINALFUNC = @extschema@.aa_agg_final, PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.aa_agg(text, boolean, boolean, double precision) IS
    'A/A summary of unit rows over 200 random splits (one row per unit; rows without a unit id are skipped)';
CREATE AGGREGATE @extschema@.aa_agg(unit_id text, completed boolean, churned boolean, value double precision,
                                    splits integer) (
    SFUNC = @extschema@.aa_agg_trans, STYPE = internal,
    COMBINEFUNC = @extschema@.aa_agg_combine,
    SERIALFUNC = @extschema@.aa_agg_serialize, DESERIALFUNC = @extschema@.aa_agg_deserialize,
    FINALFUNC = @extschema@.aa_agg_final, PARALLEL = SAFE);
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
                IF k NOT IN ('ts', 'arm', 'is_error', 'latency_ms', 'revenue', 'completed', 'churned', 'unit_id',
                             'arrival') THEN
                    RAISE EXCEPTION 'invalid rollout plan: unknown field "%" in columns', k
                        USING ERRCODE = 'invalid_parameter_value',
                              HINT = 'Fields are ts, arm, is_error, latency_ms, revenue, completed, churned, unit_id and arrival.';
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
        -- arrival (when rows were written, for the check of late rows) only
        -- where the plan names its column
        FOR field, kind IN SELECT f.field, f.kind
                           FROM (VALUES ('ts', 'time'), ('arm', 'label'), ('is_error', 'boolean'),
                                        ('latency_ms', 'number'), ('revenue', 'number?'),
                                        ('completed', 'boolean?'), ('churned', 'boolean?'), ('unit_id', 'any?'),
                                        ('arrival', 'time')) AS f (field, kind)
                           WHERE f.field <> 'arrival' OR plan -> 'columns' ? 'arrival' LOOP
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
    'Checks a rollout source''s columns (named by the plan''s "columns") and returns its rows as the measurement reads them: a FROM item with ts, arm, arm_value, is_error, latency_ms, revenue, completed, churned, unit_id (and arrival when the plan names it)';

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
    BEGIN
        metrics := @extschema@.rollout_split_metrics(plan, phase, @extschema@.rollout_measured(m));
        held := (@extschema@.rollout_explain(plan, metrics || pg_catalog.jsonb_build_object(
                     'requests', @extschema@.rollout_measured(m) -> 'requests'))).held;
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
        x record;
    BEGIN
        metrics := (@extschema@.rollout_evaluate(r.plan, r.phase_no, r.checkpoint_no,
                                                 @extschema@.rollout_measure_checkpoint(r, checkpoint_at))).metrics;
        x := @extschema@.rollout_explain(r.plan, metrics);
        failed := x.failed;
        missing := x.missing;
        held := x.held;
    END
    $$;
COMMENT ON FUNCTION @extschema@.rollout_judge(@extschema@.rollouts, timestamptz) IS
    'Measures a rollout''s current phase up to a checkpoint, with its owner''s rights, judges every threshold and checks the split (rollout_measure_checkpoint, rollout_evaluate, rollout_explain)';

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

-- ---------------------------------------------------------------------------
-- Rollouts created under 1.0 go on deciding as they did: the split guards
-- (sample ratio, units in both arms) apply to rollouts created from 1.1 on.
-- ---------------------------------------------------------------------------
UPDATE @extschema@.rollouts
   SET plan = plan OPERATOR(pg_catalog.||) '{"srm": "off", "unit_crossover": "off"}'::pg_catalog.jsonb
 WHERE NOT (plan OPERATOR(pg_catalog.?) 'srm'::pg_catalog.text);

-- ---------------------------------------------------------------------------
-- Rollout background workers on demand: the launcher's registry
-- (67_rollout_workers.sql)
-- ---------------------------------------------------------------------------
CREATE FUNCTION @extschema@.rollout_workers(
    OUT datid oid, OUT datname name, OUT state text, OUT pid integer, OUT since timestamptz)
RETURNS SETOF record
    AS 'MODULE_PATHNAME', 'rollout_workers' LANGUAGE C VOLATILE STRICT;
COMMENT ON FUNCTION @extschema@.rollout_workers() IS
    'The databases the rollout launcher tracks, in every database of the cluster: scanning, waiting for a worker, serving (pid of the worker) or retrying, since when; no rows when the library is not in shared_preload_libraries';

CREATE FUNCTION @extschema@.rollout_worker_request() RETURNS boolean
    AS 'MODULE_PATHNAME', 'rollout_worker_request' LANGUAGE C VOLATILE STRICT;
COMMENT ON FUNCTION @extschema@.rollout_worker_request() IS
    'Asks the launcher for a worker for this database when the transaction commits (the worker leaves again if no rollout runs); false when the library is not in shared_preload_libraries';
REVOKE ALL ON FUNCTION @extschema@.rollout_worker_request() FROM PUBLIC;

-- rollouts started under 1.0 after the server's scan get their worker now
SELECT @extschema@.rollout_worker_request()
 WHERE EXISTS (SELECT FROM @extschema@.rollouts
               WHERE state OPERATOR(pg_catalog.=) 'running'::pg_catalog.text);
-- One list of checkpoint metrics (rollout_metrics); a checkpoint is judged
-- in three steps: rollout_measure_checkpoint, rollout_evaluate,
-- rollout_explain.
-- ---------------------------------------------------------------------------
-- The one list of checkpoint metrics: what the plan's thresholds may name,
-- how each is measured and judged, and the split checks a checkpoint adds.
-- Validation, measurement, evaluation, explanation and the report read it.
CREATE OR REPLACE FUNCTION @extschema@.rollout_metrics(
    OUT name text, OUT kind text, OUT unit text, OUT direction text,
    OUT field text, OUT compared text, OUT measured text)
RETURNS SETOF record
    LANGUAGE sql IMMUTABLE PARALLEL SAFE ROWS 8
    SET search_path = pg_catalog, pg_temp
    AS $$
    SELECT * FROM (VALUES
        ('error_rate', 'rate', 'share of requests', 'lower', 'is_error', NULL,
         'treatment rows with is_error / treatment rows'),
        ('uptime', 'uptime', 'share of minutes', 'higher', 'is_error', NULL,
         '1 - down / observed minutes of the treatment, minutes counted from the phase start; down when at least half of its requests failed'),
        ('latency_pNN', 'quantile', 'ms', 'lower', 'latency_ms', NULL,
         'the 0.NN quantile of the treatment''s latency_ms (percentile_disc)'),
        ('revenue_lift', 'guardrail', 'relative lift', 'higher', 'revenue', 'value',
         'treatment / control - 1 of revenue per unit, with its sequential interval'),
        ('completion_lift', 'guardrail', 'relative lift', 'higher', 'completed', 'completion',
         'treatment / control - 1 of the completion rate, with its sequential interval'),
        ('churn_lift', 'guardrail', 'relative lift', 'lower', 'churned', 'churn',
         'treatment / control - 1 of the churn rate, with its sequential interval'),
        ('srm', 'split', 'p-value', 'higher', 'arm', NULL,
         'srm_test of the treatment''s observed share against the phase''s traffic'),
        ('unit_crossover', 'split', 'share of units', 'lower', 'unit_id', NULL,
         'units seen in both arms / units seen'))
        AS m (name, kind, unit, direction, field, compared, measured)
    $$;
COMMENT ON FUNCTION @extschema@.rollout_metrics() IS
    'The checkpoint metrics, in order: name (latency_pNN stands for every quantile), kind (rate, uptime, quantile, guardrail; split for the checks of the split, which take no thresholds), unit, the better direction, the source field it needs, the compare_cohorts_sequential metric of a guardrail, and how it is measured';

-- The kind of a metric name (latency_p99 is a quantile), else NULL.
CREATE OR REPLACE FUNCTION @extschema@.rollout_metric_kind(metric text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
        SELECT m.kind FROM @extschema@.rollout_metrics() AS m
        WHERE m.name OPERATOR(pg_catalog.=) metric
           OR (m.kind OPERATOR(pg_catalog.=) 'quantile' AND @extschema@.rollout_metric_quantile(metric) IS NOT NULL)
    $$;
COMMENT ON FUNCTION @extschema@.rollout_metric_kind(text) IS
    'The kind of a checkpoint metric name from rollout_metrics() (latency_p99 is a quantile); NULL for an unknown name';

-- The figures of a rollout_measurement that the evaluation reads, as
-- jsonb: request counts, errors and the split.
CREATE OR REPLACE FUNCTION @extschema@.rollout_measured(m @extschema@.rollout_measurement) RETURNS jsonb
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
    SELECT pg_catalog.jsonb_build_object(
        'requests', pg_catalog.jsonb_build_object('treatment', m.treatment_requests, 'control', m.control_requests),
        'errors', m.treatment_errors,
        'split', pg_catalog.jsonb_build_object(
            'unrecognised_rows', m.unrecognised_rows, 'unrecognised_arms', m.unrecognised_arms,
            'control_units', m.control_units, 'treatment_units', m.treatment_units,
            'crossover_units', m.crossover_units))
    $$;
COMMENT ON FUNCTION @extschema@.rollout_measured(@extschema@.rollout_measurement) IS
    'The request counts, errors and split figures of a measurement, as rollout_evaluate reads them';

-- The split checks of a measured window as metrics: the split itself, the
-- sample ratio of the treatment against the phase's share (srm), and units
-- seen in both arms (unit_crossover).  rollout_explain words the holds.
CREATE OR REPLACE FUNCTION @extschema@.rollout_split_metrics(plan jsonb, phase jsonb, measured jsonb) RETURNS jsonb
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    SET extra_float_digits = 3
    AS $$
    DECLARE
        s jsonb := measured -> 'split';
        treatment_requests bigint := (measured -> 'requests' ->> 'treatment')::bigint;
        control_requests bigint := (measured -> 'requests' ->> 'control')::bigint;
        control_units bigint := (s ->> 'control_units')::bigint;
        treatment_units bigint := (s ->> 'treatment_units')::bigint;
        crossover_units bigint := (s ->> 'crossover_units')::bigint;
        planned double precision := (phase ->> 'traffic')::double precision;
        by_units boolean := COALESCE(control_units + treatment_units, 0) > 0;
        c bigint := CASE WHEN by_units THEN control_units ELSE control_requests END;
        t bigint := CASE WHEN by_units THEN treatment_units ELSE treatment_requests END;
        counted text := CASE WHEN by_units THEN 'units' ELSE 'requests' END;
        p_max double precision := CASE WHEN plan -> 'srm' = '"off"'::jsonb THEN NULL
                                       ELSE COALESCE((plan -> 'srm' ->> 'p_value')::double precision, 0.001) END;
        x_max double precision := CASE WHEN plan -> 'unit_crossover' = '"off"'::jsonb THEN NULL
                                       ELSE COALESCE((plan -> 'unit_crossover' ->> 'max')::double precision, 0.01) END;
        all_units bigint := control_units + treatment_units + crossover_units;
        p double precision;
        x_share double precision;
        metrics jsonb;
    BEGIN
        metrics := pg_catalog.jsonb_build_object('split', pg_catalog.jsonb_build_object(
            'counted', counted, 'control', c, 'treatment', t,
            'unrecognised_rows', s -> 'unrecognised_rows', 'unrecognised_arms', s -> 'unrecognised_arms'));

        -- most rows in neither arm: nothing else can be judged
        IF (s ->> 'unrecognised_rows')::bigint > treatment_requests + control_requests THEN
            RETURN metrics;
        END IF;

        IF p_max IS NOT NULL AND planned < 1 AND c + t >= (plan ->> 'min_requests')::bigint THEN
            p := @extschema@.srm_test(c, t, planned);
            metrics := metrics || pg_catalog.jsonb_build_object('srm', pg_catalog.jsonb_build_object(
                'observed_share', t::double precision / (c + t), 'planned_share', planned,
                'p_value', p, 'min_p_value', p_max, 'counted', counted,
                'status', CASE WHEN p < p_max THEN 'fail' ELSE 'pass' END));
        END IF;

        IF all_units > 0 THEN
            x_share := crossover_units::double precision / all_units;
            metrics := metrics || pg_catalog.jsonb_build_object('unit_crossover', pg_catalog.jsonb_build_object(
                'units', crossover_units, 'of_units', all_units, 'share', x_share, 'max', x_max,
                'status', CASE WHEN x_share > x_max THEN 'fail' ELSE 'pass' END));
        END IF;
        RETURN metrics;
    END
    $$;
COMMENT ON FUNCTION @extschema@.rollout_split_metrics(jsonb, jsonb, jsonb) IS
    'The split checks of a measured window (split, srm, unit_crossover) as checkpoint metrics, each with its status';

-- Measure, evaluate, explain: the three steps of judging a checkpoint.
--
-- Measure: the checkpoint's figures, read from the source with the owner's
-- rights (rollout_measure_as): counts, the split, and per threshold metric
-- its measured value (for guardrails with the sequential interval).
CREATE OR REPLACE FUNCTION @extschema@.rollout_measure_checkpoint(r @extschema@.rollouts, checkpoint_at timestamptz)
RETURNS jsonb
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
        compared text;
        cmp record;
        measured jsonb := '{}';
        with_cohorts boolean;
        incr record;
        info jsonb;
        value double precision;
        accuracy double precision;
    BEGIN
        SELECT pg_catalog.array_agg(@extschema@.rollout_metric_quantile(t) ORDER BY t),
               pg_catalog.array_agg(t ORDER BY t)
          INTO quantiles, names
          FROM pg_catalog.jsonb_object_keys(phase -> 'thresholds') AS t
         WHERE @extschema@.rollout_metric_kind(t) = 'quantile';

        with_cohorts := EXISTS (SELECT 1 FROM pg_catalog.jsonb_object_keys(phase -> 'thresholds') AS t
                                WHERE @extschema@.rollout_metric_kind(t) = 'guardrail');
        IF (@extschema@.rollout_plan_measurement(r.plan)).incremental THEN
            incr := @extschema@.rollout_measure_incremental(r, checkpoint_at, COALESCE(quantiles, '{}'), with_cohorts);
            m := incr.m;
            info := incr.info;
        ELSE
            m := @extschema@.rollout_measure_as(
                r.owner_id, r.source, r.phase_started_at, checkpoint_at, COALESCE(quantiles, '{}'), with_cohorts,
                r.plan, @extschema@.rollout_measure_timeout(r.plan));
        END IF;

        FOR k IN SELECT pg_catalog.jsonb_object_keys(phase -> 'thresholds') LOOP
            CASE @extschema@.rollout_metric_kind(k)
            WHEN 'rate' THEN
                measured := measured || pg_catalog.jsonb_build_object(k, pg_catalog.jsonb_build_object(
                    'value', m.treatment_errors::double precision / NULLIF(m.treatment_requests, 0)));
            WHEN 'uptime' THEN
                measured := measured || pg_catalog.jsonb_build_object(k, pg_catalog.jsonb_build_object(
                    'value', 1 - m.down_minutes::double precision / NULLIF(m.observed_minutes, 0),
                    'observed_minutes', m.observed_minutes, 'down_minutes', m.down_minutes));
            WHEN 'quantile' THEN
                value := m.latency[pg_catalog.array_position(names, k)];
                measured := measured || pg_catalog.jsonb_build_object(k, pg_catalog.jsonb_build_object('value', value));
                IF info -> 'latency' ->> 'method' = 'sketch' THEN
                    -- the true quantile lies within the sketch's relative accuracy of the estimate
                    accuracy := (info -> 'latency' ->> 'relative_accuracy')::double precision;
                    measured := measured || pg_catalog.jsonb_build_object(k, measured -> k || pg_catalog.jsonb_build_object(
                        'method', 'sketch', 'relative_accuracy', accuracy,
                        'bounds', pg_catalog.jsonb_build_array(
                            CASE WHEN value >= 0 THEN value / (1 + accuracy) ELSE value / (1 - accuracy) END,
                            CASE WHEN value >= 0 THEN value / (1 - accuracy) ELSE value / (1 + accuracy) END)));
                ELSIF info IS NOT NULL THEN
                    measured := measured || pg_catalog.jsonb_build_object(k, measured -> k
                        || pg_catalog.jsonb_build_object('method', 'exact'));
                END IF;
            WHEN 'guardrail' THEN
                IF m.treatment_requests >= min_requests AND m.control_requests >= min_requests THEN
                    SELECT x.compared INTO compared FROM @extschema@.rollout_metrics() AS x WHERE x.name = k;
                    -- every argument given: no overload with fewer can compete;
                    -- without a tuning in the plan, the comparison's default (5000)
                    cmp := @extschema@.compare_cohorts_sequential(m.control_cohort, m.treatment_cohort,
                                                                  compared, alpha, COALESCE(tuning, 5000));
                    -- without variance in either arm there is no interval:
                    -- the lift is known exactly
                    measured := measured || pg_catalog.jsonb_build_object(k, pg_catalog.jsonb_build_object(
                        'value', cmp.relative_lift,
                        'low', COALESCE(cmp.relative_lift_low, cmp.relative_lift),
                        'high', COALESCE(cmp.relative_lift_high, cmp.relative_lift),
                        'p_value', cmp.p_value));
                END IF;
            END CASE;
        END LOOP;

        RETURN @extschema@.rollout_measured(m) || pg_catalog.jsonb_build_object(
            'window', pg_catalog.jsonb_build_object('from', r.phase_started_at, 'to', checkpoint_at),
            'values', measured)
            || CASE WHEN info IS NOT NULL THEN pg_catalog.jsonb_build_object('summary', info -> 'summary')
                    ELSE '{}'::jsonb END;
    END
    $$;
COMMENT ON FUNCTION @extschema@.rollout_measure_checkpoint(@extschema@.rollouts, timestamptz) IS
    'Measures a rollout''s current phase up to a checkpoint with its owner''s rights: counts, split and the measured value of each threshold metric, as jsonb';

-- Evaluate: every threshold of the phase against the measured values
-- (status pass, fail or no_data), the split checks, and the decision the
-- checkpoint makes.  The metrics are what the decision row records.
CREATE OR REPLACE FUNCTION @extschema@.rollout_evaluate(
    plan jsonb, phase_no integer, checkpoint_no integer, measured jsonb,
    OUT metrics jsonb, OUT decision text)
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    SET extra_float_digits = 3
    AS $$
    DECLARE
        phase jsonb := plan -> 'phases' -> phase_no;
        min_requests bigint := (plan ->> 'min_requests')::bigint;
        treatment_requests bigint := (measured -> 'requests' ->> 'treatment')::bigint;
        control_requests bigint := (measured -> 'requests' ->> 'control')::bigint;
        k text;
        kind text;
        lim jsonb;
        mv jsonb;
        lo double precision;
        hi double precision;
        value double precision;
        low double precision;
        high double precision;
        status text;
        entry jsonb;
        failed boolean := false;
        missing boolean := false;
        held boolean;
    BEGIN
        metrics := @extschema@.rollout_split_metrics(plan, phase, measured) || pg_catalog.jsonb_build_object(
            'window', measured -> 'window', 'requests', measured -> 'requests', 'errors', measured -> 'errors')
            || CASE WHEN measured ? 'summary' THEN pg_catalog.jsonb_build_object('summary', measured -> 'summary')
                    ELSE '{}'::jsonb END;

        FOR k, lim IN SELECT * FROM pg_catalog.jsonb_each(phase -> 'thresholds') ORDER BY 1 LOOP
            kind := @extschema@.rollout_metric_kind(k);
            mv := measured -> 'values' -> k;
            lo := (lim ->> 'min')::double precision;
            hi := (lim ->> 'max')::double precision;
            value := NULL;
            low := NULL;
            high := NULL;
            status := NULL;
            IF treatment_requests < min_requests
               OR (kind = 'guardrail' AND control_requests < min_requests) THEN
                status := 'no_data';
            ELSE
                value := (mv ->> 'value')::double precision;
                low := (mv ->> 'low')::double precision;
                high := (mv ->> 'high')::double precision;
            END IF;

            IF status IS NULL AND (value IS NULL OR value = 'NaN') THEN
                status := 'no_data';
            ELSIF status IS NULL AND low IS NOT NULL THEN
                -- guardrails fail only when the whole interval is beyond the limit
                status := CASE WHEN high < lo OR low > hi THEN 'fail' ELSE 'pass' END;
            ELSIF status IS NULL THEN
                status := CASE WHEN value > hi OR value < lo THEN 'fail' ELSE 'pass' END;
            END IF;
            failed := failed OR status = 'fail';
            missing := missing OR status = 'no_data';

            entry := pg_catalog.jsonb_build_object('value', value, 'status', status);
            IF low IS NOT NULL OR high IS NOT NULL THEN
                entry := entry || pg_catalog.jsonb_build_object('low', low, 'high', high,
                                                                'p_value', mv -> 'p_value');
            END IF;
            IF kind = 'uptime' THEN
                entry := entry || pg_catalog.jsonb_build_object('observed_minutes', mv -> 'observed_minutes',
                                                                'down_minutes', mv -> 'down_minutes');
            END IF;
            IF kind = 'quantile' AND mv ? 'method' THEN
                -- how it was measured; a sketch's estimate is judged, its bounds recorded
                entry := entry || pg_catalog.jsonb_build_object('method', mv -> 'method')
                         || CASE WHEN mv ? 'bounds' AND value IS NOT NULL
                                 THEN pg_catalog.jsonb_build_object('bounds', mv -> 'bounds',
                                                                    'relative_accuracy', mv -> 'relative_accuracy')
                                 ELSE '{}'::jsonb END;
            END IF;
            metrics := metrics || pg_catalog.jsonb_build_object(k, entry || lim);
        END LOOP;

        -- a broken split: nothing measured can be trusted
        held := (metrics -> 'split' ->> 'unrecognised_rows')::bigint > treatment_requests + control_requests
                OR metrics -> 'srm' ->> 'status' = 'fail' OR metrics -> 'unit_crossover' ->> 'status' = 'fail';
        decision := CASE
            WHEN failed THEN 'rollback'
            WHEN held THEN 'hold'
            WHEN checkpoint_no < pg_catalog.jsonb_array_length(phase -> 'checkpoints') - 1 THEN 'continue'
            WHEN missing THEN 'hold'
            WHEN phase_no = pg_catalog.jsonb_array_length(plan -> 'phases') - 1 THEN 'complete'
            ELSE 'advance' END;
    END
    $$;
COMMENT ON FUNCTION @extschema@.rollout_evaluate(jsonb, integer, integer, jsonb) IS
    'Judges a checkpoint''s measured values (rollout_measure_checkpoint) against the phase''s thresholds and split checks: the metrics with their status, and the decision (rollback, hold, continue, advance or complete)';

-- Explain: the reasons of a checkpoint's decision, from its metrics: each
-- failed threshold with value and limit, each split check that holds the
-- rollout, each metric without data.  reasons is what the decision row
-- records: failed then missing, else held then missing.
CREATE OR REPLACE FUNCTION @extschema@.rollout_explain(
    plan jsonb, metrics jsonb,
    OUT reasons text[], OUT failed text[], OUT held text[], OUT missing text[])
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    SET extra_float_digits = 3
    AS $$
    DECLARE
        min_requests bigint := (plan ->> 'min_requests')::bigint;
        treatment_requests bigint := (metrics -> 'requests' ->> 'treatment')::bigint;
        control_requests bigint := (metrics -> 'requests' ->> 'control')::bigint;
        s jsonb := metrics -> 'split';
        k text;
        kind text;
        e jsonb;
        value double precision;
        lo double precision;
        hi double precision;
        listed text;
    BEGIN
        failed := '{}';
        held := '{}';
        missing := '{}';
        FOR k, e IN SELECT * FROM pg_catalog.jsonb_each(metrics) ORDER BY 1 LOOP
            kind := @extschema@.rollout_metric_kind(k);
            CONTINUE WHEN kind IS NULL OR kind = 'split';
            value := (e ->> 'value')::double precision;
            lo := (e ->> 'min')::double precision;
            hi := (e ->> 'max')::double precision;
            IF e ->> 'status' = 'no_data' THEN
                missing := missing || CASE
                    WHEN treatment_requests < min_requests
                        THEN pg_catalog.format('%s no data (%s treatment requests < %s)', k, treatment_requests, min_requests)
                    WHEN kind = 'guardrail' AND control_requests < min_requests
                        THEN pg_catalog.format('%s no data (%s control requests < %s)', k, control_requests, min_requests)
                    ELSE pg_catalog.format('%s no data', k) END;
            ELSIF e ->> 'status' = 'fail' AND e ? 'low' THEN
                failed := failed || pg_catalog.format('%s %s [%s, %s] %s %s', k, @extschema@.rollout_fmt(value),
                    @extschema@.rollout_fmt((e ->> 'low')::double precision),
                    @extschema@.rollout_fmt((e ->> 'high')::double precision),
                    CASE WHEN (e ->> 'high')::double precision < lo THEN '<' ELSE '>' END,
                    @extschema@.rollout_fmt(CASE WHEN (e ->> 'high')::double precision < lo THEN lo ELSE hi END));
            ELSIF e ->> 'status' = 'fail' THEN
                failed := failed || pg_catalog.format('%s %s %s %s', k, @extschema@.rollout_fmt(value),
                    CASE WHEN value > hi THEN '>' ELSE '<' END,
                    @extschema@.rollout_fmt(CASE WHEN value > hi THEN hi ELSE lo END));
            END IF;
        END LOOP;

        IF (s ->> 'unrecognised_rows')::bigint > treatment_requests + control_requests THEN
            -- the source's arm values are not the plan's: say which they are
            SELECT pg_catalog.string_agg(pg_catalog.format('%s (%s rows)',
                       COALESCE(pg_catalog.quote_literal(a ->> 'value'), 'NULL'),
                       pg_catalog.to_char((a ->> 'rows')::bigint, 'FM999,999,999,999,999')), ', ')
              INTO listed FROM pg_catalog.jsonb_array_elements(s -> 'unrecognised_arms') AS a;
            held := held || pg_catalog.format(
                'arm values not recognised: %s; %s of %s rows are in neither %L nor %L (map them with "arms" in the plan)',
                listed, pg_catalog.to_char((s ->> 'unrecognised_rows')::bigint, 'FM999,999,999,999,999'),
                pg_catalog.to_char((s ->> 'unrecognised_rows')::bigint + treatment_requests + control_requests,
                                   'FM999,999,999,999,999'),
                COALESCE(plan -> 'arms' ->> 'control', 'control'), COALESCE(plan -> 'arms' ->> 'treatment', 'treatment'));
        END IF;
        e := metrics -> 'srm';
        IF e ->> 'status' = 'fail' THEN
            held := held || pg_catalog.format(
                'srm: observed treatment share %s of %s %s, planned %s (p = %s < %s)',
                @extschema@.rollout_fmt((e ->> 'observed_share')::double precision),
                pg_catalog.to_char((s ->> 'control')::bigint + (s ->> 'treatment')::bigint, 'FM999,999,999,999,999'),
                e ->> 'counted', @extschema@.rollout_fmt((e ->> 'planned_share')::double precision),
                pg_catalog.btrim(pg_catalog.to_char((e ->> 'p_value')::double precision, '9.99EEEE')),
                (e ->> 'min_p_value')::double precision);
        END IF;
        e := metrics -> 'unit_crossover';
        IF e ->> 'status' = 'fail' THEN
            held := held || pg_catalog.format(
                'unit_crossover: %s of %s units were in both arms (%s > %s)',
                pg_catalog.to_char((e ->> 'units')::bigint, 'FM999,999,999,999,999'),
                pg_catalog.to_char((e ->> 'of_units')::bigint, 'FM999,999,999,999,999'),
                @extschema@.rollout_fmt((e ->> 'share')::double precision),
                @extschema@.rollout_fmt((e ->> 'max')::double precision));
        END IF;
        reasons := CASE WHEN pg_catalog.cardinality(failed) > 0 THEN failed ELSE held END || missing;
    END
    $$;
COMMENT ON FUNCTION @extschema@.rollout_explain(jsonb, jsonb) IS
    'The reasons of a checkpoint''s decision from its metrics (rollout_evaluate): failed thresholds with value and limit, split checks that hold the rollout, metrics without data';

-- Checks the split of a measured window: the reasons to hold the rollout
-- and the figures as metrics (rollout_split_metrics, rollout_explain).
-- The three steps at once, as one call.
-- Applies a decision: updates the rollout, appends the decision row and
-- notifies listeners of state changes.  r holds the state before; actor is
-- 'worker' or the role that acted.
-- Decides the latest due checkpoint of a locked, running rollout.  Due
-- checkpoints are decided one by one, in order, except those overdue by
-- more than a minute with a later one also due: that one decides for them
-- (a rollout started or resumed long ago, a server down for hours), and its
-- metrics say how many it skipped.
REVOKE ALL ON FUNCTION @extschema@.rollout_measure_checkpoint(@extschema@.rollouts, timestamptz) FROM PUBLIC;

-- ---------------------------------------------------------------------------
-- Incremental checkpoints: bucket and unit summaries of running rollouts,
-- plan fields measurement, bucket, settle and latency.
-- ---------------------------------------------------------------------------
-- Checks the plan keys of how checkpoints are measured: measurement
-- (incremental or full), bucket, settle and latency.
CREATE OR REPLACE FUNCTION @extschema@.rollout_plan_summary_fields(plan jsonb) RETURNS void
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
    DECLARE
        iv interval;
        num double precision;
    BEGIN
        IF plan ? 'measurement' AND (plan -> 'measurement') NOT IN ('"incremental"'::jsonb, '"full"'::jsonb) THEN
            RAISE EXCEPTION 'invalid rollout plan: measurement must be "incremental" or "full"'
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        IF plan ? 'bucket' THEN
            iv := @extschema@.rollout_plan_interval(plan -> 'bucket', 'bucket'::text);
            IF iv < interval '1 minute' OR iv > interval '1 day' OR pg_catalog.date_part('month', iv) <> 0
               OR pg_catalog.mod(pg_catalog.date_part('epoch', iv)::numeric, 60::numeric) <> 0 THEN
                RAISE EXCEPTION 'invalid rollout plan: bucket must be a whole number of minutes, from 1 minute to 1 day, got "%"',
                                plan ->> 'bucket'
                    USING ERRCODE = 'invalid_parameter_value';
            END IF;
        END IF;
        IF plan ? 'settle' THEN
            BEGIN
                iv := (plan ->> 'settle')::interval;
            EXCEPTION WHEN invalid_datetime_format OR datetime_field_overflow OR interval_field_overflow THEN
                iv := NULL;
            END;
            IF pg_catalog.jsonb_typeof(plan -> 'settle') <> 'string' OR iv IS NULL
               OR iv < interval '0' OR iv > interval '1 day' THEN
                RAISE EXCEPTION 'invalid rollout plan: settle must be an interval from 0 to 1 day, such as "1 minute"'
                    USING ERRCODE = 'invalid_parameter_value';
            END IF;
        END IF;
        IF plan ? 'latency' THEN
            IF pg_catalog.jsonb_typeof(plan -> 'latency') <> 'object'
               OR EXISTS (SELECT 1 FROM pg_catalog.jsonb_object_keys(plan -> 'latency') AS x
                          WHERE x NOT IN ('method', 'relative_accuracy'))
               OR (plan -> 'latency' ? 'method'
                   AND (plan -> 'latency' -> 'method') NOT IN ('"sketch"'::jsonb, '"exact"'::jsonb, '"auto"'::jsonb)) THEN
                RAISE EXCEPTION 'invalid rollout plan: latency must be {"method": "sketch", "exact" or "auto", "relative_accuracy": x}'
                    USING ERRCODE = 'invalid_parameter_value';
            END IF;
            IF plan -> 'latency' ? 'relative_accuracy' THEN
                num := @extschema@.rollout_plan_number(plan -> 'latency' -> 'relative_accuracy',
                                                       'latency.relative_accuracy'::text);
                IF NOT (num >= 0.000001 AND num <= 0.1) THEN
                    RAISE EXCEPTION 'invalid rollout plan: latency.relative_accuracy must be in [0.000001, 0.1], got %', num
                        USING ERRCODE = 'invalid_parameter_value';
                END IF;
            END IF;
        END IF;
    END
    $$;
COMMENT ON FUNCTION @extschema@.rollout_plan_summary_fields(jsonb) IS
    'Checks the plan keys measurement, bucket, settle and latency, with an error naming the field';

-- How a plan's checkpoints are measured, defaults filled in.
CREATE OR REPLACE FUNCTION @extschema@.rollout_plan_measurement(
    plan jsonb, OUT incremental boolean, OUT bucket interval, OUT settle interval,
    OUT latency_method text, OUT relative_accuracy double precision)
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
    SELECT COALESCE(plan ->> 'measurement', 'full') OPERATOR(pg_catalog.=) 'incremental',
           COALESCE((plan ->> 'bucket')::interval, interval '1 minute'),
           COALESCE((plan ->> 'settle')::interval, interval '1 minute'),
           COALESCE(plan -> 'latency' ->> 'method', 'auto'),
           COALESCE((plan -> 'latency' ->> 'relative_accuracy')::double precision, 0.005)
    $$;
COMMENT ON FUNCTION @extschema@.rollout_plan_measurement(jsonb) IS
    'How a plan''s checkpoints are measured: incremental (stored bucket summaries) or full-window (the default), the bucket and settle intervals (1 minute each by default), the latency method (auto by default) and the sketch''s relative accuracy (0.005)';

--
-- Each tick summarizes only the buckets closed since the last one (one pass
-- over the new rows, read as the owner under the protections of a
-- measurement, rollout_summarize_as) and stores them; a checkpoint merges
-- the stored buckets with a direct pass over the still-open tail of its
-- window.  The writes happen here, after the read-only read returned.

CREATE TYPE @extschema@.rollout_bucket_summary AS (
    bucket_start timestamptz,
    arm text,
    arm_value text,
    requests bigint,
    errors bigint,
    observed_minutes bigint,
    down_minutes bigint,
    latency @extschema@.quantile_sketch,
    latency_below bigint,
    latency_above bigint,
    cohort @extschema@.cohort,
    after_mark bigint
);
COMMENT ON TYPE @extschema@.rollout_bucket_summary IS
    'One bucket of one arm (arm NULL: rows of an unrecognised arm value arm_value): requests, errors, treatment minutes observed and down, latency sketch of the finite latencies with the -Infinity (below) and Infinity (above) counts, request-level cohort, and the rows that arrived at or after the round''s arrival mark';

-- The units of an arm, each with its outcomes or-ed and its revenue summed,
-- are kept in one value (a unit map, src/core/unit_map.h): a tick merges
-- the new rows' map into the stored one, and a checkpoint reads one value
-- per arm, not a row per unit.
-- The state of both aggregates is the map itself, built in place (an
-- expanded object), so that Citus can compute them on its workers.
CREATE FUNCTION @extschema@.rollout_unit_map_state_trans(bytea, text, boolean, boolean, double precision)
RETURNS bytea AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.rollout_unit_map_state_union(bytea, bytea)
RETURNS bytea AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.rollout_unit_map_state_final(bytea)
RETURNS bytea AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.rollout_unit_map_state_trans(bytea, text, boolean, boolean, double precision) IS
    'Transition function of rollout_unit_map_agg';
COMMENT ON FUNCTION @extschema@.rollout_unit_map_state_union(bytea, bytea) IS
    'Transition function of rollout_unit_map_union, and combine function of both unit map aggregates';
COMMENT ON FUNCTION @extschema@.rollout_unit_map_state_final(bytea) IS
    'Final function of the unit map aggregates: the stored unit map';

CREATE AGGREGATE @extschema@.rollout_unit_map_agg(unit text, completed boolean, churned boolean,
                                                  revenue double precision) (
    SFUNC = @extschema@.rollout_unit_map_state_trans,
    STYPE = bytea,
    FINALFUNC = @extschema@.rollout_unit_map_state_final,
    COMBINEFUNC = @extschema@.rollout_unit_map_state_union,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.rollout_unit_map_agg(text, boolean, boolean, double precision) IS
    'Unit map of the rows: per unit (rows with a NULL unit skipped) completed and churned or-ed, revenue summed, as bool_or and sum do';

CREATE AGGREGATE @extschema@.rollout_unit_map_union(bytea) (
    SFUNC = @extschema@.rollout_unit_map_state_union,
    STYPE = bytea,
    FINALFUNC = @extschema@.rollout_unit_map_state_final,
    COMBINEFUNC = @extschema@.rollout_unit_map_state_union,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.rollout_unit_map_union(bytea) IS
    'Unit maps merged into one: a unit in several gets its outcomes or-ed and its revenues summed';

CREATE FUNCTION @extschema@.rollout_unit_map_merge(a bytea, b bytea) RETURNS bytea
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.rollout_unit_map_merge(bytea, bytea) IS
    'Two unit maps merged in one pass (NULL stands for no units)';
CREATE FUNCTION @extschema@.rollout_unit_map_units(map bytea) RETURNS bigint
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.rollout_unit_map_units(bytea) IS
    'Number of units in a unit map (0 for NULL)';
CREATE FUNCTION @extschema@.rollout_unit_map_overlap(a bytea, b bytea) RETURNS bigint
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.rollout_unit_map_overlap(bytea, bytea) IS
    'Number of units in both unit maps (0 when either is NULL)';
CREATE FUNCTION @extschema@.rollout_unit_map_cohort(map bytea) RETURNS @extschema@.cohort
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.rollout_unit_map_cohort(bytea) IS
    'The cohort of a unit map''s units, as cohort_agg over one row per unit (NULL: the empty cohort)';

CREATE TYPE @extschema@.rollout_summary AS (
    buckets @extschema@.rollout_bucket_summary[],
    control_units bytea,
    treatment_units bytea,
    arrivals jsonb
);
COMMENT ON TYPE @extschema@.rollout_summary IS
    'What one pass over a range of a rollout source returns: its bucket summaries, with units the unit map of each arm, and when asked the rows of earlier buckets that arrived since a given time (per bucket)';

CREATE TABLE @extschema@.rollout_buckets (
    rollout_id bigint NOT NULL,
    phase_run integer NOT NULL,
    bucket_start timestamptz NOT NULL,
    arm text,
    arm_value text,
    requests bigint NOT NULL,
    errors bigint NOT NULL,
    observed_minutes bigint NOT NULL,
    down_minutes bigint NOT NULL,
    latency @extschema@.quantile_sketch,
    latency_below bigint NOT NULL,
    latency_above bigint NOT NULL,
    cohort @extschema@.cohort,
    after_mark bigint NOT NULL DEFAULT 0
);
CREATE INDEX rollout_buckets_idx ON @extschema@.rollout_buckets (rollout_id, phase_run, bucket_start);
COMMENT ON TABLE @extschema@.rollout_buckets IS
    'Summaries of the closed buckets of time of running rollouts'' current phases, per arm (written only by the rollout functions)';

CREATE TABLE @extschema@.rollout_unit_maps (
    rollout_id bigint NOT NULL,
    arm text NOT NULL,
    phase_run integer NOT NULL,
    units bytea NOT NULL,
    PRIMARY KEY (rollout_id, arm)
);
-- rewritten every tick: compressing it would cost more than it saves
ALTER TABLE @extschema@.rollout_unit_maps ALTER COLUMN units SET STORAGE EXTERNAL;
COMMENT ON TABLE @extschema@.rollout_unit_maps IS
    'Per arm of running rollouts'' current phases, the units of the summarized buckets (a unit map: completed and churned or-ed, revenue summed) (written only by the rollout functions)';

CREATE TABLE @extschema@.rollout_summary_marks (
    rollout_id bigint PRIMARY KEY,
    phase_run integer NOT NULL,
    summarized_until timestamptz NOT NULL,
    late_rows bigint,
    arrival_mark timestamptz,
    late_buckets jsonb,
    arrivals jsonb
);
COMMENT ON TABLE @extschema@.rollout_summary_marks IS
    'How far each rollout''s current phase is summarized (buckets before summarized_until), the late rows found so far (in all and per bucket) and, with an arrival column, up to which arrival time rows were checked and how many of each summarized bucket arrived at or after its round''s mark';

SELECT pg_catalog.pg_extension_config_dump('@extschema@.rollout_buckets', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.rollout_unit_maps', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.rollout_summary_marks', '');
REVOKE ALL ON @extschema@.rollout_buckets, @extschema@.rollout_unit_maps, @extschema@.rollout_summary_marks FROM PUBLIC;

-- One pass over the rows of [range_start, range_end), read with the
-- caller's rights: per minute (counted from phase_start) and arm, then
-- rolled up per bucket; with units, a unit map per arm (units by their
-- text): over a range of up to 2 minutes (a round, a checkpoint's tail)
-- one per minute and arm from the same pass, merged; over a longer range a
-- second pass, so that memory holds one map per arm.  With arrivals_since,
-- the same pass also counts per bucket the rows of [phase_start,
-- range_start) that arrived in [arrivals_since, arrival_mark): a round's
-- new rows are mostly the ones that arrived since the last round, so one
-- read of them serves both.  The planner cannot know that the rows
-- fall in few minutes (it takes each ts for a group of its own), so it
-- would sort every row, on disk, to group them; sorting is disabled here,
-- which makes it hash the few groups.
CREATE FUNCTION @extschema@.rollout_summarize(
    source text, range_start timestamptz, range_end timestamptz, phase_start timestamptz,
    bucket interval, plan jsonb, relative_accuracy double precision, with_units boolean,
    with_cohorts boolean, arrival_mark timestamptz DEFAULT NULL, arrivals_since timestamptz DEFAULT NULL)
RETURNS @extschema@.rollout_summary
    LANGUAGE plpgsql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    SET enable_sort = off
    AS $$
    DECLARE
        rel text := @extschema@.rollout_source_query(source, plan);
        per_minute boolean := with_units AND range_end - range_start <= interval '2 minutes';
        late boolean := arrivals_since IS NOT NULL AND arrival_mark IS NOT NULL;
        result @extschema@.rollout_summary;
    BEGIN
        -- the rows of earlier minutes (arrivals only) form groups of their
        -- own, below range_start, that only the arrival counts read
        EXECUTE pg_catalog.format($q$
            WITH r AS (
                SELECT pg_catalog.date_bin('1 minute', ts, $3) AS minute, arm, arm_value, arm = 'treatment' AS t,
                       is_error, latency_ms, completed, churned, revenue, %s AS unit_id, %s AS after_mark
                FROM %s WHERE %s),
            minutes AS (
                SELECT minute, arm, arm_value, count(*) AS n, count(*) FILTER (WHERE is_error) AS e,
                       @extschema@.quantile_sketch_agg(latency_ms, $5)
                           FILTER (WHERE t AND latency_ms > '-Infinity' AND latency_ms < 'Infinity') AS sketch,
                       count(*) FILTER (WHERE t AND latency_ms = '-Infinity') AS below,
                       count(*) FILTER (WHERE t AND latency_ms = 'Infinity') AS above,
                       count(*) FILTER (WHERE after_mark) AS after_mark,
                       %s AS cohort, %s AS units
                FROM r GROUP BY minute, arm, arm_value)
            SELECT %s,
                   (SELECT pg_catalog.array_agg(b)
                    FROM (SELECT ROW(pg_catalog.date_bin($4, minute, $3), arm, arm_value, sum(n)::bigint, sum(e)::bigint,
                                     count(*) FILTER (WHERE arm = 'treatment'),
                                     count(*) FILTER (WHERE arm = 'treatment' AND 2 * e >= n),
                                     @extschema@.rollup(sketch), sum(below)::bigint, sum(above)::bigint,
                                     @extschema@.rollup(cohort), sum(after_mark)::bigint)::@extschema@.rollout_bucket_summary AS b
                          FROM minutes WHERE minute >= $1
                          GROUP BY pg_catalog.date_bin($4, minute, $3), arm, arm_value) AS x),
                   u.control, u.treatment
            FROM %s AS u$q$,
            CASE WHEN with_units THEN 'unit_id' ELSE 'NULL::text' END,
            CASE WHEN arrival_mark IS NOT NULL THEN 'arrival >= $6' ELSE 'false' END,
            rel,
            CASE WHEN late
                 THEN '(ts >= $1 AND ts < $2 OR arrival >= $7 AND arrival < $6 AND ts >= $3 AND ts < $1)'
                 ELSE 'ts >= $1 AND ts < $2' END,
            CASE WHEN with_cohorts AND NOT with_units
                 THEN '@extschema@.cohort_agg(completed, churned, revenue)' ELSE 'NULL::@extschema@.cohort' END,
            CASE WHEN per_minute
                 THEN $u$@extschema@.rollout_unit_map_agg(unit_id::text, completed, churned, revenue)
                          FILTER (WHERE arm IS NOT NULL AND minute >= $1)$u$
                 ELSE 'NULL::bytea' END,
            CASE WHEN late
                 THEN $a$(SELECT COALESCE(pg_catalog.jsonb_object_agg(b, n), '{}')
                          FROM (SELECT pg_catalog.date_bin($4, minute, $3) AS b, sum(n) AS n
                                FROM minutes WHERE minute < $1 GROUP BY 1) AS a)$a$
                 ELSE 'NULL::jsonb' END,
            CASE WHEN per_minute
                 THEN $u$(SELECT @extschema@.rollout_unit_map_union(units) FILTER (WHERE arm = 'control') AS control,
                                 @extschema@.rollout_unit_map_union(units) FILTER (WHERE arm = 'treatment') AS treatment
                          FROM minutes WHERE minute >= $1)$u$
                 WHEN with_units
                 THEN pg_catalog.format(
                     $u$(SELECT @extschema@.rollout_unit_map_agg(unit_id::text, completed, churned, revenue)
                                    FILTER (WHERE arm = 'control') AS control,
                                @extschema@.rollout_unit_map_agg(unit_id::text, completed, churned, revenue)
                                    FILTER (WHERE arm = 'treatment') AS treatment
                         FROM %s WHERE ts >= $1 AND ts < $2)$u$, rel)
                 ELSE '(SELECT NULL::bytea AS control, NULL::bytea AS treatment)' END)
            INTO result.arrivals, result.buckets, result.control_units, result.treatment_units
            USING range_start, range_end, phase_start, bucket, relative_accuracy, arrival_mark, arrivals_since;
        RETURN result;
    END
    $$;
COMMENT ON FUNCTION @extschema@.rollout_summarize(text, timestamptz, timestamptz, timestamptz, interval, jsonb, double precision, boolean, boolean, timestamptz, timestamptz) IS
    'One pass over [range_start, range_end) of a rollout source with the caller''s privileges: its bucket summaries (minutes counted from phase_start), with units its units, and with arrivals_since the earlier rows that arrived in [arrivals_since, arrival_mark) per bucket';

CREATE FUNCTION @extschema@.rollout_summarize_as(
    owner regrole, source text, range_start timestamptz, range_end timestamptz, phase_start timestamptz,
    bucket interval, plan jsonb, relative_accuracy double precision, with_units boolean,
    with_cohorts boolean, arrival_mark timestamptz, arrivals_since timestamptz, measure_timeout interval)
RETURNS @extschema@.rollout_summary
    AS 'MODULE_PATHNAME', 'rollout_read_as_role' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION @extschema@.rollout_summarize_as(regrole, text, timestamptz, timestamptz, timestamptz, interval, jsonb, double precision, boolean, boolean, timestamptz, timestamptz, interval) IS
    'rollout_summarize run with the rights of the given owner, read-only, unable to change rollouts, within measure_timeout (not executable by ordinary roles)';

-- The exact latency quantiles of the treatment over a window.
CREATE FUNCTION @extschema@.rollout_latency(
    source text, window_start timestamptz, window_end timestamptz, quantiles double precision[], plan jsonb)
RETURNS double precision[]
    LANGUAGE plpgsql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
    DECLARE
        result double precision[];
    BEGIN
        EXECUTE pg_catalog.format(
            'SELECT percentile_disc($3) WITHIN GROUP (ORDER BY latency_ms)
             FROM %s WHERE ts >= $1 AND ts < $2 AND arm = ''treatment'' AND latency_ms <> ''NaN''',
            @extschema@.rollout_source_query(source, plan))
            INTO result
            USING window_start, window_end, quantiles;
        RETURN result;
    END
    $$;
COMMENT ON FUNCTION @extschema@.rollout_latency(text, timestamptz, timestamptz, double precision[], jsonb) IS
    'The treatment''s latency quantiles over [window_start, window_end), exactly as percentile_disc, read with the caller''s privileges';

CREATE FUNCTION @extschema@.rollout_latency_as(
    owner regrole, source text, window_start timestamptz, window_end timestamptz, quantiles double precision[],
    plan jsonb, measure_timeout interval)
RETURNS double precision[]
    AS 'MODULE_PATHNAME', 'rollout_read_as_role' LANGUAGE C VOLATILE STRICT;
COMMENT ON FUNCTION @extschema@.rollout_latency_as(regrole, text, timestamptz, timestamptz, double precision[], jsonb, interval) IS
    'rollout_latency run with the rights of the given owner, read-only, within measure_timeout (not executable by ordinary roles)';

-- Rows per bucket of a range, for the check of late rows: all of them, or
-- (arrival_from not NULL) those that arrived in [arrival_from, arrival_to).
CREATE FUNCTION @extschema@.rollout_count(
    source text, range_start timestamptz, range_end timestamptz, phase_start timestamptz, bucket interval, plan jsonb,
    arrival_from timestamptz DEFAULT NULL, arrival_to timestamptz DEFAULT NULL)
RETURNS jsonb
    LANGUAGE plpgsql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
    DECLARE
        rel text := @extschema@.rollout_source_query(source, plan);
        result jsonb;
    BEGIN
        IF arrival_from IS NULL THEN
            EXECUTE pg_catalog.format(
                'SELECT pg_catalog.jsonb_object_agg(b, n) FROM (
                     SELECT pg_catalog.date_bin($4, ts, $3) AS b, count(*) AS n
                     FROM %s WHERE ts >= $1 AND ts < $2 GROUP BY 1) AS x', rel)
                INTO result
                USING range_start, range_end, phase_start, bucket;
        ELSE
            EXECUTE pg_catalog.format(
                'SELECT pg_catalog.jsonb_object_agg(b, n) FROM (
                     SELECT pg_catalog.date_bin($4, ts, $3) AS b, count(*) AS n
                     FROM %s WHERE arrival >= $5 AND arrival < $6 AND ts >= $1 AND ts < $2 GROUP BY 1) AS x', rel)
                INTO result
                USING range_start, range_end, phase_start, bucket, arrival_from, arrival_to;
        END IF;
        RETURN COALESCE(result, '{}'::jsonb);
    END
    $$;
COMMENT ON FUNCTION @extschema@.rollout_count(text, timestamptz, timestamptz, timestamptz, interval, jsonb, timestamptz, timestamptz) IS
    'Rows of a rollout source per bucket of [range_start, range_end) (buckets counted from phase_start), read with the caller''s privileges: all of them, or those that arrived in [arrival_from, arrival_to)';

CREATE FUNCTION @extschema@.rollout_count_as(
    owner regrole, source text, range_start timestamptz, range_end timestamptz, phase_start timestamptz,
    bucket interval, plan jsonb, arrival_from timestamptz, arrival_to timestamptz, measure_timeout interval)
RETURNS jsonb
    AS 'MODULE_PATHNAME', 'rollout_read_as_role' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION @extschema@.rollout_count_as(regrole, text, timestamptz, timestamptz, timestamptz, interval, jsonb, timestamptz, timestamptz, interval) IS
    'rollout_count run with the rights of the given owner, read-only, within measure_timeout (not executable by ordinary roles)';

-- Sets a locked rollout's late rows from counts per bucket: the rows above
-- those its buckets were summarized with (counts of whole buckets), or,
-- with arrivals, above those the summarizing rounds read at or after their
-- arrival mark (after_mark).
CREATE FUNCTION @extschema@.rollout_note_late_rows(r @extschema@.rollouts, counts jsonb, arrivals boolean)
RETURNS bigint
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
    AS $$
    DECLARE
        per_bucket jsonb;
        late bigint;
    BEGIN
        SELECT pg_catalog.jsonb_object_agg(a.key, a.late) FILTER (WHERE a.late > 0),
               COALESCE(sum(a.late) FILTER (WHERE a.late > 0), 0)::bigint
          INTO per_bucket, late
          FROM (SELECT c.key, c.value::bigint - COALESCE(s.n, 0) AS late
                  FROM pg_catalog.jsonb_each_text(counts) AS c
                  LEFT JOIN (SELECT x.bucket_start,
                                    pg_catalog.sum(CASE WHEN arrivals THEN x.after_mark ELSE x.requests END) AS n
                               FROM @extschema@.rollout_buckets x
                              WHERE x.rollout_id = r.id AND x.phase_run = r.phase_run GROUP BY x.bucket_start) AS s
                    ON s.bucket_start = c.key::timestamptz) AS a;
        UPDATE @extschema@.rollout_summary_marks x
           SET late_buckets = per_bucket, late_rows = late
         WHERE x.rollout_id = r.id AND x.phase_run = r.phase_run;
        RETURN late;
    END
    $$;
COMMENT ON FUNCTION @extschema@.rollout_note_late_rows(@extschema@.rollouts, jsonb, boolean) IS
    'Sets a rollout''s late rows (in all and per bucket) from counts per bucket: rows above those stored, or (arrivals) above those the summarizing rounds read at or after their arrival mark; returns them';

-- With an arrival column: adds the rows of summarized buckets that arrived
-- in a round's window (counts per bucket) to the mark.  A bucket's late
-- rows are those that arrived at or after the mark of the round that
-- summarized it less those of them that round read (after_mark): each
-- such arrival is counted by exactly one later round.
CREATE FUNCTION @extschema@.rollout_note_arrivals(r @extschema@.rollouts, counts jsonb) RETURNS bigint
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
    AS $$
    DECLARE
        total jsonb;
    BEGIN
        SELECT COALESCE(pg_catalog.jsonb_object_agg(k.key, COALESCE((x.arrivals ->> k.key)::bigint, 0)
                                                           + COALESCE((counts ->> k.key)::bigint, 0)), '{}'::jsonb)
          INTO total
          FROM @extschema@.rollout_summary_marks x,
               LATERAL (SELECT pg_catalog.jsonb_object_keys(COALESCE(x.arrivals, '{}'::jsonb) || counts) AS key) AS k
         WHERE x.rollout_id = r.id AND x.phase_run = r.phase_run;
        UPDATE @extschema@.rollout_summary_marks x SET arrivals = total
         WHERE x.rollout_id = r.id AND x.phase_run = r.phase_run;
        RETURN @extschema@.rollout_note_late_rows(r, total, true);
    END
    $$;
COMMENT ON FUNCTION @extschema@.rollout_note_arrivals(@extschema@.rollouts, jsonb) IS
    'With an arrival column: adds a round''s arrivals in summarized buckets to a rollout''s mark and sets its late rows (per bucket, the arrivals at or after the summarizing round''s mark less those that round read); returns the late rows';

-- The end of the last bucket closed by up_to: bucket boundaries count from
-- the phase start.
CREATE FUNCTION @extschema@.rollout_bucket_floor(phase_start timestamptz, bucket interval, up_to timestamptz)
RETURNS timestamptz
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
    SELECT CASE WHEN up_to OPERATOR(pg_catalog.<=) phase_start THEN phase_start
                ELSE pg_catalog.date_bin(bucket, up_to, phase_start) END
    $$;
COMMENT ON FUNCTION @extschema@.rollout_bucket_floor(timestamptz, interval, timestamptz) IS
    'The start of the bucket up_to falls in (buckets counted from phase_start), i.e. the end of the last bucket closed by up_to';

-- Summarizes the buckets of a locked rollout's current phase that closed
-- by up_to: one read as the owner, then the writes, all in the caller's
-- transaction (a tick killed half-way leaves nothing half-written).
-- Returns the number of buckets stored.
CREATE FUNCTION @extschema@.rollout_summarize_rollout(r @extschema@.rollouts, up_to timestamptz)
RETURNS integer
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
    AS $$
    DECLARE
        cfg record := @extschema@.rollout_plan_measurement(r.plan);
        phase jsonb := r.plan -> 'phases' -> r.phase_no;
        mark @extschema@.rollout_summary_marks;
        range_start timestamptz;
        range_end timestamptz;
        s @extschema@.rollout_summary;
        stored integer;
        arrival boolean := COALESCE(r.plan -> 'columns' ? 'arrival', false);
        since timestamptz;
    BEGIN
        IF NOT cfg.incremental OR r.state <> 'running' OR r.phase_started_at IS NULL THEN
            RETURN 0;
        END IF;
        SELECT * INTO mark FROM @extschema@.rollout_summary_marks WHERE rollout_id = r.id;
        IF NOT FOUND OR mark.phase_run <> r.phase_run THEN
            -- a new phase run: what was summarized belongs to the old window
            DELETE FROM @extschema@.rollout_buckets WHERE rollout_id = r.id;
            DELETE FROM @extschema@.rollout_unit_maps WHERE rollout_id = r.id;
            INSERT INTO @extschema@.rollout_summary_marks
                (rollout_id, phase_run, summarized_until, late_rows, arrival_mark, late_buckets)
            VALUES (r.id, r.phase_run, r.phase_started_at, NULL, GREATEST(up_to, r.phase_started_at), NULL)
            ON CONFLICT (rollout_id) DO UPDATE
                SET phase_run = excluded.phase_run, summarized_until = excluded.summarized_until, late_rows = NULL,
                    arrival_mark = excluded.arrival_mark, late_buckets = NULL, arrivals = NULL;
            range_start := r.phase_started_at;
        ELSE
            range_start := mark.summarized_until;
            -- with an arrival column: the rows that arrived since the last
            -- round in summarized buckets are counted per bucket, in this
            -- round's pass when it has one
            IF arrival AND up_to > mark.arrival_mark THEN
                IF range_start > r.phase_started_at THEN
                    since := mark.arrival_mark;
                END IF;
                UPDATE @extschema@.rollout_summary_marks x SET arrival_mark = up_to WHERE x.rollout_id = r.id;
            END IF;
        END IF;
        range_end := @extschema@.rollout_bucket_floor(r.phase_started_at, cfg.bucket, up_to);
        IF range_end <= range_start THEN
            IF since IS NOT NULL THEN
                PERFORM @extschema@.rollout_note_arrivals(r, @extschema@.rollout_count_as(
                    r.owner_id, r.source, r.phase_started_at, range_start, r.phase_started_at, cfg.bucket,
                    r.plan, since, up_to, @extschema@.rollout_measure_timeout(r.plan)));
            END IF;
            RETURN 0;
        END IF;

        s := @extschema@.rollout_summarize_as(
            r.owner_id, r.source, range_start, range_end, r.phase_started_at, cfg.bucket, r.plan,
            cfg.relative_accuracy,
            @extschema@.rollout_source_column(pg_catalog.to_regclass(r.source), r.plan, 'unit_id'::text) IS NOT NULL,
            EXISTS (SELECT 1 FROM pg_catalog.jsonb_object_keys(phase -> 'thresholds') AS t
                    WHERE @extschema@.rollout_metric_kind(t) = 'guardrail'),
            CASE WHEN arrival THEN up_to END, since, @extschema@.rollout_measure_timeout(r.plan));
        IF since IS NOT NULL THEN
            PERFORM @extschema@.rollout_note_arrivals(r, s.arrivals);
        END IF;

        INSERT INTO @extschema@.rollout_buckets
        SELECT r.id, r.phase_run, b.* FROM pg_catalog.unnest(s.buckets) AS b;
        GET DIAGNOSTICS stored = ROW_COUNT;
        INSERT INTO @extschema@.rollout_unit_maps AS x (rollout_id, arm, phase_run, units)
        SELECT r.id, a.arm, r.phase_run, a.units
          FROM (VALUES ('control', s.control_units), ('treatment', s.treatment_units)) AS a (arm, units)
         WHERE a.units IS NOT NULL
        ON CONFLICT (rollout_id, arm) DO UPDATE
            SET units = @extschema@.rollout_unit_map_merge(x.units, excluded.units);
        UPDATE @extschema@.rollout_summary_marks SET summarized_until = range_end WHERE rollout_id = r.id;
        RETURN stored;
    END
    $$;
COMMENT ON FUNCTION @extschema@.rollout_summarize_rollout(@extschema@.rollouts, timestamptz) IS
    'Summarizes the buckets of a locked rollout''s current phase closed by up_to that are not yet stored (one read as the owner, then the writes); returns the buckets stored';

-- Whether a running incremental rollout has a bucket to summarize at as_of.
CREATE FUNCTION @extschema@.rollout_summary_due(r @extschema@.rollouts, as_of timestamptz) RETURNS boolean
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, pg_temp
    AS $$
    SELECT r.state OPERATOR(pg_catalog.=) 'running' AND (@extschema@.rollout_plan_measurement(r.plan)).incremental
       AND @extschema@.rollout_bucket_floor(r.phase_started_at, (@extschema@.rollout_plan_measurement(r.plan)).bucket,
               LEAST(as_of OPERATOR(pg_catalog.-) (@extschema@.rollout_plan_measurement(r.plan)).settle,
                     r.next_checkpoint_at))
           OPERATOR(pg_catalog.>) COALESCE((SELECT m.summarized_until FROM @extschema@.rollout_summary_marks m
                                            WHERE m.rollout_id OPERATOR(pg_catalog.=) r.id
                                              AND m.phase_run OPERATOR(pg_catalog.=) r.phase_run),
                                           r.phase_started_at)
    $$;
COMMENT ON FUNCTION @extschema@.rollout_summary_due(@extschema@.rollouts, timestamptz) IS
    'True when a running incremental rollout has a bucket closed (and settled) by as_of, before its next checkpoint, that is not summarized yet';

-- The rollouts the worker looks at in a round: a checkpoint due, or a
-- bucket to summarize; none waiting for a retry.
CREATE FUNCTION @extschema@.rollout_worklist(as_of timestamptz) RETURNS SETOF bigint
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, pg_temp
    AS $$
    SELECT r.id FROM @extschema@.rollouts r
    WHERE r.state OPERATOR(pg_catalog.=) 'running'
      AND (r.retry_at IS NULL OR r.retry_at OPERATOR(pg_catalog.<=) as_of)
      AND (r.next_checkpoint_at OPERATOR(pg_catalog.<=) as_of OR @extschema@.rollout_summary_due(r, as_of))
    ORDER BY r.next_checkpoint_at, r.id
    $$;
COMMENT ON FUNCTION @extschema@.rollout_worklist(timestamptz) IS
    'Running rollouts with a checkpoint due or a bucket to summarize at as_of, and no retry pending: the worker''s round';

-- The raw measurements of a checkpoint's window from the stored buckets
-- and units plus one pass over the tail not yet summarized, as
-- rollout_measure gives them; latency exact (a pass over the window) or
-- from the merged sketches; at the phase's last checkpoint, the late rows.
-- info says how it was measured.
CREATE FUNCTION @extschema@.rollout_measure_incremental(
    r @extschema@.rollouts, checkpoint_at timestamptz, quantiles double precision[], with_cohorts boolean,
    OUT m @extschema@.rollout_measurement, OUT info jsonb)
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
    SET extra_float_digits = 3
    AS $$
    DECLARE
        cfg record := @extschema@.rollout_plan_measurement(r.plan);
        timeout interval := @extschema@.rollout_measure_timeout(r.plan);
        with_units boolean := @extschema@.rollout_source_column(pg_catalog.to_regclass(r.source), r.plan,
                                                                'unit_id'::text) IS NOT NULL;
        last_checkpoint boolean := r.checkpoint_no
            = pg_catalog.jsonb_array_length(r.plan -> 'phases' -> r.phase_no -> 'checkpoints') - 1;
        until timestamptz;
        tail @extschema@.rollout_summary;
        sketch @extschema@.quantile_sketch;
        below bigint;
        above bigint;
        finite bigint;
        total bigint;
        stored integer;
        method text;
        k bigint;
        q double precision;
        late bigint;
        arrival boolean := COALESCE(r.plan -> 'columns' ? 'arrival', false);
        control_map bytea;
        treatment_map bytea;
    BEGIN
        SELECT x.summarized_until INTO until FROM @extschema@.rollout_summary_marks x
         WHERE x.rollout_id = r.id AND x.phase_run = r.phase_run;
        until := LEAST(COALESCE(until, r.phase_started_at), checkpoint_at);
        IF checkpoint_at > until THEN
            tail := @extschema@.rollout_summarize_as(
                r.owner_id, r.source, until, checkpoint_at, r.phase_started_at, cfg.bucket, r.plan,
                cfg.relative_accuracy, with_units, with_cohorts, NULL, NULL, timeout);
        END IF;

        -- the buckets: counts, minutes, latency sketch, request-level cohorts
        SELECT COALESCE(sum(b.requests) FILTER (WHERE b.arm = 'treatment'), 0)::bigint,
               COALESCE(sum(b.errors) FILTER (WHERE b.arm = 'treatment'), 0)::bigint,
               COALESCE(sum(b.requests) FILTER (WHERE b.arm = 'control'), 0)::bigint,
               COALESCE(sum(b.observed_minutes) FILTER (WHERE b.arm = 'treatment'), 0)::bigint,
               COALESCE(sum(b.down_minutes) FILTER (WHERE b.arm = 'treatment'), 0)::bigint,
               @extschema@.rollup(b.latency) FILTER (WHERE b.arm = 'treatment'),
               COALESCE(sum(b.latency_below) FILTER (WHERE b.arm = 'treatment'), 0)::bigint,
               COALESCE(sum(b.latency_above) FILTER (WHERE b.arm = 'treatment'), 0)::bigint,
               @extschema@.rollup(b.cohort) FILTER (WHERE b.arm = 'control'),
               @extschema@.rollup(b.cohort) FILTER (WHERE b.arm = 'treatment'),
               count(*) FILTER (WHERE b.stored)
          INTO m.treatment_requests, m.treatment_errors, m.control_requests, m.observed_minutes, m.down_minutes,
               sketch, below, above, m.control_cohort, m.treatment_cohort, stored
          FROM (SELECT x.arm, x.requests, x.errors, x.observed_minutes, x.down_minutes, x.latency,
                       x.latency_below, x.latency_above, x.cohort, true AS stored
                  FROM @extschema@.rollout_buckets x
                 WHERE x.rollout_id = r.id AND x.phase_run = r.phase_run AND x.bucket_start < until
                UNION ALL
                SELECT t.arm, t.requests, t.errors, t.observed_minutes, t.down_minutes, t.latency,
                       t.latency_below, t.latency_above, t.cohort, false
                  FROM pg_catalog.unnest(tail.buckets) AS t) AS b;

        -- rows whose arm is neither arm (the five most frequent values)
        SELECT COALESCE(pg_catalog.sum(v.n), 0)::bigint,
               pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('value', v.v, 'rows', v.n) ORDER BY v.n DESC, v.v)
                   FILTER (WHERE v.rank <= 5)
          INTO m.unrecognised_rows, m.unrecognised_arms
          FROM (SELECT b.arm_value AS v, pg_catalog.sum(b.requests)::bigint AS n,
                       pg_catalog.row_number() OVER (ORDER BY pg_catalog.sum(b.requests) DESC, b.arm_value) AS rank
                  FROM (SELECT x.arm_value, x.requests FROM @extschema@.rollout_buckets x
                         WHERE x.rollout_id = r.id AND x.phase_run = r.phase_run AND x.bucket_start < until
                           AND x.arm IS NULL
                        UNION ALL
                        SELECT t.arm_value, t.requests FROM pg_catalog.unnest(tail.buckets) AS t
                         WHERE t.arm IS NULL) AS b
                 GROUP BY b.arm_value) AS v;

        -- units: the stored map of each arm merged with the tail's
        IF with_units THEN
            control_map := @extschema@.rollout_unit_map_merge(
                (SELECT x.units FROM @extschema@.rollout_unit_maps x
                  WHERE x.rollout_id = r.id AND x.arm = 'control' AND x.phase_run = r.phase_run),
                tail.control_units);
            treatment_map := @extschema@.rollout_unit_map_merge(
                (SELECT x.units FROM @extschema@.rollout_unit_maps x
                  WHERE x.rollout_id = r.id AND x.arm = 'treatment' AND x.phase_run = r.phase_run),
                tail.treatment_units);
            m.control_cohort := CASE WHEN with_cohorts THEN @extschema@.rollout_unit_map_cohort(control_map) END;
            m.treatment_cohort := CASE WHEN with_cohorts THEN @extschema@.rollout_unit_map_cohort(treatment_map) END;
            m.crossover_units := @extschema@.rollout_unit_map_overlap(control_map, treatment_map);
            m.control_units := @extschema@.rollout_unit_map_units(control_map) - m.crossover_units;
            m.treatment_units := @extschema@.rollout_unit_map_units(treatment_map) - m.crossover_units;
        END IF;

        -- latency: exact while the window is small enough (auto), else the
        -- merged sketch, with -Infinity and Infinity counted apart
        method := CASE WHEN cfg.latency_method <> 'auto' THEN cfg.latency_method
                       WHEN m.treatment_requests <= 200000 THEN 'exact' ELSE 'sketch' END;
        IF pg_catalog.cardinality(quantiles) > 0 THEN
            IF method = 'exact' THEN
                m.latency := @extschema@.rollout_latency_as(r.owner_id, r.source, r.phase_started_at, checkpoint_at,
                                                            quantiles, r.plan, timeout);
            ELSE
                finite := COALESCE(@extschema@.value_count(sketch), 0);
                total := finite + below + above;
                m.latency := '{}';
                FOREACH q IN ARRAY quantiles LOOP
                    -- the rank percentile_disc takes
                    k := GREATEST(1, pg_catalog.ceil(q * total)::bigint);
                    m.latency := m.latency || CASE
                        WHEN total = 0 THEN NULL::double precision
                        WHEN k <= below THEN '-Infinity'::double precision
                        WHEN k > below + finite THEN 'Infinity'::double precision
                        ELSE @extschema@.quantile(sketch, ((k - below) - 0.5) / finite) END;
                END LOOP;
            END IF;
        END IF;

        -- late rows: rows of summarized buckets that were not there when
        -- their bucket was summarized; with an arrival column found by the
        -- rounds, else counted at the phase's last checkpoint (every bucket)
        IF NOT arrival AND last_checkpoint AND until > r.phase_started_at THEN
            PERFORM @extschema@.rollout_note_late_rows(r, @extschema@.rollout_count_as(
                r.owner_id, r.source, r.phase_started_at, until, r.phase_started_at, cfg.bucket, r.plan,
                NULL, NULL, timeout), false);
        END IF;
        IF arrival OR (last_checkpoint AND until > r.phase_started_at) THEN
            SELECT COALESCE(x.late_rows, 0) INTO late FROM @extschema@.rollout_summary_marks x
             WHERE x.rollout_id = r.id AND x.phase_run = r.phase_run;
            late := COALESCE(late, 0);
        END IF;

        info := pg_catalog.jsonb_build_object(
            'latency', pg_catalog.jsonb_build_object('method', method, 'relative_accuracy', cfg.relative_accuracy),
            'summary', pg_catalog.jsonb_build_object(
                'method', 'incremental', 'bucket', COALESCE(r.plan ->> 'bucket', '1 minute'),
                'settle', COALESCE(r.plan ->> 'settle', '1 minute'),
                'summarized_until', until, 'stored_buckets', stored, 'late_rows', late,
                'late_rows_checked', late IS NOT NULL, 'arrival', r.plan -> 'columns' -> 'arrival'));
    END
    $$;
COMMENT ON FUNCTION @extschema@.rollout_measure_incremental(@extschema@.rollouts, timestamptz, double precision[], boolean) IS
    'The measurements of a checkpoint''s window from the stored summaries and a pass over the tail not yet summarized (reads as the owner); info says how: latency method, buckets used, late rows at the phase''s last checkpoint';

-- Internal: they read as a rollout's owner, or write the summaries.
REVOKE ALL ON FUNCTION
    @extschema@.rollout_summarize_as(regrole, text, timestamptz, timestamptz, timestamptz, interval, jsonb, double precision, boolean, boolean, timestamptz, timestamptz, interval),
    @extschema@.rollout_note_arrivals(@extschema@.rollouts, jsonb),
    @extschema@.rollout_latency_as(regrole, text, timestamptz, timestamptz, double precision[], jsonb, interval),
    @extschema@.rollout_count_as(regrole, text, timestamptz, timestamptz, timestamptz, interval, jsonb, timestamptz, timestamptz, interval),
    @extschema@.rollout_note_late_rows(@extschema@.rollouts, jsonb, boolean),
    @extschema@.rollout_summarize_rollout(@extschema@.rollouts, timestamptz),
    @extschema@.rollout_summary_due(@extschema@.rollouts, timestamptz),
    @extschema@.rollout_worklist(timestamptz),
    @extschema@.rollout_measure_incremental(@extschema@.rollouts, timestamptz, double precision[], boolean)
FROM PUBLIC;
-- Measure, evaluate, explain: the three steps of judging a checkpoint.
--
-- Measure: the checkpoint's figures, read from the source with the owner's
-- rights (rollout_measure_as): counts, the split, and per threshold metric
-- its measured value (for guardrails with the sequential interval).
-- Evaluate: every threshold of the phase against the measured values
-- (status pass, fail or no_data), the split checks, and the decision the
-- checkpoint makes.  The metrics are what the decision row records.
-- Applies a decision: updates the rollout, appends the decision row and
-- notifies listeners of state changes.  r holds the state before; actor is
-- 'worker' or the role that acted.
-- Decides the latest due checkpoint of a locked, running rollout.  Due
-- checkpoints are decided one by one, in order, except those overdue by
-- more than a minute with a later one also due: that one decides for them
-- (a rollout started or resumed long ago, a server down for hours), and its
-- metrics say how many it skipped.
-- Decides every checkpoint of one rollout due up to as_of, unless another
-- session is deciding it.  A failure is recorded on the rollout (with a
-- retry time that backs off: 10 s, 20 s, ... up to 15 minutes) and does
-- not escape: one broken rollout never stops the others.

-- Every aggregate keeps its state in a type of its own (cohort of format
-- version 2, quantile_sketch, survival, activity, retention, aa, double
-- precision[]), so that Citus computes it on its workers.  An aggregate's
-- state type cannot be altered, and dropping the aggregates of 1.0 would
-- take the user's views and materialized views that use them along: those
-- are switched to their new support functions in the catalog, keeping their
-- identity, so that everything using them goes on working (cached plans are
-- made again).  The aggregates new in 1.1 are made again.
-- ---------------------------------------------------------------------------
COMMENT ON TYPE @extschema@.cohort IS
    'Mergeable summary of a group of units: unit count, completion and churn outcomes, value moments and covariate co-moments (format version 1; version 2 is the running state of its aggregates)';
COMMENT ON FUNCTION @extschema@.cohort_agg_trans(internal, boolean) IS 'Transition function of cohort_agg in moving windows';
COMMENT ON FUNCTION @extschema@.cohort_agg_trans(internal, boolean, boolean) IS 'Transition function of cohort_agg in moving windows';
COMMENT ON FUNCTION @extschema@.cohort_agg_trans(internal, boolean, boolean, double precision) IS 'Transition function of cohort_agg in moving windows';
COMMENT ON FUNCTION @extschema@.cohort_agg_trans(internal, boolean, boolean, double precision, double precision) IS 'Transition function of cohort_agg in moving windows';
COMMENT ON FUNCTION @extschema@.cohort_rollup_trans(internal, @extschema@.cohort) IS 'Transition function of rollup(cohort) in moving windows';
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

-- the state is a quantile_sketch (an expanded object while it grows),
-- which Citus can ship between nodes
CREATE FUNCTION @extschema@.quantile_sketch_state_trans(@extschema@.quantile_sketch, double precision) RETURNS @extschema@.quantile_sketch
    AS 'MODULE_PATHNAME', 'quantile_sketch_state_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.quantile_sketch_state_trans(@extschema@.quantile_sketch, double precision, double precision) RETURNS @extschema@.quantile_sketch
    AS 'MODULE_PATHNAME', 'quantile_sketch_state_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.quantile_sketch_state_rollup(@extschema@.quantile_sketch, @extschema@.quantile_sketch) RETURNS @extschema@.quantile_sketch
    AS 'MODULE_PATHNAME', 'quantile_sketch_state_rollup' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.quantile_sketch_state_combine(@extschema@.quantile_sketch, @extschema@.quantile_sketch) RETURNS @extschema@.quantile_sketch
    AS 'MODULE_PATHNAME', 'quantile_sketch_state_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.quantile_sketch_state_final(@extschema@.quantile_sketch) RETURNS @extschema@.quantile_sketch
    AS 'MODULE_PATHNAME', 'quantile_sketch_state_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.quantile_sketch_state_trans(@extschema@.quantile_sketch, double precision) IS 'Transition function of quantile_sketch_agg';
COMMENT ON FUNCTION @extschema@.quantile_sketch_state_trans(@extschema@.quantile_sketch, double precision, double precision) IS 'Transition function of quantile_sketch_agg';
COMMENT ON FUNCTION @extschema@.quantile_sketch_state_rollup(@extschema@.quantile_sketch, @extschema@.quantile_sketch) IS 'Transition function of rollup(quantile_sketch)';
COMMENT ON FUNCTION @extschema@.quantile_sketch_state_combine(@extschema@.quantile_sketch, @extschema@.quantile_sketch) IS 'Combine function of the quantile sketch aggregates (parallel query, Citus)';
COMMENT ON FUNCTION @extschema@.quantile_sketch_state_final(@extschema@.quantile_sketch) IS 'Final function of the quantile sketch aggregates: the stored sketch, NULL for no values';

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

DO $switch$
DECLARE
    ns oid := (SELECT e.extnamespace FROM pg_catalog.pg_extension e
               WHERE e.extname OPERATOR(pg_catalog.=) 'cohort_analyzer');
    c oid;
    q oid;
    v oid;
    act oid;
    r oid;
    a record;
    agg oid;
BEGIN
    SELECT t.oid INTO c FROM pg_catalog.pg_type t
    WHERE t.typnamespace OPERATOR(pg_catalog.=) ns AND t.typname OPERATOR(pg_catalog.=) 'cohort';
    SELECT t.oid INTO q FROM pg_catalog.pg_type t
    WHERE t.typnamespace OPERATOR(pg_catalog.=) ns AND t.typname OPERATOR(pg_catalog.=) 'quantile_sketch';
    SELECT t.oid INTO v FROM pg_catalog.pg_type t
    WHERE t.typnamespace OPERATOR(pg_catalog.=) ns AND t.typname OPERATOR(pg_catalog.=) 'survival';
    SELECT t.oid INTO act FROM pg_catalog.pg_type t
    WHERE t.typnamespace OPERATOR(pg_catalog.=) ns AND t.typname OPERATOR(pg_catalog.=) 'activity';
    SELECT t.oid INTO r FROM pg_catalog.pg_type t
    WHERE t.typnamespace OPERATOR(pg_catalog.=) ns AND t.typname OPERATOR(pg_catalog.=) 'retention';
    -- (name, argument types, support functions, state type, state size);
    -- 16 boolean, 23 integer, 25 text, 701 double precision, 1184 timestamptz
    FOR a IN
        SELECT x.* FROM (VALUES
            ('cohort_agg', ARRAY[16]::oid[], 'cohort_state_trans', 'cohort_state_final', 'cohort_state_combine', c, 136),
            ('cohort_agg', ARRAY[16, 16]::oid[], 'cohort_state_trans', 'cohort_state_final', 'cohort_state_combine', c, 136),
            ('cohort_agg', ARRAY[16, 16, 701]::oid[], 'cohort_state_trans', 'cohort_state_final', 'cohort_state_combine', c, 136),
            ('cohort_agg', ARRAY[16, 16, 701, 701]::oid[], 'cohort_state_trans', 'cohort_state_final', 'cohort_state_combine', c, 136),
            ('rollup', ARRAY[c]::oid[], 'cohort_state_rollup', 'cohort_state_final', 'cohort_state_combine', c, 136),
            ('quantile_sketch_agg', ARRAY[701]::oid[], 'quantile_sketch_state_trans', 'quantile_sketch_state_final',
             'quantile_sketch_state_combine', q, 2048),
            ('quantile_sketch_agg', ARRAY[701, 701]::oid[], 'quantile_sketch_state_trans', 'quantile_sketch_state_final',
             'quantile_sketch_state_combine', q, 2048),
            ('rollup', ARRAY[q]::oid[], 'quantile_sketch_state_rollup', 'quantile_sketch_state_final',
             'quantile_sketch_state_combine', q, 2048),
            ('survival_agg', ARRAY[701, 16]::oid[], 'survival_state_trans', 'survival_state_final', 'survival_state_combine', v, 1280),
            ('rollup', ARRAY[v]::oid[], 'survival_state_rollup', 'survival_state_final', 'survival_state_combine', v, 1280),
            ('activity_agg', ARRAY[1184, 1184, 25, 23]::oid[], 'activity_state_trans', 'activity_state_final',
             'activity_state_combine', act, 1280),
            ('activity_agg', ARRAY[1184, 1184, 25, 23, 25]::oid[], 'activity_state_trans', 'activity_state_final',
             'activity_state_combine', act, 1280),
            ('retention_agg', ARRAY[act]::oid[], 'retention_state_trans', 'retention_state_final', 'retention_state_combine', r, 1280),
            ('retention_agg', ARRAY[act, 1184]::oid[], 'retention_state_trans', 'retention_state_final',
             'retention_state_combine', r, 1280),
            ('rollup', ARRAY[r]::oid[], 'retention_state_rollup', 'retention_state_final', 'retention_state_combine', r, 1280)
        ) AS x(name, args, trans, final, combine, stype, space)
    LOOP
        SELECT p.oid INTO STRICT agg FROM pg_catalog.pg_proc p
        WHERE p.pronamespace OPERATOR(pg_catalog.=) ns AND p.proname OPERATOR(pg_catalog.=) a.name
          AND p.proargtypes::pg_catalog.text OPERATOR(pg_catalog.=) pg_catalog.array_to_string(a.args, ' ');
        UPDATE pg_catalog.pg_aggregate g SET
            aggtransfn = (SELECT p.oid::pg_catalog.regproc FROM pg_catalog.pg_proc p
                          WHERE p.pronamespace OPERATOR(pg_catalog.=) ns AND p.proname OPERATOR(pg_catalog.=) a.trans
                            AND p.proargtypes::pg_catalog.text OPERATOR(pg_catalog.=)
                                pg_catalog.array_to_string(ARRAY[a.stype]::pg_catalog.oid[] OPERATOR(pg_catalog.||) a.args, ' ')),
            aggfinalfn = (SELECT p.oid::pg_catalog.regproc FROM pg_catalog.pg_proc p
                          WHERE p.pronamespace OPERATOR(pg_catalog.=) ns AND p.proname OPERATOR(pg_catalog.=) a.final),
            aggcombinefn = (SELECT p.oid::pg_catalog.regproc FROM pg_catalog.pg_proc p
                            WHERE p.pronamespace OPERATOR(pg_catalog.=) ns AND p.proname OPERATOR(pg_catalog.=) a.combine),
            aggserialfn = 0, aggdeserialfn = 0,
            aggtranstype = a.stype, aggtransspace = a.space
        WHERE g.aggfnoid OPERATOR(pg_catalog.=) agg;
        -- its dependencies on functions, as CREATE AGGREGATE records them
        DELETE FROM pg_catalog.pg_depend d
        WHERE d.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_proc'::pg_catalog.regclass
          AND d.objid OPERATOR(pg_catalog.=) agg
          AND d.refclassid OPERATOR(pg_catalog.=) 'pg_catalog.pg_proc'::pg_catalog.regclass
          AND d.deptype OPERATOR(pg_catalog.=) 'n';
        INSERT INTO pg_catalog.pg_depend (classid, objid, objsubid, refclassid, refobjid, refobjsubid, deptype)
        SELECT DISTINCT 'pg_catalog.pg_proc'::pg_catalog.regclass, agg, 0,
               'pg_catalog.pg_proc'::pg_catalog.regclass, f.fn, 0, 'n'::"char"
        FROM pg_catalog.pg_aggregate g,
             LATERAL (VALUES (g.aggtransfn::pg_catalog.oid), (g.aggfinalfn), (g.aggcombinefn),
                             (g.aggmtransfn), (g.aggminvtransfn), (g.aggmfinalfn)) AS f(fn)
        WHERE g.aggfnoid OPERATOR(pg_catalog.=) agg AND f.fn OPERATOR(pg_catalog.<>) 0::pg_catalog.oid;
        -- an update of the aggregate's own row invalidates the plans using it
        UPDATE pg_catalog.pg_proc p SET proname = p.proname WHERE p.oid OPERATOR(pg_catalog.=) agg;
    END LOOP;
END
$switch$;

CREATE AGGREGATE @extschema@.activity_agg(origin timestamptz, activity timestamptz, unit text, periods integer, locale text,
                                          time_zone text) (
    SFUNC = @extschema@.activity_state_trans, STYPE = @extschema@.activity, SSPACE = 1280,
    FINALFUNC = @extschema@.activity_state_final,
    COMBINEFUNC = @extschema@.activity_state_combine,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.activity_agg(timestamptz, timestamptz, text, integer, text, text) IS
    'Activity of one unit (one row per event), with the calendar of an ICU locale (NULL: ISO weeks) and the periods in the given time zone, which the value records (the same on every node of a cluster)';

-- the aggregates new in 1.1, made again with their new state
DROP AGGREGATE @extschema@.prediction_score_agg(double precision, boolean);
DROP AGGREGATE @extschema@.stratified_logrank_test(@extschema@.survival, @extschema@.survival);
DROP AGGREGATE @extschema@.aa_agg(text, boolean, boolean, double precision);
DROP AGGREGATE @extschema@.aa_agg(text, boolean, boolean, double precision, integer);
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

-- the support functions of the internal states (the library keeps them for
-- databases still on 1.0)
DROP FUNCTION @extschema@.cohort_agg_combine(internal, internal);
DROP FUNCTION @extschema@.cohort_agg_serialize(internal);
DROP FUNCTION @extschema@.cohort_agg_deserialize(bytea, internal);
DROP FUNCTION @extschema@.quantile_sketch_agg_trans(internal, double precision);
DROP FUNCTION @extschema@.quantile_sketch_agg_trans(internal, double precision, double precision);
DROP FUNCTION @extschema@.quantile_sketch_rollup_trans(internal, @extschema@.quantile_sketch);
DROP FUNCTION @extschema@.quantile_sketch_agg_combine(internal, internal);
DROP FUNCTION @extschema@.quantile_sketch_agg_serialize(internal);
DROP FUNCTION @extschema@.quantile_sketch_agg_deserialize(bytea, internal);
DROP FUNCTION @extschema@.quantile_sketch_agg_final(internal);
DROP FUNCTION @extschema@.survival_agg_trans(internal, double precision, boolean);
DROP FUNCTION @extschema@.survival_rollup_trans(internal, @extschema@.survival);
DROP FUNCTION @extschema@.survival_agg_combine(internal, internal);
DROP FUNCTION @extschema@.survival_agg_serialize(internal);
DROP FUNCTION @extschema@.survival_agg_deserialize(bytea, internal);
DROP FUNCTION @extschema@.survival_agg_final(internal);
DROP FUNCTION @extschema@.activity_agg_trans(internal, timestamptz, timestamptz, text, integer);
DROP FUNCTION @extschema@.activity_agg_trans(internal, timestamptz, timestamptz, text, integer, text);
DROP FUNCTION @extschema@.activity_agg_combine(internal, internal);
DROP FUNCTION @extschema@.activity_agg_serialize(internal);
DROP FUNCTION @extschema@.activity_agg_deserialize(bytea, internal);
DROP FUNCTION @extschema@.activity_agg_final(internal);
DROP FUNCTION @extschema@.retention_agg_trans(internal, @extschema@.activity);
DROP FUNCTION @extschema@.retention_agg_trans(internal, @extschema@.activity, timestamptz);
DROP FUNCTION @extschema@.retention_rollup_trans(internal, @extschema@.retention);
DROP FUNCTION @extschema@.retention_agg_combine(internal, internal);
DROP FUNCTION @extschema@.retention_agg_serialize(internal);
DROP FUNCTION @extschema@.retention_agg_deserialize(bytea, internal);
DROP FUNCTION @extschema@.retention_agg_final(internal);
DROP FUNCTION @extschema@.prediction_score_trans(internal, double precision, boolean);
DROP FUNCTION @extschema@.prediction_score_final(internal);
DROP FUNCTION @extschema@.survival_strata_trans(internal, @extschema@.survival, @extschema@.survival);
DROP FUNCTION @extschema@.survival_strata_combine(internal, internal);
DROP FUNCTION @extschema@.survival_strata_serialize(internal);
DROP FUNCTION @extschema@.survival_strata_deserialize(bytea, internal);
DROP FUNCTION @extschema@.survival_strata_final(internal);
DROP FUNCTION @extschema@.aa_agg_trans(internal, text, boolean, boolean, double precision);
DROP FUNCTION @extschema@.aa_agg_trans(internal, text, boolean, boolean, double precision, integer);
DROP FUNCTION @extschema@.aa_agg_combine(internal, internal);
DROP FUNCTION @extschema@.aa_agg_serialize(internal);
DROP FUNCTION @extschema@.aa_agg_deserialize(bytea, internal);
DROP FUNCTION @extschema@.aa_agg_final(internal);
