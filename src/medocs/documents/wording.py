"""The words that differ between the six appealable decisions: titles, sentences, rights.

Plain English for families, with the law cited in brackets after the plain statement
(LETTERS.md §0 and §1). Templates place these words; they never choose them.
"""

from __future__ import annotations

from dataclasses import dataclass

from medocs.models import DecisionKind

__all__ = ["DecisionWording", "child_words", "short_name", "wording_for"]


@dataclass(frozen=True, slots=True)
class DecisionWording:
    """How one kind of decision is named and explained in a letter."""

    title: str
    decision: str
    legal_basis: str
    appeal_about: str
    appeal_form: str
    plan_contents: bool
    health_and_social_care: bool


_PLAN_CONTENTS_APPEAL = (
    "three parts of the plan. Section B describes {firsts} special educational needs. Section F "
    "sets out the help to meet them. Section I names the school, or says that none is named"
)

_WORDING: dict[DecisionKind, DecisionWording] = {
    DecisionKind.REFUSE_ASSESSMENT: DecisionWording(
        title="Decision not to carry out an EHC needs assessment",
        decision=(
            "We have decided not to carry out an education, health and care (EHC) needs "
            "assessment for {child}."
        ),
        legal_basis="Children and Families Act 2014 s.36; SEND Regulations 2014 reg 5",
        appeal_about="our decision not to carry out an EHC needs assessment",
        appeal_form="SEND35a",
        plan_contents=False,
        health_and_social_care=False,
    ),
    DecisionKind.REFUSE_PLAN: DecisionWording(
        title="Decision not to issue an EHC plan",
        decision=(
            "We have finished the EHC needs assessment for {child} and decided not to issue an "
            "education, health and care (EHC) plan."
        ),
        legal_basis="Children and Families Act 2014 s.36(9); SEND Regulations 2014 reg 10",
        appeal_about="our decision not to issue an EHC plan",
        appeal_form="SEND35",
        plan_contents=False,
        health_and_social_care=True,
    ),
    DecisionKind.FINAL_PLAN: DecisionWording(
        title="Final EHC plan",
        decision="We enclose {childs} final education, health and care (EHC) plan.",
        legal_basis="Children and Families Act 2014 s.39; SEND Regulations 2014 regs 13 and 14",
        appeal_about=_PLAN_CONTENTS_APPEAL,
        appeal_form="SEND35",
        plan_contents=True,
        health_and_social_care=True,
    ),
    DecisionKind.AMENDED_PLAN: DecisionWording(
        title="Final amended EHC plan",
        decision=(
            "We have amended {childs} education, health and care (EHC) plan and enclose the "
            "final amended plan."
        ),
        legal_basis="Children and Families Act 2014 s.37; SEND Regulations 2014 reg 22",
        appeal_about=_PLAN_CONTENTS_APPEAL,
        appeal_form="SEND35",
        plan_contents=True,
        health_and_social_care=True,
    ),
    DecisionKind.REFUSE_AMEND: DecisionWording(
        title="Decision not to amend the EHC plan",
        decision=(
            "We have reviewed {childs} education, health and care (EHC) plan and decided not "
            "to amend it."
        ),
        legal_basis="Children and Families Act 2014 s.44; SEND Regulations 2014 regs 20 and 22",
        appeal_about=(
            "our decision not to change the plan. You can also appeal against Sections B, F "
            "and I of the plan as they stand"
        ),
        appeal_form="SEND35",
        plan_contents=True,
        health_and_social_care=True,
    ),
    DecisionKind.REFUSE_REASSESSMENT: DecisionWording(
        title="Decision not to carry out a re-assessment",
        decision=(
            "We have decided not to carry out a re-assessment of {childs} education, health "
            "and care needs."
        ),
        legal_basis="Children and Families Act 2014 s.44 and s.51(2)(d)",
        appeal_about="our decision not to carry out a re-assessment",
        appeal_form="SEND35",
        plan_contents=False,
        health_and_social_care=True,
    ),
    DecisionKind.CEASE_TO_MAINTAIN: DecisionWording(
        title="Decision to stop maintaining the EHC plan",
        decision=(
            "We have decided to stop maintaining {childs} education, health and care (EHC) "
            "plan. We intend the plan to end on {cease_date}. It stays in place until the time "
            "for appealing has passed. If you appeal, it stays until the Tribunal has decided "
            "the appeal. Until then, we will keep arranging the provision in it."
        ),
        legal_basis=(
            "Children and Families Act 2014 s.45 and SEND Regulations 2014 reg 31. The plan "
            "stays in place during an appeal under s.45 (Explanatory Notes, paragraph 247)"
        ),
        appeal_about="our decision to stop maintaining {firsts} EHC plan",
        appeal_form="SEND35",
        plan_contents=False,
        health_and_social_care=True,
    ),
}


def wording_for(kind: DecisionKind) -> DecisionWording:
    """Return the wording for one kind of decision.

    Its texts have ``{child}`` and ``{childs}`` slots: the child's name and its possessive,
    or "you" and "your" when the letter goes to the young person themselves; ``{firsts}`` is
    the possessive of the first name, for a mention after the full name (issue 14).
    """
    return _WORDING[kind]


def child_words(name: str, *, is_young_person: bool) -> dict[str, str]:
    """The ``{child}``/``{childs}``/``{firsts}`` slot values for a letter's reader."""
    if is_young_person:
        return {"child": "you", "childs": "your", "firsts": "your"}
    first = name.split()[0] if name.split() else name
    return {"child": name, "childs": _possessive(name), "firsts": _possessive(first)}


def _possessive(name: str) -> str:
    return f"{name}'s" if not name.endswith("s") else f"{name}'"


_TITLES = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "professor", "rev", "sir",
                     "dame", "lord", "lady"})


def short_name(name: str) -> str:
    """How a letter names someone after the first full mention, and greets them.

    "Ms Sadia Khan" becomes "Ms Khan" and "Ms Niamh Ó Briain" "Ms Ó Briain" (the title, then
    everything after the first given name); a name without a title stays whole, because a
    greeting reads "Dear Sadia Khan", never "Dear Ms Sadia Khan" (issue 14). A case that knows
    better gives the salutation itself.
    """
    parts = name.split()
    if len(parts) >= 3 and parts[0].lower().rstrip(".") in _TITLES:
        return " ".join([parts[0], *parts[2:]])
    return name
