# Copies do not act: a database made from another by CREATE DATABASE ...
# TEMPLATE, and one restored from pg_dump, hold the running rollouts they
# copied (one decision row each, no NOTIFY) until rollout_resume adopts
# them; the original goes on deciding.
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('copies');
$node->init;
$node->append_conf('postgresql.conf', "timezone = 'UTC'\nlc_messages = 'C'\n");
$node->start;

$node->safe_psql('postgres', 'CREATE DATABASE prod');
$node->safe_psql('prod', q{
CREATE EXTENSION cohort_analyzer;
CREATE TABLE requests AS
SELECT now() - interval '1 hour' + s * interval '1 second' AS ts, arm, false AS is_error, 10::float8 AS latency_ms
FROM generate_series(0, 7199) AS s, unnest(ARRAY['control', 'treatment']) AS arm;
SELECT rollout_create('live', 'requests', '{"srm": "off", "phases": [{"name": "only", "traffic": 0.5,
    "duration": "2 hours", "checkpoints": ["10 minutes", "2 hours"], "thresholds": {"error_rate": {"max": 0.1}}}]}');
SELECT rollout_start('live', now() - interval '30 minutes');
});

# a template copy and a restored dump, both taken while "live" runs
$node->safe_psql('postgres', 'CREATE DATABASE staging TEMPLATE prod');
my $dump = $node->basedir . '/prod.dump';
$node->command_ok([ 'pg_dump', '-Fc', '-d', $node->connstr('prod'), '-f', $dump ], 'pg_dump of prod');
$node->safe_psql('postgres', 'CREATE DATABASE restored');
$node->command_ok([ 'pg_restore', '-d', $node->connstr('restored'), $dump ], 'pg_restore into another database');

foreach my $db ('staging', 'restored')
{
	my ($ret, $stdout, $stderr) = $node->psql($db, q{
LISTEN cohort_analyzer_rollout;
SELECT rollout_tick(now()) AS decisions;
SELECT rollout_tick(now()) AS again;
SELECT decision || ' ' || state || ' | ' || reasons[1] FROM rollout_decisions
WHERE rollout = 'live' AND checkpoint_at IS NOT NULL ORDER BY id;
});
	is($ret, 0, "$db: tick runs");
	like($stdout, qr/^1\n0\nhold held \| copied from database prod \(OID \d+\) of system \d+ — rollout_resume to adopt$/,
		"$db: the copied rollout is held once, with the reason");
	unlike($stdout . $stderr, qr/Asynchronous notification/, "$db: no NOTIFY for the hold");

	$node->safe_psql($db, q{SELECT rollout_resume('live', now() - interval '15 minutes')});
	is($node->safe_psql($db, q{SELECT rollout_tick(now()) || ' ' || state FROM rollouts WHERE name = 'live'}),
		'1 running', "$db: rollout_resume adopts it, and it is decided again");
}

# the original decides as before
is($node->safe_psql('prod', q{SELECT rollout_tick(now()) || ' ' || state FROM rollouts WHERE name = 'live'}),
	'1 running', 'prod goes on deciding');
is($node->safe_psql('prod', q{SELECT count(*) FROM rollout_decisions WHERE decision = 'hold'}),
	'0', 'prod held nothing');

$node->stop;
done_testing();
