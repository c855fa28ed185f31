#!/usr/bin/env bash
# Installs the Debian packages that building and testing need, when missing:
# the one list of them (.ci/run, scripts/test.sh and scripts/demo.sh call it).
# chromium and libxml2-utils (xmllint) check the pictures in test/t/007_pictures.pl.
# Usage: scripts/deps.sh [extra-package ...]
set -euo pipefail

# clang, libfuzzer-14-dev and libclang-rt-14-dev (its sanitizer runtimes,
# only recommended by clang) build the fuzz harnesses; sqlsmith generates
# random queries for test/t/020_sqlsmith.pl.
pkgs=(make gcc postgresql-15 postgresql-server-dev-15 libicu-dev pkg-config
      libipc-run-perl libxml2-utils chromium clang libfuzzer-14-dev libclang-rt-14-dev
      sqlsmith "$@")
missing=()
for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
    echo "missing Debian packages: ${missing[*]}" >&2
    echo "install them with: sudo apt-get install ${missing[*]}" >&2
    exit 1
fi
echo "installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
