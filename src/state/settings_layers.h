// Settings being assembled from their sources, one layer over another: each
// value with the place it came from.
#ifndef DOTLOG_STATE_SETTINGS_LAYERS_H_
#define DOTLOG_STATE_SETTINGS_LAYERS_H_

#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "dotlog/state/settings.h"
#include "state/setting_defs.h"
#include "state/settings_toml.h"

namespace dotlog::settings_internal {

class SettingsLayers {
 public:
  explicit SettingsLayers(std::function<const char*(const char*)> getenv)
      : getenv_(std::move(getenv)) {}

  // Applies the settings of file `path` (as ReadSettingsToml found them).
  // InvalidArgument naming PATH:LINE:COLUMN, the key and what was expected;
  // unknown names become warnings.
  absl::Status ApplyFile(const std::string& path,
                         const std::vector<TomlSetting>& entries);
  // Sets the setting `def` from text (an environment variable's value or a
  // command-line flag's), recording `origin`. `alias` is the name used.
  absl::Status ApplyText(const SettingDef& def, std::string_view alias,
                         std::string_view text, const std::string& origin);

  // The result: settings, each value's origin, and the warnings.
  LoadedSettings Finish() &&;

 private:
  // Sets a string setting after checking it; paths are expanded first,
  // relative ones against `base_dir` when it is not empty.
  absl::Status SetString(const SettingDef& def, std::string_view alias,
                         std::string value, const std::string& base_dir,
                         const std::string& origin);
  absl::StatusOr<std::string> ExpandPath(std::string value,
                                         const std::string& base_dir) const;

  std::function<const char*(const char*)> getenv_;
  Settings settings_;
  std::map<std::string, std::string, std::less<>> origins_;
  std::vector<std::string> warnings_;
};

}  // namespace dotlog::settings_internal

#endif  // DOTLOG_STATE_SETTINGS_LAYERS_H_
