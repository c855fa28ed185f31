-- ---------------------------------------------------------------------------
-- Measurement (runs as the rollout's owner)
-- ---------------------------------------------------------------------------
--
-- rollout_measure reads the source with the rights of whoever calls it;
-- rollout_measure_as (C) calls it as the rollout's owner.

CREATE TYPE @extschema@.rollout_measurement AS (
    treatment_requests bigint,
    treatment_errors bigint,
    control_requests bigint,
    latency double precision[],
    observed_minutes bigint,
    down_minutes bigint,
    control_cohort @extschema@.cohort,
    treatment_cohort @extschema@.cohort,
    unrecognised_rows bigint,
    unrecognised_arms jsonb,
    control_units bigint,
    treatment_units bigint,
    crossover_units bigint
);
COMMENT ON TYPE @extschema@.rollout_measurement IS
    'Raw measurements of one rollout window: request and error counts, latency quantiles, uptime minutes, cohorts per arm, and the split: rows of unrecognised arms (the most frequent values), units only in the control, only in the treatment, and in both';

-- Data type of a column of rel, or NULL when it has no such column.
CREATE FUNCTION @extschema@.rollout_column_type(rel regclass, col name) RETURNS regtype
    LANGUAGE sql STABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
        SELECT a.atttypid::pg_catalog.regtype FROM pg_catalog.pg_attribute a
        WHERE a.attrelid = rel AND a.attname = col AND a.attnum > 0 AND NOT a.attisdropped
    $$;
COMMENT ON FUNCTION @extschema@.rollout_column_type(regclass, name) IS
    'Type of a column of a relation; NULL when the column does not exist';

-- The source column read for a field of the request rows (ts, arm, ...):
-- the plan's "columns" name it, else the field's own name; NULL when the
-- source has no such column.
CREATE FUNCTION @extschema@.rollout_source_column(rel regclass, plan jsonb, field text) RETURNS name
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
        SELECT a.attname FROM pg_catalog.pg_attribute a
        WHERE a.attrelid = rel AND a.attnum > 0 AND NOT a.attisdropped
          AND a.attname = COALESCE(plan -> 'columns' ->> field, field)
    $$;
COMMENT ON FUNCTION @extschema@.rollout_source_column(regclass, jsonb, text) IS
    'The column of a relation that holds a request field (plan "columns", else the field''s name); NULL when there is none';

-- Checks the source's columns for the request fields and returns the rows
-- as the measurement reads them, a FROM item named src with columns ts
-- (timestamptz), arm ('control', 'treatment' or NULL), arm_value (the
-- source's own value, as text), is_error, latency_ms, revenue (float8),
-- completed, churned and unit_id (of its own type), NULL where the source
-- has none.
CREATE FUNCTION @extschema@.rollout_source_query(source text, plan jsonb) RETURNS text
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

-- One scan of the window for the counts (and, without unit_id, the cohorts);
-- the treatment's rows again for its minutes and its exact latency
-- quantiles; with unit_id one more grouping the requests by unit.  Each is
-- a plain aggregate that can run in parallel.
CREATE FUNCTION @extschema@.rollout_measure(
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

CREATE FUNCTION @extschema@.rollout_measure_as(
    owner regrole, source text, window_start timestamptz, window_end timestamptz,
    quantiles double precision[], with_cohorts boolean, plan jsonb, measure_timeout interval)
RETURNS @extschema@.rollout_measurement
    AS 'MODULE_PATHNAME', 'rollout_measure_as_role' LANGUAGE C VOLATILE STRICT;
COMMENT ON FUNCTION @extschema@.rollout_measure_as(regrole, text, timestamptz, timestamptz, double precision[], boolean, jsonb, interval) IS
    'rollout_measure run with the rights of the given owner, read-only, unable to change rollouts, within measure_timeout (not executable by ordinary roles)';
REVOKE ALL ON FUNCTION @extschema@.rollout_measure_as(regrole, text, timestamptz, timestamptz, double precision[], boolean, jsonb, interval) FROM PUBLIC;
