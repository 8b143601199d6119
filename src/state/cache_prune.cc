#include "state/cache_prune.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace dotlog::state {
namespace {

// True if `a` is `b` or lies inside it.
bool Within(const std::string& a, const std::string& b) {
  return a == b || (a.size() > b.size() && a.starts_with(b) &&
                    (b.ends_with('/') || a[b.size()] == '/'));
}

absl::Status RemoveTreeNoSync(FileSystem& fs, const std::string& path) {
  // Stat does not follow a link in the last component: a link is removed
  // as a link, never entered.
  absl::StatusOr<FileInfo> info = fs.Stat(path);
  if (absl::IsNotFound(info.status())) return absl::OkStatus();
  if (!info.ok()) return info.status();
  if (info->type != FileInfo::Type::kDirectory) {
    absl::Status s = fs.Remove(path);
    return absl::IsNotFound(s) ? absl::OkStatus() : s;
  }
  absl::StatusOr<std::vector<std::string>> names = fs.ListDir(path);
  if (!names.ok()) return names.status();
  for (const std::string& name : *names) {
    absl::Status s = RemoveTreeNoSync(fs, absl::StrCat(path, "/", name));
    if (!s.ok()) return s;
  }
  // The POSIX Remove removes an empty directory too.
  absl::Status s = fs.Remove(path);
  return absl::IsNotFound(s) ? absl::OkStatus() : s;
}

}  // namespace

absl::StatusOr<std::vector<std::string>> UnnamedCacheDirs(
    FileSystem& fs, const std::string& root,
    const std::vector<std::string>& kept) {
  std::vector<std::string> found;
  absl::StatusOr<FileInfo> root_info = fs.Stat(root);
  if (absl::IsNotFound(root_info.status())) return found;
  if (!root_info.ok()) return root_info.status();
  if (root_info->type != FileInfo::Type::kDirectory) return found;
  // An entry naming the root itself, or a directory above it, keeps all.
  for (const std::string& k : kept) {
    if (Within(root, k)) return found;
  }
  absl::StatusOr<std::vector<std::string>> names = fs.ListDir(root);
  if (!names.ok()) return names.status();
  std::sort(names->begin(), names->end());
  for (const std::string& name : *names) {
    const std::string path = absl::StrCat(root, "/", name);
    absl::StatusOr<FileInfo> info = fs.Stat(path);
    if (absl::IsNotFound(info.status())) continue;
    if (!info.ok()) return info.status();
    if (info->type != FileInfo::Type::kDirectory) continue;
    const bool named = std::any_of(
        kept.begin(), kept.end(),
        [&](const std::string& k) { return Within(k, path); });
    if (!named) found.push_back(path);
  }
  return found;
}

absl::Status RemoveTree(FileSystem& fs, const std::string& path) {
  if (absl::Status s = RemoveTreeNoSync(fs, path); !s.ok()) return s;
  const size_t slash = path.rfind('/');
  return fs.SyncDir(slash == 0 ? "/" : path.substr(0, slash));
}

}  // namespace dotlog::state
