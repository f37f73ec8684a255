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
from collections.abc import Iterable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from datetime import date
from pathlib import Path

from medocs.batch.issuer import ChunkIssuer, IssueSettings, issue_chunk, start_pool
from medocs.batch.progress import Progress
from medocs.batch.report import MANIFEST, BatchResult, RowOutcome, RowStatus, reports_failed, write_reports
from medocs.batch.rows import Row, RowError, Spill, plan_rows
from medocs.batch.tables import open_table
from medocs.documents.kinds import DocumentKind, example_context, kind_template
from medocs.errors import MedocsError, OutputError, OutputExistsError, PdfError
from medocs.files import check_writable, lock_folder, make_folder, remove_stale_temp_files
from medocs.issuing import (
    Issued,
    Job,
    reserve_numbers,
)
from medocs.models import CaseModel
from medocs.naming import DEFAULT_PATTERN
from medocs.pdf.pool import PdfPool
from medocs.pdf.validity import pdf_problem
from medocs.profiles import Profile
from medocs.register import Register

__all__ = [
    "BatchResult",
    "Progress",
    "RowError",
    "RowOutcome",
    "RowStatus",
    "run_batch",
]

_MAX_CHUNK = 200  # rows per task given to a worker process
_IN_FLIGHT = 3  # chunks given to each worker process at a time


def _chunks(rows: Sequence[Row], jobs: int) -> list[Sequence[Row]]:
    # Several chunks per worker, so the last one is not left working alone for long.
    size = max(1, min(_MAX_CHUNK, math.ceil(len(rows) / (jobs * 4))))
    return [rows[i : i + size] for i in range(0, len(rows), size)]


def _numbered(chunk: Sequence[Row], kind: DocumentKind[CaseModel], settings: IssueSettings,
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



def _issue_all(rows: Sequence[Row], kind: DocumentKind[CaseModel], settings: IssueSettings,
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
            yield from _issue_here(rows, kind, settings, register, progress, spill)
        else:
            yield from _issue_in_workers(rows, kind, settings, register, pool, jobs, progress, spill)
    finally:
        if register is not None:
            register.close()


def _issue_here(rows: Sequence[Row], kind: DocumentKind[CaseModel], settings: IssueSettings,
                register: Register | None, progress: Progress,
                spill: Spill) -> Iterable[tuple[int, Issued | MedocsError]]:
    """Issue the rows chunk by chunk in this process (``--jobs 1``)."""
    issuer = ChunkIssuer(settings)
    try:
        for chunk in _chunks(rows, 1):
            yield from issuer.issue(_numbered(chunk, kind, settings, register, spill))
            progress.advance(len(chunk))
    finally:
        issuer.close()


def _issue_in_workers(rows: Sequence[Row], kind: DocumentKind[CaseModel], settings: IssueSettings,
                      register: Register | None, pool: ProcessPoolExecutor, jobs: int, progress: Progress,
                      spill: Spill) -> Iterable[tuple[int, Issued | MedocsError]]:
    """Issue the rows chunk by chunk in the worker processes, results in the order they finish."""
    # A few chunks per worker in flight, not all: each queued chunk holds its cases.
    chunks = iter(_chunks(rows, jobs))
    futures: dict[Future[list[tuple[int, Issued | MedocsError]]], int] = {}
    while True:
        for chunk in chunks:
            jobs_of_chunk = _numbered(chunk, kind, settings, register, spill)
            futures[pool.submit(issue_chunk, jobs_of_chunk)] = len(chunk)
            if len(futures) >= jobs * _IN_FLIGHT:
                break
        if not futures:
            break
        done, _ = wait(futures, return_when=FIRST_COMPLETED)
        for future in done:
            yield from future.result()
            progress.advance(futures.pop(future))


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
    _check_request(kind, out, jobs, register_path)
    # A broken template stops us before any write. Rendering the sample also imports and loads
    # everything a row needs (the bank holidays of ~200 countries alone take 0.4 s of CPU)
    # before the workers are forked, so they inherit it instead of each paying for it.
    kind_template(kind, templates, profile).render(example_context(kind.name))
    pdf_pool = PdfPool(workers=jobs) if pdf else None  # LibreOffice missing: stop now, too
    settings = IssueSettings(kind.name, profile, today, templates, force,
                             register_path if kind.numbered else None, reissue)
    pool = start_pool(settings, jobs) if jobs > 1 else None
    spill = Spill()  # the cases and Issued records, off the heap until the reports are written
    # Taken now when the folder exists (before the input is read), else once it is made.
    folder_lock = lock_folder(out) if out.is_dir() else None
    try:
        try:
            rows, row_label = _read_rows(source, sheet, kind, out, name_pattern, spill, pool, jobs)
            good = [row for row in rows if row.valid]
            make_folder(out)
            folder_lock = folder_lock or lock_folder(out)  # before its temporary files are touched
            check_writable(out)  # before a number is reserved for a file that cannot be written
            remove_stale_temp_files(out, {os.path.basename(row.target) for row in good
                                          if row.target is not None})
            _issue_rows(good, kind, settings, pool, jobs, progress, spill)
        finally:
            if pool is not None:
                # On Ctrl-C: drop the chunks not started; workers finish the one they are on.
                pool.shutdown(wait=True, cancel_futures=True)
        if pdf_pool is not None:
            _convert_pdfs(good, out, pdf_pool, force, progress, spill)
        del good
        errors = [problem for row in rows for problem in row.problems]
        kept = Spill()  # the outcomes, for the result: a few bytes per row in memory
        try:
            errors_file, outcomes, counts = write_reports(rows, spill, errors, out, kept)
        except OSError as exc:  # disk full or read-only: the issued rows are safe, say which
            kept.close()
            raise OutputError(reports_failed(out, exc, rows, spill)) from exc
        except BaseException:
            kept.close()
            raise
    finally:
        spill.close()
        if folder_lock is not None:
            folder_lock.release()
    return BatchResult(source, out, outcomes, errors, out / MANIFEST, errors_file, row_label,
                       settings.register, dict(counts))


def _check_request(kind: DocumentKind[CaseModel], out: Path, jobs: int,
                   register_path: Path | None) -> None:
    """Refuse a batch that cannot run, before anything is started or read.

    Raises:
        MedocsError: ``out`` names a file, ``jobs`` is below 1, or a numbered kind has no register.
    """
    if out.suffix.lower() == ".docx" or out.is_file():
        msg = f"--out {out}: a batch writes many files, so --out must be a folder"
        raise OutputError(msg)
    if jobs < 1:
        msg = f"jobs must be at least 1 (got {jobs})"
        raise MedocsError(msg)
    if kind.numbered and register_path is None:
        msg = f"{kind.name} certificates are numbered: give a register"
        raise MedocsError(msg)


def _read_rows(source: Path, sheet: str | None, kind: DocumentKind[CaseModel], out: Path,
               name_pattern: str, spill: Spill, pool: ProcessPoolExecutor | None,
               jobs: int) -> tuple[list[Row], str]:
    """Every row of ``source`` checked (valid cases go to ``spill``), and 'row' or 'line'."""
    table = open_table(source, sheet=sheet)
    try:
        return plan_rows(table, kind, out, name_pattern, spill, pool, jobs, _IN_FLIGHT), table.row_label
    finally:
        close = getattr(table.rows, "close", None)
        if close is not None:
            close()  # the file, if a fault stopped the reading part way


def _issue_rows(good: Sequence[Row], kind: DocumentKind[CaseModel], settings: IssueSettings,
                pool: ProcessPoolExecutor | None, jobs: int, progress: Progress, spill: Spill) -> None:
    """Issue the valid rows; each gets its Issued record in ``spill`` or its problem."""
    by_number = {row.number: row for row in good}
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
