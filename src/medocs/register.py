"""The certificate register: one SQLite database per issuing organisation.

It numbers certificates (``GM-2025-000123``: prefix, year, a sequence per prefix and year)
and records what was issued: kind, case, parties, dates, output file name and SHA-256, and
the medocs and bank-holiday data versions, so a deadline can be reproduced later and a file
can be checked against what was issued.

Issuing is two-phase because the number is printed on the certificate before its file
exists: :meth:`Register.reserve` allocates the number (status ``reserved``), the caller
renders and writes the file, then :meth:`Register.complete` records its name and hash
(status ``issued``). A crash between the two leaves a reserved number that the next
``reserve`` of the same case and kind hands back, so re-running a batch re-uses it and
the sequence has no gaps.

Safety: WAL journal (readers never block the writer; a killed process cannot corrupt the
file), every allocation in one ``BEGIN IMMEDIATE`` transaction (two processes can never get
the same number), ``synchronous=FULL`` (a committed number survives a power cut), foreign
keys on, and a busy timeout so concurrent batches wait for each other instead of failing.
"""

from __future__ import annotations

import builtins
import csv
import hashlib
import re
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import astuple, dataclass, fields, replace
from datetime import date, datetime
from pathlib import Path
from types import TracebackType
from typing import Literal, TextIO

from platformdirs import user_data_path

from medocs.errors import RegisterError
from medocs.reports import csv_safe

__all__ = [
    "Completion",
    "Entry",
    "Register",
    "Reservation",
    "Status",
    "default_register_path",
    "file_sha256",
]

Status = Literal["reserved", "issued"]

SCHEMA_VERSION = 2

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

_PREFIX = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,19}")
_SHA256 = re.compile(r"[0-9a-f]{64}")
_BUSY_TIMEOUT_S = 30.0
_IN_LIMIT = 500  # case_refs per "IN (...)" query, well under SQLite's variable limit


def default_register_path(app: str = "medocs") -> Path:
    """Return where the register lives when neither ``--register`` nor the profile says.

    Args:
        app: the application name used for the user data directory.

    Returns:
        ``<user data dir>/register.sqlite3``, e.g. ``~/.local/share/medocs/register.sqlite3``
        on Linux. The directory is not created here.
    """
    # appauthor=False: no extra "medocs/medocs" level on Windows.
    return user_data_path(app, appauthor=False) / "register.sqlite3"


@dataclass(frozen=True, slots=True)
class Entry:
    """One row of the register: a certificate number and what was issued under it."""

    number: str
    kind: str
    case_ref: str
    parties: str
    decision_date: date
    issued_on: date
    output_name: str | None
    sha256: str | None
    medocs_version: str | None
    holidays_version: str | None
    generated_at: datetime | None
    reissue_of: str | None
    status: Status
    source_sha256: str | None = None


@dataclass(frozen=True, slots=True)
class Reservation:
    """A request for a certificate number: the arguments of :meth:`Register.reserve`."""

    kind: str
    case_ref: str
    prefix: str
    year: int
    parties: str
    decision_date: date
    issued_on: date
    reissue: bool = False
    source_sha256: str | None = None


@dataclass(frozen=True, slots=True)
class Completion:
    """The file issued under a reserved number: the arguments of :meth:`Register.complete`."""

    number: str
    output_name: str
    sha256: str
    generated_at: datetime
    medocs_version: str
    holidays_version: str
    source_sha256: str | None = None  # what it was made from (see Reservation)


_COLUMNS = ", ".join(field.name for field in fields(Entry))


def _entry(row: sqlite3.Row) -> Entry:
    status = row["status"]
    if status not in ("reserved", "issued"):  # the CHECK constraint makes this unreachable
        msg = f"certificate {row['number']}: unknown status {status!r}"
        raise RegisterError(msg)
    return Entry(
        number=row["number"],
        kind=row["kind"],
        case_ref=row["case_ref"],
        parties=row["parties"],
        decision_date=date.fromisoformat(row["decision_date"]),
        issued_on=date.fromisoformat(row["issued_on"]),
        output_name=row["output_name"],
        sha256=row["sha256"],
        medocs_version=row["medocs_version"],
        holidays_version=row["holidays_version"],
        generated_at=datetime.fromisoformat(row["generated_at"]) if row["generated_at"] else None,
        reissue_of=row["reissue_of"],
        status="issued" if status == "issued" else "reserved",
        source_sha256=row["source_sha256"],
    )


def _reissue_due(request: Reservation, current: Entry) -> bool:
    """Whether ``request`` gets a new number although its case and kind have ``current``.

    Not when ``current`` is only reserved (an interrupted run: finish it under that number),
    nor when it was made from the same sources (a reissue that already happened).
    """
    if not request.reissue or current.status == "reserved":
        return False
    return request.source_sha256 is None or request.source_sha256 != current.source_sha256


def file_sha256(path: Path) -> str:
    """Return the SHA-256 of a file as 64 lower-case hex digits, reading it in blocks.

    Raises:
        RegisterError: the file cannot be read.
    """
    digest = hashlib.sha256()
    try:
        with Path(path).open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError as exc:
        msg = f"{path}: cannot read the file to compute its SHA-256 ({exc.strerror or exc})"
        raise RegisterError(msg) from exc
    return digest.hexdigest()


class Register:
    """The certificate register in one SQLite file; open it with ``with Register(path) as reg``.

    One instance per thread or process; several processes may use the same file at once.
    """

    def __init__(self, path: Path, *, busy_timeout: float = _BUSY_TIMEOUT_S) -> None:
        """Open (creating if needed) the register at ``path``.

        Args:
            path: the SQLite file; its directory is created if missing.
            busy_timeout: seconds to wait for another process's write transaction.

        Raises:
            RegisterError: the file cannot be created or opened, is not a SQLite database,
                or was written by a newer medocs.
        """
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # isolation_level=None: no implicit transactions; we say BEGIN IMMEDIATE ourselves.
            self._db = sqlite3.connect(self.path, timeout=busy_timeout, isolation_level=None)
        except (OSError, sqlite3.Error) as exc:
            msg = f"certificate register {self.path}: cannot open it ({exc})"
            raise RegisterError(msg) from exc
        self._db.row_factory = sqlite3.Row
        try:
            with self._errors("open"):
                self._db.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
                mode = self._db.execute("PRAGMA journal_mode = WAL").fetchone()[0]
                if str(mode).lower() != "wal":
                    msg = f"certificate register {self.path}: cannot use a WAL journal (got {mode!r})"
                    raise RegisterError(msg)
                # FULL: in WAL mode NORMAL may lose the last commits on power loss, and a lost
                # commit would hand out a number already printed on a certificate.
                self._db.execute("PRAGMA synchronous = FULL")
                self._db.execute("PRAGMA foreign_keys = ON")
                with self._transaction():
                    version = self._db.execute("PRAGMA user_version").fetchone()[0]
                    if version > SCHEMA_VERSION:
                        msg = (
                            f"certificate register {self.path}: written by a newer medocs "
                            f"(schema {version}, this medocs knows up to {SCHEMA_VERSION}); upgrade medocs"
                        )
                        raise RegisterError(msg)
                    if version < SCHEMA_VERSION:
                        # Not executescript(): it would COMMIT our transaction first.
                        for statement in _SCHEMA.split(";"):
                            if statement.strip():
                                self._db.execute(statement)
                        if version == 1:  # schema 2 added what each certificate was made from
                            self._db.execute("ALTER TABLE certificates ADD COLUMN source_sha256 TEXT")
                        self._db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        except BaseException:
            self._db.close()
            raise

    def __enter__(self) -> Register:
        """Return the open register."""
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Close the database."""
        self.close()

    def close(self) -> None:
        """Close the database; idempotent."""
        self._db.close()

    @contextmanager
    def _errors(self, doing: str) -> Iterator[None]:
        """Turn SQLite errors into RegisterError naming the file and the operation."""
        try:
            yield
        except sqlite3.Error as exc:
            msg = f"certificate register {self.path}: cannot {doing} ({exc})"
            raise RegisterError(msg) from exc

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """Run a block in one IMMEDIATE transaction: the write lock is taken at BEGIN."""
        # IMMEDIATE, not DEFERRED: two processes that both read the sequence first and then
        # try to write would deadlock (SQLITE_BUSY at once, the busy timeout cannot help).
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            # SQLite may have rolled back already (e.g. after SQLITE_FULL).
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def reserve(
        self,
        *,
        kind: str,
        case_ref: str,
        prefix: str,
        year: int,
        parties: str,
        decision_date: date,
        issued_on: date,
        reissue: bool = False,
        source_sha256: str | None = None,
    ) -> Entry:
        """Allocate the next certificate number, or return the one the case already has.

        Args:
            kind: the document kind, e.g. ``"decline-certificate"``.
            case_ref: the service's case reference.
            prefix: the organisation's number prefix, e.g. ``"GM"`` (letters, digits, ``-``, ``_``).
            year: the numbering year; each prefix and year has its own sequence from 1.
            parties: the parties' names as printed, for the register's reader.
            decision_date: the date of the decision the certificate is about.
            issued_on: the date of issue printed on the certificate.
            reissue: allocate a new number even if the case and kind have one; the new entry
                records ``reissue_of``, the number it replaces. The latest entry is kept
                instead when it is still only reserved, or was made from the same
                ``source_sha256``: so a re-run of an interrupted reissue does not reissue twice.
            source_sha256: a digest of what the certificate is made from (case data, profile,
                template), recorded with the entry.

        Returns:
            The entry: new (status ``reserved``), or the case's latest entry when it has one
            and no reissue is due (its status says whether it was already issued).

        Raises:
            RegisterError: an argument is malformed, or the database refused the write.
        """
        request = Reservation(kind=kind, case_ref=case_ref, prefix=prefix, year=year, parties=parties,
                              decision_date=decision_date, issued_on=issued_on, reissue=reissue,
                              source_sha256=source_sha256)
        with self._errors(f"reserve a number for {case_ref} ({kind})"):
            return _only(self._reserve_all([request]))

    def reserve_many(self, requests: Sequence[Reservation]) -> builtins.list[Entry | RegisterError]:
        """Reserve numbers for many certificates in one transaction, in the order given.

        One transaction (one disk sync) for the lot, so a batch of thousands pays for one
        commit; the numbers follow the order of ``requests``.

        Args:
            requests: what :meth:`reserve` takes, one per certificate.

        Returns:
            For each request, in order: its entry as :meth:`reserve` returns it, or the
            RegisterError of a malformed request (the others are still reserved).

        Raises:
            RegisterError: the database refused the write (nothing is reserved).
        """
        with self._errors(f"reserve {len(requests)} certificate numbers"):
            return self._reserve_all(requests)

    def _reserve_all(self, requests: Sequence[Reservation]) -> builtins.list[Entry | RegisterError]:
        """Reserve in one transaction with a handful of statements, not three per request.

        The write lock is held from BEGIN IMMEDIATE, so reading each sequence once and
        counting on in Python cannot race another process.
        """
        problems = [_reservation_problem(request) for request in requests]
        results: builtins.list[Entry | RegisterError] = []
        with self._transaction():
            latest = self._latest_many({(r.case_ref, r.kind) for r, p in zip(requests, problems, strict=True)
                                        if p is None})
            last: dict[tuple[str, int], int] = {}
            rows: builtins.list[tuple[str, str, str, str, str, str, str | None, str | None]] = []
            refreshed: builtins.list[tuple[str, str, str, str | None, str]] = []
            for request, problem in zip(requests, problems, strict=True):
                if problem is not None:
                    results.append(problem)
                    continue
                current = latest.get((request.case_ref, request.kind))
                if current is not None and not _reissue_due(request, current):
                    if current.status == "reserved":
                        # Not issued yet, so not printed anywhere: it takes the request's facts,
                        # which may have been corrected since the interrupted run.
                        current = replace(current, parties=request.parties,
                                          decision_date=request.decision_date, issued_on=request.issued_on,
                                          source_sha256=request.source_sha256)
                        refreshed.append((current.parties, current.decision_date.isoformat(),
                                          current.issued_on.isoformat(), current.source_sha256,
                                          current.number))
                    results.append(current)
                    continue
                key = (request.prefix, request.year)
                if key not in last:
                    found = self._db.execute("SELECT last FROM sequences WHERE prefix = ? AND year = ?",
                                             key).fetchone()
                    last[key] = found[0] if found else 0
                last[key] += 1
                entry = Entry(f"{request.prefix}-{request.year}-{last[key]:06d}", request.kind,
                              request.case_ref, request.parties, request.decision_date, request.issued_on,
                              None, None, None, None, None,
                              current.number if current is not None else None, "reserved",
                              request.source_sha256)
                rows.append((entry.number, entry.kind, entry.case_ref, entry.parties,
                             entry.decision_date.isoformat(), entry.issued_on.isoformat(), entry.reissue_of,
                             entry.source_sha256))
                latest[request.case_ref, request.kind] = entry  # a repeated request gets this one
                results.append(entry)
            self._db.executemany(
                "INSERT INTO sequences (prefix, year, last) VALUES (?, ?, ?) "
                "ON CONFLICT (prefix, year) DO UPDATE SET last = excluded.last",
                [(prefix, year, value) for (prefix, year), value in last.items()],
            )
            self._db.executemany(
                "UPDATE certificates SET parties = ?, decision_date = ?, issued_on = ?, source_sha256 = ? "
                "WHERE number = ? AND status = 'reserved'",
                refreshed,
            )
            self._db.executemany(
                "INSERT INTO certificates (number, kind, case_ref, parties, decision_date, issued_on, "
                "reissue_of, source_sha256, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'reserved')",
                rows,
            )
        return results

    def _latest_many(self, keys: set[tuple[str, str]]) -> dict[tuple[str, str], Entry]:
        """The latest entry of each (case_ref, kind) that has one, in a few queries."""
        found: dict[tuple[str, str], Entry] = {}
        by_kind: dict[str, builtins.list[str]] = {}
        for case_ref, kind in keys:
            by_kind.setdefault(kind, []).append(case_ref)
        for kind, refs in by_kind.items():
            for start in range(0, len(refs), _IN_LIMIT):
                part = refs[start : start + _IN_LIMIT]
                marks = ", ".join("?" * len(part))
                query = (f"SELECT {_COLUMNS} FROM certificates WHERE kind = ? AND case_ref IN ({marks}) "
                         "ORDER BY rowid")
                for row in self._db.execute(query, (kind, *part)):  # later rows replace earlier
                    found[row["case_ref"], kind] = _entry(row)
        return found

    def complete(
        self,
        number: str,
        *,
        output_name: str,
        sha256: str,
        generated_at: datetime,
        medocs_version: str,
        holidays_version: str,
    ) -> Entry:
        """Record the file issued under a reserved number; the entry becomes ``issued``.

        Completing an issued entry again with the same hash is allowed (a re-run) and
        changes nothing.

        Args:
            number: a number returned by :meth:`reserve`.
            output_name: the file name of the certificate (no directory).
            sha256: the file's SHA-256, 64 lower-case hex digits.
            generated_at: when the file was generated, with a time zone.
            medocs_version: the medocs version that generated it.
            holidays_version: the bank-holiday data version used for its dates.

        Returns:
            The completed entry.

        Raises:
            RegisterError: the number is unknown, already issued with another file, or an
                argument is malformed.
        """
        completion = Completion(number=number, output_name=output_name, sha256=sha256,
                                generated_at=generated_at, medocs_version=medocs_version,
                                holidays_version=holidays_version)
        with self._errors(f"complete certificate {number}"):
            return _only(self._complete_all([completion]))

    def complete_many(self, completions: Sequence[Completion]) -> builtins.list[Entry | RegisterError]:
        """Complete many certificates in one transaction (one disk sync for the lot).

        Args:
            completions: what :meth:`complete` takes, one per certificate.

        Returns:
            For each completion, in order: the completed entry, or the RegisterError that
            :meth:`complete` would raise for it (the others are still completed).

        Raises:
            RegisterError: the database refused the write (nothing is completed).
        """
        with self._errors(f"complete {len(completions)} certificates"):
            return self._complete_all(completions)

    def _complete_all(self, completions: Sequence[Completion]) -> builtins.list[Entry | RegisterError]:
        problems = [_completion_problem(completion) for completion in completions]
        results: builtins.list[Entry | RegisterError] = []
        with self._transaction():
            for completion, problem in zip(completions, problems, strict=True):
                if problem is None:
                    try:  # checks come before the write, so a refusal leaves nothing half-done
                        results.append(self._complete_one(completion))
                    except RegisterError as exc:
                        results.append(exc)
                else:
                    results.append(problem)
        return results

    def _complete_one(self, c: Completion) -> Entry:
        """Complete one certificate inside the caller's transaction."""
        entry = self._get(c.number)
        if entry.status == "issued":
            if entry.sha256 == c.sha256 and entry.output_name == c.output_name:
                return entry
            msg = (
                f"certificate {c.number} was already issued as {entry.output_name}, and this "
                f"{c.output_name} would say something else under the same number; to issue a "
                "corrected certificate, use --reissue (it gets a new number)"
            )
            raise RegisterError(msg)
        self._db.execute(
            "UPDATE certificates SET output_name = ?, sha256 = ?, generated_at = ?, "
            "medocs_version = ?, holidays_version = ?, status = 'issued', "
            "source_sha256 = COALESCE(?, source_sha256) WHERE number = ?",
            (c.output_name, c.sha256, c.generated_at.isoformat(), c.medocs_version,
             c.holidays_version, c.source_sha256, c.number),
        )
        return replace(entry, output_name=c.output_name, sha256=c.sha256, generated_at=c.generated_at,
                       medocs_version=c.medocs_version, holidays_version=c.holidays_version,
                       status="issued", source_sha256=c.source_sha256 or entry.source_sha256)

    def record_sources(self, sources: Sequence[tuple[str, str]]) -> None:
        """Record what issued certificates were made from, where the register did not know it.

        Certificates issued before schema 2 have no ``source_sha256``; once a file is found
        to say exactly what its case gives now, the case's digest is recorded for it.

        Args:
            sources: (certificate number, source SHA-256) pairs.

        Raises:
            RegisterError: a digest is malformed or the database refused the write.
        """
        for number, digest in sources:
            problem = _digest_problem(f"certificate {number}: source_sha256", digest)
            if problem is not None:
                raise problem
        with self._errors(f"record the sources of {len(sources)} certificates"), self._transaction():
            self._db.executemany(
                "UPDATE certificates SET source_sha256 = ? WHERE number = ? AND source_sha256 IS NULL",
                [(digest, number) for number, digest in sources])

    def find(self, case_ref: str, kind: str) -> Entry | None:
        """Return the latest entry of a case and kind (the last reissue if any), or None."""
        with self._errors(f"look up {case_ref} ({kind})"):
            return self._latest(case_ref, kind)

    def show(self, number: str) -> Entry:
        """Return the entry of a certificate number.

        Raises:
            RegisterError: no certificate has this number.
        """
        with self._errors(f"look up certificate {number}"):
            return self._get(number)

    def list(self, *, since: date | None = None, kind: str | None = None) -> builtins.list[Entry]:
        """Return entries in the order they were reserved, optionally filtered.

        Args:
            since: keep entries issued on or after this date.
            kind: keep entries of this document kind.

        Returns:
            The entries, reserved and issued.
        """
        query = f"SELECT {_COLUMNS} FROM certificates WHERE 1 = 1"
        params: builtins.list[str] = []
        if since is not None:
            query += " AND issued_on >= ?"
            params.append(since.isoformat())
        if kind is not None:
            query += " AND kind = ?"
            params.append(kind)
        with self._errors("list certificates"):
            return [_entry(row) for row in self._db.execute(query + " ORDER BY rowid", params)]

    def verify(self, path: Path) -> Entry | None:
        """Say whether a file is a certificate this register issued, unaltered.

        Args:
            path: the .docx to check, exactly as written (PDFs are not registered).

        Returns:
            The issued entry whose SHA-256 matches the file's, or None: not issued here, or
            altered since.

        Raises:
            RegisterError: the file cannot be read.
        """
        digest = file_sha256(path)
        with self._errors(f"verify {path}"):
            row = self._db.execute(
                f"SELECT {_COLUMNS} FROM certificates WHERE sha256 = ? AND status = 'issued' "
                "ORDER BY rowid DESC LIMIT 1",
                (digest,),
            ).fetchone()
        return _entry(row) if row is not None else None

    def superseded_by(self, number: str) -> Entry | None:
        """The latest certificate reissued in place of ``number``, or None if it stands."""
        with self._errors(f"look up the reissues of {number}"):
            row = self._db.execute(
                f"SELECT {_COLUMNS} FROM certificates WHERE reissue_of = ? ORDER BY rowid DESC LIMIT 1",
                (number,),
            ).fetchone()
        return _entry(row) if row is not None else None

    def export_csv(self, stream: TextIO) -> int:
        """Write every entry as CSV with a header row, safe to open in a spreadsheet.

        A value starting with ``=``, ``+``, ``-``, ``@`` (or tab, carriage return) gets a
        leading apostrophe so the spreadsheet shows it as text instead of running a formula.

        Args:
            stream: a text stream opened with ``newline=""``.

        Returns:
            The number of entries written.
        """
        writer = csv.writer(stream)
        writer.writerow([field.name for field in fields(Entry)])
        entries = self.list()
        for entry in entries:
            writer.writerow([csv_safe(value) for value in astuple(entry)])
        return len(entries)

    def _latest(self, case_ref: str, kind: str) -> Entry | None:
        row = self._db.execute(
            f"SELECT {_COLUMNS} FROM certificates WHERE case_ref = ? AND kind = ? "
            "ORDER BY rowid DESC LIMIT 1",
            (case_ref, kind),
        ).fetchone()
        return _entry(row) if row is not None else None

    def _get(self, number: str) -> Entry:
        row = self._db.execute(f"SELECT {_COLUMNS} FROM certificates WHERE number = ?", (number,)).fetchone()
        if row is None:
            msg = f"certificate register {self.path}: no certificate numbered {number!r}"
            raise RegisterError(msg)
        return _entry(row)


def _only(results: builtins.list[Entry | RegisterError]) -> Entry:
    """The one entry of a one-request call, or raise its error."""
    (result,) = results
    if isinstance(result, RegisterError):
        raise result
    return result


def _text_problem(name: str, value: str) -> RegisterError | None:
    if not isinstance(value, str) or not value.strip():
        return RegisterError(f"certificate register: {name} must be a non-empty text (got {value!r})")
    return None


def _reservation_problem(r: Reservation) -> RegisterError | None:
    """What is malformed in a reservation, checked before the transaction, or None."""
    problem = _text_problem("kind", r.kind) or _text_problem("case_ref", r.case_ref)
    if problem is None and not _PREFIX.fullmatch(r.prefix):
        problem = RegisterError(
            "certificate number prefix must be 1-20 letters, digits, '-' or '_' "
            f"starting with a letter or digit (got {r.prefix!r})"
        )
    if problem is None and not 1000 <= r.year <= 9999:
        problem = RegisterError(f"certificate number year must have four digits (got {r.year!r})")
    return problem or _digest_problem("source_sha256", r.source_sha256)


def _digest_problem(what: str, value: str | None) -> RegisterError | None:
    """Why ``value``, when given, is not a SHA-256 as the register stores it, or None."""
    if value is None or _SHA256.fullmatch(value):
        return None
    return RegisterError(f"{what} must be 64 lower-case hex digits (got {value!r})")


def _completion_problem(c: Completion) -> RegisterError | None:
    """What is malformed in a completion, checked before the transaction, or None."""
    problem = _text_problem("output_name", c.output_name)
    problem = (problem or _digest_problem(f"certificate {c.number}: sha256", c.sha256)
               or _digest_problem(f"certificate {c.number}: source_sha256", c.source_sha256))
    if problem is None and (c.generated_at.tzinfo is None or c.generated_at.utcoffset() is None):
        problem = RegisterError(
            f"certificate {c.number}: generated_at must carry a time zone (got {c.generated_at.isoformat()})"
        )
    return problem
