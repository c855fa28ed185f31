# No free background worker slot: a database whose rollouts need a worker
# while max_worker_processes is exhausted waits, with a WARNING that says
# what to raise; databases take turns on the slots there are, and one is
# served alone once the other needs no worker.  One slot is left
# for database workers here (the launcher takes the other).  Every wait polls.
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

use RolloutWorkers;

my $node = PostgreSQL::Test::Cluster->new('no_slot');
$node->init;
$node->append_conf('postgresql.conf', qq{
shared_preload_libraries = 'cohort_analyzer'
cohort_analyzer.naptime = '100ms'
cohort_analyzer.max_workers = 2
max_worker_processes = 2
max_logical_replication_workers = 0
max_parallel_workers = 0
timezone = 'UTC'
lc_messages = 'C'
});
$node->start;

foreach my $db ('a', 'b')
{
	$node->safe_psql('postgres', "CREATE DATABASE $db");
	$node->safe_psql($db, DATABASE_SETUP);
}

my $log_start = -s $node->logfile;

# a's rollout takes the only free slot
$node->safe_psql('a', "SELECT rollout_create('long', 'requests', '" . plan_json(60) . "'); SELECT rollout_start('long');");
ok($node->poll_query_until('postgres', workers_of('a') . ' = 1'), 'a gets the only free slot');

# b's rollout finds none: b waits, and the log says why, once
$node->safe_psql('b', "SELECT rollout_create('next', 'requests', '" . plan_json(3) . "'); SELECT rollout_start('next');");
ok( $node->poll_query_until('b', "SELECT count(*) = 1 FROM rollout_workers() WHERE datname = 'b' AND state = 'waiting'"),
	'b waits in the registry');
my $b_oid = $node->safe_psql('b', "SELECT oid FROM pg_database WHERE datname = 'b'");
my $warned = 0;
foreach (1 .. 300)
{
	$warned = substr(slurp_file($node->logfile), $log_start)
	  =~ /WARNING:  cohort_analyzer: no free background worker slot for database OID $b_oid/;
	last if $warned;
	select(undef, undef, undef, 0.1);
}
ok($warned, 'a WARNING names the database left without a slot');
like(substr(slurp_file($node->logfile), $log_start), qr/HINT:  Raise max_worker_processes\./, 'with the setting to raise');

# the two databases take turns on the one slot: both are decided, never
# with two workers at once
my $most = 0;
my $both = 0;
foreach (1 .. 600)
{
	my ($n, $ok) = split /\|/, $node->safe_psql('b', qq{
SELECT (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'cohort_analyzer worker'),
       (SELECT count(*) >= 1 FROM rollout_decisions WHERE rollout = 'next' AND actor = 'worker' AND checkpoint_at IS NOT NULL)});
	$most = $n if $n > $most;
	if ($ok eq 't'
		&& $node->safe_psql('a',
			"SELECT count(*) >= 3 FROM rollout_decisions WHERE rollout = 'long' AND actor = 'worker' AND checkpoint_at IS NOT NULL") eq 't')
	{
		$both = 1;
		last;
	}
	select(undef, undef, undef, 0.1);
}
ok($both, 'both databases get decisions from a worker on the one free slot');
is($most, 1, 'never two workers at once');

# a's rollout ends: the slot frees and b is served
$node->safe_psql('a', "SELECT rollout_rollback('long', 'make room')");
ok($node->poll_query_until('b', "SELECT state = 'completed' FROM rollouts WHERE name = 'next'"),
	'once a slot is free, b gets a worker that decides its rollout');
is( $node->safe_psql('b',
		"SELECT count(*) || ' ' || bool_and(actor = 'worker') FROM rollout_decisions WHERE rollout = 'next' AND checkpoint_at IS NOT NULL"),
	'3 true', 'every checkpoint decided by the worker');

done_testing();
