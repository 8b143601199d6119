"""StateManager settings: their names, defaults (the CLI's) and checks."""

from __future__ import annotations

import datetime as _dt
import os
import warnings
from collections.abc import Mapping

from dotlog import InvalidArgument
from dotlog import _dotlog
from dotlog._values import path_text, ttl_ms

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Dict, Optional, Sequence, Tuple, Union

    PathLike = Union[str, "os.PathLike[str]"]

# Name -> default. Durations are seconds or timedelta.
DEFAULTS: Dict[str, Any] = {
    "sync": True,                               # fsync every write
    "lock_timeout": 5.0,                        # seconds a write may wait
    "cache_ttl": _dt.timedelta(days=30),        # a cached wallpaper's life
    "recent_limit": 50,                         # recently used wallpapers
    "event_max_count": 10000,                   # events kept at most
    "event_max_age": _dt.timedelta(days=90),    # events kept at longest
    "auto_cleanup": True,                       # clean up when opened
    "cleanup_interval": _dt.timedelta(days=7),  # at most this often
}


def from_files(files: Sequence[PathLike]) -> Dict[str, Any]:
    """The settings the dotlog tool reads: the [state_management] table of
    `files` (else $DOTFILES_SETTINGS, else ~/.config/dotfiles/settings.toml),
    then the environment ($DOTLOG_DIR, $DOTLOG_SYNC, ...), as DEFAULTS'
    names plus "state_dir". Warnings (an unknown key) go to `warnings`."""
    values, notes = _dotlog.load_settings([path_text(f) for f in files])
    for note in notes:
        warnings.warn(note, stacklevel=3)
    for name in ("cache_ttl", "event_max_age", "cleanup_interval"):
        values[name] = _dt.timedelta(seconds=values[name])
    return values


def resolve(settings: Union[None, Mapping[str, Any], PathLike,
                            Sequence[PathLike]]) -> Dict[str, Any]:
    """The settings files' values (see from_files) overridden by `settings`
    when it is a mapping; when it is a path or a list of paths, those files
    are read instead of the user's. InvalidArgument naming an unknown setting
    or a bad value, or the FILE:LINE:COLUMN of a bad file."""
    if settings is None or isinstance(settings, Mapping):
        files: Sequence[PathLike] = []
        overrides: Mapping[str, Any] = settings or {}
    elif isinstance(settings, (str, os.PathLike)):
        files, overrides = [settings], {}
    else:
        files, overrides = list(settings), {}
    merged = dict(DEFAULTS)
    merged.update(from_files(files))
    for name, value in overrides.items():
        if name not in merged:
            raise InvalidArgument(
                f"unknown setting {name!r}; known: {', '.join(merged)}")
        merged[name] = value
    for name in ("recent_limit", "event_max_count"):
        value = merged[name]
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise InvalidArgument(f"setting {name} must be a positive int, "
                                  f"not {value!r}")
    return merged


def store_args(s: Dict[str, Any]) -> Tuple[Any, ...]:
    """The extension's StateManager arguments after the directory."""
    lock = s["lock_timeout"]
    lock_ms = ttl_ms(lock) if lock else 0
    return (bool(s["sync"]), lock_ms, ttl_ms(s["cache_ttl"]),
            s["recent_limit"], s["event_max_count"], ttl_ms(s["event_max_age"]),
            bool(s["auto_cleanup"]), ttl_ms(s["cleanup_interval"]))


def state_dir(state_dir: Any, db_path: Any, settings: Mapping[str, Any]) -> str:
    """The store directory: `state_dir`, else `db_path`, else the settings'
    (as the dotlog tool chooses: $DOTLOG_DIR, else state_dir in the settings
    files, else $XDG_DATA_HOME/dotfiles/state, else
    ~/.local/share/dotfiles/state)."""
    if state_dir is not None and db_path is not None:
        raise InvalidArgument("give state_dir or db_path, not both")
    chosen = state_dir if state_dir is not None else db_path
    if chosen is None:
        chosen = settings["state_dir"]
    return path_text(chosen)
