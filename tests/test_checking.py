"""Tests for medocs.documents.checking: template lint against an example context, all problems at once."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import docx
import pytest

from medocs.documents.checking import Problem, check_template, describe_fields
from medocs.errors import TemplateError

EXAMPLE: dict[str, Any] = {
    "case_ref": "MED-0042",
    "parent": {"name": "Zoë O'Brien", "address": "1 High Street\nLeeds"},
    "child": {"name": "Ann", "date_of_birth": dt.date(2015, 5, 1)},
    "children": [{"name": "Ann", "age": 9}],
    "adviser": {"name": "Sam Patel", "phone": "0113 496 0000"},
    "issues": ["Section B", "Section F"],
    "urgent": True,
}


def build(path: Path, body: list[str], *, header: str = "Case {{ case_ref }}", footer: str = "",
          rows: list[str] | None = None) -> Path:
    """A .docx whose body paragraphs, header, footer and one-column table hold the given text."""
    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = header
    document.sections[0].footer.paragraphs[0].text = footer
    for text in body:
        document.add_paragraph(text)
    if rows:
        table = document.add_table(rows=len(rows), cols=1)
        for number, text in enumerate(rows):
            table.cell(number, 0).text = text
    document.save(str(path))
    return path


def messages(problems: list[Problem]) -> list[str]:
    return [p.message for p in problems]


class TestCleanTemplate:
    def test_no_problems(self, tmp_path: Path) -> None:
        """A template using only known fields, loops, set, macros and loop.* is clean."""
        path = build(
            tmp_path / "ok.docx",
            [
                "Dear {{ parent.name }}, born {{ child.date_of_birth.year }}",
                "{%p if urgent %}",
                "Urgent {{ case_ref|upper }} {{ parent.address|default('') }}",
                "{%p endif %}",
                "{% set who = adviser %}Call {{ who.phone }}",
                "{% macro shout(x) %}{{ x|upper }}{% endmacro %}{{ shout(adviser.name) }}",
                "{% for key, value in parent.items() %}{{ key }}={{ value }}{% endfor %}",
                "{% for issue in issues %}{{ loop.index }}. {{ issue }}{% endfor %}",
                "{% if child is defined %}{{ child.name }}{% endif %}",
                "Literal {_{ braces }_}",
            ],
            footer="{{ adviser.name }}",
            rows=["{%tr for c in children %}", "{{ c.name }} ({{ c.age }})", "{%tr endfor %}"],
        )
        assert check_template(path, example=EXAMPLE, required={"adviser.phone": "phone"}) == []


class TestUnknownFields:
    @pytest.fixture
    def problems(self, tmp_path: Path) -> list[Problem]:
        path = build(
            tmp_path / "bad.docx",
            ["Dear {{ parnt.name }},", "Born {{ child.dob }}", "Phone {{ adviser.phone.extension }}"],
            header="Case {{ case_reference }}",
            footer="{{ adviser.name }}",
            rows=["{%tr for c in children %}", "{{ c.nmae }}", "{%tr endfor %}"],
        )
        return check_template(path, example=EXAMPLE)

    def test_all_reported_in_one_run(self, problems: list[Problem]) -> None:
        """Every unknown name and path is reported, body, table and header alike."""
        text = "\n".join(str(p) for p in problems)
        for wrong in ["'parnt'", "'child.dob'", "'adviser.phone.extension'", "'case_reference'", "'c.nmae'"]:
            assert wrong in text
        assert len(problems) == 5

    def test_names_part_and_paragraph(self, problems: list[Problem]) -> None:
        """Each problem names its part and quotes its paragraph."""
        header = [p for p in problems if "case_reference" in p.message]
        assert header[0].part == "word/header1.xml"
        assert "Case {{ case_reference }}" in header[0].where
        body = [p for p in problems if "parnt" in p.message]
        assert body[0].part == "word/document.xml"
        assert "Dear {{ parnt.name }}," in body[0].where

    def test_suggests_the_close_name(self, problems: list[Problem]) -> None:
        """A misspelling gets a 'did you mean'."""
        assert any("did you mean 'parent'" in m for m in messages(problems))
        assert any("did you mean 'c.name'" in m for m in messages(problems))

    def test_loop_item_names_its_list(self, problems: list[Problem]) -> None:
        """An unknown field of a loop item says which list the item comes from."""
        assert any("'children[]'" in m for m in messages(problems) if "c.nmae" in m)

    def test_field_of_text_value(self, problems: list[Problem]) -> None:
        """A path going below a text value says the value is text."""
        assert any("is text" in m for m in messages(problems) if "extension" in m)


class TestLoops:
    def test_loop_over_non_list(self, tmp_path: Path) -> None:
        """A for loop over text or a group of fields is reported."""
        path = build(
            tmp_path / "loop.docx",
            ["{% for x in case_ref %}{{ x }}{% endfor %}", "{% for x in parent %}{{ x }}{% endfor %}"],
        )
        found = messages(check_template(path, example=EXAMPLE))
        assert found == [
            "the for loop goes over 'case_ref', which is text, not a list",
            "the for loop goes over 'parent', which is group of fields, not a list",
        ]

    def test_loop_variable_not_visible_after_loop(self, tmp_path: Path) -> None:
        """A loop variable used after its loop is unknown."""
        path = build(tmp_path / "scope.docx", ["{% for c in children %}{{ c.name }}{% endfor %}{{ c.name }}"])
        assert messages(check_template(path, example=EXAMPLE)) == ["unknown field 'c'"]

    def test_guarded_unknown_field_is_still_reported(self, tmp_path: Path) -> None:
        """A field the kind never provides is reported even behind 'is defined' or '|default'."""
        path = build(tmp_path / "guard.docx", [
            "{% if adviser.fax is defined %}{{ adviser.fax }}{% endif %}",
            "{{ parent.nickname|default('') }}",
        ])
        found = messages(check_template(path, example=EXAMPLE))
        assert found == [
            "unknown field 'adviser.fax'",
            "unknown field 'parent.nickname'; did you mean 'parent.name'?",
        ]


class TestSyntaxErrors:
    def test_every_broken_output_tag_and_other_parts(self, tmp_path: Path) -> None:
        """Two broken {{ }} in the body, one in the footer and an unknown field are all reported."""
        path = build(
            tmp_path / "syntax.docx",
            ["Dear {{ parent.name | }}", "Fine {{ case_ref }}", "Again {{ adviser. }}", "{{ nobody }}"],
            footer="{{ adviser.name ) }}",
        )
        problems = check_template(path, example=EXAMPLE)
        syntax = [p for p in problems if p.message.startswith("Jinja syntax error")]
        assert [p.part for p in syntax] == ["word/document.xml", "word/document.xml", "word/footer1.xml"]
        assert syntax[0].where.startswith("line ")
        assert "Dear" in syntax[0].where
        assert "Again" in syntax[1].where
        assert any("'nobody'" in m for m in messages(problems))

    def test_unclosed_block(self, tmp_path: Path) -> None:
        """An unclosed {% if %} is reported once, with its part."""
        path = build(tmp_path / "open.docx", ["{% if urgent %}Urgent"])
        problems = check_template(path, example=EXAMPLE)
        assert len(problems) == 1
        assert problems[0].part == "word/document.xml"
        assert "endif" in problems[0].message


class TestRequired:
    def test_missing_statutory_item(self, tmp_path: Path) -> None:
        """A required field the template never shows is reported with its description."""
        body = ["Dear {{ parent.name }}", "{% for c in children %}{{ c.age }}{% endfor %}"]
        path = build(tmp_path / "req.docx", body)
        problems = check_template(
            path,
            example=EXAMPLE,
            required={
                "adviser.phone": "the mediation adviser's phone number",
                "parent.name": "the parent's name",
                "children.age": "each child's age",
            },
        )
        assert [str(p) for p in problems] == [
            "(whole template): never uses 'adviser.phone' (the mediation adviser's phone number), "
            "which this kind of document must show"
        ]

    def test_required_met_through_set_alias(self, tmp_path: Path) -> None:
        """A field reached through a set alias counts as used."""
        path = build(tmp_path / "alias.docx", ["{% set a = adviser %}{{ a.phone }}"], header="")
        assert check_template(path, example=EXAMPLE, required={"adviser.phone": "phone"}) == []


class TestRefusals:
    def test_jinja_in_core_properties(self, tmp_path: Path) -> None:
        """Jinja in a document property is a problem, not a crash."""
        path = build(tmp_path / "props.docx", ["Hi"])
        document = docx.Document(str(path))
        document.core_properties.title = "{{ case_ref }}"
        document.save(str(path))
        problems = check_template(path, example=EXAMPLE)
        assert problems[0].part == "docProps/core.xml"
        assert "title" in problems[0].message

    def test_include_is_reported(self, tmp_path: Path) -> None:
        """{% include %} cannot work in a .docx template and is reported."""
        path = build(tmp_path / "inc.docx", ["{% include 'other.docx' %}"])
        assert "'include' cannot be used" in messages(check_template(path, example=EXAMPLE))[0]

    def test_not_a_docx(self, tmp_path: Path) -> None:
        """A file that is not a .docx raises TemplateError naming it."""
        path = tmp_path / "x.docx"
        path.write_bytes(b"not a zip")
        with pytest.raises(TemplateError, match="x.docx"):
            check_template(path, example=EXAMPLE)


class TestProblem:
    def test_str(self) -> None:
        """A problem prints as part: where: message."""
        problem = Problem("word/document.xml", "line 3: 'Hi'", "bad")
        assert str(problem) == "word/document.xml: line 3: 'Hi': bad"
        assert str(Problem("(whole template)", "", "bad")) == "(whole template): bad"


class TestDescribeFields:
    def test_leaves_lists_and_items(self) -> None:
        """Every leaf is listed with a type hint, list items as name[].field, in example order."""
        fields = dict(describe_fields(EXAMPLE))
        assert list(fields)[:3] == ["case_ref", "parent.name", "parent.address"]
        assert fields["child.date_of_birth"].startswith("date")
        assert fields["children"].startswith("list")
        assert fields["children[].age"].startswith("whole number")
        assert fields["issues"] == "list of text"
        assert fields["urgent"].startswith("yes/no")
        assert "parent" not in fields
