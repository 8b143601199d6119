#include "state_convert.h"

#include <pybind11/stl.h>

#include "convert.h"

namespace py = pybind11;

namespace dotlog::python {

py::dict EntryDict(const WallpaperEntry& e) {
  py::dict d;
  d["path"] = e.path;
  d["effects_dir"] = e.effects_dir;
  d["colorscheme_dir"] = e.colorscheme_dir;
  d["backend"] = e.backend;
  d["effect_count"] = e.effect_count;
  d["colorscheme_formats"] = e.colorscheme_formats;
  d["cached_at"] = ToMicros(e.cached_at);
  d["last_validated"] = ToMicros(e.last_validated);
  d["expires_at"] = ToMicros(e.expires_at);
  d["valid"] = e.valid;
  d["invalid_reason"] = e.invalid_reason;
  d["size"] = e.size;
  d["mtime_ns"] = e.mtime_ns;
  d["wallpaper_hash"] = e.wallpaper_hash;
  d["json"] = e.json;
  return d;
}

py::tuple CheckTuple(const CacheCheck& check) {
  py::object miss = py::none();
  if (check.miss) miss = py::str(std::string(CacheMissName(*check.miss)));
  py::object entry = py::none();
  if (check.entry) entry = EntryDict(*check.entry);
  return py::make_tuple(miss, entry);
}

py::dict MonitorDict(const MonitorWallpaper& m) {
  py::dict d;
  d["monitor"] = m.monitor;
  d["path"] = m.path;
  d["set_at"] = ToMicros(m.set_at);
  return d;
}

py::dict RecentDict(const RecentWallpaper& r) {
  py::dict d;
  d["path"] = r.path;
  d["used_at"] = ToMicros(r.used_at);
  return d;
}

py::dict ColorSchemeDict(const ColorScheme& c) {
  py::dict d;
  d["name"] = c.name;
  d["metadata"] = c.metadata;
  d["set_at"] = ToMicros(c.set_at);
  return d;
}

py::dict BackupDict(const BackupRecord& b) {
  py::dict d;
  d["at"] = ToMicros(b.at);
  d["location"] = b.location;
  return d;
}

py::dict CleanupDict(const CleanupReport& r) {
  py::dict d;
  d["dry_run"] = r.dry_run;
  d["ran_at"] = ToMicros(r.ran_at);
  d["expired_wallpapers"] = r.expired_wallpapers;
  d["missing_wallpapers"] = r.missing_wallpapers;
  d["old_events"] = r.old_events;
  d["pruned_dirs"] = r.pruned_dirs;
  d["compacted"] = r.compacted;
  d["bytes_before"] = r.bytes_before;
  d["bytes_after"] = r.bytes_after;
  return d;
}

py::dict HealthDict(const Health& h) {
  py::dict d;
  d["component"] = h.component;
  d["status"] = std::string(HealthStatusName(h.status));
  d["checked_at"] = ToMicros(h.checked_at);
  d["message"] = h.message;
  return d;
}

py::dict ComponentDict(const Component& c) {
  py::dict d;
  d["name"] = c.name;
  d["version"] = c.version;
  d["config"] = c.config;
  d["installed_at"] = ToMicros(c.installed_at);
  d["updated_at"] = ToMicros(c.updated_at);
  return d;
}

py::dict FavouriteDict(const Favourite& f) {
  py::dict d;
  d["path"] = f.path;
  d["added_at"] = ToMicros(f.added_at);
  return d;
}

py::dict EventDict(const Event& e) {
  py::dict d;
  d["id"] = e.id;
  d["time"] = ToMicros(e.time);
  d["event_type"] = e.event_type;
  d["component"] = e.component;
  d["details"] = e.details;
  return d;
}

}  // namespace dotlog::python
