"""The exception hierarchy: what each error is, and what it carries."""

import datetime as dt
import fcntl
import math

import pytest

import dotlog
from dotlog import _errors


def hold_lock(path):
    """Takes the flock on `path` the way another process's writer would."""
    f = open(path, "a+")
    fcntl.flock(f, fcntl.LOCK_EX)
    return f


@pytest.mark.parametrize("value", [
    math.nan, math.inf, -math.inf, {1: "int key"}, {None: 1}, (1, 2), {1, 2},
    b"bytes", object(), "lone \ud800 surrogate", [[float("nan")]], 2**64,
    -(2**63) - 1,
], ids=repr)
def test_a_value_json_cannot_hold_is_invalid_argument_and_writes_nothing(
        store, value):
    with pytest.raises(ValueError) as info:
        store.put("k", value)
    assert isinstance(info.value, dotlog.InvalidArgument)
    assert "not JSON" in str(info.value)
    assert store.stats().records == 0


@pytest.mark.parametrize("key,why", [
    ("", "empty"), ("x" * 5000, "4096"),
])
def test_a_bad_key_is_invalid_argument_naming_why(store, key, why):
    with pytest.raises(dotlog.InvalidArgument, match=why):
        store.put(key, 1)


def test_a_key_that_is_not_a_string_is_invalid_argument(store):
    with pytest.raises(dotlog.InvalidArgument, match="key must be str"):
        store.put(1, 1)


@pytest.mark.parametrize("ttl", [0, -1, math.nan, "10", True,
                                 dt.timedelta(seconds=-1)], ids=repr)
def test_a_bad_ttl_is_invalid_argument(store, ttl):
    with pytest.raises(dotlog.InvalidArgument, match="ttl"):
        store.put("k", 1, ttl=ttl)


def test_a_naive_expiry_is_invalid_argument(store):
    with pytest.raises(dotlog.InvalidArgument, match="timezone-aware"):
        store.put("k", 1, expires_at=dt.datetime(2100, 1, 1))


def test_ttl_with_expires_at_is_invalid_argument(store):
    with pytest.raises(dotlog.InvalidArgument, match="not both"):
        store.put("k", 1, ttl=5, expires_at=dt.datetime.now(dt.timezone.utc))


def test_a_missing_directory_without_create_is_a_storage_error_with_its_path(
        tmp_path):
    missing = tmp_path / "nope"
    with pytest.raises(OSError) as info:
        dotlog.Store(missing, create=False)
    assert isinstance(info.value, dotlog.StorageError)
    assert info.value.filename == str(missing)
    assert not missing.exists()


def test_an_unwritable_directory_is_a_storage_error_with_its_path(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with pytest.raises(dotlog.StorageError) as info:
        dotlog.Store(blocker / "store")
    assert info.value.filename is not None
    assert str(blocker) in info.value.filename


def test_a_held_write_lock_times_out_as_lock_timeout_with_the_lock_path(
        store_dir):
    with dotlog.Store(store_dir, lock_timeout=0.05) as s:
        with hold_lock(store_dir / "LOCK"):
            with pytest.raises(TimeoutError) as info:
                s.put("k", 1)
        assert isinstance(info.value, dotlog.LockTimeout)
        assert isinstance(info.value, OSError)
        assert info.value.filename == str(store_dir / "LOCK")
        s.put("k", 2)  # free again
        assert s.get("k") == 2


def test_compacting_while_another_process_compacts_is_a_conflict(store):
    store.put("k", 1)
    with hold_lock(store.path / "COMPACTION.LOCK"):
        with pytest.raises(dotlog.Conflict):
            store.compact()


def test_incrementing_a_value_that_is_not_an_integer_fails_unchanged(store):
    store.put("k", "text")
    with pytest.raises(dotlog.PreconditionFailed, match="integer"):
        store.increment("k")
    assert store.get("k") == "text"


def test_incrementing_past_64_bits_is_out_of_range(store):
    store.put("k", 2**63 - 1)
    with pytest.raises(OverflowError) as info:
        store.increment("k")
    assert isinstance(info.value, dotlog.OutOfRange)
    assert store.get("k") == 2**63 - 1


def test_an_increment_amount_past_64_bits_is_invalid_argument(store):
    with pytest.raises(dotlog.InvalidArgument, match="64 bits"):
        store.increment("k", 2**64)


@pytest.mark.parametrize("code,cls", [
    (3, dotlog.InvalidArgument), (4, dotlog.LockTimeout),
    (5, dotlog.NotFound), (9, dotlog.PreconditionFailed),
    (10, dotlog.Conflict), (11, dotlog.OutOfRange), (15, dotlog.Corruption),
    (13, dotlog.StorageError),
])
def test_every_status_code_maps_to_its_class(code, cls):
    error = _errors.from_status(code, "message")
    assert type(error) is cls
    assert isinstance(error, dotlog.Error)
    assert str(error) == "message"


def test_damage_messages_carry_the_file_as_filename():
    error = _errors.from_status(15, "/s/00000001.jsonl: expected 10 bytes")
    assert isinstance(error, dotlog.Corruption)
    assert error.filename == "/s/00000001.jsonl"


def test_a_file_not_found_is_a_storage_error_not_a_missing_key():
    error = _errors.from_status(5, "open /s/x.jsonl: No such file or directory")
    assert type(error) is dotlog.StorageError
    assert error.filename == "/s/x.jsonl"


def test_a_file_operation_failing_with_any_code_is_a_storage_error():
    error = _errors.from_status(9, "mkdir /s/f: exists and is not a directory")
    assert type(error) is dotlog.StorageError
    assert error.filename == "/s/f"
