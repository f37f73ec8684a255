"""The letters an advocate writes for a parent or young person (LETTERS.md §5).

A case file names the LA and the mediation adviser itself, so these letters need no
organisation profile; `medocs draft` fills them from one when it is given. Checks between
dates sit on the later field (a field validator), so an error names the field to correct.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, ClassVar

from pydantic import AfterValidator, ValidationInfo, field_validator, model_validator

from medocs.models.agreements import Action
from medocs.models.common import (
    _HEALTH,
    _ISSUES,
    CaseModel,
    CaseRef,
    ContactedAdviser,
    LetterDate,
    Text,
    _not_before,
    about,
)
from medocs.models.decisions import DecisionRef
from medocs.models.people import Addressee, Advocate, Child, Client, young_person_problem
from medocs.timeline.order import earlier_events

_LA = about("The local authority", "The local authority written to.", {
    "organisation": "Westminster City Council", "name": "Daniel Okafor",
    "job_title": "SEND Disagreement Resolution Lead", "salutation": "Mr Okafor",
    "address": ("64 Victoria Street",), "email": "send.mediation@westminster.gov.uk"})
_ADVISER = about("The mediation adviser", "The mediation adviser written to.", {
    "organisation": "Global Mediation", "name": "Ruth Adeyemi", "job_title": "Mediation Adviser",
    "salutation": "Ms Adeyemi", "address": ("1 Example Road",), "email": "info@globalmediation.co.uk"})


def _health_needs_plan(value: tuple[str, ...], info: ValidationInfo) -> tuple[str, ...]:
    """Refuse health care provision for a decision where no EHC plan exists (reg 32(e)(iii))."""
    decision = info.data.get("decision")
    if value and isinstance(decision, DecisionRef) and not decision.kind.has_plan:
        msg = (f"health care provision can be a mediation issue only where an EHC plan exists "
               f"(SEND Regulations 2014, reg 32(e)(iii)); a {decision.kind.value} decision has "
               f"no plan: leave health_provision out")
        raise ValueError(msg)
    return value


# Health care provision as a mediation issue, refused where the decision has no plan.
HealthProvision = Annotated[tuple[Text, ...], AfterValidator(_health_needs_plan)]


# Which event of the case (timeline/order.py EVENT_ORDER) each date field of a letter is.
_EVENT_OF_FIELD = {
    "decision.letter_sent": "decision_sent",
    "contacted_adviser": "adviser_contacted",
    "mediation_requested": "mediation_requested",
    "agreement_date": "agreement_date",
    "client.consent_given": "consent_given",
    "letter_date": "letter_written",
    "reply_by": "reply_by",
}


def _dates_after(fields: set[str]) -> dict[str, tuple[str, ...]]:
    """For each date field among ``fields``, the fields it may not precede (from EVENT_ORDER)."""
    present = {name: event for name, event in _EVENT_OF_FIELD.items() if name.split(".")[0] in fields}
    field_of = {event: name for name, event in present.items()}
    after = {name: tuple(field_of[e] for e in earlier_events(event) if e in field_of)
             for name, event in present.items()}
    return {name: earlier for name, earlier in after.items() if earlier}


class _AdvocateLetter(CaseModel):
    """What every advocate's letter has: who writes, for whom, about which decision.

    ``after`` lists, for each date field, the earlier fields it may not precede, as
    ``EVENT_ORDER`` says; the check sits on the later field so that an error names the field
    to correct.
    """

    after: ClassVar[dict[str, tuple[str, ...]]] = {}

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        cls.after = _dates_after(set(cls.model_fields))

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

    la: Annotated[Addressee, _LA]
    adviser: Annotated[Addressee, _ADVISER]
    contacted_adviser: ContactedAdviser
    issues: tuple[Text, ...] = about(*_ISSUES, min_length=1, max_length=30)
    health_provision: HealthProvision = about(*_HEALTH, default=(), max_length=30)
    letter_date: LetterDate
    case_ref: CaseRef


class CertificateRequestCase(_AdvocateLetter):
    """To the mediation adviser: no mediation, please issue the certificate (s.55(4), T7)."""

    adviser: Annotated[Addressee, _ADVISER]
    la_name: Annotated[Text, about("The local authority", "The local authority that made the "
                                   "decision.", "Westminster City Council")]
    contacted_adviser: ContactedAdviser
    certificate_to: Text | None = None
    letter_date: LetterDate
    case_ref: CaseRef


class MediationNotArrangedCase(_AdvocateLetter):
    """To the LA and the adviser: 30 days have passed without mediation (T12, T13)."""

    la: Annotated[Addressee, _LA]
    adviser: Annotated[Addressee, _ADVISER]
    contacted_adviser: ContactedAdviser
    mediation_requested: Annotated[date, about(
        "Date the LA was told mediation is wanted", "The date the LA was told the family wishes "
        "to go to mediation: the 30 days to arrange it start then.", date(2024, 10, 21))]
    issues: tuple[Text, ...] = about(*_ISSUES, default=(), max_length=30)
    health_provision: HealthProvision = about(*_HEALTH, default=(), max_length=30)
    letter_date: LetterDate
    case_ref: CaseRef


class AgreementChaseCase(_AdvocateLetter):
    """To the LA: an action agreed at mediation is past its reg 42 deadline."""

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
