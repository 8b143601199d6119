// Reading the [state_management] table of a settings file (TOML).
#ifndef DOTLOG_STATE_SETTINGS_TOML_H_
#define DOTLOG_STATE_SETTINGS_TOML_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"
#include "dotlog/options.h"

namespace dotlog::settings_internal {

// One key found under [state_management], with its value as TOML typed it.
struct TomlSetting {
  std::string name;   // dotted below state_management: "cache.ttl"
  std::string where;  // "PATH:LINE:COLUMN" of the value
  // The value; `type` names its TOML type for messages ("a string").
  std::variant<bool, int64_t, std::string, std::vector<HistoryRule>,
               std::vector<std::string>>
      value;
  std::string type;
  bool supported = true;  // false: a float, date, table, or an array of
                          // other than strings; `value` is unset
};

// The settings in the TOML document `text` (read from `path`), in file
// order: the keys of [state_management] and of its sub-tables cache,
// cleanup and redis_backend, and the [[state_management.history]] rules as one entry named
// "history". Other tables are not read. InvalidArgument "PATH:LINE:COLUMN:
// <reason>" if the text is not TOML, if state_management is not a table, or
// if a history rule is malformed.
absl::StatusOr<std::vector<TomlSetting>> ReadSettingsToml(
    const std::string& path, std::string_view text);

}  // namespace dotlog::settings_internal

#endif  // DOTLOG_STATE_SETTINGS_TOML_H_
