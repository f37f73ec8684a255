"""The batch's report: each row's outcome, manifest.csv and errors.csv, and the result returned.

Values are neutralised against spreadsheet formulas (:mod:`medocs.reports`); an earlier,
different report is never lost: it is renamed ``manifest.<UTC time it was written>.csv``."""

from __future__ import annotations

import os
from array import array
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal, overload

from medocs.batch.rows import Row, RowError, Spill
from medocs.files import write_atomic, write_problem
from medocs.issuing import (
    Issued,
    IssueStatus,
)
from medocs.reports import csv_bytes

__all__ = ["ERRORS", "MANIFEST", "BatchResult", "Outcomes", "RowOutcome", "RowStatus", "plural",
           "reports_failed", "row_outcome", "write_reports"]


RowStatus = IssueStatus | Literal["error"]  # a row that failed has no document

MANIFEST = "manifest.csv"
ERRORS = "errors.csv"


@dataclass(frozen=True)
class RowOutcome:
    """What became of one input row, as manifest.csv lists it."""

    row: int
    case_ref: str
    status: RowStatus
    docx: Path | None = None
    pdf: Path | None = None
    sha256: str = ""
    certificate_number: str = ""
    reissue_of: str = ""  # the certificate it supersedes, for a reissue
    key_dates: dict[str, str] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    message: str = ""


@dataclass(frozen=True)
class BatchResult:
    """The outcome of a batch run.

    Attributes:
        source: the input file.
        out: the output folder.
        rows: one outcome per input row, in input order.
        errors: every problem, in row order.
        manifest: the manifest file written.
        errors_file: the errors file written, or None when no row failed.
        row_label: ``'row'`` or ``'line'``, for messages.
        register: the certificate register used (None for kinds without numbers).
    """

    source: Path
    out: Path
    rows: Sequence[RowOutcome]
    errors: list[RowError]
    manifest: Path
    errors_file: Path | None
    row_label: str = "row"
    register: Path | None = None
    counts: dict[str, int] | None = None

    def count(self, status: RowStatus) -> int:
        """How many rows ended with ``status``."""
        if self.counts is not None:
            return self.counts.get(status, 0)
        return sum(1 for row in self.rows if row.status == status)

    def summary(self) -> str:
        """One line: rows issued, already done and failed, where the reports are, the register."""
        text = (f"{plural(len(self.rows), self.row_label)}: {self.count('issued')} issued, "
                f"{self.count('skipped-already-done')} already done, {self.count('error')} with errors; "
                f"manifest: {self.manifest}")
        if self.errors_file is not None:
            failed = len({error.row for error in self.errors})
            text += (f"; errors: {self.errors_file} "
                     f"({plural(len(self.errors), 'problem')} in {plural(failed, self.row_label)})")
        if self.register is not None:
            text += f"; register: {self.register}"
        return text

    def describe(self, error: RowError) -> str:
        """One line for the screen: ``cases.csv row 7 (GM-1): 'child.name': required (got '')``."""
        who = f" ({error.case_ref})" if error.case_ref else ""
        found = f" (got {error.found!r})" if error.found else ""
        where = f"{self.source.name} {self.row_label} {error.row}{who}"
        return f"{where}: '{error.field}': {error.message}{found}"


def plural(count: int, word: str) -> str:
    """``1 row``, ``2 rows``."""
    return f"{count} {word}{'' if count == 1 else 's'}"


class Outcomes(Sequence[RowOutcome]):
    """Every row's outcome in row order, read from a :class:`Spill` when asked for."""

    def __init__(self, spill: Spill, offsets: array[int]) -> None:
        self._spill = spill
        self._offsets = offsets

    def __len__(self) -> int:
        return len(self._offsets)

    @overload
    def __getitem__(self, index: int) -> RowOutcome: ...
    @overload
    def __getitem__(self, index: slice) -> list[RowOutcome]: ...
    def __getitem__(self, index: int | slice) -> RowOutcome | list[RowOutcome]:
        if isinstance(index, slice):
            return [self._spill.get(offset) for offset in self._offsets[index]]
        outcome: RowOutcome = self._spill.get(self._offsets[index])
        return outcome

    def __iter__(self) -> Iterator[RowOutcome]:
        for offset in self._offsets:
            yield self._spill.get(offset)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"<{len(self)} row outcomes>"



def row_outcome(row: Row, spill: Spill) -> RowOutcome:
    issued: Issued | None = spill.get(row.issued_at) if row.issued_at >= 0 else None
    status: RowStatus = "error" if row.problems or issued is None else issued.status
    if issued is None:
        return RowOutcome(row.number, row.case_ref, status,
                          message=row.problems[0].message if row.problems else "")
    return RowOutcome(
        row.number, row.case_ref, status, docx=issued.docx, pdf=row.pdf, sha256=issued.sha256,
        certificate_number=issued.certificate_number or "", reissue_of=issued.reissue_of or "",
        key_dates=issued.key_dates,
        warnings=issued.warnings, message=row.problems[0].message if row.problems else "",
    )


def _relative(path: Path | None, out: Path) -> str:
    return "" if path is None else os.path.relpath(path, out)


def write_reports(rows: list[Row], spill: Spill, errors: list[RowError], out: Path,
                   kept: Spill) -> tuple[Path | None, Outcomes, Counter[str]]:
    """Write manifest.csv and errors.csv; each row's outcome goes to ``kept`` on the way.

    Returns:
        The errors file (None when no row failed), the outcomes in row order and how many
        rows ended with each status.
    """
    # Key-date columns in the order the documents give them: each deadline's timeline key
    # (appeal_deadline, decline_certificate_due, ...), then the old names (appeal_by, ...).
    names = list(dict.fromkeys(name for row in rows if row.issued_at >= 0
                               for name in spill.get(row.issued_at).key_dates))
    header = ["row", "case_ref", "status", "output", "pdf", "sha256", "certificate_number", "reissue_of",
              *names, "warnings", "message"]
    offsets: array[int] = array("q")
    counts: Counter[str] = Counter()

    def lines() -> Iterator[list[object]]:
        for row in rows:  # one outcome at a time: only the file's bytes grow
            outcome = row_outcome(row, spill)
            offsets.append(kept.put(outcome))
            counts[outcome.status] += 1
            yield [outcome.row, outcome.case_ref, outcome.status, _relative(outcome.docx, out),
                   _relative(outcome.pdf, out), outcome.sha256, outcome.certificate_number,
                   outcome.reissue_of, *(outcome.key_dates.get(name, "") for name in names),
                   " | ".join(outcome.warnings), outcome.message]

    manifest = csv_bytes(header, lines())
    outcomes = Outcomes(kept, offsets)
    _replace_report(out / MANIFEST, manifest)
    del manifest
    errors_file = out / ERRORS
    if not errors:
        _keep_old(errors_file)  # it describes a run that is over, but is not ours to lose
        return None, outcomes, counts
    _replace_report(errors_file, csv_bytes(["row", "case_ref", "field", "message", "found"],
                                           [[e.row, e.case_ref, e.field, e.message, e.found]
                                            for e in errors]))
    return errors_file, outcomes, counts


def _keep_old(path: Path) -> Path | None:
    """Rename an existing report to NAME.<UTC time it was written>.csv; return the new name.

    The time is the old file's own (its modification time), so the kept reports sort in the
    order of the runs that wrote them, and each name says which run it describes.
    """
    try:
        written = datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
    except FileNotFoundError:
        return None
    stem = f"{path.stem}.{written.strftime('%Y%m%dT%H%M%SZ')}"
    kept = path.with_name(f"{stem}{path.suffix}")
    count = 1
    while os.path.lexists(kept):
        count += 1
        kept = path.with_name(f"{stem}-{count}{path.suffix}")
    os.replace(path, kept)
    return kept


def _replace_report(path: Path, data: bytes) -> None:
    """Write a report; an earlier, different one is kept under a dated name, never lost."""
    try:
        if path.read_bytes() == data:
            return  # the same report again (a re-run with nothing new): keep the one file
    except FileNotFoundError:
        pass
    else:
        _keep_old(path)
    write_atomic(path, data, force=True)


def reports_failed(out: Path, exc: OSError, rows: list[Row], spill: Spill) -> str:
    """Why the reports are missing, which rows were issued all the same, and what to do."""
    done = [row.number for row in rows if row.issued_at >= 0
            and spill.get(row.issued_at).status in ("issued", "skipped-already-done")]
    which = f"rows {_ranges(done)}" if done else "no row"
    return (f"--out {out}: cannot write manifest.csv ({write_problem(exc)}). {which.capitalize()} "
            f"{'was' if len(done) == 1 else 'were'} issued and recorded in the register; "
            f"{len(rows) - len(done)} of {len(rows)} were not. Run the same command again to "
            "finish the rest and write the reports (rows already issued are kept, not renumbered)")


def _ranges(numbers: list[int]) -> str:
    """``2-10, 14, 16-17`` for the row numbers given in order."""
    spans: list[list[int]] = []
    for number in numbers:
        if spans and number == spans[-1][1] + 1:
            spans[-1][1] = number
        else:
            spans.append([number, number])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in spans)
