"""The mediation certificates: declined or not arranged (s.55(4)) and after mediation (s.55(5))."""

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
    ContactedAdviser,
    IssuedOn,
    Text,
    _check_order,
    _Model,
    about,
)
from medocs.models.decisions import DecisionRef
from medocs.models.people import CaseCouncil, Child, Recipient, _check_young_person


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
