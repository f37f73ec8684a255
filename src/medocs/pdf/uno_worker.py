"""Serve DOCX -> PDF conversions to :mod:`medocs.pdf.uno_client` with one LibreOffice driven over UNO.

This file is executed by path by a Python that can ``import uno`` (Debian's python3 with
python3-uno, or LibreOffice's bundled one), not by medocs' virtualenv: it uses only the
standard library and ``uno``, and must not import medocs.

Usage: ``python uno_worker.py CONFIG`` where CONFIG is a JSON object with ``soffice`` (path),
``profile`` (profile directory), ``pipe`` (a name unique on this machine) and ``pdf_a``
(bool). The caller must start the helper in a new session: ``soffice`` (the oosplash
process and the soffice.bin it forks) then shares the helper's process group, so one
``killpg`` ends them all. The helper starts ``soffice`` listening on that pipe, connects,
then talks JSON, one object per line:

* it writes ``{"ready": true, "pid": <soffice pid>}`` once connected, or
  ``{"ready": false, "error": "..."}`` and exits;
* for each request ``{"src": "/abs/in.docx", "dst": "/abs/out.pdf"}`` read on stdin it writes
  ``{"ok": true}`` or ``{"ok": false, "error": "...", "fatal": <bool>}``; after a fatal error
  (LibreOffice died or the bridge broke) it exits;
* at the end of stdin, or once its answers can no longer be written, it asks LibreOffice
  to quit and waits a few seconds.

However it ends, the helper kills its process group last, itself included, so that no
LibreOffice outlives it: after the above, after an error, on SIGTERM or SIGHUP, and at once
when its parent (medocs) is gone, even while LibreOffice is busy or hung.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
import traceback
from typing import IO, Any

# Forcing the import filter stops LibreOffice from loading a non-Word file as plain text.
IMPORT_FILTER = "MS Word 2007 XML"
# SelectPdfVersion 2 = PDF/A-2b.
PDF_A_VERSION = 2
# Every PDF is tagged (headings, lists, tables and reading order for screen readers), opens
# showing the document's title, and keeps headings as bookmarks (as workers._ACCESSIBLE).
EXPORT_OPTIONS = (("UseTaggedPDF", True), ("DisplayPDFDocumentTitle", True), ("ExportBookmarks", True))
# Seconds LibreOffice is given to quit before it is killed.
QUIT_TIMEOUT = 10.0
# Seconds between two looks at whether medocs still runs.
WATCH_INTERVAL = 0.2

# Through importlib: uno has no type stubs, and mypy checks this file with medocs.
uno: Any = importlib.import_module("uno")


class LoadError(Exception):
    """LibreOffice gave no document for a file (it says no more than that)."""


def prop(name: str, value: object) -> Any:
    """Return a ``com.sun.star.beans.PropertyValue``."""
    return uno.createUnoStruct("com.sun.star.beans.PropertyValue", name, 0, value, 0)


def exit_reason(returncode: int | None) -> str:
    """Say how soffice ended, from its return code."""
    if returncode is None:
        return "LibreOffice stopped answering"
    if returncode < 0:
        try:
            return f"soffice was killed by {signal.Signals(-returncode).name}"
        except ValueError:
            return f"soffice was killed by signal {-returncode}"
    # oosplash, which runs soffice.bin, exits with 128 + N when soffice.bin died of signal N.
    if returncode > 128:
        try:
            return f"soffice was killed by {signal.Signals(returncode - 128).name} (exit code {returncode})"
        except ValueError:
            pass
    return f"soffice exited with code {returncode}"


class Office:
    """One soffice process, the UNO connection to it, and a reusable hidden Writer frame."""

    def __init__(self, config: dict[str, Any]) -> None:
        """Start soffice listening on the pipe named in ``config``.

        Raises:
            OSError: soffice cannot be run.
        """
        self.pdf_a = bool(config["pdf_a"])
        self.pipe = str(config["pipe"])
        # Its stdout is ours too, and reserved for answers: send what it prints to stderr.
        self.process = subprocess.Popen(
            [
                config["soffice"],
                "--headless",
                "--norestore",
                "--nologo",
                "--nodefault",
                "--nolockcheck",
                "-env:UserInstallation=" + uno.systemPathToFileUrl(os.path.abspath(config["profile"])),
                f"--accept=pipe,name={self.pipe};urp;",
            ],
            stdin=subprocess.DEVNULL,
            stdout=sys.stderr.fileno(),
        )
        self.desktop: Any = None
        self.frame: Any = None
        self.document: Any = None

    def connect(self) -> None:
        """Wait until soffice accepts the connection (the caller enforces the time limit).

        Raises:
            RuntimeError: soffice exited before accepting it.
        """
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
        url = f"uno:pipe,name={self.pipe};urp;StarOffice.ComponentContext"
        while True:
            try:
                context = resolver.resolve(url)
                break
            except Exception:  # NoConnectException until soffice listens
                if self.process.poll() is not None:
                    raise RuntimeError(exit_reason(self.process.returncode) + " during start-up") from None
                time.sleep(0.05)
        self.desktop = context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context)
        self.new_frame()

    def new_frame(self) -> None:
        """Open a hidden empty Writer frame that every document is then loaded into."""
        if self.frame is not None:
            try:
                self.frame.close(True)
            except Exception:  # a broken frame is dropped either way
                pass
        self.document = self.desktop.loadComponentFromURL(
            "private:factory/swriter", "_blank", 0, (prop("Hidden", True),)
        )
        self.frame = self.document.getCurrentController().getFrame()

    def load(self, url: str) -> Any:
        """Load ``url`` into the frame, then close the document it replaced.

        Raises:
            LoadError: LibreOffice could not load it.
        """
        document = self.frame.loadComponentFromURL(
            url,
            "_self",
            0,
            (prop("Hidden", True), prop("ReadOnly", True), prop("FilterName", IMPORT_FILTER)),
        )
        if document is None:
            msg = "LibreOffice could not load it as a Word document"
            raise LoadError(msg)
        previous, self.document = self.document, document
        # A replaced document is not freed by LibreOffice until closed: about 1 MB per file.
        try:
            previous.close(True)
        except Exception:  # already gone with a frame that was replaced
            pass
        return document

    def convert(self, src: str, dst: str) -> None:
        """Write ``dst`` as the PDF of ``src``.

        Raises:
            Exception: whatever LibreOffice raised; :meth:`alive` says whether it survived.
        """
        url = uno.systemPathToFileUrl(src)
        try:
            document = self.load(url)
        except Exception:
            if not self.alive():
                raise
            # The failed load may have left the frame empty or half-closed: start afresh,
            # and try once more so that a frame problem is not blamed on the file.
            self.new_frame()
            document = self.load(url)
        options = [prop(name, value) for name, value in EXPORT_OPTIONS]
        if self.pdf_a:
            options.append(prop("SelectPdfVersion", PDF_A_VERSION))
        data = uno.Any("[]com.sun.star.beans.PropertyValue", tuple(options))
        props = [prop("FilterName", "writer_pdf_Export"), prop("FilterData", data)]
        # uno.invoke: a uno.Any nested in a struct is only passed on this way.
        uno.invoke(document, "storeToURL", (uno.systemPathToFileUrl(dst), tuple(props)))

    def alive(self) -> bool:
        """Tell whether soffice still runs and answers."""
        if self.process.poll() is not None:
            return False
        try:
            self.desktop.getCurrentComponent()
        except Exception:
            return False
        return True

    def death(self) -> str:
        """Say why soffice is gone (waiting briefly for its exit code)."""
        try:
            self.process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            return exit_reason(None)
        return exit_reason(self.process.returncode)

    def quit(self) -> None:
        """Ask LibreOffice to quit and give it a few seconds (what is left is killed on exit)."""
        try:
            self.desktop.terminate()
        except Exception:  # the bridge goes away while terminate() returns
            pass
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=QUIT_TIMEOUT)


def answer(out: IO[str], message: dict[str, Any]) -> None:
    out.write(json.dumps(message) + "\n")
    out.flush()


def describe(exc: BaseException) -> str:
    """Return a short one-line account of a UNO or Python exception."""
    if isinstance(exc, LoadError):
        return str(exc)
    text = " ".join(str(getattr(exc, "Message", "") or exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def end_group(*_: object) -> None:
    """Kill this helper's process group: soffice (oosplash and soffice.bin) and the helper.

    Also the SIGTERM and SIGHUP handler. soffice.bin is oosplash's child, not ours, and
    outlives oosplash: only the group reaches it.
    """
    os.killpg(0, signal.SIGKILL)


def watch_parent(parent: int) -> None:
    """End everything once the parent process ``parent`` (medocs) is gone.

    Run in a thread, as the main thread may be waiting on a busy or hung LibreOffice; a
    killed medocs closes the pipes too, but they are only seen between two files.
    """
    while os.getppid() == parent:
        time.sleep(WATCH_INTERVAL)
    end_group()


def serve(config: dict[str, Any], out: IO[str]) -> None:
    """Start LibreOffice, answer the requests read on stdin, then ask LibreOffice to quit."""
    try:
        office = Office(config)
    except OSError as exc:
        answer(out, {"ready": False, "error": f"cannot run soffice ({exc})"})
        return
    try:
        office.connect()
    except Exception as exc:
        answer(out, {"ready": False, "error": str(exc) if isinstance(exc, RuntimeError) else describe(exc)})
        return
    try:
        answer(out, {"ready": True, "pid": office.process.pid})
        for line in sys.stdin:
            request = json.loads(line)
            try:
                office.convert(request["src"], request["dst"])
            except Exception as exc:
                if office.alive():
                    answer(out, {"ok": False, "error": describe(exc), "fatal": False})
                    continue
                answer(out, {"ok": False, "error": office.death(), "fatal": True})
                return
            answer(out, {"ok": True})
    except BrokenPipeError:
        pass  # no one reads the answers any more (medocs died): as at the end of stdin
    office.quit()


def main() -> None:
    """Serve medocs; end by killing the process group, so that no LibreOffice is left."""
    # Answers go to a private copy of stdout; fd 1 becomes stderr so that nothing printed
    # by LibreOffice or uno can break the protocol.
    out = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, end_group)
    threading.Thread(target=watch_parent, args=(os.getppid(),), daemon=True).start()
    try:
        serve(json.loads(sys.argv[1]), out)
    except Exception:
        # Into the log medocs quotes; the kill below would end the process before Python prints it.
        traceback.print_exc()
    finally:
        end_group()


if __name__ == "__main__":
    main()
