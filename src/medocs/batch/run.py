"""Many cases at once: read a table, validate every row, issue the good ones, report each row.

The steps, in this order (nothing is written before step 3):

1. Open the input (:func:`medocs.batch.tables.open_table`) and check its header against the
   kind's batch columns (:mod:`medocs.batch.columns`): an unknown column stops the batch (once the
   rest of the file is read, so a fault in the file itself is still reported first).
2. Read the rows one at a time, turn each into a case and validate it as it arrives (in the
   worker processes when there are any), collecting every problem of every row and keeping
   only a small record per row (the case itself goes to a temporary file); then mark
   duplicate ``case_ref`` values and rows whose output file names would collide
   (:mod:`medocs.batch.rows`).
3. Issue the good rows chunk by chunk. This process reserves each chunk's certificate
   numbers (one register transaction, in row order, so the same rows get the same numbers
   whatever ``--jobs`` is) and hands the chunk to a worker; while the workers render, it
   reserves the next. A worker (this process with ``jobs=1``, else one of ``jobs`` processes
   started before the input is read) compiles the template once, renders with
   :func:`medocs.issuing.prepare_documents` and writes with
   :func:`medocs.issuing.finish_documents` in a thread, so disk waits overlap rendering.
4. Optionally convert the documents to PDF through one :class:`medocs.pdf.pool.PdfPool`.
5. Write ``manifest.csv`` (one line per input row) and ``errors.csv`` (one line per problem)
   atomically, values neutralised against spreadsheet formulas. An earlier, different report
   is never lost: it is renamed ``manifest.<UTC time it was written>.csv`` first.

An interrupted run leaves no partial file (see :mod:`medocs.issuing`); running the same
command again skips what is done and finishes the rest.
"""

from __future__ import annotations

import math
import os
import signal
import threading
import time
from array import array
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Literal, TextIO, overload

from medocs.batch.rows import Row, RowError, Spill, plan_rows
from medocs.batch.tables import open_table
from medocs.documents.kinds import KINDS, DocumentKind, example_context, kind_template
from medocs.errors import MedocsError, OutputError, OutputExistsError, PdfError
from medocs.files import (
    check_writable,
    lock_folder,
    make_folder,
    remove_stale_temp_files,
    write_atomic,
    write_problem,
)
from medocs.issuing import (
    Issued,
    IssueStatus,
    Job,
    Prepared,
    finish_documents,
    prepare_documents,
    reserve_numbers,
)
from medocs.models import CaseModel
from medocs.naming import DEFAULT_PATTERN
from medocs.pdf.pool import PdfPool
from medocs.pdf.validity import pdf_problem
from medocs.profiles import Profile
from medocs.register import Register
from medocs.reports import csv_bytes

__all__ = [
    "BatchResult",
    "Progress",
    "RowError",
    "RowOutcome",
    "RowStatus",
    "run_batch",
]

RowStatus = IssueStatus | Literal["error"]  # a row that failed has no document

MANIFEST = "manifest.csv"
ERRORS = "errors.csv"
_MAX_CHUNK = 200  # rows per task given to a worker process
_IN_FLIGHT = 3  # chunks given to each worker process at a time
_PIECE = 50  # rows rendered, then written with one group fsync and one register commit


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
    reissue_of: str = ""  # the certificate it supersedes, for a reissue
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


class _Outcomes(Sequence[RowOutcome]):
    """Every row's outcome in row order, read from a :class:`Spill` when asked for."""

    def __init__(self, spill: Spill, offsets: array[int]) -> None:
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
        kind_template(self.kind, settings.templates)  # compile once, here
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


_WATCH_INTERVAL = 0.2  # seconds between looks at the parent


def _start_worker(settings: _Settings) -> None:
    """Initialise a worker process: it leaves Ctrl-C to the parent, which stops the pool."""
    global _WORKER  # one issuer per worker process, by design
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for sig in (signal.SIGTERM, signal.SIGHUP):  # not the parent's "stop like Ctrl-C" handlers
        signal.signal(sig, signal.SIG_DFL)
    # A parent killed with SIGKILL closes no pipe the workers see (they share it): watch it.
    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), daemon=True).start()
    _WORKER = _Issuer(settings)


def _exit_with_parent(parent: int) -> None:
    """End this worker once its parent (the batch) is gone: nothing would read its results."""
    while os.getppid() == parent:
        time.sleep(_WATCH_INTERVAL)
    os._exit(1)


def _work(chunk: Sequence[tuple[int, Job]]) -> list[tuple[int, Issued | MedocsError]]:
    assert _WORKER is not None, "worker not initialised"
    return _WORKER.issue(chunk)


def _chunks(rows: Sequence[Row], jobs: int) -> list[Sequence[Row]]:
    # Several chunks per worker, so the last one is not left working alone for long.
    size = max(1, min(_MAX_CHUNK, math.ceil(len(rows) / (jobs * 4))))
    return [rows[i : i + size] for i in range(0, len(rows), size)]


def _numbered(chunk: Sequence[Row], kind: DocumentKind[CaseModel], settings: _Settings,
              register: Register | None, spill: Spill) -> list[tuple[int, Job]]:
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


def _issue_all(rows: Sequence[Row], kind: DocumentKind[CaseModel], settings: _Settings,
               pool: ProcessPoolExecutor | None, jobs: int, progress: Progress,
               spill: Spill) -> Iterable[tuple[int, Issued | MedocsError]]:
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


def _convert_pdfs(rows: list[Row], out: Path, pool: PdfPool, force: bool, progress: Progress,
                  spill: Spill) -> None:
    todo: dict[Path, Row] = {}
    for row in rows:
        if row.issued_at < 0:
            continue
        issued: Issued = spill.get(row.issued_at)
        pdf = issued.docx.with_suffix(".pdf")
        if os.path.lexists(pdf) and not force and not issued.replaced:
            if (issued.status == "skipped-already-done" and _newer_or_same(pdf, issued.docx)
                    and pdf_problem(pdf) is None):
                row.pdf = pdf  # done by an earlier run, after this very .docx was written
            elif issued.status == "skipped-already-done":
                # Older than its .docx (made from a certificate since replaced), or cut short
                # (a full disk, a crash): made again.
                todo[issued.docx] = row
            else:
                row.fail("(pdf)", str(OutputExistsError.at(pdf)))
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


def _outcome(row: Row, spill: Spill) -> RowOutcome:
    issued: Issued | None = spill.get(row.issued_at) if row.issued_at >= 0 else None
    status: RowStatus = "error" if row.problems or issued is None else issued.status
    if issued is None:
        return RowOutcome(row.number, row.case_ref, status,
                          message=row.problems[0].message if row.problems else "")
    return RowOutcome(
        row.number, row.case_ref, status, docx=issued.docx, pdf=row.pdf, sha256=issued.sha256,
        certificate_number=issued.certificate_number or "", reissue_of=issued.reissue_of or "",
        key_dates=issued.key_dates,
        warnings=issued.warnings, message=row.problems[0].message if row.problems else "",
    )


def _relative(path: Path | None, out: Path) -> str:
    return "" if path is None else os.path.relpath(path, out)


def _reports_failed(out: Path, exc: OSError, rows: list[Row], spill: Spill) -> str:
    """Why the reports are missing, which rows were issued all the same, and what to do."""
    done = [row.number for row in rows if row.issued_at >= 0
            and spill.get(row.issued_at).status in ("issued", "skipped-already-done")]
    which = f"rows {_ranges(done)}" if done else "no row"
    return (f"--out {out}: cannot write manifest.csv ({write_problem(exc)}). {which.capitalize()} "
            f"{'was' if len(done) == 1 else 'were'} issued and recorded in the register; "
            f"{len(rows) - len(done)} of {len(rows)} were not. Run the same command again to "
            "finish the rest and write the reports (rows already issued are kept, not renumbered)")


def _ranges(numbers: list[int]) -> str:
    """``2-10, 14, 16-17`` for the row numbers given in order."""
    spans: list[list[int]] = []
    for number in numbers:
        if spans and number == spans[-1][1] + 1:
            spans[-1][1] = number
        else:
            spans.append([number, number])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in spans)


def _write_reports(rows: list[Row], spill: Spill, errors: list[RowError], out: Path,
                   kept: Spill) -> tuple[Path | None, _Outcomes, Counter[str]]:
    """Write manifest.csv and errors.csv; each row's outcome goes to ``kept`` on the way.

    Returns:
        The errors file (None when no row failed), the outcomes in row order and how many
        rows ended with each status.
    """
    # Key-date columns in the order the documents give them, e.g. appeal_by, certificate_due_by.
    names = list(dict.fromkeys(name for row in rows if row.issued_at >= 0
                               for name in spill.get(row.issued_at).key_dates))
    header = ["row", "case_ref", "status", "output", "pdf", "sha256", "certificate_number", "reissue_of",
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
                   outcome.reissue_of, *(outcome.key_dates.get(name, "") for name in names),
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
    kind: DocumentKind[CaseModel],
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
    kind_template(kind, templates).render(example_context(kind.name))
    pdf_pool = PdfPool(workers=jobs) if pdf else None  # LibreOffice missing: stop now, too
    settings = _Settings(kind.name, profile, today, templates, force,
                         register_path if kind.numbered else None, reissue)
    pool = _start_pool(settings, jobs) if jobs > 1 else None
    spill = Spill()  # the cases and Issued records, off the heap until the reports are written
    # Taken now when the folder exists (before the input is read), else once it is made.
    folder_lock = lock_folder(out) if out.is_dir() else None
    try:
        try:
            table = open_table(source, sheet=sheet)
            try:
                rows = plan_rows(table, kind, out, name_pattern, spill, pool, jobs, _IN_FLIGHT)
            finally:
                close = getattr(table.rows, "close", None)
                if close is not None:
                    close()  # the file, if a fault stopped the reading part way
            row_label = table.row_label
            del table
            good = [row for row in rows if row.valid]
            make_folder(out)
            folder_lock = folder_lock or lock_folder(out)  # before its temporary files are touched
            check_writable(out)  # before a number is reserved for a file that cannot be written
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
        kept = Spill()  # the outcomes, for the result: a few bytes per row in memory
        try:
            errors_file, outcomes, counts = _write_reports(rows, spill, errors, out, kept)
        except OSError as exc:  # disk full or read-only: the issued rows are safe, say which
            kept.close()
            raise OutputError(_reports_failed(out, exc, rows, spill)) from exc
        except BaseException:
            kept.close()
            raise
    finally:
        spill.close()
        if folder_lock is not None:
            folder_lock.release()
    return BatchResult(source, out, outcomes, errors, out / MANIFEST, errors_file, row_label,
                       settings.register, dict(counts))
