"""The workers of :class:`medocs.pdf.pool.PdfPool`, one kind per back-end, and the checks they share.

Both kinds take .docx files already checked by :func:`check_docx`, have LibreOffice write
the PDFs into a staging directory inside ``out_dir`` and move each one into place only once
it exists, is non-empty and starts with ``%PDF-``.

The staging directories, like the pool's profile directories, are :class:`OwnedDir`: what a
killed process leaves behind is recognised, and deleted, by the next pool
(:func:`remove_abandoned`).
"""

from __future__ import annotations

import errno
import fcntl
import os
import shutil
import subprocess
import tempfile
import threading
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from medocs.errors import PdfError
from medocs.pdf.uno_client import UnoProcess, exit_reason, kill_group, soffice_said
from medocs.pdf.validity import pdf_problem
from medocs.processes import watched

__all__ = [
    "STAGE_PREFIX",
    "ConvertToWorker",
    "OwnedDir",
    "UnoWorker",
    "Worker",
    "check_docx",
    "convert_checked",
    "remove_abandoned",
]

# Name prefix of the staging directories made in out_dir.
STAGE_PREFIX = ".medocs-pdf-"
# The file of an OwnedDir that its owner keeps locked.
_LOCK_NAME = ".medocs-lock"

# Forcing the import filter stops LibreOffice from "converting" a non-Word file as plain text.
_IMPORT_FILTER = "MS Word 2007 XML"
# Every PDF is tagged (headings, lists, tables and reading order for screen readers), opens
# showing the document's title, and keeps headings as bookmarks; the same options as
# uno_worker.EXPORT_OPTIONS. JSON filter options need LibreOffice >= 7.4.
_ACCESSIBLE = ('"UseTaggedPDF":{"type":"boolean","value":"true"},'
               '"DisplayPDFDocumentTitle":{"type":"boolean","value":"true"},'
               '"ExportBookmarks":{"type":"boolean","value":"true"}')
_PDF_FILTER = "pdf:writer_pdf_Export:{" + _ACCESSIBLE + "}"
# SelectPdfVersion 2 = PDF/A-2b (1 would be PDF/A-1b, 3 PDF/A-3b).
_PDF_A2B_FILTER = 'pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"2"},' + _ACCESSIBLE + "}"


# (st_dev, st_ino) of this process's OwnedDirs in use. Where flock is emulated with POSIX
# locks (NFS), a process gets its own lock again, and would drop it on closing.
_owned: set[tuple[int, int]] = set()


class OwnedDir:
    """A new directory whose owner holds a lock on it for as long as it uses it.

    The lock is an exclusive ``flock`` on a file inside; the kernel drops it when the owner
    ends, however it ends (SIGKILL included), so :func:`remove_abandoned` can delete what a
    killed process left behind without touching a directory still in use. The name carries
    the owner's process id, for a directory whose owner was killed before it held the lock.
    On a file system without locks the directory is never taken for abandoned.
    """

    def __init__(self, prefix: str, parent: Path | None = None) -> None:
        """Create and lock ``parent/<prefix>XXXXXXXX`` (in the temporary directory by default).

        Raises:
            OSError: the directory cannot be created.
        """
        self.path = Path(tempfile.mkdtemp(prefix=f"{prefix}{os.getpid()}-", dir=parent))
        self._id = _dir_id(os.stat(self.path))
        pending = self.path / (_LOCK_NAME + ".new")
        try:
            self._lock = os.open(pending, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except OSError:
            shutil.rmtree(self.path, ignore_errors=True)
            raise
        try:
            fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return  # no locks on this file system: the lock file keeps its pending name
        _owned.add(self._id)
        # Given its name only once locked: no one can find the lock file free while in use.
        os.replace(pending, self.path / _LOCK_NAME)

    def remove(self) -> None:
        """Delete the directory and all in it, then drop the lock."""
        shutil.rmtree(self.path, ignore_errors=True)
        _owned.discard(self._id)
        os.close(self._lock)


def remove_abandoned(prefix: str, parent: Path | None = None) -> None:
    """Delete the :class:`OwnedDir` directories ``parent/<prefix>*`` whose owner has ended.

    Best effort: a directory is left alone when in use, not made by :class:`OwnedDir` or
    not this user's to lock, and an unreadable ``parent`` is no error.
    """
    try:
        entries = [
            entry
            for entry in os.scandir(parent or tempfile.gettempdir())
            if entry.name.startswith(prefix) and entry.is_dir(follow_symlinks=False)
        ]
    except OSError:
        return
    for entry in entries:
        try:
            if _dir_id(entry.stat(follow_symlinks=False)) in _owned:
                continue
            lock = os.open(Path(entry.path, _LOCK_NAME), os.O_WRONLY)
        except FileNotFoundError:
            if _owner_ended_before_locking(entry.name[len(prefix):]):
                shutil.rmtree(entry.path, ignore_errors=True)
            continue
        except OSError:
            continue
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(lock)  # its owner still runs
            continue
        shutil.rmtree(entry.path, ignore_errors=True)
        os.close(lock)


def _owner_ended_before_locking(name: str) -> bool:
    """True when ``name`` (after the prefix) starts with the id of a process that has ended.

    An OwnedDir without its lock file is being made, or its owner was killed while making
    it: only a process that no longer exists can no longer finish making it.
    """
    pid, dash, _ = name.partition("-")
    if not (dash and pid.isdigit()) or int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False  # it exists, as another user's process
    return False


def _dir_id(info: os.stat_result) -> tuple[int, int]:
    return info.st_dev, info.st_ino


def convert_checked(worker: Worker, paths: Sequence[Path], out_dir: Path) -> dict[Path, Path | PdfError]:
    """Have ``worker`` convert the files of ``paths`` that look like Word documents."""
    results: dict[Path, Path | PdfError] = {}
    todo: list[Path] = []
    for path in paths:
        problem = check_docx(path)
        if problem is None:
            todo.append(path)
        else:
            results[path] = problem
    if todo:
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
            results.update(worker.convert_chunk(todo, out_dir))
        except OSError as exc:
            # soffice cannot be started or out_dir is not writable: every file fails
            # the same way; say so per file rather than lose the caller's batch.
            for path in todo:
                results[path] = PdfError(f"{path}: cannot convert to PDF in {out_dir} ({exc})")
    return {p: results[p] for p in paths}


def check_docx(path: Path) -> PdfError | None:
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


class Worker(Protocol):
    """A pool worker, whichever the back-end."""

    @property
    def starts(self) -> int:
        """How many ``soffice`` processes it started."""
        ...

    def convert_chunk(self, paths: Sequence[Path], out_dir: Path) -> dict[Path, Path | PdfError]:
        """Convert ``paths`` (checked by :func:`check_docx`) into the existing ``out_dir``.

        Raises:
            OSError: nothing can be converted (soffice cannot be run, out_dir not writable).
        """
        ...

    def stop(self) -> None:
        """Kill the running ``soffice`` and refuse to start another one."""
        ...


class UnoWorker:
    """A worker of the ``"uno"`` back-end: one long-lived helper and ``soffice``, file by file."""

    def __init__(self, process: UnoProcess) -> None:
        self._process = process

    @property
    def starts(self) -> int:
        return self._process.starts

    def convert_chunk(self, paths: Sequence[Path], out_dir: Path) -> dict[Path, Path | PdfError]:
        """Convert ``paths`` one by one; a failure costs only its own file."""
        # Staged in out_dir for the same reasons as with --convert-to (see ConvertToWorker._run).
        stage = OwnedDir(STAGE_PREFIX, out_dir)
        results: dict[Path, Path | PdfError] = {}
        try:
            for path in paths:
                reason = self._process.convert(path.resolve(), stage.path.resolve() / f"{path.stem}.pdf")
                if reason is None:
                    results[path] = _collect(path, stage.path, out_dir, "LibreOffice reported no error", "")
                else:
                    # After a crash or hang a partial PDF may be staged: it is not collected.
                    results[path] = _no_pdf(path, reason, "")
        finally:
            stage.remove()
        return results

    def stop(self) -> None:
        self._process.stop()


@dataclass
class _RunOutcome:
    """What one ``soffice`` process did: results per file, and whether it ended badly."""

    results: dict[Path, Path | PdfError]
    crashed: bool


class ConvertToWorker:
    """A worker of the ``"convert-to"`` back-end: one profile, one ``soffice`` per chunk."""

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
        self._starts = 0
        self._lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None
        self._stopped = False
        self._root.mkdir(parents=True, exist_ok=True)

    @property
    def starts(self) -> int:
        return self._starts

    @property
    def _profile(self) -> Path:
        return self._root / f"profile-{self._generation}"

    def convert_chunk(self, paths: Sequence[Path], out_dir: Path) -> dict[Path, Path | PdfError]:
        """Convert ``paths``; after a crash or hang, isolate the culprit and redo the rest."""
        results: dict[Path, Path | PdfError] = {}
        todo = list(paths)
        while todo:
            outcome = self._run(todo, out_dir)
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
        # Stage inside out_dir: same file system, so the final move is an atomic rename,
        # and a PDF left over from an earlier run cannot pass for a new one.
        stage = OwnedDir(STAGE_PREFIX, out_dir)
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
            str(stage.path),
            *(str(p.resolve()) for p in paths),
        ]
        crashed = False
        try:
            with self._lock:
                # Checked under the lock that stop() takes: a stop() from here on finds the
                # process to kill, one before it keeps the process from starting.
                if self._stopped:
                    closed: dict[Path, Path | PdfError] = {
                        p: PdfError(f"{p}: not converted, the PDF pool was closed first") for p in paths
                    }
                    return _RunOutcome(results=closed, crashed=False)
                self._starts += 1
                # New session = new process group: soffice is a script that starts
                # oosplash, which starts soffice.bin; killing the group gets them all.
                # TMPDIR: the temporary files of a killed soffice go with this worker's root.
                if shutil.which(self._soffice) is None:  # as Popen would say, not the watchdog
                    raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), self._soffice)
                # The watchdog kills the group if medocs is killed (no one else would).
                process = self._process = subprocess.Popen(
                    watched(command),
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    start_new_session=True,
                    env={**os.environ, "TMPDIR": str(self._root.resolve())},
                )
            try:
                _, stderr_bytes = process.communicate(timeout=timeout)
                reason = exit_reason(process.returncode)
                crashed = process.returncode != 0
            except subprocess.TimeoutExpired:
                self.kill()
                _, stderr_bytes = process.communicate()
                reason = f"LibreOffice did not finish within {timeout:.0f} s and was killed"
                crashed = True
            finally:
                with self._lock:
                    self._process = None
            said = soffice_said(stderr_bytes)
            results: dict[Path, Path | PdfError] = {}
            for path in paths:
                results[path] = _collect(path, stage.path, out_dir, reason, said)
        finally:
            stage.remove()
        if crashed:
            # A killed soffice can leave a lock file and half-written settings behind:
            # start the next process on a fresh profile (costs about 0.25 s).
            shutil.rmtree(self._profile, ignore_errors=True)
            self._generation += 1
        return _RunOutcome(results=results, crashed=crashed)

    def stop(self) -> None:
        """Kill the running ``soffice`` and refuse to start another one."""
        with self._lock:
            self._stopped = True
        self.kill()

    def kill(self) -> None:
        """Kill the running ``soffice`` process group, if any."""
        with self._lock:
            process = self._process
            if process is None or process.poll() is not None:
                return
            kill_group(process)


def _collect(path: Path, stage: Path, out_dir: Path, reason: str, said: str) -> Path | PdfError:
    """Check the staged PDF of ``path`` and move it into ``out_dir``, or explain its absence."""
    staged = stage / f"{path.stem}.pdf"
    target = out_dir / staged.name
    try:
        size = staged.stat().st_size
        with staged.open("rb") as handle:
            magic = handle.read(5)
    except FileNotFoundError:
        return _no_pdf(path, reason, said)
    if size == 0 or magic != b"%PDF-":
        return PdfError(f"{path}: LibreOffice wrote a broken {staged.name} ({size} bytes, expected a PDF)")
    problem = pdf_problem(staged)
    if problem is not None:  # a full disk or a crash part-way: never published
        return PdfError(f"{path}: LibreOffice wrote a broken {staged.name} ({problem}); it was not "
                        "kept: run again to make it")
    try:  # its bytes on disk before its name: a power cut cannot publish a cut-short PDF
        fd = os.open(staged, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as exc:
        return PdfError(f"{path}: cannot save {staged.name} ({exc.strerror or exc})")
    os.replace(staged, target)
    return target


def _no_pdf(path: Path, reason: str, said: str) -> PdfError:
    """Say that ``path`` has no PDF, why, and what LibreOffice printed."""
    detail = f"; LibreOffice said: {said}" if said else ""
    return PdfError(f"{path}: LibreOffice wrote no {path.stem}.pdf ({reason}{detail})")
