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

# the extension is created on the workers by the coordinator
$coord->safe_psql('postgres', 'CREATE EXTENSION cohort_analyzer');
foreach my $w (@workers)
{
	is($w->safe_psql('postgres',
		"SELECT extversion FROM pg_extension WHERE extname = 'cohort_analyzer'"),
		$coord->safe_psql('postgres',
		"SELECT extversion FROM pg_extension WHERE extname = 'cohort_analyzer'"),
		$w->name . ': the coordinator created the extension');
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
CREATE TABLE units_local AS SELECT * FROM units;
CREATE TABLE events_local AS SELECT * FROM events;
SELECT create_distributed_table('units', 'unit_id');
SELECT create_distributed_table('events', 'event_id');
CREATE TABLE variants (variant text PRIMARY KEY, label text NOT NULL);
INSERT INTO variants VALUES ('control', 'A'), ('treatment', 'B'), ('holdout', 'A');
SELECT create_reference_table('variants');
});
is($coord->safe_psql('postgres', q{
SELECT string_agg(logicalrelid::text || ' ' || partmethod::text, ', ' ORDER BY logicalrelid::text)
FROM pg_dist_partition}), 'events h, units h, variants n', 'distributed and reference tables');

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
);

foreach my $a (@aggs)
{
	my ($label, $table, $agg, $group) = @$a;
	my $q = "SELECT $group, $agg AS x FROM $table GROUP BY $group";
	my $plan = plan_of($q);
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
                BETWEEN (compare_cohorts(l.c, l0.c, 'value')).p_value * (1 - 1e-9)
                    AND (compare_cohorts(l.c, l0.c, 'value')).p_value * (1 + 1e-9)) AS statistics
FROM (SELECT segment, cohort_agg(completed, churned, revenue, pre_revenue) AS c FROM %s GROUP BY segment) AS d
JOIN (SELECT segment, cohort_agg(completed, churned, revenue, pre_revenue) AS c FROM %s_local GROUP BY segment) AS l
  USING (segment),
     (SELECT cohort_agg(completed, churned, revenue, pre_revenue) AS c FROM %s WHERE segment = 0) AS d0,
     (SELECT cohort_agg(completed, churned, revenue, pre_revenue) AS c FROM %s_local WHERE segment = 0) AS l0
};
is($coord->safe_psql('postgres', sprintf($close, ('units') x 4)), '5|t|t|t',
	'cohort_agg: counts equal, moments and statistics within 1e-12 of a local copy');

done_testing();
