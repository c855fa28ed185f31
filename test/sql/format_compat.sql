-- Values stored by version 1.0 stay readable: the text and binary forms of
-- every type written by 1.0 (test/data/format_1.0) read back into identical
-- values whose output is byte-for-byte what 1.0 wrote, and every accessor
-- answers exactly as 1.0 did.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS cohort_analyzer;
RESET client_min_messages;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, MDY';
SET extra_float_digits = 1;
\getenv abs_srcdir PG_ABS_SRCDIR
\set dir :abs_srcdir '/data/format_1.0/'
\set values_bin :dir 'values.bin'
\set values_txt :dir 'values.txt'
\set accessors_txt :dir 'accessors.txt'
\set accessors_sql :dir 'accessors.sql'

CREATE TEMP TABLE format_values (
    name text PRIMARY KEY,
    c cohort, s quantile_sketch, a activity, r retention, v survival);
CREATE TEMP TABLE format_values_text (LIKE format_values);
CREATE TEMP TABLE format_accessors_1_0 (name text, accessor text, result text);
COPY format_values FROM :'values_bin' (FORMAT binary);
COPY format_values_text FROM :'values_txt';
COPY format_accessors_1_0 FROM :'accessors_txt';
\set ECHO none
\i :accessors_sql
\set ECHO all

-- every type is there, edge cases included
SELECT count(c) AS cohorts, count(s) AS sketches, count(a) AS activities,
       count(r) AS retentions, count(v) AS survivals
FROM format_values;
SELECT count(*) AS accessor_results FROM format_accessors_1_0;

-- the binary and the text form of each row give the same value
SELECT b.name
FROM format_values b FULL JOIN format_values_text t USING (name)
WHERE b.c::text IS DISTINCT FROM t.c::text OR b.s::text IS DISTINCT FROM t.s::text
   OR b.a::text IS DISTINCT FROM t.a::text OR b.r::text IS DISTINCT FROM t.r::text
   OR b.v::text IS DISTINCT FROM t.v::text
   OR cohort_send(b.c) IS DISTINCT FROM cohort_send(t.c)
   OR quantile_sketch_send(b.s) IS DISTINCT FROM quantile_sketch_send(t.s)
   OR activity_send(b.a) IS DISTINCT FROM activity_send(t.a)
   OR retention_send(b.r) IS DISTINCT FROM retention_send(t.r)
   OR survival_send(b.v) IS DISTINCT FROM survival_send(t.v);

-- the output is what 1.0 wrote: the text form character for character,
-- the binary form byte for byte (read as bytea, binary COPY keeps the bytes)
CREATE TEMP TABLE format_text_1_0 (name text, c text, s text, a text, r text, v text);
CREATE TEMP TABLE format_bytes_1_0 (name text, c bytea, s bytea, a bytea, r bytea, v bytea);
COPY format_text_1_0 FROM :'values_txt';
COPY format_bytes_1_0 FROM :'values_bin' (FORMAT binary);
SELECT count(*) AS rows_compared,
       count(*) FILTER (WHERE (b.c::text, b.s::text, b.a::text, b.r::text, b.v::text)
                              IS NOT DISTINCT FROM (t.c, t.s, t.a, t.r, t.v)) AS same_text,
       count(*) FILTER (WHERE (cohort_send(b.c), quantile_sketch_send(b.s), activity_send(b.a),
                               retention_send(b.r), survival_send(b.v))
                              IS NOT DISTINCT FROM (y.c, y.s, y.a, y.r, y.v)) AS same_bytes
FROM format_values b JOIN format_text_1_0 t USING (name) JOIN format_bytes_1_0 y USING (name);

-- Accessors answer exactly as 1.0 did, except the log-rank test, a statistic
-- computed from two values whose summation order may change between
-- versions: its numbers are compared to 1e-10 relative (1.0 and today agree
-- to about 1e-12).
CREATE FUNCTION pg_temp.close(x text, y text) RETURNS boolean
    LANGUAGE sql IMMUTABLE AS $$
    SELECT bool_and(abs(a::float8 - b::float8) <= 1e-10 * greatest(abs(a::float8), abs(b::float8)))
           AND count(a) = count(b)
    FROM unnest(string_to_array(btrim(x, '()'), ','), string_to_array(btrim(y, '()'), ',')) AS u (a, b)
    $$;
CREATE TEMP VIEW format_answers AS
    SELECT name, accessor, CASE WHEN accessor = 'logrank' THEN 'compared apart' ELSE result END
    FROM format_accessors;
CREATE TEMP VIEW format_answers_1_0 AS
    SELECT name, accessor, CASE WHEN accessor = 'logrank' THEN 'compared apart' ELSE result END
    FROM format_accessors_1_0;
CREATE TEMP VIEW format_logrank_differs AS
    SELECT name FROM format_accessors a FULL JOIN format_accessors_1_0 b USING (name, accessor)
    WHERE accessor = 'logrank' AND NOT coalesce(pg_temp.close(a.result, b.result), false);

-- every accessor answers as 1.0 did, over the values read from binary ...
SELECT * FROM format_answers EXCEPT ALL SELECT * FROM format_answers_1_0;
SELECT * FROM format_answers_1_0 EXCEPT ALL SELECT * FROM format_answers;
SELECT * FROM format_logrank_differs;
SELECT count(*) AS accessor_results FROM format_accessors;

-- ... and over the values read from text
TRUNCATE format_values;
INSERT INTO format_values SELECT * FROM format_values_text;
SELECT * FROM format_answers EXCEPT ALL SELECT * FROM format_answers_1_0;
SELECT * FROM format_answers_1_0 EXCEPT ALL SELECT * FROM format_answers;
SELECT * FROM format_logrank_differs;
SELECT count(*) AS accessor_results FROM format_accessors;


-- Version 2 of cohort (the running state of its aggregates, added in 1.1,
-- test/data/format_1.1): text and binary give the same values, the output
-- is what 1.1 wrote, and accessors read a state as its summary.
\set dir11 :abs_srcdir '/data/format_1.1/'
\set states_bin :dir11 'values.bin'
\set states_txt :dir11 'values.txt'
CREATE TEMP TABLE format_states (name text PRIMARY KEY, c cohort);
CREATE TEMP TABLE format_states_text (LIKE format_states);
CREATE TEMP TABLE format_states_raw (name text, c text);
CREATE TEMP TABLE format_states_bytes (name text, c bytea);
COPY format_states FROM :'states_bin' (FORMAT binary);
COPY format_states_text FROM :'states_txt';
COPY format_states_raw FROM :'states_txt';
COPY format_states_bytes FROM :'states_bin' (FORMAT binary);
SELECT count(*) AS states,
       count(*) FILTER (WHERE b.c::text = t.c::text AND cohort_send(b.c) = cohort_send(t.c)) AS same_value,
       count(*) FILTER (WHERE b.c::text = r.c) AS same_text,
       count(*) FILTER (WHERE cohort_send(b.c) = y.c) AS same_bytes,
       count(*) FILTER (WHERE get_byte(y.c, 0) = 2) AS version_2
FROM format_states b JOIN format_states_text t USING (name) JOIN format_states_raw r USING (name)
     JOIN format_states_bytes y USING (name);
SELECT name, units(c), value_mean(c), value_variance(c), covariate_mean(c), value_covariate_corr(c),
       (units(c), completions(c), churns(c), value_count(c), value_sum(c), value_mean(c), value_variance(c),
        covariate_count(c), covariate_mean(c), value_covariate_corr(c), c::jsonb)
       IS NOT DISTINCT FROM
       (units(s), completions(s), churns(s), value_count(s), value_sum(s), value_mean(s), value_variance(s),
        covariate_count(s), covariate_mean(s), value_covariate_corr(s), s::jsonb) AS as_summary
FROM format_states, LATERAL cohort_state_final(c) AS s
ORDER BY name;
