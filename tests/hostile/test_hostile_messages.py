"""Item 13: messages that were unclear. A re-run with only another --name, a control character
typed into a draft answer, and a register on read-only media (read-only commands work).
(The password-protected workbook is in test_hostile_xlsx_bomb.py.)"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import docx_text, sample_rows, write_csv
from hostile_helpers import run_batch

from medocs.cli import main

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from test_cli_draft import FROM_SCRATCH  # noqa: E402 - the answers of the draft tests


def test_a_rerun_with_only_another_name_says_so(tmp_path: Path) -> None:
    """Same rows, another --name: not 'would say something else', but that only the name differs."""
    source = write_csv(tmp_path / "in.csv", sample_rows()[:2])
    assert run_batch(tmp_path, source).exit_code == 0
    again = run_batch(tmp_path, source, "--name", "{case_ref}-copy")
    assert again.exit_code == 1
    assert "would say something else" not in again.output
    assert "only the file name differs" in again.output
    assert "keep the --name it was issued with" in again.output


def test_a_control_character_in_a_draft_answer_is_asked_again(tmp_path: Path) -> None:
    """ESC typed into the child's name is explained at that question, then the answer is asked again."""
    answers = list(FROM_SCRATCH)
    at = answers.index("Amara Khan")
    answers[at:at + 1] = ["Amara\x1b[2JKhan", "Amara Khan"]
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["draft", "mediation-request", "--out", str(out), "--today",
                                       "2024-10-21"], input="\n".join([*answers, "y"]) + "\n")
    assert result.exit_code == 0, result.output
    assert "control character U+001B" in result.output
    assert "Amara Khan" in docx_text(out / "WCC-EHC-2024-0417-mediation-request.docx")


@pytest.fixture
def read_only_register(tmp_path: Path) -> Iterator[tuple[Path, Path]]:
    """A register with two certificates, seen through a read-only bind mount (needs root)."""
    if os.geteuid() != 0:
        pytest.skip("needs root to bind-mount a folder read-only (run the suite as root)")
    source = write_csv(tmp_path / "in.csv", sample_rows()[:2])
    writable = tmp_path / "writable"
    writable.mkdir()
    result = run_batch(tmp_path, source, "--register", str(writable / "register.sqlite"))
    assert result.exit_code == 0, result.output
    mounted = tmp_path / "media"
    mounted.mkdir()
    subprocess.run(["mount", "--bind", str(writable), str(mounted)], check=True)
    try:
        subprocess.run(["mount", "-o", "remount,bind,ro", str(mounted)], check=True)
        yield mounted / "register.sqlite", tmp_path / "out"
    finally:
        subprocess.run(["umount", str(mounted)], check=True)


@pytest.mark.parametrize("command", [["list"], ["show", "GM-2025-000001"], ["export"], ["verify"]])
def test_reading_commands_work_on_a_read_only_register(read_only_register: tuple[Path, Path],
                                                       command: list[str]) -> None:
    """list, show, export and verify open the register read-only: read-only media is no error."""
    register, out = read_only_register
    if command == ["verify"]:
        command = ["verify", str(next(out.glob("*.docx")))]
    result = CliRunner().invoke(main, ["register", *command, "--register", str(register)])
    assert result.exit_code == 0, result.output
    assert "GM-2025-00000" in result.output
