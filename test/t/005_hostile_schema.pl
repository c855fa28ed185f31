# Hostile schemas: functions, operators and aggregates that an unqualified
# or inexactly bound reference could resolve to are created, as superuser,
# in the extension's target schema and in public, each recording that it
# ran.  The extension is installed there (and updated there from every
# released version), and an ordinary role whose search_path puts those
# schemas before pg_catalog calls every function of the API: none of the
# hostile objects may run.  Schema names with quotes, backslashes or dollar
# signs either install correctly or fail with a clear error.
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('hostile');
$node->init;
$node->append_conf('postgresql.conf',
	"timezone = 'UTC'\nlc_messages = 'C'\ntrack_functions = 'all'\n");
$node->start;

my $current = $node->safe_psql('postgres',
	"SELECT default_version FROM pg_available_extensions WHERE name = 'cohort_analyzer'");
my @released = grep { $_ ne $current } split /\n/,
  $node->safe_psql('postgres',
	"SELECT version FROM pg_available_extension_versions WHERE name = 'cohort_analyzer' ORDER BY version");

$node->safe_psql('postgres', 'CREATE ROLE analyst LOGIN');

# The hostile objects, in the schemas of the array (run as superuser, with
# nothing but pg_catalog on the path).  Each one logs its call and warns,
# then behaves like the built-in it shadows, so that nothing fails because
# of it: only the log and the warnings tell that it ran.
my $hostile = q{
SET search_path = pg_catalog;
CREATE SCHEMA hostile_log;
CREATE TABLE hostile_log.calls (what text NOT NULL, by_role name NOT NULL DEFAULT current_user);
GRANT USAGE ON SCHEMA hostile_log TO PUBLIC;
GRANT INSERT ON hostile_log.calls TO PUBLIC;
CREATE FUNCTION hostile_log.ran(text) RETURNS void
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
    AS $$ BEGIN
        INSERT INTO hostile_log.calls (what) VALUES ($1);
        RAISE WARNING 'HOSTILE OBJECT RAN: %', $1;
    END $$;

DO $gen$
DECLARE
    s text;
    o record;
    f record;
    rt text;
    n integer := 0;
BEGIN
    FOREACH s IN ARRAY ARRAY[%SCHEMAS%] LOOP
        -- operators on common types, exact and (where pg_catalog has no
        -- exact one) better matches than the built-in ones
        FOR o IN
            SELECT op, l, r
            FROM unnest(ARRAY['=', '<>', '<', '<=', '>', '>=', '+', '-', '*', '/', '%', '||', '->', '->>', '@>', '~~'])
                     AS op,
                 (VALUES ('text', 'text'), ('name', 'name'), ('text', 'name'), ('name', 'text'),
                         ('character varying', 'character varying'), ('integer', 'integer'),
                         ('bigint', 'bigint'), ('smallint', 'smallint'), ('bigint', 'integer'),
                         ('integer', 'bigint'), ('double precision', 'double precision'),
                         ('numeric', 'numeric'), ('double precision', 'integer'),
                         ('integer', 'double precision'), ('double precision', 'bigint'),
                         ('bigint', 'double precision'), ('double precision', 'numeric'),
                         ('numeric', 'double precision'), ('numeric', 'integer'),
                         ('integer', 'numeric'), ('text', 'integer'), ('text', 'double precision'),
                         ('text', 'bigint'), ('integer', 'text'), ('boolean', 'boolean'),
                         ('jsonb', 'jsonb'), ('jsonb', 'text'), ('jsonb', 'integer'),
                         ('timestamp with time zone', 'timestamp with time zone'),
                         ('timestamp with time zone', 'interval'), ('interval', 'interval'),
                         ('interval', 'double precision'), ('text[]', 'text[]'),
                         ('bigint[]', 'bigint[]'), ('double precision[]', 'double precision[]'),
                         ('oid', 'oid'), ('regclass', 'regclass'), ('"char"', '"char"'))
                     AS t (l, r)
        LOOP
            BEGIN
                EXECUTE format('SELECT pg_catalog.pg_typeof(NULL::%s OPERATOR(pg_catalog.%s) NULL::%s)::text',
                               o.l, o.op, o.r) INTO rt;
            EXCEPTION WHEN others THEN
                CONTINUE;
            END;
            n := n + 1;
            EXECUTE format($f$CREATE FUNCTION %I.hostile_op_%s(%s, %s) RETURNS %s LANGUAGE plpgsql
                              AS $b$ BEGIN PERFORM hostile_log.ran(%L);
                                     RETURN $1 OPERATOR(pg_catalog.%s) $2; END $b$$f$,
                           s, n, o.l, o.r, rt, format('%s.%s(%s, %s)', s, o.op, o.l, o.r), o.op);
            EXECUTE format('CREATE OPERATOR %I.%s (LEFTARG = %s, RIGHTARG = %s, FUNCTION = %I.hostile_op_%s)',
                           s, o.op, o.l, o.r, s, n);
        END LOOP;
        -- prefix minus
        FOR o IN SELECT t FROM unnest(ARRAY['integer', 'bigint', 'double precision', 'numeric']) AS t LOOP
            n := n + 1;
            EXECUTE format($f$CREATE FUNCTION %I.hostile_op_%s(%s) RETURNS %s LANGUAGE plpgsql
                              AS $b$ BEGIN PERFORM hostile_log.ran(%L);
                                     RETURN OPERATOR(pg_catalog.-) $1; END $b$$f$,
                           s, n, o.t, o.t, format('%s.-(%s)', s, o.t));
            EXECUTE format('CREATE OPERATOR %I.- (RIGHTARG = %s, FUNCTION = %I.hostile_op_%s)', s, o.t, s, n);
        END LOOP;
        -- functions: the name, the argument types, the result type
        FOR f IN
            SELECT * FROM (VALUES
                ('lower', 'text', 'text'), ('upper', 'text', 'text'), ('lower', 'character varying', 'text'),
                ('length', 'text', 'integer'), ('length', 'bytea', 'integer'),
                ('length', 'character varying', 'integer'), ('length', 'name', 'integer'),
                ('abs', 'double precision', 'double precision'), ('abs', 'integer', 'integer'),
                ('abs', 'bigint', 'bigint'), ('abs', 'numeric', 'numeric'),
                ('sqrt', 'double precision', 'double precision'), ('sqrt', 'numeric', 'numeric'),
                ('sqrt', 'integer', 'double precision'), ('sqrt', 'bigint', 'double precision'),
                ('ln', 'double precision', 'double precision'), ('ln', 'integer', 'double precision'),
                ('exp', 'double precision', 'double precision'), ('exp', 'integer', 'double precision'),
                ('power', 'double precision, double precision', 'double precision'),
                ('power', 'double precision, integer', 'double precision'),
                ('round', 'double precision', 'double precision'), ('round', 'numeric, integer', 'numeric'),
                ('round', 'double precision, integer', 'numeric'),
                ('floor', 'double precision', 'double precision'), ('ceil', 'double precision', 'double precision'),
                ('trunc', 'double precision', 'double precision'), ('sign', 'double precision', 'double precision'),
                ('now', '', 'timestamp with time zone'), ('clock_timestamp', '', 'timestamp with time zone'),
                ('statement_timestamp', '', 'timestamp with time zone'),
                ('transaction_timestamp', '', 'timestamp with time zone'), ('random', '', 'double precision'),
                ('current_setting', 'text', 'text'), ('current_setting', 'text, boolean', 'text'),
                ('set_config', 'text, text, boolean', 'text'),
                ('jsonb_typeof', 'jsonb', 'text'), ('jsonb_array_length', 'jsonb', 'integer'),
                ('jsonb_build_object', 'text, text', 'jsonb'), ('jsonb_build_object', 'text, double precision', 'jsonb'),
                ('jsonb_build_object', 'text, jsonb', 'jsonb'), ('jsonb_build_array', 'jsonb', 'jsonb'),
                ('jsonb_object_keys', 'jsonb', 'SETOF text'), ('jsonb_array_elements', 'jsonb', 'SETOF jsonb'),
                ('to_jsonb', 'text', 'jsonb'), ('to_jsonb', 'double precision', 'jsonb'),
                ('to_jsonb', 'anyelement', 'jsonb'), ('jsonb_set', 'jsonb, text[], jsonb', 'jsonb'),
                ('array_length', 'anyarray, integer', 'integer'), ('array_length', 'text[], integer', 'integer'),
                ('array_length', 'double precision[], integer', 'integer'),
                ('cardinality', 'anyarray', 'integer'), ('cardinality', 'double precision[]', 'integer'),
                ('cardinality', 'text[]', 'integer'), ('cardinality', 'bigint[]', 'integer'),
                ('array_upper', 'anyarray, integer', 'integer'), ('array_lower', 'anyarray, integer', 'integer'),
                ('array_position', 'text[], text', 'integer'), ('array_append', 'text[], text', 'text[]'),
                ('array_cat', 'text[], text[]', 'text[]'), ('array_to_string', 'text[], text', 'text'),
                ('string_to_array', 'text, text', 'text[]'), ('unnest', 'anyarray', 'SETOF anyelement'),
                ('unnest', 'double precision[]', 'SETOF double precision'),
                ('generate_series', 'integer, integer', 'SETOF integer'),
                ('to_regclass', 'text', 'regclass'), ('to_regtype', 'text', 'regtype'),
                ('pg_notify', 'text, text', 'void'),
                ('pg_has_role', 'name, oid, text', 'boolean'), ('pg_has_role', 'name, name, text', 'boolean'),
                ('has_table_privilege', 'text, text', 'boolean'),
                ('has_table_privilege', 'name, oid, text', 'boolean'),
                ('has_schema_privilege', 'oid, text', 'boolean'),
                ('quote_ident', 'text', 'text'), ('quote_literal', 'text', 'text'),
                ('format', 'text, text', 'text'), ('format', 'text, text, text', 'text'),
                ('format_type', 'oid, integer', 'text'),
                ('date_trunc', 'text, timestamp with time zone', 'timestamp with time zone'),
                ('date_bin', 'interval, timestamp with time zone, timestamp with time zone', 'timestamp with time zone'),
                ('date_part', 'text, timestamp with time zone', 'double precision'),
                ('isfinite', 'timestamp with time zone', 'boolean'), ('isnan', 'double precision', 'boolean'),
                ('to_char', 'timestamp with time zone, text', 'text'), ('to_char', 'double precision, text', 'text'),
                ('left', 'text, integer', 'text'), ('substr', 'text, integer', 'text'),
                ('substring', 'text, integer, integer', 'text'), ('replace', 'text, text, text', 'text'),
                ('concat', 'text, text', 'text'), ('concat_ws', 'text, text, text', 'text'),
                ('md5', 'text', 'text'), ('nextval', 'regclass', 'bigint'), ('nextval', 'text', 'bigint'),
                ('txid_current', '', 'bigint'), ('pg_advisory_xact_lock', 'bigint', 'void'),
                ('current_database', '', 'name'),
                ('pg_backend_pid', '', 'integer'), ('pg_typeof', 'text', 'regtype'),
                ('int8', 'integer', 'bigint'), ('float8', 'numeric', 'double precision'),
                ('numeric', 'double precision', 'numeric'), ('text', 'integer', 'text'))
            AS v (name, args, ret)
        LOOP
            n := n + 1;
            EXECUTE format($f$CREATE FUNCTION %I.%I(%s) RETURNS %s LANGUAGE plpgsql
                              AS $b$ BEGIN PERFORM hostile_log.ran(%L); %s END $b$$f$,
                s, f.name, f.args, f.ret, format('%s.%s(%s)', s, f.name, f.args),
                format(CASE WHEN f.ret = 'void' THEN 'PERFORM pg_catalog.%I(%s); RETURN;'
                            WHEN f.ret LIKE 'SETOF %%' THEN 'RETURN QUERY SELECT pg_catalog.%I(%s);'
                            ELSE 'RETURN pg_catalog.%I(%s);' END,
                       f.name,
                       coalesce((SELECT string_agg('$' || i, ', ')
                                 FROM generate_series(1, cardinality(string_to_array(nullif(f.args, ''), ', '))) AS i), '')));
        END LOOP;
        -- aggregates that an unqualified call would prefer to count("any")
        -- and the polymorphic built-ins
        EXECUTE format($f$CREATE FUNCTION %I.hostile_count(bigint, double precision) RETURNS bigint
                          LANGUAGE plpgsql AS $b$ BEGIN PERFORM hostile_log.ran(%L);
                          RETURN coalesce($1, 0) OPERATOR(pg_catalog.+) 1; END $b$$f$,
                       s, s || '.count(double precision)');
        EXECUTE format('CREATE AGGREGATE %I.count(double precision) (SFUNC = %I.hostile_count, STYPE = bigint, INITCOND = 0)', s, s);
        EXECUTE format($f$CREATE FUNCTION %I.hostile_sum(double precision, double precision) RETURNS double precision
                          LANGUAGE plpgsql AS $b$ BEGIN PERFORM hostile_log.ran(%L);
                          RETURN coalesce($1, 0) OPERATOR(pg_catalog.+) $2; END $b$$f$,
                       s, s || '.sum(double precision)');
        EXECUTE format('CREATE AGGREGATE %I.sum(double precision) (SFUNC = %I.hostile_sum, STYPE = double precision)', s, s);
        EXECUTE format('CREATE AGGREGATE %I.max(double precision) (SFUNC = %I.hostile_sum, STYPE = double precision)', s, s);
        EXECUTE format($f$CREATE FUNCTION %I.hostile_or(boolean, boolean) RETURNS boolean
                          LANGUAGE plpgsql AS $b$ BEGIN PERFORM hostile_log.ran(%L);
                          RETURN $1 OR $2; END $b$$f$,
                       s, s || '.bool_or(boolean)');
        EXECUTE format('CREATE AGGREGATE %I.bool_or(boolean) (SFUNC = %I.hostile_or, STYPE = boolean)', s, s);
        EXECUTE format($f$CREATE FUNCTION %I.hostile_agg(text[], text) RETURNS text[]
                          LANGUAGE plpgsql AS $b$ BEGIN PERFORM hostile_log.ran(%L);
                          RETURN pg_catalog.array_append($1, $2); END $b$$f$,
                       s, s || '.array_agg(text)');
        EXECUTE format('CREATE AGGREGATE %I.array_agg(text) (SFUNC = %I.hostile_agg, STYPE = text[])', s, s);
        EXECUTE format($f$CREATE FUNCTION %I.hostile_agg(text, text, text) RETURNS text
                          LANGUAGE plpgsql AS $b$ BEGIN PERFORM hostile_log.ran(%L);
                          RETURN pg_catalog.concat_ws($3, $1, $2); END $b$$f$,
                       s, s || '.string_agg(text, text)');
        EXECUTE format('CREATE AGGREGATE %I.string_agg(text, text) (SFUNC = %I.hostile_agg, STYPE = text)', s, s);
    END LOOP;
END
$gen$;
};

# A database with the hostile objects in the target schema and in public.
# The target schema belongs to the superuser: ordinary roles may use it
# but not create in it.
sub hostile_database
{
	my ($db, $schema) = @_;
	$node->safe_psql('postgres', "CREATE DATABASE $db");
	my $q = $node->safe_psql('postgres', "SELECT quote_ident(\$\$$schema\$\$)");
	my $sql = $hostile;
	my $lit = $node->safe_psql('postgres', "SELECT quote_literal(\$\$$schema\$\$)");
	$sql =~ s/%SCHEMAS%/$lit, 'public'/;
	$node->safe_psql($db, "CREATE SCHEMA $q; GRANT USAGE ON SCHEMA $q TO PUBLIC;");
	$node->safe_psql($db, $sql);
	my $made = $node->safe_psql($db, qq{
SELECT (SELECT count(*) FROM pg_operator WHERE oprnamespace = 'public'::regnamespace)
       + (SELECT count(*) FROM pg_proc WHERE pronamespace = 'public'::regnamespace AND proname NOT LIKE 'hostile%')});
	cmp_ok($made, '>', 300, "$db: $made hostile operators, functions and aggregates in public and as many in $q");
	return $q;
}

sub hostile_calls
{
	my ($db) = @_;
	return $node->safe_psql($db,
		"SET search_path = pg_catalog; SELECT count(*) || coalesce(': ' || string_agg(DISTINCT what || ' by ' || by_role, '; '), '') FROM hostile_log.calls"
	);
}

# Data the ordinary role works on, made without hostile objects in sight.
my $data = q{
SET search_path = pg_catalog;
CREATE SCHEMA analyst_data AUTHORIZATION analyst;
CREATE TABLE analyst_data.learners AS
SELECT i, i % 2 = 0 AS control, i % 3 = 0 AS completed, i % 7 = 0 AS churned,
       ((i % 50) * 1.25)::float8 AS revenue, ((i % 11) * 2.0)::float8 AS pre_revenue,
       (5 + (i % 97) * 1.5)::float8 AS latency_ms,
       timestamptz '2026-01-05 08:00+00' + (i % 21) * interval '1 day' AS signup_at,
       timestamptz '2026-01-05 08:00+00' + (i % 21) * interval '1 day' + (i % 40) * interval '1 day' AS seen_at,
       ((i % 60) + 0.5)::float8 AS days, i % 5 <> 0 AS died
FROM generate_series(1, 600) AS i;
CREATE TABLE analyst_data.requests AS
SELECT timestamptz '2026-03-02 09:00+00' + s * interval '1 second' AS ts, arm,
       s % 50 = 0 AS is_error, (10 + (s % 17))::float8 AS latency_ms,
       s % 3 = 0 AS completed, s % 11 = 0 AS churned, (s % 7)::float8 AS revenue, s % 40 AS unit_id
FROM generate_series(0, 1799) AS s, unnest(ARRAY['control', 'treatment']) AS arm;
ALTER TABLE analyst_data.learners OWNER TO analyst;
ALTER TABLE analyst_data.requests OWNER TO analyst;
};

# Every function of the API but the rollouts', called by the ordinary role
# with the hostile schemas first on its search_path.  The script itself
# binds exactly: schema-qualified names, OPERATOR(pg_catalog.x), typed
# arguments.
my $calls = q{
SET search_path = @S@, public, pg_catalog;
CREATE TEMP TABLE summaries AS
SELECT control,
       @S@.cohort_agg(completed) AS c1, @S@.cohort_agg(completed, churned) AS c2,
       @S@.cohort_agg(completed, churned, revenue) AS c3,
       @S@.cohort_agg(completed, churned, revenue, pre_revenue) AS c,
       @S@.quantile_sketch_agg(latency_ms) AS s, @S@.quantile_sketch_agg(latency_ms, 0.001::float8) AS s2,
       @S@.survival_agg(days, died) AS v
FROM analyst_data.learners GROUP BY control;
CREATE TEMP TABLE activities AS
SELECT i, @S@.activity_agg(signup_at, seen_at, 'week'::text, 8) AS a,
       @S@.activity_agg(signup_at, seen_at, 'month'::text, 4, 'de-DE'::text) AS a2,
       @S@.activity_agg(signup_at, seen_at, 'week'::text, 8, NULL::text, 'Europe/Berlin'::text) AS a3
FROM analyst_data.learners GROUP BY i;
CREATE TEMP TABLE retentions AS
SELECT @S@.retention_agg(a) AS r, @S@.retention_agg(a, '2026-02-01 00:00+00'::timestamptz) AS r2
FROM activities;
CREATE TEMP TABLE treatment AS SELECT * FROM summaries WHERE NOT control;
CREATE TEMP TABLE control AS SELECT * FROM summaries WHERE control;

-- moving windows (inverse transition functions) and rollups
SELECT @S@.cohort_agg(completed) OVER w, @S@.cohort_agg(completed, churned) OVER w,
       @S@.cohort_agg(completed, churned, revenue) OVER w,
       @S@.cohort_agg(completed, churned, revenue, pre_revenue) OVER w
FROM analyst_data.learners WINDOW w AS (ORDER BY i ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) LIMIT 5;
SELECT @S@.rollup(c) OVER (ORDER BY control ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) FROM summaries;
SELECT @S@.rollup(c), @S@.rollup(s), @S@.rollup(v) FROM summaries;
SELECT @S@.rollup(r) FROM retentions;
-- the aggregates' support functions on cohort and quantile_sketch states,
-- called directly (they work on copies then)
SELECT @S@.cohort_state_final(@S@.cohort_state_combine(
           @S@.cohort_state_rollup(@S@.cohort_state_trans(NULL::@S@.cohort, true), c),
           @S@.cohort_state_trans(@S@.cohort_state_trans(@S@.cohort_state_trans(NULL::@S@.cohort,
               true, false), true, false, 2.5::float8), false, true, 1.5::float8, 3::float8))),
       @S@.quantile_sketch_state_final(@S@.quantile_sketch_state_combine(
           @S@.quantile_sketch_state_rollup(NULL::@S@.quantile_sketch, s),
           @S@.quantile_sketch_state_trans(s, 42::float8))),
       @S@.quantile_sketch_state_trans(NULL::@S@.quantile_sketch, 1::float8, 0.001::float8)
FROM summaries;
SELECT @S@.survival_state_final(@S@.survival_state_combine(@S@.survival_state_rollup(NULL::@S@.survival, v),
           @S@.survival_state_trans(v, 3::float8, true))),
       @S@.prediction_score_state_final(@S@.prediction_score_state_trans(NULL::@S@.survival, 0.25::float8, false)),
       @S@.survival_strata_state_final(@S@.survival_strata_state_combine(
           @S@.survival_strata_state_trans(NULL::float8[], v, v), NULL::float8[])),
       @S@.aa_state_final(@S@.aa_state_combine(@S@.aa_state_trans(NULL::@S@.aa, 'u1'::text, true, false, 1::float8),
           @S@.aa_state_trans(NULL::@S@.aa, 'u2'::text, false, NULL::boolean, NULL::float8, 200)))
FROM summaries;
SELECT @S@.activity_state_final(@S@.activity_state_combine(x, x)),
       @S@.activity_state_trans(NULL::@S@.activity, '2026-01-05 08:00+00'::timestamptz,
           '2026-01-20 08:00+00'::timestamptz, 'week'::text, 8, 'de-DE'::text),
       @S@.activity_state_trans(NULL::@S@.activity, '2026-01-05 08:00+00'::timestamptz,
           '2026-01-20 08:00+00'::timestamptz, 'week'::text, 8, NULL::text, 'Europe/Berlin'::text)
FROM (SELECT @S@.activity_state_trans(NULL::@S@.activity, '2026-01-05 08:00+00'::timestamptz,
          '2026-01-20 08:00+00'::timestamptz, 'week'::text, 8) AS x) AS t;
SELECT @S@.retention_state_final(@S@.retention_state_combine(@S@.retention_state_rollup(NULL::@S@.retention, r),
           @S@.retention_state_trans(NULL::@S@.retention, a))),
       @S@.retention_state_trans(NULL::@S@.retention, a, '2026-02-01 00:00+00'::timestamptz)
FROM retentions, (SELECT a FROM activities LIMIT 1) AS one;

-- cohort
SELECT @S@.cohort_in(@S@.cohort_out(c)), @S@.cohort_send(c), @S@.cohort_to_jsonb(c), c::jsonb,
       @S@.cohort_plus(c, c), c OPERATOR(@S@.+) c, @S@.cohort_eq(c, c), c OPERATOR(@S@.=) c,
       @S@.units(c), @S@.completions(c), @S@.completion_known(c), @S@.completion_rate(c),
       @S@.churns(c), @S@.churn_known(c), @S@.churn_rate(c), @S@.value_count(c), @S@.value_sum(c),
       @S@.value_mean(c), @S@.value_variance(c), @S@.value_stddev(c), @S@.covariate_count(c),
       @S@.covariate_mean(c), @S@.value_covariate_corr(c)
FROM summaries;
SELECT @S@.cohort_from_counts(1000::bigint, 321::bigint), @S@.cohort_from_counts(1000::bigint, 321::bigint, 45::bigint),
       @S@.cohort_from_counts(1000::bigint, 321::bigint, 45::bigint, 12345.5::float8, 987654.25::float8);

-- statistics
SELECT @S@.compare_cohorts(ctl.c, trt.c), @S@.compare_cohorts(ctl.c, trt.c, 'churn'::text),
       @S@.compare_cohorts(ctl.c, trt.c, 'value'::text, 0.01::float8, 'greater'::text),
       @S@.compare_cohorts(ctl.c, trt.c, 'value_cuped'::text),
       @S@.compare_cohorts_sequential(ctl.c, trt.c), @S@.compare_cohorts_sequential(ctl.c, trt.c, 'value'::text, 0.05::float8, 1000::float8),
       @S@.chance_to_beat(ctl.c, trt.c), @S@.chance_to_beat(ctl.c, trt.c, 'value'::text),
       @S@.completion_ci(trt.c), @S@.completion_ci(trt.c, 0.9::float8, 'jeffreys'::text),
       @S@.churn_ci(trt.c), @S@.churn_ci(trt.c, 0.99::float8, 'clopper_pearson'::text)
FROM control ctl, treatment trt;
SELECT @S@.rate_ci(30::bigint, 100::bigint), @S@.rate_ci(30::bigint, 100::bigint, 0.9::float8, 'agresti_coull'::text),
       @S@.srm_test('{480,520}'::bigint[], '{0.5,0.5}'::float8[]),
       @S@.srm_test(480::bigint, 520::bigint, 0.5::float8),
       @S@.p_adjust('{0.01,0.04,0.03}'::float8[], 'holm'::text), @S@.p_adjust('{0.01,0.04,0.03}'::float8[], 'BY'::text),
       @S@.sample_size_proportions(0.3::float8, 0.33::float8),
       @S@.sample_size_proportions(0.3::float8, 0.33::float8, 0.01::float8, 0.9::float8);

-- quantile sketches
SELECT @S@.quantile_sketch_in(@S@.quantile_sketch_out(s)), @S@.quantile_sketch_send(s),
       @S@.quantile_sketch_to_jsonb(s), s::jsonb, @S@.quantile_sketch_plus(s, s), s OPERATOR(@S@.+) s,
       @S@.quantile_sketch_eq(s, s), s OPERATOR(@S@.=) s,
       @S@.quantile(s, 0.99::float8), @S@.quantiles(s, '{0.5,0.9,0.99}'::float8[]), @S@.cdf(s, 50::float8),
       @S@.value_count(s), @S@.value_sum(s), @S@.value_mean(s), @S@.value_min(s), @S@.value_max(s),
       @S@.relative_accuracy(s), @S@.bucket_count(s)
FROM summaries;
SELECT @S@.compare_distributions(ctl.s, trt.s) FROM control ctl, treatment trt;

-- calendar periods, activity and retention
SELECT @S@.cohort_period('2026-03-04 05:06+00'::timestamptz, 'week'::text),
       @S@.cohort_period('2026-03-04 05:06+00'::timestamptz, 'month'::text, 'ar-SA@calendar=islamic'::text, 'Asia/Riyadh'::text),
       @S@.periods_between('2026-01-01 00:00+00'::timestamptz, '2026-03-04 05:06+00'::timestamptz, 'week'::text),
       @S@.periods_between('2026-01-01 00:00+00'::timestamptz, '2026-03-04 05:06+00'::timestamptz, 'quarter'::text,
                           'en-US'::text, 'America/New_York'::text);
SELECT @S@.activity_in(@S@.activity_out(a)), @S@.activity_send(a), @S@.active_periods(a)
FROM activities LIMIT 3;
SELECT @S@.retention_in(@S@.retention_out(r)), @S@.retention_send(r), @S@.retention_to_jsonb(r), r::jsonb,
       @S@.units(r), @S@.retention_counts(r), @S@.retention_counts(r, 'eligible'::text),
       @S@.retention_rates(r), @S@.retention_rates(r2, 'on_or_after'::text), @S@.churn_rate(r, 1)
FROM retentions;
SELECT t.* FROM retentions, @S@.retention_table(r) AS t;
SELECT t.* FROM retentions, @S@.retention_table(r2, 'on_or_after'::text) AS t;

-- survival
SELECT @S@.survival_in(@S@.survival_out(v)), @S@.survival_send(v), @S@.survival_to_jsonb(v), v::jsonb,
       @S@.survival_plus(v, v), v OPERATOR(@S@.+) v, @S@.survival_eq(v, v), v OPERATOR(@S@.=) v,
       @S@.median_survival(v)
FROM summaries;
SELECT k.* FROM control, @S@.survival_curve(v) AS k LIMIT 3;
SELECT k.* FROM control, @S@.survival_curve(v, 0.9::float8) AS k LIMIT 3;
SELECT @S@.logrank_test(ctl.v, trt.v) FROM control ctl, treatment trt;

-- equality, order and hashing: operators, support functions, DISTINCT,
-- GROUP BY, ORDER BY and hash aggregation
SELECT c OPERATOR(@S@.<) c, c OPERATOR(@S@.<=) c, c OPERATOR(@S@.>) c, c OPERATOR(@S@.>=) c,
       @S@.cohort_lt(c, c), @S@.cohort_le(c, c), @S@.cohort_gt(c, c), @S@.cohort_ge(c, c),
       @S@.cohort_cmp(c, c), @S@.cohort_hash(c), @S@.cohort_hash_extended(c, 1::bigint),
       s OPERATOR(@S@.<) s, s OPERATOR(@S@.<=) s, s OPERATOR(@S@.>) s, s OPERATOR(@S@.>=) s,
       @S@.quantile_sketch_lt(s, s), @S@.quantile_sketch_le(s, s), @S@.quantile_sketch_gt(s, s),
       @S@.quantile_sketch_ge(s, s), @S@.quantile_sketch_cmp(s, s), @S@.quantile_sketch_hash(s),
       @S@.quantile_sketch_hash_extended(s, 1::bigint),
       v OPERATOR(@S@.<) v, v OPERATOR(@S@.<=) v, v OPERATOR(@S@.>) v, v OPERATOR(@S@.>=) v,
       @S@.survival_lt(v, v), @S@.survival_le(v, v), @S@.survival_gt(v, v), @S@.survival_ge(v, v),
       @S@.survival_cmp(v, v), @S@.survival_hash(v), @S@.survival_hash_extended(v, 1::bigint)
FROM summaries;
SELECT a OPERATOR(@S@.=) a, a OPERATOR(@S@.<) a, a OPERATOR(@S@.<=) a, a OPERATOR(@S@.>) a, a OPERATOR(@S@.>=) a,
       @S@.activity_eq(a, a), @S@.activity_lt(a, a), @S@.activity_le(a, a), @S@.activity_gt(a, a),
       @S@.activity_ge(a, a), @S@.activity_cmp(a, a), @S@.activity_hash(a), @S@.activity_hash_extended(a, 1::bigint)
FROM activities LIMIT 2;
SELECT r OPERATOR(@S@.=) r, r OPERATOR(@S@.<) r, r OPERATOR(@S@.<=) r, r OPERATOR(@S@.>) r, r OPERATOR(@S@.>=) r,
       @S@.retention_eq(r, r), @S@.retention_lt(r, r), @S@.retention_le(r, r), @S@.retention_gt(r, r),
       @S@.retention_ge(r, r), @S@.retention_cmp(r, r), @S@.retention_hash(r), @S@.retention_hash_extended(r, 1::bigint)
FROM retentions;
SELECT DISTINCT c, s, v FROM summaries ORDER BY c, s, v;
SELECT a, pg_catalog.count(*) FROM activities GROUP BY a ORDER BY a LIMIT 3;
SELECT r FROM retentions UNION SELECT r2 FROM retentions;
SELECT pg_catalog.length(@S@.retention_heatmap(ARRAY['all']::text[], ARRAY[r]::@S@.retention[], 'weeks'::text, 'on'::text))
FROM retentions;
SELECT pg_catalog.length(@S@.survival_plot(ARRAY['control', 'treatment']::text[], ARRAY[ctl.v, trt.v]::@S@.survival[],
                                           'churn'::text, 0.95::float8, 'days'::text))
FROM control ctl, treatment trt;
SELECT pg_catalog.length(@S@.latency_plot(ARRAY['control', 'treatment']::text[], ARRAY[ctl.s, trt.s]::@S@.quantile_sketch[],
                                          'latency'::text, 'ms'::text))
FROM control ctl, treatment trt;
SELECT h.* FROM control ctl, treatment trt, @S@.hazard_ratio(ctl.v, trt.v, 'breslow'::text, 0.9::float8) AS h;
SELECT p.* FROM control ctl, @S@.churn_probability(ctl.v, 3::float8, 7::float8, 0.9::float8) AS p;
SELECT @S@.retention_hazard(r) FROM retentions;
SELECT t.* FROM (SELECT pg_catalog.array_agg(c ORDER BY control) AS cs FROM summaries) AS x,
     @S@.trend_test(x.cs, 'completion'::text) AS t;
SELECT @S@.prediction_score_agg(0.5::float8, died) FROM analyst_data.learners;
SELECT k.* FROM control ctl, treatment trt,
     @S@.logrank_test_strata(ARRAY[ctl.v]::@S@.survival[], ARRAY[trt.v]::@S@.survival[]) AS k;
SELECT @S@.stratified_logrank_test(ctl.v, trt.v) FROM control ctl, treatment trt;
CREATE TEMP TABLE aas AS
SELECT @S@.aa_agg(pg_catalog.textin(pg_catalog.int4out(i)), completed, churned, revenue) AS a,
       @S@.aa_agg(pg_catalog.textin(pg_catalog.int4out(i)), completed, churned, revenue, 100) AS a2
FROM analyst_data.learners;
SELECT r.* FROM aas, @S@.aa_report(a, 'completion'::text, 0.05::float8) AS r;
SELECT s.split FROM aas, @S@.aa_splits(a2) AS s LIMIT 1;
SELECT @S@.aa_arm('u1'::text, 3), pg_catalog.length(@S@.aa_send(a)), @S@.aa_in(@S@.aa_out(a2)) IS NOT NULL FROM aas;
SELECT @S@.power_proportions(1000::float8, 0.42::float8, 0.47::float8, 0.05::float8),
       @S@.minimum_detectable_effect_proportions(1000::float8, 0.42::float8, 0.05::float8, 0.8::float8),
       @S@.sample_size_means(10::float8, 1::float8, 0.05::float8, 0.8::float8, 1::float8),
       @S@.minimum_detectable_effect_means(1000::float8, 10::float8, 0.05::float8, 0.8::float8, 1::float8);
SELECT h.* FROM @S@.heterogeneity_test(ARRAY[0.1::float8, 0.2::float8], ARRAY[0.05::float8, 0.06::float8]) AS h;
SELECT a.* FROM control ctl, treatment trt,
     @S@.compare_arms(ARRAY[ctl.c, trt.c]::@S@.cohort[], ARRAY['c', 't']::text[], 'c'::text, 'completion'::text,
                      0.05::float8, 'two-sided'::text, 'holm'::text) AS a;
SELECT @S@.ratio(c) FROM summaries;
SELECT e.* FROM control ctl, treatment trt, @S@.expected_loss(ctl.c, trt.c, 'completion'::text) AS e;
SELECT s.* FROM control ctl, treatment trt,
     @S@.compare_cohorts_sequential(ctl.c, trt.c, 'completion'::text, 0.05::float8, 5000::float8, 'greater'::text) AS s;
SELECT @S@.markup_escape('<a & "b">'::text), @S@.picture_color(3), @S@.picture_num(1.5::float8, 2),
       @S@.picture_step(37::float8, 5), @S@.picture_labels(ARRAY['x']::text[], 1, 'l'::text),
       pg_catalog.length(@S@.picture_svg(10, 10, 't'::text, ''::text));
};

# The rollout functions, likewise.
my $rollout_calls = q{
SET search_path = @S@, public, pg_catalog;
SELECT @S@.rollout_default_plan(), @S@.rollout_default_plan(false);
SELECT @S@.rollout_plan_validate(@S@.rollout_default_plan(true));
SELECT @S@.rollout_metric_quantile('latency_p99'::text);
SELECT @S@.rollout_plan_interval('"5 minutes"'::jsonb, 'duration'::text);
SELECT @S@.rollout_plan_number('0.5'::jsonb, 'traffic'::text);
SELECT @S@.rollout_column_type('analyst_data.requests'::regclass, 'ts'::name);
SELECT @S@.rollout_measure('analyst_data.requests'::text, '2026-03-02 09:00+00'::timestamptz,
                           '2026-03-02 09:20+00'::timestamptz, '{0.5,0.99}'::float8[], true);
SELECT @S@.rollout_plan_source_fields(@S@.rollout_default_plan(true)),
       @S@.rollout_source_column('analyst_data.requests'::regclass, '{}'::jsonb, 'ts'::text),
       @S@.rollout_source_query('analyst_data.requests'::text, '{}'::jsonb) IS NOT NULL,
       @S@.rollout_bucket('salt'::text, 'unit-1'::text);
SELECT e.* FROM @S@.rollout_evaluate_split(@S@.rollout_default_plan(true),
           (@S@.rollout_default_plan(true) OPERATOR(pg_catalog.->) 'phases'::text) OPERATOR(pg_catalog.->) 0,
           @S@.rollout_measure('analyst_data.requests'::text, '2026-03-02 09:00+00'::timestamptz,
                               '2026-03-02 09:20+00'::timestamptz, '{0.99}'::float8[], true, '{}'::jsonb)) AS e;
SELECT m.* FROM @S@.rollout_metrics() AS m;
SELECT @S@.rollout_plan_summary_fields('{"measurement": "incremental", "bucket": "5 minutes", "settle": "0 minutes",
                                        "latency": {"method": "sketch", "relative_accuracy": 0.01}}'::jsonb);
SELECT p.* FROM @S@.rollout_plan_measurement('{"measurement": "incremental"}'::jsonb) AS p;
SELECT @S@.rollout_bucket_floor('2026-03-02 09:00+00'::timestamptz, '1 minute'::interval, '2026-03-02 09:05:30+00'::timestamptz);
SELECT s.* FROM @S@.rollout_summarize('analyst_data.requests'::text, '2026-03-02 09:00+00'::timestamptz,
                                      '2026-03-02 09:20+00'::timestamptz, '2026-03-02 09:00+00'::timestamptz,
                                      '1 minute'::interval, '{}'::jsonb, 0.01::float8, true, true) AS s;
SELECT @S@.rollout_unit_map_cohort(@S@.rollout_unit_map_state_final(@S@.rollout_unit_map_state_union(
           @S@.rollout_unit_map_state_trans(NULL::bytea, 'u1'::text, true, false, 1.5::float8),
           @S@.rollout_unit_map_state_trans(NULL::bytea, 'u2'::text, NULL::boolean, true, NULL::float8))));
SELECT @S@.rollout_latency('analyst_data.requests'::text, '2026-03-02 09:00+00'::timestamptz,
                           '2026-03-02 09:20+00'::timestamptz, '{0.5,0.99}'::float8[], '{}'::jsonb),
       @S@.rollout_count('analyst_data.requests'::text, '2026-03-02 09:00+00'::timestamptz,
                         '2026-03-02 09:20+00'::timestamptz, '2026-03-02 09:00+00'::timestamptz,
                         '5 minutes'::interval, '{}'::jsonb);
SELECT @S@.rollout_metric_kind('latency_p99'::text), @S@.rollout_metric_kind('srm'::text);
SELECT @S@.rollout_split_metrics(@S@.rollout_default_plan(true),
           (@S@.rollout_default_plan(true) OPERATOR(pg_catalog.->) 'phases'::text) OPERATOR(pg_catalog.->) 0,
           @S@.rollout_measured(@S@.rollout_measure('analyst_data.requests'::text, '2026-03-02 09:00+00'::timestamptz,
                                                    '2026-03-02 09:20+00'::timestamptz, '{}'::float8[], false, '{}'::jsonb)));
SELECT e.decision, (@S@.rollout_explain(@S@.rollout_plan_validate(@S@.rollout_default_plan(true)), e.metrics)).reasons
FROM @S@.rollout_evaluate(@S@.rollout_plan_validate(@S@.rollout_default_plan(true)), 0, 0,
         '{"requests": {"treatment": 500, "control": 49500}, "errors": 1, "split": {"unrecognised_rows": 0},
           "values": {"error_rate": {"value": 0.002}}}'::jsonb) AS e;
SELECT @S@.rollout_fmt(0.123456::float8), @S@.rollout_may_change('analyst'::regrole),
       @S@.rollout_role_may_change('analyst'::regrole, 'analyst'::regrole), @S@.rollout_purging(),
       @S@.rollout_reason('a reason'::text), @S@.rollout_measure_timeout('{}'::jsonb);
SELECT @S@.rollout_create('live'::text, 'analyst_data.requests'::regclass, '{"phases": [{"name": "canary", "traffic": 0.05, "duration": "20 minutes",
  "checkpoints": ["5 minutes", "10 minutes", "20 minutes"], "thresholds": {"error_rate": {"max": 0.05},
  "latency_p99": {"max": 100}}}, {"name": "full", "traffic": 1, "duration": "1 hour",
  "checkpoints": ["1 hour"], "thresholds": {"error_rate": {"max": 0.05}}}], "min_requests": 10,
  "srm": "off", "unit_crossover": "off", "measurement": "incremental"}'::jsonb);
SELECT @S@.rollout_create('default'::text, 'analyst_data.requests'::regclass);
SELECT @S@.rollout_start('live'::text, '2026-03-02 09:00+00'::timestamptz);
SELECT @S@.rollout_start('default'::text);
SELECT @S@.rollout_tick('2026-03-02 09:05+00'::timestamptz);
SELECT @S@.rollout_tick('2026-03-02 09:10+00'::timestamptz);
SELECT * FROM @S@.rollout_status('live'::text);
SELECT @S@.rollout_traffic('live'::text);
SELECT @S@.rollout_hold('live'::text, 'looking'::text);
SELECT @S@.rollout_resume('live'::text, '2026-03-02 09:11+00'::timestamptz);
SELECT @S@.rollout_hold('live'::text, 'looking again'::text);
SELECT @S@.rollout_resume('live'::text);
SELECT @S@.rollout_advance('live'::text, 'enough'::text, '2026-03-02 09:12+00'::timestamptz);
SELECT @S@.rollout_advance('default'::text, 'enough'::text);
SELECT @S@.rollout_expect(r, 'check'::text, '{running,held,completed,rolled_back,pending}'::text[])
FROM @S@.rollouts AS r;
SELECT @S@.rollout_rollback('live'::text, 'done'::text);
SELECT @S@.rollout_purge_decisions('2100-01-01 00:00+00'::timestamptz);
SELECT pg_catalog.length(@S@.rollout_report('live'::text)) IS NOT NULL;
SELECT @S@.rollout_report_band(0::float8, 1::float8, 10, 100, 20, 'x'::text),
       @S@.rollout_report_decisions('live'::text) IS NOT NULL,
       @S@.rollout_report_metric('{"value": 0.1, "max": 0.5, "status": "pass"}'::jsonb) IS NOT NULL,
       @S@.rollout_report_phase_after(@S@.rollout_default_plan(), 'canary'::text, 'ramp'::text) IS NOT NULL;
SELECT @S@.rollout_salt('live'::text) IS NOT NULL, @S@.rollout_assign('live'::text, 'unit-1'::text);
SELECT pg_catalog.count(*) FROM @S@.rollout_workers() AS w;
SELECT @S@.rollout_copied_from(r) FROM @S@.rollouts AS r;
SELECT r.name, r.state FROM @S@.rollouts AS r ORDER BY r.name;
SELECT d.rollout, d.decision FROM @S@.rollout_decisions AS d ORDER BY d.id;
};

# Functions of the extension the ordinary role may call but did not: those
# it can execute, with no internal or trigger argument or result (type
# input from cstring included, aggregates and their support functions
# excluded: aggregates are not counted by track_functions).
sub uncalled
{
	my ($db, $rollouts) = @_;
	# (pg_catalog only: the test's own queries must not reach the hostile objects)
	my $query = qq{
SET search_path = pg_catalog;
SELECT coalesce(string_agg(p.oid::regprocedure::text, ', ' ORDER BY p.oid::regprocedure::text), '')
FROM pg_depend d
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'cohort_analyzer'
JOIN pg_proc p ON p.oid = d.objid
WHERE d.classid = 'pg_proc'::regclass AND d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
  AND p.prokind = 'f' AND has_function_privilege('analyst', p.oid, 'EXECUTE')
  AND NOT 'internal'::regtype = ANY (p.proargtypes::oid[])
  AND p.prorettype NOT IN ('internal'::regtype, 'trigger'::regtype)
  AND (p.proname LIKE 'rollout%') = $rollouts
  AND NOT EXISTS (SELECT 1 FROM pg_stat_user_functions s WHERE s.funcid = p.oid AND s.calls > 0)};
	# the role's counts arrive when its backend has exited
	my $result;
	foreach my $try (1 .. 20)
	{
		$result = $node->safe_psql($db, $query);
		last if $result eq '';
		sleep 1;
	}
	return $result;
}

sub run_as_analyst
{
	my ($db, $schema, $sql) = @_;
	$sql =~ s/\@S\@/$schema/g;
	my ($out, $err);
	my $rc = $node->psql($db, $sql, stdout => \$out, stderr => \$err, on_error_stop => 1,
		extra_params => [ '-U', 'analyst' ]);
	return ($rc, $out, $err);
}

# Installs (or installs an old version and updates) in a hostile schema,
# then has the ordinary role call everything.
sub check_database
{
	my ($db, $schema, $old) = @_;
	my $q = hostile_database($db, $schema);

	# the hostile objects are live: an unqualified call with the role's path runs them
	my (undef, undef, $err) = run_as_analyst($db, $q,
		"SET search_path = \@S\@, public, pg_catalog; SELECT lower('X'::text), 1.5::float8 + 1, abs(-2), now()");
	like(hostile_calls($db), qr/^[1-9]/, "$db: the hostile objects run when reached");
	like($err, qr/HOSTILE OBJECT RAN/, "$db: and warn when they run");
	$node->safe_psql($db, 'TRUNCATE hostile_log.calls; SELECT pg_stat_reset()');

	if (defined $old)
	{
		$node->safe_psql($db, "CREATE EXTENSION cohort_analyzer VERSION '$old' SCHEMA $q");
		is(hostile_calls($db), '0', "$db: installing $old ran no hostile object");
		$node->safe_psql($db, 'ALTER EXTENSION cohort_analyzer UPDATE');
		is(hostile_calls($db), '0', "$db: updating from $old ran no hostile object");
	}
	else
	{
		$node->safe_psql($db, "CREATE EXTENSION cohort_analyzer SCHEMA $q");
		is(hostile_calls($db), '0', "$db: installing ran no hostile object");
	}
	is($node->safe_psql($db, "SELECT extversion FROM pg_extension WHERE extname = 'cohort_analyzer'"),
		$current, "$db: at version $current");
	$node->safe_psql($db, $data);
	$node->safe_psql($db, 'SELECT pg_stat_reset()');

	my ($rc, $out);
	($rc, $out, $err) = run_as_analyst($db, $q, $calls);
	is($rc, 0, "$db: every call of the API succeeds as an ordinary role") or diag($err);
	unlike($err, qr/HOSTILE/, "$db: no hostile object warned");
	is(hostile_calls($db), '0', "$db: no hostile object ran");
	is(uncalled($db, 'false'), '', "$db: every function of the API was called");

	($rc, $out, $err) = run_as_analyst($db, $q, $rollout_calls);
	my $ran = hostile_calls($db);
	is($rc, 0, "$db: every rollout call succeeds as an ordinary role") or diag($err);
	unlike($err, qr/HOSTILE/, "$db: no hostile object warned during the rollout calls");
	is($ran, '0', "$db: no hostile object ran during the rollout calls");
	is(uncalled($db, 'true'), '', "$db: every rollout function was called");
	like($out, qr/live\|rolled_back/, "$db: the rollout calls ran to the end");
}

check_database('fresh', 'analytics', undef);
check_database("from_" . ($_ =~ s/\./_/gr), 'analytics', $_) foreach @released;
# a schema name that needs quoting but is harmless
check_database('odd_name', 'Analytics Schema.v2', undef);

# Schema names that could break out of a quoted context in the scripts
# (CVE-2023-39417): they either install and work, or fail with a clear
# error before anything is created.
foreach my $name (q{it's}, q{dollar$sign}, q{$$}, q{quote"d}, q{back\\slash}, q{a'; DROP TABLE x; --})
{
	foreach my $version (undef, @released)
	{
		my $db = 'cve_' . int(rand(1e9));
		my $q = $node->safe_psql('postgres', "SELECT quote_ident(\$x\$$name\$x\$)");
		$node->safe_psql('postgres', "CREATE DATABASE $db");
		$node->safe_psql($db, "CREATE SCHEMA $q");
		my $v = defined $version ? "VERSION '$version'" : '';
		my ($rc, $out, $err) = $node->psql($db, "CREATE EXTENSION cohort_analyzer $v SCHEMA $q");
		my $what = "schema " . $q . (defined $version ? " (version $version, then updated)" : '');
		if ($rc == 0)
		{
			$node->safe_psql($db, 'ALTER EXTENSION cohort_analyzer UPDATE') if defined $version;
			is( $node->safe_psql($db,
					"SELECT $q.units($q.cohort_from_counts(3, 1)), $q.rollout_default_plan() IS NOT NULL,
					        (SELECT count(*) FROM $q.rollouts)"),
				"3|t|0", "$what: installs and works");
		}
		else
		{
			like($err, qr/ERROR:  invalid character in extension "cohort_analyzer" schema: must not contain any of/,
				"$what: refused with a clear error");
			is($node->safe_psql($db, "SELECT count(*) FROM pg_extension WHERE extname = 'cohort_analyzer'"),
				'0', "$what: nothing installed");
		}
		$node->safe_psql('postgres', "DROP DATABASE $db");
	}
}

$node->stop;
done_testing();
