"""The register's SQLite file: its schema, opening it safely, and transactions.

Safety: WAL journal (readers never block the writer; a killed process cannot corrupt the
file), writes in ``BEGIN IMMEDIATE`` transactions (two processes can never get the same
number), ``synchronous=FULL`` (a committed number survives a power cut), foreign keys on,
and a busy timeout so concurrent batches wait for each other instead of failing.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from medocs.errors import RegisterError

__all__ = ["BUSY_TIMEOUT_S", "SCHEMA_VERSION", "connect", "connect_read_only", "sqlite_errors", "transaction"]

SCHEMA_VERSION = 2
BUSY_TIMEOUT_S = 30.0

_SCHEMA = """
CREATE TABLE IF NOT EXISTS sequences (
    prefix TEXT NOT NULL,
    year INTEGER NOT NULL,
    last INTEGER NOT NULL CHECK (last >= 1),
    PRIMARY KEY (prefix, year)
);
CREATE TABLE IF NOT EXISTS certificates (
    number TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    case_ref TEXT NOT NULL,
    parties TEXT NOT NULL,
    decision_date TEXT NOT NULL,
    issued_on TEXT NOT NULL,
    output_name TEXT,
    sha256 TEXT,
    medocs_version TEXT,
    holidays_version TEXT,
    generated_at TEXT,
    reissue_of TEXT REFERENCES certificates (number),
    status TEXT NOT NULL CHECK (status IN ('reserved', 'issued')),
    source_sha256 TEXT
);
-- Only one first issue per case and kind (reissues are the other rows).
CREATE UNIQUE INDEX IF NOT EXISTS certificates_first_issue
    ON certificates (case_ref, kind) WHERE reissue_of IS NULL;
CREATE INDEX IF NOT EXISTS certificates_case ON certificates (case_ref, kind);
CREATE INDEX IF NOT EXISTS certificates_sha256 ON certificates (sha256);
CREATE INDEX IF NOT EXISTS certificates_issued_on ON certificates (issued_on);
"""



def connect_read_only(path: Path, busy_timeout: float) -> sqlite3.Connection:
    """Open an existing register only to read it: it may sit on read-only media (a CD, a
    write-protected share, an archive copy).

    Raises:
        RegisterError: the file is missing, empty, not a register, or at another schema.
    """
    if not path.is_file():
        msg = f"no certificate register at {path}"
        raise RegisterError(msg)
    if path.stat().st_size == 0:
        msg = (f"certificate register {path} is an empty file (0 bytes), not a register: restore it "
               "from your backup")
        raise RegisterError(msg)
    uri = f"{path.resolve().as_uri()}?mode=ro"
    try:
        db = sqlite3.connect(uri, uri=True, timeout=busy_timeout, isolation_level=None)
        try:
            version = db.execute("PRAGMA user_version").fetchone()[0]
        except sqlite3.OperationalError:
            # A WAL register needs its -shm file, which read-only media cannot create: read
            # the file as it is (nothing can be writing to read-only media).
            db.close()
            db = sqlite3.connect(f"{uri}&immutable=1", uri=True, isolation_level=None)
            version = db.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.Error as exc:
        msg = f"certificate register {path}: cannot open it to read ({exc})"
        raise RegisterError(msg) from exc
    if version != SCHEMA_VERSION:
        db.close()
        msg = (f"certificate register {path}: schema {version}, this medocs reads schema "
               f"{SCHEMA_VERSION}; open it once where it can be written (a batch or render does), "
               "or use the medocs that wrote it")
        raise RegisterError(msg)
    db.row_factory = sqlite3.Row
    return db


def connect(path: Path, busy_timeout: float) -> sqlite3.Connection:
    """Open (creating if needed) the register database at ``path``, at the current schema.

    Args:
        path: the SQLite file; its directory is created if missing.
        busy_timeout: seconds to wait for another process's write transaction.

    Returns:
        The connection, in autocommit mode with ``sqlite3.Row`` rows.

    Raises:
        RegisterError: the file cannot be created or opened, is not a SQLite database,
            or was written by a newer medocs.
    """
    try:
        if not path.exists():
            _create(path)
        if path.is_file() and path.stat().st_size == 0:
            msg = (f"certificate register {path} is an empty file (0 bytes), not a register: medocs "
                   "will not number from 000001 again. Restore the register from your backup; only "
                   "if no certificate was ever issued with it, delete the file to start a new one")
            raise RegisterError(msg)
        path.parent.mkdir(parents=True, exist_ok=True)
        # isolation_level=None: no implicit transactions; we say BEGIN IMMEDIATE ourselves.
        db = sqlite3.connect(path, timeout=busy_timeout, isolation_level=None)
    except (OSError, sqlite3.Error) as exc:
        msg = f"certificate register {path}: cannot open it ({exc})"
        raise RegisterError(msg) from exc
    db.row_factory = sqlite3.Row
    try:
        with sqlite_errors(path, "open"):
            db.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
            mode = db.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                msg = f"certificate register {path}: cannot use a WAL journal (got {mode!r})"
                raise RegisterError(msg)
            # FULL: in WAL mode NORMAL may lose the last commits on power loss, and a lost
            # commit would hand out a number already printed on a certificate.
            db.execute("PRAGMA synchronous = FULL")
            db.execute("PRAGMA foreign_keys = ON")
            with transaction(db):
                _migrate(db, path)
    except BaseException:
        db.close()
        raise
    return db


def _create(path: Path) -> None:
    """Make a new register at ``path`` whole: built aside, then linked in under its name.

    A register file is never seen empty, so an empty one is always a fault (see
    :func:`connect`), even when several batches start a new register at once.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    aside = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.new")
    try:
        db = sqlite3.connect(aside, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode = WAL")
            with transaction(db):
                _migrate(db, path)
        finally:
            db.close()  # the last connection: the WAL is checkpointed into the file
        try:
            os.link(aside, path)
        except FileExistsError:
            pass  # another process made it first: use theirs
        except OSError:  # a file system without hard links: a rename, unless one is there now
            if not path.exists():
                os.replace(aside, path)
    except sqlite3.Error as exc:
        msg = f"certificate register {path}: cannot create it ({exc})"
        raise RegisterError(msg) from exc
    finally:
        for leftover in (aside, Path(f"{aside}-wal"), Path(f"{aside}-shm")):
            leftover.unlink(missing_ok=True)


def _migrate(db: sqlite3.Connection, path: Path) -> None:
    """Bring the schema up to SCHEMA_VERSION inside the caller's transaction."""
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        msg = (
            f"certificate register {path}: written by a newer medocs "
            f"(schema {version}, this medocs knows up to {SCHEMA_VERSION}); upgrade medocs"
        )
        raise RegisterError(msg)
    if version < SCHEMA_VERSION:
        # Not executescript(): it would COMMIT our transaction first.
        for statement in _SCHEMA.split(";"):
            if statement.strip():
                db.execute(statement)
        if version == 1:  # schema 2 added what each certificate was made from
            db.execute("ALTER TABLE certificates ADD COLUMN source_sha256 TEXT")
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


@contextmanager
def sqlite_errors(path: Path, doing: str) -> Iterator[None]:
    """Turn SQLite errors into RegisterError naming the file and the operation."""
    try:
        yield
    except sqlite3.Error as exc:
        msg = f"certificate register {path}: cannot {doing} ({exc})"
        raise RegisterError(msg) from exc


@contextmanager
def transaction(db: sqlite3.Connection) -> Iterator[None]:
    """Run a block in one IMMEDIATE transaction: the write lock is taken at BEGIN."""
    # IMMEDIATE, not DEFERRED: two processes that both read the sequence first and then
    # try to write would deadlock (SQLITE_BUSY at once, the busy timeout cannot help).
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        # SQLite may have rolled back already (e.g. after SQLITE_FULL).
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
