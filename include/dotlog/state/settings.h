// The dotfiles system's `[state_management]` settings: what they are, where
// they come from, and how they become StateOptions.
#ifndef DOTLOG_STATE_SETTINGS_H_
#define DOTLOG_STATE_SETTINGS_H_

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "dotlog/options.h"
#include "dotlog/state/state_options.h"

namespace dotlog {

class FileSystem;

// The effective settings of the state layer. Plain data; copy freely. Each
// field is named in TOML by the dotted name in its comment, under the table
// `[state_management]` (README, "Settings", lists them with their
// environment variables).
struct Settings {
  bool enabled = true;             // enabled
  std::string backend = "file";    // backend: "file" or "hybrid"
  std::string state_dir;           // state_dir (alias db_path); "" = default
  bool wallpaper_cache_enabled = true;   // cache.wallpaper_cache_enabled
  int64_t wallpaper_cache_ttl_days = 30;  // cache.wallpaper_cache_ttl_days
  bool auto_cleanup_enabled = true;       // cleanup.auto_cleanup_enabled
  int64_t cleanup_interval_days = 7;      // cleanup.cleanup_interval_days
  // The cache roots `dotlog cleanup --prune-files` prunes (cleanup.h).
  std::string effects_cache_root =           // cleanup.effects_cache_root
      "~/.cache/wallpaper/effects";
  std::string colorscheme_cache_root =       // cleanup.colorscheme_cache_root
      "~/.cache/colorscheme";
  std::string sync = "always";            // sync: "always" or "none"
  int64_t lock_timeout_ms = 5000;         // lock_timeout_ms
  int64_t recent_limit = 50;              // recent_limit
  int64_t event_max_count = 10000;        // event_max_count
  int64_t event_max_age_days = 90;        // event_max_age_days
  // [[state_management.history]] tables: prefix, keep_versions, keep_days.
  std::vector<HistoryRule> history;

  // [state_management.redis_backend]: replication between machines through
  // a Redis Stream (`dotlog sync`, README "Several machines").
  bool redis_enabled = false;             // redis_backend.enabled
  std::string redis_host = "127.0.0.1";   // redis_backend.host
  int64_t redis_port = 6379;              // redis_backend.port
  int64_t redis_db = 0;                   // redis_backend.db
  std::string redis_user;                 // redis_backend.user (ACL)
  std::string redis_password;             // redis_backend.password
  std::string machine_name;               // redis_backend.machine_name;
                                          // "" = the host name
  std::string redis_stream = "dotlog:sync";    // redis_backend.stream
  int64_t redis_stream_maxlen = 100000;        // redis_backend.stream_maxlen
  // redis_backend.shared: key prefixes, or "KEY#FIELD" for one field of
  // one key's object, or "log:PREFIX" for keys each machine owns (the
  // event log), replicated between machines; nothing else leaves.
  std::vector<std::string> shared = {
      "state/wallpaper/favourite/", "state/wallpaper/current#recent",
      "state/component/", "state/colorscheme", "log:state/event/"};
};

// One setting as `dotlog config` shows it.
struct SettingValue {
  std::string name;    // dotted, e.g. "cache.wallpaper_cache_ttl_days"
  std::string value;   // as JSON text: true, 30, "file", [{...}]
  std::string origin;  // "default", "FILE:LINE:COLUMN", "env DOTLOG_DIR",
                       // or "command line"
};

// Where settings are read from, lowest precedence first: the built-in
// defaults; the files (`files`, else the colon-separated list in
// $DOTFILES_SETTINGS, else $XDG_CONFIG_HOME/dotfiles/settings.toml, or
// ~/.config/dotfiles/settings.toml, when it exists), each later file
// overriding the earlier; the environment variables of the settings that
// have one (DOTLOG_DIR, DOTLOG_SYNC, ...); then `overrides`.
struct SettingsSources {
  std::vector<std::string> files;
  // (dotted name, value as text) pairs from the command line; the value is
  // read as an environment variable's would be ("true", "30", "none").
  std::vector<std::pair<std::string, std::string>> overrides;
  // Looks up an environment variable; nullptr if unset. Empty: getenv.
  std::function<const char*(const char*)> getenv;
  // The file system the files are read through. nullptr: POSIX.
  FileSystem* file_system = nullptr;
};

// Settings with the origin of each value and the warnings met on the way.
struct LoadedSettings {
  Settings settings;
  std::vector<SettingValue> values;   // every setting, in a fixed order
  std::vector<std::string> warnings;  // e.g. an unknown key, with a guess
};

// Reads the settings from `sources`. Errors, each naming the file, line and
// column where there is one, the key, and what was expected:
// InvalidArgument for malformed TOML, a value of the wrong type or out of
// range, an unknown backend or sync mode, and a db_path ending in ".db" (a
// store is a directory: `dotlog import` reads an old state.db); NotFound
// for a settings file that was named but does not exist. Unknown keys under
// [state_management] are warnings, not errors; other tables are ignored
// (they belong to the rest of the dotfiles system). `~` and `$HOME` are
// expanded in paths, and a relative path in a file is taken relative to
// that file's directory.
absl::StatusOr<LoadedSettings> LoadSettings(const SettingsSources& sources);

// The store directory `settings` names: state_dir, else the default
// ($XDG_DATA_HOME/dotfiles/state, else ~/.local/share/dotfiles/state).
// InvalidArgument when neither variable helps. `getenv` as in
// SettingsSources.
absl::StatusOr<std::string> StateDirectory(
    const Settings& settings,
    const std::function<const char*(const char*)>& getenv = {});

// The StateOptions (and store Options) that `settings` describe: cache TTL,
// recent limit, event retention, automatic cleanup and its interval, sync
// mode, lock timeout, history rules.
StateOptions ToStateOptions(const Settings& settings);

}  // namespace dotlog

#endif  // DOTLOG_STATE_SETTINGS_H_
