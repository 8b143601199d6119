// A wallpaper file's fingerprint and path normalisation, through a
// FileSystem.
#ifndef DOTLOG_STATE_WALLPAPER_FILE_H_
#define DOTLOG_STATE_WALLPAPER_FILE_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "dotlog/file_system.h"

namespace dotlog::state {

// XXH3-64 (seed 0, as record checksums) of the whole content of the file
// at `path`, read a piece at a time.
absl::StatusOr<uint64_t> HashFile(FileSystem& fs, const std::string& path);

// `path` made absolute and lexically clean: "~" and "~/..." expanded with
// `home` (a "~name" prefix must have been expanded by the caller), a relative path joined to `cwd`, then "." and ".." and repeated
// '/' removed ("/.." is "/"). InvalidArgument, naming `field`, if `path` is
// empty, holds a NUL byte or is not valid UTF-8, or needs a `home` or `cwd`
// that is empty or relative.
absl::StatusOr<std::string> AbsolutePath(std::string_view field,
                                         std::string_view path,
                                         std::string_view home,
                                         std::string_view cwd);

// AbsolutePath with $HOME (or, for "~name/...", the home directory of user
// `name`) and the working directory. No file-system access.
absl::StatusOr<std::string> LexicalPath(std::string_view field,
                                        std::string_view path);

// LexicalPath, then symlinks resolved through `fs` when the path exists
// (left as is when it does not or cannot be resolved).
absl::StatusOr<std::string> NormalizePath(FileSystem& fs,
                                          std::string_view field,
                                          std::string_view path);

}  // namespace dotlog::state

#endif  // DOTLOG_STATE_WALLPAPER_FILE_H_
