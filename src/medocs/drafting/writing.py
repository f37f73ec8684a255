"""Write a drafted letter: the .docx, or text for an email, the saved case and the calendar.

Every file is checked to be free before any is written, and each is written atomically.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

from docx import Document
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph

from medocs.calendars import write_calendar
from medocs.documents.advocacy import letter_deadlines
from medocs.documents.kinds import DocumentKind, build_context, render_document
from medocs.drafting.case_toml import dumps_case
from medocs.drafting.session import Prompter, confirm, saved_case_data
from medocs.errors import ReplaceDeclinedError
from medocs.files import check_free, write_atomic
from medocs.issuing import issue_document
from medocs.models import CaseModel
from medocs.naming import output_path
from medocs.pdf.pool import convert

__all__ = ["LetterGuard", "email_text", "outputs_for", "write_draft"]

def email_text(docx: bytes, *, to: str, subject: str) -> str:
    """The letter as plain text to paste into an email: To and Subject, then from 'Dear'.

    The sender's details, addresses and date are left out (the email carries them); the
    words are the rendered .docx's own, so the two never differ.
    """
    document = Document(io.BytesIO(docx))
    blocks: list[tuple[str, str]] = []  # (text, "p" | "item" | "row")
    started = False
    for element in document.element.body.iterchildren():
        if element.tag == qn("w:p"):
            paragraph = Paragraph(element, document._body)
            text = paragraph.text.strip()
            started = started or text.startswith("Dear ")
            if started and text and text != subject:  # the Subject header already says it
                style = paragraph.style.name if paragraph.style is not None else ""
                blocks.append((f"- {text}", "item") if style.startswith("List") else (text, "p"))
        elif element.tag == qn("w:tbl") and started:
            for row in Table(element, document._body).rows:
                cells: list[str] = []
                for cell in row.cells:
                    if cell.text.strip() and cell.text.strip() not in cells:
                        cells.append(cell.text.strip())
                if cells:
                    blocks.append((": ".join(cells), "row"))
    out = [f"To: {to}", f"Subject: {subject}", ""]
    previous = ""
    for text, kind in blocks:
        if out[-1] != "" and not (kind == previous and kind in ("item", "row")):
            out.append("")
        out.append(text)
        previous = kind
    return "\n".join(out) + "\n"


def outputs_for(out: Path, kind: DocumentKind[CaseModel], case_ref: str, fmt: str) -> Path:
    """Where the letter goes: ``out`` if it names a file, else ``{case_ref}-{kind}`` inside it."""
    suffix = ".txt" if fmt == "txt" else ".docx"
    if out.suffix.lower() in (".txt", ".docx"):
        return out.with_suffix(suffix)
    return output_path(out, kind, case_ref).with_suffix(suffix)


_SAVED_COMMENT = (
    "A case for medocs draft, saved by --save-case. The letter's own date is not saved: each\n"
    "letter asks for it (default: today). Use it for the next letter in this case, e.g.\n"
    "  medocs draft mediation-not-arranged THIS-FILE --out out/"
)


class LetterGuard:
    """Asks, as soon as a letter's file name is known, whether an existing file may be replaced.

    Called by :func:`medocs.drafting.session.collect_case` after each answer (``after_each``),
    so the person hears that the letter exists before answering more questions.
    """

    def __init__(self, out: Path, kind: DocumentKind[CaseModel], fmt: str, *, force: bool,
                 prompter: Prompter | None) -> None:
        """Guard the letters ``medocs draft --out OUT --format FMT`` would write.

        Args:
            out: the ``--out`` file or folder.
            kind: the letter's document kind.
            fmt: ``"docx"`` or ``"txt"``.
            force: replace without asking.
            prompter: who to ask; None means never ask (an existing file is an error).
        """
        self._out, self._kind, self._fmt = out, kind, fmt
        self._force, self._prompter = force, prompter
        self._checked: set[Path] = set()
        self.agreed: set[Path] = set()  # letters the person agreed to replace

    def __call__(self, answers: Mapping[str, Any]) -> None:
        """Check the letter named by the answers so far, once per file name.

        Raises:
            OutputExistsError: it exists, there is no one to ask and no ``force``.
            ReplaceDeclinedError: it exists and the person chose to keep it.
        """
        named_by_out = self._out.suffix.lower() in (".docx", ".txt")
        ref = "-" if named_by_out else answers.get("case_ref")
        if not ref:
            return
        target = outputs_for(self._out, self._kind, str(ref), self._fmt)
        if target in self._checked or self._force or not target.exists():
            return
        self._checked.add(target)
        if self._prompter is None:
            check_free([target], force=False)
        elif confirm(self._prompter, f"\n{target} already exists. Replace it?", default=False):
            self.agreed.add(target)
        else:
            raise ReplaceDeclinedError(target)


def write_draft(
    kind: DocumentKind[CaseModel],
    case: CaseModel,
    *,
    target: Path,
    fmt: str,
    today: date,
    stamp: datetime,
    templates: Path | None = None,
    force: bool = False,
    save_case: Path | None = None,
    ics: Path | None = None,
    replace_letter: bool = False,
    pdf: bool = False,
) -> tuple[list[Path], tuple[str, ...]]:
    """Write the saved case (first, if asked), the letter (.docx or .txt), the calendar, the PDF.

    ``pdf`` (a .docx letter only) converts the letter with LibreOffice, last.

    Returns:
        The files written, in order, and the warnings of the letter's deadlines.

    Raises:
        OutputExistsError: if a file exists and ``force`` is False; checked for every file
            before any is written. ``replace_letter`` allows replacing the letter only (the
            person agreed to it).
    """
    check_free([target], force=force or replace_letter)
    check_free([save_case, ics], force=force)
    written: list[Path] = []
    deadlines = letter_deadlines(case, today=today)
    warnings = tuple(f"{d.label}: {w}" for d in deadlines.values() for w in d.warnings)
    if save_case is not None:
        # First, so the answers are kept even if writing the letter fails.
        saved = dumps_case(saved_case_data(kind.name, case), comment=_SAVED_COMMENT)
        save_case.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(save_case, saved.encode("utf-8"), force=force)
        written.append(save_case)
    if fmt == "txt":
        context = build_context(kind, case, None, today=today)
        data = render_document(kind, case, None, today=today, templates=templates)
        text = email_text(data, to=context["by_email"], subject=context["subject"])
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(target, text.encode("utf-8"), force=force or replace_letter)
    else:
        issue_document(kind, case, None, target=target, today=today, templates=templates,
                       force=force or replace_letter)
    written.append(target)
    if ics is not None:
        child = case.child.name
        written.append(write_calendar(ics, deadlines, identity=case.case_ref, stamp=stamp, force=force,
                                      title_prefix=child, calendar_name=f"{child}: SEND deadlines"))
    if pdf and fmt == "docx":
        written += convert([target], target.parent)
    return written, warnings
