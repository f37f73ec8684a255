"""Write a case as TOML that ``tomllib`` reads back to the same data.

The standard library reads TOML but does not write it. Case files need only a few shapes:
strings, booleans, integers, dates, lists of those, tables and arrays of tables, so this small
writer covers exactly those and refuses anything else.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

__all__ = ["dumps_case"]

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f",
            "\r": "\\r"}


def _key(name: str) -> str:
    # fullmatch: "$" would also match before a trailing newline ("0\n" is not a bare key).
    return name if _BARE_KEY.fullmatch(name) else _string(name)


def _string(text: str) -> str:
    """A TOML basic string: quotes, backslashes and control characters escaped."""
    out = []
    for char in text:
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04X}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def _scalar(value: Any, where: str) -> str:
    # bool before int: bool is a subclass of int. datetime before date, for the same reason.
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, datetime):
        msg = f"{where}: a case holds dates, not date-times (got {value!r})"
        raise TypeError(msg)
    if isinstance(value, date):
        return value.isoformat()
    msg = f"{where}: cannot write {type(value).__name__} to a case file"
    raise TypeError(msg)


def _is_table(value: Any) -> bool:
    return isinstance(value, Mapping)


def _is_table_array(value: Any) -> bool:
    return (isinstance(value, Sequence) and not isinstance(value, str) and bool(value)
            and all(isinstance(item, Mapping) for item in value))


def _value(value: Any, where: str) -> str:
    if isinstance(value, Sequence) and not isinstance(value, str):
        items = [_scalar(item, f"{where}[{i}]") for i, item in enumerate(value)]
        if sum(len(item) + 2 for item in items) <= 80:
            return "[" + ", ".join(items) + "]"
        return "[\n" + "".join(f"    {item},\n" for item in items) + "]"  # one item a line
    return _scalar(value, where)


def _table(data: Mapping[str, Any], path: list[str], out: list[str]) -> None:
    """Write a table's own keys, then its sub-tables, then its arrays of tables (TOML order)."""
    items = [(key, value) for key, value in data.items() if value is not None]
    for key, value in items:
        if not _is_table(value) and not _is_table_array(value):
            out.append(f"{_key(key)} = {_value(value, '.'.join([*path, key]))}")
    for key, value in items:
        if _is_table(value):
            out += ["", f"[{'.'.join(_key(part) for part in [*path, key])}]"]
            _table(value, [*path, key], out)
    for key, value in items:
        if _is_table_array(value):
            for item in value:
                out += ["", f"[[{'.'.join(_key(part) for part in [*path, key])}]]"]
                _table(item, [*path, key], out)


def dumps_case(data: Mapping[str, Any], *, comment: str = "") -> str:
    """Serialise a case as TOML; ``None`` values are left out.

    Args:
        data: the case, as plain Python values (``model_dump()`` of a case model).
        comment: lines to put first, each written as a ``#`` comment.

    Raises:
        TypeError: for a value no case file holds (a float, a date-time, an object).
    """
    out = [f"# {line}".rstrip() for line in comment.splitlines()]
    _table(data, [], out)
    return "\n".join(out).strip("\n") + "\n"
