#!/usr/bin/env bash
# Installs the Debian 12 packages dotlog needs to build and test, when any
# is missing (apt is not called when all are there). Needs root or sudo.
set -euo pipefail

# Each package, and a file it installs.
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
  [pybind11-dev]=/usr/include/pybind11/pybind11.h
  [python3-dev]=/usr/include/python3.11/Python.h
  [python3-pytest]=/usr/lib/python3/dist-packages/pytest/__init__.py
  [mypy]=/usr/bin/mypy
  [python3-mesonpy]=/usr/lib/python3/dist-packages/mesonpy/__init__.py
  [python3.11-venv]=/usr/lib/python3.11/ensurepip/__init__.py
  [libtomlplusplus-dev]=/usr/include/toml++/toml.h
  [libsqlite3-dev]=/usr/include/sqlite3.h
  [man-db]=/usr/bin/man
  [zsh]=/usr/bin/zsh
  [fish]=/usr/bin/fish
  [systemd]=/usr/bin/systemd-analyze
  [libhiredis-dev]=/usr/include/hiredis/hiredis.h
  [redis-server]=/usr/bin/redis-server
)

missing=()
for pkg in "${!deps[@]}"; do
  [[ -e "${deps[$pkg]}" ]] || missing+=("$pkg")
done
((${#missing[@]} == 0)) && exit 0

sudo=()
[[ $EUID -eq 0 ]] || sudo=(sudo)
if ! command -v apt-get >/dev/null; then
  echo "install_deps.sh: missing packages: ${missing[*]} (not a Debian system?)" >&2
  exit 1
fi
echo "install_deps.sh: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# Another apt or dpkg (unattended-upgrades, a software centre) may hold the
# package lock: wait for it, up to the timeout, instead of failing at once.
lock_timeout="${DOTLOG_APT_LOCK_TIMEOUT:-900}"
apt=("${sudo[@]}" apt-get -o "DPkg::Lock::Timeout=$lock_timeout")
if command -v fuser >/dev/null &&
  "${sudo[@]}" fuser /var/lib/dpkg/lock-frontend /var/lib/dpkg/lock \
    /var/lib/apt/lists/lock >/dev/null 2>&1; then
  echo "install_deps.sh: another apt or dpkg is running; waiting up to" \
    "${lock_timeout}s for it to finish"
fi
"${apt[@]}" update -q
"${apt[@]}" install -y -q --no-install-recommends "${missing[@]}"
