#!/usr/bin/python3
"""The dotfiles system's wallpaper cache check from Python, three ways, in
one run: dotfiles_state_manager (dotlog), the same methods over sqlite3 (the
dotfiles system's SQLite design: one wallpaper_cache table), and over JSON
files (one file per cached wallpaper). Each checks the same things: an
entry exists, is valid and unexpired, and the file's size and mtime match.

Prints per-call median and p99 of is_wallpaper_cached over N cached
wallpapers, beside two floors (os.stat of the wallpaper alone, what a
check written in Python pays for its stat; and a lookup of an absent key
through dotlog.Store, the least a call into dotlog costs), and the median
wall time of a whole `python3 -c` process that
imports, opens and checks one wallpaper, loading the modules from bytecode
compiled by an untimed first run, as an installed package's are.

Usage (a release build, as pip builds the module):
  PYTHONPATH=build-release/python /usr/bin/python3 tools/bench/python_cache_check.py [N]
"""

import os
import statistics
import subprocess
import sys
import tempfile
import time

from cache_check_peers import JsonFilesState, SqliteState


def per_call(check, paths, rounds):
    times = []
    for _ in range(rounds):
        for path in paths:
            t0 = time.perf_counter_ns()
            hit = check(path)
            times.append(time.perf_counter_ns() - t0)
            assert hit, path
    times.sort()
    return statistics.median(times) / 1000, times[int(len(times) * 0.99)] / 1000


def whole_process(code, pycache, runs=15):
    # As an installed package is: compiled once (pip compiles at install),
    # then loaded from bytecode. The untimed first run writes the bytecode.
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = pycache
    subprocess.run([sys.executable, "-c", code], check=True, env=env)
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True, env=env)
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
    import dotlog
    from dotfiles_state_manager import StateManager
    root = tempfile.mkdtemp(prefix="cache_check_bench.")
    walls = os.path.join(root, "walls")
    os.makedirs(walls)
    paths = []
    for i in range(n):
        path = os.path.join(walls, f"{i:05}.jpg")
        with open(path, "wb") as f:
            f.write(b"x" * (100 + i % 50))
        paths.append(path)
    meta = {"backend": "wal", "effect_count": 3}
    dotlog_state = StateManager(os.path.join(root, "dotlog"), settings={"sync": False})
    sqlite_state = SqliteState(os.path.join(root, "state.db"))
    json_state = JsonFilesState(os.path.join(root, "json"))
    for state in (dotlog_state, sqlite_state, json_state):
        for path in paths:
            state.cache_wallpaper(path, meta)
    sample = paths[:: max(1, n // 2000)]
    store = dotlog.Store(os.path.join(root, "dotlog"))
    rows = [("dotlog", per_call(dotlog_state.is_wallpaper_cached, sample, 5)),
            ("sqlite3", per_call(sqlite_state.is_wallpaper_cached, sample, 5)),
            ("json files", per_call(json_state.is_wallpaper_cached, sample, 5)),
            # Floors: the one stat each of the three makes (dotlog's in C++,
            # the others' as this is), and the least a call into dotlog
            # costs: a lookup of an absent key through dotlog.Store.
            ("os.stat", per_call(lambda path: os.stat(path) is not None, sample, 5)),
            ("Store `in`", per_call(lambda path: "absent" not in store, sample, 5))]
    dotlog_state.close()
    store.close()
    one = paths[n // 2]
    pycache = os.path.join(root, "pycache")
    processes = {
        "dotlog": whole_process(
            "from dotfiles_state_manager import StateManager\n"
            f"assert StateManager({os.path.join(root, 'dotlog')!r}).is_wallpaper_cached({one!r})", pycache),
        "sqlite3": whole_process(
            "import sys; sys.path.insert(0, %r)\n" % os.path.dirname(os.path.abspath(__file__)) +
            "from cache_check_peers import SqliteState\n"
            f"assert SqliteState({os.path.join(root, 'state.db')!r}).is_wallpaper_cached({one!r})", pycache),
        "json files": whole_process(
            "import sys; sys.path.insert(0, %r)\n" % os.path.dirname(os.path.abspath(__file__)) +
            "from cache_check_peers import JsonFilesState\n"
            f"assert JsonFilesState({os.path.join(root, 'json')!r}).is_wallpaper_cached({one!r})", pycache),
    }
    print(f"is_wallpaper_cached over {n} cached wallpapers "
          f"({len(sample)} checked x5), Python {sys.version.split()[0]}")
    print(f"{'':12} {'median us':>10} {'p99 us':>8} {'vs dotlog':>10} {'process ms':>11}")
    base = rows[0][1][0]
    for name, (median, p99) in rows:
        process = f"{processes[name]:11.1f}" if name in processes else f"{'-':>11}"
        print(f"{name:12} {median:10.2f} {p99:8.2f} {median / base:9.1f}x {process}")
    sqlite_median = rows[1][1][0]
    print(f"5x faster than sqlite3 is {sqlite_median / 5:.2f} us a call; "
          f"os.stat alone takes {rows[3][1][0]:.2f} us, "
          f"a lookup call into dotlog {rows[4][1][0]:.2f} us")
    subprocess.run(["rm", "-rf", root], check=True)


if __name__ == "__main__":
    main()
