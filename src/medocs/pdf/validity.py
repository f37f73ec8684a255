"""Whether a file is a whole PDF: checked before a PDF is published, and before a re-run keeps one.

A disk that fills, or a LibreOffice that dies part-way, leaves a file that starts like a PDF but
is cut short. Such a file is never published nor taken as done: its end (``startxref`` then
``%%EOF``) must be there, the offset it gives must hold the cross-reference table, and its page
tree must count at least one page (read back from the file, as a viewer would).
"""

from __future__ import annotations

import re
from pathlib import Path

__all__ = ["pdf_problem"]

_TAIL = 4096  # bytes at the end holding the trailer
_END = re.compile(rb"startxref\s+(\d+)\s+%%EOF\s*$")
_XREF_AT = re.compile(rb"xref|\d+\s+\d+\s+obj")
_PAGES = re.compile(rb"/Type\s*/Pages\b")
_COUNT = re.compile(rb"/Count\s+(\d+)")
_WINDOW = 4096  # bytes after '/Type /Pages' in which its /Count stands


def pdf_problem(path: Path) -> str | None:
    """Why ``path`` is not a whole PDF, in words, or None when it is one.

    Args:
        path: the file.

    Returns:
        None, or what is wrong (cut short, no cross-reference table, no pages, unreadable).
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        return f"it cannot be read ({exc.strerror or exc})"
    if not data.startswith(b"%PDF-"):
        return f"it is not a PDF ({len(data):,} bytes that do not start with %PDF-)"
    end = _END.search(data[-_TAIL:])
    if end is None:
        return f"it is cut short ({len(data):,} bytes, without the end a PDF has)"
    offset = int(end[1])
    if offset >= len(data) or _XREF_AT.match(data, offset) is None:
        return "its cross-reference table is not where its end says"
    pages = [int(count[1]) for tree in _PAGES.finditer(data)
             if (count := _COUNT.search(data, tree.end(), tree.end() + _WINDOW)) is not None]
    if not pages and b"/ObjStm" not in data:  # a compressed page tree cannot be read here
        return "it has no page tree"
    if pages and max(pages) < 1:
        return "it has no pages"
    return None
