"""Store.watch: an iterator over the changes other processes commit."""

from __future__ import annotations

import collections
import time
from . import _dotlog
from ._closing import Closing
from ._types import Change
from ._values import decode, from_micros, from_rfc3339

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Deque, Iterator, Optional, Tuple

# Longest single wait, so that Ctrl-C is handled within this many seconds.
_WAIT_SLICE = 0.25


def _change(raw: Tuple[Any, ...]) -> Change:
    is_delete, key, value, ts, seq, expires_us = raw
    return Change("delete" if is_delete else "put", key,
                  None if is_delete else decode(value), from_rfc3339(ts), seq,
                  from_micros(expires_us))


class Watch(Closing):
    """Iterates over every change to keys starting with a prefix committed
    after the watch began (by this or any other process), in commit order,
    waiting for the next one when none is pending. Break out of the loop
    or call close() to stop. With `timeout`, iteration ends once that many
    seconds pass without a change."""

    def __init__(self, directory: str, prefix: str, initial: bool,
                 timeout: Optional[float]) -> None:
        self._feed: Optional[_dotlog.Feed] = _dotlog.Feed(
            directory, prefix, initial)
        self._pending: Deque[Change] = collections.deque()
        self._timeout = timeout

    def __iter__(self) -> Iterator[Change]:
        return self

    def __next__(self) -> Change:
        deadline = (None if self._timeout is None
                    else time.monotonic() + self._timeout)
        while not self._pending:
            if self._feed is None:
                raise StopIteration
            self._pending.extend(_change(c) for c in self._feed.read())
            if self._pending:
                break
            wait = _WAIT_SLICE
            if deadline is not None:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise StopIteration
                wait = min(wait, left)
            self._feed.wait(max(1, int(wait * 1000)))
        return self._pending.popleft()

    def close(self) -> None:
        """Stops watching; iteration then ends."""
        self._feed = None
        self._pending.clear()
