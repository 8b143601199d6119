"""Shared fixtures: a fresh store directory, the dotlog tool, and running
Python code in another process with the same packages importable."""

import os
import pathlib
import subprocess
import sys

import pytest

import dotlog


@pytest.fixture(autouse=True)
def no_user_settings(tmp_path_factory, monkeypatch):
    """The machine's own settings files and variables stay out of tests."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.mktemp("config")))
    for name in ("DOTFILES_SETTINGS", "DOTLOG_SYNC", "DOTLOG_RECENT_LIMIT"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def store_dir(tmp_path):
    return tmp_path / "store"


@pytest.fixture
def store(store_dir):
    with dotlog.Store(store_dir) as s:
        yield s


@pytest.fixture
def dotlog_bin():
    """The dotlog tool the build made (meson test sets DOTLOG_BIN)."""
    path = os.environ.get("DOTLOG_BIN")
    if not path:
        pytest.fail("DOTLOG_BIN is not set: run through `meson test python`")
    return pathlib.Path(path)


def run_cli(dotlog_bin, store_dir, *args, check=True):
    """Runs `dotlog --dir STORE_DIR ARGS...` and returns its stdout."""
    result = subprocess.run([str(dotlog_bin), "--dir", str(store_dir), *args],
                            capture_output=True, text=True, timeout=60)
    if check and result.returncode != 0:
        raise AssertionError(f"dotlog {args} failed: {result.stderr}")
    return result.stdout


def python_process(code, *args, **popen_kwargs):
    """Starts `code` in a new Python interpreter, with argv[1:] = args."""
    return subprocess.Popen([sys.executable, "-c", code, *map(str, args)],
                            **popen_kwargs)
