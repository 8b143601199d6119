#!/usr/bin/env bash
# Builds dotlog and runs the whole test suite: unit, scenario, crash and
# multi-process tests, and the fuzz corpora as replay tests.
#
# Usage: tools/test.sh            (from any directory)
#
# Run as root on Debian, it first installs whichever build dependencies are
# missing (nothing is installed, and apt is not called, when all are there).
# The build directory is build/ at the top of the repository (override with
# DOTLOG_BUILD_DIR), configured with -Dwerror=true and the tests, tools,
# Python packages (their pytest suite) and corpus replay tests on. Exits
# non-zero if any step or test fails.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${DOTLOG_BUILD_DIR:-$root/build}"

"$root/tools/install_deps.sh"

options=(-Dwerror=true -Dtests=true -Dtools=true -Dfuzzing=false -Dpython=enabled)
if [[ -f "$build/meson-private/coredata.dat" ]]; then
  # Keeps the directory's compiler and other settings; sets ours.
  meson setup --reconfigure "${options[@]}" "$build" "$root"
else
  meson setup "${options[@]}" "$build" "$root"
fi
ninja -C "$build"
meson test -C "$build" --print-errorlogs
