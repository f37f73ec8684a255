"""Item 12: a full disk or read-only --out is said in words, with which rows were issued and that
a re-run finishes the rest; --out at or under a file is said in words, not as an errno.

The full disk is a real tmpfs of 150 KB, the read-only folder a real read-only bind mount (both
need root, as the test machines and CI run).
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import sample_rows, write_csv
from hostile_helpers import PROFILE, SAMPLES, run_batch

from medocs.cli import main
from medocs.register import Register


def _mount(*args: str) -> None:
    if os.geteuid() != 0:
        pytest.skip("needs root to mount a small or read-only file system (run the suite as root)")
    subprocess.run(["mount", *args], check=True, capture_output=True)


@pytest.fixture
def full_disk(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "full"
    folder.mkdir()
    _mount("-t", "tmpfs", "-o", "size=150k", "tmpfs", str(folder))
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=True)


@pytest.fixture
def read_only(tmp_path: Path) -> Iterator[Path]:
    source, folder = tmp_path / "source", tmp_path / "read-only"
    source.mkdir()
    folder.mkdir()
    _mount("--bind", str(source), str(folder))
    try:
        _mount("-o", "remount,bind,ro", str(folder))
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=True)


def _batch_into(tmp_path: Path, out: Path) -> tuple[int, str]:
    result = CliRunner().invoke(main, [
        "batch", "decline-certificate", str(write_csv(tmp_path / "in.csv", sample_rows())), "--out",
        str(out), "--profile", str(PROFILE), "--register", str(tmp_path / "register.sqlite"),
        "--today", "2025-01-01"])
    return result.exit_code, result.output


def test_a_disk_that_fills_says_which_rows_were_issued_and_that_a_rerun_finishes(
        tmp_path: Path, full_disk: Path) -> None:
    """No bare '[Errno 28]': the rows issued (all registered), and what to do."""
    code, output = _batch_into(tmp_path, full_disk)
    assert code == 1
    assert "Errno" not in output
    assert "the disk is full" in output
    assert "Run the same command again" in output
    with Register(tmp_path / "register.sqlite") as reg:
        issued = [e for e in reg.list() if e.status == "issued"]
    assert issued, "some rows fit on the disk"
    assert f"Rows 2-{len(issued) + 1} were issued" in output
    for entry in issued:
        assert (full_disk / str(entry.output_name)).is_file()


def test_a_read_only_out_is_refused_before_any_number_is_reserved(tmp_path: Path,
                                                                  read_only: Path) -> None:
    """No bare '[Errno 30]', and no number spent on a file that cannot be written."""
    code, output = _batch_into(tmp_path, read_only)
    assert code == 1
    assert "Errno" not in output
    assert "read-only storage" in output
    assert "nothing was issued" in output
    with Register(tmp_path / "register.sqlite") as reg:
        assert reg.list() == []


@pytest.mark.parametrize("out", ["afile", "afile/sub", "afile/letter.docx"])
def test_render_out_at_or_under_a_file_is_said_in_words(tmp_path: Path, out: str) -> None:
    """render --out naming a file (or a path through one) says which file is in the way."""
    (tmp_path / "afile").write_text("notes", encoding="utf-8")
    result = CliRunner().invoke(main, ["render", "decision-letter", str(SAMPLES / "decision-letter.toml"),
                                       "--profile", str(PROFILE), "--out", str(tmp_path / out)])
    assert result.exit_code == 1
    assert "Errno" not in result.output
    assert f"{tmp_path / 'afile'} is a file, not a folder" in result.output


def test_batch_out_under_a_file_is_said_in_words(tmp_path: Path) -> None:
    """The same for a batch whose --out goes through a file."""
    (tmp_path / "afile").write_text("notes", encoding="utf-8")
    result = run_batch(tmp_path, SAMPLES / "batch" / "decline-certificate.csv")
    assert result.exit_code == 0
    code, output = _batch_into(tmp_path, tmp_path / "afile" / "out")
    assert code == 1
    assert "Errno" not in output
    assert "is a file, not a folder" in output
