# ALTER EXTENSION cohort_analyzer UPDATE from every released version: values
# of every type stored under the old version (in tables and a materialized
# view) read back identically, every one-argument accessor answers as
# before, rollouts and their decisions survive, and the updated extension
# has exactly the objects of a fresh install of the current version.
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('update');
$node->init;
$node->append_conf('postgresql.conf', "timezone = 'UTC'\nlc_messages = 'C'\n");
$node->start;

my $current = $node->safe_psql('postgres',
	"SELECT default_version FROM pg_available_extensions WHERE name = 'cohort_analyzer'");
my @released = grep { $_ ne $current } split /\n/,
  $node->safe_psql('postgres',
	"SELECT version FROM pg_available_extension_versions WHERE name = 'cohort_analyzer' ORDER BY version");
ok(scalar(@released) >= 1, "released versions before $current: @released");

# Everything an extension owns, described so that two installs can be
# compared: definitions, privileges, comments and configuration.
my $describe = q{
WITH ext AS (SELECT oid, extconfig, extcondition FROM pg_extension WHERE extname = 'cohort_analyzer'),
member AS (
    SELECT d.classid, d.objid FROM pg_depend d, ext
    WHERE d.refclassid = 'pg_extension'::regclass AND d.refobjid = ext.oid AND d.deptype = 'e'),
rels AS (SELECT objid AS oid FROM member WHERE classid = 'pg_class'::regclass),
lines AS (
    SELECT pg_describe_object(m.classid, m.objid, 0) || ' | '
           || coalesce(obj_description(m.objid, c.relname::text), '-') AS line
    FROM member m JOIN pg_class c ON c.oid = m.classid
  UNION ALL
    SELECT 'function ' || p.oid::regprocedure || ' | ' || pg_get_functiondef(p.oid) || ' | '
           || coalesce(p.proacl::text, 'default acl')
    FROM member m JOIN pg_proc p ON p.oid = m.objid
    WHERE m.classid = 'pg_proc'::regclass AND p.prokind <> 'a'
  UNION ALL
    SELECT 'aggregate ' || a.aggfnoid::regprocedure || ' | ' || concat_ws(' ', a.aggkind, a.aggnumdirectargs,
           a.aggtransfn, a.aggfinalfn, a.aggcombinefn, a.aggserialfn, a.aggdeserialfn, a.aggmtransfn,
           a.aggminvtransfn, a.aggmfinalfn, a.aggfinalextra, a.aggmfinalextra, a.aggfinalmodify,
           a.aggmfinalmodify, a.aggsortop::regoperator, a.aggtranstype::regtype, a.aggtransspace,
           a.aggmtranstype::regtype, a.aggmtransspace, a.agginitval, a.aggminitval, p.proparallel,
           p.provolatile, p.proacl)
    FROM member m JOIN pg_aggregate a ON a.aggfnoid = m.objid JOIN pg_proc p ON p.oid = a.aggfnoid
    WHERE m.classid = 'pg_proc'::regclass
  UNION ALL
    SELECT 'type ' || t.oid::regtype || ' | ' || concat_ws(' ', t.typlen, t.typbyval, t.typtype,
           t.typcategory, t.typispreferred, t.typinput, t.typoutput, t.typreceive, t.typsend,
           t.typmodin, t.typmodout, t.typanalyze, t.typalign, t.typstorage, t.typelem::regtype,
           t.typarray::regtype, t.typsubscript, t.typacl,
           (SELECT string_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod), ', ' ORDER BY a.attnum)
            FROM pg_attribute a WHERE a.attrelid = t.typrelid AND t.typtype = 'c' AND a.attnum > 0
              AND NOT a.attisdropped AND NOT EXISTS (SELECT 1 FROM rels WHERE rels.oid = t.typrelid)))
    FROM member m JOIN pg_type t ON t.oid = m.objid WHERE m.classid = 'pg_type'::regclass
  UNION ALL
    SELECT 'operator ' || o.oid::regoperator || ' | ' || concat_ws(' ', o.oprkind, o.oprcanmerge,
           o.oprcanhash, o.oprresult::regtype, o.oprcom::regoperator, o.oprnegate::regoperator,
           o.oprcode, o.oprrest, o.oprjoin)
    FROM member m JOIN pg_operator o ON o.oid = m.objid WHERE m.classid = 'pg_operator'::regclass
  UNION ALL
    SELECT 'cast ' || c.castsource::regtype || ' -> ' || c.casttarget::regtype || ' | '
           || concat_ws(' ', c.castfunc::regprocedure, c.castcontext, c.castmethod)
    FROM member m JOIN pg_cast c ON c.oid = m.objid WHERE m.classid = 'pg_cast'::regclass
  UNION ALL
    SELECT 'opfamily member ' || pg_describe_object('pg_amop'::regclass, ao.oid, 0)
    FROM member m JOIN pg_amop ao ON ao.amopfamily = m.objid WHERE m.classid = 'pg_opfamily'::regclass
  UNION ALL
    SELECT 'opfamily member ' || pg_describe_object('pg_amproc'::regclass, ap.oid, 0)
    FROM member m JOIN pg_amproc ap ON ap.amprocfamily = m.objid WHERE m.classid = 'pg_opfamily'::regclass
  UNION ALL
    SELECT 'relation ' || c.oid::regclass || ' | ' || concat_ws(' ', c.relkind, c.relpersistence,
           c.relrowsecurity, c.relforcerowsecurity, c.relacl)
    FROM rels JOIN pg_class c ON c.oid = rels.oid
  UNION ALL
    -- columns by name: ALTER TABLE ... ADD COLUMN appends, so positions may differ
    SELECT 'column ' || a.attrelid::regclass || '.' || a.attname || ' | '
           || concat_ws(' ', format_type(a.atttypid, a.atttypmod), a.attnotnull,
                        pg_get_expr(ad.adbin, ad.adrelid), a.attidentity, a.attgenerated,
                        col_description(a.attrelid, a.attnum), a.attacl)
    FROM rels JOIN pg_attribute a ON a.attrelid = rels.oid AND a.attnum > 0 AND NOT a.attisdropped
    LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
  UNION ALL
    SELECT 'constraint ' || co.conrelid::regclass || ' ' || co.conname || ' | ' || pg_get_constraintdef(co.oid)
    FROM rels JOIN pg_constraint co ON co.conrelid = rels.oid
  UNION ALL
    SELECT 'index ' || pg_get_indexdef(i.indexrelid)
    FROM rels JOIN pg_index i ON i.indrelid = rels.oid
  UNION ALL
    SELECT 'trigger ' || pg_get_triggerdef(tg.oid)
    FROM rels JOIN pg_trigger tg ON tg.tgrelid = rels.oid AND NOT tg.tgisinternal
  UNION ALL
    SELECT 'policy ' || concat_ws(' ', pol.polrelid::regclass, pol.polname, pol.polcmd, pol.polpermissive,
           pol.polroles::regrole[], pg_get_expr(pol.polqual, pol.polrelid), pg_get_expr(pol.polwithcheck, pol.polrelid))
    FROM rels JOIN pg_policy pol ON pol.polrelid = rels.oid
  UNION ALL
    SELECT 'view ' || c.oid::regclass || ' | ' || pg_get_viewdef(c.oid)
    FROM rels JOIN pg_class c ON c.oid = rels.oid AND c.relkind IN ('v', 'm')
  UNION ALL
    SELECT 'dumped with data: ' || cfg::regclass || ' | ' || coalesce(cond, '')
    FROM ext, unnest(ext.extconfig, ext.extcondition) AS u(cfg, cond)
)
SELECT string_agg(line, E'\n' ORDER BY line COLLATE "C") FROM lines;
};

# Sample data and stored values of every type, made under the old version.
my $store = q{
CREATE TABLE learners AS
SELECT i, CASE WHEN i % 2 = 0 THEN 'control' ELSE 'treatment' END AS variant,
       i % 3 = 0 AS completed, i % 7 = 0 AS churned, (i % 50) * 1.25 AS revenue,
       (i % 11) * 2.0 AS pre_revenue, 5 + (i % 97) * 1.5 AS latency_ms,
       timestamptz '2026-01-05 08:00+00' + (i % 21) * interval '1 day' AS signup_at,
       timestamptz '2026-01-05 08:00+00' + (i % 21) * interval '1 day' + (i % 40) * interval '1 day' AS seen_at,
       (i % 60) + 0.5 AS days, i % 5 <> 0 AS died
FROM generate_series(1, 3000) AS i;
CREATE TABLE stored (
    kind text PRIMARY KEY, c cohort, s quantile_sketch, a activity, r retention, v survival);
INSERT INTO stored
SELECT variant, cohort_agg(completed, churned, revenue, pre_revenue), quantile_sketch_agg(latency_ms),
       NULL, NULL, survival_agg(days, died)
FROM learners GROUP BY variant;
INSERT INTO stored (kind, a)
SELECT 'activity ' || i, activity_agg(signup_at, seen_at, 'week', 8) FROM learners WHERE i <= 5 GROUP BY i;
INSERT INTO stored (kind, r)
SELECT 'retention', retention_agg(a, timestamptz '2026-03-01 00:00+00')
FROM (SELECT activity_agg(signup_at, seen_at, 'week', 8) AS a FROM learners GROUP BY i) AS per_unit;
INSERT INTO stored (kind, s) SELECT 'sketch 0.001', quantile_sketch_agg(latency_ms, 0.001) FROM learners;
CREATE MATERIALIZED VIEW daily AS
SELECT variant, date_trunc('day', signup_at) AS day,
       cohort_agg(completed, churned, revenue) AS c, quantile_sketch_agg(latency_ms) AS s,
       survival_agg(days, died) AS v
FROM learners GROUP BY 1, 2;
CREATE UNIQUE INDEX ON daily (variant, day);

-- a rollout with decisions, one pending and one rolled back
CREATE TABLE requests AS
SELECT timestamptz '2026-03-02 09:00+00' + s * interval '1 second' AS ts, arm,
       s % 50 = 0 AS is_error, 10 + (s % 17)::float8 AS latency_ms
FROM generate_series(0, 1199) AS s, unnest(ARRAY['control', 'treatment']) AS arm;
SELECT rollout_create('live', 'requests', '{"phases": [{"name": "canary", "traffic": 0.05, "duration": "20 minutes",
  "checkpoints": ["5 minutes", "10 minutes", "20 minutes"], "thresholds": {"error_rate": {"max": 0.05},
  "latency_p99": {"max": 100}}}, {"name": "full", "traffic": 1, "duration": "1 hour",
  "checkpoints": ["1 hour"], "thresholds": {"error_rate": {"max": 0.05}}}], "min_requests": 10}');
SELECT rollout_start('live', '2026-03-02 09:00+00');
SELECT rollout_tick('2026-03-02 09:05+00');
SELECT rollout_tick('2026-03-02 09:10+00');
SELECT rollout_create('waiting', 'requests');
SELECT rollout_create('stopped', 'requests');
SELECT rollout_start('stopped', '2026-03-02 09:00+00');
SELECT rollout_rollback('stopped', 'changed our minds');
};

# Every value in a canonical text form, and every one-argument function of
# the old version over every stored value of its argument type.
my $snapshot = q{
SELECT string_agg(line, E'\n' ORDER BY line COLLATE "C") FROM (
    SELECT 'stored ' || kind || ' ' || concat_ws(' | ', c, s, a, r, v,
           encode(cohort_send(c), 'hex'), encode(quantile_sketch_send(s), 'hex'))
           AS line FROM stored
  UNION ALL
    SELECT 'daily ' || concat_ws(' | ', variant, day, c, s, v) FROM daily
  UNION ALL
    -- (the update turns the split guards off in the plans of 1.0's rollouts)
    SELECT 'rollout ' || concat_ws(' | ', name, source, owner, plan - 'srm' - 'unit_crossover', state, phase_no, checkpoint_no,
           next_checkpoint_at, treatment_share) FROM rollouts
  UNION ALL
    SELECT 'decision ' || concat_ws(' | ', rollout, phase, decision, actor, state, treatment_share,
           reasons, metrics) FROM rollout_decisions
  UNION ALL
    SELECT 'accessor ' || f || ' ' || result FROM accessor_results
    WHERE f IN (SELECT f FROM old_accessors)
) AS x;
};

my $accessors = q{
DROP TABLE IF EXISTS accessor_results;
CREATE TABLE accessor_results (f text, result text);
DO $$
DECLARE
    f record;
    col text;
    res text;
BEGIN
    FOR f IN SELECT p.proname, p.proretset, t.typname
             FROM pg_proc p JOIN pg_type t ON t.oid = p.proargtypes[0]
             WHERE p.pronamespace = 'public'::regnamespace AND p.pronargs = 1 AND p.prokind = 'f'
               AND t.typname IN ('cohort', 'quantile_sketch', 'activity', 'retention', 'survival')
               AND p.proname NOT LIKE '%\_send' AND p.proname NOT LIKE '%\_out'
             ORDER BY 1, 3 LOOP
        col := CASE f.typname WHEN 'cohort' THEN 'c' WHEN 'quantile_sketch' THEN 's'
                              WHEN 'activity' THEN 'a' WHEN 'retention' THEN 'r' ELSE 'v' END;
        EXECUTE format('SELECT string_agg(x::text, '';'' ORDER BY k, x::text) FROM
                        (SELECT kind AS k, %I(%I) AS x FROM stored WHERE %I IS NOT NULL) q',
                       f.proname, col, col) INTO res;
        INSERT INTO accessor_results VALUES (f.proname || '(' || f.typname || ')', coalesce(res, 'NULL'));
    END LOOP;
END
$$;
};

my $accessors_of_old = $accessors =~ s/ORDER BY 1, 3 LOOP/  AND p.proname || '(' || t.typname || ')' IN (SELECT b.f FROM accessors_before b)
             ORDER BY 1, 3 LOOP/r;
die 'accessor filter not applied' if $accessors_of_old eq $accessors;

foreach my $old (@released)
{
	my $db = "from_" . ($old =~ s/\./_/gr);
	$node->safe_psql('postgres', "CREATE DATABASE $db");
	$node->safe_psql($db, "CREATE EXTENSION cohort_analyzer VERSION '$old'");
	$node->safe_psql($db, $store);
	$node->safe_psql($db, $accessors);
	# the functions to call again after the update: those of the old version
	$node->safe_psql($db, 'CREATE TABLE old_accessors AS SELECT f FROM accessor_results');
	my $before = $node->safe_psql($db, $snapshot);
	$node->safe_psql($db, 'CREATE TABLE accessors_before AS SELECT f FROM accessor_results');
	like($before, qr/accessor completion_rate\(cohort\) /, "$old: accessors found");
	like($before, qr/decision live \| canary \| continue/, "$old: decisions recorded");

	# the current library serves the old SQL: comparisons are built from the
	# old composite type, whatever attributes it lacks
	is( $node->safe_psql($db,
			"SELECT round(p_value::numeric, 6) || ' ' || round(difference_low::numeric, 6)
			 FROM compare_cohorts(cohort_from_counts(1000, 300), cohort_from_counts(1000, 340))"),
		'0.055186 -0.000850', "$old: compare_cohorts answers through the old type");
	is( $node->safe_psql($db,
			"SELECT significant FROM compare_cohorts_sequential(cohort_from_counts(3000, 1396), cohort_from_counts(3461, 2422))"),
		't', "$old: compare_cohorts_sequential answers through the old type");

	$node->safe_psql($db, 'ALTER EXTENSION cohort_analyzer UPDATE');
	is($node->safe_psql($db, "SELECT extversion FROM pg_extension WHERE extname = 'cohort_analyzer'"),
		$current, "$old: updated to $current");
	is( $node->safe_psql($db,
			"SELECT bool_and(plan ->> 'srm' = 'off' AND plan ->> 'unit_crossover' = 'off') FROM rollouts"),
		't', "$old: rollouts of the old version keep deciding without the split guards");

	# the old version's accessors, called again after the update (a function
	# the update removed would be missing from the snapshot; accessors the
	# update added are not part of the comparison)
	$node->safe_psql($db, $accessors_of_old);
	my $after = $node->safe_psql($db, $snapshot);
	# accessors the update added are not the old version's
	my %old_accessor = map { /^accessor (\S+) / ? ($1 => 1) : () } split /\n/, $before;
	$after = join "\n", grep { !/^accessor (\S+) / || $old_accessor{$1} } split /\n/, $after;
	is($after, $before, "$old: stored values, accessors, rollouts and decisions unchanged by the update");

	is( $node->safe_psql($db,
			"SELECT round(std_error::numeric, 6) FROM compare_cohorts(cohort_from_counts(1000, 300), cohort_from_counts(1000, 340))"),
		'0.020842', "$old: the updated comparison carries its standard error");

	# a materialized view of the old version refreshes and rolls up after
	$node->safe_psql($db, 'REFRESH MATERIALIZED VIEW CONCURRENTLY daily');
	is( $node->safe_psql($db,
			"SELECT units(rollup(d.c)) = min(units(s.c)) AND completion_rate(rollup(d.c)) = min(completion_rate(s.c))
			   AND quantile(rollup(d.s), 0.99) = min(quantile(s.s, 0.99))
			 FROM daily d, stored s WHERE d.variant = 'control' AND s.kind = 'control' GROUP BY s.kind"),
		't', "$old: materialized view refreshed and rolled up after the update");

	$node->safe_psql('postgres', "CREATE DATABASE fresh_$db");
	$node->safe_psql("fresh_$db", 'CREATE EXTENSION cohort_analyzer');
	my $updated = $node->safe_psql($db, $describe);
	my $fresh = $node->safe_psql("fresh_$db", $describe);
	ok(length($fresh) > 10000, 'catalog description is not empty');
	if ($updated ne $fresh)
	{
		my %u = map { $_ => 1 } split /\n/, $updated;
		my %f = map { $_ => 1 } split /\n/, $fresh;
		diag("only after update: $_") foreach grep { !$f{$_} } sort keys %u;
		diag("only in fresh install: $_") foreach grep { !$u{$_} } sort keys %f;
	}
	ok($updated eq $fresh, "$old: updated objects equal a fresh $current install");
}

$node->stop;
done_testing();
