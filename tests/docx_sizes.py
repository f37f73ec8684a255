"""Effective font sizes of the runs of a rendered .docx, read back with python-docx (shared by tests).

A run's size is its own, else its character style's, else its paragraph style chain's, else
the document defaults; fields (page numbers) and every header and footer count.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

from docx import Document
from docx.oxml.ns import qn


class DocxSizes:
    """Effective font sizes (half-points) of the runs of one .docx."""

    def __init__(self, data: bytes) -> None:
        self.doc: Any = Document(io.BytesIO(data))
        styles = self.doc.styles.element
        self._by_id = {s.get(qn("w:styleId")): s for s in styles.findall(qn("w:style"))}
        default = styles.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:sz')}")
        self.default = int(default.get(qn("w:val"))) if default is not None else 20  # Word's 10 pt

    def _style_size(self, style_id: str | None) -> int | None:
        seen = set()
        while style_id and style_id not in seen:
            seen.add(style_id)
            style = self._by_id.get(style_id)
            if style is None:
                return None
            size = style.find(f"{qn('w:rPr')}/{qn('w:sz')}")
            if size is not None:
                return int(size.get(qn("w:val")))
            based = style.find(qn("w:basedOn"))
            style_id = based.get(qn("w:val")) if based is not None else None
        return None

    def runs(self) -> Iterator[tuple[str, str, int]]:
        """(part, text, effective half-points) of every run with text, fields included."""
        parts = [("body", self.doc.element.body)]
        for section in self.doc.sections:
            for name in ("header", "first_page_header", "footer", "first_page_footer"):
                part = getattr(section, name)
                if not part.is_linked_to_previous:
                    parts.append((name, part._element))
        for part_name, element in parts:
            for paragraph in element.iter(qn("w:p")):
                style = paragraph.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
                paragraph_size = self._style_size(style.get(qn("w:val")) if style is not None else "Normal")
                for run in paragraph.iter(qn("w:r")):
                    text = "".join(t.text or "" for t in run.iter(qn("w:t")))
                    if not text.strip():
                        continue
                    own = run.find(f"{qn('w:rPr')}/{qn('w:sz')}")
                    rstyle = run.find(f"{qn('w:rPr')}/{qn('w:rStyle')}")
                    size = (int(own.get(qn("w:val"))) if own is not None else None) \
                        or (self._style_size(rstyle.get(qn("w:val"))) if rstyle is not None else None) \
                        or paragraph_size or self.default
                    yield part_name, text, size
