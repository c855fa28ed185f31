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
    treatment_cohort @extschema@.cohort
);
COMMENT ON TYPE @extschema@.rollout_measurement IS
    'Raw measurements of one rollout window: request and error counts, latency quantiles, uptime minutes, cohorts per arm';

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

-- Checks that source has the request columns; returns the relation.
CREATE FUNCTION @extschema@.rollout_check_source(source text) RETURNS regclass
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

-- One scan of the window for the counts (and, without unit_id, the cohorts);
-- the treatment's rows again for its minutes and its exact latency
-- quantiles; with unit_id one more grouping the requests by unit.  Each is
-- a plain aggregate that can run in parallel.
CREATE FUNCTION @extschema@.rollout_measure(
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

CREATE FUNCTION @extschema@.rollout_measure_as(
    owner regrole, source text, window_start timestamptz, window_end timestamptz,
    quantiles double precision[], with_cohorts boolean, measure_timeout interval)
RETURNS @extschema@.rollout_measurement
    AS 'MODULE_PATHNAME', 'rollout_measure_as_role' LANGUAGE C VOLATILE STRICT;
COMMENT ON FUNCTION @extschema@.rollout_measure_as(regrole, text, timestamptz, timestamptz, double precision[], boolean, interval) IS
    'rollout_measure run with the rights of the given owner, read-only, unable to change rollouts, within measure_timeout (not executable by ordinary roles)';
REVOKE ALL ON FUNCTION @extschema@.rollout_measure_as(regrole, text, timestamptz, timestamptz, double precision[], boolean, interval) FROM PUBLIC;
