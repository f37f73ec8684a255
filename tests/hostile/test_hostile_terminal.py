"""Item 6: control characters from input reach no terminal raw, and no report.

A case_ref holding ESC or a carriage return could recolour the terminal or overwrite the
summary line with a fake '300 rows: 300 issued, 0 with errors'. Everything the CLI prints goes
through one helper (medocs.cli.output.echo -> medocs.reports.terminal_safe), and CSV cells are
escaped the same way.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import sample_rows, write_csv
from hostile_helpers import run_batch

import medocs.cli
from medocs.cli import main

_FAKE = "\x1b[2K\x1b]0;owned\x07\r300 rows: 300 issued, 0 with errors"
_RAW = ("\x1b", "\x07", "\u202e")


def _clean(text: str) -> None:
    for character in _RAW:
        assert character not in text, f"{character!r} printed raw"
    assert "\r" not in text.replace("\r\n", "")


def test_a_hostile_case_ref_is_shown_escaped_in_batch_errors_and_reports(tmp_path: Path) -> None:
    """The row fails (a case_ref is one line of text); the message and errors.csv show escapes."""
    rows = sample_rows()
    rows[0]["case_ref"] = "GM-1" + _FAKE
    rows[1]["child.name"] = "Zoë\u202eevil"
    result = run_batch(tmp_path, write_csv(tmp_path / "in.csv", rows))
    assert result.exit_code == 1
    _clean(result.output)
    assert "\\x1b[2K" in result.output
    for report in ("errors.csv", "manifest.csv"):
        _clean((tmp_path / "out" / report).read_text(encoding="utf-8-sig"))


def _tamper(register: Path, column: str, value: str) -> None:
    with sqlite3.connect(register) as db:
        db.execute(f"UPDATE certificates SET {column} = ?", (value,))  # noqa: S608 - test's own column


@pytest.mark.parametrize("command", [["list"], ["show", "GM-2025-000001"], ["export"]])
def test_register_commands_escape_what_the_register_holds(tmp_path: Path, command: list[str]) -> None:
    """A register written by an older medocs (or by hand) with ESC in a case_ref lists escaped."""
    assert run_batch(tmp_path, write_csv(tmp_path / "in.csv", sample_rows()[:1])).exit_code == 0
    register = tmp_path / "register.sqlite"
    _tamper(register, "case_ref", "GM-1" + _FAKE)
    result = CliRunner().invoke(main, ["register", *command, "--register", str(register)])
    assert result.exit_code == 0, result.output
    _clean(result.output)
    assert "\\x1b" in result.output


def test_terminal_safe_keeps_text_and_escapes_controls() -> None:
    """Names, accents, tabs, newlines and CRLF stay; ESC, a lone CR, BEL, RLO and surrogates show."""
    from medocs.reports import csv_safe, terminal_safe

    assert terminal_safe("Zoë O'Brien\tSiobhán\r\n") == "Zoë O'Brien\tSiobhán\r\n"
    assert terminal_safe("a\x1b[31mb\rc\x07\u202ed\ud800") == "a\\x1b[31mb\\x0dc\\x07\\u202ed\\ud800"
    assert csv_safe("=1+1\x1b") == "'=1+1\\x1b"


def test_no_command_prints_around_the_helper() -> None:
    """Only medocs.cli.output calls click.echo: every other print goes through terminal_safe."""
    folder = Path(medocs.cli.__file__).parent
    offenders = [path.name for path in folder.glob("*.py")
                 if path.name != "output.py" and ("click.echo(" in path.read_text(encoding="utf-8")
                                                  or "print(" in path.read_text(encoding="utf-8"))]
    assert offenders == []
