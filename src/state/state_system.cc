// StateManager: the colour scheme, the last backup and components' health.
#include <utility>

#include "dotlog/state/state_manager.h"
#include "format/json_text.h"
#include "state/state_json.h"
#include "state/state_keys.h"
#include "state/state_store.h"
#include "util/enum_names.h"

namespace dotlog {

using state::Cat;
using state::TimePoint;

namespace {

// Every health status with the name that HealthStatusName gives and
// ParseHealthStatus reads.
constexpr EnumNames<HealthStatus, 3> kHealthStatusNames = {
    {HealthStatus::kOk, "ok"},
    {HealthStatus::kDegraded, "degraded"},
    {HealthStatus::kFailed, "failed"},
};

}  // namespace

std::string_view HealthStatusName(HealthStatus status) {
  return NameOf(kHealthStatusNames, status);
}

absl::StatusOr<HealthStatus> ParseHealthStatus(std::string_view name) {
  if (auto status = ValueOf(kHealthStatusNames, name)) return *status;
  return absl::InvalidArgumentError(
      Cat("health status ", state::JsonString(name),
          ": must be \"ok\", \"degraded\" or \"failed\""));
}

namespace {

// Reads the object stored under `key` and hands it to `decode`. NotFound,
// saying `what` was never set, when the key is absent.
template <typename T, typename Decode>
absl::StatusOr<T> ReadStored(Store& store, std::string_view key,
                             std::string_view what, Decode decode) {
  return state::GetDecoded<T>(store, key, Cat(what, ": none recorded"),
                              [&](std::string_view key, std::string_view json) {
                                return state::DecodeStored<T>(key, json,
                                                              decode);
                              });
}

absl::StatusOr<Health> DecodeHealthObject(std::string_view key,
                                          const state::JsonObject& o) {
  Health h;
  absl::StatusOr<std::string> component = state::GetString(o, key, "component");
  absl::StatusOr<std::string> status = state::GetString(o, key, "status");
  absl::StatusOr<TimePoint> at = state::GetTime(o, key, "checked_at");
  absl::StatusOr<std::string> message = state::GetString(o, key, "message");
  for (const absl::Status& s :
       {component.status(), status.status(), at.status(), message.status()}) {
    if (!s.ok()) return s;
  }
  absl::StatusOr<HealthStatus> parsed = ParseHealthStatus(*status);
  if (!parsed.ok()) {
    return absl::FailedPreconditionError(
        Cat("state value ", key, ": ", parsed.status().message()));
  }
  h.component = *std::move(component);
  h.status = *parsed;
  h.checked_at = *at;
  h.message = *std::move(message);
  return h;
}

}  // namespace

absl::StatusOr<ColorScheme> StateManager::SetColorScheme(
    std::string_view name, std::string_view metadata_json) {
  if (absl::Status w = CheckWritable(); !w.ok()) return w;
  if (absl::Status s = state::CheckName("colorscheme name", name); !s.ok()) {
    return s;
  }
  absl::StatusOr<std::string> metadata =
      state::MinifiedInputObject("metadata", metadata_json);
  if (!metadata.ok()) return metadata.status();
  ColorScheme scheme{std::string(name), *std::move(metadata),
                     state::ToMillis(clock_->Now())};
  state::JsonObjectWriter w;
  w.Layout();
  w.String("name", scheme.name);
  w.Raw("metadata", scheme.metadata);
  w.Time("set_at", scheme.set_at);
  absl::Status status = store_->Put(state::kColorSchemeKey, w.Finish());
  if (!status.ok()) return status;
  return scheme;
}

absl::StatusOr<ColorScheme> StateManager::GetColorScheme() {
  const std::string_view key = state::kColorSchemeKey;
  return ReadStored<ColorScheme>(
      *store_, key, "colorscheme",
      [&](const state::JsonObject& o) -> absl::StatusOr<ColorScheme> {
        absl::StatusOr<std::string> name = state::GetString(o, key, "name");
        absl::StatusOr<std::string> meta = state::GetRaw(o, key, "metadata");
        absl::StatusOr<TimePoint> at = state::GetTime(o, key, "set_at");
        if (!name.ok()) return name.status();
        if (!meta.ok()) return meta.status();
        if (!at.ok()) return at.status();
        return ColorScheme{*std::move(name), *std::move(meta), *at};
      });
}

absl::StatusOr<BackupRecord> StateManager::RecordBackup(
    std::string_view location, std::optional<TimePoint> at) {
  if (absl::Status w = CheckWritable(); !w.ok()) return w;
  if (absl::Status s = state::CheckName("backup location", location); !s.ok()) {
    return s;
  }
  BackupRecord record{state::ToMillis(at ? *at : clock_->Now()),
                      std::string(location)};
  state::JsonObjectWriter w;
  w.Layout();
  w.Time("at", record.at);
  w.String("location", record.location);
  absl::Status status = store_->Put(state::kBackupKey, w.Finish());
  if (!status.ok()) return status;
  return record;
}

absl::StatusOr<BackupRecord> StateManager::LastBackup() {
  const std::string_view key = state::kBackupKey;
  return ReadStored<BackupRecord>(
      *store_, key, "backup",
      [&](const state::JsonObject& o) -> absl::StatusOr<BackupRecord> {
        absl::StatusOr<TimePoint> at = state::GetTime(o, key, "at");
        absl::StatusOr<std::string> where =
            state::GetString(o, key, "location");
        if (!at.ok()) return at.status();
        if (!where.ok()) return where.status();
        return BackupRecord{*at, *std::move(where)};
      });
}

absl::StatusOr<Health> StateManager::SetHealth(std::string_view component,
                                               HealthStatus status,
                                               std::string_view message) {
  if (absl::Status w = CheckWritable(); !w.ok()) return w;
  if (absl::Status s = state::CheckName("component", component); !s.ok()) {
    return s;
  }
  if (!IsValidUtf8(message)) {
    return absl::InvalidArgumentError("message: not valid UTF-8");
  }
  Health h{std::string(component), status, state::ToMillis(clock_->Now()),
           std::string(message)};
  state::JsonObjectWriter w;
  w.Layout();
  w.String("component", h.component);
  w.String("status", HealthStatusName(h.status));
  w.Time("checked_at", h.checked_at);
  w.String("message", h.message);
  absl::Status written =
      store_->Put(Cat(state::kHealthPrefix, h.component), w.Finish());
  if (!written.ok()) return written;
  return h;
}

absl::StatusOr<Health> StateManager::GetHealth(std::string_view component) {
  if (absl::Status s = state::CheckName("component", component); !s.ok()) {
    return s;
  }
  const std::string key = Cat(state::kHealthPrefix, component);
  return ReadStored<Health>(
      *store_, key, Cat("health of ", component),
      [&](const state::JsonObject& o) { return DecodeHealthObject(key, o); });
}

absl::StatusOr<std::vector<Health>> StateManager::ListHealth() {
  return state::ListDecoded<Health>(
      *store_, state::kHealthPrefix,
      [](std::string_view key, std::string_view json) {
        return state::DecodeStored<Health>(key, json,
                                           [&](const state::JsonObject& o) {
                                             return DecodeHealthObject(key, o);
                                           });
      });
}

}  // namespace dotlog
