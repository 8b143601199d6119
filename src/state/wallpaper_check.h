// Whether a cache entry still describes its wallpaper file.
#ifndef DOTLOG_STATE_WALLPAPER_CHECK_H_
#define DOTLOG_STATE_WALLPAPER_CHECK_H_

#include <optional>

#include "absl/status/statusor.h"
#include "dotlog/file_system.h"
#include "dotlog/state/wallpaper_cache.h"
#include "state/state_json.h"

namespace dotlog::state {

// What an entry's check found, before anything is written.
struct Evaluation {
  std::optional<CacheMiss> miss;  // empty: cached
  // The file matched by its content hash after its size or mtime changed:
  // the entry's fingerprint should become `info` (the hash is unchanged).
  bool refresh = false;
  FileInfo info;
};

// Checks `entry` at time `now`: valid, unexpired, the file matching by size
// and mtime or else by content hash, the named directories present. Reads
// the file system only; writes nothing.
absl::StatusOr<Evaluation> Evaluate(FileSystem& fs, const WallpaperEntry& entry,
                                    TimePoint now);

}  // namespace dotlog::state

#endif  // DOTLOG_STATE_WALLPAPER_CHECK_H_
