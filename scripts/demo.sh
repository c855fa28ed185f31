#!/usr/bin/env bash
# The demo: builds the extension, starts a throwaway cluster under .demo/,
# loads the canary sample of a phased rollout and runs scripts/demo/*.sql
# in order, each printing one part of the analysis.  Removes the cluster
# when done, unless DEMO_KEEP=1 (then it stays up for exploring with psql).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/deps.sh
. scripts/tester.sh
run_from_readable_copy "$0" "$@"
make -s -j2 >/dev/null
make -s stage >/dev/null
. scripts/pgcluster.sh
[ "${DEMO_KEEP:-0}" = 1 ] || trap cluster_stop EXIT
cluster_start "$(pwd)/.demo" "shared_preload_libraries = 'cohort_analyzer'" "timezone = 'UTC'"
cluster_psql -q -c "CREATE DATABASE demo"
for f in scripts/demo/*.sql; do
    cluster_psql -q -d demo -v out_dir="$CLUSTER_DIR" -f "$f"
done
if [ "${DEMO_KEEP:-0}" = 1 ]; then
    echo
    echo "The demo cluster is still running: psql -h $PGHOST -p $PGPORT -U $PGUSER demo"
    echo "Stop it with: $STAGE_BIN/pg_ctl -D $CLUSTER_DIR/data stop"
fi
