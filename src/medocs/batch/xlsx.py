"""Reading an .xlsx batch file as a stream, every limit enforced while it is read.

The sheet's XML comes straight from the zip a chunk at a time through expat handlers
(:mod:`medocs.batch.xlsx_package`); a cell's text is kept only up to Excel's 32,767 characters
and counted past that, so a 100 MB cell is never held whole. What one cell gets wrong (too
long, an Excel error, a formula with no saved result, a merged cell) is a
:class:`~medocs.batch.cells.CellProblem` of its row and the batch goes on; what makes the file a
bomb (too many bytes, rows or columns, a DOCTYPE) refuses it before any document is written.

Values as openpyxl gave them: ``str``, ``int``, ``float``, ``bool``, ``datetime`` (a cell
formatted as a date, 1900 or 1904 date system), ``time`` and ``timedelta``; blank strings are
None.
"""

from __future__ import annotations

import re
import zipfile
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any

from medocs.batch.cells import _CHUNK, CellProblem, TableRow, TableStream, _header, _row_cells
from medocs.batch.xlsx_package import (
    LIMITS,
    LocalNames,
    TextCollector,
    TooLong,
    Workbook,
    XlsxLimits,
    column_letters,
    damaged,
    feed_part,
    open_workbook,
    whole_number,
)
from medocs.errors import CaseValidationError

_MERGE_CELL = re.compile(rb'<(?:\w+:)?mergeCell\s[^>]*?ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')
_REFERENCE = re.compile(r"([A-Z]{1,3})([0-9]{1,7})")
_MAX_MERGED = 10_000  # merged ranges in a sheet: each is a problem of its rows, so a few are plenty
_PROBLEMS_PER_ROW = 20  # past these, one line says how many more cells of the row are wrong
# Excel dates have no time zone. Serial 1 is 1 January 1900 (counting Lotus's 29 February 1900).
_EPOCH_1900 = datetime(1899, 12, 30)  # noqa: DTZ001
_EPOCH_1904 = datetime(1904, 1, 1)  # noqa: DTZ001


@dataclass
class _RawRow:
    """One ``<row>`` as read: values by column index, and what its cells got wrong."""

    number: int
    values: list[Any]
    problems: list[tuple[int, str, str]]  # (column index, message, what the cell holds)
    characters: int = 0
    more_problems: int = 0
    too_long: bool = False


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


class _SheetReader:
    """Expat handlers that turn one worksheet's XML into :class:`_RawRow` as it streams."""

    def __init__(self, book: Workbook, title: str, part: str, limits: XlsxLimits) -> None:
        self.book, self.title, self.part, self.limits = book, title, part, limits
        self.ready: deque[_RawRow] = deque()
        self.names = LocalNames()
        self.row: _RawRow | None = None
        self.last_row = 0
        self.column = 0
        self.type = "n"
        self.style = 0
        self.has_value = self.has_formula = self.has_inline = False
        self.target: TextCollector | None = None  # where the text being read goes
        self.phonetic = 0
        self.inline = False
        self.in_cell = False
        self.value_text = TextCollector(limits.cell_characters)
        self.formula_text = TextCollector(limits.cell_characters)
        self.inline_text = TextCollector(limits.cell_characters)

    def where(self) -> str:
        """``sheet 'Cases' cell B7`` (or row 7), for a message."""
        if self.row is None:
            return f"sheet {self.title!r}"
        if self.column:
            return f"sheet {self.title!r} cell {column_letters(self.column)}{self.row.number}"
        return f"sheet {self.title!r} row {self.row.number}"

    def rows(self) -> Iterator[_RawRow]:
        """Every ``<row>`` of the sheet in file order, read a chunk at a time."""
        handlers = (self.start, self.end, self.text)
        for _ in feed_part(self.book, self.part, handlers, self.where, charge=False):
            while self.ready:
                yield self.ready.popleft()

    def _refuse(self, what: str) -> CaseValidationError:
        return CaseValidationError(f"{self.book.path}: {self.where()}: {what}; the workbook is refused")

    def start(self, name: str, attributes: dict[str, str]) -> None:
        """An element opens: a row, a cell, or one of a cell's texts."""
        name = self.names[name]
        if name == "c":
            if self.row is not None:
                self._start_cell(attributes)
        elif not self.in_cell:
            if name == "row":
                self._start_row(attributes.get("r"))
        elif name == "v":
            self.has_value, self.target = True, self.value_text
        elif name == "f":
            self.has_formula, self.target = True, self.formula_text
        elif name == "is":
            self.has_inline = self.inline = True
        elif name == "t" and self.inline and not self.phonetic:
            self.target = self.inline_text
        elif name == "rPh":
            self.phonetic += 1

    def _start_row(self, number: str | None) -> None:
        row = self.last_row + 1 if number is None else whole_number(number)
        self.row, self.column = _RawRow(row, [], []), 0
        if not self.last_row < row <= self.limits.rows:
            msg = (f"row number {(number or str(row))[:20]} is out of order or past Excel's last row "
                   f"({self.limits.rows:,})")
            raise self._refuse(msg)
        self.last_row = row

    def _start_cell(self, attributes: dict[str, str]) -> None:
        reference = attributes.get("r")
        if reference is None:
            self.column += 1
        else:
            match = _REFERENCE.fullmatch(reference)
            if match is None:
                msg = f"the cell reference {reference[:20]!r} is not one like B7"
                raise self._refuse(msg)
            self.column = _column_number(match[1])
        if self.column > self.limits.columns:
            msg = (f"a row may have at most {self.limits.columns:,} columns (A to "
                   f"{column_letters(self.limits.columns)}, as in Excel); this cell is column "
                   f"{self.column:,}")
            raise self._refuse(msg)
        self.type = attributes.get("t", "n")
        self.style = whole_number(attributes.get("s", "0"))
        self.has_value = self.has_formula = self.has_inline = False
        self.in_cell = True  # its texts are taken (and their collectors emptied) at its end

    def text(self, data: str) -> None:
        """Text goes to the value, formula or inline string being read; other text is dropped."""
        if self.target is not None:
            self.target.add(data)

    def end(self, name: str) -> None:
        """An element closes: a cell's value is made, a finished row is ready."""
        name = self.names[name]
        if name in ("v", "f", "t"):
            self.target = None
        elif name == "c" and self.in_cell and self.row is not None:
            self.in_cell = False
            self._end_cell(self.row)
        elif name == "is":
            self.inline = False
        elif name == "rPh":
            self.phonetic -= 1
        elif name == "row" and self.row is not None:
            self.ready.append(self.row)
            self.row, self.column = None, 0

    def _end_cell(self, row: _RawRow) -> None:
        value_text = self.value_text.value() if self.has_value else None
        formula = self.formula_text.value() if self.has_formula else None
        inline = self.inline_text.value() if self.has_inline else None
        try:
            value = self._value(value_text, formula, inline)
        except _CellError as exc:  # its message follows the cell's name
            if len(row.problems) < _PROBLEMS_PER_ROW:
                cell = f"cell {column_letters(self.column)}{row.number} of sheet {self.title!r}"
                row.problems.append((self.column - 1, f"{cell} {exc}", exc.found))
            else:
                row.more_problems += 1
            return
        if value is None or row.too_long:
            return
        if isinstance(value, str):
            row.characters += len(value)
            if row.characters > self.limits.row_characters:
                row.too_long, row.values = True, []
                return
        if len(row.values) < self.column:
            row.values.extend([None] * (self.column - len(row.values)))
        row.values[self.column - 1] = value

    def _value(self, text: str | TooLong | None, formula: str | TooLong | None,
               inline: str | TooLong | None) -> Any:
        """The cell's value, or :class:`_CellError` saying why there is none."""
        kind = self.type
        if kind == "e":
            msg = "shows an Excel error; correct the cell"
            raise _CellError(msg, _shown(text))
        if formula is not None and (text is None or (text == "" and kind != "str")):
            msg = ("holds a formula with no saved result: open and save the file in Excel, "
                   "or paste the values")
            raise _CellError(msg, "=" + _shown(formula))
        if kind == "inlineStr" and formula is None:
            text = inline
        if isinstance(text, TooLong):
            raise self._too_long(text)
        if not text:
            return None
        if kind == "s":
            return self._shared(text)
        if kind in ("str", "inlineStr"):
            return text if text.strip() else None
        return _typed(kind, text, self.book.date_styles.get(self.style), self.book.date1904)

    def _shared(self, text: str) -> str | None:
        index = whole_number(text)
        strings = self.book.shared
        if not 0 <= index < len(strings):
            msg = (f"refers to shared string {text[:20]}, but the workbook has "
                   f"{len(strings):,}: it is damaged, save it again in Excel")
            raise _CellError(msg, text[:20])
        value = strings[index]
        if isinstance(value, TooLong):
            raise self._too_long(value)
        return value if value.strip() else None

    def _too_long(self, text: TooLong) -> _CellError:
        msg = (f"holds {text.length:,} characters; a cell may hold at most "
               f"{self.limits.cell_characters:,} (Excel's own limit): shorten it")
        return _CellError(msg, text.shown())


class _CellError(ValueError):
    """A cell that has no value medocs can use; ``found`` is what it holds, shortened."""

    def __init__(self, message: str, found: str) -> None:
        super().__init__(message)
        self.found = found


def _shown(text: str | TooLong | None) -> str:
    if isinstance(text, TooLong):
        return text.shown()
    return text or ""


def _typed(kind: str, text: str, date_style: str | None, date1904: bool) -> Any:
    """A number, boolean or date cell's value from its text."""
    if kind == "b":
        if text not in ("0", "1"):
            msg = f"is marked as TRUE/FALSE but holds {text[:40]!r}"
            raise _CellError(msg, text[:200])
        return text == "1"
    if kind == "d":
        try:
            return datetime.fromisoformat(text)
        except ValueError:
            msg = f"is marked as a date but holds {text[:40]!r}"
            raise _CellError(msg, text[:200]) from None
    try:
        number: int | float = float(text) if any(c in text for c in ".Ee") else int(text)
    except ValueError:
        msg = f"is marked as a number but holds {text[:40]!r}; correct the cell"
        raise _CellError(msg, text[:200]) from None
    if date_style is None:
        return number
    try:
        return _excel_date(number, date1904, timedelta_format=date_style == "timedelta")
    except (OverflowError, ValueError):
        msg = f"is formatted as a date, but {text[:40]} is no date Excel can show; correct the cell"
        raise _CellError(msg, text[:200]) from None


def _excel_date(serial: float, date1904: bool, *, timedelta_format: bool) -> datetime | time | timedelta:
    """An Excel date serial as openpyxl gives it: a datetime, a time (under one day), a timedelta.

    The 1900 system counts 1900 as a leap year (as Lotus 1-2-3 did): serials before 60 (1 March
    1900) are one day earlier than the count says.
    """
    if timedelta_format:
        span = timedelta(days=serial)
        if span.microseconds:  # to the millisecond, as Excel shows it
            span = timedelta(seconds=span.total_seconds() // 1, microseconds=round(span.microseconds, -3))
        return span
    day, fraction = divmod(serial, 1)
    clock = timedelta(milliseconds=round(fraction * 86_400_000))
    if 0 <= serial < 1 and clock.days == 0:
        minutes, seconds = divmod(clock.seconds, 60)
        hours, minutes = divmod(minutes, 60)
        return time(hours, minutes, seconds, clock.microseconds)
    epoch = _EPOCH_1904 if date1904 else _EPOCH_1900
    if 0 < serial < 60 and not date1904:
        day += 1
    return epoch + timedelta(days=day) + clock


def _choose_sheet(book: Workbook, sheet: str | None) -> tuple[str, str]:
    if sheet is None:
        return book.sheets[0]
    for name, part in book.sheets:
        if name == sheet:
            return name, part
    names = ", ".join(repr(name) for name, _ in book.sheets)
    msg = f"{book.path}: no sheet named {sheet!r} (the sheets are: {names})"
    raise CaseValidationError(msg)


def _merged_ranges(book: Workbook, title: str, part: str) -> list[tuple[str, int, int]]:
    """``(range, first row, last row)`` of each merged range of a sheet.

    The merge list comes after the cells, so this first pass reads the sheet's bytes a chunk at
    a time (counting them against the workbook's limits) before any row is given out.
    """
    found: list[tuple[bytes, bytes, bytes, bytes]] = []
    last = [b""]

    def where() -> str:
        near = last[0].decode("ascii", "replace")
        if not near:
            return f"sheet {title!r}"
        return f"sheet {title!r} near {'cell' if near[:1].isalpha() else 'row'} {near}"

    try:
        with book.archive.open(part) as member:
            rest = b""
            while True:
                chunk = member.read(_CHUNK)
                reference = chunk.rfind(b' r="')
                if reference >= 0:
                    last[0] = chunk[reference + 4:chunk.find(b'"', reference + 4)][:12]
                book.budget.charge(len(chunk), where)
                data = rest + chunk
                # Search up to the last '<': a tag cut by the chunk's end is searched next time.
                cut = data.rfind(b"<") if chunk else len(data)
                found += _MERGE_CELL.findall(data, 0, max(cut, 0))
                if len(found) > _MAX_MERGED:
                    msg = (f"{book.path}: sheet {title!r} has over {_MAX_MERGED:,} merged ranges; a "
                           "sheet of cases has none: unmerge the cells, save, and try again. The "
                           "workbook is refused")
                    raise CaseValidationError(msg)
                rest = data[cut:] if cut > 0 else (data if cut == 0 else b"")
                if not chunk:
                    break
                rest = rest[-4096:]  # a tag is short: never keep a long tail of text
    except (zipfile.BadZipFile, KeyError, OSError, EOFError, RuntimeError) as exc:
        raise damaged(book.path, exc) from exc
    ranges = []
    for col1, row1, col2, row2 in found:
        first, last_row = int(row1), int(row2 or row1)
        name = f"{col1.decode()}{row1.decode()}" + (f":{col2.decode()}{row2.decode()}" if col2 else "")
        ranges.append((name, first, last_row))
    return ranges


def _read_xlsx(path: Path, sheet: str | None, limits: XlsxLimits = LIMITS) -> TableStream:
    """Open an .xlsx sheet: read up to its header row, then stream the rows.

    Args:
        path: the file.
        sheet: the sheet's name, or None for the first worksheet.
        limits: what the workbook may hold.

    Returns:
        The table; its rows are read from the file as they are asked for.

    Raises:
        CaseValidationError: not a readable .xlsx, no such sheet, an empty sheet, a bad or
            merged header, or a limit that refuses the file (some are found only while the
            rows are read, and raised from them).
    """
    book = open_workbook(path, limits)
    try:
        title, part = _choose_sheet(book, sheet)
        merged = _merged_ranges(book, title, part)
        rows = _SheetReader(book, title, part, limits).rows()
        columns: tuple[str, ...] | None = None
        header_row = 0
        for raw in rows:
            if raw.problems or raw.too_long:
                message = (raw.problems[0][1] if raw.problems else
                           f"it holds over {limits.row_characters:,} characters, the most a row may hold")
                msg = f"{path}: sheet {title!r}: header row {raw.number}: {message}"
                raise CaseValidationError(msg)
            if all(value is None for value in raw.values):
                continue
            columns = _header(path, ["" if v is None else str(v) for v in raw.values],
                              f"sheet {title!r} row {raw.number}")
            header_row = raw.number
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
        book.close()
        raise
    return TableStream(path, columns, _table_rows(book, rows, columns, merged), "row")


def _table_rows(book: Workbook, rows: Iterator[_RawRow], columns: tuple[str, ...],
                merged: list[tuple[str, int, int]]) -> Iterator[TableRow]:
    """The data rows after the header, each with its cells' and merged ranges' problems."""
    limits = book.budget.limits
    waiting = sorted(merged, key=lambda span: span[1], reverse=True)  # the next to start last
    active: list[tuple[str, int, int]] = []  # ranges over the rows being read
    try:
        for raw in rows:
            while waiting and waiting[-1][1] <= raw.number:
                active.append(waiting.pop())
            active = [span for span in active if span[2] >= raw.number]
            problems = [CellProblem(columns[index] if index < len(columns) and columns[index]
                                    else f"column {column_letters(index + 1)}", message, found)
                        for index, message, found in raw.problems]
            if raw.more_problems:
                problems.append(CellProblem("(whole record)", f"{raw.more_problems:,} more cells of "
                                            "the row cannot be read either", ""))
            if raw.too_long:
                problems.append(CellProblem(
                    "(whole record)", f"the row holds over {limits.row_characters:,} characters, the "
                    "most a row may hold (a case is a few thousand)", ""))
            elif not problems and all(value is None for value in raw.values):
                continue
            problems += [
                CellProblem("(whole record)",
                            f"cells {name} are merged: unmerge them and give each row its own value", name)
                for name, _, _ in active
            ]
            row = _row_cells(columns, raw.values, raw.number)
            yield TableRow(raw.number, row.cells, (*row.problems, *problems))
    finally:
        book.close()
