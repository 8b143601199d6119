"""Several processes at once: Python, the dotlog tool, fork, SIGKILL."""

import json
import os
import signal
import subprocess
import sys

import pytest

import dotlog
from conftest import python_process, run_cli

ROUND_TRIP_VALUES = [None, True, 12, -3.5, "é ✓", [1, {"a": None}],
                     {"nested": {"k": [1, 2, 3]}, "s": "quote \" \\"}]


@pytest.mark.parametrize("value", ROUND_TRIP_VALUES, ids=repr)
def test_a_value_put_from_python_reads_the_same_with_dotlog_get(
        store, dotlog_bin, value):
    store.put("k", value)
    assert json.loads(run_cli(dotlog_bin, store.path, "get", "k")) == value


@pytest.mark.parametrize("value", ROUND_TRIP_VALUES, ids=repr)
def test_a_value_set_with_dotlog_set_reads_the_same_from_python(
        store, dotlog_bin, value):
    run_cli(dotlog_bin, store.path, "set", "k", json.dumps(value))
    assert store.get("k") == value


def test_a_key_deleted_with_the_tool_is_missing_in_python(store, dotlog_bin):
    store.put("k", 1)
    run_cli(dotlog_bin, store.path, "del", "k")
    with pytest.raises(KeyError):
        store.get("k")


WRITER = """
import sys, dotlog
name, n = sys.argv[2], int(sys.argv[3])
with dotlog.Store(sys.argv[1]) as s:
    for i in range(n):
        s.increment("counter")
        s.put(f"{name}/{i}", i)
"""


def test_two_python_processes_and_the_tool_writing_at_once_lose_nothing(
        store, dotlog_bin):
    n, cli_n = 300, 40
    writers = [python_process(WRITER, store.path, name, n)
               for name in ("p1", "p2")]
    for i in range(cli_n):
        run_cli(dotlog_bin, store.path, "incr", "counter")
        run_cli(dotlog_bin, store.path, "set", f"cli/{i}", str(i))
    assert [w.wait(timeout=120) for w in writers] == [0, 0]
    assert store.get("counter") == 2 * n + cli_n
    for name, count in (("p1", n), ("p2", n), ("cli", cli_n)):
        assert store.items(f"{name}/") == sorted(
            (f"{name}/{i}", i) for i in range(count))


def test_watch_receives_a_change_made_by_another_process(store):
    with store.watch("w/", timeout=60) as changes:
        writer = python_process(
            "import sys, dotlog\n"
            "with dotlog.Store(sys.argv[1]) as s:\n"
            "    s.put('other/ignored', 0)\n"
            "    s.put('w/key', {'from': 'child'})\n"
            "    s.delete('w/key')\n", store.path)
        assert writer.wait(timeout=60) == 0
        first, second = next(changes), next(changes)
    assert (first.op, first.key, first.value) == ("put", "w/key", {"from": "child"})
    assert (second.op, second.key, second.value) == ("delete", "w/key", None)
    assert first.time.tzinfo is not None and second.seq == first.seq + 1


def test_watch_with_initial_yields_live_keys_first(store):
    store.put("w/a", 1)
    store.put("w/b", 2)
    changes = store.watch("w/", initial=True, timeout=0.2)
    assert [(c.key, c.value) for c in changes] == [("w/a", 1), ("w/b", 2)]


def test_watch_ends_after_its_timeout_without_changes(store):
    assert list(store.watch(timeout=0.05)) == []


def test_a_forked_child_writes_with_its_own_lock_beside_the_parent(store):
    store.put("before", 1)
    n = 300
    pid = os.fork()
    if pid == 0:  # child: the inherited handle must reopen, not share a lock
        code = 0
        try:
            for _ in range(n):
                store.increment("counter")
            store.close()
        except BaseException:
            code = 1
        os._exit(code)
    for _ in range(n):
        store.increment("counter")
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert store.get("counter") == 2 * n
    assert store.get("before") == 1


BATCH_WRITER = """
import sys, dotlog
keys, size = int(sys.argv[2]), int(sys.argv[3])
with dotlog.Store(sys.argv[1]) as s:
    generation = 0
    while True:
        generation += 1
        with s.batch() as b:
            for k in range(keys):
                b.put(f"b/{k}", {"generation": generation, "pad": "x" * size})
        if generation == 1:
            print("committed", flush=True)
"""


@pytest.mark.parametrize("round", range(5))
def test_a_process_killed_in_the_middle_of_a_batch_leaves_all_or_nothing(
        store_dir, round):
    keys = 200
    writer = python_process(BATCH_WRITER, store_dir, keys, 2000 + 997 * round,
                            stdout=subprocess.PIPE, text=True)
    assert writer.stdout.readline() == "committed\n"
    # Kill while it writes further batches, each ~0.5 MB: at a random point
    # of one of them.
    os.kill(writer.pid, signal.SIGKILL)
    writer.wait(timeout=60)
    with dotlog.Store(store_dir) as s:
        generations = {v["generation"] for _, v in s.items("b/")}
        assert len(s.keys("b/")) == keys
    assert len(generations) == 1, generations
