#include "state/settings_layers.h"

#include <string>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "util/closest_match.h"
#include "util/strings.h"

namespace dotlog::settings_internal {
namespace {

std::string FullName(std::string_view name) {
  return absl::StrCat("state_management.", AV(name));
}

// "<where>: state_management.<name>: <reason>".
absl::Status SettingError(std::string_view where, std::string_view name,
                          std::string_view reason) {
  return absl::InvalidArgumentError(
      absl::StrCat(AV(where), ": ", FullName(name), ": ", AV(reason)));
}

std::string DirName(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

std::optional<bool> ParseBool(std::string_view text) {
  const std::string t = absl::AsciiStrToLower(AV(text));
  if (t == "true" || t == "1" || t == "yes" || t == "on") return true;
  if (t == "false" || t == "0" || t == "no" || t == "off") return false;
  return std::nullopt;
}

}  // namespace

absl::StatusOr<std::string> SettingsLayers::ExpandPath(
    std::string value, const std::string& base_dir) const {
  std::string_view rest;
  bool home_relative = false;
  for (std::string_view lead : {"~", "$HOME", "${HOME}"}) {
    if (absl::StartsWith(value, AV(lead)) &&
        (value.size() == lead.size() || value[lead.size()] == '/')) {
      rest = std::string_view(value).substr(lead.size());
      home_relative = true;
      break;
    }
  }
  if (home_relative) {
    const char* home = getenv_("HOME");
    if (home == nullptr || *home != '/') {
      return absl::InvalidArgumentError(absl::StrCat(
          "\"", value, "\" starts with ~ or $HOME, but $HOME is not set to "
          "an absolute path"));
    }
    return absl::StrCat(home, AV(rest));
  }
  if (!value.empty() && value[0] != '/' && !base_dir.empty()) {
    return absl::StrCat(base_dir, "/", value);
  }
  return value;
}

absl::Status SettingsLayers::SetString(const SettingDef& def,
                                       std::string_view alias,
                                       std::string value,
                                       const std::string& base_dir,
                                       const std::string& origin) {
  if (absl::Status s = CheckString(def, value); !s.ok()) {
    return SettingError(origin, alias, SV(s.message()));
  }
  if (def.is_path) {
    absl::StatusOr<std::string> path = ExpandPath(std::move(value), base_dir);
    if (!path.ok()) return SettingError(origin, alias, SV(path.status().message()));
    value = *std::move(path);
    if (absl::EndsWith(value, ".db")) {
      return SettingError(
          origin, alias,
          absl::StrCat("\"", value, "\" names a database file, but a dotlog "
                       "store is a directory: set state_dir to a directory "
                       "(such as ~/.local/share/dotfiles/state), and bring "
                       "an old state.db over with `dotlog import FILE`"));
    }
  }
  settings_.*std::get<std::string Settings::*>(def.field) = std::move(value);
  origins_[std::string(def.name)] = origin;
  return absl::OkStatus();
}

absl::Status SettingsLayers::ApplyFile(
    const std::string& path, const std::vector<TomlSetting>& entries) {
  for (const TomlSetting& entry : entries) {
    if (entry.name == kHistory) {
      settings_.history = std::get<std::vector<HistoryRule>>(entry.value);
      origins_[std::string(kHistory)] = entry.where;
      continue;
    }
    const SettingDef* def = FindDef(entry.name);
    if (def == nullptr) {
      std::string warning = absl::StrCat(entry.where, ": unknown setting ",
                                         FullName(entry.name), ", ignored");
      const std::string guess = ClosestMatch(entry.name, KnownNames());
      if (!guess.empty()) {
        absl::StrAppend(&warning, " (did you mean ", FullName(guess), "?)");
      }
      warnings_.push_back(std::move(warning));
      continue;
    }
    const std::string expected =
        absl::StrCat("expected ", Expected(*def), ", got ", entry.type);
    if (auto* b = std::get_if<bool Settings::*>(&def->field)) {
      const bool* value = std::get_if<bool>(&entry.value);
      if (!entry.supported || value == nullptr) {
        return SettingError(entry.where, entry.name, expected);
      }
      settings_.*(*b) = *value;
    } else if (auto* i = std::get_if<int64_t Settings::*>(&def->field)) {
      const int64_t* value = std::get_if<int64_t>(&entry.value);
      if (!entry.supported || value == nullptr) {
        return SettingError(entry.where, entry.name, expected);
      }
      if (absl::Status s = CheckInt(*def, *value); !s.ok()) {
        return SettingError(entry.where, entry.name, SV(s.message()));
      }
      settings_.*(*i) = *value;
    } else if (auto* list = std::get_if<std::vector<std::string> Settings::*>(
                   &def->field)) {
      const auto* value = std::get_if<std::vector<std::string>>(&entry.value);
      if (!entry.supported || value == nullptr) {
        return SettingError(entry.where, entry.name, expected);
      }
      for (const std::string& item : *value) {
        if (absl::Status s = CheckString(*def, item); !s.ok()) {
          return SettingError(entry.where, entry.name, SV(s.message()));
        }
      }
      settings_.*(*list) = *value;
    } else {
      const std::string* value = std::get_if<std::string>(&entry.value);
      if (!entry.supported || value == nullptr) {
        return SettingError(entry.where, entry.name, expected);
      }
      absl::Status s =
          SetString(*def, entry.name, *value, DirName(path), entry.where);
      if (!s.ok()) return s;
      continue;
    }
    origins_[std::string(def->name)] = entry.where;
  }
  return absl::OkStatus();
}

absl::Status SettingsLayers::ApplyText(const SettingDef& def,
                                       std::string_view alias,
                                       std::string_view text,
                                       const std::string& origin) {
  if (std::holds_alternative<std::string Settings::*>(def.field)) {
    return SetString(def, alias, std::string(text), "", origin);
  }
  if (auto* list =
          std::get_if<std::vector<std::string> Settings::*>(&def.field)) {
    // A list as text: comma-separated, spaces around items dropped.
    std::vector<std::string> items;
    for (absl::string_view item : absl::StrSplit(AV(text), ',')) {
      item = absl::StripAsciiWhitespace(item);
      if (item.empty()) continue;
      if (absl::Status s = CheckString(def, SV(item)); !s.ok()) {
        return SettingError(origin, alias, SV(s.message()));
      }
      items.emplace_back(item);
    }
    settings_.*(*list) = std::move(items);
    origins_[std::string(def.name)] = origin;
    return absl::OkStatus();
  }
  if (auto* b = std::get_if<bool Settings::*>(&def.field)) {
    const std::optional<bool> value = ParseBool(text);
    if (!value.has_value()) {
      return SettingError(origin, alias,
                          absl::StrCat("\"", AV(text), "\" is not true or false"));
    }
    settings_.*(*b) = *value;
  } else {
    int64_t value = 0;
    if (!absl::SimpleAtoi(AV(text), &value)) {
      return SettingError(origin, alias,
                          absl::StrCat("\"", AV(text), "\" is not ",
                                       Expected(def)));
    }
    if (absl::Status s = CheckInt(def, value); !s.ok()) {
      return SettingError(origin, alias, SV(s.message()));
    }
    settings_.*std::get<int64_t Settings::*>(def.field) = value;
  }
  origins_[std::string(def.name)] = origin;
  return absl::OkStatus();
}

LoadedSettings SettingsLayers::Finish() && {
  LoadedSettings out;
  for (const SettingDef& def : Defs()) {
    auto origin = origins_.find(def.name);
    out.values.push_back(
        {.name = std::string(def.name),
         .value = Show(settings_, def),
         .origin = origin == origins_.end() ? "default" : origin->second});
  }
  auto origin = origins_.find(kHistory);
  out.values.push_back(
      {.name = std::string(kHistory),
       .value = ShowHistory(settings_.history),
       .origin = origin == origins_.end() ? "default" : origin->second});
  out.settings = std::move(settings_);
  out.warnings = std::move(warnings_);
  return out;
}

}  // namespace dotlog::settings_internal
