"""medocs.documents.package: a .docx template read into Jinja parts, and a document zipped back."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from docx import Document

from medocs.documents.kinds import KINDS, template_path
from medocs.documents.package import (
    ZipAssembler,
    inner_xml,
    line_excerpt,
    read_package,
    read_template_sources,
)
from medocs.errors import TemplateError

DECISION_LETTER = template_path(KINDS["decision-letter"])


def _members(path: Path) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(path) as package:
        return [(name, package.read(name)) for name in package.namelist()]


class TestReadTemplateSources:
    def test_the_shipped_letter_has_a_body_and_its_headers_and_footers(self) -> None:
        sources = read_template_sources(DECISION_LETTER)
        kinds = [part.kind for part in sources.parts]
        assert kinds[0] == "body"
        assert sources.parts[0].part == "word/document.xml"
        assert "{{" in sources.parts[0].source
        assert set(kinds) <= {"body", "header", "footer", "footnotes"}
        assert sources.unsupported == ()

    def test_each_paragraph_starts_a_source_line(self) -> None:
        body = read_template_sources(DECISION_LETTER).parts[0].source
        lines = body.split("\n")
        assert len(lines) > 10
        # Each line after the first is "#}<w:p ...>...{#": one paragraph, its start first.
        paragraphs = [line.removeprefix("#}").removesuffix("{#") for line in lines[1:]]
        assert all(line.startswith("<w:p") for line in paragraphs)
        assert not [line for line in paragraphs if "<w:p>" in line[1:] or "<w:p " in line[1:]]

    def test_jinja_in_a_document_property_is_refused(self, tmp_path: Path) -> None:
        document = Document()
        document.add_paragraph("Dear {{ recipient.name }}")
        document.core_properties.title = "{{ case_ref }}"
        path = tmp_path / "titled.docx"
        document.save(str(path))
        sources = read_template_sources(path)
        assert len(sources.unsupported) == 1
        part, reason = sources.unsupported[0]
        assert part == "docProps/core.xml"
        assert "'title'" in reason

    def test_a_file_that_is_not_a_docx_names_itself(self, tmp_path: Path) -> None:
        path = tmp_path / "letter.docx"
        path.write_text("not a zip", encoding="utf-8")
        with pytest.raises(TemplateError, match=r"letter\.docx"):
            read_template_sources(path)

    def test_a_missing_file_names_itself(self, tmp_path: Path) -> None:
        with pytest.raises(TemplateError, match=r"nowhere\.docx: cannot read"):
            read_template_sources(tmp_path / "nowhere.docx")


class TestZipAssembler:
    def test_the_zip_holds_every_member_byte_for_byte_and_opens_in_python_docx(self, tmp_path: Path) -> None:
        members = _members(DECISION_LETTER)
        static, rendered = members[1:], members[:1]
        data = ZipAssembler(static).build(rendered)
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            assert package.testzip() is None
            assert sorted(package.namelist()) == sorted(name for name, _ in members)
            for name, content in members:
                assert package.read(name) == content, name
        path = tmp_path / "out.docx"
        path.write_bytes(data)
        assert Document(str(path)).paragraphs

    def test_the_same_parts_give_the_same_bytes(self) -> None:
        members = _members(DECISION_LETTER)
        first = ZipAssembler(members[1:]).build(members[:1])
        again = ZipAssembler(members[1:]).build(members[:1])
        assert first == again

    def test_names_beyond_ascii_are_flagged_utf8(self) -> None:
        data = ZipAssembler([("media/Zoë.txt", b"x" * 100)]).build([("word/Siobhán.xml", b"<a/>")])
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            infos = {info.filename: info for info in package.infolist()}
            assert set(infos) == {"media/Zoë.txt", "word/Siobhán.xml"}
            assert all(info.flag_bits & 0x800 for info in infos.values())
            assert package.read("media/Zoë.txt") == b"x" * 100


class TestReadPackage:
    def test_static_members_are_kept_and_rendered_parts_split(self) -> None:
        data = DECISION_LETTER.read_bytes()
        package = read_package(data, DECISION_LETTER)
        names = [name for name, _ in package.members]
        assert "word/document.xml" in names
        body = package.parts[0]
        assert body.has_jinja
        assert body.prefix.startswith("<?xml")
        assert body.suffix.endswith(">")
        assert package.core == "docProps/core.xml"


def test_inner_xml_drops_the_outer_tags() -> None:
    assert inner_xml('<w:body a="1"><w:p/>x</w:body>') == "<w:p/>x"
    assert inner_xml("<w:body/>") == ""


def test_line_excerpt_shows_the_text_of_a_line() -> None:
    source = "<w:p>first</w:p>\n#}<w:p><w:r><w:t>Dear {{ recipient.name }} &amp; co</w:t></w:r></w:p>{#"
    assert line_excerpt(source, 2) == "Dear {{ recipient.name }} & co"
    assert line_excerpt(source, 3) == ""
    assert line_excerpt(source, 0) == ""
    long = line_excerpt("<w:t>" + "word " * 40 + "</w:t>", 1, width=20)
    assert len(long) == 20
    assert long.endswith("…")
