"""One timeline for a case journey, and the family's one-page key dates sheet from it.

Every date on the sheet and in the calendar file comes from one call of the date engine
(:func:`journey_timeline`) on the journey's events, the same engine and the same dates the
documents are rendered from.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from docx import Document
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from medocs.documents.kinds import build_context
from medocs.documents.wording import wording_for
from medocs.journeys.building import JourneyDocument, action_deadline
from medocs.journeys.model import Journey
from medocs.models import (
    AgreementChaseCase,
    AgreementRecordCase,
    DeclineCertificateCase,
    MediationCertificateCase,
    MediationNotArrangedCase,
)
from medocs.profiles import Profile
from medocs.timeline.dates import long_date, plain_date
from medocs.timeline.deadlines import Deadline, TimelineDates, agreed_action_key, compute_timeline

__all__ = ["KeyDates", "journey_key_dates", "key_dates_docx"]

# Who must act for each deadline of the timeline, and what they must do, in plain words.
_WHO_WHAT = {
    "appeal_deadline": ("You, if you want to appeal", "Make sure the Tribunal receives your appeal form"),
    "adviser_contact_deadline": ("You", "Contact the mediation adviser"),
    "decline_certificate_due": ("The mediation adviser", "Send you the mediation certificate"),
    "mediation_certificate_due": ("The mediator", "Send you the mediation certificate"),
    "mediation_arrange_by": ("The council", "Arrange the mediation meeting"),
}


@dataclass(frozen=True)
class KeyDates:
    """What the key dates sheet says: what happened, what is ahead, and the appeal facts."""

    happened: list[tuple[date, str]]
    ahead: dict[str, Deadline]
    who_what: dict[str, tuple[str, str]]
    appeal: Deadline
    certificate: JourneyDocument | None
    notes: list[str]
    warnings: list[str]  # for whoever makes the pack: deadlines still open, as of today


def _find(documents: list[JourneyDocument], model: type) -> Any:
    return next((d.case for d in documents if isinstance(d.case, model)), None)


def _certificate(documents: list[JourneyDocument]) -> JourneyDocument | None:
    return next((d for d in documents
                 if isinstance(d.case, DeclineCertificateCase | MediationCertificateCase)), None)


def journey_timeline(journey: Journey, documents: list[JourneyDocument], *, today: date
                     ) -> dict[str, Deadline]:
    """Every deadline the journey's dates allow: the one timeline of the case.

    Raises:
        DateInputError: two of the journey's dates are in an impossible order.
    """
    certificate = _certificate(documents)
    events = journey.events
    return compute_timeline(TimelineDates(
        decision_sent=journey.decision.letter_sent,
        certificate_issued=getattr(certificate.case, "issued_on", None) if certificate else None,
        declined_on=events.declined_on,
        mediation_requested=events.mediation_requested,
        mediation_ended=journey.mediation.ended if journey.mediation else None,
        agreement_date=events.agreement_date,
        today=today,
    ))


def _happened(journey: Journey, documents: list[JourneyDocument], la_name: str) -> list[tuple[date, str]]:
    """What happened when, in the words of the family's sheet, oldest first."""
    events, rows = journey.events, []
    decision = wording_for(journey.decision.kind).title
    rows.append((journey.decision.letter_sent, f"{la_name} sent you its decision letter ({decision})."))
    if events.contacted_adviser:
        rows.append((events.contacted_adviser, "You contacted the mediation adviser."))
    if events.mediation_requested:
        rows.append((events.mediation_requested, "You told the council you want mediation."))
    if events.declined_on:
        rows.append((events.declined_on, "You told the mediation adviser you do not want mediation."))
    if events.la_told_adviser:
        rows.append((events.la_told_adviser,
                     "The council told the mediation adviser it could not arrange mediation in time."))
    if journey.mediation:
        rows += [(day, "Mediation took place.") for day in journey.mediation.dates]
    if events.agreement_date:
        rows.append((events.agreement_date, "The agreement reached at mediation was written down."))
    writer = journey.advocate.name if journey.advocate else "Your advocate"
    letters: dict[Any, str] = {
        MediationNotArrangedCase: "wrote to say mediation was not arranged within 30 days.",
        AgreementChaseCase: "wrote to the council about agreed actions that are late.",
    }
    for document in documents:
        case: Any = document.case
        for model, words in letters.items():
            if isinstance(case, model):
                rows.append((case.letter_date, f"{writer} {words}"))
        if isinstance(case, DeclineCertificateCase | MediationCertificateCase):
            rows.append((case.issued_on, "The mediation certificate was issued."))
    return sorted(rows, key=lambda row: row[0])


def _action_deadlines(record: AgreementRecordCase | None, today: date
                      ) -> dict[str, tuple[Deadline, tuple[str, str]]]:
    """Each agreed action's deadline, with who owes it, keyed agreed_action_N as numbered."""
    if record is None:
        return {}
    found = {}
    for number, action in enumerate(record.actions, start=1):
        deadline = action_deadline(record, action, today)
        found[agreed_action_key(number)] = (
            replace(deadline, label=f"Agreed action {number} due by ({action.who})"),
            (action.who, f"Do agreed action {number}: {action.action}"))
    return found


def _case_notes(documents: list[JourneyDocument], profile: Profile, today: date) -> list[str]:
    """What the documents say about the case's own dates (lateness, predicted holidays), once each."""
    notes: list[str] = []
    for document in documents:
        context = build_context(document.kind, document.case, profile, today=today, certificate_number="")
        notes += context.get("case_notes", [])
    return list(dict.fromkeys(notes))


def journey_key_dates(journey: Journey, documents: list[JourneyDocument], *, today: date,
                      profile: Profile) -> KeyDates:
    """What the family's sheet says, from the journey's one timeline.

    Args:
        journey: the journey.
        documents: its documents (their certificate, agreement record and case notes).
        today: the day the pack is made: deadlines before it are history, not 'next'.
        profile: the organisation profile the documents are rendered with.
    """
    timeline = journey_timeline(journey, documents, today=today)
    certificate = _certificate(documents)
    done = {
        # A deadline already met is history, not something to do.
        "adviser_contact_deadline": journey.events.contacted_adviser is not None,
        "decline_certificate_due": certificate is not None,
        "mediation_certificate_due": certificate is not None,
        "mediation_arrange_by": journey.mediation is not None or journey.outcome != "open",
    }
    who_what = dict(_WHO_WHAT)
    candidates = {key: d for key, d in timeline.items() if key in _WHO_WHAT and not done.get(key)}
    for key, (deadline, action) in _action_deadlines(_find(documents, AgreementRecordCase), today).items():
        candidates[key], who_what[key] = deadline, action
    ahead = {key: d for key, d in sorted(candidates.items(), key=lambda item: item[1].date)
             if d.date >= today}
    council = journey.la.organisation if journey.la else profile.la.name
    # Deadlines not yet met (passed or close), said once each; not the documents' own
    # warnings, which compare dates already history with today.
    warnings = list(dict.fromkeys(f"{d.label}: {w}" for d in candidates.values() for w in d.warnings))
    return KeyDates(_happened(journey, documents, council), ahead, who_what,
                    timeline["appeal_deadline"], certificate, _case_notes(documents, profile, today),
                    warnings)


# ---------------------------------------------------------------- the .docx sheet

# Several Tribunal rule sets date from 2008: name this one in full (RULES.md), as the templates do.
_HESC_RULES = ("the Tribunal Procedure (First-tier Tribunal) (Health, Education and Social Care "
               "Chamber) Rules 2008 (the HESC Rules)")
_PROVISION = re.compile(r"^(?P<instrument>.*?)\s+(?P<provision>(?:r|rr|reg|regs|s|ss)\.?\s?\d.*)$")


def _law(citations: list[str]) -> str:
    """The citations grouped by instrument, in order, each provision once.

    'HESC Rules r.12(2)', 'HESC Rules r.20(1)(c)(i)' -> 'the Tribunal Procedure ... Rules 2008
    (the HESC Rules), r.12(2) and r.20(1)(c)(i)'.
    """
    grouped: dict[str, list[str]] = {}
    for citation in citations:
        found = _PROVISION.match(citation)
        instrument, provision = (found["instrument"], found["provision"]) if found else (citation, "")
        provisions = grouped.setdefault(instrument, [])
        if provision and provision not in provisions:
            provisions.append(provision)
    parts = []
    for instrument, provisions in grouped.items():
        name = _HESC_RULES if instrument == "HESC Rules" else instrument
        listed = ", ".join(provisions[:-1]) + " and " + provisions[-1] if len(provisions) > 1 else (
            provisions[0] if provisions else "")
        parts.append(f"{name}, {listed}" if listed else name)
    return "; ".join(parts)



def _table(document: Any, header: tuple[str, ...], rows: Sequence[tuple[str, ...]], widths: tuple[float, ...]
           ) -> None:
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(text).bold = True
    # Screen readers announce the first row as the column headings on every page.
    header_props = table.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    header_props.append(repeat)
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = text
    # LibreOffice and Word read the grid's widths only when autofit is off.
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Cm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Cm(width)
    document.add_paragraph()  # space before what follows


def key_dates_docx(journey: Journey, key_dates: KeyDates, *, certificate_number: str | None,
                   today: date, large_print: bool = False) -> bytes:
    """The family's one-page key dates sheet as .docx bytes.

    Args:
        journey: the journey (the child's name, the decision).
        key_dates: from :func:`journey_key_dates`.
        certificate_number: the number printed on the pack's certificate, if it has one.
        today: the day the sheet is made.
        large_print: 16 point text instead of 12 (RNIB clear print asks for 16 or more).

    Returns:
        The .docx file's bytes.
    """
    document = Document()
    size = Pt(16 if large_print else 12)
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = "Arial", size
    # en-GB for spelling and for screen readers' pronunciation.
    language = OxmlElement("w:lang")
    language.set(qn("w:val"), "en-GB")
    normal.element.get_or_add_rPr().append(language)
    for level in (1, 2):
        heading = document.styles[f"Heading {level}"]
        heading.font.name, heading.font.size = "Arial", Pt(size.pt + (6 if level == 1 else 2))
        heading.font.color.rgb = RGBColor(0, 0, 0)
        # The default heading style takes its font from the theme, which overrides the name.
        fonts = heading.element.get_or_add_rPr().get_or_add_rFonts()
        for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            fonts.attrib.pop(qn(attribute), None)
    section = document.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2))
    child = journey.child.name
    title = f"Key dates for {child}"
    document.core_properties.title = title
    document.core_properties.language = "en-GB"
    document.add_heading(title, level=1)
    document.add_paragraph(
        f"This sheet lists what has happened so far and what comes next. It was made on "
        f"{plain_date(today)}. Keep it with your letters.")

    document.add_heading("What has happened", level=2)
    _table(document, ("Date", "What happened"),
           [(plain_date(day), text) for day, text in key_dates.happened], (4.0, 13.0))

    document.add_heading("What comes next", level=2)
    if key_dates.ahead:
        rows = []
        for key, deadline in key_dates.ahead.items():
            who, what = key_dates.who_what[key]
            when = long_date(deadline.date) + (", 5pm" if deadline.due_by else "")
            rows.append((when, who, what))
        _table(document, ("By", "Who", "What"), rows, (5.0, 4.5, 7.5))
    else:
        document.add_paragraph(f"No date in this case is still ahead on {plain_date(today)}.")

    if key_dates.notes:
        document.add_heading("Please note about these dates", level=2)
        for note in key_dates.notes:
            document.add_paragraph(note)
    _appeal_facts(document, journey, key_dates, certificate_number)
    citations = _law([r.citation for d in (key_dates.appeal, *key_dates.ahead.values()) for r in d.rule])
    # The citations in one run-in "The law:" paragraph, as in every document.
    law = document.add_paragraph()
    law.add_run("The law: ").bold = True
    law.add_run(citations + ".")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _appeal_facts(document: Any, journey: Journey, key_dates: KeyDates, certificate_number: str | None
                  ) -> None:
    """The facts the appeal form asks for, from this case's own documents."""
    words = wording_for(journey.decision.kind)
    document.add_heading(f"If you appeal: what the form ({words.appeal_form}) asks for", level=2)
    rows = [("Date of the decision letter", plain_date(journey.decision.letter_sent))]
    certificate: Any = key_dates.certificate.case if key_dates.certificate else None
    if certificate is not None:
        rows += [("Mediation certificate number", certificate_number or "not numbered yet"),
                 ("Mediation certificate date of issue", plain_date(certificate.issued_on))]
    appeal = key_dates.appeal
    rows.append(("Appeal by", long_date(appeal.date) + (", 5pm" if appeal.due_by else "")))
    _table(document, ("The form asks for", "In your case"), rows, (7.0, 10.0))
    paragraph = document.add_paragraph()
    if certificate is None:
        exemption = (" You do not need one if you only appeal about the school or college named in "
                     "the plan (Section I).") if words.plan_contents else ""
        paragraph.add_run(
            "You need a mediation certificate before you can appeal. You do not have one yet."
            + exemption + " The date to appeal by can change once a certificate is issued.")
    else:
        paragraph.add_run("Send a copy of the decision letter and of the certificate with the form.")
    paragraph.add_run().add_break(WD_BREAK.LINE)
    paragraph.add_run("Only the Tribunal decides whether an appeal is in time. If a date is close, "
                      "send the form early.")

