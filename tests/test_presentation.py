"""Large print and the profile's letterhead on medocs's own templates, read back from real .docx files."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from docx import Document
from docx_sizes import DocxSizes
from helpers import docx_parts

from medocs.cli import main
from medocs.documents.kinds import KINDS, data_dir, document_kind, render_document
from medocs.documents.presentation import image_size
from medocs.loading import load_case
from medocs.profiles import Profile, enlarge_profile, load_profile

SAMPLES = data_dir("samples")
PROFILE_KINDS = [name for name, kind in KINDS.items() if kind.needs_profile]


def _render(name: str, profile: Profile) -> bytes:
    kind = document_kind(name)
    case = load_case(SAMPLES / kind.sample, kind.model)
    return render_document(kind, case, profile, today=date(2025, 1, 1), certificate_number="GM-2025-000001")


@pytest.mark.parametrize("name", PROFILE_KINDS)
def test_large_print_sets_every_run_at_16pt_or_more(name: str) -> None:
    """--large-print: body, tables, letterhead, footer and page numbers all 16 pt or larger."""
    profile = enlarge_profile(load_profile(SAMPLES / "westminster.toml"))
    sizes = [size for _, _, size in DocxSizes(_render(name, profile)).runs()]
    assert sizes
    assert min(sizes) >= 32
    plain = _render(name, load_profile(SAMPLES / "westminster.toml"))
    normal = [size for _, _, size in DocxSizes(plain).runs()]
    assert min(normal) == 24  # and without it, the 12 pt minimum


def test_large_print_keeps_the_wording() -> None:
    """Large print changes sizes only: the text of the letter is the same."""
    profile = load_profile(SAMPLES / "westminster.toml")
    assert docx_parts(_render("decision-letter", enlarge_profile(profile))) == docx_parts(
        _render("decision-letter", profile))


def test_large_print_offer_is_in_the_letter() -> None:
    """The letter offers large print, which --large-print now makes true."""
    text = docx_parts(_render("decision-letter", load_profile(SAMPLES / "westminster.toml")))["footer"]
    assert "large print" in text


def test_cli_render_and_batch_take_large_print(tmp_path: Path) -> None:
    """`medocs render --large-print` writes a 16 pt letter; batch has the option too."""
    runner = CliRunner()
    out = tmp_path / "letter.docx"
    result = runner.invoke(main, ["render", "decision-letter", str(SAMPLES / "decision-letter.toml"),
                                  "--profile", str(SAMPLES / "westminster.toml"), "--out", str(out),
                                  "--large-print"])
    assert result.exit_code == 0, result.output
    assert min(size for _, _, size in DocxSizes(out.read_bytes()).runs()) >= 32
    assert "--large-print" in runner.invoke(main, ["batch", "--help"]).output


def test_large_print_without_a_profile_is_refused(tmp_path: Path) -> None:
    """Advocates' letters take no profile; --large-print then says it needs one."""
    result = CliRunner().invoke(main, ["render", "mediation-request", str(SAMPLES / "mediation-request.toml"),
                                       "--out", str(tmp_path / "x.docx"), "--large-print"])
    assert result.exit_code == 1
    assert "--large-print needs an organisation profile" in result.output


def _header_xml(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return "".join(package.read(n).decode() for n in package.namelist() if n.startswith("word/header"))


def test_letterhead_brands_the_stock_decision_letter() -> None:
    """riverside.toml: its logo, address, colour and font on medocs's own template."""
    profile = load_profile(SAMPLES / "riverside.toml")
    data = _render("decision-letter", profile)
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        assert package.read("word/media/letterhead-logo.png") == (SAMPLES / "riverside-logo.png").read_bytes()
        styles = package.read("word/styles.xml").decode()
        fonts = package.read("word/fontTable.xml").decode()
        document = package.read("word/document.xml").decode()
    header = _header_xml(data)
    assert 'r:embed="rIdMedocsLogo"' in header
    assert 'descr="Riverside Borough Council"' in header  # the logo's alternative text
    assert 'w:ascii="Verdana"' in styles
    assert "Arial" not in styles
    assert '<w:altName w:val="DejaVu Sans"/>' in fonts
    assert "0B6E4F" in styles + header
    assert "1D4E89" not in styles + header + document
    parts = docx_parts(data)
    assert "Riverside House, 1 Quay Street, Riverton, RV1 2AB" in parts["header"]
    assert "Telephone 01632 960 100" in parts["header"]
    doc: Any = Document(io.BytesIO(data))
    assert doc.sections[0].first_page_header.paragraphs[0]._p.xpath(".//pic:pic")


def test_the_council_logo_stays_off_the_services_certificate() -> None:
    """[letterhead] is the LA's: the mediation service's certificate keeps its own letterhead."""
    data = _render("mediation-certificate", load_profile(SAMPLES / "riverside.toml"))
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        assert not [n for n in package.namelist() if n.startswith("word/media/")]
    assert "Riverton Mediation" in docx_parts(data)["header"]
    assert "Riverside House" not in docx_parts(data)["header"]


def test_westminster_without_letterhead_is_unchanged() -> None:
    """A profile without [letterhead] gets the template as built: Arial, the medocs blue."""
    data = _render("decision-letter", load_profile(SAMPLES / "westminster.toml"))
    assert "1D4E89" in _header_xml(data)
    assert "Westminster City Hall, 64 Victoria Street, London, SW1E 6QP" in docx_parts(data)["header"]


def test_sample_logo_is_a_png() -> None:
    """The sample logo is a real PNG whose size the letterhead reads."""
    assert image_size((SAMPLES / "riverside-logo.png").read_bytes(), "logo") == (120, 120)
