#!/usr/bin/env bash
# The whole test suite: unit tests of the algorithms (with ASan/UBSan), a
# short run of each fuzz harness (FUZZ_SECONDS, 10 by default), pg_regress,
# isolation and TAP tests, each on throwaway instances started from a
# private copy of the server under build/.  Streams each suite's output as
# it runs, then prints a summary per suite that counts test cases, and ends
# with one line "summary: N passed, M failed" and a non-zero exit status on
# any failure.
set -uo pipefail
cd "$(dirname "$0")/.."

scripts/deps.sh || exit 1
. scripts/tester.sh
run_from_readable_copy "$0" "$@"
echo "== build (make -j2, warnings are errors)"
make -s -j2 COPT=-Werror >/dev/null || { echo "build failed"; exit 1; }
echo "== stage (install into a private copy of the server under build/stage)"
make -s stage >/dev/null || { echo "staging failed"; exit 1; }
make -s stage-1.0 >/dev/null 2>&1 ||
    echo "note: release 1.0 could not be staged from git history: the live upgrade test will be skipped"

mkdir -p build/logs
passed=0
failed=0
broken=()
summary=()

# run_suite NAME COMMAND...: runs a suite, streaming its output as it goes,
# and counts its test cases: unit test functions, pg_regress and isolation
# tests, TAP checks (a TODO check that fails counts as passed: expected).
run_suite() {
    local name=$1 log=build/logs/$1.log ok bad todo=0 rc
    shift
    echo "== $name"
    "$@" 2>&1 | tee "$log"
    rc=${PIPESTATUS[0]}
    case $name in
        unit)
            ok=$(awk '/^unit .*: [0-9]+ passed, [0-9]+ failed/ {s += $3} END {print s+0}' "$log")
            bad=$(awk '/^unit .*: [0-9]+ passed, [0-9]+ failed/ {s += $5} END {print s+0}' "$log") ;;
        fuzz)
            ok=$(grep -cE '^fuzz .*: ok' "$log")
            bad=$(grep -cE '^fuzz .*: FAILED' "$log") ;;
        tap|citus)
            todo=$(grep -cE '^not ok [0-9]+.*# TODO' "$log")
            ok=$(grep -cE '^ok [0-9]+' "$log")
            bad=$(grep -cE '^not ok [0-9]+' "$log")
            ok=$((ok + todo)); bad=$((bad - todo)) ;;
        *)
            ok=$(grep -cE '(\.\.\. +ok|^ok [0-9])' "$log")
            bad=$(grep -cE '(\.\.\. +FAILED|^not ok [0-9])' "$log") ;;
    esac
    ok=${ok:-0}; bad=${bad:-0}
    if [ $rc -ne 0 ]; then
        broken+=("$name")
        [ "$bad" -eq 0 ] && bad=1
        for d in build/regress build/isolation; do
            [ -f $d/regression.diffs ] && [ "$name" = "$(basename $d)" ] && head -200 $d/regression.diffs
        done
    fi
    passed=$((passed + ok))
    failed=$((failed + bad))
    summary+=("$(printf '%-10s %5d passed %5d failed%s' "$name" "$ok" "$bad" \
        "$([ "$todo" -gt 0 ] && echo " ($todo expected failures of pages in test/docs/pending.txt)")")")
}

run_suite unit make -s unit
run_suite fuzz make -s fuzz FUZZ_SECONDS=${FUZZ_SECONDS:-10}
run_suite regress make -s regress
run_suite isolation make -s isolation
run_suite tap make -s tap PROVE_FLAGS=-v
# the scale-out tests need Citus in the staged server (copied from the system's)
pg_config_bin=$(ls /usr/lib/postgresql/15/bin/pg_config 2>/dev/null || echo pg_config)
if [ -f "build/stage$("$pg_config_bin" --pkglibdir)/citus.so" ]; then
    run_suite citus make -s citus PROVE_FLAGS=-v
else
    echo "== citus"
    echo "citus: skipped (Citus not installed)"
    summary+=("$(printf '%-10s skipped (Citus not installed)' citus)")
fi

echo
echo "== summary (test cases: unit test functions, regression and isolation tests, TAP checks)"
printf '%s\n' "${summary[@]}"
[ ${#broken[@]} -gt 0 ] && echo "failing suites: ${broken[*]}"
echo "summary: $passed passed, $failed failed"
[ $failed -eq 0 ] && [ ${#broken[@]} -eq 0 ]
