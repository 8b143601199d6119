// Deleting the cache directories that no cache entry names, inside the
// cache roots only, never following a symbolic link.
#ifndef DOTLOG_STATE_CACHE_PRUNE_H_
#define DOTLOG_STATE_CACHE_PRUNE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "dotlog/file_system.h"

namespace dotlog::state {

// The directories directly inside `root` (an absolute, normalised path)
// that are not named by, nor hold, nor lie inside any of `kept` (absolute,
// normalised paths), in name order. Entries that are not real directories
// (files, symbolic links) are never listed. A missing root lists nothing.
absl::StatusOr<std::vector<std::string>> UnnamedCacheDirs(
    FileSystem& fs, const std::string& root,
    const std::vector<std::string>& kept);

// Deletes `path` and everything under it without following any symbolic
// link: a link is removed as a link. Then syncs the parent directory.
absl::Status RemoveTree(FileSystem& fs, const std::string& path);

}  // namespace dotlog::state

#endif  // DOTLOG_STATE_CACHE_PRUNE_H_
