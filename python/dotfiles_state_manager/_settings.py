"""StateManager settings: their names, defaults (the CLI's) and checks."""

from __future__ import annotations

import datetime as _dt
import os
from typing import Any, Dict, Mapping, Optional

from dotlog import InvalidArgument
from dotlog import _dotlog
from dotlog._values import path_text, ttl_ms

# Name -> default. Durations are seconds or timedelta.
DEFAULTS: Dict[str, Any] = {
    "sync": True,                               # fsync every write
    "lock_timeout": 5.0,                        # seconds a write may wait
    "cache_ttl": _dt.timedelta(days=30),        # a cached wallpaper's life
    "recent_limit": 50,                         # recently used wallpapers
    "event_max_count": 10000,                   # events kept at most
    "event_max_age": _dt.timedelta(days=90),    # events kept at longest
}


def resolve(settings: Optional[Mapping[str, Any]]) -> Dict[str, Any]:
    """DEFAULTS overridden by `settings`; InvalidArgument naming an unknown
    setting or a bad value."""
    merged = dict(DEFAULTS)
    for name, value in (settings or {}).items():
        if name not in DEFAULTS:
            raise InvalidArgument(
                f"unknown setting {name!r}; known: {', '.join(DEFAULTS)}")
        merged[name] = value
    for name in ("recent_limit", "event_max_count"):
        value = merged[name]
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise InvalidArgument(f"setting {name} must be a positive int, "
                                  f"not {value!r}")
    return merged


def store_args(s: Dict[str, Any]) -> tuple:
    """The extension's StateManager arguments after the directory."""
    lock = s["lock_timeout"]
    lock_ms = ttl_ms(lock) if lock else 0
    return (bool(s["sync"]), lock_ms, ttl_ms(s["cache_ttl"]),
            s["recent_limit"], s["event_max_count"], ttl_ms(s["event_max_age"]))


def state_dir(state_dir: Any, db_path: Any) -> str:
    """The store directory: `state_dir`, else `db_path`, else $DOTLOG_DIR,
    else $XDG_DATA_HOME/dotfiles/state, else ~/.local/share/dotfiles/state
    (the dotlog tool's choice)."""
    if state_dir is not None and db_path is not None:
        raise InvalidArgument("give state_dir or db_path, not both")
    chosen = state_dir if state_dir is not None else db_path
    if chosen is None:
        chosen = os.environ.get("DOTLOG_DIR") or _dotlog.default_store_dir()
    return path_text(chosen)
