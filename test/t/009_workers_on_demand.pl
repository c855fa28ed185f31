# Rollout workers on demand: databases with the extension and no running
# rollout hold no background worker, so that parallel query gets all the
# workers it plans; a rollout started brings its database a worker, which
# leaves once no rollout runs; with more databases running rollouts than
# cohort_analyzer.max_workers, they take turns and every one is decided; a
# database is scanned once per server start.  Every wait polls.
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

use RolloutWorkers;

my $node = PostgreSQL::Test::Cluster->new('on_demand');
$node->init;
$node->append_conf('postgresql.conf', qq{
shared_preload_libraries = 'cohort_analyzer'
cohort_analyzer.naptime = '100ms'
cohort_analyzer.max_workers = 2
max_worker_processes = 8
max_parallel_workers = 8
timezone = 'UTC'
lc_messages = 'C'
});
$node->start;

my @dbs = map { "d$_" } 1 .. 5;
foreach my $db (@dbs)
{
	$node->safe_psql('postgres', "CREATE DATABASE $db");
	$node->safe_psql($db, DATABASE_SETUP);
}
$node->safe_psql('postgres', 'CREATE DATABASE nox');

# a restart: the launcher scans every database once, now that all exist
my $log_start = -s $node->logfile;
$node->restart;
sub log_since_restart
{
	return substr(slurp_file($node->logfile), $log_start);
}
foreach my $db ('postgres', 'nox', @dbs)
{
	ok(wait_for_log(qr/cohort_analyzer scan of database "$db": /), "$db scanned at server start");
}

sub wait_for_log
{
	my ($re) = @_;
	foreach (1 .. 300)
	{
		return 1 if log_since_restart() =~ $re;
		select(undef, undef, undef, 0.1);
	}
	return 0;
}

my $workers = q{SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'cohort_analyzer worker'};

like(log_since_restart(), qr/scan of database "d1": 0 running rollout\(s\)/, 'd1 has no running rollout');
like(log_since_restart(), qr/scan of database "nox": the extension is not installed/, 'nox has no extension');
ok($node->poll_query_until('postgres', "SELECT count(*) = 0 FROM pg_stat_activity WHERE backend_type = 'cohort_analyzer scan'"),
	'the scans are over');
is($node->safe_psql('postgres', $workers), '0', 'five databases with the extension, no running rollout: no worker');
is($node->safe_psql('d1', 'SELECT count(*) FROM rollout_workers()'), '0', 'and nothing in the registry');

# --- parallel query gets the workers it plans ------------------------------
my $explain = $node->safe_psql('d1', q{
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) SELECT cohort_agg(is_error) FROM requests;
});
my ($planned) = $explain =~ /Workers Planned: (\d+)/;
my ($launched) = $explain =~ /Workers Launched: (\d+)/;
is($planned, 2, 'the parallel aggregate plans two workers') or diag($explain);
is($launched, $planned, 'and launches all of them');

# --- a rollout started brings a worker, which leaves when it is done --------
my $t0 = $node->safe_psql('d1', 'SELECT clock_timestamp()');
$node->safe_psql('d1', "SELECT rollout_create('r1', 'requests', '" . plan_json(2) . "'); SELECT rollout_start('r1');");
ok($node->poll_query_until('postgres', workers_of('d1') . ' = 1'), 'starting a rollout brings d1 a worker');
is( $node->safe_psql('postgres',
		"SELECT backend_start - '$t0' < interval '3 seconds' FROM pg_stat_activity WHERE backend_type = 'cohort_analyzer worker' AND datname = 'd1'"),
	't', 'within a few naptimes of the commit');
is( $node->safe_psql('d1', q{
SELECT w.state || ' ' || (w.pid = a.pid) FROM rollout_workers() w
JOIN pg_stat_activity a ON a.datname = w.datname AND a.backend_type = 'cohort_analyzer worker'
WHERE w.datname = 'd1'}),
	'serving true', 'rollout_workers() shows the worker serving d1');
ok($node->poll_query_until('d1', "SELECT state = 'completed' FROM rollouts WHERE name = 'r1'"),
	'the worker decides the rollout to completion');
is( $node->safe_psql('d1',
		"SELECT count(*) || ' ' || bool_and(actor = 'worker') || ' ' || bool_and(decided_at - checkpoint_at < interval '5 seconds')"
		  . " FROM rollout_decisions WHERE rollout = 'r1' AND checkpoint_at IS NOT NULL"),
	'2 true true', 'both checkpoints decided by the worker, promptly');
ok($node->poll_query_until('postgres', workers_of('d1') . ' = 0'), 'the worker leaves once no rollout runs');
like(log_since_restart(), qr/starting a worker for database "d1": asked for at commit/,
	'the start is logged with its reason');
like(log_since_restart(), qr/cohort_analyzer worker of database "d1": exiting: no running rollouts/,
	'the exit is logged with its reason');

# a rollback lets the worker go too
$node->safe_psql('d2', "SELECT rollout_create('r2', 'requests', '" . plan_json(60) . "'); SELECT rollout_start('r2');");
ok($node->poll_query_until('postgres', workers_of('d2') . ' = 1'), 'd2 gets a worker');
ok($node->poll_query_until('d2', "SELECT count(*) >= 1 FROM rollout_decisions WHERE rollout = 'r2' AND actor = 'worker'"),
	'which decides');
$node->safe_psql('d2', "SELECT rollout_rollback('r2', 'enough')");
ok($node->poll_query_until('postgres', workers_of('d2') . ' = 0'), 'and leaves after the rollback');

# a rollout that is held and resumed: hold lets the worker go, resume brings one
$node->safe_psql('d2', "SELECT rollout_create('r2b', 'requests', '" . plan_json(60) . "'); SELECT rollout_start('r2b');"
	  . " SELECT rollout_hold('r2b', 'looking');");
ok($node->poll_query_until('postgres', workers_of('d2') . ' = 0'), 'a held rollout needs no worker');
$node->safe_psql('d2', "SELECT rollout_resume('r2b')");
ok($node->poll_query_until('postgres', workers_of('d2') . ' = 1'), 'rollout_resume brings one');
$node->safe_psql('d2', "SELECT rollout_rollback('r2b', 'enough')");

# --- three databases, two workers: they take turns -------------------------
foreach my $db ('d3', 'd4', 'd5')
{
	$node->safe_psql($db, "SELECT rollout_create('t', 'requests', '" . plan_json(4) . "'); SELECT rollout_start('t');");
}
my ($most, $waited) = (0, 0);
my $done = 0;
foreach (1 .. 600)
{
	my ($n, $w) = split /\|/, $node->safe_psql('d3', qq{
SELECT ($workers), (SELECT count(*) FROM rollout_workers() WHERE state = 'waiting')
});
	$most = $n if $n > $most;
	$waited = 1 if $w > 0;
	$done = 1;
	foreach my $db ('d3', 'd4', 'd5')
	{
		$done = 0 unless $node->safe_psql($db, "SELECT state FROM rollouts WHERE name = 't'") eq 'completed';
	}
	last if $done;
	select(undef, undef, undef, 0.1);
}
ok($done, 'all three rollouts complete');
cmp_ok($most, '<=', 2, "never more than cohort_analyzer.max_workers workers at once (at most $most seen)");
ok($waited, 'a database waited for its turn');
like(log_since_restart(), qr/exiting to take turns: \d+ database\(s\) wait/, 'workers took turns');
foreach my $db ('d3', 'd4', 'd5')
{
	is( $node->safe_psql($db,
			"SELECT count(*) > 0 AND count(*) = count(DISTINCT checkpoint_no) AND bool_and(actor = 'worker') FROM rollout_decisions WHERE rollout = 't' AND checkpoint_at IS NOT NULL"),
		't', "$db: decided by a worker, no checkpoint twice")
	  or diag($node->safe_psql($db, "SELECT string_agg(decision || ' ' || coalesce(metrics->>'skipped_checkpoints', '-'), ', ') FROM rollout_decisions WHERE rollout = 't'"));
}
ok($node->poll_query_until('postgres', "SELECT ($workers) = 0"), 'and then no worker is left');

# --- each database scanned once since the restart ---------------------------
foreach my $db ('postgres', 'nox', @dbs)
{
	my $scans = () = log_since_restart() =~ /cohort_analyzer scan of database "$db": /g;
	is($scans, 1, "$db scanned once");
}
# --- max_workers lowered by a reload: the longest-serving worker gives way --
foreach my $db ('d3', 'd4')
{
	$node->safe_psql($db, "SELECT rollout_create('long', 'requests', '" . plan_json(60) . "'); SELECT rollout_start('long');");
}
ok($node->poll_query_until('postgres', "SELECT ($workers) = 2"), 'two databases, two workers');
$node->safe_psql('postgres', 'ALTER SYSTEM SET cohort_analyzer.max_workers = 1; SELECT pg_reload_conf();');
ok( $node->poll_query_until('d3',
		"SELECT ($workers) = 1 AND (SELECT count(*) FROM rollout_workers() WHERE state = 'waiting') = 1"),
	'after max_workers = 1, one worker serves and one database waits');
($most, $waited) = (0, 0);
my %served;
foreach (1 .. 20)
{
	my $row = $node->safe_psql('postgres',
		"SELECT count(*), string_agg(datname, ',') FROM pg_stat_activity WHERE backend_type = 'cohort_analyzer worker'");
	my ($n, $names) = split /\|/, $row;
	$most = $n if $n > $most;
	$served{$_} = 1 foreach split /,/, $names // '';
	select(undef, undef, undef, 0.1);
}
is($most, 1, 'never more than one worker at once');
is(join(',', sort keys %served), 'd3,d4', 'both databases served in turn');
my $nox_scans = () = log_since_restart() =~ /cohort_analyzer scan of database "nox": /g;
cmp_ok($nox_scans, '<=', 2, 'the reload scans a database without a worker once more, at most');
$node->safe_psql($_, "SELECT rollout_rollback('long', 'done')") foreach ('d3', 'd4');
ok($node->poll_query_until('postgres', "SELECT ($workers) = 0"), 'no worker left after the rollbacks');

unlike(log_since_restart(), qr/no free background worker slot|rollout evaluation failed|could not be evaluated/,
	'no slot shortage and no failed evaluation');

$node->stop;
done_testing();
