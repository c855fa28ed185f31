-- Equality, order and hashing of the summary types: SELECT DISTINCT,
-- UNION, GROUP BY, ORDER BY, btree and hash indexes, and the agreement of
-- =, the btree comparison and the hash functions.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS cohort_analyzer;
RESET client_min_messages;
SET TimeZone = 'UTC';

-- one row per value, each value stored twice (and, for a few, computed
-- again below): values of every type, including near-duplicates that
-- differ in a single bit or only in length
CREATE TEMP TABLE summaries (id serial, k text, c cohort, s quantile_sketch, a activity,
                             r retention, v survival);
INSERT INTO summaries (k, c)
SELECT 'c' || g, cohort_agg(i % g = 0, i % 7 = 0, i * 0.5)
FROM generate_series(1, 3) AS g, generate_series(1, 100) AS i GROUP BY g;
-- -0.0 is stored as 0: the same value, whichever way it was made
INSERT INTO summaries (k, c) VALUES ('c0', cohort_from_counts(0, 0)), ('c0', cohort_from_counts(0, 0, 0, -0.0, 0));
INSERT INTO summaries (k, s)
SELECT 's' || g, quantile_sketch_agg(i * g) FROM generate_series(1, 3) AS g, generate_series(1, 50) AS i GROUP BY g;
INSERT INTO summaries (k, s) SELECT 's-short', quantile_sketch_agg(1);
INSERT INTO summaries (k, a)
SELECT 'a' || g, activity_agg('2026-01-05', '2026-01-05'::timestamptz + (g * i) * interval '1 day', 'day', 10)
FROM generate_series(1, 3) AS g, generate_series(0, 3) AS i GROUP BY g;
INSERT INTO summaries (k, r)
SELECT 'r' || g, ('(version=1, unit=week, periods=2, units=' || g || ', on={' || g || ',1}, on_or_after={' || g || ',1}, eligible={' || g || ',' || g || '})')::retention
FROM generate_series(1, 3) AS g;
INSERT INTO summaries (k, v)
SELECT 'v' || g, survival_agg(i, i % g = 0) FROM generate_series(1, 3) AS g, generate_series(1, 20) AS i GROUP BY g;
INSERT INTO summaries (k, c, s, a, r, v) SELECT k, c, s, a, r, v FROM summaries;

-- the default operator classes
SELECT opc.opcname, am.amname, opc.opcintype::regtype, opc.opcdefault
FROM pg_opclass opc JOIN pg_am am ON am.oid = opc.opcmethod
WHERE opc.opcintype IN ('cohort'::regtype, 'quantile_sketch'::regtype, 'activity'::regtype,
                        'retention'::regtype, 'survival'::regtype)
ORDER BY 3::text, 2;

-- DISTINCT, GROUP BY and UNION, sorted and hashed
SELECT count(DISTINCT c) AS c, count(DISTINCT s) AS s, count(DISTINCT a) AS a,
       count(DISTINCT r) AS r, count(DISTINCT v) AS v FROM summaries;
SET enable_hashagg = off;
SELECT (SELECT count(*) FROM (SELECT DISTINCT c FROM summaries WHERE c IS NOT NULL) x) AS c,
       (SELECT count(*) FROM (SELECT s FROM summaries WHERE s IS NOT NULL GROUP BY s) x) AS s,
       (SELECT count(*) FROM (SELECT a FROM summaries WHERE a IS NOT NULL UNION SELECT a FROM summaries WHERE a IS NOT NULL) x) AS a,
       (SELECT count(*) FROM (SELECT DISTINCT r FROM summaries WHERE r IS NOT NULL) x) AS r,
       (SELECT count(*) FROM (SELECT v FROM summaries WHERE v IS NOT NULL GROUP BY v) x) AS v;
RESET enable_hashagg;
SET enable_sort = off;
EXPLAIN (COSTS OFF) SELECT c FROM summaries UNION SELECT c FROM summaries;
SELECT (SELECT count(*) FROM (SELECT DISTINCT c FROM summaries WHERE c IS NOT NULL) x) AS c,
       (SELECT count(*) FROM (SELECT s FROM summaries WHERE s IS NOT NULL GROUP BY s) x) AS s,
       (SELECT count(*) FROM (SELECT a FROM summaries WHERE a IS NOT NULL UNION SELECT a FROM summaries WHERE a IS NOT NULL) x) AS a,
       (SELECT count(*) FROM (SELECT DISTINCT r FROM summaries WHERE r IS NOT NULL) x) AS r,
       (SELECT count(*) FROM (SELECT v FROM summaries WHERE v IS NOT NULL GROUP BY v) x) AS v;
RESET enable_sort;
SELECT k, count(*) FROM summaries WHERE c IS NOT NULL GROUP BY c, k ORDER BY k;

-- ORDER BY: the order is arbitrary but stable (the same in every release)
SELECT string_agg(DISTINCT k, ' ') FILTER (WHERE c IS NOT NULL) AS c_order FROM (SELECT k, c FROM summaries ORDER BY c, k) x;
SELECT k FROM summaries WHERE c IS NOT NULL GROUP BY k, c ORDER BY c, k;
SELECT k FROM summaries WHERE s IS NOT NULL GROUP BY k, s ORDER BY s, k;
SELECT k FROM summaries WHERE a IS NOT NULL GROUP BY k, a ORDER BY a DESC, k;
SELECT k FROM summaries WHERE r IS NOT NULL GROUP BY k, r ORDER BY r, k;
SELECT k FROM summaries WHERE v IS NOT NULL GROUP BY k, v ORDER BY v, k;

-- =, <, <=, >, >=, the btree comparison and the hashes agree on every pair
-- of stored values of a type
CREATE TEMP TABLE pairs AS
SELECT x.k AS k1, y.k AS k2, x.c = y.c AS eq, cohort_cmp(x.c, y.c) AS cmp,
       x.c < y.c AS lt, x.c <= y.c AS le, x.c > y.c AS gt, x.c >= y.c AS ge,
       cohort_hash(x.c) = cohort_hash(y.c) AS heq,
       cohort_hash_extended(x.c, 7) = cohort_hash_extended(y.c, 7) AS hxeq
FROM summaries x, summaries y WHERE x.c IS NOT NULL AND y.c IS NOT NULL
UNION ALL
SELECT x.k, y.k, x.s = y.s, quantile_sketch_cmp(x.s, y.s), x.s < y.s, x.s <= y.s, x.s > y.s, x.s >= y.s,
       quantile_sketch_hash(x.s) = quantile_sketch_hash(y.s),
       quantile_sketch_hash_extended(x.s, 7) = quantile_sketch_hash_extended(y.s, 7)
FROM summaries x, summaries y WHERE x.s IS NOT NULL AND y.s IS NOT NULL
UNION ALL
SELECT x.k, y.k, x.a = y.a, activity_cmp(x.a, y.a), x.a < y.a, x.a <= y.a, x.a > y.a, x.a >= y.a,
       activity_hash(x.a) = activity_hash(y.a),
       activity_hash_extended(x.a, 7) = activity_hash_extended(y.a, 7)
FROM summaries x, summaries y WHERE x.a IS NOT NULL AND y.a IS NOT NULL
UNION ALL
SELECT x.k, y.k, x.r = y.r, retention_cmp(x.r, y.r), x.r < y.r, x.r <= y.r, x.r > y.r, x.r >= y.r,
       retention_hash(x.r) = retention_hash(y.r),
       retention_hash_extended(x.r, 7) = retention_hash_extended(y.r, 7)
FROM summaries x, summaries y WHERE x.r IS NOT NULL AND y.r IS NOT NULL
UNION ALL
SELECT x.k, y.k, x.v = y.v, survival_cmp(x.v, y.v), x.v < y.v, x.v <= y.v, x.v > y.v, x.v >= y.v,
       survival_hash(x.v) = survival_hash(y.v),
       survival_hash_extended(x.v, 7) = survival_hash_extended(y.v, 7)
FROM summaries x, summaries y WHERE x.v IS NOT NULL AND y.v IS NOT NULL;
SELECT count(*) AS pairs,
       count(*) FILTER (WHERE eq) AS equal_pairs,
       count(*) FILTER (WHERE eq IS DISTINCT FROM (k1 = k2)) AS eq_not_same_value,
       count(*) FILTER (WHERE eq IS DISTINCT FROM (cmp = 0) OR lt IS DISTINCT FROM (cmp < 0)
                        OR le IS DISTINCT FROM (cmp <= 0) OR gt IS DISTINCT FROM (cmp > 0)
                        OR ge IS DISTINCT FROM (cmp >= 0) OR cmp NOT IN (-1, 0, 1)) AS cmp_disagrees,
       count(*) FILTER (WHERE eq AND NOT (heq AND hxeq)) AS equal_but_hashes_differ,
       count(*) FILTER (WHERE NOT eq AND heq) AS hash_collisions
FROM pairs;
-- antisymmetric
SELECT count(*) AS asymmetric FROM pairs p JOIN pairs q ON q.k1 = p.k2 AND q.k2 = p.k1
WHERE p.cmp <> -q.cmp;
-- a stored value (short header) and the same value computed again are equal
SELECT c = cohort_from_counts(0, 0) AS eq, cohort_cmp(c, cohort_from_counts(0, 0)) AS cmp,
       cohort_hash(c) = cohort_hash(cohort_from_counts(0, 0)) AS same_hash,
       pg_column_size(c) < pg_column_size(cohort_from_counts(0, 0)) AS stored_shorter
FROM summaries WHERE k = 'c0' LIMIT 1;
SELECT s = q.x AS eq, quantile_sketch_cmp(s, q.x) AS cmp, s <= q.x AS le, s < q.x AS lt,
       quantile_sketch_hash_extended(s, 3) = quantile_sketch_hash_extended(q.x, 3) AS same_hash
FROM summaries, (SELECT quantile_sketch_agg(1)) AS q(x) WHERE k = 's-short' LIMIT 1;
-- the 64-bit hash with seed 0 extends the 32-bit one, as hash partitioning expects
SELECT count(*) FILTER (WHERE cohort_hash(c) <> cohort_hash_extended(c, 0)::bit(32)::integer) AS differ
FROM summaries WHERE c IS NOT NULL;

-- indexes, unique constraints and joins on stored values
CREATE INDEX ON summaries (c);
CREATE INDEX ON summaries USING hash (s);
CREATE UNIQUE INDEX summaries_unique_v ON summaries (v) WHERE k = 'v1';
CREATE TEMP TABLE unique_retention (r retention UNIQUE);
INSERT INTO unique_retention SELECT r FROM summaries WHERE k = 'r2' LIMIT 1;
INSERT INTO unique_retention SELECT r FROM summaries WHERE k = 'r3' LIMIT 1;
INSERT INTO unique_retention SELECT r FROM summaries WHERE k = 'r2' LIMIT 1;
SET enable_seqscan = off;
EXPLAIN (COSTS OFF) SELECT k FROM summaries WHERE c = (SELECT c FROM summaries WHERE k = 'c2' LIMIT 1);
EXPLAIN (COSTS OFF) SELECT k FROM summaries WHERE s = (SELECT s FROM summaries WHERE k = 's3' LIMIT 1);
SELECT k FROM summaries WHERE c = (SELECT c FROM summaries WHERE k = 'c2' LIMIT 1) ORDER BY id;
SELECT k FROM summaries WHERE s = (SELECT s FROM summaries WHERE k = 's3' LIMIT 1) ORDER BY id;
RESET enable_seqscan;
SELECT count(*) AS matches FROM summaries x JOIN summaries y ON x.r = y.r;
