"""dotfiles_state_manager.StateManager: the dotfiles system's flow and
every method."""

import datetime as dt
import os
import pathlib

import pytest

import dotlog
from dotfiles_state_manager import StateManager


@pytest.fixture
def state(tmp_path):
    with StateManager(tmp_path / "state") as s:
        yield s


@pytest.fixture
def wallpaper(tmp_path):
    path = tmp_path / "walls" / "forest.jpg"
    path.parent.mkdir()
    path.write_bytes(b"\xff\xd8 pretend jpeg")
    return path


def test_the_dotfiles_flow_check_miss_cache_hit_invalidate(state, wallpaper,
                                                           tmp_path):
    effects = tmp_path / "effects"
    effects.mkdir()
    assert state.is_wallpaper_cached(wallpaper) is False
    assert state.check_wallpaper(wallpaper).miss == "not_cached"
    entry = state.cache_wallpaper(str(wallpaper), {
        "effects_dir": str(effects), "backend": "wal", "effect_count": 3,
        "colorscheme_formats": ["json", "css"], "extra": {"kept": True}})
    assert entry.path == wallpaper and entry.effects_dir == effects
    assert entry.metadata["extra"] == {"kept": True}
    assert entry.cached_at.tzinfo is not None and entry.valid
    assert state.is_wallpaper_cached(wallpaper) is True
    assert state.check_wallpaper(wallpaper).cached
    assert state.invalidate_wallpaper_cache(wallpaper) is True
    assert state.is_wallpaper_cached(wallpaper) is False
    assert state.check_wallpaper(wallpaper).miss == "invalidated"


def test_a_changed_wallpaper_file_misses_as_file_changed(state, wallpaper):
    state.cache_wallpaper(wallpaper, {})
    wallpaper.write_bytes(b"another picture, longer than before")
    check = state.check_wallpaper(wallpaper)
    assert not check and check.miss == "file_changed"


def test_a_missing_effects_dir_misses(state, wallpaper, tmp_path):
    effects = tmp_path / "effects"
    effects.mkdir()
    state.cache_wallpaper(wallpaper, {"effects_dir": str(effects)})
    effects.rmdir()
    assert state.check_wallpaper(wallpaper).miss == "effects_dir_missing"


def test_caching_a_missing_file_is_a_storage_error_naming_it(state, tmp_path):
    with pytest.raises(OSError) as info:
        state.cache_wallpaper(tmp_path / "none.jpg", {})
    assert isinstance(info.value, dotlog.StorageError)
    assert info.value.filename == str(tmp_path / "none.jpg")


def test_bad_metadata_is_invalid_argument(state, wallpaper):
    with pytest.raises(dotlog.InvalidArgument, match="effect_count"):
        state.cache_wallpaper(wallpaper, {"effect_count": "three"})
    with pytest.raises(dotlog.InvalidArgument, match="dict"):
        state.cache_wallpaper(wallpaper, ["not", "a", "dict"])


def test_invalidating_an_uncached_wallpaper_returns_false(state, wallpaper):
    assert state.invalidate_wallpaper_cache(wallpaper) is False


def test_invalidate_all_and_list_wallpapers(state, tmp_path):
    for name in ("a.png", "b.png"):
        (tmp_path / name).write_bytes(name.encode())
        state.cache_wallpaper(tmp_path / name)
    assert [c.miss for c in state.list_wallpapers()] == [None, None]
    assert state.invalidate_all_wallpapers() == 2
    assert [c.miss for c in state.list_wallpapers()] == ["invalidated"] * 2


def test_current_wallpaper_per_monitor_and_recent_list(state, tmp_path):
    assert state.get_current_wallpaper("DP-1") is None
    state.set_current_wallpaper("DP-1", tmp_path / "a.png")
    state.set_current_wallpaper("HDMI-1", str(tmp_path / "b.png"))
    state.set_current_wallpaper("DP-1", tmp_path / "c.png")
    assert state.get_current_wallpaper("DP-1") == tmp_path / "c.png"
    assert isinstance(state.get_current_wallpaper("HDMI-1"), pathlib.Path)
    assert state.list_current_wallpapers() == {
        "DP-1": tmp_path / "c.png", "HDMI-1": tmp_path / "b.png"}
    assert [r.path.name for r in state.recent_wallpapers()] == [
        "c.png", "b.png", "a.png"]


def test_paths_are_normalised(state, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    assert state.normalize_path("~/x/../y.png") == tmp_path / "y.png"


def test_set_state_and_get_state_with_a_default(state):
    assert state.get_state("missing") is None
    assert state.get_state("missing", {"d": 1}) == {"d": 1}
    for value in [None, 0, 1.5, "s", [1, [2]], {"a": {"b": None}}]:
        state.set_state("k", value)
        assert state.get_state("k", "default") == value
    assert state.delete_state("k") is True
    assert state.delete_state("k") is False


def test_favourites(state, tmp_path):
    fav = tmp_path / "f.png"
    assert not state.is_favourite(fav)
    first = state.add_favourite(fav)
    assert state.add_favourite(fav).added_at == first.added_at
    assert state.is_favourite(str(fav))
    assert [f.path for f in state.list_favourites()] == [fav]
    state.remove_favourite(fav)
    with pytest.raises(dotlog.NotFound):
        state.remove_favourite(fav)


def test_color_scheme_backup_and_health(state, tmp_path):
    assert state.get_color_scheme() is None
    state.set_color_scheme("nord", {"dark": True})
    scheme = state.get_color_scheme()
    assert (scheme.name, scheme.metadata) == ("nord", {"dark": True})
    assert state.get_last_backup() is None
    at = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc)
    state.record_backup("/backups/one", at=at)
    assert state.get_last_backup() == state.get_last_backup()
    assert state.get_last_backup().at == at
    assert state.get_health("waybar") is None
    state.set_health("waybar", "degraded", "slow")
    health = state.get_health("waybar")
    assert (health.status, health.message) == ("degraded", "slow")
    assert [h.component for h in state.list_health()] == ["waybar"]
    with pytest.raises(dotlog.InvalidArgument):
        state.set_health("waybar", "fine")


def test_backup_writes_a_dump_the_tool_loads_and_records_it(
        state, tmp_path, dotlog_bin):
    from conftest import run_cli
    state.set_state("k", {"v": 1})
    record = state.backup(tmp_path / "backup.json")
    assert record.location == str(tmp_path / "backup.json")
    assert state.get_last_backup().location == record.location
    run_cli(dotlog_bin, tmp_path / "restored", "load",
            str(tmp_path / "backup.json"))
    with StateManager(tmp_path / "restored") as restored:
        assert restored.get_state("k") == {"v": 1}


def test_components(state):
    assert state.get_component("kitty") is None
    first = state.install_component("kitty", "0.26", {"font": 11})
    again = state.install_component("kitty", "0.27")
    assert again.installed_at == first.installed_at
    assert state.get_component("kitty").version == "0.27"
    assert [c.name for c in state.list_components()] == ["kitty"]
    state.remove_component("kitty")
    with pytest.raises(dotlog.NotFound):
        state.remove_component("kitty")


def test_events_and_their_queries(state):
    state.log_event("command", "wallpaper", {"args": ["set"]})
    state.log_event("error", "waybar", {"code": 2})
    state.log_event("command", "waybar")
    events = state.query_events()
    assert [e.id for e in events] == [3, 2, 1]
    assert [e.id for e in state.query_events(event_type="command")] == [3, 1]
    assert [e.id for e in state.query_events(component="waybar", limit=1)] == [3]
    assert state.query_events(since=events[0].time + dt.timedelta(seconds=1)) == []
    assert events[2].details == {"args": ["set"]}


def test_cleanup_compacts_and_keeps_state(state):
    for i in range(20):
        state.set_state("k", i)
    state.cleanup()
    assert state.get_state("k") == 19


def test_cleanup_removes_entries_of_missing_wallpapers_and_reports_them(
        state, tmp_path):
    wall = tmp_path / "gone.png"
    wall.write_bytes(b"pixels")
    state.cache_wallpaper(wall, {"backend": "wal"})
    wall.unlink()
    preview = state.cleanup(dry_run=True)
    assert preview.dry_run
    assert preview.missing_wallpapers == [wall]
    assert state.list_wallpapers()  # nothing removed by a dry run
    report = state.cleanup()
    assert report.missing_wallpapers == [wall]
    assert not report.dry_run
    assert state.list_wallpapers() == []


def test_cleanup_prunes_only_unnamed_dirs_in_the_cache_roots(tmp_path):
    effects = tmp_path / "effects"
    (effects / "kept").mkdir(parents=True)
    (effects / "old").mkdir()
    outside = tmp_path / "outside"
    outside.mkdir()
    (effects / "link").symlink_to(outside)
    wall = tmp_path / "w.png"
    wall.write_bytes(b"w")
    settings = {"effects_cache_root": str(effects)}
    with StateManager(tmp_path / "db", settings=settings) as s:
        s.cache_wallpaper(wall, {"effects_dir": str(effects / "kept")})
        report = s.cleanup(prune_files=True)
    assert report.pruned_dirs == [effects / "old"]
    assert (effects / "kept").is_dir() and outside.is_dir()


def test_opening_runs_the_due_cleanup_unless_turned_off(tmp_path):
    wall = tmp_path / "gone.png"
    wall.write_bytes(b"pixels")
    with StateManager(tmp_path / "db", settings={"auto_cleanup": False}) as s:
        s.cache_wallpaper(wall, {})
    wall.unlink()
    with StateManager(tmp_path / "db", settings={"auto_cleanup": False}) as s:
        assert len(s.list_wallpapers()) == 1
    with StateManager(tmp_path / "db") as s:
        assert s.list_wallpapers() == []


def test_db_path_is_an_alias_of_the_state_dir(tmp_path):
    with StateManager(db_path=tmp_path / "db") as s:
        s.set_state("k", 1)
    with StateManager(tmp_path / "db") as s:
        assert s.state_dir == tmp_path / "db" and s.get_state("k") == 1
    with pytest.raises(dotlog.InvalidArgument, match="not both"):
        StateManager(tmp_path / "a", db_path=tmp_path / "b")


def test_the_default_directory_is_the_tools(tmp_path, monkeypatch):
    monkeypatch.delenv("DOTLOG_DIR", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    with StateManager() as s:
        assert s.state_dir == tmp_path / "dotfiles" / "state"
    monkeypatch.setenv("DOTLOG_DIR", str(tmp_path / "env"))
    with StateManager() as s:
        assert s.state_dir == tmp_path / "env"


def test_settings_are_checked_by_name(tmp_path):
    with pytest.raises(dotlog.InvalidArgument, match="unknown setting"):
        StateManager(tmp_path, settings={"cache_tll": 5})
    with pytest.raises(dotlog.InvalidArgument, match="recent_limit"):
        StateManager(tmp_path, settings={"recent_limit": 0})
    with StateManager(tmp_path, settings={"recent_limit": 2}) as s:
        for name in "abc":
            s.set_current_wallpaper("m", f"/w/{name}")
        assert [r.path.name for r in s.recent_wallpapers()] == ["c", "b"]


def test_closed_manager_raises_and_close_is_idempotent(tmp_path):
    s = StateManager(tmp_path)
    s.close()
    s.close()
    with pytest.raises(dotlog.PreconditionFailed, match="closed"):
        s.get_state("k")


def test_the_state_layer_and_the_tool_see_the_same_store(state, dotlog_bin):
    from conftest import run_cli
    state.set_state("shared", {"x": 1})
    keys = run_cli(dotlog_bin, state.state_dir, "ls").split()
    assert any(k.startswith("state/") for k in keys)


def test_a_forked_child_uses_the_manager(state):
    pid = os.fork()
    if pid == 0:
        try:
            state.set_state("child", os.getpid())
            code = 0
        except BaseException:
            code = 1
        os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert state.get_state("child") == pid


def test_settings_toml_is_read_as_the_tool_reads_it(tmp_path, monkeypatch):
    settings = tmp_path / "settings.toml"
    settings.write_text('[state_management]\nrecent_limit = 2\n'
                        'state_dir = "store"\n'
                        '[state_management.cache]\n'
                        'wallpaper_cache_ttl_days = 3\n')
    monkeypatch.delenv("DOTLOG_DIR", raising=False)
    monkeypatch.setenv("DOTFILES_SETTINGS", str(settings))
    with StateManager() as sm:
        assert sm.state_dir == tmp_path / "store"
        assert sm.settings["cache_ttl"] == dt.timedelta(days=3)
        for name in ("a", "b", "c"):
            sm.set_current_wallpaper("DP-1", tmp_path / f"{name}.png")
        assert [r.path for r in sm.recent_wallpapers()] == [
            tmp_path / "c.png", tmp_path / "b.png"]


def test_settings_may_name_the_files_and_a_bad_one_says_where(tmp_path):
    good = tmp_path / "good.toml"
    good.write_text("[state_management]\nevent_max_count = 7\n")
    with StateManager(tmp_path / "s", settings=good) as sm:
        assert sm.settings["event_max_count"] == 7
    bad = tmp_path / "bad.toml"
    bad.write_text('[state_management]\nrecent_limit = "x"\n')
    with pytest.raises(ValueError, match=r"bad.toml:2:16: .*recent_limit"):
        StateManager(tmp_path / "s", settings=[good, bad])


def test_an_unknown_setting_in_a_file_is_a_warning(tmp_path):
    typo = tmp_path / "typo.toml"
    typo.write_text("[state_management]\nrecent_limt = 7\n")
    with pytest.warns(UserWarning, match="did you mean"):
        StateManager(tmp_path / "s", settings=typo).close()
