"""StateManager: the dotfiles system's state, kept in a dotlog store."""

from __future__ import annotations

import datetime as _dt
import os
from collections.abc import Mapping

import dotlog
from dotlog import _dotlog, NotFound, InvalidArgument
from dotlog._closing import Closing
from dotlog._values import as_path, decode, encode, key_text, to_micros

from . import _settings
from ._records import (BackupRecord, CacheCheck, CleanupReport, ColorScheme,
                       Component, Event, Favourite, Health, MonitorWallpaper,
                       RecentWallpaper, WallpaperEntry)

TYPE_CHECKING = False
if TYPE_CHECKING:
    import pathlib
    from typing import (Any, Callable, Dict, List, Optional, Sequence,
                        TypeVar, Union)

    PathLike = Union[str, "os.PathLike[str]"]
    _T = TypeVar("_T")

_MISSING: Any = object()


def _or_none(read: Callable[[], _T]) -> Optional[_T]:
    """What `read()` returns, or None where it raises NotFound."""
    try:
        return read()
    except NotFound:
        return None


def _path(path: PathLike) -> str:
    try:
        return os.fsdecode(os.fspath(path))
    except TypeError:
        raise InvalidArgument(
            f"path must be str or os.PathLike, not {type(path).__name__}"
        ) from None


def _object(value: Optional[Mapping[str, Any]], what: str) -> str:
    if value is None:
        return "{}"
    if not isinstance(value, Mapping):
        raise InvalidArgument(f"{what} must be a dict, not {type(value).__name__}")
    return encode(dict(value))


class StateManager(Closing):
    """The dotfiles system's state (wallpaper cache, monitors, recent
    wallpapers, favourites, colour scheme, backups, health, components,
    events and free-form state) in the dotlog store at `state_dir`.

    Settings are read as the dotlog tool reads them: the [state_management]
    table of ~/.config/dotfiles/settings.toml (or of the files in
    $DOTFILES_SETTINGS), then the environment ($DOTLOG_DIR, $DOTLOG_SYNC,
    ...). `settings` is either a mapping that overrides them by name (sync,
    lock_timeout, cache_ttl, recent_limit, event_max_count, event_max_age;
    see dotfiles_state_manager.DEFAULT_SETTINGS), or a settings.toml path,
    or a list of them (later files winning), read instead of the user's.
    `state_dir` (or its alias `db_path`) defaults as the tool's: $DOTLOG_DIR,
    else state_dir in the settings, else $XDG_DATA_HOME/dotfiles/state,
    else ~/.local/share/dotfiles/state.

    Safe from several threads and processes at once; the GIL is released
    during file I/O, fsync and lock waits; usable in a forked child. Errors
    are dotlog.Error subclasses. A context manager; close() when done."""

    def __init__(self, state_dir: Optional[PathLike] = None, *,
                 settings: Union[None, Mapping[str, Any], PathLike,
                                 Sequence[PathLike]] = None,
                 db_path: Optional[PathLike] = None) -> None:
        self.settings: Dict[str, Any] = _settings.resolve(settings)
        self._dir = _settings.state_dir(state_dir, db_path, self.settings)
        self._m: Optional[_dotlog.StateManager] = _dotlog.StateManager(
            self._dir, *_settings.store_args(self.settings))

    def _h(self) -> _dotlog.StateManager:
        m = self._m
        if m is None:
            raise dotlog.PreconditionFailed(f"state manager {self._dir} is closed")
        return m

    @property
    def state_dir(self) -> pathlib.Path:
        """The store directory."""
        return as_path(self._dir)

    def normalize_path(self, path: PathLike) -> pathlib.Path:
        """`path` as the state layer keys it: "~" expanded, absolute, no
        "." or "..", symlinks resolved when the file exists."""
        return as_path(self._h().normalize_path(_path(path)))

    # ---- Wallpaper cache: the dotfiles system's names ----

    def is_wallpaper_cached(self, wallpaper_path: PathLike) -> bool:
        """True if the wallpaper has a valid, unexpired cache entry, its
        file is unchanged (size and mtime, or else its content hash) and its
        effects_dir and colorscheme_dir still exist. check_wallpaper says
        why a check missed."""
        return self._h().is_wallpaper_cached(_path(wallpaper_path))

    def cache_wallpaper(self, wallpaper_path: PathLike,
                        metadata: Optional[Mapping[str, Any]] = None
                        ) -> WallpaperEntry:
        """Records the wallpaper as processed, with `metadata` (effects_dir,
        colorscheme_dir, backend, effect_count, colorscheme_formats are
        checked; other fields kept as given). Replaces an earlier entry.
        NotFound if the file does not exist; InvalidArgument for bad
        metadata."""
        return WallpaperEntry._from(self._h().cache_wallpaper(
            _path(wallpaper_path), _object(metadata, "metadata")))

    def invalidate_wallpaper_cache(self, wallpaper_path: PathLike) -> bool:
        """Marks the wallpaper's cache entry invalid, so the next check
        misses. False if it had no entry."""
        try:
            self._h().invalidate_wallpaper(_path(wallpaper_path))
        except NotFound:
            return False
        return True

    def check_wallpaper(self, wallpaper_path: PathLike) -> CacheCheck:
        """The cache check with its reason: CacheCheck.miss is None on a
        hit, else "not_cached", "expired", "invalidated", "file_changed",
        "file_missing", "effects_dir_missing" or "colorscheme_dir_missing"."""
        return CacheCheck._from(self._h().check_wallpaper(_path(wallpaper_path)))

    def invalidate_all_wallpapers(self) -> int:
        """Marks every entry invalid in one batch; returns how many were
        valid."""
        return self._h().invalidate_all_wallpapers()

    def list_wallpapers(self) -> List[CacheCheck]:
        """Every cache entry with the outcome its check would have now, by
        path. Writes nothing."""
        return [CacheCheck._from(c) for c in self._h().list_wallpapers()]

    # ---- Monitors and recently used wallpapers ----

    def set_current_wallpaper(self, monitor: str,
                              wallpaper: PathLike) -> MonitorWallpaper:
        """Shows `wallpaper` on `monitor` and puts it first in the recently
        used list, atomically. The file need not exist."""
        return MonitorWallpaper._from(
            self._h().set_monitor_wallpaper(key_text(monitor), _path(wallpaper)))

    def get_current_wallpaper(self, monitor: str) -> Optional[pathlib.Path]:
        """The wallpaper on `monitor`, or None if none was set."""
        return _or_none(lambda: as_path(
            self._h().get_monitor_wallpaper(key_text(monitor))["path"]))

    def list_current_wallpapers(self) -> Dict[str, pathlib.Path]:
        """monitor -> wallpaper for every monitor, by monitor name."""
        return {m["monitor"]: as_path(m["path"])
                for m in self._h().list_monitor_wallpapers()}

    def recent_wallpapers(self) -> List[RecentWallpaper]:
        """The recently used wallpapers, newest first."""
        return [RecentWallpaper._from(r) for r in self._h().recent_wallpapers()]

    # ---- Favourites ----

    def add_favourite(self, wallpaper_path: PathLike) -> Favourite:
        """Adds a favourite (keeping its first added_at)."""
        return Favourite._from(self._h().add_favourite(_path(wallpaper_path)))

    def remove_favourite(self, wallpaper_path: PathLike) -> None:
        """Removes a favourite. NotFound if it is not one."""
        self._h().remove_favourite(_path(wallpaper_path))

    def is_favourite(self, wallpaper_path: PathLike) -> bool:
        """True if the wallpaper is a favourite."""
        return self._h().is_favourite(_path(wallpaper_path))

    def list_favourites(self) -> List[Favourite]:
        """Every favourite, by path."""
        return [Favourite._from(f) for f in self._h().list_favourites()]

    # ---- Colour scheme, backups, health ----

    def set_color_scheme(self, name: str,
                         metadata: Optional[Mapping[str, Any]] = None
                         ) -> ColorScheme:
        """Makes `name` the active colour scheme."""
        return ColorScheme._from(self._h().set_color_scheme(
            key_text(name), _object(metadata, "metadata")))

    def get_color_scheme(self) -> Optional[ColorScheme]:
        """The active colour scheme, or None if none was set."""
        return _or_none(
            lambda: ColorScheme._from(self._h().get_color_scheme()))

    def record_backup(self, location: str,
                      at: Optional[_dt.datetime] = None) -> BackupRecord:
        """Records a successful backup to `location` taken at `at` (an aware
        datetime; now if None)."""
        return BackupRecord._from(
            self._h().record_backup(key_text(location), to_micros(at)))

    def get_last_backup(self) -> Optional[BackupRecord]:
        """The last recorded backup, or None."""
        return _or_none(lambda: BackupRecord._from(self._h().last_backup()))

    def backup(self, destination: PathLike) -> BackupRecord:
        """Writes every live key of the store as one JSON object (the format
        of `dotlog dump`, which `dotlog load` reads) to `destination`, made
        durable and replaced atomically, then records the backup."""
        target = as_path(_path(destination)).expanduser().absolute()
        text = self._h().dump()
        import tempfile  # here: importing it costs a short-lived process time
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(text)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, target)
        except BaseException:
            os.unlink(tmp)
            raise
        dir_fd = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
        return self.record_backup(str(target))

    def set_health(self, component: str, status: str,
                   message: str = "") -> Health:
        """Records `component`'s health: "ok", "degraded" or "failed"."""
        return Health._from(self._h().set_health(
            key_text(component), key_text(status), key_text(message)))

    def get_health(self, component: str) -> Optional[Health]:
        """The component's last health report, or None."""
        return _or_none(lambda: Health._from(
            self._h().get_health(key_text(component))))

    def list_health(self) -> List[Health]:
        """Every component's health, by name."""
        return [Health._from(h) for h in self._h().list_health()]

    # ---- Components ----

    def install_component(self, name: str, version: str = "",
                          config: Optional[Mapping[str, Any]] = None
                          ) -> Component:
        """Records `name` as installed at `version` with config overrides."""
        return Component._from(self._h().install_component(
            key_text(name), key_text(version), _object(config, "config")))

    def remove_component(self, name: str) -> None:
        """Forgets a component. NotFound if it is not installed."""
        self._h().remove_component(key_text(name))

    def get_component(self, name: str) -> Optional[Component]:
        """The installed component `name`, or None."""
        return _or_none(lambda: Component._from(
            self._h().get_component(key_text(name))))

    def list_components(self) -> List[Component]:
        """Every installed component, by name."""
        return [Component._from(c) for c in self._h().list_components()]

    # ---- Events ----

    def log_event(self, event_type: str, component: str = "",
                  details: Optional[Mapping[str, Any]] = None) -> Event:
        """Appends an event; its id and time are filled in. The oldest
        events beyond the settings' limits are dropped."""
        return Event._from(self._h().append_event(
            key_text(event_type), key_text(component),
            _object(details, "details")))

    def query_events(self, event_type: Optional[str] = None,
                     component: Optional[str] = None,
                     since: Optional[_dt.datetime] = None,
                     until: Optional[_dt.datetime] = None,
                     limit: Optional[int] = None) -> List[Event]:
        """Events matching every given filter (since inclusive, until
        exclusive), newest first, at most `limit`."""
        return [Event._from(e) for e in self._h().query_events(
            event_type, component, to_micros(since), to_micros(until), limit)]

    # ---- Free-form state: the dotfiles system's names ----

    def set_state(self, key: str, value: Any) -> None:
        """Stores any JSON value (dict, list, str, int, float, bool, None)
        under `key`."""
        self._h().set_state(key_text(key), encode(value))

    def get_state(self, key: str, default: Any = None) -> Any:
        """The value under `key`, or `default` if none."""
        try:
            return decode(self._h().get_state(key_text(key)))
        except NotFound:
            return default

    def delete_state(self, key: str) -> bool:
        """Removes `key`; False if it held nothing."""
        try:
            self._h().delete_state(key_text(key))
        except NotFound:
            return False
        return True

    # ---- Maintenance ----

    def cleanup(self, *, dry_run: bool = False,
                prune_files: bool = False) -> CleanupReport:
        """Runs the cleanup `dotlog cleanup` runs, now: removes cache
        entries past their TTL or whose wallpaper is gone and events past
        retention, compacts the store when that frees enough, and records
        the run. With prune_files, also deletes the directories in the
        cache roots of the settings (effects_cache_root,
        colorscheme_cache_root) that no cache entry names, never following a
        symlink. With dry_run, reports what would go and changes nothing.
        A writer's opening runs it by itself at most once per
        cleanup_interval unless the setting auto_cleanup is False."""
        roots = [self.settings.get("effects_cache_root", ""),
                 self.settings.get("colorscheme_cache_root", "")]
        return CleanupReport._from(self._h().cleanup(
            dry_run, prune_files, [r for r in roots if r]))

    def close(self) -> None:
        """Syncs and closes the store; later calls raise
        dotlog.PreconditionFailed. Closing twice does nothing."""
        m, self._m = self._m, None
        if m is not None:
            m.close()

    def __repr__(self) -> str:
        state = "" if self._m is not None else " (closed)"
        return f"StateManager({self._dir!r}){state}"
