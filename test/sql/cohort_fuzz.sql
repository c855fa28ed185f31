-- Mutated text and binary cohorts: every input is either accepted as a
-- valid summary or rejected with a class-22 error; never a crash.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS cohort_analyzer;
RESET client_min_messages;

\getenv abs_builddir PG_ABS_BUILDDIR
\set fuzz_bin :abs_builddir '/results/cohort_fuzz.bin'
SELECT set_config('ca.fuzz_bin', :'fuzz_bin', false) \g /dev/null
CREATE TABLE fuzz_raw (b bytea);
CREATE TABLE fuzz_one (c cohort);
-- feeds bytes to cohort_recv through binary COPY; returns the SQLSTATE or 'ok'
CREATE FUNCTION fuzz_recv(bytes bytea) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    TRUNCATE fuzz_raw, fuzz_one;
    INSERT INTO fuzz_raw VALUES (bytes);
    EXECUTE format('COPY fuzz_raw TO %L WITH (FORMAT binary)', current_setting('ca.fuzz_bin'));
    EXECUTE format('COPY fuzz_one FROM %L WITH (FORMAT binary)', current_setting('ca.fuzz_bin'));
    -- an accepted value must survive a text round trip unchanged
    IF NOT (SELECT c::text::cohort = c FROM fuzz_one) THEN
        RETURN 'accepted but not exact';
    END IF;
    RETURN 'ok';
EXCEPTION WHEN others THEN
    RETURN SQLSTATE;
END $$;
CREATE FUNCTION fuzz_in(t text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE c cohort;
BEGIN
    c := t::cohort;
    RETURN CASE WHEN c::text::cohort = c THEN 'ok' ELSE 'accepted but not exact' END;
EXCEPTION WHEN others THEN
    RETURN SQLSTATE;
END $$;

SELECT setseed(0.25) \g /dev/null
-- 1,000 binary values, each with one to three random bytes overwritten
WITH base AS (
    SELECT cohort_send(cohort_agg(i % 3 = 0, i % 5 = 0, i * 1.5, i * 0.5)) AS b
    FROM generate_series(1, 50) i
), mutated AS (
    SELECT n, b, (1 + random() * 2)::int AS k FROM base, generate_series(1, 1000) n
), done AS (
    SELECT n, fuzz_recv((SELECT m2
                         FROM (SELECT set_byte(b, (random() * 112)::int, (random() * 255)::int) AS m1) s1,
                              LATERAL (SELECT CASE WHEN k > 1 THEN set_byte(m1, (random() * 112)::int, (random() * 255)::int) ELSE m1 END AS m2) s2))
           AS result
    FROM mutated
)
SELECT result LIKE '22%' OR result = 'ok' AS clean, count(*) > 0 AS seen,
       bool_or(result = 'ok') AS some_accepted, bool_or(result LIKE '22%') AS some_rejected
FROM done GROUP BY 1 ORDER BY 1;

-- 1,000 text values with a random character replaced, inserted or removed
WITH base AS (
    SELECT cohort_agg(i % 3 = 0, i % 5 = 0, i * 1.5, i * 0.5)::text AS t
    FROM generate_series(1, 50) i
), mutated AS (
    SELECT n, t, (random() * length(t))::int AS pos, (random() * 2)::int AS op,
           substr('0123456789-+.eE,=/() abcxyzNaInfity', 1 + (random() * 36)::int, 1) AS ch
    FROM base, generate_series(1, 1000) n
), done AS (
    SELECT fuzz_in(CASE op WHEN 0 THEN overlay(t placing ch from pos + 1 for 1)
                           WHEN 1 THEN overlay(t placing ch from pos + 1 for 0)
                           ELSE overlay(t placing '' from pos + 1 for 1) END) AS result
    FROM mutated
)
SELECT result LIKE '22%' OR result = 'ok' AS clean, count(*) > 0 AS seen,
       bool_or(result = 'ok') AS some_accepted, bool_or(result LIKE '22%') AS some_rejected
FROM done GROUP BY 1 ORDER BY 1;

-- the same for states of the aggregates (format version 2, with shifts):
-- 1,000 binary and 1,000 text mutations
CREATE TEMP TABLE state_base AS
SELECT cohort_state_combine(cohort_state_trans(cohort_state_trans(NULL, true, false, 1e6 + 10.5, 2),
                                               false, NULL, 1e6 + 11, 4),
                            cohort_state_trans(NULL, false, true, 2e6 + 0.25, 3)) AS c;
WITH mutated AS (
    SELECT n, cohort_send(c) AS b, (1 + random() * 2)::int AS k FROM state_base, generate_series(1, 1000) n
), done AS (
    SELECT n, fuzz_recv((SELECT m2
                         FROM (SELECT set_byte(b, (random() * 128)::int, (random() * 255)::int) AS m1) s1,
                              LATERAL (SELECT CASE WHEN k > 1 THEN set_byte(m1, (random() * 128)::int, (random() * 255)::int) ELSE m1 END AS m2) s2))
           AS result
    FROM mutated
)
SELECT result LIKE '22%' OR result = 'ok' AS clean, count(*) > 0 AS seen,
       bool_or(result = 'ok') AS some_accepted, bool_or(result LIKE '22%') AS some_rejected
FROM done GROUP BY 1 ORDER BY 1;
WITH mutated AS (
    SELECT n, c::text AS t, (random() * length(c::text))::int AS pos, (random() * 2)::int AS op,
           substr('0123456789-+.eE,=/() abcxyzNaInfity', 1 + (random() * 36)::int, 1) AS ch
    FROM state_base, generate_series(1, 1000) n
), done AS (
    SELECT fuzz_in(CASE op WHEN 0 THEN overlay(t placing ch from pos + 1 for 1)
                           WHEN 1 THEN overlay(t placing ch from pos + 1 for 0)
                           ELSE overlay(t placing '' from pos + 1 for 1) END) AS result
    FROM mutated
)
SELECT result LIKE '22%' OR result = 'ok' AS clean, count(*) > 0 AS seen,
       bool_or(result = 'ok') AS some_accepted, bool_or(result LIKE '22%') AS some_rejected
FROM done GROUP BY 1 ORDER BY 1;

DROP TABLE fuzz_raw, fuzz_one;
DROP FUNCTION fuzz_recv(bytea), fuzz_in(text);
