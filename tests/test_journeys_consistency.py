"""Broken journeys: each planted contradiction is found, named with both documents and values."""

from __future__ import annotations

import copy
import json
import tomllib
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from helpers import SAMPLES

from medocs.documents.kinds import KINDS
from medocs.journeys.building import JourneyDocument
from medocs.journeys.consistency import check_documents
from medocs.journeys.model import load_journey
from medocs.journeys.packing import check_journey
from medocs.loading import load_case
from medocs.models import DecisionLetterCase
from medocs.profiles import Profile, load_profile

JOURNEYS = SAMPLES / "journeys"
TODAY = date(2025, 6, 1)


@pytest.fixture(scope="module")
def profile() -> Profile:
    return load_profile(SAMPLES / "westminster.toml")


def _journey(name: str) -> dict[str, Any]:
    return tomllib.loads((JOURNEYS / f"{name}.toml").read_text(encoding="utf-8"))


def _write(tmp_path: Path, data: dict[str, Any]) -> Path:
    """A journey as JSON (dates as ISO text), which the loader reads as TOML's dates."""
    path = tmp_path / "journey.json"
    path.write_text(json.dumps(data, default=str), encoding="utf-8")
    return path


def _set(data: dict[str, Any], dotted: str, value: object) -> None:
    *parents, last = dotted.split(".")
    for part in parents:
        data = data.setdefault(part, {})
    data[last] = value


def _doc(name: str) -> str:
    return f"documents.{name}"


# (journey, {dotted key: value}, the words every message about it must hold)
_BROKEN: dict[str, tuple[str, dict[str, object], tuple[str, ...]]] = {
    "decision letter dated later than the certificate says": (
        "khan-declined", {f"{_doc('decision-letter')}.letter_date": date(2024, 12, 2)},
        ("decision-letter", "2 December 2024", "certificate-request", "1 October 2024")),
    "certificate names another LA reference": (
        "khan-declined", {f"{_doc('decline-certificate')}.decision.la_reference": "WCC-EHC-2024-0999"},
        ("decline-certificate", "WCC-EHC-2024-0999", "decision-letter", "WCC-EHC-2024-0417")),
    "certificate is about another kind of decision": (
        "khan-declined", {f"{_doc('decline-certificate')}.decision.kind": "refuse_plan"},
        ("decline-certificate", "refuse_plan", "decision-letter", "refuse_assessment")),
    "the child's date of birth differs": (
        "khan-declined", {f"{_doc('certificate-request')}.child.date_of_birth": date(2016, 5, 14)},
        ("certificate-request", "14 May 2016", "decision-letter", "14 May 2017")),
    "the adviser first contacted on two different days": (
        "bennett-not-arranged", {f"{_doc('mediation-not-arranged')}.contacted_adviser": date(2024, 10, 18)},
        ("mediation-not-arranged", "18 October 2024", "mediation-request", "16 October 2024")),
    "mediation asked for on another day than the request letter": (
        "bennett-not-arranged", {f"{_doc('decline-certificate')}.mediation_requested": date(2024, 10, 22)},
        ("decline-certificate", "22 October 2024", "mediation-request", "21 October 2024")),
    "the certificate's decline date is not the request letter's": (
        "khan-declined", {f"{_doc('decline-certificate')}.declined_on": date(2024, 11, 25)},
        ("decline-certificate", "25 November 2024", "certificate-request", "26 November 2024")),
    "mediation ended on another day in the agreement record": (
        "obriain-mediated", {f"{_doc('agreement-record')}.mediation_ended": date(2025, 3, 17)},
        ("agreement-record", "17 March 2025", "mediation-certificate", "18 March 2025")),
    "the chase gives another agreement date": (
        "obriain-mediated", {f"{_doc('agreement-chase')}.agreement_date": date(2025, 3, 19)},
        ("agreement-chase", "19 March 2025", "agreement-record", "18 March 2025")),
    "the chase names another mediator": (
        "obriain-mediated", {f"{_doc('agreement-chase')}.mediator": "Helen Marshall"},
        ("agreement-chase", "Helen Marshall", "mediation-certificate", "Helen Marsh")),
    "certificate issued before the letter that asks for it": (
        "bennett-not-arranged", {"events.la_told_adviser": date(2024, 11, 22),
                                 f"{_doc('decline-certificate')}.issued_on": date(2024, 11, 22)},
        ("decline-certificate", "22 November 2024", "mediation-not-arranged", "25 November 2024")),
    "a letter dated before the decision it is about": (
        "khan-declined", {f"{_doc('decision-letter')}.letter_date": date(2024, 12, 2)},
        ("certificate-request", "26 November 2024", "before the decision letter", "decision-letter",
         "2 December 2024")),
    "not-arranged letter before the 30 days are up": (
        "bennett-not-arranged", {f"{_doc('mediation-not-arranged')}.letter_date": date(2024, 11, 19)},
        ("mediation-not-arranged", "19 November 2024", "20 November 2024", "mediation-request",
         "21 October 2024")),
    "chasing an action before it is due": (
        "obriain-mediated", {f"{_doc('agreement-chase')}.letter_date": date(2025, 3, 25),
                             f"{_doc('agreement-chase')}.actions": [
                                 {"action": "Arrange an observation", "who": "Westminster City Council",
                                  "appealable": False}]},
        ("agreement-chase", "1 April 2025", "25 March 2025", "agreement-record", "18 March 2025")),
    "declined and mediated": (
        "obriain-mediated", {"events.declined_on": date(2025, 3, 5), _doc("certificate-request"): {}},
        ("certificate-request", "not wanted", "5 March 2025", "mediation-certificate",
         "took place", "18 March 2025")),
    "a not-arranged letter after a decline": (
        "khan-declined", {"events.mediation_requested": date(2024, 10, 21),
                          _doc("mediation-not-arranged"): {"letter_date": date(2024, 12, 2)}},
        ("certificate-request", "not wanted", "26 November 2024", "mediation-not-arranged",
         "not arranged")),
    "mediation asked for after it was declined": (
        "khan-declined", {"events.mediation_requested": date(2024, 11, 27),
                          _doc("mediation-request"): {"issues": ["Whether Amara needs an assessment"]}},
        ("mediation-request", "27 November 2024", "certificate-request", "26 November 2024")),
    "the journey's outcome contradicts its documents": (
        "obriain-mediated", {"outcome": "declined", "events.declined_on": date(2025, 2, 20)},
        ("mediation-certificate", "took place", "outcome is 'declined'")),
}


@pytest.mark.parametrize("planted", list(_BROKEN), ids=lambda name: name.replace(" ", "-"))
def test_each_planted_contradiction_is_found(planted: str, tmp_path: Path, profile: Profile) -> None:
    """The check lists a message holding both documents and both values."""
    name, changes, words = _BROKEN[planted]
    data = _journey(name)
    for key, value in changes.items():
        _set(data, key, value)
    problems = check_journey(_write(tmp_path, data), profile, today=TODAY)
    matching = [problem for problem in problems if all(word in problem for word in words)]
    assert matching, f"no problem holds {words}: {problems}"


def test_the_sample_journeys_have_no_problem(profile: Profile) -> None:
    """Every shipped journey tells one story (and there are three: declined, mediated, not arranged)."""
    journeys = sorted(JOURNEYS.glob("*.toml"))
    assert len(journeys) == 3
    assert {load_journey(path).outcome for path in journeys} == {"declined", "mediated", "not_arranged"}
    for path in journeys:
        assert check_journey(path, profile, today=TODAY) == [], path


def test_every_problem_is_reported_in_one_run(tmp_path: Path, profile: Profile) -> None:
    """Three contradictions planted at once give (at least) three messages."""
    data = _journey("khan-declined")
    _set(data, f"{_doc('decline-certificate')}.decision.la_reference", "X-1")
    _set(data, f"{_doc('certificate-request')}.child.date_of_birth", date(2016, 5, 14))
    _set(data, f"{_doc('decline-certificate')}.declined_on", date(2024, 11, 25))
    problems = check_journey(_write(tmp_path, data), profile, today=TODAY)
    assert len(problems) >= 3
    assert any("X-1" in p for p in problems)
    assert any("14 May 2016" in p for p in problems)
    assert any("25 November 2024" in p for p in problems)


def test_a_document_that_fails_its_own_model_is_reported_with_the_others(
        tmp_path: Path, profile: Profile) -> None:
    """A certificate issued before the decline (its own model's rule) and a contradiction elsewhere."""
    data = _journey("khan-declined")
    _set(data, f"{_doc('decline-certificate')}.issued_on", date(2024, 11, 20))
    _set(data, f"{_doc('certificate-request')}.child.date_of_birth", date(2016, 5, 14))
    path = _write(tmp_path, data)
    problems = check_journey(path, profile, today=TODAY)
    assert any(f"{path} [documents.decline-certificate]" in p and "issued_on (2024-11-20)" in p
               for p in problems)
    assert any("14 May 2016" in p for p in problems)


# The Khan case as the showcase documents told it before journeys: each file on its own is valid,
# together they contradict each other (issue 12).
_OLD_KHAN = {
    "decision-letter": {"letter_date": date(2024, 12, 2), "decision": "refuse_assessment",
                        "case_ref": "WCC-EHC-2024-0417"},
    "decline-certificate": {"decision": {"kind": "refuse_assessment", "letter_sent": date(2024, 10, 1),
                                         "la_reference": "WCC-EHC-2024-0417"}},
}


def test_the_old_showcase_contradiction_is_found(profile: Profile) -> None:
    """A certificate certifying a decision 'sent on 1 October 2024' whose letter is dated 2 December."""
    journey = load_journey(JOURNEYS / "khan-declined.toml")
    letter_case = load_case(SAMPLES / "decision-letter.toml", DecisionLetterCase).model_copy(
        update={"letter_date": date(2024, 12, 2)})
    certificate_case = load_case(SAMPLES / "decline-certificate.toml", KINDS["decline-certificate"].model)
    documents = [JourneyDocument(KINDS["decision-letter"], letter_case, "decision-letter.toml"),
                 JourneyDocument(KINDS["decline-certificate"], certificate_case, "decline-certificate.toml")]
    problems = check_documents(journey, documents)
    assert any("decision-letter" in p and "2 December 2024" in p and "decline-certificate" in p
               and "1 October 2024" in p for p in problems), problems


_FAMILY_SAMPLES: dict[str, Callable[[str], bool]] = {
    "khan-declined": lambda text: "Amara Khan" in text,
    "bennett-not-arranged": lambda text: "Oliver Bennett" in text,
    "obriain-mediated": lambda text: "Siobhán Ó Briain" in text,
}


@pytest.mark.parametrize("family", list(_FAMILY_SAMPLES))
def test_the_per_kind_samples_tell_their_journey_s_story(family: str, profile: Profile) -> None:
    """samples/KIND*.toml of a family, checked as that journey's documents, contradict nothing."""
    journey = load_journey(JOURNEYS / f"{family}.toml")
    documents = []
    for kind in KINDS.values():
        for path in sorted(SAMPLES.glob(f"{Path(kind.sample).stem}*.toml")):
            if _FAMILY_SAMPLES[family](path.read_text(encoding="utf-8")):
                documents.append(JourneyDocument(kind, load_case(path, kind.model), path.name))
    assert len(documents) >= 3
    assert check_documents(copy.deepcopy(journey), documents) == []


_RBKC = {"organisation": "Royal Borough of Kensington and Chelsea", "email": "send@rbkc.example"}


def test_a_decision_letter_from_another_council_is_found(tmp_path: Path, profile: Profile) -> None:
    """The journey's council is Kensington and Chelsea; the profile's LA (the letter's) is Westminster."""
    data = _journey("khan-declined")
    data["la"] = _RBKC
    problems = check_journey(_write(tmp_path, data), profile, today=TODAY)
    assert any("decision-letter gives the council as 'Westminster City Council'" in p
               and "certificate-request" in p and "Royal Borough of Kensington and Chelsea" in p
               for p in problems), problems


def test_a_council_the_service_does_not_work_with_stops_the_pack(tmp_path: Path, profile: Profile) -> None:
    """A profile listing its councils: a journey naming another is a problem before anything is written."""
    data = _journey("khan-declined")
    data["la"] = _RBKC
    del data["documents"]["decision-letter"]
    serving = profile.model_copy(update={"mediation_service": profile.mediation_service.model_copy(
        update={"councils": ("Westminster City Council",)})})
    problems = check_journey(_write(tmp_path, data), serving, today=TODAY)
    assert any("[documents.decline-certificate]" in p and "mediation_service.councils" in p
               for p in problems), problems
