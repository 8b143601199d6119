// dotlog._dotlog.StateManager: the state layer with JSON fields as text and
// records as dicts; dotfiles_state_manager.StateManager wraps it.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "bindings.h"
#include "convert.h"
#include "dotlog/dump.h"
#include "dotlog/state/cleanup.h"
#include "dotlog/state/settings.h"
#include "dotlog/state/state_manager.h"
#include "state_convert.h"
#include "status.h"
#include "store_handle.h"

namespace py = pybind11;

namespace dotlog::python {
namespace {

using OptInt = std::optional<int64_t>;
using OptStr = std::optional<std::string>;

std::chrono::system_clock::time_point FromMicros(int64_t us) {
  return std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(
          std::chrono::microseconds(us)));
}

std::optional<std::chrono::system_clock::time_point> FromMicros(OptInt us) {
  if (!us) return std::nullopt;
  return FromMicros(*us);
}

// A StateManager over the store of a StoreHandle, made again when the
// handle opens the store again after fork. Called with the GIL held.
class StateHandle {
 public:
  StateHandle(const std::string& dir, Options store_options,
              StateOptions options)
      : store_(dir, std::move(store_options)), options_(std::move(options)) {
    Get();
  }

  // The manager to call, with the store it uses kept alive alongside.
  struct Ref {
    std::shared_ptr<Store> store;
    std::shared_ptr<StateManager> manager;
  };
  Ref Get() {
    std::shared_ptr<Store> store = store_.Get();
    if (store != manager_store_) {
      manager_ = Unwrap(StateManager::ForStore(store.get(), options_));
      manager_store_ = store;
    }
    return {store, manager_};
  }

  void Close() { store_.Close(); }
  const std::string& dir() const { return store_.dir(); }

 private:
  StoreHandle store_;
  const StateOptions options_;
  std::shared_ptr<Store> manager_store_;
  std::shared_ptr<StateManager> manager_;
};

// Calls fn(manager) with the GIL released and returns its result.
template <typename Fn>
auto Run(StateHandle& h, Fn fn) {
  StateHandle::Ref ref = h.Get();
  py::gil_scoped_release release;
  return fn(*ref.manager);
}

std::unique_ptr<StateHandle> OpenState(const std::string& dir, bool sync,
                                       int64_t lock_timeout_ms,
                                       int64_t cache_ttl_ms,
                                       size_t recent_limit,
                                       size_t event_max_count,
                                       int64_t event_max_age_ms,
                                       bool auto_cleanup,
                                       int64_t cleanup_interval_ms) {
  Options store;
  store.sync = sync ? SyncMode::kAlways : SyncMode::kNone;
  store.lock_timeout = std::chrono::milliseconds(lock_timeout_ms);
  StateOptions options;
  options.cache_ttl = std::chrono::milliseconds(cache_ttl_ms);
  options.recent_limit = recent_limit;
  options.event_max_count = event_max_count;
  options.event_max_age = std::chrono::milliseconds(event_max_age_ms);
  options.auto_cleanup = auto_cleanup;
  options.cleanup_interval = std::chrono::milliseconds(cleanup_interval_ms);
  options.store = store;
  return std::make_unique<StateHandle>(dir, store, options);
}

// Every live key of the store as one JSON object (dotlog dump's format).
std::string Dump(StateHandle& h) {
  std::string out;
  ThrowIfError(Run(h, [&](StateManager& m) {
    return DumpStore(m.store(), "", DumpFormat::kJson,
                     [&](std::string_view text) {
                       out.append(text);
                       return absl::OkStatus();
                     });
  }));
  return out;
}

py::list QueryEvents(StateHandle& h, OptStr type, OptStr component,
                     OptInt since_us, OptInt until_us, OptInt limit) {
  EventQuery query;
  query.event_type = std::move(type);
  query.component = std::move(component);
  query.since = FromMicros(since_us);
  query.until = FromMicros(until_us);
  query.limit = limit;
  return ListOf(
      Unwrap(Run(h, [&](StateManager& m) { return m.QueryEvents(query); })),
      EventDict);
}

using S = std::string;
using M = StateManager;

// The binding of a StateManager method that takes nothing and returns a
// list: the list of what `convert` makes of each item.
template <typename T, typename Convert>
auto ListBinding(absl::StatusOr<std::vector<T>> (M::*list)(), Convert convert) {
  return [list, convert](StateHandle& h) {
    return ListOf(Unwrap(Run(h, [&](M& s) { return (s.*list)(); })), convert);
  };
}

// The settings LoadSettings reads from `files` (else $DOTFILES_SETTINGS,
// else the user's settings.toml) and the environment, as the tools read
// them: (values by the Python names, warnings). Durations in seconds.
py::tuple LoadSettingsForPython(const std::vector<std::string>& files) {
  SettingsSources sources;
  sources.files = files;
  LoadedSettings loaded = Unwrap(LoadSettings(sources));
  const Settings& s = loaded.settings;
  constexpr double kDay = 24 * 3600;
  py::dict values;
  values["sync"] = s.sync == "always";
  values["lock_timeout"] = static_cast<double>(s.lock_timeout_ms) / 1000;
  values["cache_ttl"] = static_cast<double>(s.wallpaper_cache_ttl_days) * kDay;
  values["recent_limit"] = s.recent_limit;
  values["event_max_count"] = s.event_max_count;
  values["event_max_age"] = static_cast<double>(s.event_max_age_days) * kDay;
  values["auto_cleanup"] = s.auto_cleanup_enabled;
  values["cleanup_interval"] =
      static_cast<double>(s.cleanup_interval_days) * kDay;
  values["effects_cache_root"] = s.effects_cache_root;
  values["colorscheme_cache_root"] = s.colorscheme_cache_root;
  values["state_dir"] = Unwrap(StateDirectory(s));
  return py::make_tuple(values, loaded.warnings);
}

}  // namespace

void BindState(py::module_& m) {
  m.def("load_settings", &LoadSettingsForPython, py::arg("files"));
  py::class_<StateHandle>(m, "StateManager")
      .def(py::init(&OpenState))
      .def_property_readonly("dir", &StateHandle::dir)
      .def("close", &StateHandle::Close)
      .def("dump", &Dump)
      .def("cleanup",
           [](StateHandle& h, bool dry_run, bool prune_files,
              const std::vector<std::string>& cache_roots) {
             CleanupOptions options;
             options.dry_run = dry_run;
             options.prune_files = prune_files;
             options.cache_roots = cache_roots;
             return CleanupDict(Unwrap(
                 Run(h, [&](M& s) { return CleanUp(s, options); })));
           })
      .def("normalize_path",
           [](StateHandle& h, const S& path) {
             return Unwrap(Run(h, [&](M& s) { return s.NormalizePath(path); }));
           })
      .def("cache_wallpaper",
           [](StateHandle& h, const S& path, const S& meta) {
             return EntryDict(Unwrap(
                 Run(h, [&](M& s) { return s.CacheWallpaper(path, meta); })));
           })
      .def("is_wallpaper_cached",
           [](StateHandle& h, const S& path) {
             return Unwrap(
                 Run(h, [&](M& s) { return s.IsWallpaperCached(path); }));
           })
      .def("check_wallpaper",
           [](StateHandle& h, const S& path) {
             return CheckTuple(
                 Unwrap(Run(h, [&](M& s) { return s.CheckWallpaper(path); })));
           })
      .def("invalidate_wallpaper",
           [](StateHandle& h, const S& path) {
             ThrowIfError(
                 Run(h, [&](M& s) { return s.InvalidateWallpaper(path); }));
           })
      .def("invalidate_all_wallpapers",
           [](StateHandle& h) {
             return Unwrap(
                 Run(h, [&](M& s) { return s.InvalidateAllWallpapers(); }));
           })
      .def("list_wallpapers", ListBinding(&M::ListWallpapers, CheckTuple))
      .def("set_monitor_wallpaper",
           [](StateHandle& h, const S& monitor, const S& path) {
             return MonitorDict(Unwrap(Run(h, [&](M& s) {
               return s.SetMonitorWallpaper(monitor, path);
             })));
           })
      .def("get_monitor_wallpaper",
           [](StateHandle& h, const S& monitor) {
             return MonitorDict(Unwrap(
                 Run(h, [&](M& s) { return s.GetMonitorWallpaper(monitor); })));
           })
      .def("list_monitor_wallpapers",
           ListBinding(&M::ListMonitorWallpapers, MonitorDict))
      .def("recent_wallpapers", ListBinding(&M::RecentWallpapers, RecentDict))
      .def("set_color_scheme",
           [](StateHandle& h, const S& name, const S& meta) {
             return ColorSchemeDict(Unwrap(
                 Run(h, [&](M& s) { return s.SetColorScheme(name, meta); })));
           })
      .def("get_color_scheme",
           [](StateHandle& h) {
             return ColorSchemeDict(
                 Unwrap(Run(h, [&](M& s) { return s.GetColorScheme(); })));
           })
      .def("record_backup",
           [](StateHandle& h, const S& location, OptInt at_us) {
             return BackupDict(Unwrap(Run(h, [&](M& s) {
               return s.RecordBackup(location, FromMicros(at_us));
             })));
           })
      .def("last_backup",
           [](StateHandle& h) {
             return BackupDict(
                 Unwrap(Run(h, [&](M& s) { return s.LastBackup(); })));
           })
      .def("set_health",
           [](StateHandle& h, const S& component, const S& status,
              const S& message) {
             HealthStatus parsed = Unwrap(ParseHealthStatus(status));
             return HealthDict(Unwrap(Run(h, [&](M& s) {
               return s.SetHealth(component, parsed, message);
             })));
           })
      .def("get_health",
           [](StateHandle& h, const S& component) {
             return HealthDict(
                 Unwrap(Run(h, [&](M& s) { return s.GetHealth(component); })));
           })
      .def("list_health", ListBinding(&M::ListHealth, HealthDict))
      .def(
          "install_component",
          [](StateHandle& h, const S& name, const S& version, const S& config) {
            return ComponentDict(Unwrap(Run(h, [&](M& s) {
              return s.InstallComponent(name, version, config);
            })));
          })
      .def(
          "remove_component",
          [](StateHandle& h, const S& name) {
            ThrowIfError(Run(h, [&](M& s) { return s.RemoveComponent(name); }));
          })
      .def("get_component",
           [](StateHandle& h, const S& name) {
             return ComponentDict(
                 Unwrap(Run(h, [&](M& s) { return s.GetComponent(name); })));
           })
      .def("list_components", ListBinding(&M::ListComponents, ComponentDict))
      .def("add_favourite",
           [](StateHandle& h, const S& path) {
             return FavouriteDict(
                 Unwrap(Run(h, [&](M& s) { return s.AddFavourite(path); })));
           })
      .def(
          "remove_favourite",
          [](StateHandle& h, const S& path) {
            ThrowIfError(Run(h, [&](M& s) { return s.RemoveFavourite(path); }));
          })
      .def("is_favourite",
           [](StateHandle& h, const S& path) {
             return Unwrap(Run(h, [&](M& s) { return s.IsFavourite(path); }));
           })
      .def("list_favourites", ListBinding(&M::ListFavourites, FavouriteDict))
      .def("append_event",
           [](StateHandle& h, const S& type, const S& component,
              const S& details) {
             return EventDict(Unwrap(Run(h, [&](M& s) {
               return s.AppendEvent(type, component, details);
             })));
           })
      .def("query_events", &QueryEvents)
      .def("set_state",
           [](StateHandle& h, const S& key, const S& json) {
             ThrowIfError(Run(h, [&](M& s) { return s.SetState(key, json); }));
           })
      .def("get_state",
           [](StateHandle& h, const S& key) {
             return Unwrap(Run(h, [&](M& s) { return s.GetState(key); }));
           })
      .def("delete_state", [](StateHandle& h, const S& key) {
        ThrowIfError(Run(h, [&](M& s) { return s.DeleteState(key); }));
      });
}

}  // namespace dotlog::python
