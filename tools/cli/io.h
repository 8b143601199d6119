// Standard input, files and standard output for the dotlog tools.
#ifndef DOTLOG_TOOLS_CLI_IO_H_
#define DOTLOG_TOOLS_CLI_IO_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace dotlog::cli {

// The whole content of the file at `path`, or of standard input for "-".
// InvalidArgument (bad input, exit 2) if it cannot be read.
absl::StatusOr<std::string> ReadInput(const std::string& path);

// Writes `text` to standard output and flushes it at once.
absl::Status WriteStdout(std::string_view text);
// Writes `text` to standard error.
void WriteStderr(std::string_view text);

}  // namespace dotlog::cli

#endif  // DOTLOG_TOOLS_CLI_IO_H_
