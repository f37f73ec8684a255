"""Each rendered document's own title and language in its core properties, read back with python-docx."""

from __future__ import annotations

import io
from typing import Any

from docx import Document

from medocs.documents.kinds import KINDS, example_context, template_path
from medocs.documents.rendering import CompiledTemplate


def _core(data: bytes) -> Any:
    return Document(io.BytesIO(data)).core_properties


def test_title_and_language_come_from_the_context() -> None:
    """A title with &, <, quotes and accents comes out exactly as given; the language is en-GB."""
    template = CompiledTemplate.load(template_path(KINDS["decision-letter"]))
    context = dict(example_context("decision-letter"))
    title = "Decision letter R&D <1> — Zoë O'Brien \"Siobhán\""
    context["document"] = {"title": title, "language": "en-GB"}
    core = _core(template.render(context))
    assert core.title == title
    assert core.language == "en-GB"
    assert core.author == "medocs"  # the rest of the template's properties are kept


def test_medocs_contexts_name_the_document() -> None:
    """The contexts medocs builds carry the title the PDF shows."""
    template = CompiledTemplate.load(template_path(KINDS["decline-certificate"]))
    core = _core(template.render(example_context("decline-certificate")))
    assert core.title == "Mediation certificate GM-2025-000001 — Amara Khan"


def test_without_a_title_the_template_properties_are_kept() -> None:
    """A context with no 'document' key leaves the template's own core properties unchanged."""
    path = template_path(KINDS["decision-letter"])
    context = {k: v for k, v in example_context("decision-letter").items() if k != "document"}
    core = _core(CompiledTemplate.load(path).render(context))
    assert core.title == "decision-letter"
