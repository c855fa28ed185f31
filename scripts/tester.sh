# Sourced by scripts/test.sh and scripts/demo.sh after the packages are
# installed.  PostgreSQL refuses to run as root, so as root the servers run
# as TEST_USER (postgres); when that user cannot read this checkout (e.g. it
# lies under a private home directory), the script re-runs itself from a
# copy in a fresh directory under /tmp.
#
#   run_from_readable_copy "$0" "$@"
run_from_readable_copy() {
    local script=$1 user=${TEST_USER:-postgres} copy
    shift
    [ "$(id -u)" -eq 0 ] || return 0
    runuser -u "$user" -- test -r "$PWD/Makefile" 2>/dev/null && return 0
    copy=$(mktemp -d /tmp/cohort_analyzer.XXXXXX)
    chmod 755 "$copy"
    echo "$user cannot read $PWD: running from a copy in $copy"
    tar --exclude=./build --exclude=./.demo -cf - . | tar -xf - -C "$copy"
    cd "$copy"
    exec "./scripts/$(basename "$script")" "$@"
}
