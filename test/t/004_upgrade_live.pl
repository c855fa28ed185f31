# An in-place upgrade with a rollout running: a server on the 1.0 release
# (library and SQL) decides a real-time rollout; the new version's files are
# installed, the server restarts onto the new library, which serves the
# database still on the 1.0 SQL, and ALTER EXTENSION ... UPDATE runs while
# the worker decides.  The rollout completes with every checkpoint decided
# exactly once.  build/stage-1.0 (make stage-1.0) holds the 1.0 release.
use strict;
use warnings;

use File::Basename qw(dirname);
use File::Copy qw(copy);
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my ($stage, $staged10, $pkglib, $sharedir) = @ENV{qw(STAGE STAGE_1_0 PG_PKGLIB PG_SHAREDIR)};
plan skip_all => 'the 1.0 release is not staged (make stage-1.0)'
  unless $staged10 && -f "$staged10$pkglib/cohort_analyzer.so";

# a server installation of our own, since the test installs into it
my $stage10 = "${PostgreSQL::Test::Utils::tmp_check}/stage-1.0";
system('cp', '-a', $staged10, $stage10) == 0 or die "copying $staged10 failed";

my $node = PostgreSQL::Test::Cluster->new('live', install_path => $stage10 . dirname($pkglib));
$node->init;
$node->append_conf('postgresql.conf', qq{
shared_preload_libraries = 'cohort_analyzer'
cohort_analyzer.naptime = '100ms'
timezone = 'UTC'
lc_messages = 'C'
});
$node->start;

$node->safe_psql('postgres', q{
CREATE EXTENSION cohort_analyzer;
CREATE TABLE requests AS
SELECT now() - interval '1 minute' + s * interval '100 milliseconds' AS ts, arm,
       s % 100 = 0 AS is_error, (10 + s % 7)::float8 AS latency_ms
FROM generate_series(0, 3000) AS s, unnest(ARRAY['control', 'treatment']) AS arm;
CREATE TABLE stored AS SELECT arm, cohort_agg(is_error) AS c, quantile_sketch_agg(latency_ms) AS s
FROM requests GROUP BY arm;
});
is($node->safe_psql('postgres', "SELECT extversion FROM pg_extension WHERE extname = 'cohort_analyzer'"),
	'1.0', 'the server runs the 1.0 release');
my $values = q{SELECT string_agg(concat_ws(' ', arm, c, s, units(c), quantile(s, 0.5), quantile(s, 0.99)), '; ' ORDER BY arm)
FROM stored};
my $stored_10 = $node->safe_psql('postgres', $values);

# three phases, three checkpoints each, 3 s apart: 27 s in all
my @phases;
foreach my $p (['canary', 0.01], ['ramp', 0.1], ['full', 1])
{
	push @phases,
	  qq({"name": "$p->[0]", "traffic": $p->[1], "duration": "9 seconds",
		"checkpoints": ["3 seconds", "6 seconds", "9 seconds"],
		"thresholds": {"error_rate": {"max": 0.5}, "latency_p99": {"max": 200}}});
}
my $plan = '{"phases": [' . join(', ', @phases) . '], "min_requests": 5}';
$node->safe_psql('postgres', "SELECT rollout_create('live', 'requests', '$plan'); SELECT rollout_start('live')");
my $decided = "SELECT count(*) FROM rollout_decisions WHERE rollout = 'live' AND checkpoint_at IS NOT NULL";
ok($node->poll_query_until('postgres', "SELECT ($decided) >= 1"), 'the 1.0 worker decides');

# install the new version's files as `make install` does: each replaced by
# a new file, never rewritten under a running server
foreach my $f ("$pkglib/cohort_analyzer.so",
	map { s/^\Q$stage\E//r } glob("$stage$sharedir/extension/cohort_analyzer*"))
{
	copy("$stage$f", "$stage10$f.new") or die "copy $f: $!";
	chmod 0755, "$stage10$f.new";
	rename("$stage10$f.new", "$stage10$f") or die "rename $f: $!";
}
$node->restart;
is($node->safe_psql('postgres', "SELECT extversion FROM pg_extension WHERE extname = 'cohort_analyzer'"),
	'1.0', 'after the restart the database is still on the 1.0 SQL');
my $n = $node->safe_psql('postgres', $decided);
ok($node->poll_query_until('postgres', "SELECT ($decided) > $n"),
	'the new library decides for the 1.0 SQL');
like($stored_10, qr/^control .* 3001 /, 'values stored under 1.0');
is($node->safe_psql('postgres', $values), $stored_10,
	'the new library reads them and answers as 1.0 did');

$node->safe_psql('postgres', 'ALTER EXTENSION cohort_analyzer UPDATE');
is($node->safe_psql('postgres', "SELECT extversion FROM pg_extension WHERE extname = 'cohort_analyzer'"),
	'1.1', 'updated while the worker decides');
ok( $node->poll_query_until('postgres', "SELECT state = 'completed' FROM rollout_status('live')"),
	'the rollout completes');
is( $node->safe_psql('postgres', qq{
SELECT count(*) || ' ' || count(DISTINCT (phase_run, checkpoint_no)) || ' '
       || count(*) FILTER (WHERE metrics ? 'skipped_checkpoints') || ' ' || string_agg(DISTINCT actor, ',')
FROM rollout_decisions WHERE rollout = 'live' AND checkpoint_at IS NOT NULL}),
	'9 9 0 worker', 'every checkpoint decided exactly once, by the worker');
is( $node->safe_psql('postgres',
		"SELECT bool_and(owner_id = 'postgres'::regrole) FROM rollout_decisions WHERE rollout = 'live'"),
	't', 'decisions of both versions carry the owner');
# databases still on the 1.0 SQL never signal the launcher: one whose
# rollout starts after the server's scan is found by the next reload, or
# gets its worker when it is updated
my $long_plan = '{"phases": [{"name": "only", "traffic": 0.5, "duration": "2 hours", "checkpoints": ["1 hour"],'
  . ' "thresholds": {"error_rate": {"max": 0.5}}}], "min_requests": 5}';
foreach my $db ('late_update', 'late_reload')
{
	$node->safe_psql('postgres', "CREATE DATABASE $db");
	$node->safe_psql($db, qq{
CREATE EXTENSION cohort_analyzer VERSION '1.0';
CREATE TABLE requests AS SELECT now() AS ts, 'control' AS arm, false AS is_error, 1::float8 AS latency_ms;
SELECT rollout_create('late', 'requests', '$long_plan');
SELECT rollout_start('late');
});
}
my $worker_of = "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'cohort_analyzer worker' AND datname =";
$node->safe_psql('late_update', 'ALTER EXTENSION cohort_analyzer UPDATE');
ok($node->poll_query_until('postgres', "$worker_of 'late_update'", '1'),
	'updating a 1.0 database with a running rollout brings it a worker');
$node->safe_psql('postgres', 'SELECT pg_reload_conf()');
ok($node->poll_query_until('postgres', "$worker_of 'late_reload'", '1'),
	'a reload finds a 1.0 database with a running rollout');

unlike(slurp_file($node->logfile), qr/could not find function|rollout evaluation failed|could not be evaluated/,
	'no missing symbol and no failed evaluation in the log');

$node->stop;
done_testing();
