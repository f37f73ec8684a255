"""Batch rows: read from the input table, validated, stored off the heap, problems collected.

Each row is turned into a case and validated as it arrives (by the worker processes when a
batch has them, while this process reads on); a valid case goes to a :class:`Spill`, an
anonymous temporary file, and the row keeps only a small :class:`Row` record. Once every row is
read, duplicate ``case_ref`` values and rows whose output files would collide are marked, and
a column the rows need but the header lacks stops the batch.
"""

from __future__ import annotations

import functools
import itertools
import os
import pickle
import re
import struct
import tempfile
import weakref
from collections import defaultdict, deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from medocs.batch.columns import RowConverter, batch_columns, cell_text
from medocs.batch.tables import TableRow, TableStream
from medocs.documents.kinds import KINDS, DocumentKind
from medocs.errors import CaseValidationError, MedocsError, capped
from medocs.loading import validate_case
from medocs.models import CaseModel
from medocs.naming import name_fields, output_path

__all__ = [
    "Row",
    "RowCheck",
    "RowError",
    "Spill",
    "check_rows",
    "checked_rows",
    "plan_rows",
]

_CHECK_PIECE = 100  # rows validated per task
_WHOLE_ROW = "(whole record)"


@dataclass(frozen=True)
class RowError:
    """One problem of one input row, as errors.csv lists it.

    Attributes:
        row: the row number a spreadsheet shows (JSONL: the line number).
        case_ref: the row's case reference as given ('' when missing).
        field: the column, ``(whole record)``, ``(file name)``, ``(document)`` or ``(pdf)``.
        message: what is wrong and what was expected.
        found: the value found in the cell, as text.
    """

    row: int
    case_ref: str
    field: str
    message: str
    found: str = ""


class Spill:
    """Per-row data kept in an anonymous temporary file instead of memory, read back by offset.

    A large batch would otherwise hold every row's case and outcome until the end: with the
    data on disk, this process keeps a few integers per row and its memory stays nearly flat.
    The file has no name (it is unlinked at once), so an interrupted run leaves nothing.
    """

    _LENGTH = struct.Struct("<I")

    def __init__(self) -> None:
        self._file: IO[bytes] = tempfile.TemporaryFile(prefix="medocs-batch-")
        self._end = 0
        self._finalizer = weakref.finalize(self, self._file.close)

    def put(self, value: object) -> int:
        """Store ``value``; return where, for :meth:`get`."""
        return self.put_pickled(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))

    def put_pickled(self, data: bytes) -> int:
        """Store a value pickled already (by a worker process); return where, for :meth:`get`."""
        offset = self._end
        self._file.seek(offset)
        self._file.write(self._LENGTH.pack(len(data)))
        self._file.write(data)
        self._end += self._LENGTH.size + len(data)
        return offset

    def get(self, offset: int) -> Any:
        """The value stored at ``offset``."""
        self._file.seek(offset)
        (length,) = self._LENGTH.unpack(self._file.read(self._LENGTH.size))
        return pickle.loads(self._file.read(length))  # noqa: S301 - our own file, written just now

    def close(self) -> None:
        """Remove the file (it has no name: closing frees its disk space)."""
        self._finalizer()


@dataclass(slots=True)
class Row:
    """An input row on its way, kept small: its case and its outcome wait in a :class:`Spill`.

    The one shape of a row from its check to the reports. A worker process checks it and
    sends it back with its valid case pickled (``pickled_case``); this process moves that
    to the spill (``case_at``) and drops it, so a large batch never holds every case at once.
    """

    number: int
    case_ref: str
    pickled_case: bytes | None = None  # only between the check and the spill
    target: str | None = None  # the .docx to write (a str is much smaller than a Path)
    problems: list[RowError] = field(default_factory=list)
    case_at: int = -1  # where the valid case is in the spill; -1: none
    issued_at: int = -1  # where the Issued record is in the spill; -1: not issued
    pdf: Path | None = None

    @property
    def valid(self) -> bool:
        return self.case_at >= 0 and self.target is not None and not self.problems

    def fail(self, field_name: str, message: str, found: str = "") -> None:
        self.problems.append(RowError(self.number, self.case_ref, field_name, capped(message, 1000),
                                      capped(found)))


_HEADER_PROBLEMS = 10  # unknown columns named one by one; past these, how many more


def _check_header(table: TableStream, converter: RowConverter) -> None:
    if not table.columns:  # JSONL: unknown keys are reported per line
        return
    problems = converter.unknown(table.columns)
    if len(problems) > _HEADER_PROBLEMS:
        problems[_HEADER_PROBLEMS:] = [f"and {len(problems) - _HEADER_PROBLEMS:,} more unknown columns"]
    if "case_ref" not in table.columns:
        problems.insert(0, "no 'case_ref' column: every row needs its own case reference")
    if problems:
        msg = f"{table.source}: header row: " + "; ".join(problems)
        raise CaseValidationError(msg)


_NAME = re.compile(r"[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)*")


def _field_names(names: frozenset[str], message: str) -> list[str]:
    """The fields a whole-record message names, in order: ``issued_on``, ``declined_on``.

    A name counts when it is a batch column, or the start of some (``mediation_dates`` of
    ``mediation_dates.N``).
    """
    found = [word for word in _NAME.findall(message)
             if word in names or any(name.startswith(word + ".") for name in names)]
    return list(dict.fromkeys(found))


def _validate(row: Row, cells: dict[str, Any], kind: DocumentKind[CaseModel], converter: RowConverter,
              where: str, names: frozenset[str] = frozenset(),
              unreadable: set[str] | None = None) -> CaseModel | None:
    """The row's valid case, or None with every problem added to the row.

    ``unreadable``: columns whose cells were already reported unreadable (not "required" again).
    """
    converted = converter.convert(cells)
    unreadable = set() if unreadable is None else unreadable
    for problem in converted.problems:
        row.fail(problem.column, problem.message, problem.found)
        unreadable.add(problem.column)
    try:
        case = validate_case(converted.data, kind.model, where=where)
    except CaseValidationError as exc:
        for loc, message, found in exc.problems:
            column = converted.column_for(loc) if loc != _WHOLE_ROW else loc
            named = _field_names(names, message) if loc == _WHOLE_ROW else []
            if named:  # a check across fields: name them, and give what their cells hold
                row.fail(", ".join(named), message,
                         ", ".join(str(cell_text(cells[name])) for name in named if name in cells))
                continue
            if column in unreadable:  # already said why; "required" would only repeat it
                continue
            shown = str(cell_text(cells[column])) if column in cells else found.strip("'")
            row.fail(column, "required, but the cell is empty or the column missing"
                     if message == "Field required" else message, shown)
        return None
    return None if row.problems else case


@dataclass(frozen=True)
class RowCheck:
    """What checking a row needs besides its cells (sent to a worker with each chunk)."""

    kind: str
    out: Path
    pattern: str
    where: str  # e.g. "cases.csv row": the row number follows


@functools.cache
def _converter(kind_name: str) -> tuple[RowConverter, frozenset[str]]:
    """The row converter of a kind and its batch column names (built once per process)."""
    model = KINDS[kind_name].model
    return RowConverter(model), frozenset(column.name for column in batch_columns(model))


def check_rows(table_rows: Sequence[TableRow], check: RowCheck) -> list[Row]:
    """Check rows (in a worker, or here without one): each with its problems, or its case and file."""
    kind = KINDS[check.kind]
    converter, names = _converter(check.kind)
    rows = []
    for table_row in table_rows:
        row, case = _validated_row(table_row, kind, converter, names, f"{check.where} {table_row.number}")
        if case is not None:
            _plan_output(row, case, kind, check)
        rows.append(row)
    return rows


def _validated_row(table_row: TableRow, kind: DocumentKind[CaseModel], converter: RowConverter,
                   names: frozenset[str], where: str) -> tuple[Row, CaseModel | None]:
    """One row validated: its record with every problem (reading ones first), and its case if valid."""
    # A valid case_ref is at most 64 characters: a longer one is shown (and compared) by its start.
    row = Row(table_row.number, capped(str(cell_text(table_row.cells.get("case_ref", ""))).strip()))
    for problem in table_row.problems:
        row.fail(problem.column, problem.message, problem.found)
    return row, _validate(row, table_row.cells, kind, converter, where, names,
                          {problem.column for problem in table_row.problems})


def _plan_output(row: Row, case: CaseModel, kind: DocumentKind[CaseModel], check: RowCheck) -> None:
    """Give a valid row its output file and its case, pickled for the spill (or a file name problem)."""
    row.target = _target(row, case, kind, check)
    if row.target is not None:
        row.pickled_case = pickle.dumps(case, protocol=pickle.HIGHEST_PROTOCOL)


def _target(row: Row, case: CaseModel, kind: DocumentKind[CaseModel], check: RowCheck) -> str | None:
    """The .docx a valid row is written to, or None with the file name problem added."""
    try:
        return str(output_path(check.out, kind, row.case_ref, pattern=check.pattern,
                               fields=name_fields(kind, case)))
    except MedocsError as exc:
        row.fail("(file name)", str(exc))
        return None


def checked_rows(table_rows: Iterator[TableRow], check: RowCheck, pool: ProcessPoolExecutor | None,
                 jobs: int, in_flight_per_job: int) -> Iterator[Row]:
    """Every row checked, in order; with workers, they check while this process reads on."""
    pieces = iter(lambda: list(itertools.islice(table_rows, _CHECK_PIECE)), [])
    if pool is None:
        for piece in pieces:
            yield from check_rows(piece, check)
        return
    in_flight: deque[Future[list[Row]]] = deque()
    for piece in pieces:
        in_flight.append(pool.submit(check_rows, piece, check))
        if len(in_flight) >= jobs * in_flight_per_job:
            yield from in_flight.popleft().result()
    while in_flight:
        yield from in_flight.popleft().result()


def plan_rows(table: TableStream, kind: DocumentKind[CaseModel], out: Path, pattern: str, spill: Spill,
              pool: ProcessPoolExecutor | None, jobs: int, in_flight_per_job: int) -> list[Row]:
    """Validate every row, then mark duplicate case_refs and colliding file names.

    The rows are read from ``table`` one at a time and checked in chunks (by the workers when
    there are any); each valid case goes to ``spill`` as soon as it is checked.
    """
    converter, _ = _converter(kind.name)
    try:
        _check_header(table, converter)
    except CaseValidationError:
        for _ in table.rows:  # a fault in the file itself is reported before one in its header
            pass
        raise
    check = RowCheck(kind.name, out, pattern, f"{table.source.name} {table.row_label}")
    rows = []
    for row in checked_rows(table.rows, check, pool, jobs, in_flight_per_job):
        if row.pickled_case is not None:
            row.case_at = spill.put_pickled(row.pickled_case)
            row.pickled_case = None
        rows.append(row)
    _check_missing_columns(table, rows)
    _mark_repeats(rows, table.row_label)
    return rows


def _check_missing_columns(table: TableStream, rows: list[Row]) -> None:
    """A column rows need but the header lacks is one problem, said once, before any write.

    No row can fill a column the file does not have, so the fix is in the header: the batch
    stops, as for an unknown column, instead of listing the same problem on every row.

    Raises:
        CaseValidationError: naming each such column and why the rows need it.
    """
    if not table.columns or not rows:  # JSONL has no header: each line names its own keys
        return
    header = set(table.columns)
    why: dict[str, str] = {}
    failing: dict[str, set[int]] = defaultdict(set)
    for row in rows:
        for problem in row.problems:
            for name in problem.field.split(", "):
                if name in header or any(column.startswith(name + ".") for column in header):
                    continue
                if not _NAME.fullmatch(name):  # '(file name)' and the like are not columns
                    continue
                failing[name].add(row.number)
                why.setdefault(name, problem.message)
    if failing:
        reasons = "; ".join(
            f"no '{name}' column, which "
            + (f"every {table.row_label} needs" if len(numbers) == len(rows)
               else f"{len(numbers)} of the {len(rows)} {table.row_label}s need")
            + ("" if why[name].startswith("required, but") else f" ({why[name]})")
            for name, numbers in failing.items())
        msg = f"{table.source}: header row: {reasons}; add the column (nothing was written)"
        raise CaseValidationError(msg)


def _mark_repeats(rows: list[Row], label: str) -> None:
    """Every row of a repeated case_ref is an error; so is every row of a repeated file name."""
    by_ref: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        if row.case_ref:
            by_ref[row.case_ref].append(row)
    for ref, group in by_ref.items():
        if len(group) > 1:
            where = ", ".join(str(r.number) for r in group)
            for row in group:
                row.fail("case_ref", f"the case_ref appears in {len(group)} {label}s ({where}); "
                         "each case must have one row", ref)
    by_name: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        if row.target is not None and not row.problems:
            # casefold: Windows and macOS see Ab.docx and ab.docx as one file
            by_name[os.path.basename(row.target).casefold()].append(row)
    for group in by_name.values():
        if len(group) > 1:
            where = ", ".join(str(r.number) for r in group)
            for row in group:
                assert row.target is not None
                name = os.path.basename(row.target)
                row.fail("(file name)", f"{label}s {where} would all be written to {name}; "
                         "change --name or the case_ref", name)
    for row in rows:
        if row.problems:
            row.case_at = -1
