#!/usr/bin/env bash
# The demo: builds the extension, starts a throwaway cluster under .demo/,
# loads the canary sample of a phased rollout and runs scripts/demo/*.sql
# in order, each printing one part of the analysis (one line per step while
# it builds and sets up; output fits 120 columns).  Writes pictures of the
# data under .demo/ and prints their paths.  Removes the cluster when done,
# unless DEMO_KEEP=1 (then it stays up for exploring with psql); refuses to
# start while a kept demo cluster still runs in .demo/.
set -euo pipefail
cd "$(dirname "$0")/.."

# A kept cluster runs from build/stage and lives in .demo: rebuilding either
# under it would break it.
pidfile=.demo/data/postmaster.pid
if [ -f "$pidfile" ] && kill -0 "$(head -1 "$pidfile")" 2>/dev/null; then
    port=$(sed -n 4p "$pidfile")
    echo "A demo cluster kept with DEMO_KEEP=1 is still running in .demo (port $port); not overwriting it."
    echo "  explore it: psql -h .demo/sock -p $port -U ${TEST_USER:-postgres} demo"
    echo "  stop it:    build/stage$(${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config} --bindir)/pg_ctl -D .demo/data stop" \
         "(as ${TEST_USER:-postgres} when root), then run make demo again"
    exit 1
fi

scripts/deps.sh
. scripts/tester.sh
run_from_readable_copy "$0" "$@"
echo "building cohort_analyzer (make -j2) ..."
make -s -j2 >/dev/null
echo "installing it into a private copy of the server (build/stage) ..."
make -s stage >/dev/null
. scripts/pgcluster.sh
[ "${DEMO_KEEP:-0}" = 1 ] || trap cluster_stop EXIT
echo "starting a throwaway PostgreSQL cluster in .demo ..."
cluster_start "$(pwd)/.demo" "shared_preload_libraries = 'cohort_analyzer'" "timezone = 'UTC'"
echo "cluster up: socket $PGHOST, port $PGPORT; creating database demo"
cluster_psql -q -c "CREATE DATABASE demo"

# What each part does and the data it works on (the rollout replay has data
# of its own: its numbers are not the canary sample's).
describe() {
    case $1 in
        00_canary_sample.sql) echo "generating the canary sample: 500,000 learners (table learners), summaries per variant" ;;
        10_compare.sql) echo "comparing treatment and control on the learners sample (variant_cohorts)" ;;
        20_latency.sql) echo "generating 200,000 canary requests (canary_requests), per-minute latency sketches" ;;
        30_retention.sql) echo "generating activity events (learner_events) of the learners, weekly retention" ;;
        35_survival.sql) echo "churn survival of the learners sample (churn_durations, variant_survival)" ;;
        50_rollout.sql) echo "replaying two rollouts on separately generated requests (service_requests)" ;;
        60_pictures.sql) echo "drawing the data above as SVG and HTML files" ;;
        *) sed -n '1s/^-- *//p' "scripts/demo/$1" ;;
    esac
}

# psql's notifications, as one readable line each:
#   NOTIFY cohort_analyzer_rollout: rollout=lesson-player-v2 phase=ramp ...
readable() {
    perl -CS -ne '
        if (/^Asynchronous notification "([^"]+)" with payload "(.*)" received from server process with PID \d+\.$/) {
            my ($channel, $payload) = ($1, $2);
            my @kv;
            push @kv, "$1=$2" while $payload =~ /"([^"]+)"\s*:\s*"?([^",}]*)"?/g;
            my $line = "NOTIFY $channel: " . join(" ", @kv);
            $line = substr($line, 0, 117) . "..." if length($line) > 120;
            print "$line\n";
        } else { print }'
}

scripts=(scripts/demo/*.sql)
n=0
for f in "${scripts[@]}"; do
    n=$((n + 1))
    name=$(basename "$f")
    echo
    echo "[$n/${#scripts[@]}] $name: $(describe "$name") ..."
    cluster_psql -q -d demo -P format=wrapped -P columns=120 -v out_dir=.demo -f "$f" | readable
done
if [ "${DEMO_KEEP:-0}" = 1 ]; then
    echo
    echo "The demo cluster is still running: psql -h $PGHOST -p $PGPORT -U $PGUSER demo"
    echo "Stop it with: $STAGE_BIN/pg_ctl -D $CLUSTER_DIR/data stop"
fi
