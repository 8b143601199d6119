#!/usr/bin/env bash
# Builds dotlog and runs the whole test suite: unit, scenario, crash and
# multi-process tests, and the fuzz corpora as replay tests.
#
# Usage: tools/test.sh            (from any directory)
#
# Run as root on Debian, it first installs whichever build dependencies are
# missing (nothing is installed, and apt is not called, when all are there).
# The build directory is build/ at the top of the repository (override with
# DOTLOG_BUILD_DIR), configured with -Dwerror=true and the tests, tools and
# corpus replay tests on. Exits non-zero if any step or test fails.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${DOTLOG_BUILD_DIR:-$root/build}"

# Debian packages needed to build and test, and a file each one installs.
declare -A deps=(
  [meson]=/usr/bin/meson
  [ninja-build]=/usr/bin/ninja
  [g++]=/usr/bin/g++
  [pkg-config]=/usr/bin/pkg-config
  [libabsl-dev]=/usr/include/absl/status/status.h
  [libsimdjson-dev]=/usr/include/simdjson.h
  [libxxhash-dev]=/usr/include/xxhash.h
  [catch2]=/usr/include/catch2/catch.hpp
  [libcli11-dev]=/usr/include/CLI/CLI.hpp
  [jq]=/usr/bin/jq
  [python3]=/usr/bin/python3
  [xxhash]=/usr/bin/xxhsum
)

missing=()
for pkg in "${!deps[@]}"; do
  [[ -e "${deps[$pkg]}" ]] || missing+=("$pkg")
done
if ((${#missing[@]} > 0)); then
  if [[ $EUID -eq 0 ]] && command -v apt-get >/dev/null; then
    echo "test.sh: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "${missing[@]}"
  else
    echo "test.sh: missing packages: ${missing[*]}" >&2
    echo "test.sh: install them (sudo apt-get install ${missing[*]}) or run as root" >&2
    exit 1
  fi
fi

options=(-Dwerror=true -Dtests=true -Dtools=true -Dfuzzing=false)
if [[ -f "$build/meson-private/coredata.dat" ]]; then
  # Keeps the directory's compiler and other settings; sets ours.
  meson setup --reconfigure "${options[@]}" "$build" "$root"
else
  meson setup "${options[@]}" "$build" "$root"
fi
ninja -C "$build"
meson test -C "$build" --print-errorlogs
