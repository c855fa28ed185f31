#!/usr/bin/env bash
# Runs each libFuzzer harness of src/core for a given time, starting from
# its committed seeds.  Usage (from the Makefile): scripts/fuzz.sh SECONDS NAME...
# Prints "fuzz NAME: ok, R runs in S s (E/s)" or "fuzz NAME: FAILED ..."
# per harness, with the report and the crashing input's path on failure.
set -uo pipefail
cd "$(dirname "$0")/.."

seconds=$1
shift
failed=0
for name in "$@"; do
    bin=build/fuzz/$name
    seeds=test/fuzz/corpus/$name
    work=build/fuzz/corpus/$name
    log=build/fuzz/$name.log
    dict=test/fuzz/${name#fuzz_}.dict
    mkdir -p "$work"
    opts=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=1024 -max_len=8192
          -print_final_stats=1 -artifact_prefix="build/fuzz/crash-$name-")
    [ -f "$dict" ] && opts+=(-dict="$dict")
    # the fuzzer writes new inputs to the first directory only
    "$bin" "${opts[@]}" "$work" "$seeds" >"$log" 2>&1
    rc=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    took=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -1)
    if [ $rc -eq 0 ] && [ -n "$runs" ]; then
        took=${took:-$seconds}
        echo "fuzz $name: ok, $runs runs in $took s ($((runs / (took > 0 ? took : 1)))/s)"
    else
        failed=$((failed + 1))
        echo "fuzz $name: FAILED (exit status $rc), log in $log"
        grep -E 'ERROR: |SUMMARY: |property failed|runtime error' "$log" | head -20
        ls build/fuzz/crash-"$name"-* 2>/dev/null | sed 's/^/crashing input: /'
    fi
done
[ $failed -eq 0 ]
