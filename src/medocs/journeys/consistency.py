"""Check that a case journey's documents tell one story.

Four kinds of check, all run, every problem reported:

- the same fact (the decision letter's date, the LA's reference, the child, the day the
  adviser was contacted, ...) has the same value in every document that states it, and in
  the journey's own ``[events]``;
- no document is dated before the decision it is about, or before the letter that asks for
  it; a letter saying a date has passed is not dated before that date;
- the outcome documents do not contradict each other (declined and mediated; mediation not
  arranged after it was declined; asked for after it was declined);
- the journey's ``outcome`` agrees with its documents.

Each message names both documents (or the document and the journey) and both values.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import BaseModel

from medocs.documents.advocacy import advocate_letter_problems
from medocs.journeys.building import JourneyDocument
from medocs.journeys.model import Journey
from medocs.models import (
    Addressee,
    AgreementChaseCase,
    AgreementRecordCase,
    CaseCouncil,
    CertificateRequestCase,
    DecisionLetterCase,
    DeclineCertificateCase,
    MediationCertificateCase,
    MediationNotArrangedCase,
    MediationRequestCase,
)
from medocs.profiles import Profile
from medocs.timeline.dates import long_date

__all__ = ["JOURNEY", "check_documents"]

# How messages name the journey's own shared facts.
JOURNEY = "the journey's shared facts"


@dataclass(frozen=True)
class _Fact:
    """A fact several documents state: how to name it and how to read it from each case."""

    name: str
    read: Callable[[Any], object]


def _decision_date(case: Any) -> date | None:
    if isinstance(case, DecisionLetterCase):
        return case.letter_date
    return getattr(getattr(case, "decision", None), "letter_sent", None)


def _decision_kind(case: Any) -> str | None:
    if isinstance(case, DecisionLetterCase):
        return case.decision.value
    kind = getattr(getattr(case, "decision", None), "kind", None)
    return kind.value if kind is not None else None


def _la_reference(case: Any) -> str | None:
    if isinstance(case, DecisionLetterCase):
        return case.case_ref
    return getattr(getattr(case, "decision", None), "la_reference", None)


def _requested(case: Any) -> date | None:
    if isinstance(case, MediationRequestCase):
        return case.letter_date  # the letter is the request
    return getattr(case, "mediation_requested", None)


def _declined(case: Any) -> date | None:
    if isinstance(case, CertificateRequestCase):
        return case.letter_date  # the letter tells the adviser
    return getattr(case, "declined_on", None)


def _mediation_ended(case: Any) -> date | None:
    if isinstance(case, MediationCertificateCase | AgreementRecordCase):
        return case.mediation_ended
    return None


def _parent(case: Any) -> str | None:
    client = getattr(case, "client", None)
    if client is not None:
        return str(client.name)
    recipient = getattr(case, "recipient", None)
    return str(recipient.name) if recipient is not None else None


def _council(profile: Profile | None) -> Callable[[Any], object]:
    """How to read the council a document names: the case's own, else the profile's LA."""
    def read(case: Any) -> object:
        if isinstance(case, CertificateRequestCase):
            return case.la_name
        council = getattr(case, "la", None)
        if isinstance(council, Addressee):
            return council.organisation
        if isinstance(council, CaseCouncil):
            return council.name
        return profile.la.name if profile is not None else None
    return read


_FACTS = (
    _Fact("the date of the decision letter", _decision_date),
    _Fact("the decision", _decision_kind),
    _Fact("the LA's reference for the decision", _la_reference),
    _Fact("the child's name", lambda case: case.child.name),
    _Fact("the child's date of birth", lambda case: case.child.date_of_birth),
    _Fact("the parent or young person", _parent),
    _Fact("the day the mediation adviser was first contacted",
          lambda case: getattr(case, "contacted_adviser", None)),
    _Fact("the day the LA was told mediation is wanted", _requested),
    _Fact("the day the adviser was told mediation is not wanted", _declined),
    _Fact("the day mediation ended", _mediation_ended),
    _Fact("the date of the mediation agreement", lambda case: getattr(case, "agreement_date", None)),
    _Fact("the mediator", lambda case: getattr(case, "mediator", None)),
)


def _shown(value: object) -> str:
    return long_date(value) if isinstance(value, date) else repr(str(value))


_COUNCIL = "the council"


def _journey_facts(journey: Journey, profile: Profile | None) -> dict[str, object]:
    """What the journey itself says of each fact (its shared facts and events)."""
    events = journey.events
    return {
        _COUNCIL: journey.la.organisation if journey.la else (profile.la.name if profile else None),
        "the date of the decision letter": journey.decision.letter_sent,
        "the decision": journey.decision.kind.value,
        "the LA's reference for the decision": journey.decision.la_reference,
        "the child's name": journey.child.name,
        "the child's date of birth": journey.child.date_of_birth,
        "the parent or young person": journey.client.name if journey.client else journey.recipient.name,
        "the day the mediation adviser was first contacted": events.contacted_adviser,
        "the day the LA was told mediation is wanted": events.mediation_requested,
        "the day the adviser was told mediation is not wanted": events.declined_on,
        "the day mediation ended": journey.mediation.ended if journey.mediation else None,
        "the date of the mediation agreement": events.agreement_date,
        "the mediator": journey.mediation.mediator if journey.mediation else None,
    }


def _same_facts(journey: Journey, documents: list[JourneyDocument], profile: Profile | None
                ) -> Iterator[str]:
    """Each fact stated by two documents (or a document and the journey) must agree.

    A document that differs is compared with the first document that agrees with the
    journey's shared facts, so the message names two documents wherever two state it.
    """
    shared = _journey_facts(journey, profile)
    for fact in (_Fact(_COUNCIL, _council(profile)), *_FACTS):
        stated = [(d.name, value) for d in documents if (value := fact.read(d.case)) is not None]
        story = shared.get(fact.name)
        if story is None and stated:
            story = stated[0][1]
        if story is None:
            continue
        agreeing = next((name for name, value in stated if value == story), None)
        reference = (f"{agreeing} gives {_shown(story)}"
                     + (f" (as do {JOURNEY})" if shared.get(fact.name) is not None else "")
                     if agreeing else f"{JOURNEY} give {_shown(story)}")
        for name, value in stated:
            if value != story:
                yield f"{name} gives {fact.name} as {_shown(value)}, but {reference}"


def _own_date(case: Any) -> date | None:
    """The date a document is dated: a letter's date, a certificate's date of issue."""
    for field in ("letter_date", "issued_on", "agreement_date"):
        value = getattr(case, field, None)
        if isinstance(value, date):
            return value
    return None


def _find(documents: list[JourneyDocument], model: type) -> JourneyDocument | None:
    return next((d for d in documents if isinstance(d.case, model)), None)


def _dated_in_order(documents: list[JourneyDocument]) -> Iterator[str]:
    """No document dated before the decision letter, or a certificate before its request."""
    letter = _find(documents, DecisionLetterCase)
    for document in documents:
        day = _own_date(document.case)
        if letter is not None and document is not letter and day is not None:
            sent = _own_date(letter.case)
            if sent is not None and day < sent:
                yield (f"{document.name} is dated {long_date(day)}, before the decision letter it "
                       f"is about (decision-letter, dated {long_date(sent)})")
    certificate = _find(documents, DeclineCertificateCase)
    if certificate is not None:
        assert isinstance(certificate.case, DeclineCertificateCase)
        asks = CertificateRequestCase if certificate.case.variant == "declined" else MediationNotArrangedCase
        request = _find(documents, asks)
        if request is not None:
            issued, asked = certificate.case.issued_on, _own_date(request.case)
            if asked is not None and issued < asked:
                yield (f"{certificate.name} is issued on {long_date(issued)}, before {request.name} "
                       f"(dated {long_date(asked)}) asked for it")
    # A letter saying a date has passed, dated before it: name the document that set the date.
    starts: dict[type[BaseModel], type[BaseModel]] = {
        MediationNotArrangedCase: MediationRequestCase, AgreementChaseCase: AgreementRecordCase}
    for document in documents:
        start = next((_find(documents, model) for letter, model in starts.items()
                      if isinstance(document.case, letter)), None)
        source = f" (the date counts from {start.name}, dated {long_date(day)})" if (
            start is not None and (day := _own_date(start.case)) is not None) else ""
        for _field, problem in advocate_letter_problems(document.case):
            yield f"{document.name}: {problem}{source}"


def _outcomes(journey: Journey, documents: list[JourneyDocument]) -> Iterator[str]:
    """The documents agree on what happened: declined, mediated or not arranged."""
    found = {type(d.case): d for d in documents}
    certificate = found.get(DeclineCertificateCase)
    variant = certificate.case.variant if certificate is not None else None  # type: ignore[attr-defined]
    declined = found.get(CertificateRequestCase) or (certificate if variant == "declined" else None)
    not_arranged = found.get(MediationNotArrangedCase) or (
        certificate if variant == "not_arranged" else None)
    mediated = found.get(MediationCertificateCase) or found.get(AgreementRecordCase)
    requested = found.get(MediationRequestCase)

    def said(document: JourneyDocument) -> str:
        case: Any = document.case
        if isinstance(case, MediationCertificateCase | AgreementRecordCase):
            return f"says mediation took place (ending {long_date(case.mediation_ended)})"
        told = _declined(case)
        if told is not None:
            return f"says mediation is not wanted (the adviser was told on {long_date(told)})"
        return "says mediation was not arranged in time"

    for one, other in ((declined, mediated), (declined, not_arranged), (not_arranged, mediated)):
        if one is not None and other is not None:
            yield f"{one.name} {said(one)}, but {other.name} {said(other)}"
    if declined is not None and requested is not None:
        asked, told = _own_date(requested.case), _declined(declined.case)
        if asked is not None and told is not None and asked > told:
            yield (f"{requested.name} asks for mediation on {long_date(asked)}, after "
                   f"{declined.name} said it is not wanted ({long_date(told)})")
    expected = {"declined": declined, "mediated": mediated, "not_arranged": not_arranged}
    for outcome, document in expected.items():
        if document is not None and journey.outcome not in ("open", outcome):
            yield (f"{document.name} {said(document)}, but the journey's outcome is "
                   f"{journey.outcome!r}")


def check_documents(journey: Journey, documents: list[JourneyDocument], profile: Profile | None = None
                    ) -> list[str]:
    """Every contradiction between the journey's documents, one message each ([] if none).

    Args:
        journey: the validated journey (its shared facts are compared too).
        documents: the documents built from it (:func:`build_documents`).
        profile: the organisation profile: its LA is the council of a document that names
            none (a decision letter, a certificate without [la]).

    Returns:
        Messages naming both documents (or a document and the journey) and both values.
    """
    return [*_same_facts(journey, documents, profile), *_dated_in_order(documents),
            *_outcomes(journey, documents)]
