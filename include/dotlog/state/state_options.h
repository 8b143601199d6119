// Options for the state layer: retention limits, the clock, and the options
// of the store underneath.
#ifndef DOTLOG_STATE_STATE_OPTIONS_H_
#define DOTLOG_STATE_STATE_OPTIONS_H_

#include <chrono>
#include <cstddef>
#include <vector>

#include "dotlog/options.h"

namespace dotlog {

class Clock;
struct Migration;

// Options for StateManager. Plain data; copy freely. StateManager::Open and
// StateManager::ForStore fail with InvalidArgument, naming the field, if a
// limit is zero or negative.
struct StateOptions {
  // A cached wallpaper counts as expired this long after it was cached.
  // An expired entry still reads back (its check says "expired") for one
  // more `cache_ttl`; the store then drops it.
  std::chrono::milliseconds cache_ttl = std::chrono::hours(24 * 30);

  // How many recently used wallpapers are remembered, newest first.
  size_t recent_limit = 50;

  // The event log keeps at most `event_max_count` events (the oldest go
  // first) and none older than `event_max_age`.
  size_t event_max_count = 10000;
  std::chrono::milliseconds event_max_age = std::chrono::hours(24 * 90);

  // Source of every time the state layer records and compares. Not owned;
  // must outlive the manager. nullptr means `store.clock`, and the system
  // clock if that is null too. When StateManager::Open opens the store and
  // `store.clock` is null, the store gets this clock as well, so that
  // expiry in the store and in the state layer agree.
  Clock* clock = nullptr;

  // A reader: opening neither migrates the layout nor cleans up. Writes
  // through a reader still work unless the store's layout is newer than
  // this code knows (they then fail with FailedPrecondition, as opening a
  // writer does).
  bool read_only = false;

  // A writer's opening runs CleanUpIfDue (cleanup.h) with this interval.
  bool auto_cleanup = false;
  std::chrono::milliseconds cleanup_interval = std::chrono::hours(24 * 7);

  // The layout migrations a writer's opening runs (migration.h). Not
  // owned; must outlive the manager. nullptr: BuiltInMigrations().
  const std::vector<Migration>* migrations = nullptr;

  // Options for opening the store (StateManager::Open only). Its
  // `file_system` is also the one the state layer asks about wallpaper
  // files and directories (nullptr: the POSIX file system).
  Options store;
};

}  // namespace dotlog

#endif  // DOTLOG_STATE_STATE_OPTIONS_H_
