-- Values of every type as cohort_analyzer 1.0 makes them: the rows whose
-- text and binary forms are committed next to this file (see README.md).
-- Run against a database with CREATE EXTENSION cohort_analyzer VERSION '1.0'.
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, MDY';
SET extra_float_digits = 1;

CREATE TABLE format_values (
    name text PRIMARY KEY,
    c cohort, s quantile_sketch, a activity, r retention, v survival);

-- cohort
INSERT INTO format_values (name, c) VALUES
    ('cohort empty', cohort_from_counts(0, 0)),
    ('cohort counts', cohort_from_counts(1000, 321, 45, 12345.5, 987654.25)),
    ('cohort counts without values', cohort_from_counts(10, 3, 1)),
    ('cohort huge counts', cohort_from_counts(9000000000000000000, 4500000000000000000, 1, 1e12, 1e300)),
    ('cohort text input', '(version=1, units=7, completed=3/6, churned=1/7, value_n=5, value_mean=2.5, value_m2=10.75, paired_n=4, paired_value_mean=2.25, paired_covariate_mean=-1.5, paired_value_m2=8.5, paired_covariate_m2=3.25, paired_comoment=-0.125)');
INSERT INTO format_values (name, c)
SELECT 'cohort one unit', cohort_agg(true, false, 3.5, 1.0);
INSERT INTO format_values (name, c)
SELECT 'cohort aggregate',
       cohort_agg(CASE WHEN i % 13 = 0 THEN NULL ELSE i % 3 = 0 END,
                  CASE WHEN i % 17 = 0 THEN NULL ELSE i % 7 = 0 END,
                  CASE WHEN i % 5 = 0 THEN NULL ELSE (i % 50) * 1.25 - 7 END,
                  CASE WHEN i % 4 = 0 THEN NULL ELSE (i % 11) * 2.0 + 0.1 END)
FROM generate_series(1, 5000) AS i;
INSERT INTO format_values (name, c)
SELECT 'cohort extreme values', cohort_agg(i % 2 = 0, i % 3 = 0, v, -v)
FROM unnest(ARRAY[1e-300, -1e-300, 1e150, -2.5e149, 0, -0.0, 4.9e-324]::float8[]) WITH ORDINALITY AS u(v, i);

-- quantile_sketch
INSERT INTO format_values (name, s)
SELECT 'sketch one value', quantile_sketch_agg(42.5);
INSERT INTO format_values (name, s)
SELECT 'sketch 1..1000', quantile_sketch_agg(i) FROM generate_series(1, 1000) AS i;
INSERT INTO format_values (name, s)
SELECT 'sketch zeros and negatives', quantile_sketch_agg(v)
FROM unnest(ARRAY[0, 0, -0.0, -1, -2.5, -1000, 3, 7.25, 1e-5, -1e-5]::float8[]) AS v;
INSERT INTO format_values (name, s)
SELECT 'sketch alpha 0.001', quantile_sketch_agg(5 + (i % 97) * 1.5, 0.001) FROM generate_series(1, 3000) AS i;
INSERT INTO format_values (name, s)
SELECT 'sketch alpha 0.05', quantile_sketch_agg(exp(i / 50.0), 0.05) FROM generate_series(-500, 500) AS i;
INSERT INTO format_values (name, s)
SELECT 'sketch collapsed', quantile_sketch_agg(10::float8 ^ (i / 10.0)::float8, 0.001) FROM generate_series(-3000, 3000) AS i;

-- activity
INSERT INTO format_values (name, a)
SELECT 'activity iso week', activity_agg('2026-11-02 09:00:00.123456+00', t, 'week', 10)
FROM unnest(ARRAY['2026-11-03', '2026-11-20', '2027-01-05']::timestamptz[]) AS t;
INSERT INTO format_values (name, a)
SELECT 'activity de-DE week', activity_agg('2026-11-02 09:00:00.123456+00', t, 'week', 10, 'de-DE')
FROM unnest(ARRAY['2026-11-03', '2026-11-20', '2027-01-05']::timestamptz[]) AS t;
INSERT INTO format_values (name, a)
SELECT 'activity day only origin', activity_agg('2026-03-01 12:00+00', '2026-03-01 13:00+00', 'day', 1);
SET TimeZone = 'America/New_York';
INSERT INTO format_values (name, a)
SELECT 'activity day new york', activity_agg('2026-03-01 12:00+00', t, 'day', 17)
FROM unnest(ARRAY['2026-03-08 05:00+00', '2026-03-09 03:59:59+00', '2026-03-17 12:00+00']::timestamptz[]) AS t;
SET TimeZone = 'Asia/Kolkata';
INSERT INTO format_values (name, a)
SELECT 'activity month 200 periods', activity_agg('2020-01-31 20:00+00', '2020-01-31 20:00+00'::timestamptz + i * interval '37 days', 'month', 200, 'en-US')
FROM generate_series(0, 150) AS i;
SET TimeZone = 'UTC';
INSERT INTO format_values (name, a)
SELECT 'activity quarter islamic', activity_agg('2025-06-01 00:00+00', t, 'quarter', 6, 'ar-SA@calendar=islamic-umalqura')
FROM unnest(ARRAY['2025-06-02', '2026-01-15']::timestamptz[]) AS t;
INSERT INTO format_values (name, a)
SELECT 'activity year', activity_agg('2020-06-01 00:00+00', t, 'year', 5)
FROM unnest(ARRAY['2021-06-02', '2024-12-31 23:59:59']::timestamptz[]) AS t;

-- retention
INSERT INTO format_values (name, r)
SELECT 'retention weeks', retention_agg(a)
FROM (SELECT activity_agg('2026-01-05 08:00+00'::timestamptz + (i % 21) * interval '1 day',
                          '2026-01-05 08:00+00'::timestamptz + (i % 21) * interval '1 day' + (i * j % 40) * interval '1 day',
                          'week', 8) AS a
      FROM generate_series(1, 300) AS i, generate_series(0, 4) AS j GROUP BY i) AS per_unit;
INSERT INTO format_values (name, r)
SELECT 'retention weeks as of', retention_agg(a, '2026-02-01 00:00+00')
FROM (SELECT activity_agg('2026-01-05 08:00+00'::timestamptz + (i % 21) * interval '1 day',
                          '2026-01-05 08:00+00'::timestamptz + (i % 21) * interval '1 day' + (i * j % 40) * interval '1 day',
                          'week', 8) AS a
      FROM generate_series(1, 300) AS i, generate_series(0, 4) AS j GROUP BY i) AS per_unit;
INSERT INTO format_values (name, r) VALUES
    ('retention empty', '(version=1, unit=year, periods=1, units=0, on={0}, on_or_after={0}, eligible={0})'),
    ('retention text input', '(version=1, unit=month, periods=3, units=5, on={5,2,1}, on_or_after={5,3,1}, eligible={5,5,4})');

-- survival
INSERT INTO format_values (name, v)
SELECT 'survival one event', survival_agg(3.5, true);
INSERT INTO format_values (name, v)
SELECT 'survival all censored', survival_agg(i, false) FROM generate_series(1, 5) AS i;
INSERT INTO format_values (name, v)
SELECT 'survival ties', survival_agg((i % 60) + 0.5, i % 5 <> 0) FROM generate_series(1, 3000) AS i;
INSERT INTO format_values (name, v)
SELECT 'survival wide times', survival_agg(v, i % 2 = 0)
FROM unnest(ARRAY[1e-300, 4.9e-324, 0, 1e300, 0.1, 0.30000000000000004, 7]::float8[]) WITH ORDINALITY AS u(v, i);
INSERT INTO format_values (name, v) VALUES
    ('survival text input', '(version=1, observations=4, events=2, points=[1:1/0, 2.5:0/1, 4:1/1])');
