"""The catalogue of document kinds: each kind's case model, template, context and file name.

Adding a document kind means adding one entry to ``KINDS``; the CLI, batch, check and fields
commands all read the catalogue.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any, Generic, TypeVar

from medocs.documents.advocacy import (
    agreement_chase_context,
    certificate_request_context,
    mediation_not_arranged_context,
    mediation_request_context,
)
from medocs.documents.checking import missing_required
from medocs.documents.context import (
    agreement_record_context,
    decision_letter_context,
    decline_certificate_context,
    mediation_certificate_context,
)
from medocs.documents.deadline_names import is_old_name, with_old_names
from medocs.documents.isolation import IsolatedTemplate
from medocs.documents.presentation import Brand, Presentation
from medocs.documents.properties import DEFAULT_LANGUAGE
from medocs.documents.rendering import CompiledTemplate, load_template
from medocs.documents.versions import describe_changes, wording_changes
from medocs.errors import MedocsError, TemplateCheckError
from medocs.loading import load_case
from medocs.models import (
    AgreementChaseCase,
    AgreementRecordCase,
    CaseModel,
    CertificateRequestCase,
    DecisionLetterCase,
    DeclineCertificateCase,
    MediationCertificateCase,
    MediationNotArrangedCase,
    MediationRequestCase,
)
from medocs.profiles import Letterhead, Profile, load_profile

__all__ = [
    "KINDS",
    "CaseT",
    "DocumentKind",
    "build_context",
    "check_profile",
    "copied_template_changes",
    "data_dir",
    "document_kind",
    "document_title",
    "example_context",
    "kind_template",
    "letterhead_of",
    "presentation_of",
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
    "deadlines.appeal_deadline.date": "the appeal deadline (HESC Rules r.20)",
    "deadlines.adviser_contact_deadline.date": "the date to contact the mediation adviser by (reg 33)",
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
    "deadlines.appeal_deadline.date": "the resulting appeal deadline",
    "decision.letter_sent": "the date of the decision letter",
}
# Every advocate's letter: who writes, with whose consent, about which decision (LETTERS.md §5).
_ADVOCATE_REQUIRED = {
    "advocate.name": "who writes the letter",
    "client.consent_given": "the date the parent or young person gave consent",
    "subject": "the subject line: child, date of birth and issue",
    "letter.date": "the date of the letter",
    "chronology.date": "the dated chronology",
}
_MEDIATION_REQUEST_REQUIRED = {
    **_ADVOCATE_REQUIRED,
    "issues": "the mediation issues (reg 32(e))",
    "health_provision": "the health care provision wanted, if any (reg 32(e))",
    "deadlines.mediation_arrange_by.date": "the date by which the LA must arrange mediation (30 days)",
    "deadlines.icb_notice_due.date": "the date by which the LA must tell the ICB (3 working days)",
    "deadlines.appeal_deadline.date": "the appeal deadline (appeal rights reserved)",
}
_CERTIFICATE_REQUEST_REQUIRED = {
    **_ADVOCATE_REQUIRED,
    "deadlines.decline_certificate_due.date": "the date the certificate must be issued by (3 working days)",
    "deadlines.appeal_deadline_if_issued.date": "the appeal deadline if the certificate is issued that day",
}
_NOT_ARRANGED_REQUIRED = {
    **_ADVOCATE_REQUIRED,
    "deadlines.mediation_arrange_by.date": "the date mediation had to be arranged by (30 days)",
    "deadlines.deemed_certificate_due.date": "the date the certificate is asked for by",
    "deadlines.appeal_deadline_if_issued.date": "the appeal deadline if the certificate is issued that day",
}
_CHASE_REQUIRED = {
    **_ADVOCATE_REQUIRED,
    "agreement.date": "the date of the mediation agreement (reg 42)",
    "actions.deadline": "each late action's deadline",
    "actions.explanation": "how each deadline was computed",
    "reply_by": "the date a reply is asked for",
}
_AGREEMENT_REQUIRED = {
    "agreement.date": "the date of the agreement (reg 42)",
    "actions.deadline": "each agreed action's deadline (reg 42(2), (3), (5))",
}


CaseT = TypeVar("CaseT", bound=CaseModel, covariant=True)
_Case = TypeVar("_Case", bound=CaseModel)  # the same in a function's parameters


@dataclass(frozen=True)
class DocumentKind(Generic[CaseT]):
    """One kind of document medocs produces, for cases of the model ``CaseT``."""

    name: str
    title: str
    model: type[CaseT]
    template: str
    context: Callable[..., dict[str, Any]]
    numbered: bool
    required: dict[str, str]
    sample: str
    # False for letters whose case names every organisation itself (the advocates' letters).
    needs_profile: bool = True
    # Samples of other cases of the kind that state another deadline (a deemed certificate,
    # health care wanted): a template names each in an {% if %}, so the example has them all.
    variants: tuple[str, ...] = ()


KINDS: dict[str, DocumentKind[CaseModel]] = {
    kind.name: kind
    for kind in (
        DocumentKind("decision-letter", "LA decision letter", DecisionLetterCase,
                     "decision-letter.docx", decision_letter_context, False,
                     _DECISION_LETTER_REQUIRED, "decision-letter.toml"),
        DocumentKind("decline-certificate", "Mediation certificate (no mediation), s.55(4)",
                     DeclineCertificateCase, "decline-certificate.docx",
                     decline_certificate_context, True, _CERTIFICATE_REQUIRED,
                     "decline-certificate.toml", variants=("decline-certificate-deemed.toml",)),
        DocumentKind("mediation-certificate", "Mediation certificate after mediation, s.55(5)",
                     MediationCertificateCase, "mediation-certificate.docx",
                     mediation_certificate_context, True, _CERTIFICATE_REQUIRED,
                     "mediation-certificate.toml"),
        DocumentKind("agreement-record", "Record of agreement reached at mediation, reg 42",
                     AgreementRecordCase, "agreement-record.docx", agreement_record_context,
                     False, _AGREEMENT_REQUIRED, "agreement-record.toml"),
        DocumentKind("mediation-request", "Advocate's letter to the LA: request for mediation",
                     MediationRequestCase, "mediation-request.docx", mediation_request_context,
                     False, _MEDIATION_REQUEST_REQUIRED, "mediation-request.toml",
                     needs_profile=False, variants=("mediation-request-health.toml",)),
        DocumentKind("certificate-request",
                     "Advocate's letter to the mediation adviser: certificate without mediation",
                     CertificateRequestCase, "certificate-request.docx",
                     certificate_request_context, False, _CERTIFICATE_REQUEST_REQUIRED,
                     "certificate-request.toml", needs_profile=False),
        DocumentKind("mediation-not-arranged",
                     "Advocate's letter to the LA and adviser: mediation not arranged in 30 days",
                     MediationNotArrangedCase, "mediation-not-arranged.docx",
                     mediation_not_arranged_context, False, _NOT_ARRANGED_REQUIRED,
                     "mediation-not-arranged.toml", needs_profile=False,
                     variants=("mediation-not-arranged-health.toml",)),
        DocumentKind("agreement-chase", "Advocate's letter to the LA: agreed action not done",
                     AgreementChaseCase, "agreement-chase.docx", agreement_chase_context, False,
                     _CHASE_REQUIRED, "agreement-chase.toml", needs_profile=False),
    )
}


def document_kind(name: str) -> DocumentKind[CaseModel]:
    """Return the document kind called ``name``, or raise MedocsError listing the kinds."""
    try:
        return KINDS[name]
    except KeyError:
        msg = f"unknown document kind {name!r}: choose one of {', '.join(KINDS)}"
        raise MedocsError(msg) from None


def data_dir(name: str) -> Path:
    """Folder of shipped data ('templates' or 'samples'): inside the wheel, or the checkout."""
    package = Path(__file__).resolve().parents[1]  # src/medocs, or medocs/ in the wheel
    packaged = package / name
    if packaged.is_dir():
        return packaged
    return package.parents[1] / name


def template_path(kind: DocumentKind[CaseModel], templates: Path | None = None) -> Path:
    """The template file for ``kind``: from ``templates`` if given, else the shipped one."""
    return (templates or data_dir("templates")) / kind.template


def check_profile(kind: DocumentKind[CaseModel], profile: Profile | None) -> None:
    """Raise MedocsError if ``kind`` needs an organisation profile and none is given."""
    if profile is None and kind.needs_profile:
        msg = f"{kind.name} needs an organisation profile (--profile FILE)"
        raise MedocsError(msg)


def build_context(
    kind: DocumentKind[_Case],
    case: _Case,
    profile: Profile | None,
    *,
    today: date,
    certificate_number: str | None = None,
) -> dict[str, Any]:
    """Build the template context for one case of ``kind``.

    Raises:
        MedocsError: if ``profile`` is None and the kind needs one.
    """
    check_profile(kind, profile)
    if kind.numbered:
        number = certificate_number or "DRAFT"
        context = kind.context(case, profile, certificate_number=number, today=today)
    else:
        context = kind.context(case, profile, today=today)
    context["document"] = {"title": document_title(kind, context), "language": DEFAULT_LANGUAGE}
    if profile is not None and kind.needs_profile:
        context["letterhead"] = letterhead_context(kind, profile)
    return context


def letterhead_context(kind: DocumentKind[Any], profile: Profile) -> dict[str, Any]:
    """The letterhead lines: the profile's [letterhead] contact lines, else its LA's or service's.

    Args:
        kind: the document kind (certificates and agreements are on the mediation service's).
        profile: the organisation profile.

    Returns:
        ``name``, ``tagline``, ``address`` (lines), ``phone``, ``email``, ``website``.
    """
    if kind.name in _SERVICE_LETTERHEAD:
        service = profile.mediation_service
        own: dict[str, Any] = {"name": service.name,
                               "tagline": "Independent SEND mediation and mediation advice",
                               "address": list(service.address), "phone": service.phone,
                               "email": service.email, "website": service.website}
    else:
        la = profile.la
        own = {"name": la.name, "tagline": la.service, "address": list(la.address), "phone": la.phone,
               "email": la.email, "website": la.website}
    letterhead = letterhead_of(kind, profile)
    if letterhead is not None:
        given = {"address": list(letterhead.address), "phone": letterhead.phone,
                 "email": letterhead.email, "website": letterhead.website}
        own.update({key: value for key, value in given.items() if value})
    return own


# What a document calls itself in its title (the PDF's Title, read out by screen readers).
_TITLES = {
    "decision-letter": "Decision letter",
    "decline-certificate": "Mediation certificate",
    "mediation-certificate": "Mediation certificate",
    "agreement-record": "Record of agreement",
    "mediation-request": "Request for mediation",
    "certificate-request": "Request for a mediation certificate",
    "mediation-not-arranged": "Mediation not arranged",
    "agreement-chase": "Agreed actions not done",
}


def document_title(kind: DocumentKind[Any], context: dict[str, Any]) -> str:
    """The title of one document: what it is, its number or reference, and whose it is.

    Args:
        kind: the document kind.
        context: its render context (``certificate.number`` or ``case_ref``, ``child.name``).

    Returns:
        e.g. "Mediation certificate GM-2025-000001 — Amara Khan".
    """
    certificate = context.get("certificate")
    number = certificate.get("number") if kind.numbered and isinstance(certificate, dict) else None
    reference = number or context.get("case_ref")
    child = context.get("child")
    name = child.get("name") if isinstance(child, dict) else None
    title = " ".join(str(part) for part in (_TITLES.get(kind.name, kind.title), reference) if part)
    return f"{title} — {name}" if name else title


@cache
def example_context(name: str) -> dict[str, Any]:
    """A fully populated context of kind ``name``, from the shipped sample case and profile.

    Its ``deadlines`` are those of the sample and of its variants (``DocumentKind.variants``):
    every deadline some case of the kind states, each by its timeline key.
    """
    kind = document_kind(name)
    samples = data_dir("samples")
    profile = load_profile(samples / "westminster.toml")
    contexts = [build_context(kind, load_case(samples / sample, kind.model), profile,
                              today=date(2025, 1, 1), certificate_number="GM-2025-000001")
                for sample in (kind.sample, *kind.variants)]
    example = contexts[0]
    if "deadlines" in example:
        example["deadlines"] = with_old_names({
            key: value for context in contexts for key, value in context["deadlines"].items()
            if not is_old_name(key)})
    return example


def render_document(
    kind: DocumentKind[_Case],
    case: _Case,
    profile: Profile | None,
    *,
    today: date,
    templates: Path | None = None,
    certificate_number: str | None = None,
) -> bytes:
    """Render one case of ``kind`` to .docx bytes with the compiled (cached) template."""
    context = build_context(kind, case, profile, today=today, certificate_number=certificate_number)
    return kind_template(kind, templates, profile).render(context)


# The kinds on the mediation service's letterhead; the others are on the LA's.
_SERVICE_LETTERHEAD = ("decline-certificate", "mediation-certificate", "agreement-record")


def letterhead_of(kind: DocumentKind[Any], profile: Profile) -> Letterhead | None:
    """The letterhead of ``kind``'s documents: the service's for certificates, else the LA's."""
    return profile.mediation_service.letterhead if kind.name in _SERVICE_LETTERHEAD else profile.letterhead


def presentation_of(kind: DocumentKind[Any], profile: Profile | None) -> Presentation:
    """How ``kind``'s documents look: the letterhead brand and large print (set per run)."""
    if profile is None:
        return Presentation()
    letterhead = letterhead_of(kind, profile)
    brand = None if letterhead is None else Brand(
        font=letterhead.font, fallback_font=letterhead.fallback_font if letterhead.font else None,
        accent=letterhead.accent_colour.lstrip("#") if letterhead.accent_colour else None,
        logo=letterhead.logo)
    return Presentation(large_print=profile.large_print, brand=brand)


def kind_template(kind: DocumentKind[CaseModel], templates: Path | None = None,
                  profile: Profile | None = None) -> CompiledTemplate:
    """The compiled template of ``kind``, refused if it leaves out an item the kind must show.

    Every path that writes a document (render, batch, draft, ``render_document``) takes its
    template here, so a decision letter without a reg 32 item is never written, as
    ``medocs check`` says. The check runs once per compiled template (keyed by its SHA-256).

    Raises:
        TemplateError: the template cannot be read or compiled.
        TemplateCheckError: the template never uses a field in ``kind.required``.
    """
    path = template_path(kind, templates)
    logo_text = "Logo" if profile is None else (
        profile.mediation_service.name if kind.name in _SERVICE_LETTERHEAD else profile.la.name)
    # medocs's own templates are trusted; any other renders in a worker that can be killed
    own = path.resolve().is_relative_to(data_dir("templates").resolve())
    template = load_template(path, presentation_of(kind, profile), logo_text=logo_text,
                             template_class=CompiledTemplate if own else IsolatedTemplate)
    missing = _missing_items(kind.name, path, template.sha256)
    if missing:
        msg = (f"{path}: a {kind.name} template must show {'; '.join(missing)}. Nothing was "
               f"written. See `medocs check {path} --kind {kind.name}`.")
        raise TemplateCheckError(msg)
    return template


def copied_template_changes(kind: DocumentKind[Any], templates: Path | None, *,
                            template: Path | None = None) -> list[str]:
    """What changed in medocs's own template of ``kind`` since the organisation's copy was made.

    Args:
        kind: the document kind.
        templates: the organisation's templates folder (None: medocs's own, never stale).
        template: the copied file itself, when it is not named as the kind's template is.

    Returns:
        Lines to show (empty when the copy is current, records no version, or is medocs's own).
    """
    if templates is None:
        return []
    path = template or template_path(kind, templates)
    shipped = template_path(kind)
    try:
        copy, own = path.read_bytes(), shipped.read_bytes()
    except OSError:
        return []  # rendering names the unreadable file
    return _changes(kind.name, path, hashlib.sha256(copy).hexdigest(), copy, own)


@cache
def _changes(kind_name: str, path: Path, sha256: str, copy: bytes, own: bytes) -> list[str]:
    change = wording_changes(copy, own)
    return [] if change is None else describe_changes(path, kind_name, change)


@cache
def _missing_items(kind_name: str, path: Path, sha256: str) -> tuple[str, ...]:
    """The required fields the template with this content never uses, as 'field (what)'."""
    kind = document_kind(kind_name)
    missing = missing_required(path, example=example_context(kind_name), required=kind.required)
    return tuple(f"'{field}' ({description})" for field, description in missing)
