-- activity and retention: exact text and binary forms, validation of
-- every input path (with random mutations), and errors of the aggregates.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS cohort_analyzer;
RESET client_min_messages;
SET TimeZone = 'UTC';
SET DateStyle = ISO;
SET extra_float_digits = 0;

CREATE TEMP TABLE io (id int, a activity, r retention);
INSERT INTO io
SELECT 1, activity_agg('2026-11-02 09:00:00.123456+00', t, 'week', 10, 'de-DE'), NULL
FROM unnest(ARRAY['2026-11-03', '2026-11-20', '2027-01-05']::timestamptz[]) t;
SET TimeZone = 'America/New_York';
INSERT INTO io
SELECT 2, activity_agg('2026-03-01 12:00+00', t, 'day', 17), NULL
FROM unnest(ARRAY['2026-03-08 05:00+00', '2026-03-09 03:59:59+00', '2026-03-17 12:00+00']::timestamptz[]) t;
SET TimeZone = 'UTC';
UPDATE io SET r = (SELECT retention_agg(a) FROM io i WHERE i.id = io.id);
INSERT INTO io VALUES (3, NULL, '(version=1, unit=month, periods=3, units=5, on={5,2,1}, on_or_after={5,3,1}, eligible={5,5,4})');
SELECT id, a, r FROM io ORDER BY id;

-- text round trips are exact; the time zone of the activity is its own
SELECT id, a::text::activity::text = a::text AS activity_same, r::text::retention::text = r::text AS retention_same
FROM io ORDER BY id;
SELECT active_periods(a) FROM io ORDER BY id;
-- locale and time zone are stored in canonical spelling
SELECT '(version=1, unit=week, periods=2, origin=2026-11-02 00:00:00+00, locale=en-US, tz=europe/berlin, active={1})'::activity;
SELECT '( version=1 ,active={ 0 , 2 },tz=UTC, locale=,origin=2026-11-02 00:00:00.5+01 , periods=3, unit=day )'::activity;
SELECT '(version=1, unit=year, periods=1, units=0, on={0}, on_or_after={0}, eligible={0})'::retention;

-- binary round trip through COPY, which calls send and recv
\getenv abs_builddir PG_ABS_BUILDDIR
\set binfile :abs_builddir '/retention_io.bin'
COPY (SELECT id, a, r FROM io ORDER BY id) TO :'binfile' WITH (FORMAT binary);
CREATE TEMP TABLE io2 (LIKE io);
COPY io2 FROM :'binfile' WITH (FORMAT binary);
SELECT count(*) AS rows, count(*) FILTER (WHERE io.a::text IS NOT DISTINCT FROM io2.a::text
                                          AND io.r::text = io2.r::text) AS same
FROM io JOIN io2 USING (id);
SELECT activity_send(a) FROM io WHERE id = 1;
SELECT retention_send(r) FROM io WHERE id = 3;

-- bad text input: each a clean class-22 error
\set VERBOSITY sqlstate
SELECT ''::retention;
SELECT 'garbage'::retention;
SELECT '(version=2, unit=day, periods=1, units=0, on={0}, on_or_after={0}, eligible={0})'::retention;
SELECT '(unit=day, version=1, periods=1, units=0, on={0}, on_or_after={0}, eligible={0})'::retention;
SELECT '(version=1, unit=day, periods=1, units=0, on={0}, on_or_after={0})'::retention;
SELECT '(version=1, unit=day, periods=1, units=0, on={0}, on={0}, on_or_after={0}, eligible={0})'::retention;
SELECT '(version=1, unit=day, periods=1, units=0, on={0}, on_or_after={0}, eligible={0}, extra=1)'::retention;
SELECT '(version=1, unit=fortnight, periods=1, units=0, on={0}, on_or_after={0}, eligible={0})'::retention;
SELECT '(version=1, unit=day, periods=0, units=0, on={}, on_or_after={}, eligible={})'::retention;
SELECT '(version=1, unit=day, periods=1025, units=0, on={0}, on_or_after={0}, eligible={0})'::retention;
SELECT '(version=1, unit=day, periods=2, units=1, on={1}, on_or_after={1,1}, eligible={1,1})'::retention;
SELECT '(version=1, unit=day, periods=1, units=1, on={1}, on_or_after={1}, eligible={1}) x'::retention;
SELECT '(version=1, unit=day, periods=1, units=-1, on={0}, on_or_after={0}, eligible={0})'::retention;
SELECT '(version=1, unit=day, periods=1, units=99999999999999999999, on={0}, on_or_after={0}, eligible={0})'::retention;
SELECT '(version=1, unit=day, periods=2, units=3, on={2,1}, on_or_after={1,1}, eligible={3,3})'::retention;
SELECT '(version=1, unit=day, periods=2, units=3, on={1,1}, on_or_after={3,1}, eligible={3,2})'::retention;
SELECT '(version=1, unit=day, periods=2, units=3, on={0,1}, on_or_after={2,1}, eligible={3,3})'::retention;
SELECT '(version=1, unit=day, periods=2, units=3, on={1,1}, on_or_after={1,1}, eligible={2,3})'::retention;
SELECT '(version=1, unit=day, periods=1, units=1, on={1}, on_or_after={1}, eligible={1}'::retention;
SELECT '(version=1, unit=day, periods=1, units=1, on={1}, on_or_after={1}, eligible={1}})'::retention;
SELECT '(version=2, unit=week, periods=2, origin=2026-11-02 00:00:00+00, locale=, tz=UTC, active={1})'::activity;
SELECT '(version=1, unit=week, periods=2, origin=infinity, locale=, tz=UTC, active={1})'::activity;
SELECT '(version=1, unit=week, periods=2, origin=yesterday-ish, locale=, tz=UTC, active={1})'::activity;
SELECT '(version=1, unit=week, periods=2, origin=2026-11-02 00:00:00+00, locale=, tz=Mars/Base, active={1})'::activity;
SELECT '(version=1, unit=week, periods=2, origin=2026-11-02 00:00:00+00, locale=xx, tz=UTC, active={1})'::activity;
SELECT '(version=1, unit=week, periods=2, origin=2026-11-02 00:00:00+00, locale=en@calendar=foo, tz=UTC, active={1})'::activity;
SELECT '(version=1, unit=week, periods=2, origin=2026-11-02 00:00:00+00, locale=, tz=, active={1})'::activity;
SELECT '(version=1, unit=week, periods=2, origin=2026-11-02 00:00:00+00, locale=, tz=UTC, active={2})'::activity;
SELECT '(version=1, unit=week, periods=2, origin=2026-11-02 00:00:00+00, locale=, tz=UTC, active={1,0})'::activity;
SELECT '(version=1, unit=week, periods=2, origin=2026-11-02 00:00:00+00, locale=, tz=UTC, active={1,1})'::activity;
SELECT '(version=1, unit=week, periods=2, origin=2026-11-02 00:00:00+00, locale=, tz=UTC, active={-1})'::activity;
SELECT '(version=1, unit=week, periods=2, origin=2026-11-02 00:00:00+00, locale=, tz=UTC, active=1)'::activity;
SELECT '(version=1, unit=week, periods=0, origin=2026-11-02 00:00:00+00, locale=, tz=UTC, active={})'::activity;
SELECT '(version=1, unit=quarter, periods=2, origin=2026-11-02 00:00:00+00, locale=he-IL@calendar=hebrew, tz=UTC, active={})'::activity;
\set VERBOSITY default
SELECT '(version=2, unit=day, periods=1, units=0, on={0}, on_or_after={0}, eligible={0})'::retention;
SELECT '(version=1, unit=day, periods=2, units=1, on={1}, on_or_after={1,1}, eligible={1,1})'::retention;
SELECT '(version=1, unit=day, periods=2, units=3, on={2,1}, on_or_after={1,1}, eligible={3,3})'::retention;
SELECT '(version=1, unit=week, periods=2, origin=2026-11-02 00:00:00+00, locale=, tz=UTC, active={1,0})'::activity;
SELECT '(version=1, unit=week, periods=2, origin=2026-11-02 00:00:00+00, locale=xx, tz=UTC, active={1})'::activity;

-- random mutations of valid text: every input is accepted or rejected
-- with a class-22 error
CREATE FUNCTION pg_temp.fuzz_text(base text, typ text, n int)
RETURNS TABLE (accepted int, rejected int, other_errors text[])
LANGUAGE plpgsql AS $$
DECLARE
    chars constant text := '0123456789{},=()-+ :.@/_aeloruntyx';
    s text;
    pos int;
    i int;
BEGIN
    accepted := 0; rejected := 0; other_errors := '{}';
    FOR i IN 1 .. n LOOP
        s := base;
        FOR j IN 1 .. 1 + (random() * 3)::int LOOP
            pos := 1 + (random() * length(s))::int;
            CASE (random() * 3)::int
                WHEN 0 THEN s := overlay(s placing substr(chars, 1 + (random() * 33)::int, 1) from pos for 1);
                WHEN 1 THEN s := overlay(s placing '' from pos for 1 + (random() * 4)::int);
                WHEN 2 THEN s := overlay(s placing substr(s, pos, 5) from pos for 0);
                ELSE s := left(s, pos);
            END CASE;
        END LOOP;
        BEGIN
            EXECUTE format('SELECT %L::%s', s, typ);
            accepted := accepted + 1;
        EXCEPTION WHEN OTHERS THEN
            IF left(SQLSTATE, 2) = '22' THEN
                rejected := rejected + 1;
            ELSE
                other_errors := other_errors || (SQLSTATE || ': ' || s);
            END IF;
        END;
    END LOOP;
    RETURN NEXT;
END $$;
SELECT setseed(0.5);
SELECT accepted, rejected, other_errors
FROM pg_temp.fuzz_text('(version=1, unit=day, periods=3, units=5, on={5,2,1}, on_or_after={5,3,1}, eligible={5,5,4})', 'retention', 600);
SELECT accepted, rejected, other_errors
FROM pg_temp.fuzz_text('(version=1, unit=week, periods=10, origin=2026-11-02 09:00:00+00, locale=de, tz=UTC, active={0,2,9})', 'activity', 600);

-- random mutations of valid binary values through COPY ... FORMAT binary,
-- which hands the bytes to retention_recv and activity_recv
CREATE TEMP TABLE recv_a (a activity);
CREATE TEMP TABLE recv_r (r retention);
CREATE FUNCTION pg_temp.fuzz_binary(base bytea, target text, file text, n int)
RETURNS TABLE (accepted int, rejected int, other_errors text[])
LANGUAGE plpgsql AS $$
DECLARE
    b bytea;
    i int;
BEGIN
    accepted := 0; rejected := 0; other_errors := '{}';
    FOR i IN 1 .. n LOOP
        b := base;
        CASE i % 4
            WHEN 0 THEN b := substr(b, 1, (random() * length(b))::int);
            WHEN 1 THEN b := b || '\x00'::bytea;
            ELSE
                FOR j IN 1 .. 1 + (random() * 2)::int LOOP
                    b := set_byte(b, (random() * (length(b) - 1))::int, (random() * 255)::int);
                END LOOP;
        END CASE;
        EXECUTE format('COPY (SELECT %L::bytea) TO %L WITH (FORMAT binary)', b, file);
        BEGIN
            EXECUTE format('COPY %I FROM %L WITH (FORMAT binary)', target, file);
            accepted := accepted + 1;
        EXCEPTION WHEN OTHERS THEN
            IF left(SQLSTATE, 2) = '22' THEN
                rejected := rejected + 1;
            ELSE
                other_errors := other_errors || (SQLSTATE || ': ' || SQLERRM);
            END IF;
        END;
    END LOOP;
    RETURN NEXT;
END $$;
SELECT accepted, rejected, other_errors
FROM pg_temp.fuzz_binary((SELECT retention_send(r) FROM io WHERE id = 3), 'recv_r', :'binfile', 300);
SELECT accepted, rejected, other_errors
FROM pg_temp.fuzz_binary((SELECT activity_send(a) FROM io WHERE id = 1), 'recv_a', :'binfile', 300);
-- whatever was accepted is valid and reads back
SELECT count(*) = count(r::text::retention) AS retention_readable FROM recv_r;
SELECT count(*) = count(a::text::activity) AS activity_readable FROM recv_a;
-- a few explicit cases
\set VERBOSITY sqlstate
COPY (SELECT '\x02'::bytea) TO :'binfile' WITH (FORMAT binary);
COPY recv_r FROM :'binfile' WITH (FORMAT binary);
COPY (SELECT ''::bytea) TO :'binfile' WITH (FORMAT binary);
COPY recv_a FROM :'binfile' WITH (FORMAT binary);
\set VERBOSITY default
-- on = 2 exceeds on_or_after = 1
COPY (SELECT '\x01000000000000010000000000000001000000000000000200000000000000010000000000000001'::bytea) TO :'binfile' WITH (FORMAT binary);
COPY recv_r FROM :'binfile' WITH (FORMAT binary);
-- a week retention of one period with a byte too many
COPY (SELECT '\x0101000000000001000000000000000100000000000000010000000000000001000000000000000100'::bytea) TO :'binfile' WITH (FORMAT binary);
COPY recv_r FROM :'binfile' WITH (FORMAT binary);

-- errors of the aggregates and accessors
\set VERBOSITY sqlstate
SELECT activity_agg(now(), now(), 'week', 0);
SELECT activity_agg(now(), now(), 'week', 1025);
SELECT activity_agg(NULL, now(), 'week', 4);
SELECT activity_agg(now(), now(), NULL, 4);
SELECT activity_agg('infinity', now(), 'week', 4);
SELECT activity_agg(now(), now(), 'fortnight', 4);
SELECT activity_agg(now(), now(), 'week', 4, 'xx-YY');
SELECT activity_agg(now(), now(), 'quarter', 4, 'he-IL@calendar=hebrew');
SELECT activity_agg(o, now(), 'week', 4) FROM unnest(ARRAY['2026-01-01', '2026-01-02']::timestamptz[]) o;
SELECT activity_agg('2026-01-01', now(), u, 4) FROM unnest(ARRAY['week', 'day']) u;
SELECT activity_agg('2026-01-01', now(), 'week', p) FROM unnest(ARRAY[4, 5]) p;
SELECT activity_agg('2026-01-01', now(), 'week', 4, l) FROM unnest(ARRAY['en-US', 'de-DE']) l;
SELECT retention_agg(a) FROM io;
SELECT retention_agg(a, NULL) FROM io WHERE id = 1;
SELECT rollup(r) FROM io;
SELECT churn_rate(r, -1) FROM io WHERE id = 3;
SELECT churn_rate(r, 3) FROM io WHERE id = 3;
SELECT retention_counts(r, 'bogus') FROM io WHERE id = 3;
SELECT retention_rates(r, 'eligible') FROM io WHERE id = 3;
\set VERBOSITY default
SELECT activity_agg(now(), now(), 'week', 0);
SELECT activity_agg(o, now(), 'week', 4) FROM unnest(ARRAY['2026-01-01', '2026-01-02']::timestamptz[]) o;
SELECT retention_agg(a) FROM io;
SELECT retention_agg(a, NULL) FROM io WHERE id = 1;
SELECT churn_rate(r, 3) FROM io WHERE id = 3;
SELECT retention_rates(r, 'eligible') FROM io WHERE id = 3;

-- the session's TimeZone is stored with the activity: a POSIX offset
-- works, a rule with commas cannot be stored
SET TimeZone = '+03';
SELECT a, a::text::activity::text = a::text AS same
FROM (SELECT activity_agg('2026-11-02 22:00+00', '2026-11-03 20:00+00', 'day', 3) AS a) s;
SET TimeZone = 'EST5EDT,M3.2.0,M11.1.0';
SELECT activity_agg('2026-11-02 22:00+00', '2026-11-03 20:00+00', 'day', 3);
SET TimeZone = 'UTC';

-- NULL where nothing is eligible
SELECT retention_rates(r), churn_rate(r, 2)
FROM (SELECT '(version=1, unit=week, periods=3, units=2, on={1,0,0}, on_or_after={1,0,0}, eligible={2,1,0})'::retention AS r) s;
SELECT * FROM retention_table('(version=1, unit=week, periods=3, units=2, on={1,0,0}, on_or_after={1,0,0}, eligible={2,1,0})');
