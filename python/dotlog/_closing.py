"""Closing: `with` support for the objects that have a close()."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import TypeVar

    _Self = TypeVar("_Self", bound="Closing")


class Closing:
    """A base for classes with close(): `with x:` gives x and closes it on
    the way out, whether or not an exception is raised."""

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self: _Self) -> _Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
