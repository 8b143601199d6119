// Cleanup of the state: what has outlived its use goes, by itself once in a
// while or on demand.
#ifndef DOTLOG_STATE_CLEANUP_H_
#define DOTLOG_STATE_CLEANUP_H_

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace dotlog {

class StateManager;

// What CleanUp does. Plain data; copy freely.
struct CleanupOptions {
  // Find what would go, but write and delete nothing (not even the record
  // of the run).
  bool dry_run = false;

  // Also delete the directories directly inside `cache_roots` that no
  // cache entry left after the cleanup names as its effects_dir or
  // colorscheme_dir (nor holds one of those). Only real directories inside
  // a root go, with everything in them; a symbolic link inside a root (or
  // inside such a directory) is removed as a link, never followed. A root
  // that does not exist is skipped. Roots may start with "~".
  bool prune_files = false;
  std::vector<std::string> cache_roots;

  // The store is compacted when its dead bytes, after the removals, reach
  // both this many bytes and this share of its size.
  uint64_t compact_min_dead_bytes = 64 << 10;
  double compact_min_dead_ratio = 0.25;
};

// What a cleanup removed, or would remove with CleanupOptions::dry_run.
struct CleanupReport {
  bool dry_run = false;
  std::chrono::system_clock::time_point ran_at;
  // Cache entries past their TTL, by path in byte order.
  std::vector<std::string> expired_wallpapers;
  // Cache entries whose wallpaper file no longer exists, by path.
  std::vector<std::string> missing_wallpapers;
  // Ids of events past retention: older than StateOptions::event_max_age,
  // or beyond the newest StateOptions::event_max_count.
  std::vector<uint64_t> old_events;
  // Cache directories deleted (with prune_files), by path.
  std::vector<std::string> pruned_dirs;
  // Whether the store was (or would be) compacted, and its size in bytes
  // before and after (the same with dry_run).
  bool compacted = false;
  uint64_t bytes_before = 0;
  uint64_t bytes_after = 0;

  // How many entries and events were removed, in all.
  size_t removed() const {
    return expired_wallpapers.size() + missing_wallpapers.size() +
           old_events.size();
  }
};

// Removes, in atomic batches: wallpaper cache entries past their TTL or
// whose file is gone; events past retention; then, with prune_files, the
// unnamed cache directories; then compacts the store when that frees
// enough (CleanupOptions). Unless dry_run, records the run's time and
// counts under "state/cleanup" (README, "Cleanup"). An entry re-cached by
// another process while the cleanup runs may be removed with the old one:
// the next check of it is a miss, never a wrong hit. Errors: the store's
// or the file system's; a compaction that another process is running
// (Aborted) is not an error, compacted is then false.
absl::StatusOr<CleanupReport> CleanUp(StateManager& state,
                                      const CleanupOptions& options = {});

// When the last cleanup recorded under "state/cleanup" ran. NotFound if
// none did.
absl::StatusOr<std::chrono::system_clock::time_point> LastCleanup(
    StateManager& state);

// Runs CleanUp if none ran in the last `interval`, and returns its report;
// nullopt without writing anything if one did, or if another process is
// starting one right now. The run is claimed first by recording its time
// with a compare-and-set on "state/cleanup", so concurrent writers never
// run it twice and never wait for each other.
absl::StatusOr<std::optional<CleanupReport>> CleanUpIfDue(
    StateManager& state, std::chrono::milliseconds interval,
    const CleanupOptions& options = {});

}  // namespace dotlog

#endif  // DOTLOG_STATE_CLEANUP_H_
