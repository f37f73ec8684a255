"""Issuing a batch's chunks of documents, in this process or in worker processes.

Each worker compiles the template once and renders one piece of a chunk while a thread
writes the previous piece (fsync and the register's commit release the GIL)."""

from __future__ import annotations

import os
import signal
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from medocs.documents.kinds import KINDS, kind_template
from medocs.errors import MedocsError
from medocs.issuing import (
    Issued,
    Job,
    Prepared,
    finish_documents,
    prepare_documents,
)
from medocs.processes import exit_with_parent
from medocs.profiles import Profile
from medocs.register import Register

__all__ = ["ChunkIssuer", "IssueSettings", "issue_chunk", "start_pool"]


_PIECE = 50  # rows rendered, then written with one group fsync and one register commit


@dataclass(frozen=True)
class IssueSettings:
    """What a worker process needs to issue documents (sent to it once, pickled)."""

    kind: str
    profile: Profile | None
    today: date
    templates: Path | None
    force: bool
    register: Path | None
    reissue: bool = False


class ChunkIssuer:
    """Issues chunks of jobs in one process, rendering one piece while a thread writes the last.

    Rendering is CPU work; writing is mostly waiting for the disk (fsync, the register's
    commit), which releases the GIL. So a chunk is cut into pieces: the writer thread
    finishes piece k while this thread renders piece k+1. The register connection is opened
    and used in the writer thread only (SQLite connections belong to their thread).
    """

    def __init__(self, settings: IssueSettings) -> None:
        self.settings = settings
        self.kind = KINDS[settings.kind]
        kind_template(self.kind, settings.templates, settings.profile)  # compile once, here
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


_WORKER: ChunkIssuer | None = None


def _start_worker(settings: IssueSettings) -> None:
    """Initialise a worker process: it leaves Ctrl-C to the parent, which stops the pool."""
    global _WORKER  # one issuer per worker process, by design
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for sig in (signal.SIGTERM, signal.SIGHUP):  # not the parent's "stop like Ctrl-C" handlers
        signal.signal(sig, signal.SIG_DFL)
    exit_with_parent(os.getppid())  # a parent killed with SIGKILL closes no pipe they see
    _WORKER = ChunkIssuer(settings)


def issue_chunk(chunk: Sequence[tuple[int, Job]]) -> list[tuple[int, Issued | MedocsError]]:
    assert _WORKER is not None, "worker not initialised"
    return _WORKER.issue(chunk)



def start_pool(settings: IssueSettings, jobs: int) -> ProcessPoolExecutor:
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
