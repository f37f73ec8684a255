"""Item 2 (and 11): concurrent real ``medocs batch`` processes on one register.

Three batches with different facts for the same cases (a correction typed while another run
was going) write to their own folders and share one register. Whatever the interleaving, each
number's register facts must be those of the file issued under it, every file on disk must be
one the register lists unaltered (``register verify``), and no number may be left reserved.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import docx_text, many_rows, write_csv
from hostile_helpers import PROFILE

from medocs.cli import main
from medocs.register import Register, file_sha256

_ROWS = 1000
_WHO = ("Parent", "Other", "Third")


def _batch_args(source: Path, out: Path, register: Path) -> list[str]:
    return [sys.executable, "-m", "medocs", "batch", "decline-certificate", str(source), "--out",
            str(out), "--profile", str(PROFILE), "--register", str(register), "--today", "2025-01-01"]


def test_concurrent_batches_with_corrected_data_never_disagree_with_the_register(tmp_path: Path) -> None:
    """Each number's recorded parties are the ones its file shows; every file verifies."""
    register = tmp_path / "register.sqlite"
    runs = []
    for who in _WHO:
        rows = [dict(row, **{"recipient.name": f"{who} {i}"})
                for i, row in enumerate(many_rows(_ROWS, prefix="C"))]
        source = write_csv(tmp_path / f"{who}.csv", rows)
        runs.append(subprocess.Popen(_batch_args(source, tmp_path / who, register),
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    for process in runs:
        _, stderr = process.communicate(timeout=600)
        assert "Traceback" not in stderr
        assert process.returncode in (0, 1), stderr[-2000:]

    with Register(register) as reg:
        entries = reg.list()
    assert len(entries) == _ROWS
    assert {entry.status for entry in entries} == {"issued"}
    assert sorted(entry.number for entry in entries) == [f"GM-2025-{n:06d}" for n in range(1, _ROWS + 1)]
    files = {file_sha256(path): path for who in _WHO for path in (tmp_path / who).glob("*.docx")}
    assert len(files) == _ROWS  # one file per number: the losing runs published nothing
    for entry in entries:
        assert entry.sha256 is not None
        path = files[entry.sha256]
        recipient = entry.parties.split(";")[0]
        assert recipient in docx_text(path), f"{entry.number}: register says {recipient}, file does not"
        assert entry.number in docx_text(path)
    runner = CliRunner()
    for path in files.values():
        verified = runner.invoke(main, ["register", "verify", str(path), "--register", str(register)])
        assert verified.exit_code == 0, verified.output


def test_a_second_batch_into_the_same_folder_is_refused_while_the_first_runs(tmp_path: Path) -> None:
    """Item 11: the same input and --out from two processes: the second stops in words, the first
    issues every row (no good row marked an error, no temporary file of it deleted)."""
    source = write_csv(tmp_path / "in.csv", many_rows(2000))
    out, register = tmp_path / "out", tmp_path / "register.sqlite"
    first = subprocess.Popen(_batch_args(source, out, register), stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not (out.is_dir() and any(out.glob("*.docx"))):
        assert first.poll() is None, first.communicate()[1]
        assert time.monotonic() < deadline
        time.sleep(0.005)
    second = subprocess.run(_batch_args(source, out, register), capture_output=True, text=True,
                            timeout=300, check=False)
    stdout, stderr = first.communicate(timeout=600)
    assert second.returncode == 1
    assert "another medocs batch is writing to this folder" in second.stderr
    assert first.returncode == 0, stderr[-2000:]
    assert "2000 rows: 2000 issued" in stdout


def test_the_folder_lock_is_exclusive_and_released(tmp_path: Path) -> None:
    """lock_folder refuses a second holder until the first releases it."""
    from medocs.errors import OutputError
    from medocs.files import lock_folder

    held = lock_folder(tmp_path)
    with pytest.raises(OutputError, match="another medocs batch"):
        lock_folder(tmp_path)
    held.release()
    lock_folder(tmp_path).release()
