"""The LA decisions that carry a right of appeal, and the LA's decision letter."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated

from pydantic import (
    Field,
    model_validator,
)

from medocs.models.common import (
    CaseModel,
    CaseRef,
    LongText,
    Text,
    _Model,
    about,
)
from medocs.models.people import Child, Recipient, _check_young_person


class DecisionKind(StrEnum):
    """The LA decisions that carry a right of appeal (CFA 2014 s.51(2))."""

    REFUSE_ASSESSMENT = "refuse_assessment"
    REFUSE_PLAN = "refuse_plan"
    FINAL_PLAN = "final_plan"
    AMENDED_PLAN = "amended_plan"
    REFUSE_AMEND = "refuse_amend"
    REFUSE_REASSESSMENT = "refuse_reassessment"
    CEASE_TO_MAINTAIN = "cease_to_maintain"

    @property
    def has_plan(self) -> bool:
        """True where an EHC plan exists, so health care provision in it can be an issue.

        Reg 32(e)(iii) concerns health care provision specified in the EHC plan (RULES.md,
        third check): not a refusal to assess, to issue a plan or to reassess.
        """
        return self in _PLAN_KINDS


_PLAN_KINDS = frozenset({
    DecisionKind.FINAL_PLAN, DecisionKind.AMENDED_PLAN, DecisionKind.REFUSE_AMEND,
    DecisionKind.CEASE_TO_MAINTAIN,
})



class DecisionRef(_Model):
    """The LA decision a certificate or agreement is about, and the date its letter was sent."""

    kind: Annotated[DecisionKind, about("Which decision", "The LA's decision that the family may "
                                        "appeal.", DecisionKind.REFUSE_ASSESSMENT)]
    letter_sent: Annotated[date, about(
        "Date the decision letter was sent", "The date on the LA's decision letter: the appeal "
        "clock runs from the date it was sent, not the date it arrived.", date(2024, 10, 1))]
    la_reference: Annotated[Text | None, about(
        "The LA's reference", "The reference on the LA's decision letter.", "WCC-EHC-2024-0417")] = None


# What each decision answers (RULES.md L1-L14): the field that holds the date of that event,
# and the decisions that have it. A request for an assessment leads to a refusal to assess
# (L1), a decision not to issue a plan (L3) or a final plan (L5); a request for a
# re-assessment to its refusal; a review meeting to a decision to amend, not to amend or to
# cease (L8); the proposed amendments to the final amended plan or a decision not to amend
# after representations (L10, L11); consultation to ceasing to maintain (L14).
_K = DecisionKind
DECISION_TRIGGERS: dict[str, frozenset[DecisionKind]] = {
    "request_received": frozenset({_K.REFUSE_ASSESSMENT, _K.REFUSE_PLAN, _K.FINAL_PLAN,
                                   _K.REFUSE_REASSESSMENT}),
    "review_meeting": frozenset({_K.AMENDED_PLAN, _K.REFUSE_AMEND, _K.CEASE_TO_MAINTAIN}),
    "amendments_proposed": frozenset({_K.AMENDED_PLAN, _K.REFUSE_AMEND}),
    "consulted_on": frozenset({_K.CEASE_TO_MAINTAIN}),
}


class DecisionLetterCase(CaseModel):
    """An LA decision letter: the decision, its reasons, and who it goes to."""

    case_ref: CaseRef
    letter_date: date = Field(description="The date the letter is sent. It starts the appeal clock.")
    child: Child
    recipient: Recipient
    decision: DecisionKind
    decision_made: date | None = None
    request_received: date | None = Field(
        default=None, description="the LA received the request for an assessment (or, for "
        "refuse_reassessment, for a re-assessment)")
    review_meeting: date | None = Field(
        default=None, description="the review meeting the decision follows (amended_plan, "
        "refuse_amend, cease_to_maintain)")
    amendments_proposed: date | None = Field(
        default=None, description="the LA sent the proposed amendments (amended_plan, refuse_amend)")
    consulted_on: date | None = Field(
        default=None, description="the LA asked for views on ceasing the plan (cease_to_maintain)")
    reasons: tuple[LongText, ...] = Field(min_length=1)
    evidence: tuple[Text, ...] = ()
    next_steps: tuple[Text, ...] = ()
    cease_date: date | None = None
    your_ref: Text | None = None
    cc: tuple[Text, ...] = ()
    enclosures: tuple[Text, ...] = ()

    @model_validator(mode="after")
    def _dates_in_order(self) -> DecisionLetterCase:
        if self.decision_made and self.decision_made > self.letter_date:
            msg = f"decision_made ({self.decision_made}) is after letter_date ({self.letter_date})"
            raise ValueError(msg)
        for name, kinds in DECISION_TRIGGERS.items():
            day = getattr(self, name)
            if day is None:
                continue
            if self.decision not in kinds:
                fits = [other for other, allowed in DECISION_TRIGGERS.items()
                        if self.decision in allowed]
                msg = (f"{name} does not apply to a {self.decision.value} decision (found {day}): "
                       f"expected {' or '.join(fits)}, the event this decision follows")
                raise ValueError(msg)
            if day > self.letter_date:
                msg = f"{name} ({day}) is after letter_date ({self.letter_date})"
                raise ValueError(msg)
        if self.decision is DecisionKind.CEASE_TO_MAINTAIN and self.cease_date is None:
            msg = "cease_date is required for a cease_to_maintain decision"
            raise ValueError(msg)
        _check_young_person(self.recipient, self.child, self.letter_date, "letter_date")
        return self
