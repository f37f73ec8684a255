"""What a batch table is read into (rows of cells and their problems), and what every reader shares.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from medocs.errors import CaseValidationError, capped

_MAX_ROW_CHARACTERS = 1_000_000  # a case is a few thousand characters; a row 100 times that is not one
_CHUNK = 1 << 16  # bytes or characters read at a time: a file is never held whole


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


def _unreadable(path: Path, exc: OSError) -> CaseValidationError:
    return CaseValidationError(f"{path}: cannot read the batch file ({exc.strerror or exc})")


def _header(path: Path, names: Sequence[str], where: str) -> tuple[str, ...]:
    columns = tuple(name.strip() for name in names)
    seen: set[str] = set()
    for name in columns:
        if name and name in seen:
            msg = f"{path}: {where}: the column '{capped(name, 100)}' appears twice; keep one"
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
