"""Batch input tables (CSV, XLSX, JSONL) read into rows of cells, and CSV written safely.

This module knows nothing about cases: a row is a mapping of column name to cell value, with
the row number a spreadsheet user sees (CSV and XLSX: the header is row 1; JSONL: the line),
and the cell-level problems found while reading (an Excel error value, a formula without a
saved result, a merged cell). What the file as a whole gets wrong (not UTF-8, no header,
a merged header, an unknown sheet) is a :class:`~medocs.errors.CaseValidationError` naming
the file and where in it.

Values: CSV and JSONL strings stay strings; JSONL numbers and booleans stay as they are;
XLSX cells give ``str``, ``int``, ``float``, ``bool`` or ``datetime`` (a date cell). Empty
cells and empty strings are left out of ``cells``.
"""

from __future__ import annotations

from pathlib import Path

from medocs.batch.cells import CellProblem, Table, TableRow, TableStream, _unreadable
from medocs.batch.text_tables import _check_utf8, _read_csv, _read_jsonl, flat_columns
from medocs.batch.xlsx import _read_xlsx
from medocs.errors import CaseValidationError

__all__ = [
    "TABLE_SUFFIXES",
    "CellProblem",
    "Table",
    "TableRow",
    "TableStream",
    "flat_columns",
    "open_table",
    "read_table",
]

TABLE_SUFFIXES = (".csv", ".xlsx", ".jsonl")

# Spreadsheets run a cell starting with one of these as a formula (OWASP "CSV injection");
# tab and carriage return are on OWASP's list too, since some programs strip them first.
_MAX_TABLE_BYTES = 200 * 1024 * 1024  # ~100x a national year's worth of rows


def read_table(path: Path, *, sheet: str | None = None) -> Table:
    """Read a .csv, .xlsx or .jsonl batch file.

    Args:
        path: the file.
        sheet: for .xlsx, the sheet to read (default: the first).

    Returns:
        The table.

    Raises:
        CaseValidationError: the file is missing, of another type, not UTF-8 (CSV, JSONL),
            has no header or a repeated column name (CSV, XLSX), a line that is not a JSON
            object (JSONL), an unknown sheet, or a merged cell in the header (XLSX).
    """
    stream = open_table(path, sheet=sheet)
    return Table(stream.source, stream.columns, tuple(stream.rows), stream.row_label)


def open_table(path: Path, *, sheet: str | None = None) -> TableStream:
    """Open a .csv, .xlsx or .jsonl batch file to read its rows one at a time.

    Memory stays small however long the file: CSV and JSONL are decoded a chunk at a time
    (a first pass checks that the whole file is UTF-8, so that fault is still reported
    first, as :func:`read_table` does), XLSX sheets stream from the zip (:mod:`medocs.batch.xlsx`).

    Args:
        path: the file.
        sheet: for .xlsx, the sheet to read (default: the first).

    Returns:
        The open table; read (or close) its ``rows`` to the end to release the file.

    Raises:
        CaseValidationError: as :func:`read_table`, for what is found up to the header;
            later faults are raised while the rows are read.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in TABLE_SUFFIXES:
        msg = f"{path}: a batch file must end in .csv, .xlsx or .jsonl (got '{path.suffix or 'no suffix'}')"
        raise CaseValidationError(msg)
    if sheet is not None and suffix != ".xlsx":
        msg = f"{path}: --sheet is for .xlsx files only"
        raise CaseValidationError(msg)
    try:
        size = path.stat().st_size
        if size > _MAX_TABLE_BYTES:
            msg = f"{path}: a batch file must be under {_MAX_TABLE_BYTES >> 20} MB (got {size:,} bytes)"
            raise CaseValidationError(msg)
        if suffix == ".xlsx":
            return _read_xlsx(path, sheet)
        first_line = _check_utf8(path)
        if suffix == ".csv":
            return _read_csv(path, first_line)
        return TableStream(path, (), _read_jsonl(path), "line")
    except OSError as exc:
        raise _unreadable(path, exc) from exc
