"""Item 9: SIGKILL of a ``--jobs 2`` batch leaves no medocs process and no LibreOffice behind.

Only the batch's own process is killed (as the OOM killer or ``kill -9 PID`` would), not its
group: its worker processes and LibreOffice must notice by themselves that it is gone.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import many_rows, require_soffice, require_uno, write_csv
from hostile_helpers import PROFILE


def _command_lines(marker: str) -> dict[int, str]:
    """By pid, the live processes whose command line mentions ``marker`` (zombies have none)."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().decode(errors="replace")
        except OSError:
            continue
        if marker in command:
            found[int(entry.name)] = command.replace("\0", " ")
    return found


def _descendants(root: int) -> dict[int, str]:
    """By pid, the live descendants of process ``root`` and their command lines."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        state, parent = stat.rsplit(")", 1)[1].split()[:2]
        if state != "Z":
            parents[int(entry.name)] = int(parent)
    found: dict[int, str] = {}
    frontier = [root]
    while frontier:
        pid = frontier.pop()
        for child, parent in parents.items():
            if parent == pid and child not in found:
                try:
                    command = (Path("/proc") / str(child) / "cmdline").read_bytes()
                except OSError:
                    continue
                found[child] = command.decode(errors="replace").replace("\0", " ")
                frontier.append(child)
    return found


def _alive(pids: dict[int, str]) -> dict[int, str]:
    alive = {}
    for pid, command in pids.items():
        try:
            stat = (Path("/proc") / str(pid) / "stat").read_text()
        except OSError:
            continue
        if stat.rsplit(")", 1)[1].split()[0] != "Z":
            alive[pid] = command
    return alive


def _wait_for(condition: object, process: subprocess.Popen[bytes], what: str) -> None:
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if callable(condition) and condition():
            return
        if process.poll() is not None:
            pytest.fail(f"the batch ended before {what}")
        time.sleep(0.01)
    pytest.fail(f"never saw {what}")


@pytest.mark.parametrize("backend", [None, "convert-to", "uno"], ids=["no-pdf", "convert-to", "uno"])
def test_sigkill_of_a_two_job_batch_leaves_no_process(tmp_path: Path, backend: str | None) -> None:
    """Within a few seconds of the kill, nothing that mentions the batch's folder still runs."""
    if backend is not None:
        require_soffice()
    if backend == "uno":
        require_uno()
    out = tmp_path / "out"
    source = write_csv(tmp_path / "in.csv", many_rows(400 if backend is None else 150))
    args = [sys.executable, "-m", "medocs", "batch", "decline-certificate", str(source), "--out",
            str(out), "--profile", str(PROFILE), "--register", str(tmp_path / "register.sqlite"),
            "--today", "2025-01-01", "--jobs", "2", *(["--pdf"] if backend else [])]
    env = {**os.environ, **({"MEDOCS_PDF_BACKEND": backend} if backend else {})}
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    marker = str(tmp_path)
    if backend is None:
        _wait_for(lambda: out.is_dir() and sum(1 for _ in out.glob("*.docx")) >= 20, process,
                  "20 documents")
    else:
        _wait_for(lambda: any("soffice.bin" in c for c in _descendants(process.pid).values()),
                  process, "LibreOffice start")
        time.sleep(0.3)  # into its work
    family = _descendants(process.pid) | _command_lines(marker)
    assert len(family) > 1, "the batch has workers to orphan"
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    deadline = time.monotonic() + 3
    while (_alive(family) or _command_lines(marker)) and time.monotonic() < deadline:
        time.sleep(0.05)
    left = _alive(family) | _command_lines(marker)
    for pid in left:  # do not leave them to the next test
        os.kill(pid, signal.SIGKILL)
    assert left == {}, f"still running 3 s after the kill: {sorted(left.values())}"
