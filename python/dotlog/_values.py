"""Conversions between Python objects and what the C++ store takes: values
as JSON text, times as microseconds since the epoch, paths as str."""

from __future__ import annotations

import datetime as _dt
import math
import os

from ._errors import InvalidArgument

TYPE_CHECKING = False
if TYPE_CHECKING:
    import pathlib
    from typing import Any, Optional, Union

    Ttl = Union[int, float, _dt.timedelta]

_EPOCH = _dt.datetime(1970, 1, 1, tzinfo=_dt.timezone.utc)
_JSON: Any = None


def _json() -> Any:
    """The json module, imported at the first value encoded or decoded: a
    process that only checks the wallpaper cache never loads it (nor re)."""
    global _JSON
    if _JSON is None:
        import json
        _JSON = json
    return _JSON


def encode(value: Any) -> str:
    """`value` (dict, list, str, int, float, bool, None, nested) as JSON
    text. InvalidArgument for anything JSON cannot hold exactly: NaN and
    infinities, integers beyond 64 bits, non-string dict keys, other types,
    lone surrogates."""
    try:
        text: str = _json().dumps(_checked(value), ensure_ascii=False,
                                  allow_nan=False, separators=(",", ":"))
        return text
    except (TypeError, ValueError, RecursionError) as e:
        raise InvalidArgument(f"value is not JSON: {e}") from None


def _checked(value: Any) -> Any:
    # json.dumps turns int, float, bool and None dict keys into strings and
    # tuples into lists; a store that gives back something else than it was
    # given is worse than one that refuses.
    if isinstance(value, dict):
        for key in value:
            if not isinstance(key, str):
                raise TypeError(
                    f"dict key {key!r} is {type(key).__name__}, not str")
            _checked(value[key])
    elif isinstance(value, list):
        for item in value:
            _checked(item)
    elif isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as e:
            raise ValueError(f"string is not valid Unicode ({e.reason})")
    elif isinstance(value, int) and not isinstance(value, bool):
        if not -2**63 <= value < 2**64:
            raise ValueError(f"integer {value} does not fit in 64 bits")
    elif not (value is None or isinstance(value, (bool, float))):
        raise TypeError(f"{type(value).__name__} is not a JSON type")
    return value


def decode(text: str) -> Any:
    """The Python object for stored JSON text."""
    return _json().loads(text)


def key_text(key: str) -> str:
    if not isinstance(key, str):
        raise InvalidArgument(f"key must be str, not {type(key).__name__}")
    return key


def ttl_ms(ttl: Optional[Ttl]) -> Optional[int]:
    """A time to live (seconds, or a timedelta) in whole milliseconds,
    rounded up so that a short one never becomes 0."""
    if ttl is None:
        return None
    if isinstance(ttl, _dt.timedelta):
        seconds = ttl.total_seconds()
    elif isinstance(ttl, (int, float)) and not isinstance(ttl, bool):
        seconds = float(ttl)
    else:
        raise InvalidArgument(
            f"ttl must be seconds or a timedelta, not {type(ttl).__name__}")
    if not math.isfinite(seconds) or seconds <= 0:
        raise InvalidArgument(f"ttl must be positive, not {ttl!r}")
    return math.ceil(seconds * 1000)


def to_micros(when: Optional[_dt.datetime]) -> Optional[int]:
    """An aware datetime as microseconds since the epoch."""
    if when is None:
        return None
    if not isinstance(when, _dt.datetime):
        raise InvalidArgument(
            f"expires_at must be a datetime, not {type(when).__name__}")
    if when.tzinfo is None or when.utcoffset() is None:
        raise InvalidArgument(
            "expires_at must be timezone-aware (e.g. datetime.now(timezone.utc))")
    return (when - _EPOCH) // _dt.timedelta(microseconds=1)


def from_micros(micros: Optional[int]) -> Optional[_dt.datetime]:
    """Microseconds since the epoch as an aware datetime in UTC."""
    if micros is None:
        return None
    return _EPOCH + _dt.timedelta(microseconds=micros)


def from_rfc3339(text: str) -> _dt.datetime:
    """A record's "ts" (RFC 3339, UTC) as an aware datetime."""
    return _dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def path_text(path: Union[str, os.PathLike[str]]) -> str:
    """`path` as an absolute str."""
    try:
        return os.path.abspath(os.path.expanduser(os.fsdecode(os.fspath(path))))
    except TypeError:
        raise InvalidArgument(
            f"path must be str or os.PathLike, not {type(path).__name__}"
        ) from None


def as_path(text: str) -> pathlib.Path:
    """`text` as a pathlib.Path. pathlib is imported here, at the first path
    handed back, rather than by importing dotlog: a short-lived process that
    only checks the cache never pays for it."""
    from pathlib import Path
    return Path(text)
