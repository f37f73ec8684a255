"""Pydantic models of the people, decisions and cases the documents are about.

Models are frozen and forbid unknown fields, so a misspelt key in a case file is an error
rather than a silently missing line in a letter.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from medocs.errors import capped
from medocs.timeline.order import order_problem

__all__ = [
    "NUMBER_FROM_REGISTER",
    "Action",
    "Addressee",
    "Advocate",
    "AgreementChaseCase",
    "AgreementRecordCase",
    "Attendee",
    "CaseModel",
    "CaseCouncil",
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
    "about",
    "field_problems",
    "school_leaving_date",
]

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=10000)]


def about(title: str, description: str, example: Any = None, **field: Any) -> Any:
    """What a field means, for people: its title, description and an example value.

    ``medocs.fields`` reads these for ``medocs fields``, the questions of ``medocs draft``, the
    batch columns and the web form, so each is written once, here. In a model used under
    several names (``Addressee`` as ``la`` and ``adviser``), ``{who}`` in a title or
    description stands for the title of the field that holds it, and the holder's example (a
    dict) gives the examples of its parts.
    """
    return Field(title=title, description=description,
                 examples=None if example is None else [example], **field)


# Characters no typed text needs and a .docx (XML 1.0) cannot hold: C0 controls but tab, newline
# and carriage return; DEL; lone surrogates (half of a character); U+FFFE and U+FFFF.
_CONTROL_CHARACTER = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_LINE_BREAK = re.compile("[\t\n\r]")


def _one_line(value: str) -> str:
    """A case reference is one line: it names files and is printed in lists."""
    if _LINE_BREAK.search(value):
        msg = "must be one line, without tabs or line breaks"
        raise ValueError(msg)
    return value


CaseRef = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64),
    about("Your reference for this case", "A short reference of your own for this family's "
          "case. It names the files written.", "KHAN-2024"),
    AfterValidator(_one_line),
]
LetterDate = Annotated[date, about(
    "Date of this letter", "The date the letter is sent. Deadlines that start when the LA or the "
    "adviser is told count from this date.", date(2024, 10, 21))]
ContactedAdviser = Annotated[date, about(
    "Date the family contacted the mediation adviser", "The date the parent or young person "
    "first contacted the mediation adviser about this decision (they must do so within 2 months "
    "of the decision letter, regulation 33).", date(2024, 10, 16))]
IssuedOn = Annotated[date, about(
    "Date of issue of the certificate", "The date the certificate is issued. The one month for "
    "appealing counts from it (HESC Rules r.20(1)(c)(ii)).", date(2024, 11, 29))]
_ISSUES = ("The mediation issues", "What the family wants to talk about at mediation: one issue "
           "per line.", ("Whether an EHC needs assessment is necessary",))
_HEALTH = ("Health care provision wanted", "If the issues include health care provision, or its "
           "absence, the health care provision the family would like: one per line (regulation "
           "32(e)).", ("A speech and language therapy assessment by an NHS therapist",))


def _check_order(**events: tuple[date | None, str]) -> None:
    """Raise ValueError naming the fields of the first two events out of order (EVENT_ORDER)."""
    problem = order_problem({event: day for event, (day, _) in events.items()},
                            {event: name for event, (_, name) in events.items()})
    if problem is not None:
        raise ValueError(problem)


def _texts(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _texts(item)


NUMBER_FROM_REGISTER = (
    "a certificate's number comes only from the certificate register: remove the "
    "certificate_number field or column (medocs gives the next number when it issues the certificate)")


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    @model_validator(mode="before")
    @classmethod
    def _no_number_given(cls, data: Any) -> Any:
        """A number typed into a case would be printed unregistered, perhaps twice: refuse it."""
        if isinstance(data, dict) and "certificate_number" in data:
            raise ValueError(NUMBER_FROM_REGISTER)
        return data

    @field_validator("*", mode="after")
    @classmethod
    def _no_control_characters(cls, value: Any) -> Any:
        """Refuse a control character where it is typed, naming the field, not at rendering."""
        for text in _texts(value):
            bad = _CONTROL_CHARACTER.search(text)
            if bad:
                msg = (f"contains the control character U+{ord(bad.group()):04X} at position "
                       f"{bad.start() + 1}, which a letter cannot show: type the text again without it")
                raise ValueError(msg)
        return value


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


class CaseCouncil(_Model):
    """The council a case is about, named by the case: it overrides the profile's LA.

    A mediation service works with many councils, so a certificate or agreement takes its
    council from the case (issue 12 item 9).
    """

    name: Text
    reference: Text | None = Field(default=None, description="the council's own case reference")
    signatory: Text | None = Field(
        default=None, description="who signs an agreement for the council, with their role"
    )


class Child(_Model):
    """The child or young person the EHC decision is about."""

    name: Annotated[Text, about("Child's full name",
                                "The child or young person the decision is about.", "Amara Khan")]
    date_of_birth: Annotated[date, about(
        "Child's date of birth", "The date of birth of the child or young person, as on the EHC "
        "paperwork.", date(2017, 5, 14))]


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

    name: Annotated[Text, about(
        "Name of the person it is for", "The parent, or the young person themselves, that the "
        "document is addressed to.", "Ms Sadia Khan")]
    salutation: Annotated[Text | None, about(
        "How to greet them", "The name after 'Dear' (left empty: their name).", "Ms Khan")] = None
    address: tuple[Text, ...] = about("Postal address", "Their postal address, one line at a time.",
                                      ("12 Example Street",), default=(), max_length=8)
    email: Annotated[Text | None, about("Email address", "Their email address, if they have one.",
                                        "sadia.khan@example.com")] = None
    is_young_person: Annotated[bool, about(
        "Is it the young person themselves?", "Yes only for a young person over compulsory school "
        "age, who decides for themselves; otherwise the parent.", False)] = False


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
    variant: Annotated[Literal["declined", "not_arranged"], about(
        "Which certificate", "declined: the family told the mediation adviser they do not want "
        "mediation (CFA 2014 s.55(4)); not_arranged: the LA could not arrange mediation within "
        "30 days.", "declined")] = "declined"
    child: Child
    recipient: Recipient
    decision: DecisionRef
    la: CaseCouncil | None = None
    contacted_adviser: ContactedAdviser
    declined_on: Annotated[date | None, about(
        "Date the adviser was told mediation is not wanted", "For a declined certificate: the "
        "date the family told the mediation adviser. The certificate is due within 3 working "
        "days (regulation 34(1)).", date(2024, 11, 26))] = None
    mediation_requested: Annotated[date | None, about(
        "Date the LA was told mediation is wanted", "For a not_arranged certificate: the date the "
        "LA was told the family wishes to go to mediation.", date(2024, 10, 21))] = None
    la_told_adviser: Annotated[date | None, about(
        "Date the LA told the adviser mediation could not be arranged", "For a not_arranged "
        "certificate: the date the LA told the mediation adviser it could not arrange mediation "
        "within 30 days.", date(2024, 11, 21))] = None
    issued_on: IssuedOn

    @model_validator(mode="after")
    def _dates_in_order(self) -> DeclineCertificateCase:
        if self.variant == "declined" and self.declined_on is None:
            msg = "declined_on is required: the date the adviser was told mediation is not wanted"
            raise ValueError(msg)
        if self.variant != "declined" and (self.mediation_requested is None
                                           or self.la_told_adviser is None):
            msg = "mediation_requested and la_told_adviser are required when variant is not_arranged"
            raise ValueError(msg)
        declined = self.variant == "declined"
        _check_order(decision_sent=(self.decision.letter_sent, "decision.letter_sent"),
                     adviser_contacted=(self.contacted_adviser, "contacted_adviser"),
                     declined_on=(self.declined_on if declined else None, "declined_on"),
                     adviser_told_not_arranged=(None if declined else self.la_told_adviser,
                                                "la_told_adviser"),
                     certificate_issued=(self.issued_on, "issued_on"))
        _check_young_person(self.recipient, self.child, self.issued_on, "issued_on")
        return self


class IssueOutcome(StrEnum):
    """How far a mediated issue was resolved."""

    RESOLVED = "resolved"
    PARTLY = "partly_resolved"
    NOT_RESOLVED = "not_resolved"


class MediatedIssue(_Model):
    """One mediation issue and its outcome."""

    issue: Annotated[Text, about("Issue", "One issue mediated, in words.",
                                 "Whether an EHC needs assessment is necessary")]
    outcome: Annotated[IssueOutcome, about(
        "Outcome", "Whether the issue was resolved, partly resolved or not resolved at mediation.",
        IssueOutcome.PARTLY)]
    area: Literal["education", "health", "social_care"] = Field(
        default="education",
        description="health or social care issues are appealable only alongside B, F or I",
    )


class MediationCertificateCase(CaseModel):
    """A certificate under CFA s.55(5), issued by the mediator after mediation."""

    case_ref: CaseRef
    child: Child
    recipient: Recipient
    decision: DecisionRef
    la: CaseCouncil | None = None
    mediator: Annotated[Text, about("The mediator's name", "Who mediated.", "Helen Marsh")]
    mediation_dates: tuple[date, ...] = about(
        "Dates of mediation", "Each day mediation took place. The certificate is due within 3 "
        "working days of the last (CFA 2014 s.55(5)).", (date(2025, 3, 18),), min_length=1)
    mediation_format: Annotated[Text, about(
        "How mediation took place", "In person, by video or by telephone, as the certificate "
        "should say it.", "by video")] = "in person"
    icb: Annotated[Text | None, about(
        "ICB at mediation", "The integrated care board, if it took part (health care issues).",
        "NHS North West London ICB")] = None
    issues: tuple[MediatedIssue, ...] = about("The mediation issues", "Each issue mediated and its "
                                              "outcome.", min_length=1)
    agreement_ref: Annotated[Text | None, about(
        "Agreement reference", "The reference of the written agreement, if one was made.",
        "AGR-2025-014")] = None
    issued_on: IssuedOn

    @property
    def mediation_ended(self) -> date:
        """The last day of mediation, which starts the 3-working-day clock (T15)."""
        return max(self.mediation_dates)

    @model_validator(mode="after")
    def _dates_in_order(self) -> MediationCertificateCase:
        _check_order(decision_sent=(self.decision.letter_sent, "decision.letter_sent"),
                     mediation_started=(min(self.mediation_dates), "the first of mediation_dates"),
                     mediation_ended=(self.mediation_ended, "the last of mediation_dates"),
                     certificate_issued=(self.issued_on, "issued_on"))
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

    name: Annotated[Text, about("Your full name", "You write the letter: your name as it should be "
                                "signed.", "Joanna Mensah")]
    role: Annotated[Text, about("Your role", "The capacity you write in.", "Volunteer SEND advocate")]
    organisation: Annotated[Text, about("Your organisation", "The organisation you work or "
                                        "volunteer for.", "Westway Parent Advocacy")]
    address: tuple[Text, ...] = about("Your postal address", "Your organisation's address, one line "
                                      "at a time.", ("Unit 4, 12 Acklam Road",),
                                      min_length=1, max_length=8)
    email: Annotated[Text, about("Your email address", "Where replies and the certificate should go.",
                                 "joanna.mensah@westway-advocacy.example")]
    phone: Annotated[Text, about("Your telephone number", "A number the LA or the adviser can call "
                                 "you on.", "020 7946 0321")]


class Client(_Model):
    """The parent or young person the advocate writes for, and when they gave consent."""

    name: Annotated[Text, about(
        "Name of the parent or young person you act for", "The person with the right of appeal: "
        "the parent, or the young person themselves once they are over compulsory school age.",
        "Ms Sadia Khan")]
    is_young_person: Annotated[bool, about(
        "Is that person the young person themselves?", "Answer yes if the young person makes "
        "their own decisions and you act for them directly.", False)] = False
    relationship: Annotated[Text, about(
        "Their relationship to the child", "How the parent is related to the child, as the letter "
        "should say it.", "mother")] = "parent"
    consent_given: Annotated[date, about(
        "Date they gave written consent", "The date the parent or young person gave you written "
        "consent to act for them. Enclose a copy with the letter.", date(2024, 10, 14))]


class Addressee(_Model):
    """An organisation written to and, where known, the person it is for the attention of."""

    organisation: Annotated[Text, about("{who}: organisation", "The organisation of {who}.")]
    name: Annotated[Text | None, about(
        "{who}: person to write to", "The person the letter is for the attention of. Leave empty "
        "if you do not know a name: the letter then starts 'Dear Sir or Madam'.")] = None
    job_title: Annotated[Text | None, about("{who}: their job title",
                                            "The job title of that person.")] = None
    salutation: Annotated[Text | None, about("{who}: how to greet them", "The name after 'Dear', "
                                             "as that person would like it.")] = None
    address: tuple[Text, ...] = about("{who}: postal address", "The postal address, one line at a "
                                      "time (the letter goes by email).", default=(), max_length=8)
    email: Annotated[Text, about("{who}: email address",
                                 "The email address the letter will be sent to.")]


_LA = about("The local authority", "The local authority written to.", {
    "organisation": "Westminster City Council", "name": "Daniel Okafor",
    "job_title": "SEND Disagreement Resolution Lead", "salutation": "Mr Okafor",
    "address": ("64 Victoria Street",), "email": "send.mediation@westminster.gov.uk"})
_ADVISER = about("The mediation adviser", "The mediation adviser written to.", {
    "organisation": "Global Mediation", "name": "Ruth Adeyemi", "job_title": "Mediation Adviser",
    "salutation": "Ms Adeyemi", "address": ("1 Example Road",), "email": "info@globalmediation.co.uk"})


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


def _health_needs_plan(value: tuple[str, ...], info: ValidationInfo) -> tuple[str, ...]:
    """Refuse health care provision for a decision where no EHC plan exists (reg 32(e)(iii))."""
    decision = info.data.get("decision")
    if value and isinstance(decision, DecisionRef) and not decision.kind.has_plan:
        msg = (f"health care provision can be a mediation issue only where an EHC plan exists "
               f"(SEND Regulations 2014, reg 32(e)(iii)); a {decision.kind.value} decision has "
               f"no plan: leave health_provision out")
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

    la: Annotated[Addressee, _LA]
    adviser: Annotated[Addressee, _ADVISER]
    contacted_adviser: ContactedAdviser
    issues: tuple[Text, ...] = about(*_ISSUES, min_length=1, max_length=30)
    health_provision: tuple[Text, ...] = about(*_HEALTH, default=(), max_length=30)
    letter_date: LetterDate
    case_ref: CaseRef

    @field_validator("health_provision")
    @classmethod
    def _health_only_with_a_plan(cls, value: tuple[str, ...], info: ValidationInfo) -> tuple[str, ...]:
        return _health_needs_plan(value, info)


class CertificateRequestCase(_AdvocateLetter):
    """To the mediation adviser: no mediation, please issue the certificate (s.55(4), T7)."""

    after: ClassVar[dict[str, tuple[str, ...]]] = MediationRequestCase.after

    adviser: Annotated[Addressee, _ADVISER]
    la_name: Annotated[Text, about("The local authority", "The local authority that made the "
                                   "decision.", "Westminster City Council")]
    contacted_adviser: ContactedAdviser
    certificate_to: Text | None = None
    letter_date: LetterDate
    case_ref: CaseRef


class MediationNotArrangedCase(_AdvocateLetter):
    """To the LA and the adviser: 30 days have passed without mediation (T12, T13)."""

    after: ClassVar[dict[str, tuple[str, ...]]] = {
        "contacted_adviser": ("decision.letter_sent",),
        "mediation_requested": ("decision.letter_sent",),
        "letter_date": ("decision.letter_sent", "contacted_adviser", "mediation_requested",
                        "client.consent_given"),
    }

    la: Annotated[Addressee, _LA]
    adviser: Annotated[Addressee, _ADVISER]
    contacted_adviser: ContactedAdviser
    mediation_requested: Annotated[date, about(
        "Date the LA was told mediation is wanted", "The date the LA was told the family wishes "
        "to go to mediation: the 30 days to arrange it start then.", date(2024, 10, 21))]
    issues: tuple[Text, ...] = about(*_ISSUES, default=(), max_length=30)
    health_provision: tuple[Text, ...] = about(*_HEALTH, default=(), max_length=30)
    letter_date: LetterDate
    case_ref: CaseRef

    @field_validator("health_provision")
    @classmethod
    def _health_only_with_a_plan(cls, value: tuple[str, ...], info: ValidationInfo) -> tuple[str, ...]:
        return _health_needs_plan(value, info)


class AgreementChaseCase(_AdvocateLetter):
    """To the LA: an action agreed at mediation is past its reg 42 deadline."""

    after: ClassVar[dict[str, tuple[str, ...]]] = {
        "agreement_date": ("decision.letter_sent",),
        "letter_date": ("agreement_date", "client.consent_given"),
        "reply_by": ("letter_date",),
    }

    la: Annotated[Addressee, _LA]
    icb: Annotated[Addressee | None, about(
        "The integrated care board (ICB)", "The ICB, when it is a party to the agreement and owes "
        "an action: the letter then goes to it too.")] = None
    agreement_date: Annotated[date, about(
        "Date of the mediation agreement", "The date of the written agreement reached at mediation "
        "(regulation 42).", date(2025, 3, 18))]
    mediator: Annotated[Text | None, about("The mediator's name", "Who mediated.", "Helen Marsh")] = None
    actions: tuple[Action, ...] = about(
        "The agreed actions that are late", "Each action agreed at mediation that has not been "
        "done by its deadline.", min_length=1, max_length=30)
    letter_date: LetterDate
    reply_by: Annotated[date | None, about("Reply by", "The date you ask the LA to reply by.",
                                           date(2025, 4, 28))] = None
    case_ref: CaseRef

    @model_validator(mode="after")
    def _icb_named_when_it_owes(self) -> AgreementChaseCase:
        owed = [str(a.number or n) for n, a in enumerate(self.actions, 1) if a.body == "icb"]
        if owed and self.icb is None:
            msg = (f"icb is required: action {', '.join(owed)} is owed by the ICB, and the "
                   "letter about it goes to the ICB")
            raise ValueError(msg)
        return self


def field_problems(exc: ValidationError) -> list[tuple[str, str, str]]:
    """Turn a pydantic ValidationError into (dotted field, message, value found) triples."""
    problems = []
    for error in exc.errors():
        field = ".".join(str(part) for part in error["loc"]) or "(whole record)"
        value = error.get("input")
        found = "" if isinstance(value, dict | list | tuple) else capped(repr(value))
        message = error["msg"].removeprefix("Value error, ")
        problems.append((field, message, found))
    return problems
