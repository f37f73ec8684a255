"""The record of an agreement reached at mediation and its agreed actions (reg 42)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import (
    Field,
    model_validator,
)

from medocs.models.common import (
    CaseModel,
    CaseRef,
    Text,
    _check_order,
    _Model,
    about,
)
from medocs.models.decisions import DecisionRef
from medocs.models.people import CaseCouncil, Child, Recipient, _check_young_person


class OrderType(StrEnum):
    """What an appealable agreed action is, which picks its reg 44 period (RULES.md T21)."""

    NOTIFY_ASSESSMENT = "notify_assessment"
    NO_PLAN_DECISION = "no_plan_decision"
    FINAL_PLAN_AFTER_ASSESSMENT = "final_plan_after_assessment"
    DRAFT_PLAN = "draft_plan"
    FINAL_PLAN = "final_plan"
    AMEND_PLAN = "amend_plan"
    CHANGE_SCHOOL = "change_school"


class Action(_Model):
    """One agreed action: what, who, and which deadline applies (reg 42(2), (3) or (5))."""

    action: Annotated[Text, about("What was agreed", "The action, in the words of the agreement.",
                                  "Arrange an educational psychologist's observation in class")]
    who: Annotated[Text, about("Who agreed to do it", "The organisation that must do it.",
                               "Westminster City Council")]
    appealable: Annotated[bool, about(
        "Could it have been appealed to the Tribunal?", "Yes for things like an assessment, "
        "issuing a plan or changing Section F; no for things like a visit or a report. It decides "
        "the deadline (regulation 42(2) or (3)).", False)]
    order_type: Annotated[OrderType | None, about(
        "What kind of action", "For an action that could have been appealed: which Tribunal time "
        "limit applies (regulation 44). Leave empty if a deadline was agreed in writing.",
        OrderType.AMEND_PLAN)] = None
    agreed_deadline: Annotated[date | None, about(
        "Deadline agreed in writing", "Only if the agreement set its own date for this action "
        "(regulation 42(5)).", date(2025, 4, 11))] = None
    number: Annotated[int | None, about(
        "Its number in the record of agreement", "The number the record of agreement gives this "
        "action, so a letter about it uses the same number.", 3, ge=1, le=999)] = None
    owed_by: Annotated[Literal["la", "icb"] | None, about(
        "Which body owes it", "'la' for the council, 'icb' for the integrated care board. Left "
        "empty, it is read from 'who' (an ICB or NHS name means the ICB).", "icb")] = None

    @property
    def body(self) -> Literal["la", "icb"]:
        """Who owes the action: the ICB where 'who' names one (or owed_by says so), else the LA."""
        if self.owed_by is not None:
            return self.owed_by
        who = self.who.lower()
        icb = "icb" in who.split() or "integrated care board" in who or who.startswith("nhs ")
        return "icb" if icb else "la"

    @model_validator(mode="after")
    def _type_given(self) -> Action:
        if self.appealable and self.order_type is None and self.agreed_deadline is None:
            msg = "an appealable action needs order_type (which reg 44 period) or agreed_deadline"
            raise ValueError(msg)
        return self


class Attendee(_Model):
    """Someone at the mediation, and in what role."""

    name: Text
    role: Text


def _owed_by_council(action: Action, council: CaseCouncil | None) -> bool:
    """Whether an agreed action is the council's: said so, or its 'who' names a council."""
    if action.owed_by is not None:
        return action.owed_by == "la"
    who = action.who.casefold()
    named = council is not None and who == council.name.casefold()
    return named or "council" in who.split() or "local authority" in who


class AgreementRecordCase(CaseModel):
    """The written record of an agreement reached at mediation (reg 42)."""

    case_ref: CaseRef
    child: Child
    recipient: Recipient
    decision: DecisionRef
    la: CaseCouncil | None = None
    mediator: Text
    mediation_ended: date
    agreement_date: date
    mediation_format: Text = "in person"
    icb: Text | None = None
    icb_signatory: Text | None = Field(
        default=None, description="who signs for the ICB, with their role"
    )
    la_is_party: bool = True
    attendees: tuple[Attendee, ...] = ()
    issues: tuple[Text, ...] = Field(min_length=1)
    actions: tuple[Action, ...] = Field(min_length=1)
    not_agreed: tuple[Text, ...] = ()

    @model_validator(mode="after")
    def _dates_in_order(self) -> AgreementRecordCase:
        _check_order(decision_sent=(self.decision.letter_sent, "decision.letter_sent"),
                     mediation_ended=(self.mediation_ended, "mediation_ended"),
                     agreement_date=(self.agreement_date, "agreement_date"))
        if not self.la_is_party and not self.icb:
            msg = "icb is required when the LA is not a party to the agreement"
            raise ValueError(msg)
        if not self.la_is_party:
            for index, action in enumerate(self.actions):
                if _owed_by_council(action, self.la):
                    # The record would list a council action but no council signature or
                    # complaint route for it: a record that contradicts itself.
                    msg = (f"actions[{index}].who: '{action.who}' is the council, which is not a "
                           "party to this agreement (la_is_party = false): give the action to a "
                           "party, or set la_is_party = true")
                    raise ValueError(msg)
        _check_young_person(self.recipient, self.child, self.agreement_date, "agreement_date")
        return self
