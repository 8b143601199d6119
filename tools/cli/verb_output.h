// What the dotlog subcommands do, as functions that return the text to
// print; the rest of tools/cli parses arguments and prints.
#ifndef DOTLOG_TOOLS_CLI_VERB_OUTPUT_H_
#define DOTLOG_TOOLS_CLI_VERB_OUTPUT_H_

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "dotlog/stats.h"
#include "dotlog/store.h"
#include "dotlog/verify.h"

namespace dotlog::cli {

// set: the JSON text to store under `key` for a VALUE argument. Without
// `as_string`, `text` itself, which must be one JSON value (InvalidArgument
// naming `key` otherwise, hinting at --string when `text` does not look like an
// object, array or string); with it, a JSON string holding `text`, which must
// be valid UTF-8 (InvalidArgument otherwise).
absl::StatusOr<std::string> ValueToStore(std::string_view key,
                                         std::string_view text, bool as_string);

// get: what to print for `json`, a stored (minified) value, without the
// newline. With `raw`, a JSON string prints as its unescaped contents and
// any other value as JSON, like `jq -r`.
absl::StatusOr<std::string> ValueToPrint(std::string_view json, bool raw);

// del: deletes the keys that are present, in one atomic batch. Checks every
// key first: InvalidArgument, with nothing deleted, if one is not a valid
// key. Returns how many keys were present.
absl::StatusOr<size_t> DeleteKeys(Store& store,
                                  const std::vector<std::string>& keys);

// ls: the live keys that start with `prefix`, one per line in byte order;
// with `json`, one line holding the JSON object key -> value.
absl::StatusOr<std::string> ListText(Store& store, std::string_view prefix,
                                     bool json);

// ls -l: one line per live key that starts with `prefix`, in byte order:
// its expiry ("YYYY-MM-DDThh:mm:ss.mmmZ", UTC) or "never", padded to one
// width, two spaces, the key.
absl::StatusOr<std::string> LongListText(Store& store, std::string_view prefix);

// ttl: whole seconds until `key` expires, rounded up (so a live key never
// shows 0), or -1 if it never expires. NotFound if missing or expired.
absl::StatusOr<int64_t> SecondsToLive(
    Store& store, std::string_view key,
    std::chrono::system_clock::time_point now);

// history: the versions of `key` still in the log, newest first, at most
// `max_versions`, one JSON line each as `dotlog-dump --format history`
// prints them: {"seq":..,"ts":..,"op":"put","key":..,"value":..} or
// {"seq":..,"ts":..,"op":"del","key":..}. NotFound if there are none.
absl::StatusOr<std::string> HistoryText(Store& store, std::string_view key,
                                        size_t max_versions);

// stats: one "name: value" line per counter, or with `json` one object.
std::string StatsText(const Stats& stats, bool json);

// verify: one line per problem, errors first as "FILE:LINE: reason", then
// warnings as "FILE:LINE: warning: reason". Empty when there are none.
std::string ProblemsText(const VerifyReport& report);
// verify: the summary, e.g. "2 segments, 10 records: clean\n".
std::string VerifySummary(const VerifyReport& report);

}  // namespace dotlog::cli

#endif  // DOTLOG_TOOLS_CLI_VERB_OUTPUT_H_
