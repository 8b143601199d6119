// Cleanup of the state: expired and orphaned cache entries, old events,
// unnamed cache directories, and a compaction when it pays.
#include "dotlog/state/cleanup.h"

#include <algorithm>
#include <utility>

#include "dotlog/state/state_manager.h"
#include "state/cache_prune.h"
#include "state/state_json.h"
#include "state/state_keys.h"
#include "state/wallpaper_entry.h"

namespace dotlog {
namespace {

using state::Cat;
using state::TimePoint;

// Deletes go in batches of at most this many keys: each batch is atomic,
// and a cleanup of a huge cache does not build one huge record.
constexpr size_t kBatchKeys = 1000;

struct Found {
  std::vector<std::string> keys;  // to delete
  uint64_t bytes = 0;             // their keys' and values' bytes
  // Named by the entries that stay; gathered only to prune files.
  std::vector<std::string> kept_dirs;
};

absl::Status FindWallpapers(StateManager& state, TimePoint now,
                            bool keep_dirs, CleanupReport* report,
                            Found* found) {
  // One entry at a time: the stored JSON of all of them is never held.
  return state.store().ForEach(
      state::kWallpaperCachePrefix, [&](const Item& item) -> absl::Status {
        absl::StatusOr<WallpaperEntry> entry =
            state::DecodeEntry(item.key, item.value);
        // A newer or damaged shape: not ours to judge.
        if (!entry.ok()) return absl::OkStatus();
        std::vector<std::string>* list = nullptr;
        if (now >= entry->expires_at) {
          list = &report->expired_wallpapers;
        } else {
          absl::StatusOr<FileInfo> info =
              state.file_system().StatFollowingLinks(entry->path);
          if (absl::IsNotFound(info.status())) {
            list = &report->missing_wallpapers;
          } else if (!info.ok()) {
            return info.status();
          }
        }
        if (list != nullptr) {
          list->push_back(entry->path);
          found->keys.push_back(item.key);
          found->bytes += item.key.size() + item.value.size();
          return absl::OkStatus();
        }
        if (!keep_dirs) return absl::OkStatus();
        for (const std::string* dir :
             {&entry->effects_dir, &entry->colorscheme_dir}) {
          if (!dir->empty()) found->kept_dirs.push_back(*dir);
        }
        return absl::OkStatus();
      });
}

absl::StatusOr<int64_t> LastEventId(Store& store) {
  absl::StatusOr<std::string> json = store.Get(state::kEventCounterKey);
  if (absl::IsNotFound(json.status())) return 0;
  if (!json.ok()) return json.status();
  simdjson::dom::parser parser;
  absl::StatusOr<state::JsonObject> o =
      state::ParseStored(parser, state::kEventCounterKey, *json);
  if (!o.ok()) return o.status();
  return state::GetInt(*o, state::kEventCounterKey, "last_id");
}

absl::Status FindEvents(StateManager& state, TimePoint now,
                        CleanupReport* report, Found* found) {
  absl::StatusOr<int64_t> last_id = LastEventId(state.store());
  if (!last_id.ok()) return last_id.status();
  const TimePoint oldest = now - state.options().event_max_age;
  const int64_t lowest_kept =
      *last_id - static_cast<int64_t>(state.options().event_max_count) + 1;
  absl::StatusOr<std::vector<Item>> items =
      state.store().List(state::kEventPrefix);
  if (!items.ok()) return items.status();
  simdjson::dom::parser parser;
  for (const Item& item : *items) {
    absl::StatusOr<state::JsonObject> o =
        state::ParseStored(parser, item.key, item.value);
    if (!o.ok()) continue;
    absl::StatusOr<int64_t> id = state::GetInt(*o, item.key, "id");
    absl::StatusOr<TimePoint> time = state::GetTime(*o, item.key, "time");
    if (!id.ok() || !time.ok()) continue;
    if (*time >= oldest && *id >= lowest_kept) continue;
    report->old_events.push_back(static_cast<uint64_t>(*id));
    found->keys.push_back(item.key);
    found->bytes += item.key.size() + item.value.size();
  }
  return absl::OkStatus();
}

absl::Status DeleteKeys(Store& store, const std::vector<std::string>& keys) {
  WriteBatch batch;
  for (size_t i = 0; i < keys.size(); ++i) {
    batch.Delete(keys[i]);
    if (batch.size() == kBatchKeys || i + 1 == keys.size()) {
      if (absl::Status s = store.Write(batch); !s.ok()) return s;
      batch.Clear();
    }
  }
  return absl::OkStatus();
}

absl::Status Prune(StateManager& state, const CleanupOptions& options,
                   const std::vector<std::string>& kept,
                   CleanupReport* report) {
  FileSystem& fs = state.file_system();
  for (const std::string& given : options.cache_roots) {
    absl::StatusOr<std::string> root = state.NormalizePath(given);
    if (!root.ok()) return root.status();
    absl::StatusOr<std::vector<std::string>> dirs =
        state::UnnamedCacheDirs(fs, *root, kept);
    if (!dirs.ok()) return dirs.status();
    for (const std::string& dir : *dirs) {
      if (!options.dry_run) {
        if (absl::Status s = state::RemoveTree(fs, dir); !s.ok()) return s;
      }
      report->pruned_dirs.push_back(dir);
    }
  }
  return absl::OkStatus();
}

absl::Status MaybeCompact(Store& store, const CleanupOptions& options,
                          uint64_t unwritten_dead_bytes,
                          CleanupReport* report) {
  absl::StatusOr<Stats> stats = store.GetStats();
  if (!stats.ok()) return stats.status();
  // With dry_run the removals were not written: count their bytes as the
  // dead bytes they would become.
  const uint64_t dead = stats->dead_bytes + unwritten_dead_bytes;
  const bool worth =
      dead >= options.compact_min_dead_bytes &&
      static_cast<double>(dead) >=
          options.compact_min_dead_ratio * static_cast<double>(stats->total_bytes);
  report->bytes_after = stats->total_bytes;
  if (!worth) return absl::OkStatus();
  if (options.dry_run) {
    report->compacted = true;
    return absl::OkStatus();
  }
  absl::Status s = store.Compact();
  if (absl::IsAborted(s)) return absl::OkStatus();  // another process is
  if (!s.ok()) return s;
  report->compacted = true;
  stats = store.GetStats();
  if (!stats.ok()) return stats.status();
  report->bytes_after = stats->total_bytes;
  return absl::OkStatus();
}

std::string CleanupRecord(const CleanupReport& report) {
  state::JsonObjectWriter w;
  w.Layout();
  w.Time("last_run", report.ran_at);
  w.Int("removed", static_cast<int64_t>(report.removed()));
  w.Int("pruned_dirs", static_cast<int64_t>(report.pruned_dirs.size()));
  w.Bool("compacted", report.compacted);
  return w.Finish();
}

}  // namespace

absl::StatusOr<CleanupReport> CleanUp(StateManager& state,
                                      const CleanupOptions& options) {
  CleanupReport report;
  report.dry_run = options.dry_run;
  report.ran_at = state::ToMillis(state.clock().Now());
  Store& store = state.store();
  if (!options.dry_run) {
    if (absl::Status s = state.CheckWritable(); !s.ok()) return s;
  }
  absl::StatusOr<Stats> stats = store.GetStats();
  if (!stats.ok()) return stats.status();
  report.bytes_before = stats->total_bytes;

  Found found;
  if (absl::Status s = FindWallpapers(state, report.ran_at,
                                      options.prune_files, &report, &found);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = FindEvents(state, report.ran_at, &report, &found);
      !s.ok()) {
    return s;
  }
  if (!options.dry_run) {
    if (absl::Status s = DeleteKeys(store, found.keys); !s.ok()) return s;
  }
  if (options.prune_files) {
    if (absl::Status s = Prune(state, options, found.kept_dirs, &report);
        !s.ok()) {
      return s;
    }
  }
  if (absl::Status s = MaybeCompact(store, options,
                                    options.dry_run ? found.bytes : 0, &report);
      !s.ok()) {
    return s;
  }
  if (options.dry_run) return report;
  if (absl::Status s = store.Put(state::kCleanupKey, CleanupRecord(report));
      !s.ok()) {
    return s;
  }
  return report;
}

absl::StatusOr<std::chrono::system_clock::time_point> LastCleanup(
    StateManager& state) {
  absl::StatusOr<std::string> json = state.store().Get(state::kCleanupKey);
  if (absl::IsNotFound(json.status())) {
    return absl::NotFoundError("no cleanup has run");
  }
  if (!json.ok()) return json.status();
  simdjson::dom::parser parser;
  absl::StatusOr<state::JsonObject> o =
      state::ParseStored(parser, state::kCleanupKey, *json);
  if (!o.ok()) return o.status();
  return state::GetTime(*o, state::kCleanupKey, "last_run");
}

absl::StatusOr<std::optional<CleanupReport>> CleanUpIfDue(
    StateManager& state, std::chrono::milliseconds interval,
    const CleanupOptions& options) {
  const TimePoint now = state::ToMillis(state.clock().Now());
  absl::StatusOr<Item> last = state.store().Lookup(state::kCleanupKey);
  uint64_t seq = 0;  // 0: claim only if still absent
  if (last.ok()) {
    seq = last->seq;
    absl::StatusOr<TimePoint> at = LastCleanup(state);
    if (!at.ok()) return at.status();
    if (now - *at < interval) return std::nullopt;
  } else if (!absl::IsNotFound(last.status())) {
    return last.status();
  }
  // The claim: only over the record just read, so that of several writers
  // opening at once exactly one runs the cleanup, and none waits.
  CleanupReport claim;
  claim.ran_at = now;
  absl::Status s = state.store().CompareAndSet(state::kCleanupKey, seq,
                                               CleanupRecord(claim));
  if (absl::IsAborted(s)) return std::nullopt;
  if (!s.ok()) return s;
  CleanupOptions run = options;
  run.dry_run = false;
  absl::StatusOr<CleanupReport> report = CleanUp(state, run);
  if (!report.ok()) return report.status();
  return std::optional<CleanupReport>(*std::move(report));
}

}  // namespace dotlog
