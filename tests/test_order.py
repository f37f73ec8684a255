"""medocs.timeline.order: the order of a case's events, for the timeline and the case models."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from medocs.errors import DateInputError
from medocs.models import DeclineCertificateCase
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
