"""Issue one document from Python the way ``medocs render`` does: the library's front door.

``render`` takes a kind, a case and a profile (objects or files), numbers and registers a
certificate, writes the .docx (and a PDF if asked) and returns what it wrote. The CLI's
``render`` command calls it, so a document issued either way is the same. Like the rest of
the library it never reads the clock: ``today`` is a parameter.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TypeVar

from medocs.documents.kinds import DocumentKind, check_profile, document_kind
from medocs.errors import OutputExistsError
from medocs.issuing import Issued, issue_document
from medocs.loading import load_case
from medocs.models import CaseModel
from medocs.naming import output_path
from medocs.pdf.pool import convert
from medocs.profiles import Profile, enlarge_profile, load_profile
from medocs.register import Register, default_register_path

__all__ = ["Rendered", "register_file", "render", "to_pdf"]

_Case = TypeVar("_Case", bound=CaseModel)


@dataclass(frozen=True)
class Rendered:
    """What :func:`render` wrote.

    Attributes:
        issued: the document: its .docx path, SHA-256, certificate number and warnings.
        pdf: the PDF written, if one was asked for.
        stale_pdf: the PDF of the certificate a reissue replaced, when no new PDF was asked
            for: it still shows the superseded certificate.
    """

    issued: Issued
    pdf: Path | None = None
    stale_pdf: Path | None = None

    @property
    def docx(self) -> Path:
        """The .docx file written."""
        return self.issued.docx

    @property
    def certificate_number(self) -> str | None:
        """The number printed on a certificate (None for a letter)."""
        return self.issued.certificate_number

    @property
    def warnings(self) -> tuple[str, ...]:
        """The deadlines' warnings, such as a date that has passed."""
        return self.issued.warnings


def register_file(option: Path | None, profile: Profile | None) -> Path:
    """The certificate register to use: the one given, else the profile's, else the user's."""
    return option or (profile.register_file if profile else None) or default_register_path()


def to_pdf(docx: Sequence[Path], out_dir: Path, *, pdf_a: bool = False) -> list[Path]:
    """Convert .docx files to PDF (PDF/A-2b with ``pdf_a``) with LibreOffice, in one run.

    Raises:
        PdfError: LibreOffice is missing or a conversion failed.
    """
    return convert(list(docx), out_dir, pdf_a=pdf_a)


def render(
    kind: str | DocumentKind[_Case],
    case: _Case | Path,
    *,
    out: Path,
    today: date,
    profile: Profile | Path | None = None,
    templates: Path | None = None,
    pdf: bool = False,
    pdf_a: bool = False,
    force: bool = False,
    register: Path | None = None,
    reissue: bool = False,
    written: Callable[[Rendered], None] | None = None,
    large_print: bool = False,
) -> Rendered:
    """Issue one document, as ``medocs render`` does.

    Args:
        kind: the document kind, such as 'decline-certificate', or its ``DocumentKind``.
        case: the validated case, or a TOML/JSON case file to load.
        out: the .docx file to write, or a folder for ``{case_ref}-{kind}.docx``.
        today: the current date (for the 'already passed' warnings only).
        profile: the organisation, or its TOML file; letters of advocates need none.
        templates: a folder of the organisation's own templates.
        pdf: also write a PDF next to the .docx (needs LibreOffice).
        pdf_a: write the PDF as PDF/A-2b.
        force: replace existing files.
        register: the certificate register (SQLite); default: the profile's, else the user's.
        reissue: give a certificate whose case changed since it was issued a new number.
        written: called with the .docx's result as soon as it is written, before the PDF
            is made (so a LibreOffice failure does not hide what was written).
        large_print: 16 pt text (the profile's documents, for families who ask for it).

    Returns:
        What was written.

    Raises:
        MedocsError: for a bad kind, case, profile or template, a file that exists, a
            register or a PDF failure (each a subclass naming the file and the field).
    """
    doc_kind = document_kind(kind) if isinstance(kind, str) else kind
    organisation = load_profile(profile) if isinstance(profile, Path) else profile
    organisation = enlarge_profile(organisation, large_print)
    the_case = load_case(case, doc_kind.model) if isinstance(case, Path) else case
    check_profile(doc_kind, organisation)  # before a register is opened for it
    target = output_path(out, doc_kind, the_case.case_ref)
    pdf_target = target.with_suffix(".pdf")
    if (pdf or pdf_a) and pdf_target.exists() and not force and not reissue:
        raise OutputExistsError.at(pdf_target)
    certificates = Register(register_file(register, organisation)) if doc_kind.numbered else None
    try:
        issued = issue_document(doc_kind, the_case, organisation, target=target, today=today,
                                templates=templates, force=force, register=certificates,
                                reissue=reissue)
    finally:
        if certificates is not None:
            certificates.close()
    making_pdf = pdf or pdf_a
    stale = pdf_target if issued.replaced and not making_pdf and pdf_target.exists() else None
    result = Rendered(issued, stale_pdf=stale)
    if written is not None:
        written(result)
    if not making_pdf:
        return result
    (made,) = to_pdf([issued.docx], target.parent, pdf_a=pdf_a)
    return Rendered(issued, pdf=made)
