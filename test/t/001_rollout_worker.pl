# The rollout background workers on a real server: no worker while no
# rollout runs, a short plan driven to completion by the worker, which then
# leaves, SIGTERM, kill -9 and a crash restart without
# lost or doubled decisions, a naptime changed by SIGHUP, a standby that
# decides nothing until promoted, DROP EXTENSION (rolled back and
# committed) and DROP DATABASE.  No step depends on timing: every wait
# polls for the state it needs.
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('primary');
$node->init(allows_streaming => 1);
$node->append_conf('postgresql.conf', qq{
shared_preload_libraries = 'cohort_analyzer'
cohort_analyzer.naptime = '100ms'
max_worker_processes = 16
restart_after_crash = on
timezone = 'UTC'
});
$node->start;

# requests from a minute ago to ten minutes ahead: every checkpoint has data
my $setup = q{
CREATE EXTENSION cohort_analyzer;
CREATE TABLE requests AS
SELECT now() - interval '1 minute' + s * interval '100 milliseconds' AS ts, arm,
       false AS is_error, 10::float8 AS latency_ms
FROM generate_series(0, 6600) AS s, unnest(ARRAY['control', 'treatment']) AS arm;
};

# a plan in seconds: canary, ramp, full with two checkpoints each
sub short_plan
{
	my ($step) = @_;
	my @phases;
	foreach my $p (['canary', 0.01], ['ramp', 0.1], ['full', 1])
	{
		push @phases,
		  qq({"name": "$p->[0]", "traffic": $p->[1], "duration": "@{[2 * $step]} seconds",
			"checkpoints": ["$step seconds", "@{[2 * $step]} seconds"],
			"thresholds": {"error_rate": {"max": 0.5}, "latency_p99": {"max": 200}}});
	}
	return '{"phases": [' . join(', ', @phases) . '], "min_requests": 5, "srm": "off"}';
}

sub worker_pid
{
	my ($n, $db) = @_;
	return $n->safe_psql('postgres',
		"SELECT pid FROM pg_stat_activity WHERE backend_type = 'cohort_analyzer worker' AND datname = '$db'");
}

sub wait_for_state
{
	my ($n, $db, $rollout, $state) = @_;
	ok( $n->poll_query_until($db,
			"SELECT state = '$state' FROM rollout_status('$rollout')"),
		"rollout $rollout reaches $state");
}

# --- the launcher; a worker only while a rollout runs ---------------------
ok( $node->poll_query_until('postgres',
		"SELECT count(*) = 1 FROM pg_stat_activity WHERE backend_type = 'cohort_analyzer launcher'"),
	'launcher visible in pg_stat_activity');
$node->safe_psql('postgres', $setup);
ok( $node->poll_query_until('postgres',
		"SELECT count(*) = 0 FROM pg_stat_activity WHERE backend_type IN ('cohort_analyzer worker', 'cohort_analyzer scan')"),
	'no worker while no rollout runs');

# --- a short plan driven to completion by the worker -----------------------
$node->safe_psql('postgres',
	"SELECT rollout_create('short', 'requests', '" . short_plan(1) . "'); SELECT rollout_start('short');");
wait_for_state($node, 'postgres', 'short', 'completed');
is( $node->safe_psql('postgres',
		"SELECT string_agg(phase || ':' || decision || ':' || actor, ' ' ORDER BY id) FROM rollout_decisions WHERE rollout = 'short' AND checkpoint_at IS NOT NULL"),
	'canary:continue:worker canary:advance:worker ramp:continue:worker ramp:advance:worker full:continue:worker full:complete:worker',
	'every checkpoint decided once, in order, by the worker');
is($node->safe_psql('postgres', "SELECT rollout_traffic('short')"), '1', 'full traffic after completion');
ok( $node->poll_query_until('postgres',
		"SELECT count(*) = 0 FROM pg_stat_activity WHERE backend_type = 'cohort_analyzer worker'"),
	'the worker leaves once no rollout runs');

# --- SIGTERM: prompt exit, the launcher starts a new worker ----------------
# a rollout whose checkpoints are an hour away keeps the database served
$node->safe_psql('postgres',
	"SELECT rollout_create('steady', 'requests', '" . short_plan(3600) . "'); SELECT rollout_start('steady');");
ok( $node->poll_query_until('postgres',
		"SELECT count(*) = 1 FROM pg_stat_activity WHERE backend_type = 'cohort_analyzer worker' AND datname = 'postgres'"),
	'rollout_start brings a worker');
my $pid = worker_pid($node, 'postgres');
$node->safe_psql('postgres', "SELECT pg_terminate_backend($pid)");
ok( $node->poll_query_until('postgres',
		"SELECT count(*) = 1 FROM pg_stat_activity WHERE backend_type = 'cohort_analyzer worker' AND datname = 'postgres' AND pid <> $pid"),
	'a new worker after SIGTERM');

# --- kill -9 mid-rollout and a crash restart: nothing lost or doubled ------
$node->safe_psql('postgres',
	"SELECT rollout_create('crashy', 'requests', '" . short_plan(2) . "'); SELECT rollout_start('crashy');");
ok( $node->poll_query_until('postgres',
		"SELECT count(*) >= 2 FROM rollout_decisions WHERE rollout = 'crashy' AND checkpoint_at IS NOT NULL"),
	'crashy under way');
$pid = worker_pid($node, 'postgres');
kill 'KILL', $pid;
ok( $node->poll_query_until('postgres',
		"SELECT count(*) = 1 FROM pg_stat_activity WHERE backend_type = 'cohort_analyzer worker' AND datname = 'postgres' AND pid <> $pid"),
	'worker back after kill -9 (crash restart)');
ok( $node->poll_query_until('postgres',
		"SELECT count(*) >= 4 FROM rollout_decisions WHERE rollout = 'crashy' AND checkpoint_at IS NOT NULL"),
	'crashy under way again');
$node->stop('immediate');
$node->start;
wait_for_state($node, 'postgres', 'crashy', 'completed');
is( $node->safe_psql('postgres',
		"SELECT count(*) || '/' || count(DISTINCT (phase_run, checkpoint_no)) FROM rollout_decisions WHERE rollout = 'crashy' AND checkpoint_at IS NOT NULL"),
	'6/6', 'six checkpoints, none lost or doubled');
is( $node->safe_psql('postgres',
		"SELECT bool_and(checkpoint_at <= decided_at) AND count(*) = count(DISTINCT id) FROM rollout_decisions WHERE rollout = 'crashy'"),
	't', 'no decision before its checkpoint');

# --- a broken rollout does not stop the others -----------------------------
$node->safe_psql('postgres', q{
CREATE VIEW doomed_requests AS SELECT * FROM requests;
SELECT rollout_create('doomed', 'doomed_requests', '{"phases": [{"name": "p", "traffic": 0.5, "duration": "1 second", "checkpoints": ["1 second"], "thresholds": {"error_rate": {"max": 0.5}}}], "min_requests": 5}');
SELECT rollout_start('doomed');
DROP VIEW doomed_requests;
});
$node->safe_psql('postgres',
	"SELECT rollout_create('healthy', 'requests', '" . short_plan(1) . "'); SELECT rollout_start('healthy');");
# a manual hold racing the worker: it waits for a decision in progress, and
# the worker decides nothing for the held rollout afterwards
$node->safe_psql('postgres',
	"SELECT rollout_create('paused', 'requests', '" . short_plan(1) . "'); SELECT rollout_start('paused');"
	  . " SELECT rollout_hold('paused', 'on-call pause');");
wait_for_state($node, 'postgres', 'healthy', 'completed');
is( $node->safe_psql('postgres',
		"SELECT state || ':' || (SELECT decision FROM rollout_decisions WHERE rollout = 'paused' ORDER BY id DESC LIMIT 1) FROM rollouts WHERE name = 'paused'"),
	'held:hold', 'a held rollout stays held while the worker decides the others');
ok( $node->poll_query_until('postgres',
		"SELECT last_error LIKE '%doomed_requests does not exist' FROM rollouts WHERE name = 'doomed'"),
	'the broken rollout records its error');
my $warnings = () = slurp_file($node->logfile) =~ /rollout "doomed" could not be evaluated/g;
is($warnings, 1, 'the broken rollout is logged once, not at every round');

# --- the naptime is reloaded with SIGHUP -----------------------------------
$node->append_conf('postgresql.conf', "cohort_analyzer.naptime = '1h'");
$node->restart;
ok( $node->poll_query_until('postgres',
		"SELECT count(*) = 1 FROM pg_stat_activity WHERE backend_type = 'cohort_analyzer worker' AND datname = 'postgres' AND state = 'idle'"),
	'worker idle with a one-hour naptime');
$node->safe_psql('postgres',
	"SELECT rollout_create('sighup', 'requests', '" . short_plan(1) . "'); SELECT rollout_start('sighup');");
$node->safe_psql('postgres', "ALTER SYSTEM SET cohort_analyzer.naptime = '100ms'; SELECT pg_reload_conf();");
wait_for_state($node, 'postgres', 'sighup', 'completed');

# --- a standby decides nothing until promoted ------------------------------
$node->backup('backup');
my $standby = PostgreSQL::Test::Cluster->new('standby');
$standby->init_from_backup($node, 'backup', has_streaming => 1);
$standby->start;
$node->safe_psql('postgres', "ALTER SYSTEM SET cohort_analyzer.enabled = off; SELECT pg_reload_conf();");
ok( $node->poll_query_until('postgres',
		"SELECT count(*) = 0 FROM pg_stat_activity WHERE backend_type = 'cohort_analyzer worker'"),
	'workers stop when disabled');
$node->safe_psql('postgres',
	"SELECT rollout_create('failover', 'requests', '" . short_plan(1) . "'); SELECT rollout_start('failover');");
$node->wait_for_catchup($standby);
is( $standby->safe_psql('postgres',
		"SELECT count(*) FROM pg_stat_activity WHERE backend_type LIKE 'cohort_analyzer%'"),
	'0', 'no launcher or worker on the standby');
is($standby->safe_psql('postgres', "SELECT state FROM rollout_status('failover')"),
	'running', 'the standby sees the rollout, undecided');
$node->stop;
$standby->promote;
wait_for_state($standby, 'postgres', 'failover', 'completed');
is( $standby->safe_psql('postgres',
		"SELECT count(*) FROM rollout_decisions WHERE rollout = 'failover' AND actor = 'worker'"),
	'6', 'the promoted standby decides every checkpoint');

# --- DROP EXTENSION, rolled back and committed; DROP DATABASE --------------
$standby->safe_psql('postgres', 'CREATE DATABASE db2');
$standby->safe_psql('db2', $setup);
$standby->safe_psql('db2',
	"SELECT rollout_create('lingering', 'requests', '" . short_plan(3600) . "'); SELECT rollout_start('lingering');");
ok( $standby->poll_query_until('postgres',
		"SELECT count(*) = 1 FROM pg_stat_activity WHERE backend_type = 'cohort_analyzer worker' AND datname = 'db2'"),
	'a new database with a running rollout gets a worker');
$standby->safe_psql('db2', 'BEGIN; DROP EXTENSION cohort_analyzer; ROLLBACK;');
$standby->safe_psql('db2',
	"SELECT rollout_create('after_rollback', 'requests', '" . short_plan(1) . "'); SELECT rollout_start('after_rollback');");
wait_for_state($standby, 'db2', 'after_rollback', 'completed');
$standby->safe_psql('db2', 'DROP EXTENSION cohort_analyzer');
ok( $standby->poll_query_until('postgres',
		"SELECT count(*) = 0 FROM pg_stat_activity WHERE backend_type = 'cohort_analyzer worker' AND datname = 'db2'"),
	'the worker leaves after DROP EXTENSION');
like(slurp_file($standby->logfile), qr/worker of database "db2": exiting: the extension is not installed/,
	'and says why');
$standby->safe_psql('db2', 'CREATE EXTENSION cohort_analyzer');
$standby->safe_psql('db2', $setup =~ s/CREATE EXTENSION cohort_analyzer;//r =~ s/CREATE TABLE requests/CREATE TABLE requests2/r);
$standby->safe_psql('db2',
	"SELECT rollout_create('again', 'requests2', '" . short_plan(3600) . "'); SELECT rollout_start('again');");
ok( $standby->poll_query_until('postgres',
		"SELECT count(*) = 1 FROM pg_stat_activity WHERE backend_type = 'cohort_analyzer worker' AND datname = 'db2'"),
	'and comes back for a rollout after CREATE EXTENSION');
my ($ret, $stdout, $stderr) = $standby->psql('postgres', 'DROP DATABASE db2');
is($ret, 0, 'DROP DATABASE is not blocked by the worker');
is($stderr, '', 'DROP DATABASE without error');
$standby->safe_psql('postgres', 'CREATE DATABASE db3');
$standby->safe_psql('db3', $setup);
$standby->safe_psql('db3',
	"SELECT rollout_create('template', 'requests', '" . short_plan(3600) . "'); SELECT rollout_start('template');");
ok( $standby->poll_query_until('postgres',
		"SELECT count(*) = 1 FROM pg_stat_activity WHERE backend_type = 'cohort_analyzer worker' AND datname = 'db3'"),
	'db3 has a worker');
($ret, $stdout, $stderr) = $standby->psql('postgres', 'CREATE DATABASE db4 TEMPLATE db3');
is($ret, 0, 'a database with a worker can be a template');
ok( $standby->poll_query_until('postgres',
		"SELECT count(*) = 1 FROM pg_stat_activity WHERE backend_type = 'cohort_analyzer worker' AND datname = 'db3'"),
	'and gets its worker back');
ok( $standby->poll_query_until('postgres',
		"SELECT count(*) = 1 FROM pg_stat_activity WHERE backend_type = 'cohort_analyzer launcher'"),
	'the launcher is still there');
unlike(slurp_file($standby->logfile), qr/rollout evaluation failed|could not be evaluated/,
	'no evaluation errors logged on the promoted standby');

$standby->stop;
done_testing();
