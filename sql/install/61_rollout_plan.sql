-- ---------------------------------------------------------------------------
-- Plans
-- ---------------------------------------------------------------------------

CREATE FUNCTION @extschema@.rollout_default_plan(with_revenue boolean DEFAULT true)
RETURNS jsonb
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
    SELECT pg_catalog.jsonb_build_object(
        'phases', pg_catalog.jsonb_build_array(
            pg_catalog.jsonb_build_object(
                'name', 'canary', 'traffic', 0.01, 'duration', '2 hours',
                'checkpoints', pg_catalog.jsonb_build_array('15 minutes', '30 minutes', '1 hour',
                                                            '90 minutes', '2 hours'),
                'thresholds', '{"error_rate": {"max": 0.01}, "latency_p99": {"max": 200},
                                "uptime": {"min": 0.999}}'::jsonb
                    || CASE WHEN with_revenue THEN '{"revenue_lift": {"min": -0.03}}'::jsonb
                            ELSE '{}'::jsonb END),
            pg_catalog.jsonb_build_object(
                'name', 'ramp', 'traffic', 0.10, 'duration', '4 hours',
                'checkpoints', pg_catalog.jsonb_build_array('15 minutes', '30 minutes', '1 hour',
                                                            '2 hours', '3 hours', '4 hours'),
                'thresholds', '{"error_rate": {"max": 0.005}, "latency_p99": {"max": 200},
                                "uptime": {"min": 0.9995}}'::jsonb),
            pg_catalog.jsonb_build_object(
                'name', 'full', 'traffic', 1.0, 'duration', '13 days',
                'checkpoints', (SELECT pg_catalog.jsonb_agg(pg_catalog.format('%s days', d) ORDER BY d)
                                FROM pg_catalog.generate_series(1, 13) AS d),
                'thresholds', '{"error_rate": {"max": 0.001}, "latency_p99": {"max": 200},
                                "uptime": {"min": 0.999}}'::jsonb)),
        'min_requests', 100, 'alpha', 0.05)
    $$;
COMMENT ON FUNCTION @extschema@.rollout_default_plan(boolean) IS
    'The default plan: canary 1% for 2 h, ramp 10% for 4 h, full 100% for 13 days, with the standard thresholds';

-- Quantile of a latency_pNN metric name (p99 = 0.99, p999 = 0.999), else NULL.
CREATE FUNCTION @extschema@.rollout_metric_quantile(metric text) RETURNS double precision
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
        SELECT CASE WHEN metric ~ '^latency_p[0-9]{2,}$' AND metric !~ '^latency_p0+$'
                    THEN ('0.' || pg_catalog.substr(metric, 10))::double precision END
    $$;
COMMENT ON FUNCTION @extschema@.rollout_metric_quantile(text) IS
    'The quantile a latency_pNN metric names (latency_p99 = 0.99, latency_p999 = 0.999); NULL for other names';

-- The one list of checkpoint metrics: what the plan's thresholds may name,
-- how each is measured and judged, and the split checks a checkpoint adds.
-- Validation, measurement, evaluation, explanation and the report read it.
CREATE FUNCTION @extschema@.rollout_metrics(
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
CREATE FUNCTION @extschema@.rollout_metric_kind(metric text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
        SELECT m.kind FROM @extschema@.rollout_metrics() AS m
        WHERE m.name OPERATOR(pg_catalog.=) metric
           OR (m.kind OPERATOR(pg_catalog.=) 'quantile' AND @extschema@.rollout_metric_quantile(metric) IS NOT NULL)
    $$;
COMMENT ON FUNCTION @extschema@.rollout_metric_kind(text) IS
    'The kind of a checkpoint metric name from rollout_metrics() (latency_p99 is a quantile); NULL for an unknown name';

-- Parses an interval field of a plan, with an error naming the field.
CREATE FUNCTION @extschema@.rollout_plan_interval(value jsonb, field text) RETURNS interval
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
    DECLARE
        result interval;
    BEGIN
        IF value IS NULL OR pg_catalog.jsonb_typeof(value) <> 'string' THEN
            RAISE EXCEPTION 'invalid rollout plan: % must be an interval string such as "2 hours"', field
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        BEGIN
            result := (value #>> '{}')::interval;
        EXCEPTION WHEN invalid_datetime_format OR datetime_field_overflow OR interval_field_overflow THEN
            RAISE EXCEPTION 'invalid rollout plan: % is not an interval: "%"', field, value #>> '{}'
                USING ERRCODE = 'invalid_parameter_value';
        END;
        IF result <= interval '0' THEN
            RAISE EXCEPTION 'invalid rollout plan: % must be positive, got "%"', field, value #>> '{}'
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        RETURN result;
    END
    $$;
COMMENT ON FUNCTION @extschema@.rollout_plan_interval(jsonb, text) IS
    'A positive interval from a plan field, or an error naming the field';

-- Parses a number field of a plan, with an error naming the field.
CREATE FUNCTION @extschema@.rollout_plan_number(value jsonb, field text) RETURNS double precision
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
    BEGIN
        IF value IS NULL OR pg_catalog.jsonb_typeof(value) <> 'number' THEN
            RAISE EXCEPTION 'invalid rollout plan: % must be a number', field
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        RETURN (value #>> '{}')::double precision;
    EXCEPTION WHEN numeric_value_out_of_range THEN
        RAISE EXCEPTION 'invalid rollout plan: % is out of range', field
            USING ERRCODE = 'invalid_parameter_value';
    END
    $$;
COMMENT ON FUNCTION @extschema@.rollout_plan_number(jsonb, text) IS
    'A finite number from a plan field, or an error naming the field';

-- Checks the plan keys about the source and the split: columns, timezone,
-- arms, srm and unit_crossover.
CREATE FUNCTION @extschema@.rollout_plan_source_fields(plan jsonb) RETURNS void
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

-- Checks the plan keys of how checkpoints are measured: measurement
-- (incremental or full), bucket, settle and latency.
CREATE FUNCTION @extschema@.rollout_plan_summary_fields(plan jsonb) RETURNS void
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
CREATE FUNCTION @extschema@.rollout_plan_measurement(
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

CREATE FUNCTION @extschema@.rollout_plan_validate(plan jsonb) RETURNS jsonb
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

-- The measurement time limit of a plan (default 30 seconds).
CREATE FUNCTION @extschema@.rollout_measure_timeout(plan jsonb) RETURNS interval
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$ SELECT COALESCE((plan ->> 'measure_timeout')::interval, interval '30 seconds') $$;
COMMENT ON FUNCTION @extschema@.rollout_measure_timeout(jsonb) IS
    'The time one measurement of a rollout''s source may take: the plan''s measure_timeout, by default 30 seconds';

