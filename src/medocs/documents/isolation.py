"""User templates render in a worker process that is killed when a document passes its limits.

The sandbox (:mod:`medocs.documents.sandbox`) refuses the big things a template might build and
times the Python loop rendering a document, but it cannot stop a runaway template in a thread
other than the main one (the web app's) nor one stuck in C code, and a slow build of many small
things passes every bound. So a template from ``--templates`` (or any file ``medocs check`` is
given) is an :class:`IsolatedTemplate`: it is compiled here as usual (a syntax error still stops
a batch before anything is written), but each document is rendered by a worker process, which:

* starts with its address space limited (``RLIMIT_AS``, :func:`memory_limit_mb` MB), so a
  template that needs more gets a MemoryError there, never here;
* renders under the same per-document deadline (:func:`~medocs.documents.sandbox.document_seconds`),
  and is killed (SIGKILL) when it has not answered a little after it;
* runs under medocs's watchdog (:mod:`medocs.watchdog`), which kills it as soon as the process
  that started it is gone, even while it is stuck in one C call.

A document stopped so gets a one-line :class:`~medocs.errors.RenderError` naming the template and
the limit; the next document gets a fresh worker. Workers are kept per process (a forked batch
worker starts its own) and shared by threads, one document at a time each. The worker's answer
is read as plain bytes and JSON, never unpickled: what a hostile template controls stays data.

medocs's own templates are trusted and render in the calling process, at full speed.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import pickle
import resource
import signal
import subprocess
import sys
import threading
from collections.abc import Mapping
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, NoReturn

from medocs.documents.rendering import CompiledTemplate
from medocs.documents.sandbox import SECONDS_VARIABLE, document_seconds, timeout_message
from medocs.errors import MedocsError, RenderError, TemplateError
from medocs.processes import watched

__all__ = ["MEMORY_VARIABLE", "IsolatedTemplate", "memory_limit_mb", "serve"]

MEMORY_VARIABLE = "MEDOCS_TEMPLATE_MEMORY_MB"  # the worker's memory limit (tests use a small one)
_DEFAULT_MEMORY_MB = 1024  # a worker holds ~150 MB of code; a letter needs a few MB more
_START_SECONDS = 120.0  # starting Python and importing medocs, on a busy machine
_OUT_OF_MEMORY = 75  # the worker's exit status after a MemoryError
_KEPT_IDLE = 4  # idle workers kept per process (a web server's threads reuse them)
_ERRORS: dict[str, type[MedocsError]] = {"RenderError": RenderError, "TemplateError": TemplateError}


def memory_limit_mb() -> int:
    """The memory one worker may use: ``$MEDOCS_TEMPLATE_MEMORY_MB``, else 1024 MB.

    Raises:
        MedocsError: the variable is set to something that is not a whole number of MB.
    """
    text = os.environ.get(MEMORY_VARIABLE, "")
    if not text:
        return _DEFAULT_MEMORY_MB
    if not text.isdigit() or not 0 < int(text) < 1 << 30:
        msg = f"${MEMORY_VARIABLE} must be a whole number of megabytes above 0 (found {text[:40]!r})"
        raise MedocsError(msg)
    return int(text)


class IsolatedTemplate(CompiledTemplate):
    """A template from outside medocs: compiled here, each document rendered in a worker process."""

    _data: bytes = b""

    @classmethod
    def from_bytes(cls, data: bytes, *, path: Path, env: Any = None) -> CompiledTemplate:
        """Compile the template as :class:`CompiledTemplate` does, and keep its bytes for workers.

        Raises:
            TemplateError: as for :meth:`CompiledTemplate.load`.
        """
        template = super().from_bytes(data, path=path, env=env)
        assert isinstance(template, IsolatedTemplate)  # noqa: S101 - from_bytes builds a cls
        template._data = data  # set once, before it is shared
        return template

    def render_parts(self, context: Mapping[str, Any]) -> list[tuple[str, bytes]]:
        """Render one document's parts in a worker process (see the module's description).

        Raises:
            RenderError: as for :meth:`CompiledTemplate.render_parts`, or the document passed
                its time or memory limit (the message names the template and the limit).
        """
        seconds, memory = document_seconds(), memory_limit_mb()
        worker = _POOL.take(memory)
        try:
            parts = worker.render(self, context, seconds)
        finally:
            _POOL.give(worker)
        return parts


# --------------------------------------------------------------------------- the parent's side


class _Worker:
    """One worker process and the two pipes to it (requests pickled, replies plain)."""

    def __init__(self, memory_mb: int) -> None:
        self.memory_mb = memory_mb
        self.known: set[str] = set()  # the templates this worker has compiled
        # Under the watchdog: a worker stuck in one C call holds its GIL, so no thread of its
        # own could see this process die. -P: never import from the current folder.
        request_in, request_out = os.pipe()
        reply_in, reply_out = os.pipe()
        try:
            self.process = subprocess.Popen(
                watched([sys.executable, "-P", "-c", "from medocs.documents.isolation import serve; serve()",
                         str(memory_mb)]),
                stdin=request_in, stdout=reply_out, stderr=subprocess.DEVNULL, start_new_session=True)
        finally:
            os.close(request_in)
            os.close(reply_out)
        self.requests = Connection(request_out, readable=False)
        self.replies = Connection(reply_in, writable=False)
        if not self.replies.poll(_START_SECONDS) or self._receive() != b"ready":
            self.stop()
            msg = "the worker process that renders user templates did not start"
            raise RenderError(msg)

    def _receive(self) -> bytes | None:
        try:
            return self.replies.recv_bytes()
        except (EOFError, OSError):
            return None

    def alive(self) -> bool:
        """Whether the process still runs."""
        return self.process.poll() is None

    def render(self, template: IsolatedTemplate, context: Mapping[str, Any], seconds: float
               ) -> list[tuple[str, bytes]]:
        """Have the worker render one document; stop it when it passes its limits.

        Raises:
            RenderError: the render failed, or the worker was stopped or ended.
        """
        key = f"{template.sha256}:{template.path}"
        if key not in self.known:  # compiled first, untimed: a busy machine may take a while
            loading = pickle.dumps((key, str(template.path), template._data, None, seconds))  # noqa: SLF001
            _decode(self._exchange(template, loading, _START_SECONDS, seconds), template.path)
            self.known.add(key)
        try:
            request = pickle.dumps((key, str(template.path), None, dict(context), seconds))
        except (pickle.PicklingError, TypeError, AttributeError) as exc:
            msg = f"{template.path}: the values for this document cannot be sent to its renderer ({exc})"
            raise RenderError(msg) from exc
        # The worker's own deadline comes first; this one catches a worker stuck in C code.
        return _decode(self._exchange(template, request, seconds + 1.0 + seconds / 10, seconds),
                       template.path)

    def _exchange(self, template: IsolatedTemplate, request: bytes, wait: float,
                  seconds: float) -> bytes:
        """Send one request and wait at most ``wait`` seconds for its reply.

        Raises:
            RenderError: no reply in time (the worker is killed), or the worker ended.
        """
        try:
            self.requests.send_bytes(request)
        except OSError:
            self._ended(template, seconds)
        if not self.replies.poll(wait):
            self.stop()
            msg = f"{template.path}: {timeout_message(seconds)}; its render was stopped"
            raise RenderError(msg)
        reply = self._receive()
        if reply is None:
            self._ended(template, seconds)
        return reply

    def _ended(self, template: IsolatedTemplate, seconds: float) -> NoReturn:
        """Say why the worker ended in the middle of a document."""
        self.stop()
        if self.process.returncode == _OUT_OF_MEMORY:
            msg = (f"{template.path}: the template needed more than {self.memory_mb:,} MB of memory "
                   "to render one document; its render was stopped")
        else:
            code = self.process.returncode
            how = f"killed by signal {-code}" if code is not None and code < 0 else f"exit status {code}"
            msg = (f"{template.path}: rendering one document stopped its worker process ({how}); "
                   f"the limits are {seconds:g} seconds and {self.memory_mb:,} MB per document")
        raise RenderError(msg)

    def stop(self) -> None:
        """Kill the worker and its watchdog (their process group), and close the pipes."""
        if self.process.returncode is None:  # once reaped, its group id may be someone else's
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        self.close()

    def close(self) -> None:
        """Close this process's ends of the pipes (an idle worker then ends by itself)."""
        self.requests.close()
        self.replies.close()


def _decode(reply: bytes, path: Path) -> list[tuple[str, bytes]]:
    """The parts of a worker's reply, or the error it reports (raised)."""
    kind, _, rest = reply.partition(b"\n")
    if kind == b"loaded":
        return []
    if kind == b"error":
        error = json.loads(rest)
        raise _ERRORS.get(str(error.get("type")), RenderError)(str(error.get("message")))
    header, _, body = rest.partition(b"\n")
    parts, at = [], 0
    for name, size in json.loads(header):
        parts.append((str(name), body[at : at + int(size)]))
        at += int(size)
    if kind != b"parts" or at != len(body):
        msg = f"{path}: its renderer gave an answer that cannot be read"
        raise RenderError(msg)
    return parts


class _Pool:
    """The idle workers of this process, shared by its threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._idle: list[_Worker] = []

    def take(self, memory_mb: int) -> _Worker:
        """An idle worker with this memory limit, or a new one."""
        with self._lock:
            while self._idle:
                worker = self._idle.pop()
                if worker.memory_mb == memory_mb and worker.alive():
                    return worker
                worker.stop()
        return _Worker(memory_mb)

    def give(self, worker: _Worker) -> None:
        """Keep a worker that is still running for the next document."""
        with self._lock:
            if worker.alive() and len(self._idle) < _KEPT_IDLE:
                self._idle.append(worker)
                return
        worker.stop()

    def close(self) -> None:
        """Let every idle worker end (at exit: they see their pipe close)."""
        with self._lock:
            for worker in self._idle:
                worker.close()
            self._idle.clear()

    def forget(self) -> None:
        """In a forked child: the parent's workers are not ours; close our copies of their pipes."""
        self._lock = threading.Lock()
        self.close()


_POOL = _Pool()
atexit.register(_POOL.close)
os.register_at_fork(after_in_child=_POOL.forget)


# --------------------------------------------------------------------------- the worker's side


def _caused_by_memory(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    for _ in range(20):
        if seen is None:
            return False
        if isinstance(seen, MemoryError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _answer(message: bytes, templates: dict[str, CompiledTemplate]) -> bytes:
    """Render one request; the reply (parts, or the error as JSON)."""
    key, path, data, context, seconds = pickle.loads(message)  # noqa: S301 - from our parent
    os.environ[SECONDS_VARIABLE] = repr(seconds)  # the deadline render_parts sets
    try:
        template = templates.get(key)
        if template is None:
            template = templates[key] = CompiledTemplate.from_bytes(data, path=Path(path))
        if context is None:  # compile only
            return b"loaded"
        parts = template.render_parts(context)
    except Exception as exc:  # reported to the parent as the error of this document
        if _caused_by_memory(exc):
            raise MemoryError from exc
        named = isinstance(exc, MedocsError)
        error = {"type": type(exc).__name__ if named else "RenderError",
                 "message": str(exc) if named else f"{path}: {type(exc).__name__}: {exc}"}
        return b"error\n" + json.dumps(error).encode()
    header = json.dumps([[name, len(body)] for name, body in parts]).encode()
    return b"parts\n" + header + b"\n" + b"".join(body for _, body in parts)


def serve() -> None:
    """Run as a worker: ``python -c 'from medocs.documents.isolation import serve; serve()' MEMORY_MB``,
    requests on stdin, replies on stdout; render requests until stdin closes."""
    memory_mb = int(sys.argv[1])
    requests = Connection(os.dup(0), writable=False)
    replies = Connection(os.dup(1), readable=False)
    quiet = os.open(os.devnull, os.O_RDWR)  # nothing printed may mix with the replies
    os.dup2(quiet, 0)
    os.dup2(quiet, 1)
    limit = memory_mb << 20
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    soft = limit if hard == resource.RLIM_INFINITY else min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
    templates: dict[str, CompiledTemplate] = {}
    replies.send_bytes(b"ready")
    while True:
        try:
            message = requests.recv_bytes()
        except (EOFError, OSError):
            os._exit(0)
        try:
            reply = _answer(message, templates)
            replies.send_bytes(reply)
        except MemoryError:
            os._exit(_OUT_OF_MEMORY)  # the parent says so; a fresh worker takes the next document
