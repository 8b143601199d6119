// `dotlog watch`: following the store's changes until interrupted.
#ifndef DOTLOG_TOOLS_CLI_WATCH_H_
#define DOTLOG_TOOLS_CLI_WATCH_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "dotlog/change_feed.h"

namespace dotlog::cli {

// Appends the line to print for one change, ending in '\n'.
using LineFormat = std::function<void(const Change& change, std::string* out)>;

// Prints one line (`format`, e.g. AppendWatchLine of cli/status_line.h) per
// change committed to the store in `dir` (which must exist) to a key
// starting with `prefix` (with `exact`, to the key `prefix` only), by any
// process, flushed at once; with `initial`, first one "put" line per live
// matching key. Waits on inotify between reads. Never returns on success:
// SIGINT or SIGTERM end the process with exit code 0, between two lines.
absl::Status RunWatch(const std::string& dir, std::string_view prefix,
                      bool exact, bool initial, const LineFormat& format);

}  // namespace dotlog::cli

#endif  // DOTLOG_TOOLS_CLI_WATCH_H_
