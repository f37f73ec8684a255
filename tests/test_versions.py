"""Template versions: shipped templates record their wording; a stale copy is reported by check and render."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from medocs.cli import main
from medocs.documents.kinds import KINDS, data_dir, template_path
from medocs.documents.versions import custom_properties_xml, read_version, wording_changes, wording_paragraphs

SAMPLES = data_dir("samples")


def _with_member(data: bytes, name: str, blob: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info, blob if info.filename == name else src.read(info.filename))
    return out.getvalue()


def _stale_copy(folder: Path) -> tuple[Path, str]:
    """A copy of the decision letter made when one mediation paragraph read differently."""
    shipped = template_path(KINDS["decision-letter"]).read_bytes()
    paragraphs = wording_paragraphs(shipped)
    changed = max((p for p in paragraphs if "mediation" in p.lower()), key=len)
    older = [("An older wording: " + p) if p == changed else p for p in paragraphs]
    folder.mkdir(exist_ok=True)
    copy = folder / "decision-letter.docx"
    recorded = custom_properties_xml("decision-letter", older)
    copy.write_bytes(_with_member(shipped, "docProps/custom.xml", recorded))
    return copy, changed


@pytest.mark.parametrize("name", list(KINDS))
def test_shipped_templates_record_their_kind_and_wording(name: str) -> None:
    """Each template in templates/ says which kind it is and hashes each wording paragraph."""
    data = template_path(KINDS[name]).read_bytes()
    version = read_version(data)
    assert version is not None
    assert version.kind == name
    assert len(version.paragraphs) == len(wording_paragraphs(data)) > 5
    assert wording_changes(data, data) is None


def test_wording_paragraphs_leave_out_tags_and_bare_placeholders() -> None:
    """'{%p if … %}' and '{{ line }}' are structure, not wording."""
    texts = wording_paragraphs(template_path(KINDS["decision-letter"]).read_bytes())
    assert not [t for t in texts if t.startswith("{%")]
    assert "{{ line }}" not in texts


def test_check_reports_a_stale_copy_with_the_changed_paragraph(tmp_path: Path) -> None:
    """`medocs check` on an old copy says medocs's template changed and quotes the paragraph."""
    copy, changed = _stale_copy(tmp_path / "ours")
    result = CliRunner().invoke(main, ["check", str(copy), "--kind", "decision-letter"])
    assert result.exit_code == 0, result.output
    assert "medocs's own decision-letter template has changed since this copy was made" in result.output
    assert "(1 paragraph(s) new or changed, 1 removed)" in result.output
    assert "changed: " + changed[:60] in result.output


def test_check_says_nothing_of_versions_for_a_current_copy(tmp_path: Path) -> None:
    """A copy of today's template is just OK."""
    copy = tmp_path / "decision-letter.docx"
    copy.write_bytes(template_path(KINDS["decision-letter"]).read_bytes())
    result = CliRunner().invoke(main, ["check", str(copy), "--kind", "decision-letter"])
    assert result.exit_code == 0
    assert "changed since" not in result.output


def test_render_with_a_stale_copy_warns_once(tmp_path: Path) -> None:
    """`medocs render --templates` warns once, and still renders with the organisation's copy."""
    copy, _ = _stale_copy(tmp_path / "ours")
    result = CliRunner().invoke(main, [
        "render", "decision-letter", str(SAMPLES / "decision-letter.toml"), "--profile",
        str(SAMPLES / "westminster.toml"), "--templates", str(copy.parent),
        "--out", str(tmp_path / "out.docx")])
    assert result.exit_code == 0, result.output
    assert result.output.count("has changed since this copy was made") == 1
    assert (tmp_path / "out.docx").is_file()
