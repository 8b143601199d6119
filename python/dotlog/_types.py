"""Plain records that dotlog.Store returns: named tuples, immutable."""

from __future__ import annotations

import datetime as _dt
from ._values import as_path

TYPE_CHECKING = False
if TYPE_CHECKING:
    import pathlib
    from typing import Any, List, NamedTuple, Optional, Tuple
else:
    from ._record import NamedTuple


def repr_without(record: Any, hidden: str) -> str:
    """`record`'s repr without its field `hidden` (long, and shown by other
    means)."""
    shown = ", ".join(f"{name}={value!r}"
                      for name, value in zip(record._fields, record)
                      if name != hidden)
    return f"{type(record).__name__}({shown})"


class Item(NamedTuple):
    """A live key with its value, expiry and the sequence number of the
    record that wrote it (what compare_and_set expects)."""
    key: str
    value: Any
    expires_at: Optional[_dt.datetime]
    seq: int


class KeyVersion(NamedTuple):
    """One version of a key, as Store.history returns them, newest first."""
    seq: int
    written: _dt.datetime
    deleted: bool
    value: Any  # None for a delete
    expires_at: Optional[_dt.datetime]


class Change(NamedTuple):
    """One put or delete committed to the store, by any process."""
    op: str  # "put" or "delete"
    key: str
    value: Any  # None for a delete
    time: _dt.datetime
    seq: int
    expires_at: Optional[_dt.datetime]


class Stats(NamedTuple):
    """Counters for the whole store (see include/dotlog/stats.h)."""
    live_keys: int
    records: int
    segments: int
    total_bytes: int
    live_bytes: int
    dead_bytes: int
    damaged_records: int
    torn_tail_bytes: int
    last_seq: int
    snapshot_keys: int
    index_bytes: int


class Problem(NamedTuple):
    """A damaged or suspicious line of a segment file. `line` is 0 when the
    problem concerns the whole file. str() gives "FILE:LINE: reason"."""
    file: pathlib.Path
    line: int
    offset: int
    reason: str
    text: str

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return repr_without(self, "text")


class VerifyReport(NamedTuple):
    """What dotlog.verify found: damage in `errors`, harmless leftovers
    (a torn tail, replaced segments not yet removed) in `warnings`."""
    segments: int
    records: int
    errors: List[Problem]
    warnings: List[Problem]

    @property
    def clean(self) -> bool:
        """True if no damage was found."""
        return not self.errors


def problem(raw: Tuple[Any, ...]) -> Problem:
    file, line, offset, reason, text = raw
    return Problem(as_path(file), line, offset, reason, text)
