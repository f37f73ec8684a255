"""The UNO back-end of :mod:`medocs.pdf.pool`: long-lived LibreOffice processes fed one file at a time.

The virtualenv cannot ``import uno`` (the module comes with LibreOffice, built for one
particular Python), so each process is driven by a helper, ``uno_worker.py`` shipped beside
this file, run by a Python that can: ``$MEDOCS_UNO_PYTHON``, LibreOffice's bundled
``program/python``, or the system ``python3`` with Debian's ``python3-uno``. The helper
starts ``soffice`` with a private profile and answers one JSON line per file; this module
starts it, enforces the time limits, kills the whole process group when something goes wrong
and restarts it every so many files.

What this saves (2-core VM, LibreOffice 7.4, 2-page certificates): the 2 s start-up of one
``soffice --convert-to`` per chunk, and about 10 ms/doc by loading every document into one
reused hidden window. The rest, 60-100 ms/doc depending on the machine's mood, is
LibreOffice's own DOCX import and PDF export, the same for both back-ends.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import select
import shutil
import signal
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

__all__ = ["UnoProcess", "exit_reason", "find_uno_python", "kill_group", "soffice_said"]

HELPER = Path(__file__).with_name("uno_worker.py")

# Tried after $MEDOCS_UNO_PYTHON and LibreOffice's own Python (Debian: python3-uno).
_SYSTEM_PYTHONS: tuple[str, ...] = ("/usr/bin/python3",)

# A helper that has not answered the quit request by then is killed.
_QUIT_TIMEOUT = 15.0


def find_uno_python(soffice: str) -> str | None:
    """Return a Python interpreter that can ``import uno``, or None.

    Args:
        soffice: path of ``soffice``; LibreOffice's bundled Python is looked for beside it.

    Returns:
        ``$MEDOCS_UNO_PYTHON`` (a path, or a name looked up on PATH) when it is set and
        imports ``uno``; without it, the first of ``<LibreOffice>/program/python`` and the
        system ``python3`` that imports ``uno``. None when none does.
    """
    chosen = os.environ.get("MEDOCS_UNO_PYTHON", "")
    # An explicit choice is the only one tried, so it can also say "no UNO here".
    candidates = [chosen] if chosen else [str(Path(soffice).resolve().parent / "python"), *_SYSTEM_PYTHONS]
    for candidate in candidates:
        found = shutil.which(candidate) if candidate else None
        if found and _imports_uno(found):
            return found
    return None


@functools.lru_cache(maxsize=16)
def _imports_uno(python: str) -> bool:
    """Tell whether ``python`` runs and can import uno (asked once per process and path)."""
    try:
        done = subprocess.run(
            [python, "-c", "import uno"],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=60,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


class UnoProcess:
    """One helper and its ``soffice``: started when needed, restarted after ``files_per_process`` files.

    Thread safety: one thread converts; :meth:`stop` may be called from any other thread.
    """

    def __init__(
        self,
        *,
        python: str,
        soffice: str,
        root: Path,
        pdf_a: bool,
        files_per_process: int,
        start_timeout: float,
        file_timeout: float,
    ) -> None:
        """Remember the settings; nothing starts before the first file.

        Args:
            python: an interpreter that can ``import uno`` (see :func:`find_uno_python`).
            soffice: path of ``soffice``.
            root: directory for this worker's profiles and log; created if missing.
            pdf_a: write PDF/A-2b instead of plain PDF.
            files_per_process: files converted by one ``soffice`` before it is restarted.
            start_timeout: seconds allowed for the helper and ``soffice`` to start.
            file_timeout: seconds allowed per file before ``soffice`` is considered hung.
        """
        self._python = python
        self._soffice = soffice
        self._root = root
        self._pdf_a = pdf_a
        self._files_per_process = files_per_process
        self._start_timeout = start_timeout
        self._file_timeout = file_timeout
        self._lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None
        self._buffer = b""
        self._served = 0
        self._generation = 0
        self._starts = 0
        self._failed_starts = 0
        self._last_failure = ""
        self._stopped = False
        self._root.mkdir(parents=True, exist_ok=True)

    @property
    def starts(self) -> int:
        """How many ``soffice`` processes were started (successfully or not)."""
        return self._starts

    @property
    def _profile(self) -> Path:
        return self._root / f"profile-{self._generation}"

    @property
    def _log(self) -> Path:
        return self._root / "helper.log"

    def convert(self, src: Path, dst: Path) -> str | None:
        """Have LibreOffice write the PDF of ``src`` as ``dst``.

        Args:
            src: absolute path of the .docx file.
            dst: absolute path of the PDF to write (its directory must exist).

        Returns:
            None when LibreOffice says it wrote ``dst`` (the caller still checks the file),
            otherwise why it did not: load error, crash, hang, or start-up failure. After a
            crash or a hang the process group is killed and the next file restarts it.
        """
        if self._process is not None and self._served >= self._files_per_process:
            self._quit()
        if self._process is None:
            problem = self._start()
            if problem is not None:
                return problem
        process = self._process
        assert process is not None
        assert process.stdin is not None
        self._served += 1
        request = json.dumps({"src": str(src), "dst": str(dst)}).encode() + b"\n"
        try:
            process.stdin.write(request)
            process.stdin.flush()
        except OSError:
            return self._fail(process, "the UNO helper had exited")
        reply = self._read_reply(process, self._file_timeout)
        if reply is None:
            return self._fail(
                process, f"LibreOffice did not finish within {self._file_timeout:g} s and was killed"
            )
        if not reply:
            return self._fail(process, "the UNO helper exited")
        answer = _decode(reply)
        if answer is None:
            return self._fail(process, f"the UNO helper answered {reply[:100]!r}")
        if answer.get("ok"):
            return None
        if answer.get("fatal"):
            return self._fail(process, str(answer.get("error")))
        return str(answer.get("error"))

    def stop(self) -> None:
        """Kill the helper and ``soffice`` and refuse to start them again."""
        with self._lock:
            self._stopped = True
            if self._process is not None:
                kill_group(self._process)

    def _start(self) -> str | None:
        """Start the helper and its ``soffice``; return why it failed, or None."""
        if self._failed_starts >= 2:
            return f"LibreOffice could not be started twice in a row, last: {self._last_failure}"
        self._buffer = b""
        self._served = 0
        self._starts += 1
        self._root.mkdir(parents=True, exist_ok=True)
        config = {
            "soffice": self._soffice,
            "profile": str(self._profile.resolve()),
            # Unique on the machine: pid, this object, and the start number.
            "pipe": f"medocs-{os.getpid()}-{id(self):x}-{self._starts}",
            "pdf_a": self._pdf_a,
        }
        with self._lock:
            if self._stopped:
                return "not converted, the PDF pool was closed first"
            try:
                with self._log.open("wb") as log:
                    # New session = new process group, shared by the helper and soffice
                    # (oosplash + soffice.bin): one killpg ends them all. TMPDIR: the
                    # temporary files of a killed soffice go with this worker's directory.
                    process = subprocess.Popen(
                        [self._python, str(HELPER), json.dumps(config)],
                        stdin=subprocess.PIPE,
                        stdout=subprocess.PIPE,
                        stderr=log,
                        start_new_session=True,
                        env={**os.environ, "TMPDIR": str(self._root.resolve())},
                    )
            except OSError as exc:
                return self._start_failed(f"cannot run {self._python} ({exc})")
            self._process = process
        reply = self._read_reply(process, self._start_timeout)
        if reply is None:
            problem = f"LibreOffice did not start within {self._start_timeout:g} s and was killed"
        elif not reply:
            problem = "the UNO helper exited during start-up"
        else:
            answer = _decode(reply)
            if answer is not None and answer.get("ready"):
                self._failed_starts = 0
                return None
            problem = str(answer.get("error")) if answer else f"the UNO helper answered {reply[:100]!r}"
        return self._start_failed(self._fail(process, problem))

    def _start_failed(self, problem: str) -> str:
        self._failed_starts += 1
        self._last_failure = problem
        return f"LibreOffice could not be started: {problem}"

    def _fail(self, process: subprocess.Popen[bytes], problem: str) -> str:
        """Kill ``process`` after a crash or hang, drop its profile; return the full reason."""
        if self._stopped:
            problem = "not converted, the PDF pool was closed first"
        said = soffice_said(self._log_tail())
        self._end(process)
        # A killed soffice can leave a lock file and half-written settings behind.
        shutil.rmtree(self._profile, ignore_errors=True)
        self._generation += 1
        return f"{problem}; LibreOffice said: {said}" if said else problem

    def _quit(self) -> None:
        """End the current process after its share of files; the profile is kept."""
        process = self._process
        assert process is not None
        assert process.stdin is not None
        with contextlib.suppress(OSError):
            process.stdin.close()
        try:
            process.wait(timeout=_QUIT_TIMEOUT)
        except subprocess.TimeoutExpired:
            # It would not quit: do not trust its profile either.
            shutil.rmtree(self._profile, ignore_errors=True)
            self._generation += 1
        self._end(process)

    def _end(self, process: subprocess.Popen[bytes]) -> None:
        with self._lock:
            kill_group(process)
            self._process = None
        for stream in (process.stdin, process.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()
        process.wait()

    def _read_reply(self, process: subprocess.Popen[bytes], timeout: float) -> bytes | None:
        """Return the helper's next line, b"" if it exited, or None after ``timeout`` seconds."""
        assert process.stdout is not None
        fd = process.stdout.fileno()
        deadline = time.monotonic() + timeout
        while b"\n" not in self._buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            ready, _, _ = select.select([fd], [], [], remaining)
            if not ready:
                continue
            chunk = os.read(fd, 65536)
            if not chunk:
                return b""
            self._buffer += chunk
        line, _, self._buffer = self._buffer.partition(b"\n")
        return line

    def _log_tail(self) -> bytes:
        try:
            with self._log.open("rb") as log:
                log.seek(0, os.SEEK_END)
                log.seek(max(0, log.tell() - 2000))
                return log.read()
        except OSError:
            return b""


def _decode(reply: bytes) -> dict[str, Any] | None:
    """Return the helper's JSON object, or None if the line is not one."""
    try:
        answer = json.loads(reply)
    except ValueError:
        return None
    return answer if isinstance(answer, dict) else None


def kill_group(process: subprocess.Popen[Any]) -> None:
    """SIGKILL the process group ``process`` leads (its own session), if it is still there."""
    # The group outlives its leader while soffice runs, so kill it even if the helper is gone.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)


def exit_reason(returncode: int) -> str:
    """Say how ``soffice`` ended, from its return code."""
    if returncode == 0:
        return "soffice exited normally"
    if returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = f"signal {-returncode}"
        return f"soffice was killed by {name}"
    return f"soffice exited with code {returncode}"


def soffice_said(stderr: bytes) -> str:
    """Return LibreOffice's stderr minus noise, on one short line."""
    lines = [
        line.strip()
        for line in stderr.decode("utf-8", "replace").splitlines()
        # Printed on every run when no Java is installed; it means nothing for Writer.
        if line.strip() and "javaldx" not in line
    ]
    text = " | ".join(dict.fromkeys(lines))
    return text if len(text) <= 300 else text[:297] + "..."
