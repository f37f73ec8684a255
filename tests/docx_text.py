"""Read a rendered .docx back as text, part by part, with python-docx (shared by tests)."""

from __future__ import annotations

import io
from pathlib import Path

from docx import Document


def _paragraph_texts(container) -> list[str]:  # type: ignore[no-untyped-def]
    texts = [p.text for p in container.paragraphs]
    for table in container.tables:
        for row in table.rows:
            for cell in row.cells:
                texts += _paragraph_texts(cell)
    return texts


def docx_parts(source: Path | bytes) -> dict[str, str]:
    """Text of the body, all headers and all footers of a .docx file or its bytes."""
    doc = Document(io.BytesIO(source) if isinstance(source, bytes) else str(source))
    headers: list[str] = []
    footers: list[str] = []
    for section in doc.sections:
        for header in (section.header, section.first_page_header):
            headers += _paragraph_texts(header)
        for footer in (section.footer, section.first_page_footer):
            footers += _paragraph_texts(footer)
    return {
        "body": "\n".join(_paragraph_texts(doc)),
        "header": "\n".join(headers),
        "footer": "\n".join(footers),
    }


def docx_text(source: Path | bytes) -> str:
    """All the text of a .docx, body, headers and footers, as one string."""
    return "\n".join(docx_parts(source).values())
