#include "state/wallpaper_check.h"

#include <string>

#include "state/wallpaper_file.h"

namespace dotlog::state {
namespace {

// True if `dir` names an existing directory.
absl::StatusOr<bool> IsDirectory(FileSystem& fs, const std::string& dir) {
  absl::StatusOr<FileInfo> info = fs.StatFollowingLinks(dir);
  if (absl::IsNotFound(info.status())) return false;
  if (!info.ok()) return info.status();
  return info->type == FileInfo::Type::kDirectory;
}

}  // namespace

absl::StatusOr<Evaluation> Evaluate(FileSystem& fs, const WallpaperEntry& entry,
                                    TimePoint now) {
  Evaluation result;
  if (!entry.valid) {
    result.miss = CacheMiss::kInvalidated;
    return result;
  }
  if (now >= entry.expires_at) {
    result.miss = CacheMiss::kExpired;
    return result;
  }
  absl::StatusOr<FileInfo> info = fs.StatFollowingLinks(entry.path);
  if (absl::IsNotFound(info.status())) {
    result.miss = CacheMiss::kFileMissing;
    return result;
  }
  if (!info.ok()) return info.status();
  result.info = *info;
  if (info->size != entry.size || info->mtime_ns != entry.mtime_ns) {
    absl::StatusOr<uint64_t> hash = HashFile(fs, entry.path);
    if (absl::IsNotFound(hash.status())) {
      result.miss = CacheMiss::kFileMissing;
      return result;
    }
    if (!hash.ok()) return hash.status();
    if (*hash != entry.wallpaper_hash) {
      result.miss = CacheMiss::kFileChanged;
      return result;
    }
    result.refresh = true;
  }
  for (const auto& [dir, miss] :
       {std::pair{&entry.effects_dir, CacheMiss::kEffectsDirMissing},
        std::pair{&entry.colorscheme_dir, CacheMiss::kColorschemeDirMissing}}) {
    if (dir->empty()) continue;
    absl::StatusOr<bool> present = IsDirectory(fs, *dir);
    if (!present.ok()) return present.status();
    if (!*present) {
      result.miss = miss;
      return result;
    }
  }
  return result;
}

}  // namespace dotlog::state
