"""Reading an .xlsx batch file as a stream: openpyxl's read-only mode, checked against zip bombs.

A cell openpyxl cannot give as a value (an Excel error, a formula without a saved result, a
merged cell) is a :class:`~medocs.batch.cells.CellProblem` of its row, not a stop.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from medocs.batch.cells import (
    _CHUNK,
    CellProblem,
    TableRow,
    TableStream,
    _header,
    _row_cells,
)
from medocs.errors import CaseValidationError

_EXCEL_CELL_CHARACTERS = 32_767  # Excel cannot save a longer cell
# What an .xlsx may unpack to: its parts in all, and how many times its own size.
_MAX_XLSX_EXPANDED = 1 << 30
_MAX_XLSX_RATIO = 100
_RATIO_FROM = 50 << 20  # small workbooks of repeated values compress well: judge only large ones
_MERGE_CELL = re.compile(rb'<(?:\w+:)?mergeCell\s[^>]*?ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')
_SHEET = re.compile(rb"<(?:\w+:)?sheet\s[^>]*>")
_ATTRIBUTE = re.compile(rb'([\w:]+)="([^"]*)"')
_RELATIONSHIP = re.compile(rb"<(?:\w+:)?Relationship\s[^>]*>")


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
