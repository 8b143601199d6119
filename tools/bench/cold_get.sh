#!/bin/sh
# Whole-process cold read: `dotlog get KEY` against
# `sqlite3 state.db "select value from kv where key='KEY'"`, each run as a
# fresh process by hyperfine, on stores holding the same 10,000 keys.
#
#   tools/bench/cold_get.sh [DOTLOG_BIN] [KEYS]     (from the repository root)
#
# DOTLOG_BIN defaults to build/tools/dotlog, KEYS to 10000. Both stores are
# built first in a fresh directory under $TMPDIR (else /var/tmp), removed at
# the end; the hyperfine JSON is kept as ./cold_get.json (override with
# $COLD_GET_JSON). dotlog is measured twice: right after `dotlog load` (the
# log holds 10 batch records and no index snapshot, so each open reads the
# whole log) and after `dotlog compact` (which leaves index.snapshot, the
# state a long-lived store is normally in). The SQLite database uses the
# benchmark's schema (WITHOUT ROWID table, WAL mode). When the build has
# tools/bench/startup_floor beside the tool (or $STARTUP_FLOOR names it), it
# is timed too: an empty program linked against the tool's shared libraries,
# the part of a cold call that no code of dotlog's can remove.
#
# Exit status: 0 when both were measured; 1 when dotlog could not be (the
# sqlite3 half is still measured and printed); 2 for missing tools.
set -eu

DOTLOG=${1:-build/tools/dotlog}
KEYS=${2:-10000}
# An empty program linked against the tool's shared libraries: the start-up
# cost that any code of dotlog's pays before main.
FLOOR=${STARTUP_FLOOR:-$(dirname "$DOTLOG")/bench/startup_floor}
JSON_OUT=${COLD_GET_JSON:-cold_get.json}
# A key in the middle of the store.
KEY=$(printf 'wallpaper/cache/home/user/walls/img%05d.png' $((KEYS / 2)))

for tool in hyperfine sqlite3 jq awk; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "cold_get.sh: $tool is needed (apt-get install $tool)" >&2
    exit 2
  fi
done

WORK=$(mktemp -d "${TMPDIR:-/var/tmp}/dotlog_cold_get.XXXXXX")
trap 'rm -rf "$WORK"' EXIT INT TERM
FS_TYPE=$(findmnt -no FSTYPE -T "$WORK" 2>/dev/null || stat -f -c %T "$WORK")
echo "cold_get.sh: $KEYS keys in $WORK ($FS_TYPE), key $KEY, $(nproc) CPUs," \
     "load average $(cut -d' ' -f1-3 /proc/loadavg)"

# The data: the same keys and values as dotlog_bench (ValueFor(i, 0)), as a
# jsonl dump for `dotlog load` and as SQL for sqlite3.
awk -v n="$KEYS" -v jsonl="$WORK/load.jsonl" -v sql="$WORK/state.sql" 'BEGIN {
  split("wal swww hellwal", backend, " ")
  print "PRAGMA journal_mode=WAL;" > sql
  print "CREATE TABLE kv(key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL) WITHOUT ROWID;" > sql
  print "BEGIN;" > sql
  for (i = 0; i < n; i++) {
    t = i * 7
    key = sprintf("wallpaper/cache/home/user/walls/img%05d.png", i)
    value = sprintf("{\"cached_at\":\"2026-11-01T%02d:%02d:%02d.%03dZ\",\"effects_dir\":\"/home/user/.cache/wallpaper/effects/img%05d\",\"backend\":\"%s\",\"effect_count\":%d,\"valid\":%s}",
                    int(t / 3600) % 24, int(t / 60) % 60, t % 60, t % 1000, i,
                    backend[i % 3 + 1], i % 12, (i % 17 == 0) ? "false" : "true")
    printf "{\"key\":\"%s\",\"value\":%s,\"expires\":null}\n", key, value > jsonl
    printf "INSERT INTO kv VALUES('\''%s'\'','\''%s'\'');\n", key, value > sql
  }
  print "COMMIT;" > sql
}'
sqlite3 "$WORK/state.db" < "$WORK/state.sql" >/dev/null
SQLITE_CMD="sqlite3 '$WORK/state.db' \"select value from kv where key='$KEY'\""
expected=$(sqlite3 "$WORK/state.db" "select value from kv where key='$KEY'")
if [ -z "$expected" ]; then
  echo "cold_get.sh: the sqlite3 database does not hold $KEY" >&2
  exit 2
fi

dotlog_ok=1
if [ ! -x "$DOTLOG" ]; then
  dotlog_ok=0
  echo "cold_get.sh: no dotlog binary at $DOTLOG: build it (ninja -C build" \
       "tools/dotlog) or pass its path as the first argument" >&2
else
  for store in loaded compacted; do
    "$DOTLOG" --dir "$WORK/$store" load --format jsonl "$WORK/load.jsonl" >/dev/null
  done
  "$DOTLOG" --dir "$WORK/compacted" compact >/dev/null
  for store in loaded compacted; do
    got=$("$DOTLOG" --dir "$WORK/$store" get "$KEY")
    if [ "$got" != "$expected" ]; then
      echo "cold_get.sh: dotlog get ($store) printed '$got', sqlite3 '$expected'" >&2
      exit 1
    fi
  done
fi

# hyperfine -N runs each command without a shell.
set -- --command-name sqlite3 "$SQLITE_CMD"
if [ "$dotlog_ok" = 1 ]; then
  set -- "$@" \
    --command-name "dotlog (after load)" "'$DOTLOG' --dir '$WORK/loaded' get '$KEY'" \
    --command-name "dotlog (compacted, snapshot)" "'$DOTLOG' --dir '$WORK/compacted' get '$KEY'"
fi
if [ -x "$FLOOR" ]; then
  set -- "$@" --command-name "start-up floor (empty main, same libraries)" "'$FLOOR'"
fi
hyperfine -N --warmup 20 --runs 300 --export-json "$JSON_OUT" "$@"

echo
jq -r '
  (.results[] | select(.command == "sqlite3") | .median) as $sqlite
  | .results[]
  | "\(.command): median \((.median * 1e6 | round) / 1000) ms"
    + (if .command == "sqlite3" then ""
       else ", /sqlite3 = \((.median / $sqlite * 100 | round) / 100)" end)
' "$JSON_OUT"
if [ "$dotlog_ok" = 0 ]; then
  echo "cold_get.sh: dotlog not measured: no binary at $DOTLOG" >&2
  exit 1
fi
