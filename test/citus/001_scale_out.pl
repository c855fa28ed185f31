# Scale-out on Citus: a coordinator and two workers on this machine.  The
# extension, created on the coordinator, is created on the workers by it;
# tables of every kind are distributed by a unit id.  Each aggregate grouped
# by a column other than the distribution column runs as partial
# aggregation on the workers (worker_partial_agg, combined by
# coord_combine_agg on the coordinator), and answers as on a local copy of
# the same rows: sketches, activities, retention and survival values
# identical, cohort moments within 1e-12 relative.  Stored summaries roll up
# in two stages, a reference table joins, and a rollout reading a
# distributed source decides as one reading a local copy.
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my @nodes;
foreach my $name ('coordinator', 'worker1', 'worker2')
{
	my $node = PostgreSQL::Test::Cluster->new($name);
	$node->init;
	$node->append_conf('postgresql.conf', qq{
shared_preload_libraries = 'citus'
max_prepared_transactions = 20
citus.node_conninfo = 'sslmode=disable'
timezone = 'UTC'
lc_messages = 'C'
max_parallel_workers_per_gather = 0
});
	$node->start;
	$node->safe_psql('postgres', 'CREATE EXTENSION citus');
	push @nodes, $node;
}
my ($coord, @workers) = @nodes;
$coord->safe_psql('postgres', sprintf(
	q{SELECT citus_set_coordinator_host('%s', %d);
	  SELECT citus_add_node('%s', %d); SELECT citus_add_node('%s', %d);},
	$coord->host, $coord->port, map { ($_->host, $_->port) } @workers));
is($coord->safe_psql('postgres', 'SELECT count(*) FROM citus_get_active_worker_nodes()'),
	'2', 'two active workers');

# the extension is created on the workers by the coordinator, and updated
# there by it: 1.0 first, then ALTER EXTENSION ... UPDATE
my $version = "SELECT extversion FROM pg_extension WHERE extname = 'cohort_analyzer'";
$coord->safe_psql('postgres', "CREATE EXTENSION cohort_analyzer VERSION '1.0'");
foreach my $w (@workers)
{
	is($w->safe_psql('postgres', $version), '1.0', $w->name . ': the coordinator created the extension');
}
$coord->safe_psql('postgres', 'ALTER EXTENSION cohort_analyzer UPDATE');
my $current = $coord->safe_psql('postgres', $version);
isnt($current, '1.0', "the coordinator updated to $current");
foreach my $w (@workers)
{
	is($w->safe_psql('postgres', $version), $current, $w->name . ': the coordinator updated the extension');
	is($w->safe_psql('postgres', q{SELECT aggtranstype::regtype FROM pg_aggregate
		WHERE aggfnoid = 'cohort_agg(boolean)'::regprocedure}), 'cohort',
		$w->name . ': the updated aggregates have their new states');
}

# Rows of every kind: units (one row each), events (many per unit,
# distributed by their own id, so that a unit's events are spread over the
# shards), strata.  Each table has a local copy on the coordinator.
$coord->safe_psql('postgres', q{
SET citus.shard_count = 8;
CREATE TABLE units AS
SELECT i AS unit_id,
       (ARRAY['control', 'treatment', 'holdout'])[1 + i % 3] AS variant,
       (i * 7) % 5 AS segment,
       CASE WHEN i % 11 = 0 THEN NULL ELSE (i * 13) % 7 < 3 END AS completed,
       (i * 17) % 9 = 0 AS churned,
       CASE WHEN i % 13 = 0 THEN NULL ELSE 1000 + ((i * 7919) % 1000) / 7.0 END AS revenue,
       CASE WHEN i % 17 = 0 THEN NULL ELSE 1000 + ((i * 104729) % 997) / 3.0 END AS pre_revenue,
       0.5 + ((i * 31) % 4001) / 10.0 AS latency_ms,
       timestamptz '2026-01-05 08:00+00' + (i % 28) * interval '1 day' + (i % 24) * interval '1 hour' AS signup_at,
       ((i * 37) % 90) + 0.5 AS days, (i * 41) % 5 <> 0 AS died,
       ((i * 43) % 101) / 100.0 AS predicted
FROM generate_series(1, 12000) AS i;
CREATE TABLE events AS
SELECT e AS event_id, u.unit_id, u.variant, u.segment, u.signup_at,
       u.signup_at + ((e * 53) % 70) * interval '1 day' + ((e * 59) % 24) * interval '1 hour' AS seen_at
FROM units u, generate_series(u.unit_id * 4, u.unit_id * 4 + (u.unit_id % 4)) AS e
WHERE u.unit_id <= 3000;
CREATE TABLE strata AS
SELECT s AS stratum, g AS grp,
       survival_agg(days, died) FILTER (WHERE variant = 'control') AS a,
       survival_agg(days, died) FILTER (WHERE variant = 'treatment') AS b
FROM units, LATERAL (SELECT unit_id % 23 AS s, unit_id % 2 AS g) AS k GROUP BY s, g;
CREATE TABLE units_local AS SELECT * FROM units;
CREATE TABLE events_local AS SELECT * FROM events;
CREATE TABLE strata_local AS SELECT * FROM strata;
SELECT create_distributed_table('units', 'unit_id');
SELECT create_distributed_table('events', 'event_id');
SELECT create_distributed_table('strata', 'stratum');
CREATE TABLE variants (variant text PRIMARY KEY, label text NOT NULL);
INSERT INTO variants VALUES ('control', 'A'), ('treatment', 'B'), ('holdout', 'A');
SELECT create_reference_table('variants');
});
is($coord->safe_psql('postgres', q{
SELECT string_agg(logicalrelid::text || ' ' || partmethod::text, ', ' ORDER BY logicalrelid::text)
FROM pg_dist_partition}), 'events h, strata h, units h, variants n', 'distributed and reference tables');

# explain_has(query): whether the distributed plan splits the aggregates
sub plan_of
{
	my ($sql) = @_;
	return $coord->safe_psql('postgres', "EXPLAIN (VERBOSE, COSTS OFF) $sql");
}

# same(label, distributed query, local query): identical text results
sub same
{
	my ($label, $dist, $local) = @_;
	my $d = $coord->safe_psql('postgres', $dist);
	my $l = $coord->safe_psql('postgres', $local);
	ok(length($d) > 0, "$label: rows") and is($d, $l, "$label: as on a local copy");
}

# Each aggregate grouped by a column that is not the distribution column:
# [label, table, aggregate expression, group column]
my @aggs = (
	['cohort_agg/1', 'units', 'cohort_agg(completed)', 'variant'],
	['cohort_agg/2', 'units', 'cohort_agg(completed, churned)', 'variant'],
	['cohort_agg/3', 'units', 'cohort_agg(completed, churned, revenue)', 'variant'],
	['cohort_agg/4', 'units', 'cohort_agg(completed, churned, revenue, pre_revenue)', 'segment'],
	['quantile_sketch_agg/1', 'units', 'quantile_sketch_agg(latency_ms)', 'variant'],
	['quantile_sketch_agg/2', 'units', 'quantile_sketch_agg(latency_ms, 0.001)', 'segment'],
	['survival_agg', 'units', 'survival_agg(days, died)', 'variant'],
	['prediction_score_agg', 'units', 'prediction_score_agg(predicted, churned)', 'segment'],
	['aa_agg', 'units', 'aa_report(aa_agg(unit_id::text, completed, churned, revenue, 100))', 'variant'],
	['activity_agg/4', 'events', "activity_agg(signup_at, seen_at, 'week', 8)", 'unit_id'],
	['activity_agg/5', 'events', "activity_agg(signup_at, seen_at, 'month', 3, 'de-DE')", 'unit_id'],
	['activity_agg/6', 'events', "activity_agg(signup_at, seen_at, 'day', 40, NULL, 'Asia/Kolkata')", 'unit_id'],
	['stratified_logrank_test', 'strata', 'stratified_logrank_test(a, b)', 'grp'],
);

foreach my $a (@aggs)
{
	my ($label, $table, $agg, $group) = @$a;
	my $q = "SELECT $group, $agg AS x FROM $table GROUP BY $group";
	my $plan = plan_of($q);
	note($plan) if $label eq "cohort_agg/3";
	like($plan, qr/worker_partial_agg/, "$label: partial aggregation on the workers");
	like($plan, qr/coord_combine_agg/, "$label: combined on the coordinator");
	next if $label =~ /^cohort_agg/;
	same($label, "SELECT string_agg($group || ' ' || x::text, E'\\n' ORDER BY $group) FROM ($q) AS t",
		"SELECT string_agg($group || ' ' || x::text, E'\\n' ORDER BY $group) FROM ("
		  . ($q =~ s/FROM $table/FROM ${table}_local/r) . ") AS t");
}

# cohort summaries: counts exact, moments within 1e-12 relative
my $close = q{
SELECT count(*) AS groups,
       bool_and(units(d.c) = units(l.c) AND completions(d.c) = completions(l.c)
                AND completion_known(d.c) = completion_known(l.c) AND churns(d.c) = churns(l.c)
                AND value_count(d.c) = value_count(l.c) AND covariate_count(d.c) = covariate_count(l.c)) AS counts,
       bool_and(abs(value_mean(d.c) - value_mean(l.c)) <= 1e-12 * abs(value_mean(l.c))
                AND abs(value_variance(d.c) - value_variance(l.c)) <= 1e-12 * abs(value_variance(l.c))
                AND abs(covariate_mean(d.c) - covariate_mean(l.c)) <= 1e-12 * abs(covariate_mean(l.c))
                AND abs(value_covariate_corr(d.c) - value_covariate_corr(l.c))
                    <= 1e-12 * abs(value_covariate_corr(l.c))) AS moments,
       bool_and((compare_cohorts(d.c, d0.c, 'value')).p_value
                BETWEEN (compare_cohorts(l.c, l0.c, 'value')).p_value * (1 - 1e-12)
                    AND (compare_cohorts(l.c, l0.c, 'value')).p_value * (1 + 1e-12)) AS statistics
FROM (SELECT segment, cohort_agg(completed, churned, revenue, pre_revenue) AS c FROM %s GROUP BY segment) AS d
JOIN (SELECT segment, cohort_agg(completed, churned, revenue, pre_revenue) AS c FROM %s_local GROUP BY segment) AS l
  USING (segment),
     (SELECT cohort_agg(completed, churned, revenue, pre_revenue) AS c FROM %s WHERE segment = 0) AS d0,
     (SELECT cohort_agg(completed, churned, revenue, pre_revenue) AS c FROM %s_local WHERE segment = 0) AS l0
};
is($coord->safe_psql('postgres', sprintf($close, ('units') x 4)), '5|t|t|t',
	'cohort_agg: counts equal, moments and statistics within 1e-12 of a local copy');

# Two stages: summaries stored per unit bucket in distributed tables, then
# rolled up across the workers; retention from stored activities.
$coord->safe_psql('postgres', q{
SET citus.shard_count = 8;
CREATE TABLE daily (bucket integer, variant text, c cohort, s quantile_sketch, v survival);
SELECT create_distributed_table('daily', 'bucket');
INSERT INTO daily
SELECT unit_id % 40, variant, cohort_agg(completed, churned, revenue, pre_revenue),
       quantile_sketch_agg(latency_ms), survival_agg(days, died)
FROM units GROUP BY 1, 2;
CREATE TABLE daily_local AS
SELECT unit_id % 40 AS bucket, variant, cohort_agg(completed, churned, revenue, pre_revenue) AS c,
       quantile_sketch_agg(latency_ms) AS s, survival_agg(days, died) AS v
FROM units_local GROUP BY 1, 2;
CREATE TABLE unit_activity (unit_id bigint, variant text, a activity);
SELECT create_distributed_table('unit_activity', 'unit_id');
INSERT INTO unit_activity
SELECT unit_id, variant, activity_agg(signup_at, seen_at, 'week', 8) FROM events GROUP BY 1, 2;
CREATE TABLE unit_activity_local AS
SELECT unit_id, variant, activity_agg(signup_at, seen_at, 'week', 8) AS a FROM events_local GROUP BY 1, 2;
CREATE TABLE weekly (unit_id bigint, variant text, r retention);
SELECT create_distributed_table('weekly', 'unit_id');
INSERT INTO weekly SELECT unit_id % 10, variant, retention_agg(a) FROM unit_activity GROUP BY 1, 2;
CREATE TABLE weekly_local AS SELECT unit_id % 10 AS unit_id, variant, retention_agg(a) AS r
FROM unit_activity_local GROUP BY 1, 2;
});
foreach my $a (
	['retention_agg/1', 'unit_activity', 'retention_agg(a)', 'variant'],
	['retention_agg/2', 'unit_activity', "retention_agg(a, timestamptz '2026-02-20 00:00+00')", 'variant'],
	['rollup(retention)', 'weekly', 'rollup(r)', 'variant'],
	['rollup(quantile_sketch)', 'daily', 'rollup(s)', 'variant'],
	['rollup(survival)', 'daily', 'rollup(v)', 'variant'],
	['rollup(cohort)', 'daily', 'rollup(c)', 'variant'])
{
	my ($label, $table, $agg, $group) = @$a;
	my $q = "SELECT $group, $agg AS x FROM $table GROUP BY $group";
	my $plan = plan_of($q);
	like($plan, qr/worker_partial_agg.*coord_combine_agg|coord_combine_agg.*worker_partial_agg/s,
		"$label: split between workers and coordinator");
	next if $label eq 'rollup(cohort)';
	same($label, "SELECT string_agg($group || ' ' || x::text, E'\n' ORDER BY $group) FROM ($q) AS t",
		"SELECT string_agg($group || ' ' || x::text, E'\n' ORDER BY $group) FROM ("
		  . ($q =~ s/FROM $table/FROM ${table}_local/r) . ") AS t");
}
is($coord->safe_psql('postgres', q{
SELECT count(*) FILTER (WHERE r.s::text = d.s::text AND r.v::text = d.v::text)
FROM (SELECT variant, rollup(s) AS s, rollup(v) AS v FROM daily GROUP BY variant) AS r
JOIN (SELECT variant, quantile_sketch_agg(latency_ms) AS s, survival_agg(days, died) AS v
      FROM units GROUP BY variant) AS d USING (variant)}), '3',
	'two-stage rollups of sketches and survival equal the one-stage aggregates');
is($coord->safe_psql('postgres', sprintf($close =~ s/cohort_agg\(completed, churned, revenue, pre_revenue\)/rollup(c)/gr
	  =~ s/segment/variant/gr =~ s/variant = 0/variant = 'control'/gr, ('daily') x 4)), '3|t|t|t',
	'rollup(cohort): counts equal, moments and statistics within 1e-12 of a local copy');

# a reference table joined to a distributed one
my $ref = q{SELECT v.label, quantile_sketch_agg(u.latency_ms) AS s, survival_agg(u.days, u.died) AS d
FROM %s u JOIN variants v USING (variant) GROUP BY v.label};
like(plan_of(sprintf($ref, 'units')), qr/worker_partial_agg/, 'reference table join: partial aggregation');
same('reference table join', "SELECT string_agg(label || ' ' || s::text || d::text, ';' ORDER BY label) FROM ("
	  . sprintf($ref, 'units') . ') AS t',
	"SELECT string_agg(label || ' ' || s::text || d::text, ';' ORDER BY label) FROM ("
	  . sprintf($ref, 'units_local') . ') AS t');

# Time zones: the workers compute in their own session's TimeZone (UTC
# here), which the activity records; an explicit time_zone makes every node
# compute in the same one.
my $tzq = q{SET TimeZone = 'America/New_York';
SELECT string_agg(unit_id || ' ' || a::text, E'\n' ORDER BY unit_id)
FROM (SELECT unit_id, activity_agg(signup_at, seen_at, 'day', 40%s) AS a FROM %s GROUP BY unit_id) AS t};
like($coord->safe_psql('postgres', sprintf($tzq, '', 'events')), qr/tz=UTC,/,
	'without time_zone, the workers compute in their own TimeZone, which the value records');
like($coord->safe_psql('postgres', sprintf($tzq, '', 'events_local')), qr/tz=America\/New_York,/,
	'without time_zone, a single node computes in the session TimeZone');
same('activity_agg with time_zone in another session TimeZone',
	sprintf($tzq, ", NULL, 'America/New_York'", 'events'),
	sprintf($tzq, ", NULL, 'America/New_York'", 'events_local'));

# A rollout reading a distributed source decides as one reading a local copy.
$coord->safe_psql('postgres', q{
SET citus.shard_count = 8;
CREATE TABLE requests AS
SELECT s % 500 AS unit_id, timestamptz '2026-03-02 09:00+00' + s * interval '1 second' AS ts,
       CASE WHEN s % 2 = 0 THEN 'treatment' ELSE 'control' END AS arm,
       (s * 7) % 100 = 0 AS is_error, 20 + (s * 13) % 50 + CASE WHEN s % 500 < 250 THEN 0 ELSE 3 END AS latency_ms
FROM generate_series(0, 7199) AS s;
CREATE TABLE requests_local AS SELECT * FROM requests;
SELECT create_distributed_table('requests', 'unit_id');
});
my $plan_json = q{{"phases": [{"name": "half", "traffic": 0.5, "duration": "1 hour",
	"checkpoints": ["20 minutes", "40 minutes", "60 minutes"],
	"thresholds": {"error_rate": {"max": 0.05}, "latency_p99": {"max": 200}}}],
	"min_requests": 5, "srm": "off", "unit_crossover": "off"}};
foreach my $r (['dist', 'requests'], ['local', 'requests_local'])
{
	$coord->safe_psql('postgres', "SELECT rollout_create('$r->[0]', '$r->[1]', '$plan_json');
		SELECT rollout_start('$r->[0]', timestamptz '2026-03-02 09:00+00')");
}
$coord->safe_psql('postgres', "SELECT rollout_tick(timestamptz '2026-03-02 09:00+00' + m * interval '20 minutes')
	FROM generate_series(1, 3) AS m");
my $decisions = q{SELECT string_agg(concat_ws(' ', checkpoint_at, decision, reasons), E'\n' ORDER BY id)
FROM rollout_decisions WHERE rollout = '%s'};
my $dist = $coord->safe_psql('postgres', sprintf($decisions, 'dist'));
note($dist);
ok($dist =~ /\S/, 'the rollout on the distributed source decided');
is($dist, $coord->safe_psql('postgres', sprintf($decisions, 'local')),
	'a rollout on a distributed source decides as on a local copy');

done_testing();
