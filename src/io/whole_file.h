// Reading a whole file through a FileSystem.
#ifndef DOTLOG_IO_WHOLE_FILE_H_
#define DOTLOG_IO_WHOLE_FILE_H_

#include <string>

#include "absl/status/statusor.h"
#include "dotlog/file_system.h"

namespace dotlog {

// The content of the file at `path` (as far as it goes when read). The
// file system's errors (NotFound if it is absent).
absl::StatusOr<std::string> ReadWholeFile(FileSystem* fs,
                                          const std::string& path);

}  // namespace dotlog

#endif  // DOTLOG_IO_WHOLE_FILE_H_
