"""Turn a case journey into the case of each document it has reached.

Each document's case starts from the journey's shared facts, mapped onto that kind's fields,
and its own table is laid over them (its own values win, tables merge). The result is
validated with the kind's own model, so a journey's document is checked exactly as a case
file of that kind is, with the same errors (file, field, expected, found).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import BaseModel

from medocs.documents.context import agreed_action_deadline
from medocs.documents.kinds import DocumentKind, document_kind
from medocs.errors import CaseValidationError, DateInputError
from medocs.journeys.model import Journey
from medocs.loading import validate_case
from medocs.models import Action, AgreementRecordCase, CaseModel
from medocs.profiles import Profile, letter_addressees
from medocs.timeline.dates import parse_date
from medocs.timeline.deadlines import Deadline

__all__ = ["JourneyDocument", "action_deadline", "build_documents", "last_dated", "late_actions"]


@dataclass(frozen=True)
class JourneyDocument:
    """One document of a journey: its kind, its validated case, and where it was written."""

    kind: DocumentKind[CaseModel]
    case: CaseModel
    where: str

    @property
    def name(self) -> str:
        """The kind's name, which is how messages name the document ('decline-certificate')."""
        return self.kind.name


def _merge(base: Mapping[str, Any], own: Mapping[str, Any]) -> dict[str, Any]:
    """``own`` laid over ``base``: tables merge key by key, any other value of ``own`` wins."""
    merged = dict(base)
    for key, value in own.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _dump(model: BaseModel | None) -> dict[str, Any] | None:
    return model.model_dump(exclude_none=True) if model is not None else None


def _variant(journey: Journey) -> str:
    """A no-mediation certificate is the declined kind unless mediation was not arranged."""
    not_arranged = journey.outcome == "not_arranged" or (
        journey.outcome == "open" and journey.events.declined_on is None
        and journey.events.la_told_adviser is not None)
    return "not_arranged" if not_arranged else "declined"


def _shared(journey: Journey, name: str, profile: Profile | None) -> dict[str, Any]:
    """The journey's shared facts as fields of document kind ``name`` (None left out)."""
    events, mediation, decision = journey.events, journey.mediation, journey.decision
    child, recipient = _dump(journey.child), _dump(journey.recipient)
    addressees = letter_addressees(profile, la_officer=name == "agreement-chase") if profile else {}
    letter = {
        "case_ref": journey.case_ref, "child": child, "decision": _dump(decision),
        "advocate": _dump(journey.advocate), "client": _dump(journey.client),
        "la": _dump(journey.la) or addressees.get("la"),
        "adviser": _dump(journey.adviser) or addressees.get("adviser"),
    }
    held: dict[str, Any] = {} if mediation is None else {
        "mediator": mediation.mediator, "mediation_format": mediation.format, "icb": mediation.icb}
    issues = list(journey.issues) or None
    # The council the journey names (its [la]) is the certificates' and the agreement's
    # council, overriding the profile's LA as a case file's [la] does (issue 12 item 9).
    council = {"name": journey.la.organisation} if journey.la else None
    by_kind: dict[str, dict[str, Any]] = {
        "decision-letter": {
            "case_ref": decision.la_reference or journey.case_ref, "child": child,
            "recipient": recipient, "letter_date": decision.letter_sent, "decision": decision.kind},
        "mediation-request": {
            **letter, "contacted_adviser": events.contacted_adviser, "issues": issues,
            "letter_date": events.mediation_requested},
        "certificate-request": {
            **{key: value for key, value in letter.items() if key != "la"},
            "la_name": journey.la.organisation if journey.la else addressees.get("la_name"),
            "contacted_adviser": events.contacted_adviser, "letter_date": events.declined_on},
        "mediation-not-arranged": {
            **letter, "contacted_adviser": events.contacted_adviser,
            "mediation_requested": events.mediation_requested, "issues": issues},
        "decline-certificate": {
            "case_ref": journey.case_ref, "child": child, "recipient": recipient, "la": council,
            "decision": _dump(decision), "variant": _variant(journey),
            "contacted_adviser": events.contacted_adviser, "declined_on": events.declined_on,
            "mediation_requested": events.mediation_requested,
            "la_told_adviser": events.la_told_adviser},
        "mediation-certificate": {
            "case_ref": journey.case_ref, "child": child, "recipient": recipient, "la": council,
            "decision": _dump(decision), **held,
            "mediation_dates": list(mediation.dates) if mediation else None},
        "agreement-record": {
            "case_ref": journey.case_ref, "child": child, "recipient": recipient, "la": council,
            "decision": _dump(decision), **held, "issues": issues,
            "mediation_ended": mediation.ended if mediation else None,
            "agreement_date": events.agreement_date},
        "agreement-chase": {
            **{key: value for key, value in letter.items() if key != "adviser"},
            "agreement_date": events.agreement_date, "icb": addressees.get("icb"),
            "mediator": mediation.mediator if mediation else None},
    }
    return {key: value for key, value in by_kind[name].items() if value is not None}


def _own_date(value: object) -> date | None:
    """A date a document's own table gives, as TOML or JSON wrote it; None if it is not one."""
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        return None
    try:
        return parse_date(value, field="letter_date", day_first_forms=True)
    except DateInputError:
        return None


def action_deadline(record: AgreementRecordCase, action: Action, today: date | None = None) -> Deadline:
    """The deadline of one action agreed in ``record`` (reg 42, as the record states it)."""
    return agreed_action_deadline(record.agreement_date, action, today=today)


def late_actions(record: AgreementRecordCase, on: date) -> list[dict[str, Any]]:
    """The record's agreed actions whose deadline has passed on ``on``, as case data.

    Each keeps the number the record gives it, so a chase of actions 2 and 3 does not call
    them 1 and 2 (issue 12 item 11).
    """
    return [{**action.model_dump(exclude_none=True), "number": action.number or number}
            for number, action in enumerate(record.actions, 1)
            if action_deadline(record, action).date < on]


def build_documents(journey: Journey, profile: Profile | None, *, where: str
                    ) -> tuple[list[JourneyDocument], list[str]]:
    """Validate the case of every document the journey has reached.

    An agreement chase that lists no actions chases those of the agreement record that are
    late on the chase's date.

    Args:
        journey: the validated journey.
        profile: the organisation profile (the LA and adviser for advocates' letters that
            do not name them), or None.
        where: the journey file, for messages.

    Returns:
        The documents that are valid, in the order they happen, and one message per document
        that is not (naming the file, the document, each field, expected and found).
    """
    documents: list[JourneyDocument] = []
    problems: list[str] = []
    for name, own in journey.ordered_documents():
        kind = document_kind(name)
        data = _merge(_shared(journey, name, profile), own)
        record = next((d.case for d in documents if isinstance(d.case, AgreementRecordCase)), None)
        on = _own_date(data.get("letter_date"))
        if name == "agreement-chase" and "actions" not in own and record is not None and on:
            data["actions"] = late_actions(record, on)
        place = f"{where} [documents.{name}]"
        try:
            case = validate_case(data, kind.model, where=place)
        except CaseValidationError as exc:
            problems.append(str(exc))
            continue
        documents.append(JourneyDocument(kind, case, place))
    return documents, problems


def last_dated(documents: list[JourneyDocument]) -> date:
    """The date of the latest document (a letter's date, a certificate's date of issue).

    Raises:
        ValueError: no document carries a date.
    """
    fields = ("letter_date", "issued_on", "agreement_date")
    days: list[date] = [getattr(d.case, name) for d in documents for name in fields if hasattr(d.case, name)]
    return max(days)
