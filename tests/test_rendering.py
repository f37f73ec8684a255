"""Tests for medocs.documents.rendering: compile-once output equals docxtpl's, safely, every time."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path
from typing import Any

import docx
import jinja2
import pytest
from docx.document import Document as DocxDocument
from docx.table import Table
from docxtpl import DocxTemplate, InlineImage, Listing, RichText
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from medocs.documents.rendering import (
    CompiledTemplate,
    clear_template_cache,
    load_template,
    read_template_sources,
    safe_environment,
)
from medocs.errors import RenderError, TemplateError

AWKWARD = "Zoë O'Brien & Sons <Ltd>"
IRISH = 'Siobhán "Shiv" Ó Briain'


def build_letter(path: Path) -> Path:
    """A letter with placeholders in header, footer, body, a {%tr%} loop, a {%tc%} loop and a {%p if%}."""
    document = docx.Document()
    section = document.sections[0]
    section.header.paragraphs[0].text = "Case {{ case_ref }} for {{ parent.name }}"
    section.footer.paragraphs[0].text = "Issued by {{ service }}"
    document.add_paragraph("Dear {{ parent.name }},")
    document.add_paragraph("{%p if urgent %}")
    document.add_paragraph("This is urgent: {{ service }}.")
    document.add_paragraph("{%p endif %}")
    rows = document.add_table(rows=4, cols=2)
    rows.cell(0, 0).text = "Name"
    rows.cell(0, 1).text = "Born"
    rows.cell(1, 0).text = "{%tr for child in children %}"
    rows.cell(2, 0).text = "{{ child.name }}"
    rows.cell(2, 1).text = "{{ child.date_of_birth }}"
    rows.cell(3, 0).text = "{%tr endfor %}"
    columns = document.add_table(rows=1, cols=3)
    columns.cell(0, 0).text = "{%tc for issue in issues %}"
    columns.cell(0, 1).text = "{{ issue }}"
    columns.cell(0, 2).text = "{%tc endfor %}"
    document.add_paragraph("Address: {{ address }}")
    document.add_paragraph("Literal {_{ braces }_} stay.")
    document.save(str(path))
    return path


def build_features(path: Path) -> Path:
    """A document using {{r}}, {%r%}, cellbg, vm, colspan and a {%tc%} loop with hm."""
    document = docx.Document()
    document.add_paragraph("Rich: {{r rich }} end")
    document.add_paragraph("Listing: {{ listing }}")
    document.add_paragraph("Run {%r if flag %}yes{%r endif %} done")
    rows = document.add_table(rows=3, cols=3)
    rows.cell(0, 0).text = "{%tr for row in rows %}"
    rows.cell(1, 0).text = "{% cellbg row.colour %}{{ row.a }}"
    rows.cell(1, 1).text = "{% vm %}{{ row.b }}"
    rows.cell(1, 2).text = "{% colspan row.span %}{{ row.c }}"
    rows.cell(2, 0).text = "{%tr endfor %}"
    columns = document.add_table(rows=2, cols=3)
    columns.cell(0, 0).text = "{%tc for x in xs %}"
    columns.cell(0, 1).text = "{% hm %}{{ x }}"
    columns.cell(0, 2).text = "{%tc endfor %}"
    columns.cell(1, 0).text = "below"
    document.save(str(path))
    return path


def context(**changes: Any) -> dict[str, Any]:
    """A context for build_letter, with some values replaced."""
    values: dict[str, Any] = {
        "case_ref": "MED-0042",
        "parent": {"name": AWKWARD},
        "service": IRISH,
        "urgent": True,
        "children": [
            {"name": "Ann", "date_of_birth": "1 May 2015"},
            {"name": "Bo", "date_of_birth": "2 June 2017"},
        ],
        "issues": ["Section B", "Section F", "Placement"],
        "address": "1 High Street\nLeeds\tLS1 1AA",
    }
    values.update(changes)
    return values


def strict_env() -> jinja2.Environment:
    """The environment docxtpl is compared with: autoescape and StrictUndefined, nothing else."""
    return jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)


def docxtpl_render(path: Path, values: dict[str, Any]) -> bytes:
    """Render the way naive docxtpl does."""
    template = DocxTemplate(str(path))
    template.render(values, jinja_env=strict_env())
    out = io.BytesIO()
    template.save(out)
    return out.getvalue()


def table_text(table: Table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def block_text(container: Any) -> list[Any]:
    """Paragraph texts and table cell texts of a body, header or footer, in document order."""
    return [
        table_text(block) if isinstance(block, Table) else block.text
        for block in container.iter_inner_content()
    ]


def document_text(data: bytes) -> dict[str, list[Any]]:
    """Everything a reader sees, read back with python-docx."""
    document: DocxDocument = docx.Document(io.BytesIO(data))
    text = {"body": block_text(document)}
    for number, section in enumerate(document.sections):
        text[f"header{number}"] = block_text(section.header)
        text[f"footer{number}"] = block_text(section.footer)
    return text


@pytest.fixture
def letter(tmp_path: Path) -> Path:
    return build_letter(tmp_path / "letter.docx")


class TestSafeEnvironment:
    def test_escapes_data(self) -> None:
        """Markup characters in data are escaped."""
        assert safe_environment().from_string("{{ x }}").render(x="<a&b>") == "&lt;a&amp;b&gt;"

    def test_missing_field_is_an_error(self) -> None:
        """A missing field raises instead of rendering blank."""
        with pytest.raises(jinja2.UndefinedError):
            safe_environment().from_string("{{ x }}").render()

    def test_sandboxed(self) -> None:
        """Templates cannot reach Python internals."""
        with pytest.raises(jinja2.exceptions.SecurityError):
            safe_environment().from_string("{{ x.__class__.__subclasses__() }}").render(x="")


class TestSameAsDocxtpl:
    @pytest.mark.parametrize(
        "changes",
        [
            {},
            {"urgent": False},
            {"children": [], "issues": ["Only one"]},
            {"address": "no newline"},
            {"parent": {"name": "{{ 7*7 }} {% if true %}x{% endif %}"}},
        ],
        ids=["full", "p-if-false", "empty-loops", "plain-address", "jinja-in-data"],
    )
    def test_text_equals_docxtpl(self, letter: Path, changes: dict[str, Any]) -> None:
        """Body, tables, header and footer read the same, paragraph by paragraph, as docxtpl's output."""
        values = context(**changes)
        ours = document_text(CompiledTemplate.load(letter).render(values))
        theirs = document_text(docxtpl_render(letter, values))
        assert ours.keys() == theirs.keys()
        for key in ours:
            assert ours[key] == theirs[key], key

    def test_same_canonical_xml(self, letter: Path) -> None:
        """Every rendered part is the same XML as docxtpl's, after canonicalisation."""
        ours = zipfile.ZipFile(io.BytesIO(CompiledTemplate.load(letter).render(context())))
        theirs = zipfile.ZipFile(io.BytesIO(docxtpl_render(letter, context())))
        for part in ["word/document.xml", "word/header1.xml", "word/footer1.xml"]:
            mine, reference = (etree.fromstring(z.read(part)) for z in (ours, theirs))
            assert etree.tostring(mine, method="c14n") == etree.tostring(reference, method="c14n"), part

    def test_rich_text_listing_and_table_directives(self, tmp_path: Path) -> None:
        """RichText, Listing, {%r%}, cellbg, vm, colspan and {%tc%}+hm give docxtpl's document."""
        path = build_features(tmp_path / "features.docx")
        values = {
            "rich": RichText("bold & <b>", bold=True),
            "listing": Listing("a\nb & c"),
            "flag": True,
            "xs": ["p", "q"],
            "rows": [
                {"colour": "FF0000", "a": "1", "b": "2", "c": "3", "span": 1},
                {"colour": "00FF00", "a": "4", "b": "5", "c": "6", "span": 1},
            ],
        }
        ours = CompiledTemplate.load(path).render(values)
        assert document_text(ours) == document_text(docxtpl_render(path, values))
        expected = ["Rich: bold & <b> end", "Listing: a\nb & c", "Run yes done"]
        assert document_text(ours)["body"][:3] == expected

    def test_loops_and_conditions_render(self, letter: Path) -> None:
        """{%tr%} repeats rows, {%tc%} repeats columns and {%p if%} keeps or drops paragraphs."""
        text = document_text(CompiledTemplate.load(letter).render(context()))["body"]
        assert text[1] == f"This is urgent: {IRISH}."
        assert text[2] == [["Name", "Born"], ["Ann", "1 May 2015"], ["Bo", "2 June 2017"]]
        assert text[3] == [["Section B", "Section F", "Placement"]]
        assert text[4] == "Address: 1 High Street\nLeeds\tLS1 1AA"
        assert text[5] == "Literal {{ braces }} stay."
        dropped = document_text(CompiledTemplate.load(letter).render(context(urgent=False)))["body"]
        assert "This is urgent" not in str(dropped)


class TestValuesAsTyped:
    def test_awkward_characters_in_body_header_footer(self, letter: Path) -> None:
        """&, <, >, quotes and accents come out exactly as typed everywhere."""
        text = document_text(CompiledTemplate.load(letter).render(context()))
        assert text["body"][0] == f"Dear {AWKWARD},"
        assert text["header0"] == [f"Case MED-0042 for {AWKWARD}"]
        assert text["footer0"] == [f"Issued by {IRISH}"]

    def test_data_never_runs_as_template(self, letter: Path) -> None:
        """A value that looks like Jinja renders literally."""
        sneaky = "{{ 7*7 }} {% for x in range(3) %}{{ x }}{% endfor %}"
        text = document_text(CompiledTemplate.load(letter).render(context(service=sneaky)))
        assert text["footer0"] == [f"Issued by {sneaky}"]

    def test_windows_line_ends_are_one_break(self, letter: Path) -> None:
        r"""\r\n in a value is one line break, not two."""
        text = document_text(CompiledTemplate.load(letter).render(context(address="a\r\nb")))
        assert text["body"][4] == "Address: a\nb"

    def test_control_character_is_refused(self, letter: Path) -> None:
        """A value holding a character XML cannot carry raises RenderError."""
        with pytest.raises(RenderError, match="U\\+000B"):
            CompiledTemplate.load(letter).render(context(address="a\x0bb"))

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(
        text=st.text(
            alphabet=st.characters(
                blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffe\uffff"
            ) | st.sampled_from("\n\t"),
            max_size=40,
        )
    )
    def test_any_text_round_trips(self, letter: Path, text: str) -> None:
        """Whatever printable text, newlines and tabs go in come back out through python-docx."""
        compiled = load_template(letter)
        body = document_text(compiled.render(context(parent={"name": text})))["body"]
        assert body[0] == f"Dear {text},"


class TestDeterminism:
    def test_same_input_same_bytes(self, letter: Path) -> None:
        """Two renders, even from two loads, have the same SHA-256."""
        first = hashlib.sha256(CompiledTemplate.load(letter).render(context())).hexdigest()
        second = hashlib.sha256(CompiledTemplate.load(letter).render(context())).hexdigest()
        assert first == second

    def test_valid_zip_with_static_parts_unchanged(self, letter: Path) -> None:
        """The output is a sound zip; parts without Jinja keep the template's exact bytes."""
        out = zipfile.ZipFile(io.BytesIO(CompiledTemplate.load(letter).render(context())))
        assert out.testzip() is None
        original = zipfile.ZipFile(letter)
        assert sorted(out.namelist()) == sorted(original.namelist())
        assert out.read("word/styles.xml") == original.read("word/styles.xml")
        assert out.namelist()[0] == "[Content_Types].xml"
        assert {i.date_time for i in out.infolist()} == {(1980, 1, 1, 0, 0, 0)}


class TestRenderErrors:
    def test_missing_top_level_field(self, letter: Path) -> None:
        """A missing field names the template, the part and the placeholder."""
        values = context()
        del values["service"]
        with pytest.raises(RenderError) as caught:
            CompiledTemplate.load(letter).render(values)
        message = str(caught.value)
        assert str(letter) in message
        assert "word/document.xml" in message
        assert "'service'" in message

    def test_missing_nested_field_names_the_dotted_path(self, letter: Path) -> None:
        """A missing key inside a loop item is named as written, e.g. child.date_of_birth."""
        with pytest.raises(RenderError, match=r"'child\.date_of_birth'"):
            CompiledTemplate.load(letter).render(context(children=[{"name": "Ann"}]))

    def test_missing_field_in_header(self, letter: Path) -> None:
        """A field missing from a header names the header part."""
        values = context()
        del values["case_ref"]
        with pytest.raises(RenderError, match=r"word/header1\.xml.*'case_ref'"):
            CompiledTemplate.load(letter).render(values)

    def test_inline_image_is_refused(self, letter: Path) -> None:
        """InlineImage values need new package parts, so compile-once refuses them."""
        image = InlineImage(DocxTemplate(str(letter)), "logo.png")
        with pytest.raises(RenderError, match="InlineImage"):
            CompiledTemplate.load(letter).render(context(service=image))


class TestTemplateErrors:
    def test_not_a_docx(self, tmp_path: Path) -> None:
        """A text file is refused with its name."""
        path = tmp_path / "notes.docx"
        path.write_text("hello")
        with pytest.raises(TemplateError, match="notes.docx"):
            CompiledTemplate.load(path)

    def test_truncated_docx(self, letter: Path) -> None:
        """A damaged .docx is refused with its name."""
        letter.write_bytes(letter.read_bytes()[:2000])
        with pytest.raises(TemplateError, match="letter.docx"):
            CompiledTemplate.load(letter)

    def test_zip_that_is_not_word(self, tmp_path: Path) -> None:
        """A zip without a Word main part is refused."""
        path = tmp_path / "other.docx"
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("hello.txt", "hi")
        with pytest.raises(TemplateError, match="not a Word document"):
            CompiledTemplate.load(path)

    def test_missing_file(self, tmp_path: Path) -> None:
        """A missing file is a TemplateError naming it."""
        with pytest.raises(TemplateError, match="absent.docx"):
            CompiledTemplate.load(tmp_path / "absent.docx")

    def test_syntax_error_names_part_and_line(self, tmp_path: Path) -> None:
        """A Jinja syntax error names the part, the line and the paragraph text."""
        document = docx.Document()
        document.add_paragraph("Fine")
        document.sections[0].footer.paragraphs[0].text = "Broken {{ service | }}"
        document.save(str(tmp_path / "bad.docx"))
        with pytest.raises(TemplateError, match=r"word/footer1\.xml.*line \d+.*Broken"):
            CompiledTemplate.load(tmp_path / "bad.docx")

    def test_jinja_in_core_properties_is_refused(self, tmp_path: Path) -> None:
        """Jinja in the document title is refused (docxtpl renders it; compile-once does not)."""
        document = docx.Document()
        document.core_properties.title = "Letter for {{ parent.name }}"
        document.save(str(tmp_path / "titled.docx"))
        with pytest.raises(TemplateError, match="title"):
            CompiledTemplate.load(tmp_path / "titled.docx")
        assert read_template_sources(tmp_path / "titled.docx").unsupported


class TestLoadTemplate:
    def test_cached_until_the_file_changes(self, letter: Path, tmp_path: Path) -> None:
        """The same file gives the same object; new content gives a new one."""
        clear_template_cache()
        first = load_template(letter)
        assert load_template(letter) is first
        build_letter(tmp_path / "other.docx")
        document = docx.Document(str(letter))
        document.add_paragraph("An extra paragraph")
        document.save(str(letter))
        assert load_template(letter) is not first
