#include "state/setting_defs.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "format/json_text.h"
#include "util/strings.h"

namespace dotlog::settings_internal {
namespace {

constexpr int64_t kDaysMax = 36500;  // 100 years, as dotlog's durations

const std::vector<SettingDef>& Table() {
  static const auto* table = new std::vector<SettingDef>{
      {.name = "enabled", .field = &Settings::enabled, .env = "DOTLOG_ENABLED"},
      {.name = "backend",
       .field = &Settings::backend,
       .env = "DOTLOG_BACKEND",
       .choices = {"file", "hybrid"}},
      {.name = "state_dir",
       .field = &Settings::state_dir,
       .env = "DOTLOG_DIR",
       .is_path = true},
      {.name = "sync",
       .field = &Settings::sync,
       .env = "DOTLOG_SYNC",
       .choices = {"always", "none"}},
      {.name = "lock_timeout_ms",
       .field = &Settings::lock_timeout_ms,
       .env = "DOTLOG_LOCK_TIMEOUT_MS",
       .min = 0,
       .max = 3600 * 1000},
      {.name = "recent_limit",
       .field = &Settings::recent_limit,
       .env = "DOTLOG_RECENT_LIMIT",
       .min = 1,
       .max = 100000},
      {.name = "event_max_count",
       .field = &Settings::event_max_count,
       .env = "DOTLOG_EVENT_MAX_COUNT",
       .min = 1,
       .max = 100000000},
      {.name = "event_max_age_days",
       .field = &Settings::event_max_age_days,
       .env = "DOTLOG_EVENT_MAX_AGE_DAYS",
       .min = 1,
       .max = kDaysMax},
      {.name = "cache.wallpaper_cache_enabled",
       .field = &Settings::wallpaper_cache_enabled,
       .env = "DOTLOG_WALLPAPER_CACHE_ENABLED"},
      {.name = "cache.wallpaper_cache_ttl_days",
       .field = &Settings::wallpaper_cache_ttl_days,
       .env = "DOTLOG_WALLPAPER_CACHE_TTL_DAYS",
       .min = 1,
       .max = kDaysMax},
      {.name = "cleanup.auto_cleanup_enabled",
       .field = &Settings::auto_cleanup_enabled,
       .env = "DOTLOG_AUTO_CLEANUP_ENABLED"},
      {.name = "cleanup.cleanup_interval_days",
       .field = &Settings::cleanup_interval_days,
       .env = "DOTLOG_CLEANUP_INTERVAL_DAYS",
       .min = 1,
       .max = kDaysMax},
      {.name = "cleanup.effects_cache_root",
       .field = &Settings::effects_cache_root,
       .env = "DOTLOG_EFFECTS_CACHE_ROOT",
       .is_path = true},
      {.name = "cleanup.colorscheme_cache_root",
       .field = &Settings::colorscheme_cache_root,
       .env = "DOTLOG_COLORSCHEME_CACHE_ROOT",
       .is_path = true},
      {.name = "redis_backend.enabled",
       .field = &Settings::redis_enabled,
       .env = "DOTLOG_REDIS_ENABLED"},
      {.name = "redis_backend.host",
       .field = &Settings::redis_host,
       .env = "DOTLOG_REDIS_HOST"},
      {.name = "redis_backend.port",
       .field = &Settings::redis_port,
       .env = "DOTLOG_REDIS_PORT",
       .min = 1,
       .max = 65535},
      {.name = "redis_backend.db",
       .field = &Settings::redis_db,
       .env = "DOTLOG_REDIS_DB",
       .min = 0,
       .max = 1 << 20},
      {.name = "redis_backend.user",
       .field = &Settings::redis_user,
       .env = "DOTLOG_REDIS_USER"},
      {.name = "redis_backend.password",
       .field = &Settings::redis_password,
       .env = "DOTLOG_REDIS_PASSWORD",
       .is_secret = true},
      {.name = "redis_backend.machine_name",
       .field = &Settings::machine_name,
       .env = "DOTLOG_MACHINE"},
      {.name = "redis_backend.stream",
       .field = &Settings::redis_stream,
       .env = "DOTLOG_REDIS_STREAM"},
      {.name = "redis_backend.stream_maxlen",
       .field = &Settings::redis_stream_maxlen,
       .env = "DOTLOG_REDIS_STREAM_MAXLEN",
       .min = 0,
       .max = int64_t{1} << 40},
      {.name = "redis_backend.shared",
       .field = &Settings::shared,
       .env = "DOTLOG_SHARED"},
  };
  return *table;
}

std::string Quoted(std::string_view text) {
  std::string out;
  AppendJsonString(&out, text);
  return out;
}

}  // namespace

std::span<const SettingDef> Defs() { return Table(); }

const SettingDef* FindDef(std::string_view name) {
  if (name == kDbPathAlias) name = "state_dir";
  for (const SettingDef& def : Table()) {
    if (def.name == name) return &def;
  }
  return nullptr;
}

std::vector<std::string> KnownNames() {
  std::vector<std::string> names;
  for (const SettingDef& def : Table()) names.emplace_back(def.name);
  names.emplace_back(kDbPathAlias);
  names.emplace_back(kHistory);
  return names;
}

std::string Expected(const SettingDef& def) {
  if (std::holds_alternative<bool Settings::*>(def.field)) {
    return "true or false";
  }
  if (std::holds_alternative<int64_t Settings::*>(def.field)) {
    return absl::StrCat("an integer from ", def.min, " to ", def.max);
  }
  if (std::holds_alternative<std::vector<std::string> Settings::*>(
          def.field)) {
    return "a list of strings";
  }
  if (def.is_path) return "a path (a string)";
  std::vector<std::string> quoted;
  for (std::string_view choice : def.choices) quoted.push_back(Quoted(choice));
  return absl::StrCat("one of ", absl::StrJoin(quoted, ", "));
}

absl::Status CheckInt(const SettingDef& def, int64_t value) {
  if (value >= def.min && value <= def.max) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat(value, " is not ", Expected(def)));
}

absl::Status CheckString(const SettingDef& def, std::string_view value) {
  if (!IsValidUtf8(value)) {
    return absl::InvalidArgumentError("the value is not valid UTF-8");
  }
  if (def.is_path && value.empty()) {
    return absl::InvalidArgumentError("the path is empty");
  }
  if (def.choices.empty()) return absl::OkStatus();
  for (std::string_view choice : def.choices) {
    if (choice == value) return absl::OkStatus();
  }
  return absl::InvalidArgumentError(
      absl::StrCat(Quoted(value), " is not ", Expected(def)));
}

std::string Show(const Settings& settings, const SettingDef& def) {
  if (auto* b = std::get_if<bool Settings::*>(&def.field)) {
    return settings.*(*b) ? "true" : "false";
  }
  if (auto* i = std::get_if<int64_t Settings::*>(&def.field)) {
    return absl::StrCat(settings.*(*i));
  }
  if (auto* list = std::get_if<std::vector<std::string> Settings::*>(
          &def.field)) {
    std::vector<std::string> quoted;
    for (const std::string& item : settings.*(*list)) {
      quoted.push_back(Quoted(item));
    }
    return absl::StrCat("[", absl::StrJoin(quoted, ","), "]");
  }
  const std::string& value =
      settings.*std::get<std::string Settings::*>(def.field);
  return Quoted(def.is_secret && !value.empty() ? "********" : value);
}

std::string ShowHistory(const std::vector<HistoryRule>& rules) {
  std::vector<std::string> parts;
  for (const HistoryRule& rule : rules) {
    const auto days =
        std::chrono::duration_cast<std::chrono::hours>(rule.keep_for).count() /
        24;
    parts.push_back(absl::StrCat("{\"prefix\":", Quoted(rule.prefix),
                                 ",\"keep_versions\":", rule.keep_versions,
                                 ",\"keep_days\":", days, "}"));
  }
  return absl::StrCat("[", absl::StrJoin(parts, ","), "]");
}

}  // namespace dotlog::settings_internal
