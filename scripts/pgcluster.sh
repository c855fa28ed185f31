# Sourced by the demo and benchmark scripts: a throwaway PostgreSQL cluster
# under the repository, started from the staged server in build/stage.
#
#   cluster_start DIR [extra postgresql.conf lines...]   sets PGHOST/PGPORT
#   cluster_psql ARGS...                                 psql as the cluster owner
#   cluster_stop                                         stops and removes DIR

CLUSTER_USER=${TEST_USER:-postgres}
PG_CONFIG=${PG_CONFIG:-$( [ -x /usr/lib/postgresql/15/bin/pg_config ] && echo /usr/lib/postgresql/15/bin/pg_config || echo pg_config)}
STAGE_BIN="$(pwd)/build/stage$($PG_CONFIG --bindir)"

as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u "$CLUSTER_USER" -- "$@"
    else
        "$@"
    fi
}

free_port() {
    local p
    for p in $(seq 54400 54499); do
        (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null || { echo $p; return; }
    done
    echo 54400
}

cluster_start() {
    CLUSTER_DIR=$1
    shift
    rm -rf "$CLUSTER_DIR"
    mkdir -p "$CLUSTER_DIR/sock"
    [ "$(id -u)" -eq 0 ] && chown -R "$CLUSTER_USER" "$CLUSTER_DIR"
    export PGHOST="$CLUSTER_DIR/sock" PGPORT=$(free_port) PGDATABASE=postgres PGUSER=$CLUSTER_USER
    as_owner "$STAGE_BIN/initdb" -D "$CLUSTER_DIR/data" -U "$CLUSTER_USER" --no-sync -A trust >"$CLUSTER_DIR/initdb.log" 2>&1 \
        || { cat "$CLUSTER_DIR/initdb.log"; return 1; }
    {
        echo "listen_addresses = ''"
        echo "unix_socket_directories = '$PGHOST'"
        echo "port = $PGPORT"
        echo "fsync = off"
        echo "max_parallel_workers_per_gather = 2"
        for line in "$@"; do echo "$line"; done
    } | as_owner tee -a "$CLUSTER_DIR/data/postgresql.conf" >/dev/null
    as_owner "$STAGE_BIN/pg_ctl" -D "$CLUSTER_DIR/data" -l "$CLUSTER_DIR/server.log" -w start >/dev/null \
        || { cat "$CLUSTER_DIR/server.log"; return 1; }
}

cluster_psql() {
    as_owner env PGHOST="$PGHOST" PGPORT="$PGPORT" PGUSER="$PGUSER" "$STAGE_BIN/psql" -X -v ON_ERROR_STOP=1 "$@"
}

cluster_stop() {
    [ -n "${CLUSTER_DIR:-}" ] || return 0
    as_owner "$STAGE_BIN/pg_ctl" -D "$CLUSTER_DIR/data" -m fast -w stop >/dev/null 2>&1
    rm -rf "$CLUSTER_DIR"
}
