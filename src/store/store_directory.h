// Checks on the directory a store lives in, made before anything in it is
// opened.
#ifndef DOTLOG_STORE_STORE_DIRECTORY_H_
#define DOTLOG_STORE_STORE_DIRECTORY_H_

#include <string>

#include "absl/status/status.h"
#include "dotlog/file_system.h"

namespace dotlog {

// OK if `dir` (a symbolic link to a directory counts as the directory) is
// a directory that only its owner can write to, and that owner is the
// current user or the current user is root; as ssh does with its keys.
// Anyone else who can write there could replace a segment with forged
// records, whose checksums anybody can compute. PermissionDenied otherwise,
// with the command that fixes it; FailedPrecondition if `dir` is not a
// directory. OK without a check for a file system that cannot Stat.
//
// A directory that only another user can write to may still be read (a
// backup copy, another user's store): with `read_only_because` not null,
// that case is OK and `*read_only_because` receives why it may not be
// written, with the chown that would fix it.
absl::Status CheckStoreDirectory(FileSystem* fs, const std::string& dir,
                                 std::string* read_only_because = nullptr);

// OK if `dir` exists on `fs`. NotFound ("store directory <dir> does not
// exist") if it does not; the file system's error if it cannot tell. For
// the readers of a store's files that must not create it.
absl::Status CheckStoreDirectoryExists(FileSystem* fs, const std::string& dir);

}  // namespace dotlog

#endif  // DOTLOG_STORE_STORE_DIRECTORY_H_
