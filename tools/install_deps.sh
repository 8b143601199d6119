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
  [python3-mesonpy]=/usr/lib/python3/dist-packages/mesonpy/__init__.py
  [python3.11-venv]=/usr/lib/python3.11/ensurepip/__init__.py
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
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
