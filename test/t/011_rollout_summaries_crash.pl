# Incremental summaries and crashes: the worker killed with kill -9 while
# it summarizes a rollout's buckets leaves no bucket and no unit written
# and the mark unmoved; after the restart the buckets are summarized once,
# and their counts equal the source's.
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('summaries');
$node->init;
$node->append_conf('postgresql.conf', qq{
shared_preload_libraries = 'cohort_analyzer'
cohort_analyzer.naptime = '100ms'
restart_after_crash = on
timezone = 'UTC'
});
$node->start;

# ten minutes of requests up to now, read through a view that sleeps
# 3 s per query: the worker's read is long enough to be killed in it
$node->safe_psql('postgres', q{
CREATE EXTENSION cohort_analyzer;
CREATE TABLE requests AS
SELECT date_trunc('minute', now()) - interval '10 minutes' + s * interval '250 milliseconds' AS ts, arm,
       s % 37 = 0 AS is_error, (s % 90)::float8 AS latency_ms, 'u' || (s % 300) AS unit_id
FROM generate_series(0, 2399) AS s, unnest(ARRAY['control', 'treatment']) AS arm;
CREATE VIEW slow_requests AS SELECT r.* FROM requests r, (SELECT pg_catalog.pg_sleep(3)) AS pause;
SELECT rollout_create('crash', 'slow_requests', '{"measurement": "incremental", "settle": "0 minutes",
    "srm": "off", "unit_crossover": "off", "min_requests": 5,
    "phases": [{"name": "only", "traffic": 0.5, "duration": "2 hours", "checkpoints": ["2 hours"],
                "thresholds": {"error_rate": {"max": 0.5}}}]}');
SELECT rollout_start('crash', date_trunc('minute', now()) - interval '10 minutes');
});

# the worker sleeps inside its read of the source: kill it there
ok( $node->poll_query_until('postgres',
		"SELECT count(*) = 1 FROM pg_stat_activity WHERE backend_type = 'cohort_analyzer worker' AND wait_event = 'PgSleep'"),
	'the worker is reading the source for the summaries');
my $pid = $node->safe_psql('postgres',
	"SELECT pid FROM pg_stat_activity WHERE backend_type = 'cohort_analyzer worker' AND wait_event = 'PgSleep'");
kill 'KILL', $pid;
ok( $node->poll_query_until('postgres', 'SELECT true'), 'the server is back after the crash');

is( $node->safe_psql('postgres',
		"SELECT (SELECT count(*) FROM rollout_buckets) || ' ' || (SELECT count(*) FROM rollout_unit_maps) || ' '
		 || (SELECT count(*) FROM rollout_summary_marks m JOIN rollouts r ON r.id = m.rollout_id
		     WHERE m.summarized_until > r.phase_started_at)"),
	'0 0 0', 'nothing of the killed summary was written');

# the source without the pause: the restarted worker summarizes the
# closed buckets once
$node->safe_psql('postgres',
	'CREATE OR REPLACE VIEW slow_requests AS SELECT r.* FROM requests r, (SELECT 1) AS pause');
ok( $node->poll_query_until('postgres',
		"SELECT m.summarized_until >= date_trunc('minute', now()) FROM rollout_summary_marks m"),
	'the buckets up to now are summarized after the restart');
is( $node->safe_psql('postgres', q{
		SELECT count(*) FROM (SELECT bucket_start, arm FROM rollout_buckets
		                      GROUP BY bucket_start, arm HAVING count(*) > 1) AS doubled}),
	'0', 'no bucket written twice');
is( $node->safe_psql('postgres', q{
		SELECT (SELECT sum(requests) FROM rollout_buckets) = count(*)
		       AND (SELECT sum(errors) FILTER (WHERE arm = 'treatment') FROM rollout_buckets)
		           = count(*) FILTER (WHERE arm = 'treatment' AND is_error)
		       AND (SELECT sum(rollout_unit_map_units(units)) FROM rollout_unit_maps)
		           = count(DISTINCT (arm, unit_id))
		FROM requests, rollout_summary_marks m
		WHERE ts < m.summarized_until}),
	't', 'the stored buckets count every row of the source once, the unit maps every unit');
is( $node->safe_psql('postgres',
		"SELECT failures FROM rollouts WHERE name = 'crash'"), '0', 'the rollout has no recorded failure');

$node->stop;
done_testing();
