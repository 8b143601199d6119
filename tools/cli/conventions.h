// Command-line conventions shared by the dotlog tools: exit codes, error
// lines, durations and the default store directory.
#ifndef DOTLOG_TOOLS_CLI_CONVENTIONS_H_
#define DOTLOG_TOOLS_CLI_CONVENTIONS_H_

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

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
// InvalidArgument otherwise (empty, negative, a fraction, a missing or
// unknown unit), or if it exceeds 100 years; the message quotes `text`,
// says what is wrong with it and what is accepted.
absl::StatusOr<std::chrono::milliseconds> ParseDuration(std::string_view text);

// "1 key", "2 keys", "0 batches": `n` and `noun` (singular), plural unless
// `n` is 1 (nouns ending in s, x, ch or sh take "es").
std::string Plural(uint64_t n, std::string_view noun);

// Parses `text` as a decimal integer in [min, max]. InvalidArgument naming
// `what` (e.g. "BY") and the accepted range otherwise.
absl::StatusOr<int64_t> ParseInteger(std::string_view what,
                                     std::string_view text, int64_t min,
                                     int64_t max);

// The name in `names` closest to `word` (fewest single-character edits,
// a swap of neighbours counting as one), if it is close enough to be a
// likely typo: at most 2 edits and fewer than `word` has characters.
std::optional<std::string> ClosestName(std::string_view word,
                                       const std::vector<std::string>& names);

}  // namespace dotlog::cli

#endif  // DOTLOG_TOOLS_CLI_CONVENTIONS_H_
