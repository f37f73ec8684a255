"""DOCX -> PDF through headless LibreOffice: a few files at once, or many through a worker pool.

This module knows nothing about templates or cases: it turns ``.docx`` files into ``.pdf``
files and reports, file by file, what went wrong.

LibreOffice facts this code relies on (measured, ``shared/perf/NOTES.md`` §7):

* starting ``soffice`` costs about 1.1 s, so each process is given many files at once;
* two ``soffice`` sharing one profile directory do not run in parallel (the second hands its
  work to the first), so every worker owns a private profile (``-env:UserInstallation``);
* the exit code is 0 even when a file could not be loaded, so every PDF is checked to exist,
  be non-empty and start with ``%PDF-``;
* without ``--infilter`` a file that is not a Word document (plain text renamed ``.docx``)
  is happily "converted" as text; forcing the Word 2007 import filter makes it fail instead.

Two back-ends, chosen per pool (:attr:`PdfPool.backend`):

* ``"uno"`` (used when a Python that can ``import uno`` is found, see :mod:`medocs.pdf.uno_client`):
  each worker is a long-lived ``soffice`` driven over the UNO bridge, handed one file at a
  time and restarted every ``chunk_size`` files; it starts LibreOffice less often and reuses
  one hidden window for every document.
* ``"convert-to"``: LibreOffice 7.4 headless cannot be handed more files once it runs
  without the UNO bridge, so a worker starts one ``soffice --convert-to`` per chunk of files.

Either way a worker owns a profile directory, restarts at least every ``chunk_size`` files,
and after any crash or hang is killed (whole process group) and restarts with a fresh profile.

A process killed mid-batch cannot clean up: it leaves its pool's directory in the temporary
directory and a staging directory in ``out_dir``. Both are locked while in use (see
:class:`medocs.pdf.workers.OwnedDir`), so the next pool, or :func:`convert`, deletes the
abandoned ones without touching those of a pool still running.
"""

from __future__ import annotations

import math
import os
import queue
import shutil
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from pathlib import Path
from types import TracebackType
from typing import Literal

from medocs.errors import PdfError
from medocs.pdf.uno_client import UnoProcess, find_uno_python
from medocs.pdf.workers import (
    STAGE_PREFIX,
    ConvertToWorker,
    OwnedDir,
    UnoWorker,
    Worker,
    convert_checked,
    remove_abandoned,
)

__all__ = [
    "INSTALL_HINT",
    "Backend",
    "PdfPool",
    "convert",
    "find_soffice",
]

INSTALL_HINT = (
    "apt-get install --no-install-recommends libreoffice-writer-nogui python3-uno "
    "fonts-liberation fonts-crosextra-carlito fonts-crosextra-caladea"
)

# Where LibreOffice lives when it is not on PATH (Debian/Ubuntu, upstream .deb/.rpm, macOS).
_KNOWN_LOCATIONS: tuple[str, ...] = (
    "/usr/lib/libreoffice/program/soffice",
    "/opt/libreoffice/program/soffice",
    "/Applications/LibreOffice.app/Contents/MacOS/soffice",
)

_DEFAULT_TIMEOUT = 120.0

# Name prefixes of the directories made in the temporary directory by a pool and by convert().
_POOL_PREFIX = "medocs-pdfpool-"
_CONVERT_PREFIX = "medocs-soffice-"

Backend = Literal["uno", "convert-to"]
_BACKENDS: tuple[Backend, ...] = ("uno", "convert-to")
# Files per soffice process when chunk_size is not given: a --convert-to call gains little
# past 200 files; a UNO process is restarted every 300 (about 2 s, under 10 ms/doc) so that
# whatever builds up inside LibreOffice stays bounded.
_DEFAULT_CHUNK: dict[Backend, int] = {"uno": 300, "convert-to": 200}


def find_soffice() -> str:
    """Return the path of the LibreOffice ``soffice`` executable.

    Returns:
        ``$MEDOCS_SOFFICE`` when it is set (and then nothing else is tried), else the
        absolute path of ``soffice`` (or ``libreoffice``) found on PATH or in a usual
        install location.

    Raises:
        PdfError: LibreOffice is not installed; the message says how to install it.
    """
    chosen = os.environ.get("MEDOCS_SOFFICE", "")
    if chosen:  # an explicit choice is the only one tried, so it can also hide LibreOffice
        found = shutil.which(chosen)
        if found:
            return found
        msg = (f"$MEDOCS_SOFFICE is {chosen!r}, which is not an executable soffice; "
               f"install LibreOffice with: {INSTALL_HINT}")
        raise PdfError(msg)
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    for candidate in _KNOWN_LOCATIONS:
        if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    msg = (
        "PDF output needs LibreOffice, but 'soffice' was not found on PATH or in "
        f"{', '.join(_KNOWN_LOCATIONS)}; install it with: {INSTALL_HINT}"
    )
    raise PdfError(msg)


def convert(
    docx_paths: Sequence[Path],
    out_dir: Path,
    *,
    pdf_a: bool = False,
    timeout: float = _DEFAULT_TIMEOUT,
) -> list[Path]:
    """Convert a few .docx files to PDF with one ``soffice --convert-to`` call and a private profile.

    For a few files LibreOffice's start-up dominates, so this does not use the UNO back-end;
    use :class:`PdfPool` for many.

    Each PDF is named after its input (``a.docx`` -> ``out_dir/a.pdf``); an existing PDF of
    that name is replaced. PDFs are written to a staging directory inside ``out_dir`` and
    moved into place only once checked, so no partial PDF is ever left in ``out_dir``.

    Args:
        docx_paths: the .docx files; their names (without suffix) must be distinct.
        out_dir: directory for the PDFs; created if missing.
        pdf_a: write PDF/A-2b (archival, fonts embedded, XMP metadata) instead of plain PDF.
        timeout: seconds each ``soffice`` run may take before it is killed.

    Returns:
        The PDF paths, in the order of ``docx_paths``.

    Raises:
        PdfError: LibreOffice is missing, two inputs share a name, or any file could not
            be converted (the message names every failed file and why; the PDFs of the
            other files are still written).
    """
    paths = [Path(p) for p in docx_paths]
    clashes = _name_clashes(paths)
    if clashes:
        later, earlier = next(iter(clashes.items()))
        msg = (
            f"{later}: its PDF would overwrite the one of {earlier} "
            f"(both are named {earlier.stem}.pdf); give the inputs distinct names"
        )
        raise PdfError(msg)
    if not paths:
        return []
    soffice = find_soffice()
    remove_abandoned(_CONVERT_PREFIX)
    remove_abandoned(STAGE_PREFIX, Path(out_dir))
    root = OwnedDir(_CONVERT_PREFIX)
    worker = ConvertToWorker(
        soffice=soffice,
        root=root.path,
        pdf_a=pdf_a,
        start_timeout=timeout,
        per_file_timeout=0.0,
    )
    try:
        results = convert_checked(worker, paths, Path(out_dir))
    finally:
        worker.stop()
        root.remove()
    failures = [err for err in results.values() if isinstance(err, PdfError)]
    if failures:
        msg = f"{len(failures)} of {len(paths)} file(s) could not be converted to PDF: " + "; ".join(
            str(err) for err in failures
        )
        raise PdfError(msg) from failures[0]
    return [result for result in results.values() if isinstance(result, Path)]


class PdfPool:
    """A pool of LibreOffice workers converting many .docx files, each file reported alone.

    Use it as a context manager; ``convert_many`` may be called several times while it is
    open. Each worker owns a profile directory for the pool's lifetime; with the ``"uno"``
    back-end it keeps one ``soffice`` running across files and calls, with ``"convert-to"``
    it runs one ``soffice`` process per chunk of files.

    Example::

        with PdfPool(workers=2) as pool:
            results = pool.convert_many(docx_files, out_dir)
        failed = {src: err for src, err in results.items() if isinstance(err, PdfError)}
    """

    def __init__(
        self,
        workers: int = 1,
        *,
        pdf_a: bool = False,
        chunk_size: int | None = None,
        timeout_per_file: float = 20.0,
        start_timeout: float = 60.0,
        soffice: str | None = None,
        backend: Backend | None = None,
    ) -> None:
        """Prepare the pool; LibreOffice is looked up now, started only when work arrives.

        Args:
            workers: number of ``soffice`` processes run in parallel (one per CPU core is
                the useful maximum).
            pdf_a: write PDF/A-2b instead of plain PDF.
            chunk_size: most files converted by one ``soffice`` process before it is
                restarted; None for the back-end's default (300 with UNO, 200 otherwise).
            timeout_per_file: seconds allowed per file (with ``"convert-to"``: per file of
                a chunk, on top of ``start_timeout``); a process still busy after that is
                considered hung and killed.
            start_timeout: seconds allowed for ``soffice`` to start, per process.
            soffice: path of ``soffice``; found with :func:`find_soffice` when None.
            backend: ``"uno"`` or ``"convert-to"``; when None, ``$MEDOCS_PDF_BACKEND``, or
                else ``"uno"`` if a Python that can ``import uno`` is found.

        Raises:
            PdfError: LibreOffice is missing, an argument is out of range, or the UNO
                back-end was asked for but no Python can ``import uno``.
        """
        if workers < 1:
            msg = f"PdfPool workers must be at least 1 (got {workers})"
            raise PdfError(msg)
        if chunk_size is not None and chunk_size < 1:
            msg = f"PdfPool chunk_size must be at least 1 (got {chunk_size})"
            raise PdfError(msg)
        self._soffice = soffice or find_soffice()
        self._backend, self._uno_python = _choose_backend(backend, self._soffice)
        self._workers_n = workers
        self._pdf_a = pdf_a
        self._chunk_size = chunk_size or _DEFAULT_CHUNK[self._backend]
        self._timeout_per_file = timeout_per_file
        self._start_timeout = start_timeout
        self._root: OwnedDir | None = None
        self._idle: queue.Queue[Worker] = queue.Queue()
        self._all: list[Worker] = []
        self._executor: ThreadPoolExecutor | None = None

    @property
    def workers(self) -> int:
        """The number of workers."""
        return self._workers_n

    @property
    def backend(self) -> Backend:
        """How LibreOffice is driven: ``"uno"`` or ``"convert-to"``."""
        return self._backend

    @property
    def soffice_starts(self) -> int:
        """How many ``soffice`` processes the open pool has started so far."""
        return sum(worker.starts for worker in self._all)

    def __enter__(self) -> PdfPool:
        """Delete what killed pools left in the temporary directory; create this one's workers."""
        remove_abandoned(_POOL_PREFIX)
        self._root = OwnedDir(_POOL_PREFIX)
        for index in range(self._workers_n):
            root = self._root.path / f"worker-{index}"
            worker: Worker
            if self._uno_python is not None:
                worker = UnoWorker(
                    UnoProcess(
                        python=self._uno_python,
                        soffice=self._soffice,
                        root=root,
                        pdf_a=self._pdf_a,
                        files_per_process=self._chunk_size,
                        start_timeout=self._start_timeout,
                        file_timeout=self._timeout_per_file,
                    )
                )
            else:
                worker = ConvertToWorker(
                    soffice=self._soffice,
                    root=root,
                    pdf_a=self._pdf_a,
                    start_timeout=self._start_timeout,
                    per_file_timeout=self._timeout_per_file,
                )
            self._all.append(worker)
            self._idle.put(worker)
        self._executor = ThreadPoolExecutor(max_workers=self._workers_n, thread_name_prefix="medocs-pdf")
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Kill any running ``soffice``, stop the threads and delete the profiles."""
        self.close()

    def close(self) -> None:
        """Kill any running ``soffice``, stop the threads and delete the profiles; idempotent."""
        # Kill first: after Ctrl-C the threads would otherwise wait for soffice to finish.
        for worker in self._all:
            worker.stop()
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None
        if self._root is not None:
            self._root.remove()
            self._root = None
        self._all.clear()
        self._idle = queue.Queue()

    def convert_many(
        self,
        docx_paths: Iterable[Path],
        out_dir: Path,
        *,
        on_result: Callable[[Path, Path | PdfError], None] | None = None,
    ) -> dict[Path, Path | PdfError]:
        """Convert many .docx files; a file that fails is reported, the others still convert.

        PDFs are named after their inputs (``a.docx`` -> ``out_dir/a.pdf``, replacing an
        existing one) and moved into ``out_dir`` only once checked. Staging directories that
        killed processes left in ``out_dir`` are deleted first.

        Args:
            docx_paths: the .docx files; a repeated path is converted once.
            out_dir: directory for the PDFs; created if missing.
            on_result: called in the calling thread with each file's result as soon as it is
                known (with ``"convert-to"``, when its chunk is done), e.g. for a progress bar.

        Returns:
            For every input path (in input order): its PDF path, or the PdfError that says
            why it has none (not a Word file, LibreOffice could not load it, crash, hang, or
            its name clashes with an earlier input).

        Raises:
            PdfError: the pool is not open (use ``with PdfPool() as pool``).
        """
        if self._executor is None:
            msg = "PdfPool.convert_many called on a pool that is not open; use 'with PdfPool() as pool:'"
            raise PdfError(msg)
        out_dir = Path(out_dir)
        remove_abandoned(STAGE_PREFIX, out_dir)
        paths = list(dict.fromkeys(Path(p) for p in docx_paths))
        results: dict[Path, Path | PdfError] = {}
        clashes = _name_clashes(paths)
        for later, earlier in clashes.items():
            results[later] = PdfError(
                f"{later}: its PDF would overwrite the one of {earlier} "
                f"(both are named {earlier.stem}.pdf); give the inputs distinct names"
            )
        todo = [p for p in paths if p not in results]
        if on_result is not None:
            for path, err in results.items():
                on_result(path, err)
        if self._backend == "uno":
            # A UNO worker takes one file at a time, so the workers share the load evenly.
            size = 1
        else:
            # Smaller chunks when there are few files, so that every worker gets a share.
            size = max(1, min(self._chunk_size, math.ceil(len(todo) / self._workers_n))) if todo else 1
        futures: list[Future[dict[Path, Path | PdfError]]] = [
            self._executor.submit(self._run_chunk, todo[i : i + size], out_dir)
            for i in range(0, len(todo), size)
        ]
        for future in as_completed(futures):
            chunk_results = future.result()
            results.update(chunk_results)
            if on_result is not None:
                for path, result in chunk_results.items():
                    on_result(path, result)
        return {p: results[p] for p in paths}

    def _run_chunk(self, paths: list[Path], out_dir: Path) -> dict[Path, Path | PdfError]:
        worker = self._idle.get()
        try:
            return convert_checked(worker, paths, out_dir)
        finally:
            self._idle.put(worker)


def _choose_backend(backend: Backend | None, soffice: str) -> tuple[Backend, str | None]:
    """Return the back-end to use and, for ``"uno"``, the Python that runs the helper."""
    wanted = backend or os.environ.get("MEDOCS_PDF_BACKEND") or None
    if wanted not in (None, *_BACKENDS):
        msg = f"unknown PDF back-end {wanted!r}: use one of {', '.join(_BACKENDS)}"
        raise PdfError(msg)
    if wanted == "convert-to":
        return "convert-to", None
    python = find_uno_python(soffice)
    if python is not None:
        return "uno", python
    if wanted == "uno":
        msg = (
            "the 'uno' PDF back-end needs a Python that can 'import uno' (none found in "
            f"$MEDOCS_UNO_PYTHON, beside {soffice} or as the system python3); install it with: "
            f"{INSTALL_HINT}"
        )
        raise PdfError(msg)
    return "convert-to", None


def _name_clashes(paths: Sequence[Path]) -> dict[Path, Path]:
    """Map each input whose PDF name was already taken by an earlier input: later -> earlier."""
    seen: dict[str, Path] = {}
    clashes: dict[Path, Path] = {}
    for path in paths:
        key = path.stem
        if key in seen:
            clashes[path] = seen[key]
        else:
            seen[key] = path
    return clashes
