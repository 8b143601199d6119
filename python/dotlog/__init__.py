"""dotlog: a crash-safe key-value store kept as an append-only log of JSON
lines, shared safely by threads and processes.

    import dotlog
    with dotlog.Store("~/.local/state/dotfiles") as store:
        store.put("theme", {"name": "nord", "dark": True})
        store.get("theme")          # {'name': 'nord', 'dark': True}
        for change in store.watch("theme"):
            print(change.op, change.key, change.value)
"""

from ._errors import (Conflict, Corruption, Error, InvalidArgument,
                      LockTimeout, NotFound, OutOfRange, PreconditionFailed,
                      StorageError)
from ._store import Batch, Store, verify
from ._types import Change, Item, KeyVersion, Problem, Stats, VerifyReport
from ._watch import Watch

__all__ = [
    "Batch", "Change", "Conflict", "Corruption", "Error", "InvalidArgument",
    "Item", "KeyVersion", "LockTimeout", "NotFound", "OutOfRange",
    "PreconditionFailed", "Problem", "Stats", "StorageError", "Store",
    "VerifyReport",
    "Watch", "verify",
]
__version__ = "0.1.0"

for _cls in (Conflict, Corruption, Error, InvalidArgument, LockTimeout,
             NotFound, OutOfRange, PreconditionFailed, StorageError):
    _cls.__module__ = __name__
del _cls
