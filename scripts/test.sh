#!/usr/bin/env bash
# The whole test suite: unit tests of the algorithms (with ASan/UBSan), a
# short run of each fuzz harness (FUZZ_SECONDS, 10 by default), pg_regress,
# isolation and TAP tests, each on throwaway instances started from a
# private copy of the server under build/.  Ends with one line
# "summary: N passed, M failed" and a non-zero exit status on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."

scripts/deps.sh || exit 1
. scripts/tester.sh
run_from_readable_copy "$0" "$@"
echo "== build"
make -s -j2 COPT=-Werror >/dev/null || { echo "build failed"; exit 1; }
make -s stage >/dev/null || { echo "staging failed"; exit 1; }

mkdir -p build/logs
passed=0
failed=0
broken=()

# run_suite NAME COMMAND...: runs a suite, shows its output, counts results.
run_suite() {
    local name=$1 log=build/logs/$1.log ok bad
    shift
    echo "== $name"
    "$@" >"$log" 2>&1
    local rc=$?
    cat "$log"
    case $name in
        unit)
            ok=$(awk '/^unit .*: [0-9]+ passed, [0-9]+ failed$/ {s += $(NF-3)} END {print s+0}' "$log")
            bad=$(awk '/^unit .*: [0-9]+ passed, [0-9]+ failed$/ {s += $(NF-1)} END {print s+0}' "$log") ;;
        fuzz)
            ok=$(grep -cE '^fuzz .*: ok' "$log")
            bad=$(grep -cE '^fuzz .*: FAILED' "$log") ;;
        tap)
            ok=$(grep -cE '^/.*\.pl \.+ ok' "$log")
            bad=$(grep -cE '^/.*\.pl \.+ ' "$log")
            bad=$((bad - ok)) ;;
        *)
            ok=$(grep -cE '(\.\.\. +ok|^ok [0-9])' "$log")
            bad=$(grep -cE '(\.\.\. +FAILED|^not ok [0-9])' "$log") ;;
    esac
    ok=${ok:-0}; bad=${bad:-0}
    passed=$((passed + ok))
    failed=$((failed + bad))
    if [ $rc -ne 0 ]; then
        broken+=("$name")
        [ "$bad" -eq 0 ] && failed=$((failed + 1))
        for d in build/regress build/isolation; do
            [ -f $d/regression.diffs ] && [ "$name" = "$(basename $d)" ] && head -200 $d/regression.diffs
        done
    fi
}

run_suite unit make -s unit
run_suite fuzz make -s fuzz FUZZ_SECONDS=${FUZZ_SECONDS:-10}
run_suite regress make -s regress
run_suite isolation make -s isolation
run_suite tap make -s tap

echo
[ ${#broken[@]} -gt 0 ] && echo "failing suites: ${broken[*]}"
echo "summary: $passed passed, $failed failed"
[ $failed -eq 0 ] && [ ${#broken[@]} -eq 0 ]
