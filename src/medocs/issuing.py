"""Issue one document: render it, write it safely, number and register certificates, PDF.

Used by ``medocs render`` for one case and by the batch for each row, so that a document
issued either way is numbered, written and recorded the same way.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from medocs import __version__
from medocs.documents import DocumentKind, build_context, template_path
from medocs.errors import OutputExistsError
from medocs.naming import DEFAULT_PATTERN, file_stem
from medocs.profiles import Profile
from medocs.register import Register
from medocs.rendering import load_template, write_atomic
from medocs.workdays import HOLIDAYS_DATA_VERSION

__all__ = ["Issued", "certificate_facts", "issue_document", "output_path"]


@dataclass(frozen=True)
class Issued:
    """What was written for one case."""

    case_ref: str
    docx: Path
    sha256: str
    certificate_number: str | None
    warnings: tuple[str, ...]
    key_dates: dict[str, str]


def output_path(out: Path, kind: DocumentKind, case_ref: str, *, pattern: str = DEFAULT_PATTERN
                ) -> Path:
    """Where a document goes: ``out`` itself if it names a .docx file, else a file inside it."""
    if out.suffix.lower() == ".docx":
        return out
    return out / f"{file_stem(pattern, {'case_ref': case_ref, 'kind': kind.name})}.docx"


def certificate_facts(case: Any, profile: Profile) -> dict[str, Any]:
    """The register columns of a certificate case: parties, decision date, date of issue."""
    return {
        "parties": f"{case.recipient.name}; {profile.la.name}",
        "decision_date": case.decision.letter_sent,
        "issued_on": case.issued_on,
    }


def _warnings(context: dict[str, Any]) -> tuple[str, ...]:
    found: list[str] = []
    for deadline in context.get("deadlines", {}).values():
        found += [f"{deadline['label']}: {w}" for w in deadline["warnings"]]
    return tuple(found)


def _key_dates(context: dict[str, Any]) -> dict[str, str]:
    return {name: d["iso"] for name, d in context.get("deadlines", {}).items()}


def issue_document(
    kind: DocumentKind,
    case: BaseModel,
    profile: Profile | None,
    *,
    target: Path,
    today: date,
    templates: Path | None = None,
    force: bool = False,
    register: Register | None = None,
    reissue: bool = False,
) -> Issued:
    """Render one case and write it to ``target``; number and register a certificate.

    A certificate's number comes from the case file if it gives one, else from ``register``
    (reserved before rendering, because it is printed on the certificate, and completed with
    the file's hash after it is written).

    Raises:
        OutputExistsError: if ``target`` exists and ``force`` is False (nothing is reserved).
        MedocsError: for a render or register failure.
    """
    case_ref: str = getattr(case, "case_ref")  # noqa: B009 - every case model has one
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists() and not force:
        msg = f"{target} already exists: use --force to replace it"
        raise OutputExistsError(msg)
    number = getattr(case, "certificate_number", None)
    if kind.numbered and number is None and register is not None and profile is not None:
        facts = certificate_facts(case, profile)
        entry = register.reserve(
            kind=kind.name, case_ref=case_ref,
            prefix=profile.mediation_service.certificate_prefix,
            year=facts["issued_on"].year, reissue=reissue, **facts,
        )
        number = entry.number
    context = build_context(kind, case, profile, today=today, certificate_number=number)
    data = load_template(template_path(kind, templates)).render(context)
    write_atomic(target, data, force=force)
    digest = hashlib.sha256(data).hexdigest()
    if kind.numbered and register is not None and number is not None:
        register.complete(
            number, output_name=target.name, sha256=digest,
            generated_at=datetime.now(tz=UTC), medocs_version=__version__,
            holidays_version=HOLIDAYS_DATA_VERSION,
        )
    return Issued(case_ref, target, digest, number, _warnings(context), _key_dates(context))
