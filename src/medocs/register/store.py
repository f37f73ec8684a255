"""The register itself: numbering certificates, recording what was issued, looking them up.

See the package docstring (:mod:`medocs.register`) for the two-phase issue and the safety.
"""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path
from types import TracebackType
from typing import TextIO

from medocs.errors import RegisterError
from medocs.register.database import BUSY_TIMEOUT_S, connect, connect_read_only, sqlite_errors, transaction
from medocs.register.export import write_csv, write_csv_file
from medocs.register.records import (
    COLUMNS,
    Completion,
    Entry,
    Reservation,
    entry_from_row,
    file_sha256,
    number_year,
    reissue_due,
)
from medocs.register.validation import completion_problem, digest_problem, reservation_problem

_IN_LIMIT = 500  # case_refs per "IN (...)" query, well under SQLite's variable limit


class Register:
    """The certificate register in one SQLite file; open it with ``with Register(path) as reg``.

    One instance per thread or process; several processes may use the same file at once.
    """

    def __init__(self, path: Path, *, busy_timeout: float = BUSY_TIMEOUT_S, read_only: bool = False) -> None:
        """Open (creating if needed) the register at ``path``.

        Args:
            path: the SQLite file; its directory is created if missing.
            busy_timeout: seconds to wait for another process's write transaction.
            read_only: only read (list, show, verify, export): the file must exist, and may
                be on read-only media.

        Raises:
            RegisterError: the file cannot be created or opened, is not a SQLite database,
                or was written by a newer medocs.
        """
        self.path = Path(path)
        self._db = (connect_read_only if read_only else connect)(self.path, busy_timeout)

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

    def reserve_many(self, requests: Sequence[Reservation]) -> builtins.list[Entry | RegisterError]:
        """Reserve numbers for many certificates in one transaction, in the order given.

        One transaction (one disk sync) for the lot, so a batch of thousands pays for one
        commit; the numbers follow the order of ``requests``.

        Args:
            requests: one per certificate (see :class:`Reservation`).

        Returns:
            For each request, in order: its entry (new, or the case's latest when no reissue is due), or the
            RegisterError of a malformed request (the others are still reserved).

        Raises:
            RegisterError: the database refused the write (nothing is reserved).
        """
        with sqlite_errors(self.path, f"reserve {len(requests)} certificate numbers"):
            return self._reserve_all(requests)

    def _reserve_all(self, requests: Sequence[Reservation]) -> builtins.list[Entry | RegisterError]:
        """Reserve in one transaction with a handful of statements, not three per request.

        The write lock is held from BEGIN IMMEDIATE, so reading each sequence once and
        counting on in Python cannot race another process.
        """
        problems = [reservation_problem(request) for request in requests]
        results: builtins.list[Entry | RegisterError] = []
        with transaction(self._db):
            latest = self._latest_many({(r.case_ref, r.kind) for r, p in zip(requests, problems, strict=True)
                                        if p is None})
            last: dict[tuple[str, int], int] = {}
            rows: builtins.list[tuple[str, str, str, str, str, str, str | None, str | None]] = []
            refreshed: builtins.list[tuple[str, str, str, str | None, str]] = []
            released: builtins.list[str] = []  # reservations whose year changed
            for request, problem in zip(requests, problems, strict=True):
                if problem is not None:
                    results.append(problem)
                    continue
                current = latest.get((request.case_ref, request.kind))
                replaced_by_year = None
                if (current is not None and current.status == "reserved"
                        and number_year(current.number) != request.year):
                    # Reserved, never printed, and its facts moved to another year: a number of
                    # that year replaces it (GM-2024-… dated 2 January 2025 would be wrong).
                    self._release(current.number, last)
                    released.append(current.number)
                    replaced_by_year, current = current, None
                if current is not None and not reissue_due(request, current):
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
                    last[key] = self._sequence(*key)
                last[key] += 1
                reissue_of = (current.number if current is not None
                              else replaced_by_year.reissue_of if replaced_by_year is not None else None)
                entry = Entry(f"{request.prefix}-{request.year}-{last[key]:06d}", request.kind,
                              request.case_ref, request.parties, request.decision_date, request.issued_on,
                              None, None, None, None, None, reissue_of, "reserved",
                              request.source_sha256)
                rows.append((entry.number, entry.kind, entry.case_ref, entry.parties,
                             entry.decision_date.isoformat(), entry.issued_on.isoformat(), entry.reissue_of,
                             entry.source_sha256))
                latest[request.case_ref, request.kind] = entry  # a repeated request gets this one
                results.append(entry)
            self._db.executemany("DELETE FROM certificates WHERE number = ? AND status = 'reserved'",
                                 [(number,) for number in released])
            self._db.executemany(
                "INSERT INTO sequences (prefix, year, last) VALUES (?, ?, ?) "
                "ON CONFLICT (prefix, year) DO UPDATE SET last = excluded.last",
                [(prefix, year, value) for (prefix, year), value in last.items() if value > 0],
            )
            self._db.executemany("DELETE FROM sequences WHERE prefix = ? AND year = ?",
                                 [key for key, value in last.items() if value == 0])
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

    def _sequence(self, prefix: str, year: int) -> int:
        """The last number given in ``prefix`` and ``year``, checked against the certificates.

        Raises:
            RegisterError: certificates beyond the sequence exist (the sequence was deleted or
                rolled back outside medocs): numbering on would collide or repeat a number.
        """
        found = self._db.execute("SELECT last FROM sequences WHERE prefix = ? AND year = ?",
                                 (prefix, year)).fetchone()
        last = int(found[0]) if found else 0
        head = f"{prefix}-{year}-"
        highest = self._db.execute(
            "SELECT MAX(CAST(substr(number, ?) AS INTEGER)) FROM certificates "
            "WHERE substr(number, 1, ?) = ?", (len(head) + 1, len(head), head)).fetchone()[0]
        if highest is not None and highest > last:
            msg = (f"certificate register {self.path} is inconsistent: its {head}… sequence is at "
                   f"{last}, but certificate {head}{highest:06d} exists, so the next number would "
                   "repeat one already given; the register was changed outside medocs: restore it "
                   "from your backup (nothing was issued)")
            raise RegisterError(msg)
        return last

    def _release(self, number: str, last: dict[tuple[str, int], int]) -> None:
        """Give back a reserved number: the sequence steps back if it was the last one given."""
        prefix, year_text, sequence = number.rsplit("-", 2)
        key = (prefix, int(year_text))
        if key not in last:
            last[key] = self._sequence(*key)
        if last[key] == int(sequence):
            last[key] -= 1

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
                query = (f"SELECT {COLUMNS} FROM certificates WHERE kind = ? AND case_ref IN ({marks}) "
                         "ORDER BY rowid")
                for row in self._db.execute(query, (kind, *part)):  # later rows replace earlier
                    found[row["case_ref"], kind] = entry_from_row(row)
        return found

    def complete_many(self, completions: Sequence[Completion]) -> builtins.list[Entry | RegisterError]:
        """Complete many certificates in one transaction (one disk sync for the lot).

        Args:
            completions: one per certificate (see :class:`Completion`).

        Returns:
            For each completion, in order: the completed entry, or the RegisterError that
            refused it (the others are still completed).

        Raises:
            RegisterError: the database refused the write (nothing is completed).
        """
        with sqlite_errors(self.path, f"complete {len(completions)} certificates"):
            return self._complete_all(completions)

    def _complete_all(self, completions: Sequence[Completion]) -> builtins.list[Entry | RegisterError]:
        problems = [completion_problem(completion) for completion in completions]
        results: builtins.list[Entry | RegisterError] = []
        with transaction(self._db):
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
            if entry.sha256 == c.sha256:
                msg = (f"certificate {c.number} was already issued as {entry.output_name}; this run "
                       f"would write the same certificate again as {c.output_name} (only the file "
                       "name differs): keep the --name it was issued with, or rename the file itself")
            else:
                msg = (f"certificate {c.number} was already issued as {entry.output_name} (by this or "
                       f"another medocs run), and this {c.output_name} would say something else under "
                       "the same number; to issue a corrected certificate, use --reissue (it gets a "
                       "new number)")
            raise RegisterError(msg)
        issued_on = c.issued_on or entry.issued_on
        if number_year(c.number) != issued_on.year:  # the year printed in it must be the issue's
            msg = (f"certificate {c.number} would be dated {issued_on.isoformat()}, in another year "
                   "than its number: run again to give it a number of its own year")
            raise RegisterError(msg)
        done = replace(entry, output_name=c.output_name, sha256=c.sha256, generated_at=c.generated_at,
                       medocs_version=c.medocs_version, holidays_version=c.holidays_version,
                       status="issued", source_sha256=c.source_sha256 or entry.source_sha256,
                       parties=c.parties or entry.parties,
                       decision_date=c.decision_date or entry.decision_date, issued_on=issued_on)
        # The facts are the completing run's: the file says them, whatever a concurrent run
        # with corrected data wrote into the reservation meanwhile.
        self._db.execute(
            "UPDATE certificates SET output_name = ?, sha256 = ?, generated_at = ?, "
            "medocs_version = ?, holidays_version = ?, status = 'issued', source_sha256 = ?, "
            "parties = ?, decision_date = ?, issued_on = ? WHERE number = ? AND status = 'reserved'",
            (c.output_name, c.sha256, c.generated_at.isoformat(), c.medocs_version,
             c.holidays_version, done.source_sha256, done.parties, done.decision_date.isoformat(),
             done.issued_on.isoformat(), c.number),
        )
        return done

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
            problem = digest_problem(f"certificate {number}: source_sha256", digest)
            if problem is not None:
                raise problem
        doing = f"record the sources of {len(sources)} certificates"
        with sqlite_errors(self.path, doing), transaction(self._db):
            self._db.executemany(
                "UPDATE certificates SET source_sha256 = ? WHERE number = ? AND source_sha256 IS NULL",
                [(digest, number) for number, digest in sources])

    def find(self, case_ref: str, kind: str) -> Entry | None:
        """Return the latest entry of a case and kind (the last reissue if any), or None."""
        with sqlite_errors(self.path, f"look up {case_ref} ({kind})"):
            return self._latest(case_ref, kind)

    def show(self, number: str) -> Entry:
        """Return the entry of a certificate number.

        Raises:
            RegisterError: no certificate has this number.
        """
        with sqlite_errors(self.path, f"look up certificate {number}"):
            return self._get(number)

    def list(self, *, since: date | None = None, kind: str | None = None) -> builtins.list[Entry]:
        """Return entries in the order they were reserved, optionally filtered.

        Args:
            since: keep entries issued on or after this date.
            kind: keep entries of this document kind.

        Returns:
            The entries, reserved and issued.
        """
        query = f"SELECT {COLUMNS} FROM certificates WHERE 1 = 1"
        params: builtins.list[str] = []
        if since is not None:
            query += " AND issued_on >= ?"
            params.append(since.isoformat())
        if kind is not None:
            query += " AND kind = ?"
            params.append(kind)
        with sqlite_errors(self.path, "list certificates"):
            return [entry_from_row(row) for row in self._db.execute(query + " ORDER BY rowid", params)]

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
        with sqlite_errors(self.path, f"verify {path}"):
            row = self._db.execute(
                f"SELECT {COLUMNS} FROM certificates WHERE sha256 = ? AND status = 'issued' "
                "ORDER BY rowid DESC LIMIT 1",
                (digest,),
            ).fetchone()
        return entry_from_row(row) if row is not None else None

    def superseded_by(self, number: str) -> Entry | None:
        """The latest certificate reissued in place of ``number``, or None if it stands."""
        with sqlite_errors(self.path, f"look up the reissues of {number}"):
            row = self._db.execute(
                f"SELECT {COLUMNS} FROM certificates WHERE reissue_of = ? ORDER BY rowid DESC LIMIT 1",
                (number,),
            ).fetchone()
        return entry_from_row(row) if row is not None else None


    def export_csv(self, stream: TextIO) -> int:
        """Write every entry as CSV with a header row, safe to open in a spreadsheet.

        Args:
            stream: a text stream opened with ``newline=""``.

        Returns:
            The number of entries written.
        """
        return write_csv(self.list(), stream)

    def export_csv_file(self, path: Path, *, force: bool = False) -> int:
        """Write every entry to the CSV file ``path`` (as :meth:`export_csv`), atomically.

        Returns:
            The number of entries written.

        Raises:
            OutputExistsError: ``path`` exists and ``force`` is False.
            OSError: the file cannot be written.
        """
        return write_csv_file(self.list(), path, force=force)

    def _latest(self, case_ref: str, kind: str) -> Entry | None:
        row = self._db.execute(
            f"SELECT {COLUMNS} FROM certificates WHERE case_ref = ? AND kind = ? "
            "ORDER BY rowid DESC LIMIT 1",
            (case_ref, kind),
        ).fetchone()
        return entry_from_row(row) if row is not None else None

    def _get(self, number: str) -> Entry:
        row = self._db.execute(f"SELECT {COLUMNS} FROM certificates WHERE number = ?", (number,)).fetchone()
        if row is None:
            msg = f"certificate register {self.path}: no certificate numbered {number!r}"
            raise RegisterError(msg)
        return entry_from_row(row)
