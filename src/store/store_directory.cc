#include "store/store_directory.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace dotlog {

absl::Status CheckStoreDirectory(FileSystem* fs, const std::string& dir,
                                 std::string* read_only_because) {
  // "dir/." is the directory itself even when `dir` is a link to it.
  auto info = fs->Stat(absl::StrCat(dir, "/."));
  if (absl::IsUnimplemented(info.status())) return absl::OkStatus();
  if (!info.ok()) return info.status();
  if (info->type != FileInfo::Type::kDirectory) {
    return absl::FailedPreconditionError(
        absl::StrCat("store directory ", dir, " is not a directory"));
  }
  if ((info->mode & 022) != 0) {
    return absl::PermissionDeniedError(absl::StrFormat(
        "store directory %s is writable by %s (mode %04o), who could then "
        "replace its files with forged records; make it private: chmod "
        "go-w '%s'",
        dir, (info->mode & 002) != 0 ? "every user" : "its group",
        info->mode, dir));
  }
  const uint32_t user = fs->CurrentUser();
  if (info->owner != user && user != 0) {
    const absl::Status foreign = absl::PermissionDeniedError(absl::StrCat(
        "store directory ", dir, " belongs to user ", info->owner,
        ", not to you (user ", user,
        "), who could then replace its files; use a directory of your own, "
        "or have root give it to you: chown ",
        user, " '", dir, "'"));
    if (read_only_because == nullptr) return foreign;
    *read_only_because = std::string(foreign.message());
  }
  return absl::OkStatus();
}

absl::Status CheckStoreDirectoryExists(FileSystem* fs, const std::string& dir) {
  auto exists = fs->Exists(dir);
  if (!exists.ok()) return exists.status();
  if (!*exists) {
    return absl::NotFoundError(
        absl::StrCat("store directory ", dir, " does not exist"));
  }
  return absl::OkStatus();
}

}  // namespace dotlog
