// Command-line conventions shared by the dotlog tools: exit codes, error
// lines, durations and the default store directory.
#ifndef DOTLOG_TOOLS_LIB_CLI_SUPPORT_H_
#define DOTLOG_TOOLS_LIB_CLI_SUPPORT_H_

#include <chrono>
#include <functional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace dotlog::cli {

// The exit codes of every dotlog tool.
inline constexpr int kExitOk = 0;
inline constexpr int kExitNotFound = 1;    // key missing or expired
inline constexpr int kExitUsage = 2;       // usage error or bad input
inline constexpr int kExitStoreError = 3;  // I/O, damage, lock timeout

// The one mapping from a status to an exit code: OK 0; NotFound 1;
// InvalidArgument, OutOfRange and FailedPrecondition (a value that is not
// an integer for incr) 2; anything else 3.
int ExitCodeFor(const absl::Status& status);

// Re-codes a failure to open or read the store itself as a store error
// (exit 3), keeping its message: a missing directory's NotFound is not a
// missing key. InvalidArgument (such as an empty --dir) stays a usage error.
absl::Status AsStoreError(const absl::Status& status);

// "<program>: <message>" as one line: control characters become spaces.
std::string ErrorLine(std::string_view program, std::string_view message);

// Parses a duration: one or more terms of a non-negative integer and a
// unit s, m, h or d ("90s", "15m", "12h", "30d", "1h30m", "0s").
// InvalidArgument otherwise, or if it exceeds 100 years.
absl::StatusOr<std::chrono::milliseconds> ParseDuration(std::string_view text);

// The default store directory: $XDG_DATA_HOME/dotfiles/state when that
// variable is an absolute path, else $HOME/.local/share/dotfiles/state.
// `getenv` returns a variable's value or nullptr. InvalidArgument when
// neither variable helps.
absl::StatusOr<std::string> DefaultStoreDir(
    const std::function<const char*(const char*)>& getenv);

}  // namespace dotlog::cli

#endif  // DOTLOG_TOOLS_LIB_CLI_SUPPORT_H_
