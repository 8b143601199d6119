"""The records StateManager returns (named tuples, immutable), built from
the extension's dicts."""

from __future__ import annotations

import datetime as _dt

from dotlog._types import repr_without
from dotlog._values import as_path, decode, from_micros

TYPE_CHECKING = False
if TYPE_CHECKING:
    import pathlib
    from typing import Any, Dict, List, NamedTuple, Optional, Tuple
else:
    from dotlog._record import NamedTuple


def _time(micros: int) -> _dt.datetime:
    when = from_micros(micros)
    assert when is not None
    return when


class WallpaperEntry(NamedTuple):
    """A cached wallpaper. `metadata` is the stored entry whole: the fields
    below and every other field the caller gave."""
    path: pathlib.Path
    effects_dir: Optional[pathlib.Path]
    colorscheme_dir: Optional[pathlib.Path]
    backend: str
    effect_count: int
    colorscheme_formats: List[str]
    cached_at: _dt.datetime
    last_validated: _dt.datetime
    expires_at: _dt.datetime
    valid: bool
    invalid_reason: Optional[str]
    size: int
    mtime_ns: int
    wallpaper_hash: int
    metadata: Dict[str, Any]

    def __repr__(self) -> str:
        return repr_without(self, "metadata")

    @classmethod
    def _from(cls, d: Dict[str, Any]) -> "WallpaperEntry":
        return cls(
            as_path(d["path"]),
            as_path(d["effects_dir"]) if d["effects_dir"] else None,
            as_path(d["colorscheme_dir"]) if d["colorscheme_dir"] else None,
            d["backend"], d["effect_count"], list(d["colorscheme_formats"]),
            _time(d["cached_at"]), _time(d["last_validated"]),
            _time(d["expires_at"]), d["valid"], d["invalid_reason"] or None,
            d["size"], d["mtime_ns"], d["wallpaper_hash"], decode(d["json"]))


class CacheCheck(NamedTuple):
    """The outcome of a cache check: `miss` is None on a hit, else why it
    missed: "not_cached", "expired", "invalidated", "file_changed",
    "file_missing", "effects_dir_missing" or "colorscheme_dir_missing".
    `entry` is the entry after the check (None when there is none)."""
    miss: Optional[str]
    entry: Optional[WallpaperEntry]

    @property
    def cached(self) -> bool:
        return self.miss is None

    def __bool__(self) -> bool:
        return self.cached

    @classmethod
    def _from(cls, raw: Tuple[Any, ...]) -> "CacheCheck":
        miss, entry = raw
        return cls(miss, None if entry is None else WallpaperEntry._from(entry))


class MonitorWallpaper(NamedTuple):
    """The wallpaper shown on a monitor."""
    monitor: str
    path: pathlib.Path
    set_at: _dt.datetime

    @classmethod
    def _from(cls, d: Dict[str, Any]) -> "MonitorWallpaper":
        return cls(d["monitor"], as_path(d["path"]), _time(d["set_at"]))


class RecentWallpaper(NamedTuple):
    """One wallpaper of the recently used list."""
    path: pathlib.Path
    used_at: _dt.datetime

    @classmethod
    def _from(cls, d: Dict[str, Any]) -> "RecentWallpaper":
        return cls(as_path(d["path"]), _time(d["used_at"]))


class Favourite(NamedTuple):
    """A favourite wallpaper."""
    path: pathlib.Path
    added_at: _dt.datetime

    @classmethod
    def _from(cls, d: Dict[str, Any]) -> "Favourite":
        return cls(as_path(d["path"]), _time(d["added_at"]))


class ColorScheme(NamedTuple):
    """The active colour scheme."""
    name: str
    metadata: Dict[str, Any]
    set_at: _dt.datetime

    @classmethod
    def _from(cls, d: Dict[str, Any]) -> "ColorScheme":
        return cls(d["name"], decode(d["metadata"]), _time(d["set_at"]))


class BackupRecord(NamedTuple):
    """The last successful backup: when, and where it went."""
    at: _dt.datetime
    location: str

    @classmethod
    def _from(cls, d: Dict[str, Any]) -> "BackupRecord":
        return cls(_time(d["at"]), d["location"])


class CleanupReport(NamedTuple):
    """What a cleanup removed (or, with dry_run, would remove): cache
    entries past their TTL or whose file is gone, event ids past retention,
    cache directories deleted, and whether the store was compacted."""
    dry_run: bool
    ran_at: _dt.datetime
    expired_wallpapers: List[pathlib.Path]
    missing_wallpapers: List[pathlib.Path]
    old_events: List[int]
    pruned_dirs: List[pathlib.Path]
    compacted: bool
    bytes_before: int
    bytes_after: int

    @classmethod
    def _from(cls, d: Dict[str, Any]) -> "CleanupReport":
        return cls(d["dry_run"], _time(d["ran_at"]),
                   [as_path(p) for p in d["expired_wallpapers"]],
                   [as_path(p) for p in d["missing_wallpapers"]],
                   list(d["old_events"]), [as_path(p) for p in d["pruned_dirs"]],
                   d["compacted"], d["bytes_before"], d["bytes_after"])


class Health(NamedTuple):
    """A component's last health report; status "ok", "degraded" or
    "failed"."""
    component: str
    status: str
    checked_at: _dt.datetime
    message: str

    @classmethod
    def _from(cls, d: Dict[str, Any]) -> "Health":
        return cls(d["component"], d["status"], _time(d["checked_at"]),
                   d["message"])


class Component(NamedTuple):
    """An installed component with its config overrides."""
    name: str
    version: str
    config: Dict[str, Any]
    installed_at: _dt.datetime
    updated_at: _dt.datetime

    @classmethod
    def _from(cls, d: Dict[str, Any]) -> "Component":
        return cls(d["name"], d["version"], decode(d["config"]),
                   _time(d["installed_at"]), _time(d["updated_at"]))


class Event(NamedTuple):
    """One logged event; ids rise in commit order across processes."""
    id: int
    time: _dt.datetime
    event_type: str
    component: str
    details: Dict[str, Any]

    @classmethod
    def _from(cls, d: Dict[str, Any]) -> "Event":
        return cls(d["id"], _time(d["time"]), d["event_type"], d["component"],
                   decode(d["details"]))
