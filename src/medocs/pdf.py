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

LibreOffice 7.4 headless cannot be handed more files once it runs (without the UNO bridge,
which the virtualenv does not have), so a worker is a thread with a long-lived profile
directory that starts one ``soffice`` process per chunk of files: a worker therefore
restarts at least every ``chunk_size`` files, and after any crash or hang it is killed
(whole process group) and restarts with a fresh profile.
"""

from __future__ import annotations

import contextlib
import math
import os
import queue
import shutil
import signal
import subprocess
import tempfile
import threading
import zipfile
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from medocs.errors import PdfError

__all__ = [
    "INSTALL_HINT",
    "PdfPool",
    "convert",
    "find_soffice",
]

INSTALL_HINT = (
    "apt-get install --no-install-recommends libreoffice-writer-nogui "
    "fonts-liberation fonts-crosextra-carlito fonts-crosextra-caladea"
)

# Where LibreOffice lives when it is not on PATH (Debian/Ubuntu, upstream .deb/.rpm, macOS).
_KNOWN_LOCATIONS: tuple[str, ...] = (
    "/usr/lib/libreoffice/program/soffice",
    "/opt/libreoffice/program/soffice",
    "/Applications/LibreOffice.app/Contents/MacOS/soffice",
)

# Forcing the import filter stops LibreOffice from "converting" a non-Word file as plain text.
_IMPORT_FILTER = "MS Word 2007 XML"
_PDF_FILTER = "pdf:writer_pdf_Export"
# SelectPdfVersion 2 = PDF/A-2b (1 would be PDF/A-1b, 3 PDF/A-3b); JSON filter options need LO >= 7.4.
_PDF_A2B_FILTER = 'pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"2"}}'

_DEFAULT_TIMEOUT = 120.0


def find_soffice() -> str:
    """Return the path of the LibreOffice ``soffice`` executable.

    Returns:
        The absolute path of ``soffice`` (or ``libreoffice``) found on PATH or in a usual
        install location.

    Raises:
        PdfError: LibreOffice is not installed; the message says how to install it.
    """
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
    """Convert a few .docx files to PDF with one ``soffice`` call and a private profile.

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
    worker = _Worker(
        soffice=find_soffice(),
        root=Path(tempfile.mkdtemp(prefix="medocs-soffice-")),
        pdf_a=pdf_a,
        start_timeout=timeout,
        per_file_timeout=0.0,
    )
    try:
        results = worker.convert_chunk(paths, Path(out_dir))
    finally:
        worker.discard()
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
    open. Each worker owns a profile directory for the pool's lifetime and runs one
    ``soffice`` process per chunk of files.

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
        chunk_size: int = 200,
        timeout_per_file: float = 20.0,
        start_timeout: float = 60.0,
        soffice: str | None = None,
    ) -> None:
        """Prepare the pool; LibreOffice is looked up now, started only when work arrives.

        Args:
            workers: number of ``soffice`` processes run in parallel (one per CPU core is
                the useful maximum).
            pdf_a: write PDF/A-2b instead of plain PDF.
            chunk_size: most files given to one ``soffice`` process; the process then exits,
                so this is also how often a worker restarts.
            timeout_per_file: seconds allowed per file of a chunk, on top of ``start_timeout``;
                a process still running after that is considered hung and killed.
            start_timeout: seconds allowed for ``soffice`` to start, per process.
            soffice: path of ``soffice``; found with :func:`find_soffice` when None.

        Raises:
            PdfError: LibreOffice is missing, or an argument is out of range.
        """
        if workers < 1:
            msg = f"PdfPool workers must be at least 1 (got {workers})"
            raise PdfError(msg)
        if chunk_size < 1:
            msg = f"PdfPool chunk_size must be at least 1 (got {chunk_size})"
            raise PdfError(msg)
        self._soffice = soffice or find_soffice()
        self._workers_n = workers
        self._pdf_a = pdf_a
        self._chunk_size = chunk_size
        self._timeout_per_file = timeout_per_file
        self._start_timeout = start_timeout
        self._root: Path | None = None
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: list[_Worker] = []
        self._executor: ThreadPoolExecutor | None = None

    @property
    def workers(self) -> int:
        """The number of workers."""
        return self._workers_n

    def __enter__(self) -> PdfPool:
        """Create the workers' profile directories and threads."""
        self._root = Path(tempfile.mkdtemp(prefix="medocs-pdfpool-"))
        for index in range(self._workers_n):
            worker = _Worker(
                soffice=self._soffice,
                root=self._root / f"worker-{index}",
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
            shutil.rmtree(self._root, ignore_errors=True)
            self._root = None
        self._all.clear()

    def convert_many(
        self,
        docx_paths: Iterable[Path],
        out_dir: Path,
        *,
        on_result: Callable[[Path, Path | PdfError], None] | None = None,
    ) -> dict[Path, Path | PdfError]:
        """Convert many .docx files; a file that fails is reported, the others still convert.

        PDFs are named after their inputs (``a.docx`` -> ``out_dir/a.pdf``, replacing an
        existing one) and moved into ``out_dir`` only once checked.

        Args:
            docx_paths: the .docx files; a repeated path is converted once.
            out_dir: directory for the PDFs; created if missing.
            on_result: called in the calling thread with each file's result as soon as its
                chunk is done (for a progress bar).

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
            return worker.convert_chunk(paths, out_dir)
        finally:
            self._idle.put(worker)


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


def _check_docx(path: Path) -> PdfError | None:
    """Return why ``path`` cannot be a Word document, or None if it looks like one."""
    if not path.is_file():
        return PdfError(f"{path}: no such file (expected a .docx document)")
    try:
        with zipfile.ZipFile(path) as package:
            names = set(package.namelist())
    except (zipfile.BadZipFile, OSError) as exc:
        return PdfError(f"{path}: not a .docx file (expected a ZIP package; got {exc})")
    if "word/document.xml" not in names:
        return PdfError(f"{path}: not a .docx file (the ZIP package has no word/document.xml)")
    return None


@dataclass
class _RunOutcome:
    """What one ``soffice`` process did: results per file, and whether it ended badly."""

    results: dict[Path, Path | PdfError]
    crashed: bool


class _Worker:
    """One profile directory and at most one ``soffice`` process at a time."""

    def __init__(
        self,
        *,
        soffice: str,
        root: Path,
        pdf_a: bool,
        start_timeout: float,
        per_file_timeout: float,
    ) -> None:
        self._soffice = soffice
        self._root = root
        self._pdf_a = pdf_a
        self._start_timeout = start_timeout
        self._per_file_timeout = per_file_timeout
        self._generation = 0
        self._lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None
        self._stopped = False
        self._root.mkdir(parents=True, exist_ok=True)

    @property
    def _profile(self) -> Path:
        return self._root / f"profile-{self._generation}"

    def convert_chunk(self, paths: Sequence[Path], out_dir: Path) -> dict[Path, Path | PdfError]:
        """Convert ``paths``; after a crash or hang, isolate the culprit and redo the rest."""
        results: dict[Path, Path | PdfError] = {}
        todo: list[Path] = []
        for path in paths:
            problem = _check_docx(path)
            if problem is None:
                todo.append(path)
            else:
                results[path] = problem
        while todo:
            try:
                out_dir.mkdir(parents=True, exist_ok=True)
                outcome = self._run(todo, out_dir)
            except OSError as exc:
                # soffice cannot be started or out_dir is not writable: every file fails
                # the same way; say so per file rather than lose the caller's batch.
                for path in todo:
                    results[path] = PdfError(f"{path}: cannot convert to PDF in {out_dir} ({exc})")
                break
            results.update({p: r for p, r in outcome.results.items() if isinstance(r, Path)})
            missing = [p for p in todo if not isinstance(outcome.results[p], Path)]
            if not missing or not outcome.crashed or len(todo) == 1:
                # A clean exit means the missing files really failed (LibreOffice goes on
                # after a file it cannot load); a single file has nobody else to blame.
                results.update({p: outcome.results[p] for p in missing})
                break
            # soffice converts in order, so the first missing file is the one it died on:
            # convert that one alone (so its error is its own) and the rest again together.
            suspect, todo = missing[0], missing[1:]
            alone = self._run([suspect], out_dir)
            results[suspect] = alone.results[suspect]
        return {p: results[p] for p in paths}

    def _run(self, paths: Sequence[Path], out_dir: Path) -> _RunOutcome:
        """Run one ``soffice`` on ``paths`` and check every PDF it should have written."""
        timeout = self._start_timeout + self._per_file_timeout * len(paths)
        if self._stopped:
            closed: dict[Path, Path | PdfError] = {
                p: PdfError(f"{p}: not converted, the PDF pool was closed first") for p in paths
            }
            return _RunOutcome(results=closed, crashed=False)
        # Stage inside out_dir: same file system, so the final move is an atomic rename,
        # and a PDF left over from an earlier run cannot pass for a new one.
        stage = Path(tempfile.mkdtemp(prefix=".medocs-pdf-", dir=out_dir))
        command = [
            self._soffice,
            "--headless",
            "--norestore",
            "--nologo",
            "--nodefault",
            "--nolockcheck",
            f"-env:UserInstallation={self._profile.resolve().as_uri()}",
            f"--infilter={_IMPORT_FILTER}",
            "--convert-to",
            _PDF_A2B_FILTER if self._pdf_a else _PDF_FILTER,
            "--outdir",
            str(stage),
            *(str(p.resolve()) for p in paths),
        ]
        crashed = False
        try:
            with self._lock:
                # New session = new process group: soffice is a script that starts
                # oosplash, which starts soffice.bin; killing the group gets them all.
                self._process = subprocess.Popen(
                    command,
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    start_new_session=True,
                )
            process = self._process
            try:
                _, stderr_bytes = process.communicate(timeout=timeout)
                reason = _exit_reason(process.returncode)
                crashed = process.returncode != 0
            except subprocess.TimeoutExpired:
                self.kill()
                _, stderr_bytes = process.communicate()
                reason = f"LibreOffice did not finish within {timeout:.0f} s and was killed"
                crashed = True
            finally:
                with self._lock:
                    self._process = None
            said = _soffice_said(stderr_bytes)
            results: dict[Path, Path | PdfError] = {}
            for path in paths:
                results[path] = _collect(path, stage, out_dir, reason, said)
        finally:
            shutil.rmtree(stage, ignore_errors=True)
        if crashed:
            # A killed soffice can leave a lock file and half-written settings behind:
            # start the next process on a fresh profile (costs about 0.25 s).
            shutil.rmtree(self._profile, ignore_errors=True)
            self._generation += 1
        return _RunOutcome(results=results, crashed=crashed)

    def stop(self) -> None:
        """Kill the running ``soffice`` and refuse to start another one."""
        self._stopped = True
        self.kill()

    def kill(self) -> None:
        """Kill the running ``soffice`` process group, if any."""
        with self._lock:
            process = self._process
            if process is None or process.poll() is not None:
                return
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)

    def discard(self) -> None:
        """Kill any running process and delete the profile directories."""
        self.stop()
        shutil.rmtree(self._root, ignore_errors=True)


def _collect(path: Path, stage: Path, out_dir: Path, reason: str, said: str) -> Path | PdfError:
    """Check the staged PDF of ``path`` and move it into ``out_dir``, or explain its absence."""
    staged = stage / f"{path.stem}.pdf"
    target = out_dir / staged.name
    try:
        size = staged.stat().st_size
        with staged.open("rb") as handle:
            magic = handle.read(5)
    except FileNotFoundError:
        detail = f"; LibreOffice said: {said}" if said else ""
        return PdfError(f"{path}: LibreOffice wrote no {staged.name} ({reason}{detail})")
    if size == 0 or magic != b"%PDF-":
        return PdfError(f"{path}: LibreOffice wrote a broken {staged.name} ({size} bytes, expected a PDF)")
    os.replace(staged, target)
    return target


def _exit_reason(returncode: int) -> str:
    if returncode == 0:
        return "soffice exited normally"
    if returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = f"signal {-returncode}"
        return f"soffice was killed by {name}"
    return f"soffice exited with code {returncode}"


def _soffice_said(stderr: bytes) -> str:
    """Return LibreOffice's stderr minus noise, on one short line."""
    lines = [
        line.strip()
        for line in stderr.decode("utf-8", "replace").splitlines()
        # Printed on every run when no Java is installed; it means nothing for Writer.
        if line.strip() and "javaldx" not in line
    ]
    text = " | ".join(dict.fromkeys(lines))
    return text if len(text) <= 300 else text[:297] + "..."
