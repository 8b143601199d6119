// StateManager: installed components and favourite wallpapers.
#include <utility>

#include "dotlog/state/state_manager.h"
#include "state/state_json.h"
#include "state/state_keys.h"
#include "state/state_store.h"

namespace dotlog {
namespace {

using state::Cat;
using state::TimePoint;

absl::StatusOr<Component> DecodeComponentObject(std::string_view key,
                                                const state::JsonObject& o) {
  absl::StatusOr<std::string> name = state::GetString(o, key, "name");
  absl::StatusOr<std::string> version = state::GetString(o, key, "version");
  absl::StatusOr<std::string> config = state::GetRaw(o, key, "config");
  absl::StatusOr<TimePoint> installed = state::GetTime(o, key, "installed_at");
  absl::StatusOr<TimePoint> updated = state::GetTime(o, key, "updated_at");
  for (const absl::Status& s :
       {name.status(), version.status(), config.status(), installed.status(),
        updated.status()}) {
    if (!s.ok()) return s;
  }
  return Component{*std::move(name), *std::move(version), *std::move(config),
                   *installed, *updated};
}

absl::StatusOr<Component> DecodeComponent(std::string_view key,
                                          std::string_view json) {
  return state::DecodeStored<Component>(key, json,
                                        [&](const state::JsonObject& o) {
                                          return DecodeComponentObject(key, o);
                                        });
}

std::string EncodeComponent(const Component& c) {
  state::JsonObjectWriter w;
  w.Layout();
  w.String("name", c.name);
  w.String("version", c.version);
  w.Raw("config", c.config);
  w.Time("installed_at", c.installed_at);
  w.Time("updated_at", c.updated_at);
  return w.Finish();
}

absl::StatusOr<Favourite> DecodeFavourite(std::string_view key,
                                          std::string_view json) {
  return state::DecodeStored<Favourite>(
      key, json, [&](const state::JsonObject& o) -> absl::StatusOr<Favourite> {
        absl::StatusOr<std::string> path = state::GetString(o, key, "path");
        absl::StatusOr<TimePoint> added = state::GetTime(o, key, "added_at");
        if (!path.ok()) return path.status();
        if (!added.ok()) return added.status();
        return Favourite{*std::move(path), *added};
      });
}

// Deletes `key` if present, atomically; NotFound with `missing` otherwise.
absl::Status DeletePresent(Store& store, const std::string& key,
                           std::string_view missing) {
  absl::StatusOr<std::optional<std::string>> result =
      store.Update(key,
                   [&](const std::optional<std::string>& current)
                       -> absl::StatusOr<std::optional<std::string>> {
                     if (!current) return absl::NotFoundError(AV(missing));
                     return std::nullopt;
                   });
  return result.status();
}

}  // namespace

absl::StatusOr<Component> StateManager::InstallComponent(
    std::string_view name, std::string_view version,
    std::string_view config_json) {
  if (absl::Status w = CheckWritable(); !w.ok()) return w;
  if (absl::Status s = state::CheckName("component", name); !s.ok()) return s;
  if (absl::Status s = state::CheckOptionalName("version", version); !s.ok()) {
    return s;
  }
  absl::StatusOr<std::string> config =
      state::MinifiedInputObject("config", config_json);
  if (!config.ok()) return config.status();
  const std::string key = Cat(state::kComponentPrefix, name);
  Component c{
      std::string(name), std::string(version), *std::move(config), {}, {}};
  absl::StatusOr<std::optional<std::string>> updated = store_->Update(
      key,
      [&](const std::optional<std::string>& current)
          -> absl::StatusOr<std::optional<std::string>> {
        c.updated_at = state::ToMillis(clock_->Now());
        c.installed_at = c.updated_at;
        if (current) {
          absl::StatusOr<Component> before = DecodeComponent(key, *current);
          if (!before.ok()) return before.status();
          c.installed_at = before->installed_at;
        }
        return EncodeComponent(c);
      });
  if (!updated.ok()) return updated.status();
  return c;
}

absl::Status StateManager::RemoveComponent(std::string_view name) {
  if (absl::Status w = CheckWritable(); !w.ok()) return w;
  if (absl::Status s = state::CheckName("component", name); !s.ok()) return s;
  return DeletePresent(*store_, Cat(state::kComponentPrefix, name),
                       Cat("component ", name, ": not installed"));
}

absl::StatusOr<Component> StateManager::GetComponent(std::string_view name) {
  if (absl::Status s = state::CheckName("component", name); !s.ok()) return s;
  return state::GetDecoded<Component>(
      *store_, Cat(state::kComponentPrefix, name),
      Cat("component ", name, ": not installed"), DecodeComponent);
}

absl::StatusOr<std::vector<Component>> StateManager::ListComponents() {
  return state::ListDecoded<Component>(*store_, state::kComponentPrefix,
                                       DecodeComponent);
}

absl::StatusOr<Favourite> StateManager::AddFavourite(std::string_view path) {
  if (absl::Status w = CheckWritable(); !w.ok()) return w;
  absl::StatusOr<std::string> normal = NormalizePath(path);
  if (!normal.ok()) return normal.status();
  const std::string key = state::FavouriteKey(*normal);
  Favourite favourite{*normal, {}};
  absl::StatusOr<std::optional<std::string>> updated = store_->Update(
      key,
      [&](const std::optional<std::string>& current)
          -> absl::StatusOr<std::optional<std::string>> {
        if (current) {
          absl::StatusOr<Favourite> before = DecodeFavourite(key, *current);
          if (!before.ok()) return before.status();
          favourite = *std::move(before);
          return *current;
        }
        favourite.added_at = state::ToMillis(clock_->Now());
        state::JsonObjectWriter w;
        w.Layout();
        w.String("path", favourite.path);
        w.Time("added_at", favourite.added_at);
        return w.Finish();
      });
  if (!updated.ok()) return updated.status();
  return favourite;
}

absl::Status StateManager::RemoveFavourite(std::string_view path) {
  if (absl::Status w = CheckWritable(); !w.ok()) return w;
  absl::StatusOr<std::string> normal = NormalizePath(path);
  if (!normal.ok()) return normal.status();
  return DeletePresent(*store_, state::FavouriteKey(*normal),
                       Cat("wallpaper ", *normal, ": not a favourite"));
}

absl::StatusOr<bool> StateManager::IsFavourite(std::string_view path) {
  absl::StatusOr<std::string> normal = NormalizePath(path);
  if (!normal.ok()) return normal.status();
  return store_->Contains(state::FavouriteKey(*normal));
}

absl::StatusOr<std::vector<Favourite>> StateManager::ListFavourites() {
  return state::ListDecoded<Favourite>(*store_, state::kFavouritePrefix,
                                       DecodeFavourite);
}

}  // namespace dotlog
