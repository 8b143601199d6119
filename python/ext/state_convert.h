// The state layer's records as Python dicts (times as microseconds since
// the epoch, JSON fields as text), which dotfiles_state_manager turns into
// its records.
#ifndef DOTLOG_PYTHON_EXT_STATE_CONVERT_H_
#define DOTLOG_PYTHON_EXT_STATE_CONVERT_H_

#include <pybind11/pybind11.h>

#include <vector>

#include "dotlog/state/cleanup.h"
#include "dotlog/state/state_manager.h"

namespace dotlog::python {

pybind11::dict EntryDict(const WallpaperEntry& entry);
// (miss name | None, entry dict | None)
pybind11::tuple CheckTuple(const CacheCheck& check);
pybind11::dict MonitorDict(const MonitorWallpaper& monitor);
pybind11::dict RecentDict(const RecentWallpaper& recent);
pybind11::dict ColorSchemeDict(const ColorScheme& scheme);
pybind11::dict BackupDict(const BackupRecord& backup);
pybind11::dict HealthDict(const Health& health);
pybind11::dict ComponentDict(const Component& component);
pybind11::dict FavouriteDict(const Favourite& favourite);
pybind11::dict EventDict(const Event& event);
pybind11::dict CleanupDict(const CleanupReport& report);

// `convert` applied to every element of `items`.
template <typename T, typename Fn>
pybind11::list ListOf(const std::vector<T>& items, Fn convert) {
  pybind11::list list;
  for (const T& item : items) list.append(convert(item));
  return list;
}

}  // namespace dotlog::python

#endif  // DOTLOG_PYTHON_EXT_STATE_CONVERT_H_
