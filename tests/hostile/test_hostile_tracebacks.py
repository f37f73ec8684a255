"""Item 10: inputs that crashed medocs with a traceback are one-line errors naming the input."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner
from hostile_helpers import PROFILE, SAMPLES, run_batch

from medocs.cli import main


def _one_line_error(output: str) -> str:
    assert "Traceback" not in output
    lines = [line for line in output.splitlines() if line.startswith("medocs: error:")]
    assert len(lines) == 1, output
    return lines[0]


@pytest.mark.parametrize(("content", "expected"), [
    ('{"case_ref": "A\\ud800"}\n', "unicode string"),
    ("[" * 100_000 + "]" * 100_000 + "\n", "nested more deeply"),
    ('{"case_ref": ' + "9" * 5_000 + "}\n", "4,300 digits"),
], ids=["lone-surrogate", "100000-deep", "5000-digit-integer"])
def test_jsonl_that_broke_the_reader(tmp_path: Path, content: str, expected: str) -> None:
    """A lone surrogate, 100,000-deep nesting and a 5,000-digit integer: each said in words."""
    source = tmp_path / "in.jsonl"
    source.write_text(content, encoding="utf-8")
    result = run_batch(tmp_path, source)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert expected in result.output
    assert "in.jsonl" in result.output


@pytest.mark.parametrize("content", [
    "[" * 100_000 + "]" * 100_000, '{"case_ref": ' + "9" * 5_000 + "}",
], ids=["100000-deep", "5000-digit-integer"])
def test_json_case_file_that_broke_the_loader(tmp_path: Path, content: str) -> None:
    """The same attacks in a case file for render are one-line errors naming the file."""
    case = tmp_path / "case.json"
    case.write_text(content, encoding="utf-8")
    result = CliRunner().invoke(main, ["render", "decision-letter", str(case), "--profile",
                                       str(PROFILE), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "case.json" in _one_line_error(result.output)


@pytest.mark.parametrize("pattern", [
    "{case_ref:d}", "{case_ref", "{case_ref:>99999999999}", "{case_ref!r}", "{case_ref}}",
    "{case_ref:{kind}}",
])
def test_name_patterns_that_crashed_or_ate_memory(tmp_path: Path, pattern: str) -> None:
    """A --name with a format spec, conversion or broken brace is a usage error naming it."""
    result = run_batch(tmp_path, SAMPLES / "batch" / "decline-certificate.csv", "--name", pattern)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert repr(pattern) in result.output
    assert not (tmp_path / "out").exists()



@pytest.mark.parametrize("command", [
    ["register", "list"], ["register", "show", "GM-2025-000001"], ["register", "export"],
])
def test_a_register_row_with_a_malformed_date(tmp_path: Path, command: list[str]) -> None:
    """A register row whose issued_on is not a date is a one-line error naming the certificate."""
    source = SAMPLES / "batch" / "decline-certificate.csv"
    assert run_batch(tmp_path, source).exit_code == 0
    register = tmp_path / "register.sqlite"
    with sqlite3.connect(register) as db:
        db.execute("UPDATE certificates SET issued_on = '2025-13-45' WHERE number = 'GM-2025-000001'")
    result = CliRunner().invoke(main, [*command, "--register", str(register)])
    assert result.exit_code == 1
    line = _one_line_error(result.output)
    assert "GM-2025-000001" in line
    assert "'2025-13-45'" in line


def test_a_batch_on_a_register_with_a_malformed_date(tmp_path: Path) -> None:
    """A re-run meeting the malformed row says so in one line (per row or for the run)."""
    source = SAMPLES / "batch" / "decline-certificate.csv"
    assert run_batch(tmp_path, source).exit_code == 0
    with sqlite3.connect(tmp_path / "register.sqlite") as db:
        db.execute("UPDATE certificates SET decision_date = 'yesterday'")
    result = run_batch(tmp_path, source)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "'yesterday'" in result.output
