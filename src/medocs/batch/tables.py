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

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from medocs.errors import CaseValidationError
from medocs.loading import parse_json

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
_DELIMITERS = (",", ";", "\t")
_MAX_ROW_CHARACTERS = 1_000_000  # a case is a few thousand characters; a row 100 times that is not one
_EXCEL_CELL_CHARACTERS = 32_767  # Excel cannot save a longer cell
# What an .xlsx may unpack to: its parts in all, and how many times its own size.
_MAX_XLSX_EXPANDED = 1 << 30
_MAX_XLSX_RATIO = 100
_RATIO_FROM = 50 << 20  # small workbooks of repeated values compress well: judge only large ones
_CHUNK = 1 << 16  # bytes or characters read at a time: a file is never held whole
_MERGE_CELL = re.compile(rb'<(?:\w+:)?mergeCell\s[^>]*?ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')
_SHEET = re.compile(rb"<(?:\w+:)?sheet\s[^>]*>")
_ATTRIBUTE = re.compile(rb'([\w:]+)="([^"]*)"')
_RELATIONSHIP = re.compile(rb"<(?:\w+:)?Relationship\s[^>]*>")


@dataclass(frozen=True)
class CellProblem:
    """A cell medocs cannot read as a value.

    Attributes:
        column: the column's header name.
        message: what is wrong and what to do.
        found: what the cell holds, as text.
    """

    column: str
    message: str
    found: str


@dataclass(frozen=True)
class TableRow:
    """One data row.

    Attributes:
        number: the row number a spreadsheet shows (CSV, XLSX) or the line number (JSONL).
        cells: column name -> value, empty cells left out.
        problems: cells that could not be read.
    """

    number: int
    cells: dict[str, Any]
    problems: tuple[CellProblem, ...] = ()


@dataclass(frozen=True)
class Table:
    """A batch input file read into rows.

    Attributes:
        source: the file.
        columns: the header's column names in order; empty for JSONL (keys vary by line).
        rows: the data rows, blank rows left out.
        row_label: ``'row'`` for CSV and XLSX, ``'line'`` for JSONL, for messages.
    """

    source: Path
    columns: tuple[str, ...]
    rows: tuple[TableRow, ...]
    row_label: str


@dataclass
class TableStream:
    """A batch input file being read: its header known, its rows read one at a time.

    Attributes:
        source: the file.
        columns: the header's column names in order; empty for JSONL (keys vary by line).
        rows: the data rows, blank rows left out, read from the file as they are asked for;
            a fault found further on in the file (an invalid CSV record or JSON line) is
            raised from here, with the same message :func:`read_table` gives.
        row_label: ``'row'`` for CSV and XLSX, ``'line'`` for JSONL, for messages.
    """

    source: Path
    columns: tuple[str, ...]
    rows: Iterator[TableRow]
    row_label: str


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
    first, as :func:`read_table` does), XLSX rows come from openpyxl's read-only mode.

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


def _unreadable(path: Path, exc: OSError) -> CaseValidationError:
    return CaseValidationError(f"{path}: cannot read the batch file ({exc.strerror or exc})")


# --------------------------------------------------------------------------- CSV and JSONL


def _check_utf8(path: Path) -> str:
    """Check that the whole file is UTF-8 (with or without a BOM); return its first line.

    The file is decoded a chunk at a time and nothing is kept but the first line (the text
    before the first newline, for guessing the delimiter).

    Raises:
        CaseValidationError: naming the first bad byte, its line, and the fix.
    """
    first: list[str] = []
    seen_newline = False
    with path.open("rb") as handle:
        skip = len(codecs.BOM_UTF8) if handle.read(len(codecs.BOM_UTF8)) == codecs.BOM_UTF8 else 0
        handle.seek(skip)
        decoder = codecs.getincrementaldecoder("utf-8")()
        fed = 0  # bytes given to the decoder, counted from after the BOM
        while True:
            chunk = handle.read(_CHUNK)
            held = len(decoder.getstate()[0])
            try:
                text = decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as exc:
                raise _not_utf8(path, fed - held + exc.start) from exc
            fed += len(chunk)
            if not seen_newline:
                head, newline, _ = text.partition("\n")
                first.append(head)
                seen_newline = bool(newline)
            if not chunk:
                return "".join(first)


def _not_utf8(path: Path, start: int) -> CaseValidationError:
    """The error for a bad byte; ``start`` counts from after any BOM, as ``bytes.decode`` does.

    The byte shown and the line counted are taken at ``start`` from the file's beginning,
    as the message has always done.
    """
    lines = 0
    with path.open("rb") as handle:
        done = 0
        while done < start:
            chunk = handle.read(min(_CHUNK, start - done))
            if not chunk:
                break
            lines += chunk.count(b"\n")
            done += len(chunk)
        handle.seek(start)
        bad = handle.read(1)
    line = lines + 1
    # Excel's plain "CSV (Comma delimited)" writes Windows-1252: show what was meant.
    meant = bad.decode("cp1252", errors="replace")
    msg = (
        f"{path}: not UTF-8 text: byte 0x{bad.hex().upper()} at byte {start:,} (line {line}), "
        f"which Windows-1252 reads as {meant!r}; save the file as UTF-8 (in Excel: "
        "'CSV UTF-8 (Comma delimited)')"
    )
    return CaseValidationError(msg)


def _delimiter(header_line: str) -> str:
    """Comma, unless the header clearly uses ';' (Excel in continental locales) or tabs."""
    counts = {d: header_line.count(d) for d in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def _header(path: Path, names: Sequence[str], where: str) -> tuple[str, ...]:
    columns = tuple(name.strip() for name in names)
    seen: set[str] = set()
    for name in columns:
        if name and name in seen:
            msg = f"{path}: {where}: the column '{name}' appears twice; keep one"
            raise CaseValidationError(msg)
        seen.add(name)
    return columns


def _row_cells(columns: Sequence[str], values: Sequence[Any], number: int) -> TableRow:
    """Pair values with their columns; values under a blank header or past it are problems."""
    cells: dict[str, Any] = {}
    problems: list[CellProblem] = []
    size = sum(len(value) for value in values if isinstance(value, str))
    if size > _MAX_ROW_CHARACTERS:
        return TableRow(number, {}, (CellProblem(
            "(whole record)", f"the row holds {size:,} characters; a row may hold at most "
            f"{_MAX_ROW_CHARACTERS:,} (a case is a few thousand)", ""),))
    for index, value in enumerate(values):
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        name = columns[index] if index < len(columns) else ""
        if not name:
            problems.append(CellProblem(
                f"column {index + 1}", "a value in a column that has no name in the header row",
                str(value)))
            continue
        cells[name] = value
    return TableRow(number, cells, tuple(problems))


def _read_csv(path: Path, first_line: str) -> TableStream:
    handle = path.open(encoding="utf-8-sig", newline="")
    try:
        reader = csv.reader(handle, delimiter=_delimiter(first_line))
        records = _csv_records(path, reader)
        columns: tuple[str, ...] | None = None
        for number, record in records:
            columns = _header(path, record, f"row {number}")
            break
    except BaseException:
        handle.close()
        raise
    if columns is None:
        handle.close()
        msg = f"{path}: the file is empty; expected a header row such as 'case_ref,child.name,…'"
        raise CaseValidationError(msg)
    return TableStream(path, columns, _csv_rows(path, handle, records, columns), "row")


def _csv_records(path: Path, reader: Any) -> Iterator[tuple[int, list[str]]]:
    """``(row number, cells)`` of each record that is not blank."""
    try:
        # Each CSV record is one spreadsheet row, even when a quoted cell spans lines.
        for number, record in enumerate(reader, start=1):
            if any(cell.strip() for cell in record):
                yield number, record
    except csv.Error as exc:
        msg = f"{path}: row {reader.line_num}: not valid CSV ({exc})"
        raise CaseValidationError(msg) from exc
    except OSError as exc:
        raise _unreadable(path, exc) from exc


def _csv_rows(path: Path, handle: io.TextIOBase, records: Iterator[tuple[int, list[str]]],
              columns: tuple[str, ...]) -> Iterator[TableRow]:
    with handle:
        for number, record in records:
            yield _row_cells(columns, record, number)


def flat_columns(record: dict[str, Any]) -> dict[str, Any]:
    """A nested case (as in a JSON or TOML case file) as the dotted columns of a batch row."""
    out: dict[str, Any] = {}
    _flatten(record, "", out)
    return out


def _flatten(value: Any, prefix: str, out: dict[str, Any]) -> None:
    """Nested JSON -> dotted columns; list items numbered from 1 like spreadsheet columns."""
    if isinstance(value, dict):
        for key, item in value.items():
            _flatten(item, f"{prefix}.{key}" if prefix else str(key), out)
    elif isinstance(value, list):
        for index, item in enumerate(value, start=1):
            _flatten(item, f"{prefix}.{index}", out)
    else:
        out[prefix] = value


def _lines(path: Path) -> Iterator[str]:
    """The file's lines as ``str.splitlines`` cuts them, read a chunk at a time."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rest = ""
        count = 0
        while True:
            try:
                chunk = handle.read(_CHUNK)
            except OSError as exc:
                raise _unreadable(path, exc) from exc
            if not chunk:
                yield from rest.splitlines()
                return
            pieces = (rest + chunk).splitlines(keepends=True)
            # The last piece may go on in the next chunk (or be a '\r' before its '\n').
            rest = pieces.pop()
            for piece in pieces:
                yield piece.splitlines()[0]
            count += len(pieces)
            if len(rest) > _MAX_ROW_CHARACTERS:  # never hold a line of a hostile file whole
                msg = (f"{path}: line {count + 1} is longer than {_MAX_ROW_CHARACTERS:,} characters; "
                       "a line holds one case, a few thousand characters at most")
                raise CaseValidationError(msg)


def _read_jsonl(path: Path) -> Iterator[TableRow]:
    for number, line in enumerate(_lines(path), start=1):
        if not line.strip():
            continue
        record = parse_json(line, where=f"{path}: line {number}")
        if not isinstance(record, dict):
            msg = f"{path}: line {number}: each line must be one JSON object (got {type(record).__name__})"
            raise CaseValidationError(msg)
        flat: dict[str, Any] = {}
        _flatten(record, "", flat)
        yield TableRow(number, {k: v for k, v in flat.items()
                                if v is not None and not (isinstance(v, str) and not v.strip())})


# --------------------------------------------------------------------------- XLSX


def _column_letters(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _attributes(tag: bytes) -> dict[bytes, bytes]:
    return {name.split(b":")[-1]: value for name, value in _ATTRIBUTE.findall(tag)}


def _sheet_part(archive: zipfile.ZipFile, title: str) -> str | None:
    """The zip member of a sheet, from workbook.xml and its relationships."""
    try:
        workbook = archive.read("xl/workbook.xml")
        rels = archive.read("xl/_rels/workbook.xml.rels")
    except KeyError:
        return None
    rel_id = None
    for tag in _SHEET.findall(workbook):
        attributes = _attributes(tag)
        if attributes.get(b"name", b"").decode("utf-8") == _xml_escape(title):
            rel_id = attributes.get(b"id")
    for tag in _RELATIONSHIP.findall(rels):
        attributes = _attributes(tag)
        if rel_id is not None and attributes.get(b"Id") == rel_id:
            target = attributes[b"Target"].decode("utf-8")
            return target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return None


def _xml_escape(title: str) -> str:
    return title.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _merged_ranges(path: Path, title: str) -> list[tuple[str, int, int]]:
    """``(range, first row, last row)`` of each merged range of a sheet.

    openpyxl's read-only mode does not report merged cells, and its normal mode loads the
    whole workbook into memory; the merge list is a short element after the cells, found by
    reading the sheet's XML a chunk at a time.
    """
    with zipfile.ZipFile(path) as archive:
        part = _sheet_part(archive, title)
        if part is None:
            return []
        found: list[tuple[bytes, bytes, bytes, bytes]] = []
        with archive.open(part) as member:
            rest = b""
            while True:
                chunk = member.read(_CHUNK)
                data = rest + chunk
                # Search up to the last '<': a tag cut by the chunk's end is searched next time.
                cut = data.rfind(b"<") if chunk else len(data)
                found += _MERGE_CELL.findall(data, 0, max(cut, 0))
                rest = data[cut:] if cut > 0 else (data if cut == 0 else b"")
                if not chunk:
                    break
    ranges = []
    for col1, row1, col2, row2 in found:
        first, last = int(row1), int(row2 or row1)
        name = f"{col1.decode()}{row1.decode()}" + (f":{col2.decode()}{row2.decode()}" if col2 else "")
        ranges.append((name, first, last))
    return ranges


def _open_sheet(path: Path, sheet: str | None, *, data_only: bool) -> tuple[Any, Any]:
    # Imported here: only .xlsx batches pay for importing openpyxl (~0.1 s).
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=data_only)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        msg = f"{path}: not an .xlsx workbook, or a damaged one ({exc})"
        if _is_compound_file(path):
            msg = (f"{path}: the workbook is password-protected (or an old .xls): medocs cannot "
                   "read it; in Excel remove the password (File > Info > Protect Workbook) or "
                   "save it as .xlsx or CSV")
        raise CaseValidationError(msg) from exc
    if sheet is None:
        return workbook, workbook.worksheets[0]
    if sheet not in workbook.sheetnames:
        workbook.close()
        names = ", ".join(map(repr, workbook.sheetnames))
        msg = f"{path}: no sheet named {sheet!r} (the sheets are: {names})"
        raise CaseValidationError(msg)
    return workbook, workbook[sheet]


# An encrypted .xlsx (and an old .xls) is an OLE compound file, not a zip: it starts with these.
_COMPOUND_FILE = bytes.fromhex("d0cf11e0a1b11ae1")


def _is_compound_file(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(len(_COMPOUND_FILE)) == _COMPOUND_FILE
    except OSError:
        return False


def _xlsx_value(cell: Any) -> Any:
    value = cell.value
    if isinstance(value, str) and not value.strip():
        return None
    return value


def _xlsx_rows(worksheet: Any) -> Iterator[tuple[int, list[Any]]]:
    """``(row number, cells)`` for every row from row 1, missing rows as empty lists."""
    # The <dimension> a program wrote may be wrong (openpyxl would then stop early): ignore it.
    worksheet.reset_dimensions()
    for number, cells in enumerate(worksheet.iter_rows(min_row=1), start=1):
        yield number, list(cells)


def _check_xlsx_size(path: Path) -> None:
    """Refuse a workbook that unpacks to an absurd size or holds a cell Excel could not save.

    Checked from the zip's directory and a streaming scan of the parts, before openpyxl reads
    anything: a 300 KB file of 100 MB cells would otherwise take minutes and gigabytes.
    """
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # not a zip: _open_sheet says what it is
    with archive:
        parts = archive.infolist()
        expanded = sum(part.file_size for part in parts)
        packed = max(path.stat().st_size, 1)
        if expanded > _MAX_XLSX_EXPANDED or (expanded > _RATIO_FROM
                                             and expanded > packed * _MAX_XLSX_RATIO):
            msg = (f"{path}: the workbook unpacks to {expanded:,} bytes, {expanded // packed:,} times "
                   "its own size; no batch of cases is that large, so it is refused (save the "
                   "sheet again, or as CSV)")
            raise CaseValidationError(msg)
        for part in parts:
            name = part.filename
            if name == "xl/sharedStrings.xml" or (name.startswith("xl/worksheets/")
                                                   and name.endswith(".xml")):
                _check_cell_sizes(path, archive, part)


def _check_cell_sizes(path: Path, archive: zipfile.ZipFile, part: zipfile.ZipInfo) -> None:
    """Refuse a part holding text longer than any cell Excel saves, reading it a chunk at a time."""
    # Between two '<' lies one tag and at most one cell's text, each character escaped at worst
    # as '&quot;' (6 bytes).
    limit = 6 * _EXCEL_CELL_CHARACTERS + 1024
    run = 0
    try:
        with archive.open(part) as handle:
            while chunk := handle.read(_CHUNK):
                first = chunk.find(b"<")
                if first < 0:
                    run += len(chunk)
                elif run + first <= limit:  # the run before this chunk's first '<' ends here
                    run = len(chunk) - chunk.rfind(b"<") - 1
                else:
                    run += first
                if run > limit:
                    msg = (f"{path}: {part.filename} holds a cell longer than Excel's "
                           f"{_EXCEL_CELL_CHARACTERS:,} characters; a workbook Excel saved cannot, "
                           "so it is refused")
                    raise CaseValidationError(msg)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        msg = f"{path}: not an .xlsx workbook, or a damaged one ({exc})"
        raise CaseValidationError(msg) from exc


def _read_xlsx(path: Path, sheet: str | None) -> TableStream:
    _check_xlsx_size(path)
    workbook, worksheet = _open_sheet(path, sheet, data_only=False)
    try:
        title = worksheet.title
        merged = _merged_ranges(path, title)
        rows = _xlsx_rows(worksheet)
        columns: tuple[str, ...] | None = None
        header_row = 0
        for number, cells in rows:
            values = [_xlsx_value(cell) for cell in cells]
            if all(value is None for value in values):
                continue
            columns = _header(path, ["" if v is None else str(v) for v in values],
                              f"sheet {title!r} row {number}")
            header_row = number
            break
        if columns is None:
            msg = (f"{path}: sheet {title!r} is empty; expected a header row such as "
                   "'case_ref', 'child.name', …")
            raise CaseValidationError(msg)
        for name, first, last in merged:
            if first <= header_row <= last:
                msg = (f"{path}: sheet {title!r}: the header cells {name} are merged; "
                       "give each column its own header cell")
                raise CaseValidationError(msg)
    except BaseException:
        workbook.close()
        raise
    return TableStream(path, columns, _xlsx_table_rows(path, workbook, title, rows, columns, merged), "row")


def _xlsx_table_rows(path: Path, workbook: Any, title: str, rows: Iterator[tuple[int, list[Any]]],
                     columns: tuple[str, ...], merged: list[tuple[str, int, int]]) -> Iterator[TableRow]:
    """The data rows after the header, each with its formula, error and merged-cell problems."""
    cached = _CachedResults(path, title)
    try:
        for number, cells in rows:
            values = [_xlsx_value(cell) for cell in cells]
            if all(value is None for value in values):
                continue
            problems: list[CellProblem] = []
            for index, cell in enumerate(cells):
                kind = getattr(cell, "data_type", None)
                if kind not in ("f", "e"):  # formula ('f') and error ('e') cells
                    continue
                # A saved result may be "" (=IF(…, "", …)): blank, not a problem; None: never computed.
                result = cached.get(number, index) if kind == "f" else None
                values[index] = None if isinstance(result, str) and not result.strip() else result
                if result is None:
                    column = (columns[index] if index < len(columns)
                              else f"column {_column_letters(index + 1)}")
                    problems.append(CellProblem(column, _special_message(kind, index, number),
                                                str(cell.value)))
            problems += [
                CellProblem("(whole record)",
                            f"cells {name} are merged: unmerge them and give each row its own value", name)
                for name, first, last in merged if first <= number <= last
            ]
            row = _row_cells(columns, values, number)
            yield TableRow(number, row.cells, (*row.problems, *problems))
    finally:
        cached.close()
        workbook.close()


def _special_message(kind: str, index: int, number: int) -> str:
    where = f"cell {_column_letters(index + 1)}{number}"
    if kind == "e":
        return f"{where} shows an Excel error; correct the cell"
    return (f"{where} holds a formula with no saved result: open and save the file in Excel, "
            "or paste the values")


class _CachedResults:
    """The results Excel saved for formula cells (openpyxl reads them with data_only=True).

    A second read-only view of the sheet, opened at the first formula and moved down in step
    with the rows asked about, so no row is kept.
    """

    def __init__(self, path: Path, title: str) -> None:
        self._path = path
        self._title = title
        self._workbook: Any = None
        self._rows: Iterator[tuple[int, list[Any]]] | None = None
        self._number = 0
        self._cells: list[Any] = []

    def get(self, number: int, index: int) -> Any:
        """The saved value of the cell at ``number`` (row) and ``index`` (column from 0)."""
        if self._rows is None:
            self._workbook, worksheet = _open_sheet(self._path, self._title, data_only=True)
            self._rows = _xlsx_rows(worksheet)
        while self._number < number:
            step = next(self._rows, None)
            if step is None:
                self._number, self._cells = number, []
                break
            self._number, self._cells = step
        if self._number != number or index >= len(self._cells):
            return None
        return self._cells[index].value

    def close(self) -> None:
        if self._workbook is not None:
            self._workbook.close()
            self._workbook = None
