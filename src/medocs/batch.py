"""Many cases at once: read a table, validate every row, issue the good ones, report each row.

The steps, in this order (nothing is written before step 3):

1. Open the input (:func:`medocs.tables.open_table`) and check its header against the
   kind's batch columns (:mod:`medocs.columns`): an unknown column stops the batch (once the
   rest of the file is read, so a fault in the file itself is still reported first).
2. Read the rows one at a time, turn each into a case and validate it as it arrives,
   collecting every problem of every row and keeping only a small record per row (the case
   itself goes to a temporary file); then mark duplicate ``case_ref`` values and rows whose
   output file names would collide.
3. Issue the good rows chunk by chunk. This process reserves each chunk's certificate
   numbers (one register transaction, in row order, so the same rows get the same numbers
   whatever ``--jobs`` is) and hands the chunk to a worker; while the workers render, it
   reserves the next. A worker (this process with ``jobs=1``, else one of ``jobs`` processes
   started before the input is read) compiles the template once, renders with
   :func:`medocs.issuing.prepare_documents` and writes with
   :func:`medocs.issuing.finish_documents` in a thread, so disk waits overlap rendering.
4. Optionally convert the documents to PDF through one :class:`medocs.pdf.PdfPool`.
5. Write ``manifest.csv`` (one line per input row) and ``errors.csv`` (one line per problem)
   atomically, values neutralised against spreadsheet formulas. An earlier, different report
   is never lost: it is renamed ``manifest.<UTC time it was written>.csv`` first.

An interrupted run leaves no partial file (see :mod:`medocs.issuing`); running the same
command again skips what is done and finishes the rest.
"""

from __future__ import annotations

import functools
import itertools
import math
import os
import pickle
import re
import signal
import struct
import tempfile
import time
import weakref
from array import array
from collections import Counter, defaultdict, deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import IO, Any, Literal, TextIO, overload

from pydantic import BaseModel

from medocs.columns import RowConverter, batch_columns, cell_text
from medocs.documents import KINDS, DocumentKind, example_context, template_path
from medocs.errors import CaseValidationError, MedocsError, OutputError, OutputExistsError, PdfError
from medocs.files import remove_stale_temp_files, write_atomic
from medocs.issuing import (
    Issued,
    Job,
    Prepared,
    finish_documents,
    name_fields,
    output_path,
    prepare_documents,
    reserve_numbers,
)
from medocs.loading import validate_case
from medocs.naming import DEFAULT_PATTERN
from medocs.pdf import PdfPool
from medocs.profiles import Profile
from medocs.register import Register
from medocs.rendering import load_template
from medocs.tables import TableRow, TableStream, csv_bytes, open_table

__all__ = [
    "BatchResult",
    "Progress",
    "RowError",
    "RowOutcome",
    "RowStatus",
    "run_batch",
]

RowStatus = Literal["issued", "skipped-already-done", "error"]

MANIFEST = "manifest.csv"
ERRORS = "errors.csv"
_MAX_CHUNK = 200  # rows per task given to a worker process
_IN_FLIGHT = 3  # chunks given to each worker process at a time
_PIECE = 50  # rows rendered, then written with one group fsync and one register commit
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


@dataclass(frozen=True)
class RowOutcome:
    """What became of one input row, as manifest.csv lists it."""

    row: int
    case_ref: str
    status: RowStatus
    docx: Path | None = None
    pdf: Path | None = None
    sha256: str = ""
    certificate_number: str = ""
    key_dates: dict[str, str] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    message: str = ""


@dataclass(frozen=True)
class BatchResult:
    """The outcome of a batch run.

    Attributes:
        source: the input file.
        out: the output folder.
        rows: one outcome per input row, in input order.
        errors: every problem, in row order.
        manifest: the manifest file written.
        errors_file: the errors file written, or None when no row failed.
        row_label: ``'row'`` or ``'line'``, for messages.
        register: the certificate register used (None for kinds without numbers).
    """

    source: Path
    out: Path
    rows: Sequence[RowOutcome]
    errors: list[RowError]
    manifest: Path
    errors_file: Path | None
    row_label: str = "row"
    register: Path | None = None
    counts: dict[str, int] | None = None

    def count(self, status: RowStatus) -> int:
        """How many rows ended with ``status``."""
        if self.counts is not None:
            return self.counts.get(status, 0)
        return sum(1 for row in self.rows if row.status == status)

    def summary(self) -> str:
        """One line: rows issued, already done and failed, where the reports are, the register."""
        text = (f"{_plural(len(self.rows), self.row_label)}: {self.count('issued')} issued, "
                f"{self.count('skipped-already-done')} already done, {self.count('error')} with errors; "
                f"manifest: {self.manifest}")
        if self.errors_file is not None:
            failed = len({error.row for error in self.errors})
            text += (f"; errors: {self.errors_file} "
                     f"({_plural(len(self.errors), 'problem')} in {_plural(failed, self.row_label)})")
        if self.register is not None:
            text += f"; register: {self.register}"
        return text

    def describe(self, error: RowError) -> str:
        """One line for the screen: ``cases.csv row 7 (GM-1): 'child.name': required (got '')``."""
        who = f" ({error.case_ref})" if error.case_ref else ""
        found = f" (got {error.found!r})" if error.found else ""
        where = f"{self.source.name} {self.row_label} {error.row}{who}"
        return f"{where}: '{error.field}': {error.message}{found}"


def _plural(count: int, word: str) -> str:
    """``1 row``, ``2 rows``."""
    return f"{count} {word}{'' if count == 1 else 's'}"


class _Spill:
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


class _Outcomes(Sequence[RowOutcome]):
    """Every row's outcome in row order, read from a :class:`_Spill` when asked for."""

    def __init__(self, spill: _Spill, offsets: array[int]) -> None:
        self._spill = spill
        self._offsets = offsets

    def __len__(self) -> int:
        return len(self._offsets)

    @overload
    def __getitem__(self, index: int) -> RowOutcome: ...
    @overload
    def __getitem__(self, index: slice) -> list[RowOutcome]: ...
    def __getitem__(self, index: int | slice) -> RowOutcome | list[RowOutcome]:
        if isinstance(index, slice):
            return [self._spill.get(offset) for offset in self._offsets[index]]
        outcome: RowOutcome = self._spill.get(self._offsets[index])
        return outcome

    def __iter__(self) -> Iterator[RowOutcome]:
        for offset in self._offsets:
            yield self._spill.get(offset)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"<{len(self)} row outcomes>"


class Progress:
    """Rows done, rate and time left on one line of a terminal; silent when not a terminal."""

    def __init__(self, stream: TextIO | None, *, interval: float = 0.2) -> None:
        """Draw on ``stream`` if it is a terminal.

        Args:
            stream: usually stderr; None or a non-terminal stream draws nothing.
            interval: least seconds between redraws.
        """
        self._stream = stream if stream is not None and stream.isatty() else None
        self._interval = interval
        self._what = ""
        self._total = 0
        self._done = 0
        self._start = 0.0
        self._drawn = 0.0

    def start(self, total: int, what: str) -> None:
        """Begin counting ``total`` items of ``what`` (e.g. 'documents')."""
        self._what, self._total, self._done = what, total, 0
        self._start = self._drawn = time.monotonic()

    def advance(self, count: int = 1) -> None:
        """Count ``count`` more items done and redraw if it is time."""
        self._done += count
        now = time.monotonic()
        if self._stream is not None and (now - self._drawn >= self._interval or self._done >= self._total):
            self._drawn = now
            elapsed = max(now - self._start, 1e-9)
            rate = self._done / elapsed
            left = (self._total - self._done) / rate if rate else 0.0
            self._stream.write(f"\r{self._what}: {self._done}/{self._total}  {rate:,.0f}/s  "
                               f"{int(left) // 60}:{int(left) % 60:02d} left ")
            self._stream.flush()

    def finish(self) -> None:
        """End the line."""
        if self._stream is not None and self._total:
            self._stream.write("\n")
            self._stream.flush()


# --------------------------------------------------------------------------- validation


@dataclass(slots=True)
class _Row:
    """An input row on its way, kept small: its case and its outcome wait in a :class:`_Spill`.

    ``case`` is set only while the row is validated; a valid case is then stored (``case_at``)
    and dropped, so a large batch never holds every case at once.
    """

    number: int
    case_ref: str
    case: BaseModel | None = None  # only while it is checked
    target: str | None = None  # the .docx to write (a str is much smaller than a Path)
    problems: list[RowError] = field(default_factory=list)
    case_at: int = -1  # where the valid case is in the spill; -1: none
    issued_at: int = -1  # where the Issued record is in the spill; -1: not issued
    pdf: Path | None = None

    @property
    def valid(self) -> bool:
        return self.case_at >= 0 and self.target is not None and not self.problems

    def fail(self, field_name: str, message: str, found: str = "") -> None:
        self.problems.append(RowError(self.number, self.case_ref, field_name, message, found))


def _check_header(table: TableStream, converter: RowConverter) -> None:
    if not table.columns:  # JSONL: unknown keys are reported per line
        return
    problems = converter.unknown(table.columns)
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


def _validate(row: _Row, cells: dict[str, Any], kind: DocumentKind, converter: RowConverter,
              where: str, names: frozenset[str] = frozenset()) -> None:
    converted = converter.convert(cells)
    unreadable = set()
    for problem in converted.problems:
        row.fail(problem.column, problem.message, problem.found)
        unreadable.add(problem.column)
    try:
        row.case = validate_case(converted.data, kind.model, where=where)
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
    if row.problems:
        row.case = None


@dataclass(frozen=True)
class _RowCheck:
    """What checking a row needs besides its cells (sent to a worker with each chunk)."""

    kind: str
    out: Path
    pattern: str
    where: str  # e.g. "cases.csv row": the row number follows


@dataclass(frozen=True, slots=True)
class _Checked:
    """A checked row: its problems, or its output file and its case, pickled for the spill."""

    number: int
    case_ref: str
    problems: list[RowError]
    target: str | None
    case: bytes | None


@functools.cache
def _converter(kind_name: str) -> tuple[RowConverter, frozenset[str]]:
    """The row converter of a kind and its batch column names (built once per process)."""
    model = KINDS[kind_name].model
    return RowConverter(model), frozenset(column.name for column in batch_columns(model))


def _check_rows(table_rows: Sequence[TableRow], check: _RowCheck) -> list[_Checked]:
    """Validate rows and work out their file names: in a worker, or here without one."""
    kind = KINDS[check.kind]
    converter, names = _converter(check.kind)
    checked = []
    for table_row in table_rows:
        case_ref = str(cell_text(table_row.cells.get("case_ref", ""))).strip()
        row = _Row(table_row.number, case_ref)
        for problem in table_row.problems:
            row.fail(problem.column, problem.message, problem.found)
        _validate(row, table_row.cells, kind, converter, f"{check.where} {table_row.number}", names)
        case = None
        if row.case is not None:
            try:
                row.target = str(output_path(check.out, kind, case_ref, pattern=check.pattern,
                                             fields=name_fields(kind, row.case)))
            except MedocsError as exc:
                row.fail("(file name)", str(exc))
            else:
                case = pickle.dumps(row.case, protocol=pickle.HIGHEST_PROTOCOL)
        checked.append(_Checked(row.number, case_ref, row.problems, row.target, case))
    return checked


def _checked_rows(table_rows: Iterator[TableRow], check: _RowCheck,
                  pool: ProcessPoolExecutor | None, jobs: int) -> Iterator[_Checked]:
    """Every row checked, in order; with workers, they check while this process reads on."""
    pieces = iter(lambda: list(itertools.islice(table_rows, _CHECK_PIECE)), [])
    if pool is None:
        for piece in pieces:
            yield from _check_rows(piece, check)
        return
    in_flight: deque[Future[list[_Checked]]] = deque()
    for piece in pieces:
        in_flight.append(pool.submit(_check_rows, piece, check))
        if len(in_flight) >= jobs * _IN_FLIGHT:
            yield from in_flight.popleft().result()
    while in_flight:
        yield from in_flight.popleft().result()


def _plan(table: TableStream, kind: DocumentKind, out: Path, pattern: str, spill: _Spill,
          pool: ProcessPoolExecutor | None, jobs: int) -> list[_Row]:
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
    check = _RowCheck(kind.name, out, pattern, f"{table.source.name} {table.row_label}")
    rows = []
    for checked in _checked_rows(table.rows, check, pool, jobs):
        row = _Row(checked.number, checked.case_ref, target=checked.target, problems=checked.problems)
        if checked.case is not None:
            row.case_at = spill.put_pickled(checked.case)
        rows.append(row)
    _check_missing_columns(table, rows)
    _mark_repeats(rows, table.row_label)
    return rows


def _check_missing_columns(table: TableStream, rows: list[_Row]) -> None:
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


def _mark_repeats(rows: list[_Row], label: str) -> None:
    """Every row of a repeated case_ref is an error; so is every row of a repeated file name."""
    by_ref: dict[str, list[_Row]] = defaultdict(list)
    for row in rows:
        if row.case_ref:
            by_ref[row.case_ref].append(row)
    for ref, group in by_ref.items():
        if len(group) > 1:
            where = ", ".join(str(r.number) for r in group)
            for row in group:
                row.fail("case_ref", f"the case_ref appears in {len(group)} {label}s ({where}); "
                         "each case must have one row", ref)
    by_name: dict[str, list[_Row]] = defaultdict(list)
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


# --------------------------------------------------------------------------- issuing


@dataclass(frozen=True)
class _Settings:
    """What a worker process needs to issue documents (sent to it once, pickled)."""

    kind: str
    profile: Profile | None
    today: date
    templates: Path | None
    force: bool
    register: Path | None
    reissue: bool = False


class _Issuer:
    """Issues chunks of jobs in one process, rendering one piece while a thread writes the last.

    Rendering is CPU work; writing is mostly waiting for the disk (fsync, the register's
    commit), which releases the GIL. So a chunk is cut into pieces: the writer thread
    finishes piece k while this thread renders piece k+1. The register connection is opened
    and used in the writer thread only (SQLite connections belong to their thread).
    """

    def __init__(self, settings: _Settings) -> None:
        self.settings = settings
        self.kind = KINDS[settings.kind]
        load_template(template_path(self.kind, settings.templates))  # compile once, here
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="medocs-writer")
        self._register: Register | None = None

    def _finish(self, prepared: Prepared) -> list[Issued | MedocsError]:
        if self._register is None and self.settings.register is not None:
            self._register = Register(self.settings.register)
        return finish_documents(prepared, register=self._register)

    def issue(self, chunk: Sequence[tuple[int, Job]]) -> list[tuple[int, Issued | MedocsError]]:
        s = self.settings
        written: list[tuple[Sequence[tuple[int, Job]], Future[list[Issued | MedocsError]]]] = []
        for start in range(0, len(chunk), _PIECE):
            piece = chunk[start : start + _PIECE]
            prepared = prepare_documents(self.kind, [job for _, job in piece], s.profile, today=s.today,
                                         templates=s.templates, force=s.force, resume=True)
            written.append((piece, self._writer.submit(self._finish, prepared)))
        out: list[tuple[int, Issued | MedocsError]] = []
        for piece, future in written:
            out += [(number, result) for (number, _), result in zip(piece, future.result(), strict=True)]
        return out

    def close(self) -> None:
        """Wait for the writer to finish what it was given, then close the register."""
        def close_register() -> None:
            if self._register is not None:
                self._register.close()
        self._writer.submit(close_register).result()
        self._writer.shutdown()


_WORKER: _Issuer | None = None


def _start_worker(settings: _Settings) -> None:
    """Initialise a worker process: it leaves Ctrl-C to the parent, which stops the pool."""
    global _WORKER  # one issuer per worker process, by design
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for sig in (signal.SIGTERM, signal.SIGHUP):  # not the parent's "stop like Ctrl-C" handlers
        signal.signal(sig, signal.SIG_DFL)
    _WORKER = _Issuer(settings)


def _work(chunk: Sequence[tuple[int, Job]]) -> list[tuple[int, Issued | MedocsError]]:
    assert _WORKER is not None, "worker not initialised"
    return _WORKER.issue(chunk)


def _chunks(rows: Sequence[_Row], jobs: int) -> list[Sequence[_Row]]:
    # Several chunks per worker, so the last one is not left working alone for long.
    size = max(1, min(_MAX_CHUNK, math.ceil(len(rows) / (jobs * 4))))
    return [rows[i : i + size] for i in range(0, len(rows), size)]


def _numbered(chunk: Sequence[_Row], kind: DocumentKind, settings: _Settings,
              register: Register | None, spill: _Spill) -> list[tuple[int, Job]]:
    """The chunk's jobs with their certificate numbers, reserved in row order in one transaction.

    The cases are read back from ``spill``. A row whose number cannot be had is marked failed
    and left out.
    """
    jobs = [Job(spill.get(row.case_at), Path(row.target)) for row in chunk
            if row.case_at >= 0 and row.target is not None]
    numbered: list[Job | MedocsError] = list(jobs)
    if register is not None:
        numbered = reserve_numbers(kind, jobs, settings.profile, register, force=settings.force,
                                   reissue=settings.reissue, templates=settings.templates,
                                   today=settings.today)
    items = []
    for row, job in zip(chunk, numbered, strict=True):
        if isinstance(job, MedocsError):
            row.fail("(document)", str(job))
        else:
            items.append((row.number, job))
    return items


def _start_pool(settings: _Settings, jobs: int) -> ProcessPoolExecutor:
    """Start ``jobs`` worker processes now, while this process is still small.

    Started before the input is read, the workers do not inherit (and keep copies of) every
    row: their memory stays flat however long the batch.
    """
    pool = ProcessPoolExecutor(max_workers=jobs, initializer=_start_worker, initargs=(settings,))
    try:
        for future in [pool.submit(_ready) for _ in range(jobs)]:
            future.result()
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    return pool


def _ready() -> None:
    """A task that only makes a worker process start."""


def _issue_all(rows: Sequence[_Row], kind: DocumentKind, settings: _Settings,
               pool: ProcessPoolExecutor | None, jobs: int, progress: Progress,
               spill: _Spill) -> Iterable[tuple[int, Issued | MedocsError]]:
    """Issue the rows chunk by chunk; the numbers of a chunk are reserved just before it goes.

    The reservations (here, in row order) overlap with the workers' rendering of earlier
    chunks, so they add almost nothing to the wall time.
    """
    # Opened after the workers started: a forked child must not inherit an open connection.
    register = Register(settings.register) if settings.register is not None else None
    try:
        if pool is None:
            issuer = _Issuer(settings)
            try:
                for chunk in _chunks(rows, 1):
                    yield from issuer.issue(_numbered(chunk, kind, settings, register, spill))
                    progress.advance(len(chunk))
            finally:
                issuer.close()
            return
        # A few chunks per worker in flight, not all: each queued chunk holds its cases.
        chunks = iter(_chunks(rows, jobs))
        futures: dict[Future[list[tuple[int, Issued | MedocsError]]], int] = {}
        while True:
            for chunk in chunks:
                futures[pool.submit(_work, _numbered(chunk, kind, settings, register, spill))] = len(chunk)
                if len(futures) >= jobs * _IN_FLIGHT:
                    break
            if not futures:
                break
            done, _ = wait(futures, return_when=FIRST_COMPLETED)
            for future in done:
                yield from future.result()
                progress.advance(futures.pop(future))
    finally:
        if register is not None:
            register.close()


def _convert_pdfs(rows: list[_Row], out: Path, pool: PdfPool, force: bool, progress: Progress,
                  spill: _Spill) -> None:
    todo: dict[Path, _Row] = {}
    for row in rows:
        if row.issued_at < 0:
            continue
        issued: Issued = spill.get(row.issued_at)
        pdf = issued.docx.with_suffix(".pdf")
        if os.path.lexists(pdf) and not force and not issued.replaced:
            if issued.status == "skipped-already-done" and _newer_or_same(pdf, issued.docx):
                row.pdf = pdf  # done by an earlier run, after this very .docx was written
            elif issued.status == "skipped-already-done":
                todo[issued.docx] = row  # older than its .docx: made from a certificate since replaced
            else:
                row.fail("(pdf)", str(OutputExistsError(f"{pdf} already exists: use --force to replace it")))
            continue
        todo[issued.docx] = row
    if not todo:
        return
    progress.start(len(todo), "PDF")
    with pool:
        results = pool.convert_many(list(todo), out, on_result=lambda _path, _result: progress.advance())
    progress.finish()
    for docx, result in results.items():
        if isinstance(result, PdfError):
            todo[docx].fail("(pdf)", str(result))
        else:
            todo[docx].pdf = result


def _newer_or_same(path: Path, than: Path) -> bool:
    try:
        return path.stat().st_mtime_ns >= than.stat().st_mtime_ns
    except OSError:
        return False


# --------------------------------------------------------------------------- reports


def _outcome(row: _Row, spill: _Spill) -> RowOutcome:
    issued: Issued | None = spill.get(row.issued_at) if row.issued_at >= 0 else None
    status: RowStatus = "error" if row.problems or issued is None else issued.status
    if issued is None:
        return RowOutcome(row.number, row.case_ref, status,
                          message=row.problems[0].message if row.problems else "")
    return RowOutcome(
        row.number, row.case_ref, status, docx=issued.docx, pdf=row.pdf, sha256=issued.sha256,
        certificate_number=issued.certificate_number or "", key_dates=issued.key_dates,
        warnings=issued.warnings, message=row.problems[0].message if row.problems else "",
    )


def _relative(path: Path | None, out: Path) -> str:
    return "" if path is None else os.path.relpath(path, out)


def _write_reports(rows: list[_Row], spill: _Spill, errors: list[RowError], out: Path,
                   kept: _Spill) -> tuple[Path | None, _Outcomes, Counter[str]]:
    """Write manifest.csv and errors.csv; each row's outcome goes to ``kept`` on the way.

    Returns:
        The errors file (None when no row failed), the outcomes in row order and how many
        rows ended with each status.
    """
    # Key-date columns in the order the documents give them, e.g. appeal_by, certificate_due_by.
    names = list(dict.fromkeys(name for row in rows if row.issued_at >= 0
                               for name in spill.get(row.issued_at).key_dates))
    header = ["row", "case_ref", "status", "output", "pdf", "sha256", "certificate_number",
              *(f"{name}_by" for name in names), "warnings", "message"]
    offsets: array[int] = array("q")
    counts: Counter[str] = Counter()

    def lines() -> Iterator[list[object]]:
        for row in rows:  # one outcome at a time: only the file's bytes grow
            outcome = _outcome(row, spill)
            offsets.append(kept.put(outcome))
            counts[outcome.status] += 1
            yield [outcome.row, outcome.case_ref, outcome.status, _relative(outcome.docx, out),
                   _relative(outcome.pdf, out), outcome.sha256, outcome.certificate_number,
                   *(outcome.key_dates.get(name, "") for name in names),
                   " | ".join(outcome.warnings), outcome.message]

    manifest = csv_bytes(header, lines())
    outcomes = _Outcomes(kept, offsets)
    _replace_report(out / MANIFEST, manifest)
    del manifest
    errors_file = out / ERRORS
    if not errors:
        _keep_old(errors_file)  # it describes a run that is over, but is not ours to lose
        return None, outcomes, counts
    _replace_report(errors_file, csv_bytes(["row", "case_ref", "field", "message", "found"],
                                           [[e.row, e.case_ref, e.field, e.message, e.found]
                                            for e in errors]))
    return errors_file, outcomes, counts


def _keep_old(path: Path) -> Path | None:
    """Rename an existing report to NAME.<UTC time it was written>.csv; return the new name.

    The time is the old file's own (its modification time), so the kept reports sort in the
    order of the runs that wrote them, and each name says which run it describes.
    """
    try:
        written = datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
    except FileNotFoundError:
        return None
    stem = f"{path.stem}.{written.strftime('%Y%m%dT%H%M%SZ')}"
    kept = path.with_name(f"{stem}{path.suffix}")
    count = 1
    while os.path.lexists(kept):
        count += 1
        kept = path.with_name(f"{stem}-{count}{path.suffix}")
    os.replace(path, kept)
    return kept


def _replace_report(path: Path, data: bytes) -> None:
    """Write a report; an earlier, different one is kept under a dated name, never lost."""
    try:
        if path.read_bytes() == data:
            return  # the same report again (a re-run with nothing new): keep the one file
    except FileNotFoundError:
        pass
    else:
        _keep_old(path)
    write_atomic(path, data, force=True)


# --------------------------------------------------------------------------- the batch


def run_batch(
    kind: DocumentKind,
    source: Path,
    *,
    out: Path,
    profile: Profile | None,
    today: date,
    register_path: Path | None = None,
    templates: Path | None = None,
    jobs: int = 1,
    pdf: bool = False,
    force: bool = False,
    reissue: bool = False,
    name_pattern: str = DEFAULT_PATTERN,
    sheet: str | None = None,
    progress: Progress | None = None,
) -> BatchResult:
    """Issue one document per row of ``source`` into ``out``, and report every row.

    Args:
        kind: the document kind.
        source: a .csv, .xlsx or .jsonl file, one case per row.
        out: the output folder (created if missing).
        profile: the organisation; None only for kinds that need none.
        today: the current date, for warnings.
        register_path: the certificate register; needed for numbered kinds.
        templates: a folder of the organisation's own templates.
        jobs: worker processes (1: all in this process).
        pdf: also write a PDF of each document.
        force: replace existing files.
        reissue: give a new certificate number to each case whose data, profile or template
            changed since its latest certificate, replacing that certificate's files; a
            case already reissued from these sources is reported as done.
        name_pattern: the output file name pattern, e.g. ``'{case_ref}-{kind}'``.
        sheet: the .xlsx sheet to read (default: the first).
        progress: where to show progress; None shows nothing.

    Returns:
        The outcome of every row (read back from a temporary file when asked for, so a large
        batch does not keep them all in memory); ``manifest.csv`` (and ``errors.csv`` if any
        row failed) are written in ``out``.

    Raises:
        CaseValidationError: the input file cannot be read or its header has unknown columns
            (nothing is written).
        MedocsError: the template, the register or LibreOffice (with ``pdf``) cannot be used,
            or ``out`` is not a folder (nothing is written).
    """
    progress = progress or Progress(None)
    if out.suffix.lower() == ".docx" or out.is_file():
        msg = f"--out {out}: a batch writes many files, so --out must be a folder"
        raise OutputError(msg)
    if jobs < 1:
        msg = f"jobs must be at least 1 (got {jobs})"
        raise MedocsError(msg)
    if kind.numbered and register_path is None:
        msg = f"{kind.name} certificates are numbered: give a register"
        raise MedocsError(msg)
    # A broken template stops us before any write. Rendering the sample also imports and loads
    # everything a row needs (the bank holidays of ~200 countries alone take 0.4 s of CPU)
    # before the workers are forked, so they inherit it instead of each paying for it.
    load_template(template_path(kind, templates)).render(example_context(kind.name))
    pdf_pool = PdfPool(workers=jobs) if pdf else None  # LibreOffice missing: stop now, too
    settings = _Settings(kind.name, profile, today, templates, force,
                         register_path if kind.numbered else None, reissue)
    pool = _start_pool(settings, jobs) if jobs > 1 else None
    spill = _Spill()  # the cases and Issued records, off the heap until the reports are written
    try:
        try:
            table = open_table(source, sheet=sheet)
            try:
                rows = _plan(table, kind, out, name_pattern, spill, pool, jobs)
            finally:
                close = getattr(table.rows, "close", None)
                if close is not None:
                    close()  # the file, if a fault stopped the reading part way
            row_label = table.row_label
            del table
            good = [row for row in rows if row.valid]
            try:
                out.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                msg = f"--out {out}: cannot create the folder ({exc.strerror or exc})"
                raise OutputError(msg) from exc
            remove_stale_temp_files(out, {os.path.basename(row.target) for row in good
                                          if row.target is not None})
            by_number = {row.number: row for row in rows}
            progress.start(len(good), "documents")
            try:
                for number, result in _issue_all(good, kind, settings, pool, jobs, progress, spill):
                    row = by_number[number]
                    if isinstance(result, MedocsError):
                        row.fail("(document)", str(result))
                    else:
                        row.issued_at = spill.put(result)
            finally:
                progress.finish()
        finally:
            if pool is not None:
                # On Ctrl-C: drop the chunks not started; workers finish the one they are on.
                pool.shutdown(wait=True, cancel_futures=True)
        del by_number
        if pdf_pool is not None:
            _convert_pdfs(good, out, pdf_pool, force, progress, spill)
        del good
        errors = [problem for row in rows for problem in row.problems]
        kept = _Spill()  # the outcomes, for the result: a few bytes per row in memory
        try:
            errors_file, outcomes, counts = _write_reports(rows, spill, errors, out, kept)
        except BaseException:
            kept.close()
            raise
    finally:
        spill.close()
    return BatchResult(source, out, outcomes, errors, out / MANIFEST, errors_file, row_label,
                       settings.register, dict(counts))
