"""NamedTuple for the records the packages return, without typing.

Type checkers see typing.NamedTuple (each module imports it under
TYPE_CHECKING); at run time classes are built by collections.namedtuple from
the field names of the class body, their annotations left unread. Importing
typing and evaluating each annotation took several milliseconds of every
short-lived process that imports dotlog; the classes behave the same:
tuples with named fields, _fields, _replace, _asdict, the body's methods
and docstring.
"""

from __future__ import annotations

import collections

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

# Called through a name of its own: type checkers read a direct call of
# collections.namedtuple as a class declaration, which needs literal fields.
_make_tuple = collections.namedtuple


class _RecordType(type):
    def __new__(mcs, name: str, bases: tuple[type, ...],
                namespace: dict[str, Any]) -> type:
        if not bases:  # NamedTuple itself
            return super().__new__(mcs, name, bases, namespace)
        fields = list(namespace.get("__annotations__", {}))
        defaults = [namespace[f] for f in fields if f in namespace]
        module = namespace.get("__module__")
        record = _make_tuple(name, fields, defaults=defaults or None,
                             module=module)
        for key, value in namespace.items():
            if key not in fields and key not in ("__annotations__",
                                                 "__module__"):
                setattr(record, key, value)
        return record


class NamedTuple(metaclass=_RecordType):
    """Base class: `class Item(NamedTuple): key: str` as with typing's."""
