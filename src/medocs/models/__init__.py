"""Pydantic models of the people, decisions and cases the documents are about.

Models are frozen and forbid unknown fields, so a misspelt key in a case file is an error
rather than a silently missing line in a letter. One module per job: ``common`` (typed text,
field descriptions, the base model), ``people``, ``decisions``, ``certificates``,
``agreements`` and ``advocacy`` (the advocates' letters); every name is imported from here.
"""

from medocs.models.advocacy import (
    AgreementChaseCase,
    CertificateRequestCase,
    MediationNotArrangedCase,
    MediationRequestCase,
)
from medocs.models.agreements import Action, AgreementRecordCase, Attendee, OrderType
from medocs.models.certificates import (
    DeclineCertificateCase,
    IssueOutcome,
    MediatedIssue,
    MediationCertificateCase,
)
from medocs.models.common import NUMBER_FROM_REGISTER, CaseModel, about, field_problems
from medocs.models.common import CaseRef as CaseRef
from medocs.models.common import ContactedAdviser as ContactedAdviser
from medocs.models.common import IssuedOn as IssuedOn
from medocs.models.common import LetterDate as LetterDate
from medocs.models.common import LongText as LongText
from medocs.models.common import Text as Text
from medocs.models.decisions import DECISION_TRIGGERS, DecisionKind, DecisionLetterCase, DecisionRef
from medocs.models.people import (
    Addressee,
    Advocate,
    CaseCouncil,
    Child,
    Client,
    Recipient,
    school_leaving_date,
)
from medocs.models.people import young_person_problem as young_person_problem

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
