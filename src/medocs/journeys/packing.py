"""``medocs pack``: every document a case journey has reached, its key dates sheet and calendar.

The journey is read, each document built and the whole checked for contradictions before
anything is written; then each document is issued through the same code as ``medocs
render`` (certificates numbered from the register), then the key dates sheet and the
``.ics`` of what is still ahead, both from the journey's one timeline.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from medocs.calendars import write_calendar
from medocs.documents.kinds import build_context, document_kind
from medocs.errors import JourneyError, MedocsError, OutputExistsError
from medocs.files import write_atomic
from medocs.issuing import Issued, issue_document
from medocs.journeys.building import JourneyDocument, build_documents
from medocs.journeys.consistency import check_documents
from medocs.journeys.keydates import journey_key_dates, journey_timeline, key_dates_docx
from medocs.journeys.model import Journey, load_journey
from medocs.naming import output_path
from medocs.profiles import Profile, enlarge_profile
from medocs.register import Register

__all__ = ["Pack", "check_journey", "pack_journey", "pack_journey_file", "read_journey"]


@dataclass(frozen=True)
class Pack:
    """What ``pack_journey`` wrote."""

    journey: Journey
    issued: list[Issued]
    key_dates: Path
    calendar: Path | None  # None when no date is still ahead
    warnings: tuple[str, ...]  # the journey's open deadlines, as of today (not each document's)


def read_journey(path: Path, profile: Profile | None, *, today: date
                 ) -> tuple[Journey, list[JourneyDocument], list[str]]:
    """Read a journey, build its documents and check them against each other.

    Returns:
        The journey, its valid documents, and every problem found (each document that
        fails its own model, then each contradiction between documents).

    Raises:
        CaseValidationError: the journey file itself is unreadable or fails its model.
    """
    journey = load_journey(path)
    documents, problems = build_documents(journey, profile, where=str(path))
    problems += check_documents(journey, documents, profile)
    if profile is not None:
        # What only the context finds (a council the profile does not serve) stops the pack
        # before anything is written, not half way through it.
        for document in documents:
            try:
                build_context(document.kind, document.case, profile, today=today, certificate_number="")
            except MedocsError as exc:
                problems.append(f"{document.where}: {exc}")
    if not problems:
        try:
            journey_timeline(journey, documents, today=today)
        except ValueError as exc:  # DateInputError: events in an impossible order
            problems.append(f"{path}: {exc}")
    return journey, documents, problems


def check_journey(path: Path, profile: Profile | None, *, today: date) -> list[str]:
    """Every problem of a journey (:func:`read_journey`), [] when it tells one story."""
    return read_journey(path, profile, today=today)[2]


def _targets(journey: Journey, documents: list[JourneyDocument], out: Path) -> tuple[list[Path], Path, Path]:
    docx = [output_path(out, document.kind, journey.case_ref) for document in documents]
    stem = out / f"{journey.case_ref}-key-dates"
    return docx, stem.with_suffix(".docx"), stem.with_suffix(".ics")


def pack_journey(
    path: Path,
    profile: Profile,
    *,
    out: Path,
    today: date,
    stamp: datetime,
    register: Register | None,
    templates: Path | None = None,
    force: bool = False,
    large_print: bool = False,
) -> Pack:
    """Render every document the journey has reached, its key dates sheet and its calendar.

    Args:
        path: the journey file (TOML or JSON).
        profile: the organisation profile.
        out: the folder to write into (created if missing).
        today: the day the pack is made (what is 'next' on the sheet and in the calendar).
        stamp: when the calendar file is made (its DTSTAMP), timezone-aware.
        register: the certificate register; needed when the journey has a certificate.
        templates: a folder of the organisation's own templates.
        force: replace files that exist.
        large_print: every document and the key dates sheet in 16 point type.

    Returns:
        What was written.

    Raises:
        JourneyError: listing every problem, before anything is written.
        OutputExistsError: a file exists and ``force`` is False, before anything is written.
    """
    journey, documents, problems = read_journey(path, profile, today=today)
    if problems:
        msg = f"{path}: {len(problems)} problem(s): " + "; ".join(problems)
        raise JourneyError(msg, problems=tuple(problems))
    docx, sheet, calendar = _targets(journey, documents, out)
    present = [target for target in (*docx, sheet, calendar) if os.path.lexists(target)]
    if present and not force:
        msg = (f"{present[0]} already exists ({len(present)} file(s) of this pack do): "
               "use --force to replace them")
        raise OutputExistsError(msg)
    out.mkdir(parents=True, exist_ok=True)
    profile = enlarge_profile(profile, large_print) or profile
    issued = [
        issue_document(document.kind, document.case, profile, target=target, today=today,
                       templates=templates, force=force,
                       register=register if document.kind.numbered else None)
        for document, target in zip(documents, docx, strict=True)
    ]
    number = next((item.certificate_number for item in issued if item.certificate_number), None)
    key_dates = journey_key_dates(journey, documents, today=today, profile=profile)
    write_atomic(sheet, key_dates_docx(journey, key_dates, certificate_number=number, today=today,
                                       large_print=large_print), force=force)
    written_calendar = None
    if key_dates.ahead:
        written_calendar = write_calendar(
            calendar, key_dates.ahead, identity=f"pack:{journey.case_ref}", stamp=stamp, force=force,
            title_prefix=journey.child.name, calendar_name=f"Key dates: {journey.child.name}")
    elif force and os.path.lexists(calendar):
        calendar.unlink()  # a calendar from an earlier pack would show dates now past
    return Pack(journey, issued, sheet, written_calendar, tuple(key_dates.warnings))


def pack_journey_file(
    path: Path,
    profile: Profile,
    *,
    register_file: Path,
    out: Path,
    today: date,
    stamp: datetime,
    templates: Path | None = None,
    force: bool = False,
    large_print: bool = False,
) -> Pack:
    """:func:`pack_journey`, opening the register at ``register_file`` only if it is needed.

    A journey without a certificate never touches the register (it need not exist).

    Args:
        path: the journey file (TOML or JSON).
        profile: the organisation profile.
        register_file: the certificate register, used when the journey has a certificate.
        out, today, stamp, templates, force, large_print: as for :func:`pack_journey`.

    Returns:
        What was written.

    Raises:
        JourneyError, OutputExistsError: as :func:`pack_journey` raises them.
        RegisterError: the register cannot be opened.
    """
    numbered = any(document_kind(name).numbered for name in load_journey(path).documents)
    register = Register(register_file) if numbered else None
    try:
        return pack_journey(path, profile, out=out, today=today, stamp=stamp, register=register,
                            templates=templates, force=force, large_print=large_print)
    finally:
        if register is not None:
            register.close()
