# Rollout security on a real server with the worker running: an ordinary
# role cannot become superuser or act for others through the code of its
# rollout's source; the extension refuses a schema others may write and
# ignores overloads planted later; a source that sleeps costs other
# rollouts at most its measure_timeout; a dropped owner's rollout is held;
# a restarted launcher leaves one worker per database with running
# rollouts.
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('security');
$node->init;
$node->append_conf('postgresql.conf', qq{
shared_preload_libraries = 'cohort_analyzer'
cohort_analyzer.naptime = '100ms'
max_worker_processes = 16
timezone = 'UTC'
lc_messages = 'C'
});
$node->start;

sub as_role
{
	my ($role, $sql, $db) = @_;
	return $node->safe_psql($db // 'postgres', $sql, extra_params => [ '-U', $role ]);
}

# requests of the last hour and the next ten minutes, in every arm
my $requests = q{
SELECT now() - interval '1 hour' + s * interval '1 second' AS ts, arm,
       false AS is_error, 10::float8 AS latency_ms
FROM generate_series(0, 4200) AS s, unnest(ARRAY['control', 'treatment']) AS arm
};
my $plan = q{'{"phases": [{"name": "only", "traffic": 0.5, "duration": "20 minutes",
  "checkpoints": ["10 minutes", "20 minutes"], "thresholds": {"error_rate": {"max": 0.5}}}],
  "min_requests": 5}'};

$node->safe_psql('postgres', qq{
CREATE EXTENSION cohort_analyzer;
CREATE ROLE attacker LOGIN;
CREATE SCHEMA attacker AUTHORIZATION attacker;
CREATE TABLE admin_requests AS $requests;
SELECT rollout_create('victim', 'admin_requests', $plan);
SELECT rollout_start('victim', now() - interval '15 minutes');
});

# --- the two-stage escalation, as an ordinary role --------------------------
as_role('attacker', qq{
SET search_path = attacker;
CREATE TABLE src AS $requests;
-- stage 2: runs as whoever measures; escalates when that is a superuser
CREATE FUNCTION stage2() RETURNS boolean LANGUAGE plpgsql AS \$\$
BEGIN
    IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        EXECUTE 'ALTER ROLE attacker SUPERUSER';
    END IF;
    RETURN true;
EXCEPTION WHEN OTHERS THEN
    RETURN true;
END
\$\$;
CREATE VIEW v2 AS SELECT * FROM src WHERE stage2();
-- stage 1: inside the worker, tries to act with the worker's identity
CREATE FUNCTION stage1() RETURNS boolean LANGUAGE plpgsql AS \$\$
DECLARE
    attempt text;
BEGIN
    FOREACH attempt IN ARRAY ARRAY[
        'SELECT public.rollout_create(''pwn'', ''attacker.v2'')',
        'SELECT public.rollout_start(''pwn'', now() - interval ''30 minutes'')',
        'SELECT public.rollout_rollback(''victim'', ''attacker was here'')',
        'SELECT public.rollout_advance(''victim'', ''attacker was here'')',
        'SELECT public.rollout_purge_decisions(''infinity'')',
        'SET SESSION AUTHORIZATION DEFAULT',
        'RESET ROLE',
        'ALTER ROLE attacker SUPERUSER'] LOOP
        BEGIN
            EXECUTE attempt;
        EXCEPTION WHEN OTHERS THEN
            NULL;
        END;
    END LOOP;
    RETURN true;
END
\$\$;
CREATE VIEW v1 AS SELECT * FROM src WHERE stage1();
SELECT public.rollout_create('bait', 'attacker.v1', $plan);
SELECT public.rollout_start('bait', now() - interval '30 minutes');
});

ok( $node->poll_query_until('postgres',
		"SELECT count(*) >= 1 FROM rollout_decisions WHERE rollout = 'bait' AND actor = 'worker'"),
	'the worker measured the bait rollout');
# a superuser running a tick by hand is no way in either
$node->safe_psql('postgres', "SELECT rollout_tick(now() + interval '1 hour')");
is($node->safe_psql('postgres', "SELECT rolsuper FROM pg_roles WHERE rolname = 'attacker'"),
	'f', 'the attacker is not a superuser');
is( $node->safe_psql('postgres',
		"SELECT string_agg(name || ':' || owner || ':' || owner_id::text, ' ' ORDER BY id) FROM rollouts"),
	'victim:postgres:postgres bait:attacker:attacker',
	'no rollout was created for another owner');
is( $node->safe_psql('postgres',
		"SELECT count(*) FROM rollout_decisions WHERE rollout = 'victim' AND (actor = 'attacker' OR 'attacker was here' = ANY (reasons))"),
	'0', 'the victim rollout was not changed by the attacker');
is( $node->safe_psql('postgres',
		"SELECT count(*) FROM rollout_decisions WHERE rollout = 'victim' AND decision = 'start'"),
	'1', 'the decision log was not purged');
is( as_role('attacker', "SELECT string_agg(name, ',') FROM rollouts"),
	'bait', 'the attacker sees only its own rollout');

# --- the extension's schema ------------------------------------------------
$node->safe_psql('postgres', q{
CREATE DATABASE hostile;
});
$node->safe_psql('hostile', q{
CREATE SCHEMA open_schema;
GRANT CREATE, USAGE ON SCHEMA open_schema TO PUBLIC;
CREATE SCHEMA analytics;
CREATE TABLE planted_log (who name, what text);
GRANT INSERT, SELECT ON planted_log TO PUBLIC;
});
as_role('attacker', q{
CREATE FUNCTION open_schema.rollout_column_type(rel regclass, col text) RETURNS regtype
    LANGUAGE sql AS $$ INSERT INTO public.planted_log VALUES (current_user, 'column_type') RETURNING NULL::regtype $$;
}, 'hostile');
my ($ret, $stdout, $stderr) =
  $node->psql('hostile', 'CREATE EXTENSION cohort_analyzer SCHEMA open_schema');
isnt($ret, 0, 'CREATE EXTENSION refuses a schema where others may create objects');
like($stderr, qr/cannot be installed in schema open_schema: PUBLIC may create objects there/,
	'the refusal names the schema and who may create there');
like($stderr, qr/HINT:  Install it in a schema where only superusers can create objects/, 'with a hint');

# installed in a schema of its own, which a careless grant later opens:
# overloads planted then are never chosen by the extension's own calls
$node->safe_psql('hostile', q{
CREATE EXTENSION cohort_analyzer SCHEMA analytics;
GRANT CREATE, USAGE ON SCHEMA analytics TO attacker;
});
as_role('attacker', q{
CREATE FUNCTION analytics.rollout_column_type(rel regclass, col text) RETURNS regtype
    LANGUAGE sql AS $$ INSERT INTO public.planted_log VALUES (current_user, 'column_type') RETURNING NULL::regtype $$;
CREATE FUNCTION analytics.compare_cohorts_sequential(c analytics.cohort, t analytics.cohort, metric text,
                                                     alpha double precision)
    RETURNS analytics.cohort_comparison
    LANGUAGE sql AS $$ INSERT INTO public.planted_log VALUES (current_user, 'sequential') RETURNING NULL::analytics.cohort_comparison $$;
CREATE FUNCTION analytics.rollout_plan_number(value jsonb, field name) RETURNS double precision
    LANGUAGE sql AS $$ INSERT INTO public.planted_log VALUES (current_user, 'plan_number') RETURNING 1::float8 $$;
}, 'hostile');
$node->safe_psql('hostile', qq{
CREATE TABLE shop AS SELECT *, random() < 0.5 AS completed, 10::float8 AS revenue FROM ($requests) AS r;
SELECT analytics.rollout_create('guarded', 'shop', '{"phases": [{"name": "only", "traffic": 0.5,
  "duration": "20 minutes", "checkpoints": ["10 minutes", "20 minutes"],
  "thresholds": {"revenue_lift": {"min": -0.5}, "completion_lift": {"min": -0.5}}}], "min_requests": 5}');
SELECT analytics.rollout_start('guarded', now() - interval '25 minutes');
SELECT analytics.rollout_tick();
});
is($node->safe_psql('hostile', 'SELECT count(*) FROM planted_log'),
	'0', 'no planted overload ran');
is( $node->safe_psql('hostile',
		"SELECT state || coalesce(' ' || last_error, '') FROM analytics.rollouts WHERE name = 'guarded'"),
	'completed', 'guardrails are evaluated as usual');

# --- a source that sleeps stalls nobody but itself --------------------------
$node->safe_psql('postgres', qq{
CREATE VIEW sleepy_requests AS SELECT * FROM admin_requests WHERE (SELECT pg_sleep(600)) IS NOT NULL;
SELECT rollout_create('sleepy', 'sleepy_requests', '{"phases": [{"name": "only", "traffic": 0.5,
  "duration": "20 minutes", "checkpoints": ["10 minutes", "20 minutes"],
  "thresholds": {"error_rate": {"max": 0.5}}}], "min_requests": 5, "measure_timeout": "2 seconds",
  "trust_source": true}');
SELECT rollout_create('brisk', 'admin_requests', $plan);
});
# sleepy's checkpoint falls due first, brisk's a second later
$node->safe_psql('postgres', q{
SELECT rollout_start('sleepy', now() - interval '10 minutes' + interval '1 second');
SELECT rollout_start('brisk', now() - interval '10 minutes' + interval '2 seconds');
});
ok( $node->poll_query_until('postgres',
		"SELECT count(*) = 1 FROM rollout_decisions WHERE rollout = 'brisk' AND checkpoint_at IS NOT NULL"),
	'the other rollout is decided');
my $delay = $node->safe_psql('postgres',
	"SELECT extract(epoch FROM decided_at - checkpoint_at) FROM rollout_decisions WHERE rollout = 'brisk' AND checkpoint_at IS NOT NULL");
cmp_ok($delay, '<', 2 + 8, "decided $delay s after its checkpoint: at most about the 2 s measure_timeout late");
ok( $node->poll_query_until('postgres',
		"SELECT last_error LIKE 'measuring the rollout source took longer than its measure_timeout of 2000 ms' AND failures >= 1 AND retry_at > now() FROM rollouts WHERE name = 'sleepy'"),
	'the sleeping rollout records a timeout, to be retried later');
is( $node->safe_psql('postgres',
		"SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'cohort_analyzer worker' AND query LIKE '%rollout_tick_one%' AND now() - query_start > interval '5 seconds'"),
	'0', 'the worker is not stuck in a measurement');

# --- a dropped owner's rollout is held by the worker -------------------------
$node->safe_psql('postgres', q{
CREATE ROLE dave LOGIN;
GRANT SELECT ON admin_requests TO dave;
});
as_role('dave', "SELECT rollout_create('daves', 'admin_requests', $plan); SELECT rollout_start('daves', now() + interval '3 seconds' - interval '10 minutes')");
$node->safe_psql('postgres', 'REVOKE SELECT ON admin_requests FROM dave; DROP ROLE dave; CREATE ROLE dave LOGIN;');
ok( $node->poll_query_until('postgres', "SELECT state = 'held' FROM rollouts WHERE name = 'daves'"),
	'a rollout whose owner was dropped is held');
like( $node->safe_psql('postgres', "SELECT reasons[1] FROM rollout_decisions WHERE rollout = 'daves' ORDER BY id DESC LIMIT 1"),
	qr/^owner role "dave" \(OID \d+\) no longer exists$/, 'with the reason');
is(as_role('dave', "SELECT count(*) FROM rollouts WHERE name = 'daves'"),
	'0', 'a new role of the same name does not see it');

# --- a restarted launcher leaves one worker per database --------------------
# (per database with running rollouts: "hostile" has none until it starts one)
my $workers_per_db = q{
SELECT string_agg(datname || ':' || n, ' ' ORDER BY datname)
FROM (SELECT datname, count(*) AS n FROM pg_stat_activity
      WHERE backend_type = 'cohort_analyzer worker' GROUP BY datname) AS w};
ok( $node->poll_query_until('postgres', "SELECT ($workers_per_db) = 'postgres:1'"),
	'no worker for a database with the extension and no running rollout');
$node->safe_psql('hostile', qq{
SELECT analytics.rollout_create('steady', 'shop', $plan);
SELECT analytics.rollout_start('steady');
});
ok( $node->poll_query_until('postgres', "SELECT ($workers_per_db) = 'hostile:1 postgres:1'"),
	'one worker per database with running rollouts');
my $launcher = $node->safe_psql('postgres',
	"SELECT pid FROM pg_stat_activity WHERE backend_type = 'cohort_analyzer launcher'");
$node->safe_psql('postgres', "SELECT pg_terminate_backend($launcher)");
ok( $node->poll_query_until('postgres',
		"SELECT count(*) = 1 FROM pg_stat_activity WHERE backend_type = 'cohort_analyzer launcher' AND pid <> $launcher"),
	'the launcher is restarted');
ok($node->poll_query_until('postgres', "SELECT ($workers_per_db) = 'hostile:1 postgres:1'"),
	'the new launcher settles on one worker per database');
# and stays there over several rounds of the launcher
sleep(2);
is($node->safe_psql('postgres', $workers_per_db), 'hostile:1 postgres:1',
	'still one worker per database');
like(slurp_file($node->logfile), qr/stopping database worker \d+ of an earlier launcher/,
	'the old workers were stopped');

$node->stop;
done_testing();
