# A bounded sqlsmith run: random queries from a fixed seed, as an ordinary
# role, against a database holding the extension and tables with values of
# every type (edge cases included).  No query may crash the server.
#
# SQLSMITH_QUERIES and SQLSMITH_SEED override the defaults for longer runs.
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(time);

my $queries = $ENV{SQLSMITH_QUERIES} // 5000;
my $seed = $ENV{SQLSMITH_SEED} // 20261202;

my ($sqlsmith) = grep { -x $_ } map { "$_/sqlsmith" } split /:/, $ENV{PATH};
ok(defined $sqlsmith, 'sqlsmith is installed') or BAIL_OUT('sqlsmith is missing');

my $node = PostgreSQL::Test::Cluster->new('sqlsmith');
$node->init;
$node->append_conf('postgresql.conf', qq{
timezone = 'UTC'
lc_messages = 'C'
max_parallel_workers_per_gather = 2
temp_file_limit = '64MB'
log_min_messages = 'warning'
log_min_error_statement = 'panic'
});
$node->start;

$node->safe_psql('postgres', q{
CREATE EXTENSION cohort_analyzer;
CREATE ROLE smith LOGIN;
CREATE SCHEMA smith AUTHORIZATION smith;
ALTER ROLE smith SET search_path = smith, public;
ALTER ROLE smith SET statement_timeout = '2s';
});

# The tables belong to the ordinary role, as an analyst's would.
$node->safe_psql('postgres', q{
SET ROLE smith;
SET statement_timeout = 0;
SET search_path = smith, public;
CREATE TABLE learners AS
SELECT i, CASE WHEN i % 2 = 0 THEN 'control' ELSE 'treatment' END AS variant,
       CASE WHEN i % 13 = 0 THEN NULL ELSE i % 3 = 0 END AS completed, i % 7 = 0 AS churned,
       CASE WHEN i % 17 = 0 THEN NULL ELSE (i % 50) * 1.25 END::float8 AS revenue,
       (i % 11) * 2.0::float8 AS pre_revenue, 5 + (i % 97) * 1.5::float8 AS latency_ms,
       timestamptz '2026-01-05 08:00+00' + (i % 21) * interval '1 day' AS signup_at,
       timestamptz '2026-01-05 08:00+00' + (i % 21) * interval '1 day' + (i % 40) * interval '1 day' AS seen_at,
       (i % 60) + 0.5::float8 AS days, i % 5 <> 0 AS died,
       (ARRAY['day', 'week', 'month', 'quarter', 'year'])[1 + i % 5] AS unit,
       (ARRAY['en-US', 'th-TH-u-ca-buddhist', 'ar-SA-u-ca-islamic-umalqura', 'he-IL-u-ca-hebrew',
              'zh-CN-u-ca-chinese', 'de', 'xx-bogus', ''])[1 + i % 8] AS locale,
       (ARRAY['Europe/Berlin', 'UTC', 'America/New_York', 'Asia/Kolkata', 'Nowhere/Bogus'])[1 + i % 5] AS tz,
       (ARRAY['completion', 'churn', 'value', 'value_cuped', 'bogus'])[1 + i % 5] AS metric,
       (ARRAY['wilson', 'clopper-pearson', 'agresti-coull', 'jeffreys', 'holm', 'bh', 'on',
              'eligible', 'on_or_after', 'two-sided', 'greater', 'less'])[1 + i % 12] AS method,
       (ARRAY[0.05, 0.5, 0.95, 0, 1, -1, 2, 'NaN', 'Infinity', '-Infinity', 1e-300, 1e300])[1 + i % 12]::float8 AS x,
       (ARRAY[0, 1, -1, 7, 1024, 2147483647, -2147483648])[1 + i % 7]::int AS n,
       (ARRAY[0, 1, -1, 100, 9223372036854775807, -9223372036854775808])[1 + i % 6]::bigint AS big
FROM generate_series(1, 400) AS i;

CREATE TABLE values_of_every_type (
    kind text, c cohort, s quantile_sketch, a activity, r retention, v survival,
    counts bigint[], shares float8[], ps float8[]);
INSERT INTO values_of_every_type (kind, c, s, v)
SELECT variant, cohort_agg(completed, churned, revenue, pre_revenue), quantile_sketch_agg(latency_ms),
       survival_agg(days, died)
FROM learners GROUP BY variant;
INSERT INTO values_of_every_type (kind, c, s, v)
SELECT 'empty', cohort_agg(completed, churned, revenue), quantile_sketch_agg(latency_ms),
       survival_agg(days, died)
FROM learners WHERE false;
INSERT INTO values_of_every_type (kind, c, s, v) VALUES
    ('null', NULL, NULL, NULL),
    ('counts', cohort_from_counts(1000, 300, 20), (SELECT quantile_sketch_agg(v) FROM unnest('{1,2,3}'::float8[]) v),
     '(version=1, observations=0, events=0, points=[])'::survival),
    ('huge', cohort_from_counts(9223372036854775807, 9223372036854775807, 0), NULL,
     '(version=1, observations=9223372036854775807, events=0, points=[0.5:0/9223372036854775807])');
INSERT INTO values_of_every_type (kind, s)
SELECT 'signs', quantile_sketch_agg(x * latency_ms, 0.001)
FROM (SELECT CASE WHEN i % 3 = 0 THEN -1 WHEN i % 3 = 1 THEN 0 ELSE 1 END AS x, latency_ms
      FROM learners) q;
INSERT INTO values_of_every_type (kind, s)
SELECT 'wide', quantile_sketch_agg(power(10, (i % 600) - 300), 0.000001)
FROM generate_series(1, 600) i;
INSERT INTO values_of_every_type (kind, a)
SELECT 'activity ' || unit || ' ' || i, activity_agg(signup_at, seen_at, unit, 1 + i % 30,
       (ARRAY['en-US', 'th-TH-u-ca-buddhist', 'fa-IR-u-ca-persian'])[1 + i % 3])
FROM learners WHERE i <= 40 GROUP BY i, unit;
INSERT INTO values_of_every_type (kind, r)
SELECT 'retention ' || unit, retention_agg(a, timestamptz '2026-03-01 00:00+00')
FROM (SELECT unit, activity_agg(signup_at, seen_at, unit, 8) AS a FROM learners GROUP BY i, unit) AS per_unit
GROUP BY unit;
INSERT INTO values_of_every_type (kind, counts, shares, ps) VALUES
    ('arrays', '{500,510}', '{0.5,0.5}', '{0.01,0.04,0.03,0.2}'),
    ('odd arrays', '{0,-1,NULL}', '{NaN,0,-1}', '{2,NaN,NULL}'),
    ('empty arrays', '{}', '{}', '{}');

CREATE TABLE stored_bytes AS
SELECT kind, cohort_send(c) AS c_bin, quantile_sketch_send(s) AS s_bin, activity_send(a) AS a_bin,
       retention_send(r) AS r_bin, survival_send(v) AS v_bin,
       c::text AS c_text, s::text AS s_text, a::text AS a_text, r::text AS r_text, v::text AS v_text
FROM values_of_every_type;

CREATE MATERIALIZED VIEW daily AS
SELECT variant, date_trunc('day', signup_at) AS day,
       cohort_agg(completed, churned, revenue) AS c, quantile_sketch_agg(latency_ms) AS s,
       survival_agg(days, died) AS v
FROM learners GROUP BY 1, 2;

CREATE TABLE requests AS
SELECT timestamptz '2026-03-02 09:00+00' + s * interval '1 second' AS ts, arm,
       s % 50 = 0 AS is_error, 10 + (s % 17)::float8 AS latency_ms
FROM generate_series(0, 299) AS s, unnest(ARRAY['control', 'treatment']) AS arm;
RESET ROLE;
ANALYZE;
});

my $log_offset = -s $node->logfile;
my $conn = join ' ', 'host=' . $node->host, 'port=' . $node->port,
  'dbname=postgres', 'user=smith';
my $start = time;
my ($stdout, $stderr);
my $ok = IPC::Run::run(
	[ $sqlsmith, "--target=$conn", "--seed=$seed", "--max-queries=$queries", '--exclude-catalog' ],
	'>', \$stdout, '2>', \$stderr,
	IPC::Run::timeout(1800));
my $elapsed = time - $start;
note(sprintf('sqlsmith: %d queries from seed %d in %.0f s', $queries, $seed, $elapsed));
note($stderr);
ok($ok, 'sqlsmith ran to the end');

my $log = slurp_file($node->logfile, $log_offset);
my @crashes = $log =~ /(terminated by signal.*\n(?:.*DETAIL:.*\n)?)/g;
is(scalar(@crashes), 0, 'no backend was terminated by a signal')
  or diag(join "\n", @crashes);
unlike($log, qr/PANIC|server process .* exited with exit code [^01]/, 'no PANIC, no abnormal exit');
# sqlsmith also writes: whatever its statements left must still read back
like($node->safe_psql('postgres',
		'SELECT count(concat(c, s, a, r, v)) FROM smith.values_of_every_type'),
	qr/^\d+$/, 'the server still answers and the stored values read back');

$node->stop;
done_testing();
