"""dotlog.Store: the store with Python values, times and exceptions."""

from __future__ import annotations

import datetime as _dt
import os

from . import _dotlog
from ._closing import Closing
from ._errors import InvalidArgument, NotFound, PreconditionFailed
from ._types import Item, KeyVersion, Problem, Stats, VerifyReport, problem
from ._values import (as_path, decode, encode, from_micros, key_text,
                      path_text, to_micros, ttl_ms)
from ._watch import Watch

TYPE_CHECKING = False
if TYPE_CHECKING:
    import pathlib
    from typing import (Any, Callable, Dict, Iterator, List, Optional, Tuple,
                        Union)

    from ._values import Ttl

    PathLike = Union[str, "os.PathLike[str]"]

_MISSING: Any = object()


def _expiry(ttl: Optional[Ttl],
            expires_at: Optional[_dt.datetime]) -> Tuple[Optional[int],
                                                         Optional[int]]:
    if ttl is not None and expires_at is not None:
        raise InvalidArgument("give ttl or expires_at, not both")
    return ttl_ms(ttl), to_micros(expires_at)


def _item(raw: Tuple[Any, ...]) -> Item:
    key, value, expires_us, seq = raw
    return Item(key, decode(value), from_micros(expires_us), seq)


def verify(path: PathLike) -> VerifyReport:
    """Checks every record's checksum and every segment's structure in the
    store directory `path`, without opening the store (it may be in use).
    Raises StorageError if the directory is missing or unreadable."""
    segments, records, errors, warnings = _dotlog.verify(path_text(path))
    return VerifyReport(segments, records, [problem(p) for p in errors],
                        [problem(p) for p in warnings])


class Batch:
    """Puts and deletes that Store.batch() applies as one atomic record when
    the `with` block ends without an exception (and drops otherwise). After
    a crash at any point, either all of them are visible or none is."""

    def __init__(self, store: "Store") -> None:
        self._store = store
        self._ops: List[Tuple[bool, str, str, Optional[int],
                              Optional[int]]] = []

    def put(self, key: str, value: Any, *, ttl: Optional[Ttl] = None,
            expires_at: Optional[_dt.datetime] = None) -> None:
        """Adds a put; `value` is checked now, the key when committed."""
        self._ops.append((False, key_text(key), encode(value),
                          *_expiry(ttl, expires_at)))

    def delete(self, key: str) -> None:
        """Adds a delete of `key`."""
        self._ops.append((True, key_text(key), "", None, None))

    def __len__(self) -> int:
        return len(self._ops)

    def __enter__(self) -> "Batch":
        return self

    def __exit__(self, exc_type: Optional[type], *rest: object) -> None:
        if exc_type is None and self._ops:
            self._store._handle().write(self._ops)
        self._ops = []


class Store(Closing):
    """A handle on a dotlog store directory: a crash-safe key-value store
    whose values are JSON (dict, list, str, int, float, bool, None).

    Any number of threads may share one Store, and any number of processes
    may open the same directory; a read sees every write acknowledged by
    any of them before it began. The GIL is released while the store reads
    or writes files, syncs, or waits for another process's write lock. After
    os.fork() the child opens the store again by itself on first use.

    `sync` False skips the fsync of each write (a power loss may then lose
    the latest writes; a crash of the process loses nothing). `lock_timeout`
    is how many seconds a write waits for another process's write before
    raising LockTimeout. `create` False raises StorageError if the directory
    does not exist. Use as a context manager, or call close()."""

    def __init__(self, path: PathLike, *, sync: bool = True,
                 create: bool = True, lock_timeout: float = 5.0,
                 auto_compact: bool = True) -> None:
        self._path = path_text(path)
        if lock_timeout < 0:
            raise InvalidArgument("lock_timeout must not be negative")
        self._store: Optional[_dotlog.Store] = _dotlog.Store(
            self._path, bool(sync), bool(create),
            int(lock_timeout * 1000), bool(auto_compact))

    def _handle(self) -> _dotlog.Store:
        store = self._store
        if store is None:
            raise PreconditionFailed(f"store {self._path} is closed")
        return store

    @property
    def path(self) -> pathlib.Path:
        """The store directory."""
        return as_path(self._path)

    def get(self, key: str, default: Any = _MISSING) -> Any:
        """The value of `key`. If the key is absent or expired, `default`
        when given, else NotFound (a KeyError)."""
        try:
            return decode(self._handle().get(key_text(key)))
        except NotFound:
            if default is _MISSING:
                raise
            return default

    def lookup(self, key: str) -> Item:
        """The key's value with its expiry and sequence number. NotFound if
        absent or expired."""
        return _item(self._handle().lookup(key_text(key)))

    def put(self, key: str, value: Any, *, ttl: Optional[Ttl] = None,
            expires_at: Optional[_dt.datetime] = None) -> None:
        """Stores `value` under `key`, durable on return (unless sync=False).
        `ttl` (seconds or timedelta) or `expires_at` (an aware datetime)
        makes it expire. InvalidArgument for a bad key, a value JSON cannot
        hold, or both ttl and expires_at; nothing is then written."""
        self._handle().put(key_text(key), encode(value),
                           *_expiry(ttl, expires_at))

    def delete(self, key: str) -> None:
        """Removes `key`; removing an absent key does nothing."""
        self._handle().delete(key_text(key))

    def batch(self) -> Batch:
        """A Batch to fill in a `with` block; applied atomically at its end."""
        return Batch(self)

    def keys(self, prefix: str = "") -> List[str]:
        """The live keys starting with `prefix`, in byte order."""
        return self._handle().keys(key_text(prefix))

    def items(self, prefix: str = "") -> List[Tuple[str, Any]]:
        """(key, value) for every live key starting with `prefix`, in key
        byte order."""
        return [(key, decode(value))
                for key, value, _, _ in self._handle().items(key_text(prefix))]

    def lookup_all(self, prefix: str = "") -> List[Item]:
        """Every live Item whose key starts with `prefix`, in key order."""
        return [_item(raw) for raw in self._handle().items(key_text(prefix))]

    def update(self, key: str, fn: Callable[[Any], Any], *,
               default: Any = None, ttl: Optional[Ttl] = None,
               delete_on_none: bool = False) -> Any:
        """Replaces the value of `key` with fn(current) atomically across
        threads and processes, and returns the new value. `current` is
        `default` when the key is absent. If `delete_on_none` and fn returns
        None, the key is deleted. An exception from fn propagates and
        nothing is written. fn runs while the write lock is held: keep it
        short and never call the store from it."""
        def step(current: Optional[str]) -> Optional[str]:
            new = fn(default if current is None else decode(current))
            if new is None and delete_on_none:
                return None
            return encode(new)

        stored = self._handle().update(key_text(key), step, ttl_ms(ttl), None)
        return None if stored is None else decode(stored)

    def compare_and_set(self, key: str, expected_seq: int, value: Any, *,
                        ttl: Optional[Ttl] = None) -> bool:
        """Stores `value` only if the key's current value was written by the
        record with sequence number `expected_seq` (Item.seq; 0 means "only
        if absent"). False, with nothing written, if the key moved on."""
        return self._handle().compare_and_set(key_text(key), expected_seq,
                                              encode(value), ttl_ms(ttl), None)

    def increment(self, key: str, by: int = 1) -> int:
        """Adds `by` to the integer under `key` (absent counts as 0)
        atomically and returns the result. PreconditionFailed if the value is
        not an integer, OutOfRange past 64 bits."""
        if isinstance(by, bool) or not isinstance(by, int):
            raise InvalidArgument(f"by must be int, not {type(by).__name__}")
        if not -2**63 <= by < 2**63:
            raise InvalidArgument(f"by {by} exceeds 64 bits")
        return self._handle().increment(key_text(key), by)

    def history(self, key: str, limit: int = 10) -> List[KeyVersion]:
        """Up to `limit` versions of `key` still in the log, newest first."""
        if limit < 0:
            raise InvalidArgument("limit must not be negative")
        return [KeyVersion(seq, from_micros(written), deleted,  # type: ignore[arg-type]
                        None if deleted else decode(value),
                        from_micros(expires))
                for seq, written, deleted, value, expires
                in self._handle().history(key_text(key), limit)]

    def stats(self) -> Stats:
        """Counters for the whole store."""
        return Stats(**self._handle().stats())

    def compact(self) -> None:
        """Rewrites the log keeping only live values. Conflict if another
        process is compacting the store now."""
        self._handle().compact()

    def sync(self) -> None:
        """Makes every write so far durable (useful with sync=False)."""
        self._handle().sync()

    def damage(self) -> List[Problem]:
        """Every damaged record this handle skipped since it opened the
        store, in the order met (dotlog.verify checks the whole store)."""
        return [Problem(as_path(file), line, offset, reason,
                        f"{file}:{line}: {reason}")
                for file, line, offset, reason in self._handle().damage()]

    def verify(self) -> VerifyReport:
        """dotlog.verify on this store's directory."""
        return verify(self._path)

    def watch(self, prefix: str = "", *, initial: bool = False,
              timeout: Optional[float] = None) -> Watch:
        """An iterator of Change for every put or delete of a key starting
        with `prefix` committed from now on, by any process. With `initial`,
        first a put for every live key. With `timeout`, iteration ends after
        that many seconds without a change."""
        self._handle()
        return Watch(self._path, key_text(prefix), initial, timeout)

    def close(self) -> None:
        """Syncs and closes the store; later calls raise
        PreconditionFailed. Closing
        twice does nothing."""
        store, self._store = self._store, None
        if store is not None:
            store.close()

    def __getitem__(self, key: str) -> Any:
        return self.get(key)

    def __setitem__(self, key: str, value: Any) -> None:
        self.put(key, value)

    def __delitem__(self, key: str) -> None:
        self.delete(key)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self._handle().contains(key)

    def __iter__(self) -> Iterator[str]:
        return iter(self.keys())

    def __repr__(self) -> str:
        state = "" if self._store is not None else " (closed)"
        return f"dotlog.Store({self._path!r}){state}"
