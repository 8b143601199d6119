"""The wallpaper cache check of tools/bench/python_cache_check.py over
sqlite3 (the dotfiles system's SQLite design: one wallpaper_cache table) and
over JSON files (one file per cached wallpaper). A module of its own that
imports only what these two need, so that the benchmark's whole-process runs
load no more for them than a program of the dotfiles system would."""

import hashlib
import json
import os
import sqlite3
import time

SCHEMA = """
CREATE TABLE IF NOT EXISTS wallpaper_cache (
  wallpaper_path TEXT PRIMARY KEY, wallpaper_hash TEXT, size INTEGER,
  mtime_ns INTEGER, effects_dir TEXT, colorscheme_dir TEXT, backend TEXT,
  metadata TEXT, cached_at REAL, expires_at REAL, valid INTEGER)
"""


class SqliteState:
    def __init__(self, db_path):
        self.db = sqlite3.connect(db_path)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute(SCHEMA)

    def cache_wallpaper(self, path, metadata):
        st = os.stat(path)
        now = time.time()
        with self.db:
            self.db.execute(
                "INSERT OR REPLACE INTO wallpaper_cache VALUES "
                "(?,?,?,?,?,?,?,?,?,?,1)",
                (path, "", st.st_size, st.st_mtime_ns, "", "",
                 metadata.get("backend", ""), json.dumps(metadata), now,
                 now + 30 * 86400))

    def is_wallpaper_cached(self, path):
        row = self.db.execute(
            "SELECT size, mtime_ns FROM wallpaper_cache WHERE wallpaper_path=?"
            " AND valid=1 AND expires_at>?", (path, time.time())).fetchone()
        if row is None:
            return False
        try:
            st = os.stat(path)
        except FileNotFoundError:
            return False
        return (st.st_size, st.st_mtime_ns) == tuple(row)


class JsonFilesState:
    def __init__(self, directory):
        self.dir = directory
        os.makedirs(directory, exist_ok=True)

    def _file(self, path):
        return os.path.join(self.dir, hashlib.sha1(path.encode()).hexdigest() + ".json")

    def cache_wallpaper(self, path, metadata):
        st = os.stat(path)
        now = time.time()
        entry = dict(metadata, path=path, size=st.st_size,
                     mtime_ns=st.st_mtime_ns, cached_at=now,
                     expires_at=now + 30 * 86400, valid=True)
        tmp = self._file(path) + ".tmp"
        with open(tmp, "w") as f:
            json.dump(entry, f)
        os.replace(tmp, self._file(path))

    def is_wallpaper_cached(self, path):
        try:
            with open(self._file(path)) as f:
                entry = json.load(f)
            st = os.stat(path)
        except FileNotFoundError:
            return False
        return (entry["valid"] and entry["expires_at"] > time.time()
                and (st.st_size, st.st_mtime_ns) == (entry["size"], entry["mtime_ns"]))
