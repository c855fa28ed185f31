# Shared by the TAP tests of the rollout workers on demand
# (009_workers_on_demand.pl, 012_worker_no_slot.pl).
package RolloutWorkers;

use strict;
use warnings;

use Exporter 'import';
our @EXPORT = qw(DATABASE_SETUP plan_json workers_of);

# A database of the tests: the extension and 11 minutes of requests from
# a minute ago on, ten a second in each arm alike.
use constant DATABASE_SETUP => q{
CREATE EXTENSION cohort_analyzer;
CREATE TABLE requests AS
SELECT now() - interval '1 minute' + s * interval '100 milliseconds' AS ts, arm,
       s % 50 = 0 AS is_error, 10::float8 AS latency_ms
FROM generate_series(0, 6600) AS s, unnest(ARRAY['control', 'treatment']) AS arm;
};

# A one-phase plan with n checkpoints a second apart, guarded by the error
# rate only (the sample-ratio guard off: the test data are 50/50).
sub plan_json
{
	my ($n) = @_;
	my $cps = join(', ', map { "\"$_ seconds\"" } 1 .. $n);
	return qq({"phases": [{"name": "only", "traffic": 0.5, "duration": "$n seconds", "checkpoints": [$cps],
		"thresholds": {"error_rate": {"max": 0.5}}}], "min_requests": 5, "srm": "off"});
}

# A query of the number of database workers serving database db.
sub workers_of
{
	my ($db) = @_;
	return "SELECT (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'cohort_analyzer worker' AND datname = '$db')";
}

1;
