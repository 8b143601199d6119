// The table of settings under [state_management]: each one's name, type,
// range, environment variable and place in Settings, and the conversions
// between a setting and text.
#ifndef DOTLOG_STATE_SETTING_DEFS_H_
#define DOTLOG_STATE_SETTING_DEFS_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "dotlog/state/settings.h"

namespace dotlog::settings_internal {

// A field of Settings.
using Field = std::variant<bool Settings::*, int64_t Settings::*,
                           std::string Settings::*,
                           std::vector<std::string> Settings::*>;

struct SettingDef {
  std::string_view name;  // dotted under state_management
  Field field;
  std::string_view env;   // the environment variable; "" if none
  int64_t min = 0;        // integers: the accepted range
  int64_t max = 0;
  std::vector<std::string_view> choices = {};  // strings: accepted values
  bool is_path = false;   // strings: `~` and `$HOME` are expanded
  bool is_secret = false;  // strings: shown as "********" when set
};

// Every setting, in the order `dotlog config` prints them. db_path is an
// alias of state_dir and is not listed here (see kDbPathAlias).
std::span<const SettingDef> Defs();
inline constexpr std::string_view kDbPathAlias = "db_path";
inline constexpr std::string_view kHistory = "history";

// The definition named `name` (db_path gives state_dir's), or nullptr.
const SettingDef* FindDef(std::string_view name);

// Every name a file may use under [state_management], for suggestions.
std::vector<std::string> KnownNames();

// What the setting expects, for messages: "an integer from 1 to 36500",
// "one of \"file\", \"hybrid\"", "true or false", "a path", "a list of
// strings".
std::string Expected(const SettingDef& def);

// Checks `value` against the definition's range or choices.
// InvalidArgument "<what> is not <Expected>" otherwise.
absl::Status CheckInt(const SettingDef& def, int64_t value);
absl::Status CheckString(const SettingDef& def, std::string_view value);

// The setting's current value as JSON text, which for a boolean, an
// integer, a string or a list of strings is also how TOML writes it. History rules are a JSON
// array of {"prefix", "keep_versions", "keep_days"} objects.
std::string Show(const Settings& settings, const SettingDef& def);
std::string ShowHistory(const std::vector<HistoryRule>& rules);

}  // namespace dotlog::settings_internal

#endif  // DOTLOG_STATE_SETTING_DEFS_H_
