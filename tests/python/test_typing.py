"""Type information and import cost: mypy sees every signature and every
record's field types, while importing the packages loads neither typing
nor the modules a short-lived process does not need."""

import os
import pathlib
import pickle
import subprocess
import sys
import textwrap

import dotlog

# The directory the packages are imported from (the build's python/).
PACKAGES = pathlib.Path(dotlog.__file__).resolve().parent.parent


def run_mypy(*args, cwd=PACKAGES):
    """mypy --strict over `args`, with the packages importable."""
    env = dict(os.environ, MYPYPATH=str(PACKAGES))
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental",
         "--cache-dir", os.devnull, *args],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def test_the_packages_pass_mypy_strict():
    result = run_mypy("-p", "dotlog", "-p", "dotfiles_state_manager")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_sees_the_field_types_of_the_records(tmp_path):
    program = tmp_path / "program.py"
    program.write_text(textwrap.dedent("""\
        import pathlib
        from typing import Optional

        import dotlog
        from dotfiles_state_manager import StateManager


        def good(store: dotlog.Store, state: StateManager) -> None:
            key: str = store.lookup("k").key
            seq: int = store.lookup("k").seq
            wall: Optional[pathlib.Path] = state.get_current_wallpaper("DP-1")
            backend: str = state.cache_wallpaper("w").backend


        def bad(store: dotlog.Store, state: StateManager) -> None:
            key: int = store.lookup("k").key
            wall: str = state.get_current_wallpaper("DP-1")
            size: str = state.cache_wallpaper("w").size
        """))
    result = run_mypy(str(program), cwd=tmp_path)
    errors = [line for line in result.stdout.splitlines() if ": error:" in line]
    assert [line.split(":")[1] for line in errors] == ["16", "17", "18"], \
        result.stdout
    assert 'expression has type "str", variable has type "int"' in errors[0]
    assert 'expression has type "Optional[Path]"' in errors[1]
    assert 'expression has type "int", variable has type "str"' in errors[2]


def test_importing_the_packages_loads_no_typing_json_re_or_pathlib():
    code = ("import sys, dotlog, dotfiles_state_manager\n"
            "print(' '.join(sorted(sys.modules)))")
    loaded = subprocess.run([sys.executable, "-c", code], check=True,
                            capture_output=True, text=True).stdout.split()
    assert "dotfiles_state_manager._manager" in loaded
    for name in ("typing", "json", "re", "pathlib", "enum"):
        assert name not in loaded, f"importing the packages loaded {name}"


def test_records_are_named_tuples_with_their_methods_and_docstrings(store):
    store.put("k", {"a": 1})
    item = store.lookup("k")
    assert isinstance(item, tuple)
    assert item._fields == ("key", "value", "expires_at", "seq")
    assert item._replace(key="other") == dotlog.Item(
        "other", {"a": 1}, None, item.seq)
    assert type(item._replace(key="other")) is dotlog.Item
    assert item._asdict()["value"] == {"a": 1}
    assert pickle.loads(pickle.dumps(item)) == item
    assert repr(item) == f"Item(key='k', value={{'a': 1}}, expires_at=None, seq={item.seq})"
    assert dotlog.Item.__doc__.startswith("A live key")
    assert dotlog.Item.__module__ == "dotlog._types"
    assert dotlog.Stats._fields[0] == "live_keys"
    report = store.verify()
    assert report.clean is True  # a property of the class body
    problem = dotlog.Problem(pathlib.Path("/s/f"), 1, 0, "bad", "/s/f:1: bad")
    assert str(problem) == "/s/f:1: bad"  # the class body's __str__
    assert "text=" not in repr(problem)  # and __repr__
