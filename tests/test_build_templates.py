"""The shipped templates: built reproducibly by scripts/build_templates.py, laid out for reading.

Sizes, styles and table properties are read back from real rendered .docx files with
python-docx: the effective size of a run is its own, else its character style's, else its
paragraph style chain's, else the document defaults.
"""

from __future__ import annotations

import importlib.util
import io
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx_sizes import DocxSizes

from medocs.documents.kinds import KINDS, data_dir, document_kind, render_document
from medocs.loading import load_case
from medocs.profiles import load_profile

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = data_dir("samples")
MIN_HALF_POINTS = 24  # 12 pt


def _build_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_templates", ROOT / "scripts" / "build_templates.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _render(name: str, sample: str | None = None) -> bytes:
    kind = document_kind(name)
    case = load_case(SAMPLES / (sample or kind.sample), kind.model)
    profile = load_profile(SAMPLES / "westminster.toml")
    return render_document(kind, case, profile, today=date(2025, 1, 1), certificate_number="GM-2025-000001")


VARIANTS = [(name, None) for name in KINDS] + [
    ("decision-letter", "decision-letter-cease.toml"),
    ("decision-letter", "decision-letter-final-plan.toml"),
    ("decline-certificate", "decline-certificate-deemed.toml"),
]


@pytest.mark.parametrize(("name", "sample"), VARIANTS)
def test_every_run_a_family_reads_is_at_least_12pt(name: str, sample: str | None) -> None:
    """Body, tables, reference block, letterhead, footer and page numbers: 12 pt or more."""
    sizes = DocxSizes(_render(name, sample))
    runs = list(sizes.runs())
    small = [(part, text, size / 2) for part, text, size in runs if size < MIN_HALF_POINTS]
    assert small == []
    assert {"body", "first_page_header", "footer"} <= {part for part, _, _ in runs}


@pytest.mark.parametrize("name", list(KINDS))
def test_headings_are_real_word_heading_styles(name: str) -> None:
    """The title or subject is Heading 1, sections are Heading 2; no bold paragraph fakes one."""
    doc: Any = Document(io.BytesIO(_render(name)))
    styles = [p.style.name for p in doc.paragraphs]
    assert "Heading 1" in styles
    assert "Heading 2" in styles
    for paragraph in doc.paragraphs:
        if paragraph.style.name.startswith("Heading"):
            assert paragraph.paragraph_format.keep_with_next is not False
            continue
        sizes = [r.font.size.pt for r in paragraph.runs if r.font.size is not None]
        assert not sizes or max(sizes) <= 12, paragraph.text  # a big bold line is a heading


def _row_flags(row: Any) -> set[str]:
    tr_pr = row._tr.trPr
    return set() if tr_pr is None else {child.tag.split("}")[1] for child in tr_pr}


@pytest.mark.parametrize(("name", "first_cell"), [
    ("mediation-certificate", "Mediation issue"),
    ("agreement-record", "No."),
    ("agreement-record", "Signed for"),
])
def test_table_header_rows_repeat_on_each_page(name: str, first_cell: str) -> None:
    """A table of several rows has a header row marked to repeat (w:tblHeader) on a new page."""
    doc: Any = Document(io.BytesIO(_render(name)))
    tables = [t for t in doc.tables if t.rows[0].cells[0].text == first_cell]
    assert len(tables) == 1
    rows = tables[0].rows
    assert len(rows) >= 2
    assert "tblHeader" in _row_flags(rows[0])
    assert all("tblHeader" not in _row_flags(row) for row in rows[1:])


@pytest.mark.parametrize("name", list(KINDS))
def test_no_table_row_splits_across_a_page(name: str) -> None:
    """Every row of every table is cantSplit, so no row is cut in two by a page break."""
    doc: Any = Document(io.BytesIO(_render(name)))
    assert doc.tables
    for table in doc.tables:
        for row in table.rows:
            assert "cantSplit" in _row_flags(row), row.cells[0].text


def test_signature_block_stays_together() -> None:
    """'Yours sincerely', the name and the job title each keep with the next line."""
    doc: Any = Document(io.BytesIO(_render("decision-letter")))
    texts = [p.text for p in doc.paragraphs]
    start = texts.index("Yours sincerely")
    block = doc.paragraphs[start:start + 3]
    assert [p.paragraph_format.keep_with_next for p in block] == [True, True, True]
    assert doc.paragraphs[start + 3].text.startswith("On behalf of")


@pytest.mark.parametrize("name", list(KINDS))
def test_bullets_are_a_real_character_and_language_is_en_gb(name: str) -> None:
    """Bullets use U+2022 (not Symbol's private-use U+F0B7); the default language is en-GB."""
    doc: Any = Document(io.BytesIO(_render(name)))
    numbering = doc.part.numbering_part.element
    texts = {lvl.get(qn("w:val")) for lvl in numbering.iter(qn("w:lvlText"))}
    assert "\uf0b7" not in texts
    assert "\u2022" in texts
    lang = doc.styles.element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:lang')}")
    assert lang.get(qn("w:val")) == "en-GB"


def test_committed_templates_match_a_fresh_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """scripts/build_templates.py is byte-deterministic and templates/ is what it builds."""
    script = _build_script()
    monkeypatch.setattr(script, "TEMPLATES", tmp_path)
    script.main()
    capsys.readouterr()
    committed = ROOT / "templates"
    built = sorted(p.name for p in tmp_path.glob("*.docx"))
    assert built == sorted(p.name for p in committed.glob("*.docx"))
    stale = [name for name in built if (tmp_path / name).read_bytes() != (committed / name).read_bytes()]
    assert stale == [], "run: python scripts/build_templates.py"
