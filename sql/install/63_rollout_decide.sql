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

-- The figures of a rollout_measurement that the evaluation reads, as
-- jsonb: request counts, errors and the split.
CREATE FUNCTION @extschema@.rollout_measured(m @extschema@.rollout_measurement) RETURNS jsonb
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
CREATE FUNCTION @extschema@.rollout_split_metrics(plan jsonb, phase jsonb, measured jsonb) RETURNS jsonb
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
CREATE FUNCTION @extschema@.rollout_measure_checkpoint(r @extschema@.rollouts, checkpoint_at timestamptz)
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
CREATE FUNCTION @extschema@.rollout_evaluate(
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
CREATE FUNCTION @extschema@.rollout_explain(
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
CREATE FUNCTION @extschema@.rollout_evaluate_split(
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

-- The three steps at once, as one call.
CREATE FUNCTION @extschema@.rollout_judge(
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

-- Why a rollout must not be decided here: it was started in another
-- database or cluster, and this is a copy (CREATE DATABASE ... TEMPLATE,
-- pg_dump and restore, a physical copy promoted elsewhere).  NULL when it
-- runs where it was started; a promoted standby has the same system
-- identifier and database OID.
CREATE FUNCTION @extschema@.rollout_copied_from(r @extschema@.rollouts) RETURNS text
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

-- The state machine, in one place: the state a decision leads to from a
-- state; NULL when the decision is not allowed there.  rollout_apply
-- refuses any other change.
CREATE FUNCTION @extschema@.rollout_transition(state text, decision text) RETURNS text
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

-- Applies a decision: updates the rollout, appends the decision row and
-- notifies listeners of state changes.  r holds the state before; actor is
-- 'worker' or the role that acted.
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

-- Decides the latest due checkpoint of a locked, running rollout.  Due
-- checkpoints are decided one by one, in order, except those overdue by
-- more than a minute with a later one also due: that one decides for them
-- (a rollout started or resumed long ago, a server down for hours), and its
-- metrics say how many it skipped.
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

-- Decides every checkpoint of one rollout due up to as_of, unless another
-- session is deciding it.  A failure is recorded on the rollout (with a
-- retry time that backs off: 10 s, 20 s, ... up to 15 minutes) and does
-- not escape: one broken rollout never stops the others.
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
