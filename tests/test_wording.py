"""medocs.documents.wording: the words that differ between the appealable decisions."""

from __future__ import annotations

import pytest

from medocs.documents.wording import child_words, short_name, wording_for
from medocs.models import DecisionKind

SLOTS = {"child": "Zoë O'Brien", "childs": "Zoë O'Brien's", "firsts": "Zoë's"}


@pytest.mark.parametrize("kind", list(DecisionKind))
def test_every_decision_has_its_own_title_and_fills_its_slots(kind: DecisionKind) -> None:
    wording = wording_for(kind)
    decision = wording.decision.format(**SLOTS, cease_date="31 August 2025")
    assert "{" not in decision
    assert ("31 August 2025" in decision) == (kind is DecisionKind.CEASE_TO_MAINTAIN)
    assert "Zoë O'Brien" in decision or "you" in decision.lower()
    assert wording.appeal_form.startswith("SEND35")
    assert "Children and Families Act 2014" in wording.legal_basis or "Regulations" in wording.legal_basis
    assert len({wording_for(other).title for other in DecisionKind}) == len(DecisionKind)


def test_plan_decisions_name_the_plan_sections_and_refusals_do_not() -> None:
    assert wording_for(DecisionKind.FINAL_PLAN).plan_contents
    assert not wording_for(DecisionKind.REFUSE_ASSESSMENT).plan_contents
    assert wording_for(DecisionKind.REFUSE_ASSESSMENT).appeal_form == "SEND35a"


def test_child_words_for_a_parent() -> None:
    assert child_words("Zoë O'Brien", is_young_person=False) == SLOTS


def test_child_words_for_a_name_ending_in_s() -> None:
    words = child_words("James Davies", is_young_person=False)
    assert words["childs"] == "James Davies'"
    assert words["firsts"] == "James'"


def test_child_words_for_the_young_person_themselves() -> None:
    assert child_words("Siobhán Kelly", is_young_person=True) == {
        "child": "you", "childs": "your", "firsts": "your"}


@pytest.mark.parametrize(("name", "short"), [
    ("Ms Sadia Khan", "Ms Khan"),
    ("Ms Niamh Ó Briain", "Ms Ó Briain"),
    ("Dr. Amal Idris", "Dr. Idris"),
    ("Sadia Khan", "Sadia Khan"),
    ("Mr Khan", "Mr Khan"),
])
def test_short_name_keeps_the_title_and_family_name(name: str, short: str) -> None:
    assert short_name(name) == short
