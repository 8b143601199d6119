#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine, builds dotlog, and runs its main job:
# a short, real scenario of the dotfiles system on the default store
# ($XDG_DATA_HOME/dotfiles/state, else ~/.local/share/dotfiles/state), then
# shows the state with dotlog-dump and dotlog stats.
#
# It writes only keys under "demo/", so a user's real keys are never
# touched, and running it again just updates the same keys.
#
# Usage: tools/quickstart.sh   (as root, or with sudo available, on Debian 12)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${DOTLOG_BUILD_DIR:-$root/build}"

"$root/tools/install_deps.sh"
if [[ ! -f "$build/meson-private/coredata.dat" ]]; then
  meson setup "$build" "$root" >/dev/null
fi
ninja -C "$build" tools/dotlog tools/dotlog-dump >/dev/null

dotlog="$build/tools/dotlog"
dump="$build/tools/dotlog-dump"
now="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
walls="${HOME:-/root}/walls"

step() { printf '\n$ %s\n' "$*"; "$@"; }

# The wallpaper daemon processed a wallpaper into effect variants and a
# colour scheme; the cache record expires in 30 days.
step "$dotlog" set --ttl 30d "demo/wallpaper/cache$walls/dune.png" \
  "{\"cached_at\":\"$now\",\"backend\":\"wal\",\"effect_count\":6,
    \"effects_dir\":\"$walls/.effects/dune\",\"scheme\":\"$walls/.schemes/dune.json\",
    \"valid\":true}"
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
