-- The survival type: text and binary forms, validation, jsonb, merging.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS cohort_analyzer;
RESET client_min_messages;
SET extra_float_digits = 0;

-- text form: totals, then time:events/censored per distinct time
SELECT survival_agg(t, c)
FROM (VALUES (2.5::float8, true), (1, false), (2.5, true), (0, true), (7, false), (2.5, false)) v(t, c);
SELECT '(version=1, observations=0, events=0, points=[])'::survival;
-- fields after the version in any order, with spaces
SELECT ' ( version = 1 , points = [ 3:1/0 , 4:0/2 ] , events=1, observations=3 ) '::survival;

-- the text form is exact: awkward doubles survive a round trip bit for bit
CREATE TABLE surv_odd AS
SELECT survival_agg(t, c) AS s
FROM (VALUES (0.1::float8 + 0.2, true), (1e-300, false), (5e-324, true),
             (1.7976931348623157e308, false), (1 / 3.0, true), (0, false)) v(t, c);
SELECT s FROM surv_odd;
SELECT s::text::survival = s AS identical,
       survival_send(s::text::survival) = survival_send(s) AS same_bytes
FROM surv_odd;
-- -0 is stored as 0
SELECT survival_agg(t, true) FROM (VALUES ('-0'::float8), (0)) v(t);

-- binary form: version, number of times, then (time, events, censored)
SELECT survival_send('(version=1, observations=3, events=1, points=[1.5:1/0, 4:0/2])');

-- binary input, through COPY in binary format
CREATE TEMP TABLE recv_target (s survival);
CREATE FUNCTION pg_temp.recv(payload bytea) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    path text := current_setting('data_directory') || '/survival_recv_test.copy';
    lo oid;
    result text;
BEGIN
    lo := lo_from_bytea(0, '\x5047434f50590aff0d0a00'::bytea || '\x0000000000000000'::bytea
                           || '\x0001'::bytea || int4send(length(payload)) || payload
                           || '\xffff'::bytea);
    PERFORM lo_export(lo, path);
    PERFORM lo_unlink(lo);
    TRUNCATE recv_target;
    EXECUTE format('COPY recv_target FROM %L (FORMAT binary)', path);
    SELECT s::text INTO result FROM recv_target;
    RETURN result;
END $$;
SELECT pg_temp.recv(survival_send(s)) = s::text AS binary_round_trip FROM surv_odd;
SELECT pg_temp.recv(survival_send('(version=1, observations=0, events=0, points=[])'));
SELECT pg_temp.recv('\x010000000140000000000000007fffffffffffffff0000000000000000'::bytea);
\set VERBOSITY terse
-- empty, unknown version, short, count and length disagree
SELECT pg_temp.recv('\x'::bytea);
SELECT pg_temp.recv('\x0200000000'::bytea);
SELECT pg_temp.recv('\x01000000'::bytea);
SELECT pg_temp.recv('\x0100000002' || substr(survival_send('(version=1, observations=1, events=1, points=[1:1/0])'), 6));
SELECT pg_temp.recv('\x01ffffffff'::bytea);
-- times out of order, repeated, negative, NaN, infinite; bad counts
SELECT pg_temp.recv('\x0100000002'
    || substr(survival_send('(version=1, observations=1, events=1, points=[2:1/0])'), 6)
    || substr(survival_send('(version=1, observations=1, events=1, points=[1:1/0])'), 6));
SELECT pg_temp.recv('\x0100000002'
    || substr(survival_send('(version=1, observations=1, events=1, points=[2:1/0])'), 6)
    || substr(survival_send('(version=1, observations=1, events=1, points=[2:1/0])'), 6));
SELECT pg_temp.recv('\x0100000001bff000000000000000000000000000010000000000000000'::bytea);
SELECT pg_temp.recv('\x01000000017ff800000000000000000000000000010000000000000000'::bytea);
SELECT pg_temp.recv('\x01000000017ff000000000000000000000000000010000000000000000'::bytea);
SELECT pg_temp.recv('\x01000000013ff0000000000000ffffffffffffffff0000000000000002'::bytea);
SELECT pg_temp.recv('\x01000000013ff000000000000000000000000000000000000000000000'::bytea);
SELECT pg_temp.recv('\x01000000023ff00000000000007fffffffffffffff0000000000000000400000000000000000000000000000010000000000000000'::bytea);
\set VERBOSITY default

-- bad text input: each a clean class-22 error
\set VERBOSITY sqlstate
SELECT ''::survival;
SELECT 'garbage'::survival;
SELECT '(version=2, observations=0, events=0, points=[])'::survival;
SELECT '(version=1, observations=0, events=0)'::survival;
SELECT '(observations=0, version=1, events=0, points=[])'::survival;
SELECT '(version=1, observations=0, events=0, points=[], events=0)'::survival;
SELECT '(version=1, observations=0, events=0, points=[], bogus=1)'::survival;
SELECT '(version=1, observations=1, events=0, points=[])'::survival;
SELECT '(version=1, observations=2, events=1, points=[2:1/0, 1:0/1])'::survival;
SELECT '(version=1, observations=2, events=1, points=[1:1/0, 1:0/1])'::survival;
SELECT '(version=1, observations=1, events=1, points=[-1:1/0])'::survival;
SELECT '(version=1, observations=1, events=1, points=[NaN:1/0])'::survival;
SELECT '(version=1, observations=1, events=1, points=[Infinity:1/0])'::survival;
SELECT '(version=1, observations=1, events=1, points=[1e999:1/0])'::survival;
SELECT '(version=1, observations=0, events=0, points=[1:0/0])'::survival;
SELECT '(version=1, observations=0, events=-1, points=[1:-1/1])'::survival;
SELECT '(version=1, observations=1, events=1, points=[1:1.5/0])'::survival;
SELECT '(version=1, observations=1, events=1, points=[1:1/0 2:1/0])'::survival;
SELECT '(version=1, observations=1, events=1, points=[1:1/0]) trailing'::survival;
SELECT '(version=1, observations=99999999999999999999, events=0, points=[])'::survival;
SELECT '(version=1, observations=2, events=0, points=[1:0/9223372036854775807, 2:0/1])'::survival;
\set VERBOSITY default
SELECT 'garbage'::survival;
SELECT '(version=2, observations=0, events=0, points=[])'::survival;
SELECT '(version=1, observations=2, events=1, points=[2:1/0, 1:0/1])'::survival;
SELECT '(version=1, observations=5, events=1, points=[2:1/0, 3:0/1])'::survival;

-- huge counts are exact, and merging past the 64-bit range is an error
SELECT s, (survival_curve(s)).at_risk, median_survival(s)
FROM (SELECT '(version=1, observations=9223372036854775807, events=9223372036854775806, points=[1:9223372036854775806/1])'::survival AS s) v;
\set VERBOSITY sqlstate
SELECT '(version=1, observations=9223372036854775807, events=0, points=[1:0/9223372036854775807])'::survival
     + '(version=1, observations=1, events=1, points=[2:1/0])'::survival;
\set VERBOSITY default
SELECT '(version=1, observations=9223372036854775807, events=0, points=[1:0/9223372036854775807])'::survival
     + '(version=1, observations=1, events=1, points=[2:1/0])'::survival;

-- merging with +, and equality
SELECT a + b AS merged, a + b = b + a AS commutes,
       (a + b) + a = a + (b + a) AS associates, a = b AS a_equals_b
FROM (SELECT '(version=1, observations=3, events=2, points=[1:1/0, 2:1/1])'::survival AS a,
             '(version=1, observations=3, events=1, points=[0.5:0/1, 2:1/0, 9:0/1])'::survival AS b) v;
SELECT s + '(version=1, observations=0, events=0, points=[])' = s AS empty_is_neutral FROM surv_odd;

-- jsonb
SELECT jsonb_pretty('(version=1, observations=3, events=1, points=[1.5:1/0, 4:0/2])'::survival::jsonb);
SELECT '(version=1, observations=0, events=0, points=[])'::survival::jsonb;

-- a value with many distinct times round-trips through text and binary
CREATE TABLE surv_big AS
SELECT survival_agg(i / 7.0, i % 3 = 0) AS s FROM generate_series(1, 100000) i;
SELECT (s::jsonb ->> 'times')::int AS times, s::text::survival = s AS text_ok,
       pg_temp.recv(survival_send(s)) = s::text AS binary_ok
FROM surv_big;

DROP TABLE surv_odd, surv_big;
