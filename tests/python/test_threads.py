"""Threads sharing one handle."""

import threading

from dotfiles_state_manager import StateManager

THREADS, ROUNDS = 8, 100


def hammer(target):
    errors = []
    barrier = threading.Barrier(THREADS)

    def run(t):
        try:
            barrier.wait()
            for i in range(ROUNDS):
                target(t, i)
        except BaseException as e:  # reported by the assertion below
            errors.append(e)

    threads = [threading.Thread(target=run, args=(t,)) for t in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


def test_threads_hammering_one_store_lose_no_increment(store):
    hammer(lambda t, i: (store.increment("n"), store.put(f"t{t}/{i}", i)))
    assert store.get("n") == THREADS * ROUNDS
    assert len(store.keys("t")) == THREADS * ROUNDS


def test_threads_hammering_one_state_manager_lose_nothing(tmp_path):
    with StateManager(tmp_path / "state",
                      settings={"event_max_count": 100000}) as state:
        def work(t, i):
            state.set_state(f"t{t}/{i}", {"i": i})
            state.log_event("tick", f"thread{t}", {"i": i})
            state.set_current_wallpaper(f"mon{t}", f"/w/{t}/{i}.png")
            assert state.get_state(f"t{t}/{i}") == {"i": i}

        hammer(work)
        events = state.query_events("tick")
        assert len(events) == THREADS * ROUNDS
        assert len({e.id for e in events}) == THREADS * ROUNDS
        current = state.list_current_wallpapers()
        assert {m: str(p) for m, p in current.items()} == {
            f"mon{t}": f"/w/{t}/{ROUNDS - 1}.png" for t in range(THREADS)}
