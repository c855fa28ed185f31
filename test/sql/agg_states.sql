-- The aggregates' states are values of the extension's types (or double
-- precision[]), with combine functions, so that Citus can split them:
-- updated in place only when the executor owns them, copied otherwise.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS cohort_analyzer;
RESET client_min_messages;

-- every aggregate has a real state type, a combine function and is parallel safe
SELECT count(*) AS aggregates,
       count(*) FILTER (WHERE t.typtype <> 'p' AND a.aggcombinefn <> 0 AND p.proparallel = 's'
                          AND a.aggserialfn = 0 AND a.aggdeserialfn = 0) AS splittable
FROM pg_aggregate a
JOIN pg_proc p ON p.oid = a.aggfnoid
JOIN pg_type t ON t.oid = a.aggtranstype
JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = a.aggfnoid AND d.deptype = 'e'
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'cohort_analyzer';

-- a cohort state (format version 2) reads back from text and binary, and
-- accessors see the summary it stands for
CREATE TEMP TABLE c2 AS
SELECT cohort_state_trans(cohort_state_trans(NULL, true, false, 1e6 + 0.25, 3), false, true, 1e6 + 0.75, 5) AS c;
SELECT c AS state FROM c2;
SELECT c::text::cohort::text = c::text AS text_round_trip,
       cohort_send(c::text::cohort) = cohort_send(c) AS binary_round_trip,
       get_byte(cohort_send(c), 0) AS binary_version,
       units(c), value_mean(c), value_variance(c), covariate_mean(c), value_covariate_corr(c),
       c = cohort_state_final(c) AS equals_its_summary,
       cohort_state_final(c) AS summary
FROM c2;
SELECT cohort_state_final(c) = cohort_agg(completed, churned, v, x) AS same_as_aggregate
FROM c2, (VALUES (true, false, 1e6 + 0.25, 3.0), (false, true, 1e6 + 0.75, 5.0)) AS r(completed, churned, v, x)
GROUP BY c;
SELECT rollup(c) = cohort_state_final(c) AS rollup_of_state FROM c2 GROUP BY c;
-- the text form of version 2 needs the shifts, version 1 refuses them
SELECT '(version=2, units=1, completed=0/0, churned=0/0, value_n=0, value_mean=0, value_m2=0, paired_n=0, paired_value_mean=0, paired_covariate_mean=0, paired_value_m2=0, paired_covariate_m2=0, paired_comoment=0)'::cohort;
SELECT '(version=1, units=1, completed=0/0, churned=0/0, value_n=0, value_mean=0, value_m2=0, paired_n=0, paired_value_mean=0, paired_covariate_mean=0, paired_value_m2=0, paired_covariate_m2=0, paired_comoment=0, value_shift=1, covariate_shift=0)'::cohort;
SELECT '(version=2, units=1, completed=0/0, churned=0/0, value_n=0, value_mean=0, value_m2=0, paired_n=0, paired_value_mean=0, paired_covariate_mean=0, paired_value_m2=0, paired_covariate_m2=0, paired_comoment=0, value_shift=Infinity, covariate_shift=0)'::cohort;
SELECT '(version=3, units=1)'::cohort;

-- called directly, the functions work on copies: stored values are unchanged
CREATE TEMP TABLE stored AS
SELECT cohort_agg(x > 3, x > 8, x::float8) AS c, quantile_sketch_agg(x::float8) AS s,
       survival_agg(x::float8, x % 2 = 0) AS v,
       aa_agg(x::text, x > 3, x > 8, x::float8, 100) AS a
FROM generate_series(1, 10) AS x;
CREATE TEMP TABLE before AS SELECT c::text AS c, s::text AS s, v::text AS v, a::text AS a FROM stored;
SELECT units(cohort_state_trans(c, true, false, 1000.0)) AS c_units,
       value_count(quantile_sketch_state_trans(s, 1000.0)) AS s_count,
       value_count(quantile_sketch_state_combine(s, s)) AS s_combined,
       (survival_state_final(survival_state_trans(v, 5.0, true)))::text <> v::text AS v_changed,
       aa_state_final(aa_state_trans(a, 'u', true, false, 1.0, 100))::text <> a::text AS a_changed
FROM stored;
SELECT s.c::text = b.c AND s.s::text = b.s AND s.v::text = b.v AND s.a::text = b.a AS unchanged
FROM stored s, before b;

-- states updated in place under a window (the final function runs
-- between rows) and under hash aggregation that spills to disk
SELECT bool_and(value_count(s) = n) AS running_counts, bool_and(units(c) = n) AS running_units
FROM (SELECT row_number() OVER w AS n, quantile_sketch_agg(x::float8) OVER w AS s,
             cohort_agg(x > 5, NULL, x::float8) OVER w AS c
      FROM generate_series(1, 200) AS x
      WINDOW w AS (ORDER BY x ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)) AS t;
CREATE TEMP TABLE many AS
SELECT i % 3000 AS g, (i * 7919 % 1000)::float8 AS x, i % 3 = 0 AS died
FROM generate_series(1, 60000) AS i;
ANALYZE many;
SET work_mem = '64kB';
SET enable_sort = off;
CREATE TEMP TABLE hashed AS
SELECT g, quantile_sketch_agg(x)::text AS s, survival_agg(x, died)::text AS v, cohort_agg(died, NULL, x)::text AS c
FROM many GROUP BY g;
RESET enable_sort;
SET enable_hashagg = off;
SELECT count(*) AS groups,
       count(*) FILTER (WHERE h.s = q.s::text AND h.v = q.v::text AND h.c = q.c::text) AS same
FROM hashed h
JOIN (SELECT g, quantile_sketch_agg(x) AS s, survival_agg(x, died) AS v, cohort_agg(died, NULL, x) AS c
      FROM many GROUP BY g) AS q USING (g);
RESET enable_hashagg;
RESET work_mem;

-- activity_agg with a time zone: recorded in the value, as the session's
-- TimeZone is without it; the same on every row
SET TimeZone = 'America/New_York';
SELECT activity_agg(timestamptz '2026-03-01 14:00+00', e, 'day', 3, NULL, 'Asia/Tokyo') AS tokyo,
       activity_agg(timestamptz '2026-03-01 14:00+00', e, 'day', 3) AS session_zone,
       activity_agg(timestamptz '2026-03-01 14:00+00', e, 'day', 3, NULL, 'America/New_York')
         = activity_agg(timestamptz '2026-03-01 14:00+00', e, 'day', 3) AS same_as_session
FROM unnest(ARRAY[timestamptz '2026-03-01 16:00+00', timestamptz '2026-03-02 16:00+00']) AS e;
RESET TimeZone;
SELECT activity_agg(timestamptz '2026-03-01 14:00+00', e, 'day', 3, NULL, NULL)
FROM unnest(ARRAY[timestamptz '2026-03-01 16:00+00']) AS e;
SELECT activity_agg(timestamptz '2026-03-01 14:00+00', e, 'day', 3, NULL, z)
FROM (VALUES (timestamptz '2026-03-01 16:00+00', 'UTC'), (timestamptz '2026-03-01 17:00+00', 'Asia/Tokyo')) AS t(e, z);
SELECT activity_agg(timestamptz '2026-03-01 14:00+00', e, 'day', 3, NULL, 'Mars/Olympus')
FROM unnest(ARRAY[timestamptz '2026-03-01 16:00+00']) AS e;

-- the stratified log-rank state: four checked terms per stratum
SELECT survival_strata_state_final('{}'::float8[]) AS empty,
       survival_strata_state_final('{1, 2, 3, 4}'::float8[]) AS one_stratum;
SELECT survival_strata_state_final('{1, 2, 3}'::float8[]);
SELECT survival_strata_state_final('{1, -2, 3, 4}'::float8[]);
SELECT survival_strata_state_final('{1, NULL, 3, 4}'::float8[]);
