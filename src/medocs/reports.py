"""Text that leaves medocs: CSV cells a spreadsheet will not run, lines a terminal will not obey.

Used by the batch reports (manifest, errors), the register's export and everything the CLI
prints; imports nothing of medocs. Values come from spreadsheets people typed (or attackers
wrote): an ESC sequence or a carriage return must reach a terminal as visible text, never as a
command that recolours, moves the cursor or overwrites a line with a fake summary.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from datetime import date

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# C0 and C1 controls (but newline and tab), DEL, the bidirectional overrides and isolates that
# reorder what a reader sees ("Trojan Source"), line and paragraph separators, and lone
# surrogates (no terminal or file encoding can hold them).
# A carriage return ending a CRLF line end (CSV on the screen) moves nothing: it is kept.
_UNSAFE_FOR_TERMINAL = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069"
    "\ud800-\udfff]|\r(?!\n)")


def _escaped(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal_safe(text: str) -> str:
    """Text with every control character shown as an escape (``\\x1b``), safe to print.

    Newlines, tabs and CRLF line ends are kept (medocs' own messages and CSV use them); a
    carriage return that could overwrite a line, ESC and the
    other C0/C1 controls, DEL, bidirectional overrides and lone surrogates become visible
    ``\\xNN`` / ``\\uNNNN`` escapes.

    Args:
        text: what is about to be printed.

    Returns:
        The text, unchanged when it held nothing to escape.
    """
    return _UNSAFE_FOR_TERMINAL.sub(_escaped, text) if _UNSAFE_FOR_TERMINAL.search(text) else text


def csv_safe(value: object) -> str:
    """Turn a value into CSV cell text that a spreadsheet will not run as a formula.

    Args:
        value: any value; None is empty, dates are ISO ``YYYY-MM-DD``.

    Returns:
        The text, with a leading apostrophe when it starts with ``=``, ``+``, ``-``, ``@``,
        a tab or a carriage return (the apostrophe makes Excel and LibreOffice show text), and
        control characters (but newline and tab) shown as escapes, as :func:`terminal_safe` does.
    """
    if value is None:
        return ""
    text = value.isoformat() if isinstance(value, date) else str(value)
    if _UNSAFE_FOR_TERMINAL.search(text):  # a report read with cat or less is a terminal too
        text = _UNSAFE_FOR_TERMINAL.sub(_escaped, text)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """A whole CSV file, safe to open in a spreadsheet, as UTF-8 with a BOM.

    The BOM makes Excel read the file as UTF-8 (without it, 'Zoë' shows as 'ZoÃ«').

    Args:
        header: the column names.
        rows: the values of each row, passed through :func:`csv_safe`.

    Returns:
        The file's bytes (Excel's defaults: comma, double quotes, CRLF line ends).
    """
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow([csv_safe(name) for name in header])
    writer.writerows([csv_safe(value) for value in row] for row in rows)
    return buffer.getvalue().encode("utf-8-sig")
