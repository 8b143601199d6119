"""The dotfiles system's StateManager over dotlog.

    from dotfiles_state_manager import StateManager
    with StateManager() as state:
        if not state.is_wallpaper_cached("~/Pictures/forest.jpg"):
            ...  # process the wallpaper
            state.cache_wallpaper("~/Pictures/forest.jpg", {"backend": "wal"})
        state.set_current_wallpaper("DP-1", "~/Pictures/forest.jpg")
"""

from dotlog import (Conflict, Corruption, Error, InvalidArgument, LockTimeout,
                    NotFound, OutOfRange, PreconditionFailed, StorageError)

from ._manager import StateManager
from ._records import (BackupRecord, CacheCheck, CleanupReport, ColorScheme,
                       Component, Event, Favourite, Health, MonitorWallpaper,
                       RecentWallpaper, WallpaperEntry)
from ._settings import DEFAULTS as DEFAULT_SETTINGS

__all__ = [
    "BackupRecord", "CacheCheck", "CleanupReport", "ColorScheme", "Component", "Conflict",
    "Corruption", "DEFAULT_SETTINGS", "Error", "Event", "Favourite", "Health",
    "InvalidArgument", "LockTimeout", "MonitorWallpaper", "NotFound",
    "OutOfRange", "PreconditionFailed", "RecentWallpaper", "StateManager",
    "StorageError", "WallpaperEntry",
]
