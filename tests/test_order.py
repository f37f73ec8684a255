"""medocs.timeline.order: the order of a case's events, for the timeline and the case models."""

from __future__ import annotations

import tomllib
from datetime import date, timedelta
from typing import Any

import pytest
from helpers import SAMPLES
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from medocs.errors import DateInputError
from medocs.models import (
    AgreementChaseCase,
    CertificateRequestCase,
    DeclineCertificateCase,
    MediationNotArrangedCase,
    MediationRequestCase,
)
from medocs.timeline.deadlines import TimelineDates
from medocs.timeline.order import EVENT_ORDER, order_problem

D = date.fromisoformat


def _certificate(**dates: str) -> dict[str, object]:
    return {
        "case_ref": "C1", "child": {"name": "Zoë O'Brien", "date_of_birth": "2015-04-01"},
        "recipient": {"name": "Ms O'Brien"},
        "decision": {"kind": "refuse_assessment", "letter_sent": dates.get("sent", "2024-10-01")},
        "contacted_adviser": dates.get("contacted", "2024-10-10"),
        "declined_on": dates.get("declined", "2024-10-14"),
        "issued_on": dates.get("issued", "2024-10-16"),
    }


class TestOrderProblem:
    def test_names_the_pair_and_says_why(self) -> None:
        """The message names both events, in the caller's names, with the reason."""
        problem = order_problem({"declined_on": D("2024-09-01"), "decision_sent": D("2024-10-01")},
                                {"decision_sent": "decision.letter_sent"})
        assert problem == ("declined_on (2024-09-01) is before decision.letter_sent (2024-10-01): "
                           "mediation can only be declined after the decision")

    def test_unknown_dates_are_not_checked(self) -> None:
        """A missing or None date is never a problem."""
        assert order_problem({"declined_on": D("2024-09-01"), "decision_sent": None}) is None
        assert order_problem({}) is None

    def test_timeline_and_certificate_use_the_same_rule(self) -> None:
        """A certificate before the adviser was told: the timeline and the case model both refuse it."""
        with pytest.raises(DateInputError, match=r"certificate_issued .* is before declined_on"):
            TimelineDates(decision_sent=D("2024-10-01"), declined_on=D("2024-10-14"),
                          certificate_issued=D("2024-10-10")).check_order()
        with pytest.raises(ValueError, match=r"issued_on \(2024-10-10\) is before declined_on"):
            DeclineCertificateCase.model_validate(_certificate(issued="2024-10-10"))

    @given(st.dates(date(2000, 1, 1), date(2090, 1, 1)), st.lists(st.integers(0, 400), min_size=6,
                                                                  max_size=6))
    def test_a_case_told_in_order_has_no_problem(self, start: date, gaps: list[int]) -> None:
        """Events each on or after the one they follow never make a problem."""
        days = [start]
        for gap in gaps:
            days.append(days[-1] + timedelta(days=gap))
        events = dict(zip(("decision_sent", "adviser_contacted", "mediation_requested",
                           "mediation_started", "mediation_ended", "agreement_date"), days, strict=False))
        events["certificate_issued"] = days[-1]
        assert order_problem(events) is None

    @pytest.mark.parametrize(("later", "earlier", "why"), EVENT_ORDER,
                             ids=[f"{a}<{b}" for a, b, _ in EVENT_ORDER])
    def test_each_rule_is_enforced(self, later: str, earlier: str, why: str) -> None:
        """Each rule, broken by one day, is the problem reported."""
        problem = order_problem({later: D("2024-10-01"), earlier: D("2024-10-02")})
        assert problem == f"{later} (2024-10-01) is before {earlier} (2024-10-02): {why}"


class TestAdvocateLettersTakeTheirOrderFromEventOrder:
    @pytest.mark.parametrize("model", [MediationRequestCase, CertificateRequestCase,
                                       MediationNotArrangedCase, AgreementChaseCase],
                             ids=lambda model: model.__name__)
    def test_each_check_is_a_rule_of_event_order(self, model: type[Any]) -> None:
        """Every date check of a letter is an EVENT_ORDER pair; every pair its fields have is checked."""
        from medocs.models.advocacy import _EVENT_OF_FIELD

        rules = {(later, earlier) for later, earlier, _ in EVENT_ORDER}
        present = {name: event for name, event in _EVENT_OF_FIELD.items()
                   if name.split(".")[0] in model.model_fields}
        checked = {(present[later], present[earlier])
                   for later, earlier_fields in model.after.items() for earlier in earlier_fields}
        assert checked <= rules
        assert checked == {(a, b) for a, b in rules if a in present.values() and b in present.values()}

    def test_the_letters_checks_in_order(self) -> None:
        """The not-arranged letter checks its letter date against each earlier event, decision first."""
        assert MediationNotArrangedCase.after["letter_date"] == (
            "decision.letter_sent", "contacted_adviser", "mediation_requested", "client.consent_given")
        assert AgreementChaseCase.after["reply_by"] == ("letter_date",)

    def test_reply_before_the_letter_is_refused(self) -> None:
        """A chase letter asking for a reply before its own date names reply_by."""
        data = tomllib.loads((SAMPLES / "agreement-chase.toml").read_text(encoding="utf-8"))
        data["reply_by"] = data["letter_date"] - timedelta(days=1)
        with pytest.raises(ValidationError) as caught:
            AgreementChaseCase.model_validate(data)
        (error,) = caught.value.errors()
        assert error["loc"] == ("reply_by",)
        assert f"is before letter_date ({data['letter_date']})" in error["msg"]
