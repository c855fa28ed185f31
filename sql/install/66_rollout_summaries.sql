-- ---------------------------------------------------------------------------
-- Incremental checkpoints: summaries per bucket of time and per unit
-- ---------------------------------------------------------------------------
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
