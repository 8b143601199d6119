#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine, builds dotlog, installs the two tools
# (dotlog and dotlog-dump) into ~/.local/bin, and runs its main job: a
# short, real scenario of the dotfiles system on the default store
# ($XDG_DATA_HOME/dotfiles/state, else ~/.local/share/dotfiles/state), then
# shows the state with dotlog-dump and dotlog stats.
#
# It writes only keys under "demo/", so a user's real keys are never
# touched. Running it again updates the same keys and adds one more event
# (demo/events/<time>, each kept for 7 days).
#
# Every command it runs on the store is echoed, quoted so that it can be
# copied into a shell as is.
#
# Usage: tools/quickstart.sh   (as root, or with sudo available, on Debian 12)
# Environment: DOTLOG_BUILD_DIR (default: build/ in the source tree),
#   DOTLOG_BIN_DIR (where the tools go; default ~/.local/bin).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${DOTLOG_BUILD_DIR:-$root/build}"
bin_dir="${DOTLOG_BIN_DIR:-${HOME:?HOME is not set}/.local/bin}"

say() { printf 'quickstart: %s\n' "$*"; }

say "checking the build dependencies (apt runs only if one is missing)"
"$root/tools/install_deps.sh"
if [[ ! -f "$build/meson-private/coredata.dat" ]]; then
  say "configuring the build in $build"
  meson setup -Dpython=enabled "$build" "$root"
fi
# ninja prints one progress line per step; a first build takes minutes.
say "building dotlog and dotlog-dump (a first build takes several minutes)"
ninja -C "$build" tools/dotlog tools/dotlog-dump
# The Python module, when this build has it (a fresh quickstart build and
# tools/test.sh's do; a sanitizer build does not).
python_module=""
if [[ -f "$build/python/dotlog/__init__.py" ]]; then
  say "building the Python module"
  suffix="$(/usr/bin/python3 -c 'import sysconfig; print(sysconfig.get_config_var("EXT_SUFFIX"))')"
  ninja -C "$build" "python/dotlog/_dotlog$suffix"
  python_module="$build/python"
fi
say "installing dotlog and dotlog-dump into $bin_dir"
install -d "$bin_dir"
install -m 0755 "$build/tools/dotlog" "$build/tools/dotlog-dump" "$bin_dir/"

# The tools by name when $bin_dir is on PATH, else by their full path, so
# that every echoed command runs as shown.
dotlog="$bin_dir/dotlog"
dump="$bin_dir/dotlog-dump"
if [[ "$(command -v dotlog || true)" == "$dotlog" ]]; then
  dotlog=dotlog
  dump=dotlog-dump
fi

now="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
walls="${HOME}/walls"

# One word, quoted for a POSIX shell when it needs quoting.
quote() {
  if [[ "$1" =~ ^[A-Za-z0-9_./:=@%+,-]+$ ]]; then
    printf '%s' "$1"
  else
    printf "'%s'" "${1//\'/\'\\\'\'}"
  fi
}

# Echoes a command, quoted, then runs it.
step() {
  local line='$' word
  for word in "$@"; do line+=" $(quote "$word")"; done
  printf '\n%s\n' "$line"
  "$@"
}

# The wallpaper daemon processed a wallpaper into effect variants and a
# colour scheme; the cache record expires in 30 days.
step "$dotlog" set --ttl 30d "demo/wallpaper/cache$walls/dune.png" \
  "{\"cached_at\":\"$now\",\"backend\":\"wal\",\"effect_count\":6,\"effects_dir\":\"$walls/.effects/dune\",\"scheme\":\"$walls/.schemes/dune.json\",\"valid\":true}"
# It set the wallpaper on two monitors.
step "$dotlog" set --string demo/wallpaper/current/DP-1 "$walls/dune.png"
step "$dotlog" set --string demo/wallpaper/current/HDMI-A-1 "$walls/dune.png"
# The installer recorded a component.
step "$dotlog" set demo/components/hyprpaper \
  "{\"version\":\"0.7.1\",\"installed_at\":\"$now\",\"overrides\":{\"splash\":false}}"
# An event for the log, kept a week; and a counter.
step "$dotlog" set --ttl 7d "demo/events/$now" \
  '{"level":"info","source":"wallpaper","message":"applied dune.png to 2 monitors"}'
step "$dotlog" incr demo/stats/wallpaper_changes

# A status bar module asks for the current wallpaper.
step "$dotlog" get --raw demo/wallpaper/current/DP-1
# The state, as a person reads it.
step "$dump" --prefix demo/
step "$dotlog" stats


# The dotfiles system's state by name, in a demo store of its own, so the
# real state (the default store's state/ keys) is never touched.
demo="${XDG_DATA_HOME:-$HOME/.local/share}/dotfiles/demo-state"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/dotlog-demo"
mkdir -p "$cache/walls" "$cache/effects/dune" "$cache/schemes/dune"
wall="$cache/walls/dune.png"
[[ -f "$wall" ]] || printf 'a wallpaper, as far as this demo goes\n' >"$wall"
# The wallpaper daemon processed it into effects and a colour scheme.
step "$dotlog" --dir "$demo" wallpaper cache "$wall" --set backend=wal \
  --set effect_count=6 --set effects_dir="$cache/effects/dune" \
  --set colorscheme_dir="$cache/schemes/dune"
# Next time it asks first: a lookup and a few stats, no directory scan.
step "$dotlog" --dir "$demo" wallpaper check --why "$wall"
step "$dotlog" --dir "$demo" wallpaper set DP-1 "$wall"
step "$dotlog" --dir "$demo" component add hyprpaper --version 0.7.1 \
  --set splash=false
step "$dotlog" --dir "$demo" health set hyprpaper ok
step "$dotlog" --dir "$demo" event log wallpaper_changed --component hyprpaper \
  --set monitor=DP-1
step "$dotlog" --dir "$demo" event tail -n 3
step "$dotlog" --dir "$demo" wallpaper current --json
# The installer, in Python, reads the same state.
if [[ -n "$python_module" ]]; then
  step env PYTHONPATH="$python_module" /usr/bin/python3 -c \
    "from dotfiles_state_manager import StateManager; sm = StateManager('$demo'); print('cached:', sm.is_wallpaper_cached('$wall'), '| DP-1:', sm.get_current_wallpaper('DP-1'))"
fi
# What a cleanup would remove now (a writer runs one by itself once a week).
step "$dotlog" --dir "$demo" cleanup --dry-run
step "$dotlog" --dir "$demo" config

echo
say "done: dotlog and dotlog-dump are in $bin_dir"
if [[ "$dotlog" != dotlog ]]; then
  say "that directory is not on your PATH; add it, e.g. in ~/.profile:" \
    "export PATH=\"$bin_dir:\$PATH\""
fi
say "try: dotlog --help, dotlog ls demo/, dotlog watch --initial demo/"
