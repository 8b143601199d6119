// History rules kept in the store itself, so that every process that
// compacts (a daemon, a one-shot `dotlog compact`) keeps the same versions.
#ifndef DOTLOG_STORE_HISTORY_RULES_H_
#define DOTLOG_STORE_HISTORY_RULES_H_

#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "dotlog/options.h"

namespace dotlog {

// The key whose value holds the store's rules: a JSON array of objects
// {"prefix":"wallpaper/current/","keep_versions":20,"keep_for_seconds":86400}
// (the two numbers optional, 0 by default).
inline constexpr std::string_view kHistoryRulesKey = ".dotlog/history";

// Parses such a value. InvalidArgument naming the key, the rule and the
// field at fault; an unknown field is refused, since a misspelt one would
// silently keep nothing.
absl::StatusOr<std::vector<HistoryRule>> ParseHistoryRules(std::string_view json);

}  // namespace dotlog

#endif  // DOTLOG_STORE_HISTORY_RULES_H_
