"""What the register holds: an entry per certificate, the requests that make one, file digests."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import date, datetime
from pathlib import Path
from typing import Literal, TypeVar

from platformdirs import user_data_path

from medocs.errors import RegisterError

__all__ = ["COLUMNS", "Completion", "Entry", "Reservation", "Status", "default_register_path",
           "entry_from_row", "file_sha256", "number_year", "reissue_due"]


Status = Literal["reserved", "issued"]
T = TypeVar("T")


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
    """A request for a certificate number: one item of :meth:`Register.reserve_many`."""

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
    """The file issued under a reserved number: one item of :meth:`Register.complete_many`."""

    number: str
    output_name: str
    sha256: str
    generated_at: datetime
    medocs_version: str
    holidays_version: str
    source_sha256: str | None = None  # what it was made from (see Reservation)
    # The facts the file was made from: recorded with it, whatever another run reserved since.
    parties: str | None = None
    decision_date: date | None = None
    issued_on: date | None = None


COLUMNS = ", ".join(field.name for field in fields(Entry))


def entry_from_row(row: sqlite3.Row) -> Entry:
    status = row["status"]
    if status not in ("reserved", "issued"):  # the CHECK constraint makes this unreachable
        msg = f"certificate {row['number']}: unknown status {status!r}"
        raise RegisterError(msg)
    return Entry(
        number=row["number"],
        kind=row["kind"],
        case_ref=row["case_ref"],
        parties=row["parties"],
        decision_date=_stored(row, "decision_date", date.fromisoformat),
        issued_on=_stored(row, "issued_on", date.fromisoformat),
        output_name=row["output_name"],
        sha256=row["sha256"],
        medocs_version=row["medocs_version"],
        holidays_version=row["holidays_version"],
        generated_at=_stored(row, "generated_at", datetime.fromisoformat) if row["generated_at"] else None,
        reissue_of=row["reissue_of"],
        status="issued" if status == "issued" else "reserved",
        source_sha256=row["source_sha256"],
    )


def _stored(row: sqlite3.Row, column: str, parse: Callable[[str], T]) -> T:
    """A date or time the register stores as ISO text; a malformed one is the register's fault."""
    value = row[column]
    try:
        return parse(value)
    except (TypeError, ValueError) as exc:
        msg = (f"certificate {row['number']}: the register holds {column} {value!r}, which is not "
               "an ISO date; the register was changed outside medocs: restore it from a backup")
        raise RegisterError(msg) from exc


def number_year(number: str) -> int:
    """The year a certificate number carries: 2025 for ``GM-2025-000123``."""
    return int(number.rsplit("-", 2)[1])


def reissue_due(request: Reservation, current: Entry) -> bool:
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
