// StateManager: the wallpaper of each monitor and the recently used list.
#include <algorithm>
#include <map>
#include <utility>

#include "dotlog/state/state_manager.h"
#include "state/state_json.h"
#include "state/state_keys.h"

namespace dotlog {
namespace {

using state::Cat;
using state::TimePoint;

// The value under kCurrentWallpapersKey:
// {"layout":1,"monitors":{"<name>":{"path":..,"set_at":..},..},
//  "recent":[{"path":..,"used_at":..},..]}
struct CurrentWallpapers {
  std::map<std::string, MonitorWallpaper> monitors;
  std::vector<RecentWallpaper> recent;  // newest first
};

absl::StatusOr<CurrentWallpapers> DecodeCurrent(std::string_view json) {
  thread_local simdjson::dom::parser parser;
  const std::string_view key = state::kCurrentWallpapersKey;
  absl::StatusOr<state::JsonObject> o = state::ParseStored(parser, key, json);
  if (!o.ok()) return o.status();
  simdjson::dom::object monitors;
  simdjson::dom::array recent;
  if ((*o)["monitors"].get(monitors) != simdjson::SUCCESS ||
      (*o)["recent"].get(recent) != simdjson::SUCCESS) {
    return absl::FailedPreconditionError(Cat(
        "state value ", key, ": no \"monitors\" object or \"recent\" array"));
  }
  CurrentWallpapers current;
  for (auto field : monitors) {
    simdjson::dom::object shown;
    if (field.value.get(shown) != simdjson::SUCCESS) {
      return absl::FailedPreconditionError(Cat("state value ", key,
                                               ": monitor \"", field.key,
                                               "\" is not an object"));
    }
    MonitorWallpaper m;
    m.monitor = std::string(field.key);
    absl::StatusOr<std::string> path = state::GetString(shown, key, "path");
    absl::StatusOr<TimePoint> at = state::GetTime(shown, key, "set_at");
    if (!path.ok()) return path.status();
    if (!at.ok()) return at.status();
    m.path = *std::move(path);
    m.set_at = *at;
    current.monitors.emplace(m.monitor, std::move(m));
  }
  for (simdjson::dom::element element : recent) {
    simdjson::dom::object used;
    if (element.get(used) != simdjson::SUCCESS) {
      return absl::FailedPreconditionError(
          Cat("state value ", key, ": a recent entry is not an object"));
    }
    absl::StatusOr<std::string> path = state::GetString(used, key, "path");
    absl::StatusOr<TimePoint> at = state::GetTime(used, key, "used_at");
    if (!path.ok()) return path.status();
    if (!at.ok()) return at.status();
    current.recent.push_back({*std::move(path), *at});
  }
  return current;
}

std::string EncodeCurrent(const CurrentWallpapers& current) {
  std::string monitors = "{";
  for (const auto& [name, m] : current.monitors) {
    if (monitors.size() > 1) monitors.push_back(',');
    state::JsonObjectWriter shown;
    shown.String("path", m.path);
    shown.Time("set_at", m.set_at);
    monitors.append(Cat(state::JsonString(name), ":", shown.Finish()));
  }
  monitors.push_back('}');
  std::string recent = "[";
  for (const RecentWallpaper& r : current.recent) {
    if (recent.size() > 1) recent.push_back(',');
    state::JsonObjectWriter used;
    used.String("path", r.path);
    used.Time("used_at", r.used_at);
    recent.append(used.Finish());
  }
  recent.push_back(']');
  state::JsonObjectWriter w;
  w.Layout();
  w.Raw("monitors", monitors);
  w.Raw("recent", recent);
  return w.Finish();
}

// The current wallpapers as stored now; empty if none were ever set.
absl::StatusOr<CurrentWallpapers> ReadCurrent(Store& store) {
  absl::StatusOr<std::string> json = store.Get(state::kCurrentWallpapersKey);
  if (absl::IsNotFound(json.status())) return CurrentWallpapers{};
  if (!json.ok()) return json.status();
  return DecodeCurrent(*json);
}

}  // namespace

absl::StatusOr<MonitorWallpaper> StateManager::SetMonitorWallpaper(
    std::string_view monitor, std::string_view path) {
  if (absl::Status w = CheckWritable(); !w.ok()) return w;
  if (absl::Status s = state::CheckName("monitor", monitor); !s.ok()) {
    return s;
  }
  absl::StatusOr<std::string> normal = NormalizePath(path);
  if (!normal.ok()) return normal.status();
  MonitorWallpaper shown;
  shown.monitor = std::string(monitor);
  shown.path = *std::move(normal);
  const size_t limit = options_.recent_limit;
  absl::StatusOr<std::optional<std::string>> updated = store_->Update(
      state::kCurrentWallpapersKey,
      [&](const std::optional<std::string>& json)
          -> absl::StatusOr<std::optional<std::string>> {
        CurrentWallpapers current;
        if (json) {
          absl::StatusOr<CurrentWallpapers> decoded = DecodeCurrent(*json);
          if (!decoded.ok()) return decoded.status();
          current = *std::move(decoded);
        }
        // Read under the store's lock, so times rise with commit order.
        shown.set_at = state::ToMillis(clock_->Now());
        current.monitors[shown.monitor] = shown;
        std::erase_if(current.recent, [&](const RecentWallpaper& r) {
          return r.path == shown.path;
        });
        current.recent.insert(current.recent.begin(),
                              RecentWallpaper{shown.path, shown.set_at});
        if (current.recent.size() > limit) current.recent.resize(limit);
        return EncodeCurrent(current);
      });
  if (!updated.ok()) return updated.status();
  return shown;
}

absl::StatusOr<MonitorWallpaper> StateManager::GetMonitorWallpaper(
    std::string_view monitor) {
  if (absl::Status s = state::CheckName("monitor", monitor); !s.ok()) {
    return s;
  }
  absl::StatusOr<CurrentWallpapers> current = ReadCurrent(*store_);
  if (!current.ok()) return current.status();
  auto it = current->monitors.find(std::string(monitor));
  if (it == current->monitors.end()) {
    return absl::NotFoundError(Cat("monitor ", monitor, ": no wallpaper set"));
  }
  return it->second;
}

absl::StatusOr<std::vector<MonitorWallpaper>>
StateManager::ListMonitorWallpapers() {
  absl::StatusOr<CurrentWallpapers> current = ReadCurrent(*store_);
  if (!current.ok()) return current.status();
  std::vector<MonitorWallpaper> all;
  for (auto& [name, m] : current->monitors) all.push_back(std::move(m));
  return all;
}

absl::StatusOr<std::vector<RecentWallpaper>> StateManager::RecentWallpapers() {
  absl::StatusOr<CurrentWallpapers> current = ReadCurrent(*store_);
  if (!current.ok()) return current.status();
  return std::move(current->recent);
}

}  // namespace dotlog
