"""The catalogue of document kinds: each kind's case model, template, context and file name.

Adding a document kind means adding one entry to ``KINDS``; the CLI, batch, check and fields
commands all read the catalogue.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from medocs.context import (
    agreement_record_context,
    decision_letter_context,
    decline_certificate_context,
    mediation_certificate_context,
)
from medocs.errors import MedocsError
from medocs.loading import load_case
from medocs.models import (
    AgreementRecordCase,
    DecisionLetterCase,
    DeclineCertificateCase,
    MediationCertificateCase,
)
from medocs.profiles import Profile, load_profile
from medocs.rendering import load_template

__all__ = [
    "KINDS",
    "DocumentKind",
    "build_context",
    "data_dir",
    "document_kind",
    "example_context",
    "render_document",
    "template_path",
]

# Placeholders a decision letter template must use: reg 32 and the HESC time limits. An LA
# that edits its letterhead template cannot silently drop one (`medocs check`).
_DECISION_LETTER_REQUIRED = {
    "adviser.name": "the mediation adviser's name (reg 32(c))",
    "adviser.phone": "the mediation adviser's telephone number (reg 32(c))",
    "adviser.email": "the mediation adviser's email address (reg 32(c))",
    "mediation_service.website": "the mediation service's web address (reg 32(c))",
    "deadlines.appeal.date": "the appeal deadline (HESC Rules r.20)",
    "deadlines.adviser_contact.date": "the date to contact the mediation adviser by (reg 33)",
    "la_mediation_contact.name": "the LA's mediation contact (reg 32(f))",
    "la_mediation_contact.phone": "the LA's mediation contact's telephone (reg 32(f))",
    "la_mediation_contact.email": "the LA's mediation contact's email (reg 32(f))",
    "decision.plan_contents": "the Section I-only certificate exemption (s.55)",
    "decision.appeal_about": "what can be appealed (reg 5(3)(a) and equivalents)",
    "sendiass.phone": "SENDIASS contact details (reg 5(3)(d)(ii))",
    "disagreement_resolution.phone": "disagreement resolution contact (reg 5(3)(d)(i))",
    "letter.date": "the date the letter was sent",
}
_CERTIFICATE_REQUIRED = {
    "certificate.number": "the certificate number",
    "certificate.issued_on": "the date of issue (starts the 1-month appeal limb)",
    "deadlines.appeal.date": "the resulting appeal deadline",
    "decision.letter_sent": "the date of the decision letter",
}
_AGREEMENT_REQUIRED = {
    "agreement.date": "the date of the agreement (reg 42)",
    "actions.deadline": "each agreed action's deadline (reg 42(2), (3), (5))",
}


@dataclass(frozen=True)
class DocumentKind:
    """One kind of document medocs produces."""

    name: str
    title: str
    model: type[BaseModel]
    template: str
    context: Callable[..., dict[str, Any]]
    numbered: bool
    required: dict[str, str]
    sample: str


KINDS: dict[str, DocumentKind] = {
    kind.name: kind
    for kind in (
        DocumentKind("decision-letter", "LA decision letter", DecisionLetterCase,
                     "decision-letter.docx", decision_letter_context, False,
                     _DECISION_LETTER_REQUIRED, "decision-letter.toml"),
        DocumentKind("decline-certificate", "Mediation certificate (no mediation), s.55(4)",
                     DeclineCertificateCase, "decline-certificate.docx",
                     decline_certificate_context, True, _CERTIFICATE_REQUIRED,
                     "decline-certificate.toml"),
        DocumentKind("mediation-certificate", "Mediation certificate after mediation, s.55(5)",
                     MediationCertificateCase, "mediation-certificate.docx",
                     mediation_certificate_context, True, _CERTIFICATE_REQUIRED,
                     "mediation-certificate.toml"),
        DocumentKind("agreement-record", "Record of agreement reached at mediation, reg 42",
                     AgreementRecordCase, "agreement-record.docx", agreement_record_context,
                     False, _AGREEMENT_REQUIRED, "agreement-record.toml"),
    )
}


def document_kind(name: str) -> DocumentKind:
    """Return the document kind called ``name``, or raise MedocsError listing the kinds."""
    try:
        return KINDS[name]
    except KeyError:
        msg = f"unknown document kind {name!r}: choose one of {', '.join(KINDS)}"
        raise MedocsError(msg) from None


def data_dir(name: str) -> Path:
    """Folder of shipped data ('templates' or 'samples'): inside the wheel, or the checkout."""
    packaged = Path(__file__).resolve().parent / name
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / name


def template_path(kind: DocumentKind, templates: Path | None = None) -> Path:
    """The template file for ``kind``: from ``templates`` if given, else the shipped one."""
    return (templates or data_dir("templates")) / kind.template


def build_context(
    kind: DocumentKind,
    case: BaseModel,
    profile: Profile,
    *,
    today: date,
    certificate_number: str | None = None,
) -> dict[str, Any]:
    """Build the template context for one case of ``kind``."""
    if kind.numbered:
        number = certificate_number or getattr(case, "certificate_number", None) or "DRAFT"
        return kind.context(case, profile, certificate_number=number, today=today)
    return kind.context(case, profile, today=today)


@cache
def example_context(name: str) -> dict[str, Any]:
    """A fully populated context of kind ``name``, from the shipped sample case and profile."""
    kind = document_kind(name)
    samples = data_dir("samples")
    case = load_case(samples / kind.sample, kind.model)
    profile = load_profile(samples / "westminster.toml")
    return build_context(kind, case, profile, today=date(2025, 1, 1), certificate_number="GM-2025-000001")


def render_document(
    kind: DocumentKind,
    case: BaseModel,
    profile: Profile,
    *,
    today: date,
    templates: Path | None = None,
    certificate_number: str | None = None,
) -> bytes:
    """Render one case of ``kind`` to .docx bytes with the compiled (cached) template."""
    context = build_context(kind, case, profile, today=today, certificate_number=certificate_number)
    return load_template(template_path(kind, templates)).render(context)
