"""Pydantic models of the people, decisions and cases the documents are about.

Models are frozen and forbid unknown fields, so a misspelt key in a case file is an error
rather than a silently missing line in a letter.
"""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

__all__ = [
    "Action",
    "Addressee",
    "Advocate",
    "AgreementChaseCase",
    "AgreementRecordCase",
    "Attendee",
    "CaseModel",
    "CertificateRequestCase",
    "Child",
    "Client",
    "DECISION_TRIGGERS",
    "DecisionKind",
    "DecisionLetterCase",
    "DecisionRef",
    "DeclineCertificateCase",
    "IssueOutcome",
    "MediatedIssue",
    "MediationCertificateCase",
    "MediationNotArrangedCase",
    "MediationRequestCase",
    "OrderType",
    "Recipient",
    "field_problems",
    "school_leaving_date",
]

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=10000)]
CaseRef = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)
]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


class CaseModel(_Model):
    """The case of one document: what every document kind's model is.

    Each model declares its own ``case_ref`` (it names the document's file and its register
    entry) and ``child`` where its column order wants them; this class only tells type
    checkers they are there.
    """

    if TYPE_CHECKING:
        case_ref: str
        child: Child


class DecisionKind(StrEnum):
    """The LA decisions that carry a right of appeal (CFA 2014 s.51(2))."""

    REFUSE_ASSESSMENT = "refuse_assessment"
    REFUSE_PLAN = "refuse_plan"
    FINAL_PLAN = "final_plan"
    AMENDED_PLAN = "amended_plan"
    REFUSE_AMEND = "refuse_amend"
    REFUSE_REASSESSMENT = "refuse_reassessment"
    CEASE_TO_MAINTAIN = "cease_to_maintain"


class Child(_Model):
    """The child or young person the EHC decision is about."""

    name: Text
    date_of_birth: date


def school_leaving_date(date_of_birth: date) -> date:
    """The day after which a child is over compulsory school age (Education Act 1996 s.8(3)).

    The school leaving date is the last Friday in June (Education (School Leaving Date) Order
    1997); compulsory school age ends at the end of that day in the school year (1 September
    to 31 August) in which the child turns 16, including for a birthday in July or August.
    The date arithmetic sits here, not in the timeline package, because models may not
    import it (import-linter layers).

    Args:
        date_of_birth: the child's date of birth.

    Returns:
        The last Friday in June of the school year in which they turn 16.
    """
    year = date_of_birth.year + 16 + (1 if date_of_birth.month >= 9 else 0)
    last = date(year, 6, 30)
    return last - timedelta(days=(last.weekday() - 4) % 7)  # Friday is weekday 4


def young_person_problem(field: str, child: Child, on: date, on_field: str) -> str | None:
    """Why ``child`` cannot be the young person who decides on ``on``, or None if they can.

    A young person is over compulsory school age (CFA 2014 s.83(2)); until then the parent
    has the right of appeal and the letters go to them (RULES.md, third check).
    """
    leaving = school_leaving_date(child.date_of_birth)
    if on > leaving:
        return None
    return (
        f"{field} is true, but {child.name} (born {child.date_of_birth}) is not over compulsory "
        f"school age on {on_field} ({on}): a young person decides for themselves only after "
        f"{leaving}, the last Friday in June of the school year in which they turn 16 (CFA 2014 "
        f"s.83(2); Education Act 1996 s.8). Until then the parent decides: set {field} = false "
        f"and write to the parent"
    )


class Recipient(_Model):
    """Who the letter or certificate is for: the parent, or the young person themselves."""

    name: Text
    salutation: Text | None = None
    address: tuple[Text, ...] = Field(default=(), max_length=8)
    email: Text | None = None
    is_young_person: bool = False


class DecisionRef(_Model):
    """The LA decision a certificate or agreement is about, and the date its letter was sent."""

    kind: DecisionKind
    letter_sent: date
    la_reference: Text | None = None


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
    letter_date: date = Field(description="the date the letter is sent; starts the appeal clock")
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


def _check_young_person(recipient: Recipient, child: Child, on: date, on_field: str) -> None:
    if recipient.is_young_person:
        problem = young_person_problem("recipient.is_young_person", child, on, on_field)
        if problem:
            raise ValueError(problem)


class DeclineCertificateCase(CaseModel):
    """A certificate under CFA s.55(4), or the deemed certificate when mediation was not arranged."""

    case_ref: CaseRef
    variant: Literal["declined", "not_arranged"] = "declined"
    child: Child
    recipient: Recipient
    decision: DecisionRef
    contacted_adviser: date
    declined_on: date | None = None
    mediation_requested: date | None = None
    la_told_adviser: date | None = None
    issued_on: date
    certificate_number: Text | None = None

    @model_validator(mode="after")
    def _dates_in_order(self) -> DeclineCertificateCase:
        sent = self.decision.letter_sent
        if self.contacted_adviser < sent:
            msg = (
                f"contacted_adviser ({self.contacted_adviser}) is before the decision letter "
                f"was sent ({sent})"
            )
            raise ValueError(msg)
        if self.variant == "declined":
            if self.declined_on is None:
                msg = "declined_on is required: the date the adviser was told mediation is not wanted"
                raise ValueError(msg)
            start, start_name = self.declined_on, "declined_on"
        else:
            if self.mediation_requested is None or self.la_told_adviser is None:
                msg = "mediation_requested and la_told_adviser are required when variant is not_arranged"
                raise ValueError(msg)
            start, start_name = self.la_told_adviser, "la_told_adviser"
        if start < sent:
            msg = (f"{start_name} ({start}) is before decision.letter_sent, the date the decision "
                   f"letter was sent ({sent})")
            raise ValueError(msg)
        if self.issued_on < start:
            msg = (f"issued_on ({self.issued_on}) is before {start_name} ({start}), "
                   "the date that starts the certificate")
            raise ValueError(msg)
        _check_young_person(self.recipient, self.child, self.issued_on, "issued_on")
        return self


class IssueOutcome(StrEnum):
    """How far a mediated issue was resolved."""

    RESOLVED = "resolved"
    PARTLY = "partly_resolved"
    NOT_RESOLVED = "not_resolved"


class MediatedIssue(_Model):
    """One mediation issue and its outcome."""

    issue: Text
    outcome: IssueOutcome


class MediationCertificateCase(CaseModel):
    """A certificate under CFA s.55(5), issued by the mediator after mediation."""

    case_ref: CaseRef
    child: Child
    recipient: Recipient
    decision: DecisionRef
    mediator: Text
    mediation_dates: tuple[date, ...] = Field(min_length=1)
    mediation_format: Text = "in person"
    icb: Text | None = None
    issues: tuple[MediatedIssue, ...] = Field(min_length=1)
    agreement_ref: Text | None = None
    issued_on: date
    certificate_number: Text | None = None

    @property
    def mediation_ended(self) -> date:
        """The last day of mediation, which starts the 3-working-day clock (T15)."""
        return max(self.mediation_dates)

    @model_validator(mode="after")
    def _dates_in_order(self) -> MediationCertificateCase:
        sent = self.decision.letter_sent
        if min(self.mediation_dates) < sent:
            msg = (
                f"mediation_dates: {min(self.mediation_dates)} is before decision.letter_sent, "
                f"the date the decision letter was sent ({sent})"
            )
            raise ValueError(msg)
        if self.issued_on < self.mediation_ended:
            msg = (f"issued_on ({self.issued_on}) is before mediation ended "
                   f"({self.mediation_ended}, the last of mediation_dates)")
            raise ValueError(msg)
        _check_young_person(self.recipient, self.child, self.issued_on, "issued_on")
        return self


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

    action: Text
    who: Text
    appealable: bool
    order_type: OrderType | None = None
    agreed_deadline: date | None = Field(
        default=None, description="a different timescale agreed in writing (reg 42(5))"
    )

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


class AgreementRecordCase(CaseModel):
    """The written record of an agreement reached at mediation (reg 42)."""

    case_ref: CaseRef
    child: Child
    recipient: Recipient
    decision: DecisionRef
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
        if self.agreement_date < self.mediation_ended:
            msg = (
                f"agreement_date ({self.agreement_date}) is before mediation_ended "
                f"({self.mediation_ended})"
            )
            raise ValueError(msg)
        if self.mediation_ended < self.decision.letter_sent:
            msg = (
                f"mediation_ended ({self.mediation_ended}) is before decision.letter_sent, the "
                f"date the decision letter was sent ({self.decision.letter_sent})"
            )
            raise ValueError(msg)
        if not self.la_is_party and not self.icb:
            msg = "icb is required when the LA is not a party to the agreement"
            raise ValueError(msg)
        _check_young_person(self.recipient, self.child, self.agreement_date, "agreement_date")
        return self


# ---------------------------------------------------------------- advocates' letters
#
# Letters an advocate writes for a parent or young person (LETTERS.md §5). A case file names
# the LA and the mediation adviser itself, so these letters need no organisation profile;
# `medocs draft` fills them from one when it is given. Checks between dates sit on the later
# field (a field validator), so an error names the field to correct.


class Advocate(_Model):
    """Who writes the letter: the advocate or supporter, and how to reach them."""

    name: Text
    role: Text
    organisation: Text
    address: tuple[Text, ...] = Field(min_length=1, max_length=8)
    email: Text
    phone: Text


class Client(_Model):
    """The parent or young person the advocate writes for, and when they gave consent."""

    name: Text
    is_young_person: bool = False
    relationship: Text = "parent"
    consent_given: date


class Addressee(_Model):
    """An organisation written to and, where known, the person it is for the attention of."""

    organisation: Text
    name: Text | None = None
    job_title: Text | None = None
    salutation: Text | None = None
    address: tuple[Text, ...] = Field(default=(), max_length=8)
    email: Text


def _not_before(value: date | None, info: ValidationInfo, *earlier: str) -> date | None:
    """Raise if ``value`` is before any of the ``earlier`` fields (dotted: 'decision.letter_sent')."""
    if value is None:
        return value
    for name in earlier:
        other: object = info.data
        for part in name.split("."):
            other = getattr(other, part, None) if not isinstance(other, dict) else other.get(part)
        if isinstance(other, date) and value < other:
            msg = f"{value} is before {name} ({other})"
            raise ValueError(msg)
    return value


class _AdvocateLetter(CaseModel):
    """What every advocate's letter has: who writes, for whom, about which decision.

    ``after`` lists, for each date field, the earlier fields it may not precede; the check
    sits on the later field so that an error names the field to correct.
    """

    after: ClassVar[dict[str, tuple[str, ...]]] = {}

    advocate: Advocate
    client: Client
    child: Child
    decision: DecisionRef
    cc: tuple[Text, ...] = ()
    enclosures: tuple[Text, ...] = ()

    @field_validator("*")
    @classmethod
    def _dates_in_order(cls, value: Any, info: ValidationInfo) -> Any:
        earlier = cls.after.get(info.field_name or "")
        return _not_before(value, info, *earlier) if earlier else value

    @model_validator(mode="after")
    def _young_person_old_enough(self) -> _AdvocateLetter:
        letter_date: date = getattr(self, "letter_date")  # noqa: B009 - every letter has one
        if self.client.is_young_person:
            problem = young_person_problem("client.is_young_person", self.child, letter_date,
                                           "letter_date")
            if problem:
                raise ValueError(problem)
        return self


class MediationRequestCase(_AdvocateLetter):
    """To the LA: the parent or young person wishes to go to mediation (reg 32(e), T11/T12)."""

    after: ClassVar[dict[str, tuple[str, ...]]] = {
        "contacted_adviser": ("decision.letter_sent",),
        "letter_date": ("decision.letter_sent", "contacted_adviser", "client.consent_given"),
    }

    la: Addressee
    adviser: Addressee
    contacted_adviser: date
    issues: tuple[Text, ...] = Field(min_length=1, max_length=30)
    health_provision: tuple[Text, ...] = Field(default=(), max_length=30)
    letter_date: date
    case_ref: CaseRef


class CertificateRequestCase(_AdvocateLetter):
    """To the mediation adviser: no mediation, please issue the certificate (s.55(4), T7)."""

    after: ClassVar[dict[str, tuple[str, ...]]] = MediationRequestCase.after

    adviser: Addressee
    la_name: Text
    contacted_adviser: date
    certificate_to: Text | None = None
    letter_date: date
    case_ref: CaseRef


class MediationNotArrangedCase(_AdvocateLetter):
    """To the LA and the adviser: 30 days have passed without mediation (T12, T13)."""

    after: ClassVar[dict[str, tuple[str, ...]]] = {
        "contacted_adviser": ("decision.letter_sent",),
        "mediation_requested": ("decision.letter_sent",),
        "letter_date": ("decision.letter_sent", "contacted_adviser", "mediation_requested",
                        "client.consent_given"),
    }

    la: Addressee
    adviser: Addressee
    contacted_adviser: date
    mediation_requested: date
    issues: tuple[Text, ...] = Field(default=(), max_length=30)
    health_provision: tuple[Text, ...] = Field(default=(), max_length=30)
    letter_date: date
    case_ref: CaseRef


class AgreementChaseCase(_AdvocateLetter):
    """To the LA: an action agreed at mediation is past its reg 42 deadline."""

    after: ClassVar[dict[str, tuple[str, ...]]] = {
        "agreement_date": ("decision.letter_sent",),
        "letter_date": ("agreement_date", "client.consent_given"),
        "reply_by": ("letter_date",),
    }

    la: Addressee
    agreement_date: date
    mediator: Text | None = None
    actions: tuple[Action, ...] = Field(min_length=1, max_length=30)
    letter_date: date
    reply_by: date | None = None
    case_ref: CaseRef


def field_problems(exc: ValidationError) -> list[tuple[str, str, str]]:
    """Turn a pydantic ValidationError into (dotted field, message, value found) triples."""
    problems = []
    for error in exc.errors():
        field = ".".join(str(part) for part in error["loc"]) or "(whole record)"
        value = error.get("input")
        found = "" if isinstance(value, dict | list | tuple) else repr(value)
        message = error["msg"].removeprefix("Value error, ")
        problems.append((field, message, found))
    return problems
