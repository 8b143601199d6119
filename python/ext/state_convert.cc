#include "state_convert.h"

#include <pybind11/stl.h>

#include "convert.h"

namespace py = pybind11;
using namespace pybind11::literals;

namespace dotlog::python {

py::dict EntryDict(const WallpaperEntry& e) {
  return py::dict("path"_a = e.path, "effects_dir"_a = e.effects_dir,
                  "colorscheme_dir"_a = e.colorscheme_dir,
                  "backend"_a = e.backend, "effect_count"_a = e.effect_count,
                  "colorscheme_formats"_a = e.colorscheme_formats,
                  "cached_at"_a = ToMicros(e.cached_at),
                  "last_validated"_a = ToMicros(e.last_validated),
                  "expires_at"_a = ToMicros(e.expires_at), "valid"_a = e.valid,
                  "invalid_reason"_a = e.invalid_reason, "size"_a = e.size,
                  "mtime_ns"_a = e.mtime_ns,
                  "wallpaper_hash"_a = e.wallpaper_hash, "json"_a = e.json);
}

py::tuple CheckTuple(const CacheCheck& check) {
  py::object miss = py::none();
  if (check.miss) miss = py::str(std::string(CacheMissName(*check.miss)));
  py::object entry = py::none();
  if (check.entry) entry = EntryDict(*check.entry);
  return py::make_tuple(miss, entry);
}

py::dict MonitorDict(const MonitorWallpaper& m) {
  return py::dict("monitor"_a = m.monitor, "path"_a = m.path,
                  "set_at"_a = ToMicros(m.set_at));
}

py::dict RecentDict(const RecentWallpaper& r) {
  return py::dict("path"_a = r.path, "used_at"_a = ToMicros(r.used_at));
}

py::dict ColorSchemeDict(const ColorScheme& c) {
  return py::dict("name"_a = c.name, "metadata"_a = c.metadata,
                  "set_at"_a = ToMicros(c.set_at));
}

py::dict BackupDict(const BackupRecord& b) {
  return py::dict("at"_a = ToMicros(b.at), "location"_a = b.location);
}

py::dict CleanupDict(const CleanupReport& r) {
  return py::dict("dry_run"_a = r.dry_run, "ran_at"_a = ToMicros(r.ran_at),
                  "expired_wallpapers"_a = r.expired_wallpapers,
                  "missing_wallpapers"_a = r.missing_wallpapers,
                  "old_events"_a = r.old_events,
                  "pruned_dirs"_a = r.pruned_dirs, "compacted"_a = r.compacted,
                  "bytes_before"_a = r.bytes_before,
                  "bytes_after"_a = r.bytes_after);
}

py::dict HealthDict(const Health& h) {
  return py::dict("component"_a = h.component,
                  "status"_a = std::string(HealthStatusName(h.status)),
                  "checked_at"_a = ToMicros(h.checked_at),
                  "message"_a = h.message);
}

py::dict ComponentDict(const Component& c) {
  return py::dict("name"_a = c.name, "version"_a = c.version,
                  "config"_a = c.config,
                  "installed_at"_a = ToMicros(c.installed_at),
                  "updated_at"_a = ToMicros(c.updated_at));
}

py::dict FavouriteDict(const Favourite& f) {
  return py::dict("path"_a = f.path, "added_at"_a = ToMicros(f.added_at));
}

py::dict EventDict(const Event& e) {
  return py::dict("id"_a = e.id, "time"_a = ToMicros(e.time),
                  "event_type"_a = e.event_type, "component"_a = e.component,
                  "details"_a = e.details);
}

}  // namespace dotlog::python
