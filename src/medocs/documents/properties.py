"""A document's core properties (title, language), written per document at render time.

A PDF takes its title and language from these: LibreOffice writes ``dc:title`` as the PDF's
Title (what a screen reader announces and a viewer's window shows) and ``dc:language`` with the
default paragraph language as ``/Lang``. A template's own core properties say "decision-letter";
each document gets its own title ("Mediation certificate GM-2025-000001 — Amara Khan").
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from lxml import etree
from markupsafe import escape

from medocs.errors import TemplateError

__all__ = ["DEFAULT_LANGUAGE", "CoreProperties", "DocumentProperties", "properties_from_context"]

DEFAULT_LANGUAGE = "en-GB"
_CP = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
_DC = "http://purl.org/dc/elements/1.1/"
_XML_DECL = "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"


@dataclass(frozen=True)
class DocumentProperties:
    """What one rendered document says about itself.

    Attributes:
        title: the document's title, e.g. "Decision letter WCC-EHC-2024-0417 — Amara Khan".
        language: a BCP 47 tag; en-GB for every medocs document.
    """

    title: str
    language: str = DEFAULT_LANGUAGE


class CoreProperties:
    """The template's ``docProps/core.xml`` split around its title and language, filled per render."""

    def __init__(self, part: str, xml: bytes) -> None:
        """Split ``xml`` (the core properties part called ``part``) for fast rendering.

        Raises:
            TemplateError: the part is not well-formed XML.
        """
        self.part = part
        try:
            root = etree.fromstring(xml, etree.XMLParser(resolve_entities=False))
        except etree.XMLSyntaxError as exc:
            msg = f"{part} is not well-formed XML ({exc})"
            raise TemplateError(msg) from exc
        markers = {}
        for name in ("title", "language"):
            element = root.find(f"{{{_DC}}}{name}")
            if element is None:
                element = etree.SubElement(root, f"{{{_DC}}}{name}")
            markers[name] = f"medocs-{name}-{secrets.token_hex(8)}"
            element.text = markers[name]
        text: str = etree.tostring(root, encoding="unicode")
        self._head, rest = text.split(markers["title"])
        self._middle, self._tail = rest.split(markers["language"])
        if root.tag != f"{{{_CP}}}coreProperties":  # pragma: no cover - a damaged package
            msg = f"{part} is not a core properties part"
            raise TemplateError(msg)

    def render(self, properties: DocumentProperties) -> bytes:
        """The part's bytes with ``properties``' title and language (escaped as XML text)."""
        # str(): a Markup on the right would escape the XML on its left
        title, language = str(escape(properties.title)), str(escape(properties.language))
        return (_XML_DECL + self._head + title + self._middle + language + self._tail).encode("utf-8")


def properties_from_context(context: Mapping[str, Any]) -> DocumentProperties | None:
    """The properties a context asks for in its ``document`` key (title, language), if any.

    Args:
        context: a render context; medocs's contexts carry ``document.title``.

    Returns:
        The properties, or None when the context gives no title (the template's own are kept).
    """
    document = context.get("document")
    if not isinstance(document, Mapping) or not isinstance(document.get("title"), str):
        return None
    return DocumentProperties(document["title"], str(document.get("language") or DEFAULT_LANGUAGE))
