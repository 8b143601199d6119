#include "dotlog/state/settings.h"

#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "dotlog/file_system.h"
#include "state/setting_defs.h"
#include "state/settings_layers.h"
#include "state/settings_toml.h"
#include "util/closest_match.h"
#include "util/strings.h"

namespace dotlog {
namespace {

using settings_internal::SettingsLayers;

// Settings files are small; anything larger is not one.
constexpr uint64_t kMaxSettingsBytes = 1 << 20;

absl::StatusOr<std::string> ReadSettingsFile(FileSystem& fs,
                                             const std::string& path) {
  absl::StatusOr<std::unique_ptr<ReadableFile>> file =
      fs.OpenReadableFile(path);
  if (!file.ok()) {
    return absl::Status(file.status().code(),
                        absl::StrCat("settings file ", path, ": ",
                                     file.status().message()));
  }
  absl::StatusOr<uint64_t> size = (*file)->Size();
  if (!size.ok()) return size.status();
  if (*size > kMaxSettingsBytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "settings file ", path, ": ", *size, " bytes, more than the ",
        kMaxSettingsBytes, " a settings file may have"));
  }
  std::string text(*size, '\0');
  size_t done = 0;
  while (done < text.size()) {
    absl::StatusOr<size_t> n =
        (*file)->ReadAt(done, text.data() + done, text.size() - done);
    if (!n.ok()) return n.status();
    if (*n == 0) break;  // shrank meanwhile
    done += *n;
  }
  text.resize(done);
  return text;
}

// The files to read: the ones given, else $DOTFILES_SETTINGS, else the
// user's settings.toml when it exists.
absl::StatusOr<std::vector<std::string>> SettingsFiles(
    const SettingsSources& sources, FileSystem& fs,
    const std::function<const char*(const char*)>& getenv) {
  if (!sources.files.empty()) return sources.files;
  if (const char* list = getenv("DOTFILES_SETTINGS"); list && *list) {
    return std::vector<std::string>(absl::StrSplit(list, ':',
                                                   absl::SkipEmpty()));
  }
  std::string config;
  if (const char* xdg = getenv("XDG_CONFIG_HOME"); xdg && *xdg == '/') {
    config = xdg;
  } else if (const char* home = getenv("HOME"); home && *home == '/') {
    config = absl::StrCat(home, "/.config");
  } else {
    return std::vector<std::string>();
  }
  const std::string path = absl::StrCat(config, "/dotfiles/settings.toml");
  absl::StatusOr<bool> exists = fs.Exists(path);
  // A user's own file that this process may not even look at (another
  // user's $HOME, as when root's environment runs a tool as nobody) is not
  // this process's settings.
  if (absl::IsPermissionDenied(exists.status())) return std::vector<std::string>();
  if (!exists.ok()) return exists.status();
  if (!*exists) return std::vector<std::string>();
  return std::vector<std::string>{path};
}

std::function<const char*(const char*)> GetenvOrDefault(
    const std::function<const char*(const char*)>& getenv) {
  if (getenv) return getenv;
  return [](const char* name) -> const char* { return std::getenv(name); };
}

}  // namespace

absl::StatusOr<LoadedSettings> LoadSettings(const SettingsSources& sources) {
  const auto getenv = GetenvOrDefault(sources.getenv);
  FileSystem& fs = sources.file_system != nullptr ? *sources.file_system
                                                  : *DefaultFileSystem();
  SettingsLayers layers(getenv);

  absl::StatusOr<std::vector<std::string>> files =
      SettingsFiles(sources, fs, getenv);
  if (!files.ok()) return files.status();
  for (const std::string& path : *files) {
    absl::StatusOr<std::string> text = ReadSettingsFile(fs, path);
    if (!text.ok()) return text.status();
    auto entries = settings_internal::ReadSettingsToml(path, *text);
    if (!entries.ok()) return entries.status();
    if (absl::Status s = layers.ApplyFile(path, *entries); !s.ok()) return s;
  }

  for (const settings_internal::SettingDef& def : settings_internal::Defs()) {
    const char* value = getenv(std::string(def.env).c_str());
    if (value == nullptr || *value == '\0') continue;
    absl::Status s = layers.ApplyText(def, def.name, value,
                                      absl::StrCat("env ", AV(def.env)));
    if (!s.ok()) return s;
  }

  for (const auto& [name, value] : sources.overrides) {
    const settings_internal::SettingDef* def =
        settings_internal::FindDef(name);
    if (def == nullptr) {
      std::string message = absl::StrCat("unknown setting \"", name, "\"");
      const std::string guess =
          ClosestMatch(name, settings_internal::KnownNames());
      if (!guess.empty()) absl::StrAppend(&message, " (did you mean ", guess, "?)");
      return absl::InvalidArgumentError(message);
    }
    absl::Status s = layers.ApplyText(*def, name, value, "command line");
    if (!s.ok()) return s;
  }
  return std::move(layers).Finish();
}

absl::StatusOr<std::string> StateDirectory(
    const Settings& settings,
    const std::function<const char*(const char*)>& getenv_fn) {
  if (!settings.state_dir.empty()) return settings.state_dir;
  const auto getenv = GetenvOrDefault(getenv_fn);
  if (const char* xdg = getenv("XDG_DATA_HOME"); xdg && *xdg == '/') {
    return absl::StrCat(xdg, "/dotfiles/state");
  }
  if (const char* home = getenv("HOME"); home && *home == '/') {
    return absl::StrCat(home, "/.local/share/dotfiles/state");
  }
  return absl::InvalidArgumentError(
      "no store directory: neither $XDG_DATA_HOME nor $HOME is set to an "
      "absolute path; set state_dir or pass --dir");
}

StateOptions ToStateOptions(const Settings& settings) {
  constexpr auto kDay = std::chrono::hours(24);
  StateOptions options;
  options.cache_ttl = settings.wallpaper_cache_ttl_days * kDay;
  options.recent_limit = static_cast<size_t>(settings.recent_limit);
  options.event_max_count = static_cast<size_t>(settings.event_max_count);
  options.event_max_age = settings.event_max_age_days * kDay;
  options.auto_cleanup = settings.auto_cleanup_enabled;
  options.cleanup_interval = settings.cleanup_interval_days * kDay;
  options.store.sync =
      settings.sync == "none" ? SyncMode::kNone : SyncMode::kAlways;
  options.store.lock_timeout =
      std::chrono::milliseconds(settings.lock_timeout_ms);
  options.store.history = settings.history;
  return options;
}

}  // namespace dotlog
