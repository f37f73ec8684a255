"""Template versions: which wording a copied template was made from, and what has changed since.

scripts/build_templates.py writes, into each shipped template's custom document properties
(``docProps/custom.xml``), the kind it is for and a short hash of each paragraph of its
wording (the body text a family reads, the Jinja-only ``{%p %}`` lines aside). A template an
organisation copies and edits in Word keeps those properties, so medocs can later tell it that
its own template for that kind has changed since the copy was made, and show which paragraphs:
every correction of the statutory wording then reaches the organisation as a message.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

__all__ = [
    "TemplateVersion",
    "WordingChange",
    "custom_properties_xml",
    "describe_changes",
    "paragraph_hash",
    "read_version",
    "wording_changes",
    "wording_paragraphs",
]

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_CUSTOM = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
_VT = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"  # the format id Word gives custom properties
_JINJA = re.compile(r"\{[{%#].*?[}%#]\}")
KIND_PROPERTY = "medocs.kind"
WORDING_PROPERTY = "medocs.wording"
VERSION_PROPERTY = "medocs.version"


@dataclass(frozen=True)
class TemplateVersion:
    """What a template says about the medocs template it was made from.

    Attributes:
        kind: the document kind.
        version: a short hash of all its wording paragraphs.
        paragraphs: the short hash of each wording paragraph, in order.
    """

    kind: str
    version: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class WordingChange:
    """How medocs's own template differs from a copy: paragraphs new or changed, and gone."""

    changed: tuple[str, ...]  # the current text of each paragraph the copy does not have
    removed: int  # how many of the copy's paragraphs medocs's template no longer has


def paragraph_hash(text: str) -> str:
    """A short, stable hash of one paragraph's text (whitespace runs count as one space)."""
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()[:12]


def wording_paragraphs(docx: bytes) -> list[str]:
    """The text of each wording paragraph of a .docx's body, in order (table cells included).

    Paragraphs of only placeholders and tags (``{{ line }}``, ``{%p if … %}``) and empty ones
    are left out: they are structure, not wording.
    """
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        root = etree.fromstring(package.read("word/document.xml"), etree.XMLParser(resolve_entities=False))
    texts = []
    for paragraph in root.iter(f"{{{_W}}}p"):
        text = " ".join("".join(t.text or "" for t in paragraph.iter(f"{{{_W}}}t")).split())
        if re.search(r"[^\W\d_]", _JINJA.sub("", text)):  # words beyond placeholders and tags
            texts.append(text)
    return texts


def custom_properties_xml(kind: str, paragraphs: list[str]) -> bytes:
    """The ``docProps/custom.xml`` that records a template's kind and wording version."""
    hashes = [paragraph_hash(text) for text in paragraphs]
    version = hashlib.sha256(" ".join(hashes).encode()).hexdigest()[:12]
    root = etree.Element(f"{{{_CUSTOM}}}Properties", nsmap={None: _CUSTOM, "vt": _VT})
    values = ((KIND_PROPERTY, kind), (VERSION_PROPERTY, version), (WORDING_PROPERTY, " ".join(hashes)))
    for pid, (name, value) in enumerate(values, start=2):  # Word numbers custom properties from 2
        prop = etree.SubElement(root, f"{{{_CUSTOM}}}property", fmtid=_FMTID, pid=str(pid), name=name)
        etree.SubElement(prop, f"{{{_VT}}}lpwstr").text = value
    xml: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return xml


def read_version(docx: bytes) -> TemplateVersion | None:
    """The version a template records, or None (not made from a medocs template, or unreadable)."""
    try:
        with zipfile.ZipFile(io.BytesIO(docx)) as package:
            xml = package.read("docProps/custom.xml")
        root = etree.fromstring(xml, etree.XMLParser(resolve_entities=False))
    except (KeyError, zipfile.BadZipFile, etree.XMLSyntaxError):
        return None
    values = {prop.get("name"): "".join(prop.itertext()).strip()
              for prop in root.iter(f"{{{_CUSTOM}}}property")}
    if not values.get(KIND_PROPERTY) or WORDING_PROPERTY not in values:
        return None
    return TemplateVersion(values[KIND_PROPERTY], values.get(VERSION_PROPERTY, ""),
                           tuple(values[WORDING_PROPERTY].split()))


def wording_changes(copy: bytes, shipped: bytes) -> WordingChange | None:
    """What medocs's template (``shipped``) changed since ``copy`` was made from it.

    Args:
        copy: an organisation's template, copied from medocs's.
        shipped: medocs's own template of the same kind, as it is now.

    Returns:
        None when the copy records no version or records the shipped one; else the change.
    """
    made_from, now = read_version(copy), read_version(shipped)
    if made_from is None or now is None or made_from.version == now.version:
        return None
    current = wording_paragraphs(shipped)
    recorded = set(made_from.paragraphs)
    changed = tuple(text for text in current if paragraph_hash(text) not in recorded)
    still = {paragraph_hash(text) for text in current}
    return WordingChange(changed, sum(1 for h in made_from.paragraphs if h not in still))


def describe_changes(path: Path, kind: str, change: WordingChange, *, limit: int = 10) -> list[str]:
    """Lines that tell an organisation what changed in medocs's template since its copy.

    Args:
        path: the copied template.
        kind: its document kind.
        change: from :func:`wording_changes`.
        limit: most paragraphs quoted.

    Returns:
        A first line saying so, then one line per new or changed paragraph (shortened).
    """
    counts = f"{len(change.changed)} paragraph(s) new or changed"
    if change.removed:
        counts += f", {change.removed} removed"
    lines = [f"{path}: medocs's own {kind} template has changed since this copy was made ({counts}); "
             f"copy the new wording into it:"]
    for text in change.changed[:limit]:
        lines.append("  changed: " + (text if len(text) <= 100 else text[:99] + "…"))
    if len(change.changed) > limit:
        lines.append(f"  … and {len(change.changed) - limit} more")
    return lines
