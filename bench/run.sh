#!/usr/bin/env bash
# Runs every benchmark under bench/ in turn.
set -euo pipefail
cd "$(dirname "$0")"
for b in *.sh; do
    case $b in lib.sh|run.sh) continue ;; esac
    echo "== bench/$b"
    "./$b"
done
