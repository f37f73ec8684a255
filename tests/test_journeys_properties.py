"""Property tests over random journeys: consistent ones pass, one changed date is always found,
and every document states the appeal date of the journey's one timeline."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from medocs.documents.kinds import build_context, data_dir
from medocs.journeys.building import build_documents
from medocs.journeys.consistency import check_documents
from medocs.journeys.keydates import journey_key_dates, journey_timeline
from medocs.journeys.model import Journey
from medocs.loading import validate_case
from medocs.profiles import load_profile
from medocs.timeline.workdays import add_working_days

PROFILE = load_profile(data_dir("samples") / "westminster.toml")
DECISIONS = st.dates(min_value=date(2015, 1, 1), max_value=date(2027, 12, 31))
PEOPLE: dict[str, Any] = {
    "child": {"name": "Zoë O'Brien", "date_of_birth": date(2012, 3, 4)},
    "recipient": {"name": "Ms Siobhán O'Brien", "address": ["1 High Street", "London"]},
    "advocate": {"name": "Joanna Mensah", "role": "Advocate", "organisation": "Westway",
                 "address": ["Unit 4"], "email": "j@example.org", "phone": "020 7946 0321"},
}
REASONS = {"reasons": ["We decided that an assessment is not necessary."]}


def _declined(sent: date, contact: int, decline: int, working_days: int) -> dict[str, Any]:
    contacted = sent + timedelta(days=contact)
    declined = contacted + timedelta(days=decline)
    return {
        "case_ref": "P-1", "outcome": "declined", **PEOPLE,
        "client": {"name": "Ms Siobhán O'Brien", "consent_given": sent},
        "decision": {"kind": "refuse_assessment", "letter_sent": sent, "la_reference": "LA-1"},
        "events": {"contacted_adviser": contacted, "declined_on": declined},
        "documents": {"decision-letter": REASONS, "certificate-request": {},
                      "decline-certificate": {"issued_on": add_working_days(declined, working_days)}},
    }


def _mediated(sent: date, request: int, meet: int, working_days: int) -> dict[str, Any]:
    requested = sent + timedelta(days=request)
    met = requested + timedelta(days=meet)
    return {
        "case_ref": "P-2", "outcome": "mediated", **PEOPLE,
        "decision": {"kind": "final_plan", "letter_sent": sent, "la_reference": "LA-2"},
        "events": {"contacted_adviser": sent + timedelta(days=request // 2), "mediation_requested": requested,
                   "agreement_date": met},
        "mediation": {"dates": [met], "mediator": "Helen Marsh"},
        "issues": ["Section F: therapy"],
        "documents": {
            "decision-letter": REASONS,
            "mediation-certificate": {"issued_on": add_working_days(met, working_days),
                                      "issues": [{"issue": "Section F: therapy", "outcome": "resolved"}]},
            "agreement-record": {"actions": [{"action": "Amend F", "who": "The council",
                                              "appealable": True, "order_type": "amend_plan"}]},
        },
    }


def _check(data: dict[str, Any]) -> tuple[Journey, list[Any], list[str]]:
    journey = validate_case(data, Journey, where="journey")
    documents, problems = build_documents(journey, PROFILE, where="journey")
    return journey, documents, problems + check_documents(journey, documents)


def _appeal_dates_agree(journey: Journey, documents: list[Any], today: date) -> None:
    """The certificate's appeal date is the timeline's, and so is the key dates sheet's."""
    timeline = journey_timeline(journey, documents, today=today)
    sheet = journey_key_dates(journey, documents, today=today, profile=PROFILE)
    assert sheet.appeal.date == timeline["appeal_deadline"].date
    for document in documents:
        if document.kind.numbered:
            context = build_context(document.kind, document.case, PROFILE, today=today,
                                    certificate_number="X-1")
            appeal = timeline["appeal_deadline"].date.isoformat()
            assert context["deadlines"]["appeal_deadline"]["iso"] == appeal


@settings(max_examples=60, deadline=None)
@given(DECISIONS, st.integers(0, 70), st.integers(0, 30), st.integers(0, 5))
def test_a_consistent_declined_journey_passes_and_its_dates_agree(
        sent: date, contact: int, decline: int, working_days: int) -> None:
    journey, documents, problems = _check(_declined(sent, contact, decline, working_days))
    assert problems == []
    _appeal_dates_agree(journey, documents, today=sent)


@settings(max_examples=60, deadline=None)
@given(DECISIONS, st.integers(1, 60), st.integers(0, 30), st.integers(0, 5))
def test_a_consistent_mediated_journey_passes_and_its_dates_agree(
        sent: date, request: int, meet: int, working_days: int) -> None:
    journey, documents, problems = _check(_mediated(sent, request, meet, working_days))
    assert problems == []
    _appeal_dates_agree(journey, documents, today=sent)


@settings(max_examples=60, deadline=None)
@given(DECISIONS, st.integers(0, 70), st.integers(0, 30), st.integers(1, 400),
       st.sampled_from(["decision.letter_sent", "contacted_adviser", "declined_on"]))
def test_one_document_with_another_date_is_always_found(
        sent: date, contact: int, decline: int, earlier: int, fact: str) -> None:
    """The decline certificate gives a shared date some days earlier: a problem names it and the date."""
    data = _declined(sent, contact, decline, 1)
    events = data["events"]
    original = {"decision.letter_sent": sent, "contacted_adviser": events["contacted_adviser"],
                "declined_on": events["declined_on"]}[fact]
    moved = original - timedelta(days=earlier)
    own = data["documents"]["decline-certificate"]
    if fact == "decision.letter_sent":
        own["decision"] = {"letter_sent": moved}
    else:
        own[fact] = moved
    _, _, problems = _check(data)
    # A contradiction shows '1 October 2024'; the document's own model (dated before the
    # decision) shows '2024-10-01'.
    shown = (f"{moved.day} {moved:%B} {moved.year}", moved.isoformat())
    assert any("decline-certificate" in p and any(s in p for s in shown) for p in problems), problems
