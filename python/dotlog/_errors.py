"""The exceptions dotlog raises, and the one mapping from the C++ library's
status codes to them."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Optional, Tuple

__all__ = [
    "Error",
    "NotFound",
    "InvalidArgument",
    "Conflict",
    "LockTimeout",
    "PreconditionFailed",
    "OutOfRange",
    "StorageError",
    "Corruption",
]


class Error(Exception):
    """Base class of every error dotlog raises."""


class NotFound(Error, KeyError):
    """A key is absent or expired. Also a KeyError."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class InvalidArgument(Error, ValueError):
    """Bad input (a key, value, time to live...); nothing was written.
    Also a ValueError."""


class Conflict(Error):
    """Another writer got there first (for example a compaction already
    running in another process)."""


class PreconditionFailed(Error):
    """The operation does not apply to the current state: the store is
    closed, a sync failed earlier (reopen the store), or increment met a
    value that is not an integer."""


class OutOfRange(Error, OverflowError):
    """A result does not fit (an increment past the 64-bit range).
    Also an OverflowError."""


class StorageError(Error, OSError):
    """The file system failed. An OSError; ``filename`` is the path
    involved when the message names one."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class LockTimeout(StorageError, TimeoutError):
    """The store's write lock stayed held by another process for longer
    than the store's lock timeout. Also a TimeoutError."""


class Corruption(StorageError):
    """Stored data is damaged (a checksum or structure check failed)."""


# absl::StatusCode numbers.
_INVALID_ARGUMENT = 3
_DEADLINE_EXCEEDED = 4
_NOT_FOUND = 5
_ALREADY_EXISTS = 6
_FAILED_PRECONDITION = 9
_ABORTED = 10
_OUT_OF_RANGE = 11
_DATA_LOSS = 15

_CLASS_BY_CODE = {
    _INVALID_ARGUMENT: InvalidArgument,
    _DEADLINE_EXCEEDED: LockTimeout,
    _NOT_FOUND: NotFound,
    _ALREADY_EXISTS: Conflict,
    _FAILED_PRECONDITION: PreconditionFailed,
    _ABORTED: Conflict,
    _OUT_OF_RANGE: OutOfRange,
    _DATA_LOSS: Corruption,
}

# "OP PATH: reason", the form of every file-system error; "lock PATH: ..."
# for lock timeouts, "store directory PATH does not exist" at open.
# Compiled at the first error, so that importing dotlog does not load re.
_PATTERNS: Optional[Tuple[Any, Any, Any]] = None


def _patterns() -> Tuple[Any, Any, Any]:
    """The file-operation, missing-directory and damaged-file patterns."""
    global _PATTERNS
    if _PATTERNS is None:
        import re
        _PATTERNS = (
            re.compile(
                r"^(?:open|read|write|pread|fstat|stat|fsync|fdatasync|"
                r"ftruncate|mmap|flock|lock|poll|mkdir|opendir|readdir|"
                r"rename|unlink) (/[^:]*):"),
            re.compile(r"^store directory (.*) does not exist$"),
            re.compile(r"^(/[^:]*): "))
    return _PATTERNS


def from_status(code: int, message: str) -> Error:
    """The exception for a failed absl::Status of `code` and `message`."""
    cls = _CLASS_BY_CODE.get(code, StorageError)
    file_op, missing_dir, damaged_file = _patterns()
    path = None
    for pattern in (file_op, missing_dir, damaged_file):
        match = pattern.match(message)
        if match:
            path = match.group(1)
            break
    if path is not None and pattern is not damaged_file and not issubclass(
            cls, StorageError):
        # A file operation failed: errno's code (NotFound, PermissionDenied,
        # FailedPrecondition...) is about a file, not a key or the store.
        cls = StorageError
    error = cls(message)
    if isinstance(error, StorageError):
        error.filename = path
    return error
