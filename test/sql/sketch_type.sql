-- The quantile_sketch type: text and binary forms, validation, accessors, jsonb.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS cohort_analyzer;
RESET client_min_messages;
SET extra_float_digits = 0;

CREATE TABLE sk_requests (id int, ms float8);
INSERT INTO sk_requests VALUES
  (1, 12.5), (2, 3.25), (3, NULL), (4, 0), (5, 180), (6, 12.5), (7, -2), (8, 0.1);

-- the text form lists the exact min, max and sum and the non-empty buckets
SELECT quantile_sketch_agg(ms) FROM sk_requests;

-- accessors agree with the built-in aggregates (NULLs skipped)
SELECT value_count(s) = n AS count_ok, value_sum(s) = total AS sum_ok,
       value_mean(s) = mean AS mean_ok, value_min(s) = lo AS min_ok,
       value_max(s) = hi AS max_ok, relative_accuracy(s), bucket_count(s)
FROM (SELECT quantile_sketch_agg(ms) AS s, count(ms) AS n, sum(ms) AS total,
             avg(ms) AS mean, min(ms) AS lo, max(ms) AS hi FROM sk_requests) t;

-- quantiles: the exact min and max at the ends, within 1% in between
SELECT quantiles(s, '{0, 0.2, 0.5, 0.8, 1}') AS q,
       quantiles(s, '{{0.5, NULL}, {1, 0}}') AS shaped,
       quantile(s, 0.5) AS median, cdf(s, 12.5) AS under_12_5, cdf(s, -5) AS none,
       cdf(s, 'Infinity') AS all_of_them
FROM (SELECT quantile_sketch_agg(ms) AS s FROM sk_requests) t;

-- the sum is exact: order and cancellation do not change it
SELECT value_sum(quantile_sketch_agg(v)) AS exact, sum(v) AS float8_sum
FROM (VALUES (1e16::float8), (1), (1), (-1e16)) t(v);
SELECT quantile_sketch_agg(v) FROM (VALUES (0.1::float8), (0.2), (0.3)) t(v);

-- no values, no sketch; an empty sketch can still be written
SELECT quantile_sketch_agg(ms) IS NULL AS no_rows FROM sk_requests WHERE false;
SELECT quantile_sketch_agg(ms) IS NULL AS only_nulls FROM sk_requests WHERE ms IS NULL;
SELECT value_count(e), value_sum(e), value_mean(e), value_min(e), value_max(e),
       quantile(e, 0.5), quantiles(e, '{0.5}'), cdf(e, 1)
FROM (SELECT '(version=1, relative_accuracy=0.01, count=0, zero_count=0, min=0, max=0, sum=0, collapsed=none, positive={}, negative={})'::quantile_sketch AS e) t;

-- text form is exact: round trip reproduces the value bit for bit
SELECT s::text::quantile_sketch = s AS identical,
       quantile_sketch_send(s::text::quantile_sketch) = quantile_sketch_send(s) AS same_bytes
FROM (SELECT quantile_sketch_agg(ms * 1.1 + 1e-3, 0.005) AS s FROM sk_requests) t;
-- fields in any order, with spaces
SELECT quantile('( version=1 ,negative={}, relative_accuracy = 0.01, count=2, zero_count=0,
                   positive={ 0:1 , 35:1 }, min=1, max=2, sum=3, collapsed=none )'::quantile_sketch, 1);

-- merging with +, and different accuracies do not mix
SELECT a + b = (SELECT quantile_sketch_agg(ms) FROM sk_requests) AS plus_is_union
FROM (SELECT quantile_sketch_agg(ms) FILTER (WHERE id <= 4) AS a,
             quantile_sketch_agg(ms) FILTER (WHERE id > 4) AS b FROM sk_requests) t;
SELECT quantile_sketch_agg(ms, 0.01) + quantile_sketch_agg(ms, 0.02) FROM sk_requests;

-- jsonb
SELECT jsonb_pretty(quantile_sketch_agg(ms)::jsonb - 'positive' - 'negative') AS summary,
       quantile_sketch_agg(ms)::jsonb -> 'positive' AS positive_buckets FROM sk_requests;
SELECT quantile_sketch_agg(ms)::jsonb -> 'p50' AS p50 FROM sk_requests WHERE false;

-- binary and text round trips through COPY (files in the instance's data directory)
CREATE TABLE sk_copy AS
SELECT id % 3 AS k, quantile_sketch_agg(ms * id, 0.02) AS s FROM sk_requests GROUP BY 1;
CREATE TABLE sk_copy_bin (LIKE sk_copy);
CREATE TABLE sk_copy_txt (LIKE sk_copy);
DO $$
DECLARE
  dir text := current_setting('data_directory');
BEGIN
  EXECUTE format('COPY sk_copy TO %L WITH (FORMAT binary)', dir || '/sk_copy.bin');
  EXECUTE format('COPY sk_copy TO %L', dir || '/sk_copy.txt');
  EXECUTE format('COPY sk_copy_bin FROM %L WITH (FORMAT binary)', dir || '/sk_copy.bin');
  EXECUTE format('COPY sk_copy_txt FROM %L', dir || '/sk_copy.txt');
END $$;
SELECT count(*) AS sketches, bool_and(a.s = b.s AND a.s = c.s) AS identical
FROM sk_copy a JOIN sk_copy_bin b USING (k) JOIN sk_copy_txt c USING (k);

-- bad input to the aggregates: clean class-22 errors
\set VERBOSITY sqlstate
SELECT quantile_sketch_agg('NaN'::float8);
SELECT quantile_sketch_agg(v) FROM (VALUES (1::float8), ('Infinity')) t(v);
SELECT quantile_sketch_agg('-Infinity'::float8);
SELECT quantile_sketch_agg(1, 0);
SELECT quantile_sketch_agg(1, 1);
SELECT quantile_sketch_agg(1, -0.01);
SELECT quantile_sketch_agg(1, 'NaN');
SELECT quantile_sketch_agg(1, NULL);
SELECT quantile_sketch_agg(v, a) FROM (VALUES (1::float8, 0.01::float8), (2, 0.02)) t(v, a);
SELECT quantile_sketch_agg(v) FROM (VALUES (1e308::float8), (1e308)) t(v);
SELECT quantile(quantile_sketch_agg(1), 1.5);
SELECT quantile(quantile_sketch_agg(1), -0.1);
SELECT quantile(quantile_sketch_agg(1), 'NaN');
SELECT quantiles(quantile_sketch_agg(1), '{0.5, 2}');
SELECT cdf(quantile_sketch_agg(1), 'NaN');
SELECT quantile_sketch_agg(1, 0.01) + quantile_sketch_agg(1, 0.02);
\set VERBOSITY default
SELECT quantile_sketch_agg('Infinity'::float8);
SELECT quantile_sketch_agg(1, 2);
SELECT quantile(quantile_sketch_agg(1), 1.5);
SELECT quantile_sketch_agg(v) FROM (VALUES (1e308::float8), (1e308)) t(v);

-- bad text input
\set VERBOSITY sqlstate
SELECT ''::quantile_sketch;
SELECT 'garbage'::quantile_sketch;
SELECT '(version=2, relative_accuracy=0.01)'::quantile_sketch;
SELECT '(relative_accuracy=0.01, version=1)'::quantile_sketch;
SELECT '(version=1, relative_accuracy=0.01)'::quantile_sketch;
SELECT '(version=1, relative_accuracy=0.01, relative_accuracy=0.01)'::quantile_sketch;
SELECT '(version=1, bogus=1)'::quantile_sketch;
SELECT '(version=1, relative_accuracy=0, count=0, zero_count=0, min=0, max=0, sum=0, collapsed=none, positive={}, negative={})'::quantile_sketch;
SELECT '(version=1, relative_accuracy=0.01, count=1, zero_count=0, min=1, max=1, sum=1, collapsed=none, positive={}, negative={})'::quantile_sketch;
SELECT '(version=1, relative_accuracy=0.01, count=-1, zero_count=0, min=0, max=0, sum=0, collapsed=none, positive={}, negative={})'::quantile_sketch;
SELECT '(version=1, relative_accuracy=0.01, count=1, zero_count=0, min=1, max=1, sum=1, collapsed=none, positive={0:0}, negative={})'::quantile_sketch;
SELECT '(version=1, relative_accuracy=0.01, count=2, zero_count=0, min=1, max=2, sum=3, collapsed=none, positive={35:1,0:1}, negative={})'::quantile_sketch;
SELECT '(version=1, relative_accuracy=0.01, count=1, zero_count=0, min=1, max=1, sum=NaN, collapsed=none, positive={0:1}, negative={})'::quantile_sketch;
SELECT '(version=1, relative_accuracy=0.01, count=1, zero_count=0, min=1, max=1, sum=5, collapsed=none, positive={0:1}, negative={})'::quantile_sketch;
SELECT '(version=1, relative_accuracy=0.01, count=1, zero_count=0, min=1, max=1000, sum=1, collapsed=none, positive={0:1}, negative={})'::quantile_sketch;
SELECT '(version=1, relative_accuracy=0.01, count=1, zero_count=0, min=-1, max=1, sum=1, collapsed=none, positive={0:1}, negative={})'::quantile_sketch;
SELECT '(version=1, relative_accuracy=0.01, count=1, zero_count=0, min=1, max=1, sum=1, collapsed=positive, positive={0:1}, negative={})'::quantile_sketch;
SELECT '(version=1, relative_accuracy=0.01, count=2, zero_count=0, min=1, max=1e30, sum=1e30, collapsed=none, positive={0:1,3500:1}, negative={})'::quantile_sketch;
SELECT '(version=1, relative_accuracy=0.01, count=1, zero_count=0, min=1, max=1, sum=1, collapsed=none, positive={99999999:1}, negative={})'::quantile_sketch;
SELECT '(version=1, relative_accuracy=0.01, count=9223372036854775807, zero_count=9223372036854775807, min=0, max=0, sum=0, collapsed=none, positive={}, negative={0:1})'::quantile_sketch;
SELECT '(version=1, relative_accuracy=0.01, count=0, zero_count=0, min=0, max=0, sum=0, collapsed=none, positive={}, negative={}) trailing'::quantile_sketch;
\set VERBOSITY default
SELECT 'garbage'::quantile_sketch;
SELECT '(version=1, relative_accuracy=0.01, count=1, zero_count=0, min=1, max=1000, sum=1, collapsed=none, positive={0:1}, negative={})'::quantile_sketch;

-- huge counts: merging past 2^63 - 1 values is an error, not a wrap-around
\set VERBOSITY sqlstate
SELECT s + s FROM (SELECT '(version=1, relative_accuracy=0.01, count=9223372036854775807, zero_count=9223372036854775807, min=0, max=0, sum=0, collapsed=none, positive={}, negative={})'::quantile_sketch AS s) t;
\set VERBOSITY default
SELECT quantile(s, 0.5), value_count(s)
FROM (SELECT '(version=1, relative_accuracy=0.01, count=9223372036854775807, zero_count=9223372036854775806, min=0, max=5, sum=5, collapsed=none, positive={81:1}, negative={})'::quantile_sketch AS s) t;

-- corrupt binary input (COPY calls the receive function on the bytes)
CREATE TABLE sk_bad_bytes (ord serial, b bytea);
INSERT INTO sk_bad_bytes (b) VALUES ('\x'), ('\x02'), ('\x01'), ('\x0100'),
  ('\x01003f847ae147ae147b000000000000'),      -- empty but one byte too many
  ('\x01003f847ae147ae147b00000000'),          -- empty but one byte short
  ('\x01003f847ae147ae147b0000000080'),        -- an unterminated varint
  ('\x01003f847ae147ae147b0100000000'),        -- count 1 without min and max
  ('\x0104' || substr(quantile_sketch_send('(version=1, relative_accuracy=0.01, count=0, zero_count=0, min=0, max=0, sum=0, collapsed=none, positive={}, negative={})'), 3)),
  ('\x0100bff0000000000000000000000000'),      -- negative relative accuracy
  (quantile_sketch_send('(version=1, relative_accuracy=0.01, count=0, zero_count=0, min=0, max=0, sum=0, collapsed=none, positive={}, negative={})'));  -- valid
CREATE TABLE sk_bad_one (b bytea);
CREATE TABLE sk_recv (s quantile_sketch);
DO $$
DECLARE
  path text := current_setting('data_directory') || '/sk_bad.bin';
  r record;
BEGIN
  FOR r IN SELECT b FROM sk_bad_bytes ORDER BY ord LOOP
    DELETE FROM sk_bad_one;
    INSERT INTO sk_bad_one VALUES (r.b);
    EXECUTE format('COPY sk_bad_one TO %L WITH (FORMAT binary)', path);
    BEGIN
      EXECUTE format('COPY sk_recv FROM %L WITH (FORMAT binary)', path);
      RAISE NOTICE 'accepted %', r.b;
    EXCEPTION WHEN OTHERS THEN
      RAISE NOTICE '% %', SQLSTATE, SQLERRM;
    END;
  END LOOP;
END $$;
SELECT value_count(s) FROM sk_recv;

-- mutated text forms: each parses or fails with a class-22 error, never worse
SELECT setseed(0.42);
DO $$
DECLARE
  base text := (SELECT quantile_sketch_agg(ms)::text FROM sk_requests);
  t text;
  pos int;
  parsed int := 0;
  rejected int := 0;
BEGIN
  FOR i IN 1..3000 LOOP
    t := base;
    FOR j IN 1..1 + (random() * 2)::int LOOP
      pos := 1 + (random() * (length(t) - 1))::int;
      t := overlay(t placing substr('0123456789-+.,:{}()= eNa', 1 + (random() * 23)::int, 1)
                   from pos for (random() * 2)::int);
    END LOOP;
    BEGIN
      IF t::quantile_sketch::text::quantile_sketch = t::quantile_sketch THEN
        parsed := parsed + 1;
      END IF;
    EXCEPTION WHEN data_exception THEN
      rejected := rejected + 1;
    END;
  END LOOP;
  RAISE NOTICE 'mutations: % parsed and round-tripped or rejected with class 22', parsed + rejected;
END $$;

DROP TABLE sk_requests, sk_copy, sk_copy_bin, sk_copy_txt, sk_bad_bytes, sk_bad_one, sk_recv;
