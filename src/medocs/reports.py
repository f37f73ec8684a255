"""Text that leaves medocs for a spreadsheet: CSV cells that a spreadsheet will not run as formulas.

Used by the batch reports (manifest, errors) and the register's export; imports nothing of medocs.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: object) -> str:
    """Turn a value into CSV cell text that a spreadsheet will not run as a formula.

    Args:
        value: any value; None is empty, dates are ISO ``YYYY-MM-DD``.

    Returns:
        The text, with a leading apostrophe when it starts with ``=``, ``+``, ``-``, ``@``,
        a tab or a carriage return (the apostrophe makes Excel and LibreOffice show text).
    """
    if value is None:
        return ""
    text = value.isoformat() if isinstance(value, date) else str(value)
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
