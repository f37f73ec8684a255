"""Accessible PDFs from the real LibreOffice, with both back-ends: tagged, en-GB, titled, real bullets.

Every PDF medocs writes (not only --pdf-a) is a tagged PDF whose catalogue says /Lang en-GB,
whose Title names the document, and whose bullets copy out as U+2022, not as the Symbol font's
private-use U+F0B7. Checked with pdfinfo, pdftotext and pikepdf on real LibreOffice output.
"""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

import pdfua
import pikepdf
import pytest
from helpers import require_soffice, require_uno

from medocs.documents.kinds import data_dir, document_kind, render_document
from medocs.loading import load_case
from medocs.pdf.pool import Backend, PdfPool
from medocs.profiles import load_profile

SAMPLES = data_dir("samples")
NUMBER = "GM-2025-000001"
TITLES = {
    "decision-letter": "Decision letter WCC-EHC-2024-0417 — Amara Khan",
    "decline-certificate": f"Mediation certificate {NUMBER} — Amara Khan",
    "agreement-record": "Record of agreement GM-2025-0107-A — Siobhán Ó Briain",
}


def _render_all(folder: Path) -> list[Path]:
    profile = load_profile(SAMPLES / "westminster.toml")
    paths = []
    for name in TITLES:
        kind = document_kind(name)
        case = load_case(SAMPLES / kind.sample, kind.model)
        path = folder / f"{name}.docx"
        data = render_document(kind, case, profile, today=date(2025, 1, 1), certificate_number=NUMBER)
        path.write_bytes(data)
        paths.append(path)
    return paths


@pytest.fixture(scope="module", params=[("uno", False), ("convert-to", False), ("uno", True)],
                ids=["uno", "convert-to", "uno-pdf-a"])
def pdfs(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The sample documents as PDFs from one back-end (and PDF/A or not), by kind name."""
    backend: Backend = request.param[0]
    require_soffice()
    if backend == "uno":
        require_uno()
    folder = tmp_path_factory.mktemp(f"pdf-{backend}")
    with PdfPool(backend=backend, pdf_a=request.param[1]) as pool:
        results = pool.convert_many(_render_all(folder), folder / "out")
    out = {}
    for source, result in results.items():
        assert isinstance(result, Path), result
        out[source.stem] = result
    return out


def _pdfinfo(path: Path) -> dict[str, str]:
    text = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    pairs = (line.partition(":") for line in text.splitlines())
    return {key.strip(): value.strip() for key, _, value in pairs}


@pytest.mark.parametrize("name", list(TITLES))
def test_pdf_is_tagged_in_en_gb_with_the_document_title(pdfs: dict[str, Path], name: str) -> None:
    """pdfinfo says Tagged and the title; the catalogue has a structure tree and /Lang en-GB."""
    info = _pdfinfo(pdfs[name])
    assert info["Tagged"] == "yes"
    assert info["Title"] == TITLES[name]
    with pikepdf.open(pdfs[name]) as pdf:
        assert bool(pdf.Root.MarkInfo.Marked) is True
        assert "/StructTreeRoot" in pdf.Root
        assert str(pdf.Root.Lang) == "en-GB"
        assert str(pdf.docinfo["/Title"]) == TITLES[name]
        # A viewer shows the title, not the file name, in its window (PDF/UA 7.1).
        assert bool(pdf.Root.ViewerPreferences.DisplayDocTitle) is True


def test_bullets_copy_out_as_text(pdfs: dict[str, Path]) -> None:
    """The decision letter's bullet lists copy out as U+2022, never as U+F0B7."""
    text = subprocess.run(["pdftotext", str(pdfs["decision-letter"]), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "\uf0b7" not in text
    bullets = [line for line in text.splitlines() if line.startswith("\u2022")]
    assert len(bullets) >= 5


@pytest.mark.parametrize("name", list(TITLES))
def test_machine_checkable_pdf_ua_findings(pdfs: dict[str, Path], name: str) -> None:
    """pdfua (the machine-checkable part of PDF/UA-1) finds no table without header cells.

    Header rows (w:tblHeader) and key columns ("Table Heading" style) come out as TH; boxes
    are bordered paragraphs, not one-cell tables. Left: the decision letter's address and
    reference block, a layout table LibreOffice cannot mark as one.
    """
    report = pdfua.validate(str(pdfs[name]))
    findings = sorted(f"{f.rule_id}: {f.message}" for f in report.findings)
    print("\n".join(findings))
    tables = [f for f in findings if f.startswith("UA-15")]
    assert len(tables) == (1 if name == "decision-letter" else 0), tables
