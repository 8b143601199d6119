"""dotlog.Store: every method, with Python values in and out."""

import datetime as dt
import pathlib

import pytest

import dotlog

JSON_VALUES = [
    None, True, False, 0, -1, 2**63 - 1, -(2**63), 2**64 - 1, 1.5, -0.25, 1e300,
    "", "text", "ünïcødé ✓ 🎨", "quote \" backslash \\ newline \n tab \t",
    "\u0000 control \u001f", [], {}, [1, "two", None, [3.0]],
    {"nested": {"list": [True, {"deep": "x"}]}, "": "empty key"},
]


@pytest.mark.parametrize("value", JSON_VALUES, ids=repr)
def test_every_json_value_reads_back_equal_and_of_the_same_type(store, value):
    store.put("k", value)
    got = store.get("k")
    assert got == value
    assert type(got) is type(value)


def test_values_read_back_equal_after_reopening(store_dir):
    with dotlog.Store(store_dir) as s:
        for i, value in enumerate(JSON_VALUES):
            s.put(f"v/{i}", value)
    with dotlog.Store(store_dir) as s:
        assert [s.get(f"v/{i}") for i in range(len(JSON_VALUES))] == JSON_VALUES


def test_get_of_a_missing_key_raises_not_found_which_is_a_key_error(store):
    with pytest.raises(KeyError) as info:
        store.get("absent")
    assert isinstance(info.value, dotlog.NotFound)
    assert "absent" in str(info.value)


def test_get_with_a_default_returns_it_for_a_missing_key(store):
    assert store.get("absent", None) is None
    assert store.get("absent", 7) == 7


def test_mapping_syntax_reads_writes_and_deletes(store):
    store["a"] = [1]
    assert store["a"] == [1]
    assert "a" in store and "b" not in store
    del store["a"]
    assert "a" not in store
    with pytest.raises(KeyError):
        store["a"]


def test_delete_of_an_absent_key_succeeds(store):
    store.delete("never")
    assert store.keys() == []


def test_ttl_in_seconds_and_as_timedelta_set_the_expiry(store):
    before = dt.datetime.now(dt.timezone.utc)
    store.put("s", 1, ttl=60)
    store.put("t", 1, ttl=dt.timedelta(hours=1))
    s, t = store.lookup("s"), store.lookup("t")
    assert s.expires_at.tzinfo is not None
    assert dt.timedelta(seconds=59) < s.expires_at - before < dt.timedelta(seconds=61)
    assert dt.timedelta(minutes=59) < t.expires_at - before < dt.timedelta(minutes=61)


def test_expires_at_in_the_past_hides_the_key_at_once(store):
    store.put("gone", 1, expires_at=dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc))
    assert "gone" not in store


def test_expires_at_keeps_the_given_instant(store):
    when = dt.datetime(2100, 1, 2, 3, 4, 5, 6000, tzinfo=dt.timezone.utc)
    store.put("k", 1, expires_at=when)
    assert store.lookup("k").expires_at == when


def test_lookup_gives_the_sequence_number_of_the_writing_record(store):
    store.put("a", 1)
    store.put("b", 2)
    assert store.lookup("b").seq == store.lookup("a").seq + 1


def test_batch_applies_every_operation_at_the_end_of_the_block(store):
    store.put("old", 0)
    with store.batch() as batch:
        batch.put("x", 1)
        batch.put("y", {"z": 2})
        batch.delete("old")
        assert "x" not in store
    assert store.items() == [("x", 1), ("y", {"z": 2})]
    assert store.stats().last_seq == 2  # one record for the whole batch


def test_batch_left_by_an_exception_writes_nothing(store):
    with pytest.raises(RuntimeError):
        with store.batch() as batch:
            batch.put("x", 1)
            raise RuntimeError("stop")
    assert store.keys() == []


def test_items_and_keys_list_a_prefix_in_key_order(store):
    for key in ["b/2", "a/1", "b/1", "c"]:
        store.put(key, key)
    assert store.keys("b/") == ["b/1", "b/2"]
    assert store.items("b/") == [("b/1", "b/1"), ("b/2", "b/2")]
    assert [i.key for i in store.lookup_all()] == ["a/1", "b/1", "b/2", "c"]
    assert list(store) == ["a/1", "b/1", "b/2", "c"]


def test_update_computes_the_new_value_from_the_current_one(store):
    assert store.update("n", lambda v: v + 1, default=0) == 1
    assert store.update("n", lambda v: v * 10) == 10
    assert store.get("n") == 10


def test_update_returning_none_deletes_when_asked(store):
    store.put("k", 1)
    assert store.update("k", lambda v: None, delete_on_none=True) is None
    assert "k" not in store


def test_an_exception_in_update_propagates_and_writes_nothing(store):
    store.put("k", 1)

    def fail(value):
        raise LookupError("from fn")

    with pytest.raises(LookupError, match="from fn"):
        store.update("k", fail)
    assert store.lookup("k").seq == 1


def test_compare_and_set_writes_only_over_the_expected_version(store):
    assert store.compare_and_set("k", 0, "first")
    assert not store.compare_and_set("k", 0, "again")
    seq = store.lookup("k").seq
    assert store.compare_and_set("k", seq, "second")
    assert not store.compare_and_set("k", seq, "stale")
    assert store.get("k") == "second"


def test_increment_adds_and_counts_an_absent_key_as_zero(store):
    assert store.increment("c") == 1
    assert store.increment("c", 41) == 42
    assert store.increment("c", -2) == 40


def test_history_lists_versions_newest_first_with_aware_times(store):
    store.put("k", "a")
    store.put("k", "b")
    store.delete("k")
    versions = store.history("k")
    assert [(v.deleted, v.value) for v in versions] == [
        (True, None), (False, "b"), (False, "a")]
    assert all(v.written.tzinfo is not None for v in versions)
    assert len(store.history("k", limit=1)) == 1


def test_stats_count_keys_and_records(store):
    store.put("a", 1)
    store.put("a", 2)
    stats = store.stats()
    assert (stats.live_keys, stats.records, stats.last_seq) == (1, 2, 2)
    assert stats.dead_bytes > 0


def test_compact_drops_dead_bytes_and_keeps_values(store):
    for i in range(50):
        store.put("k", i)
    store.compact()
    assert store.stats().records == 1
    assert store.get("k") == 49


def test_verify_of_an_intact_store_is_clean(store):
    store.put("k", 1)
    report = store.verify()
    assert report.clean and report.records == 1 and report.segments >= 1


def test_verify_reports_a_flipped_byte_with_its_file(store):
    store.put("k", "x" * 100)
    store.put("later", 1)
    segment = next(p for p in store.path.iterdir() if p.suffix == ".jsonl")
    data = bytearray(segment.read_bytes())
    data[data.rindex(b"xxxx")] = ord("y")
    segment.write_bytes(bytes(data))
    report = dotlog.verify(store.path)
    assert not report.clean
    assert report.errors[0].file == segment
    assert "checksum" in str(report.errors[0])


def test_damage_lists_a_record_skipped_at_open_and_the_rest_loads(store_dir):
    with dotlog.Store(store_dir) as s:
        s.put("k", "x" * 100)
        s.put("later", 1)
    segment = next(p for p in store_dir.iterdir() if p.suffix == ".jsonl")
    data = bytearray(segment.read_bytes())
    data[data.rindex(b"xxxx")] = ord("y")
    segment.write_bytes(bytes(data))
    with dotlog.Store(store_dir) as s:
        damage = s.damage()
        assert [d.file for d in damage] == [segment]
        assert "checksum" in damage[0].reason
        assert s.get("later") == 1 and "k" not in s


def test_path_is_a_pathlib_path_and_accepts_path_like(tmp_path):
    with dotlog.Store(pathlib.Path(tmp_path) / "s") as s:
        assert s.path == tmp_path / "s"
        assert isinstance(s.path, pathlib.Path)


def test_close_is_idempotent_and_later_calls_raise(store_dir):
    s = dotlog.Store(store_dir)
    s.close()
    s.close()
    with pytest.raises(dotlog.PreconditionFailed, match="closed"):
        s.get("k")
