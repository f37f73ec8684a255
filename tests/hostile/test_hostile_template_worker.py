"""Item 7: a user template that passes its time or memory limit is stopped by killing its worker.

Each attack runs the real ``medocs`` in a subprocess with small limits set through
``MEDOCS_TEMPLATE_SECONDS`` and ``MEDOCS_TEMPLATE_MEMORY_MB``, under a memory ceiling and a
generous timeout of the test's own, so an attack that is not stopped fails the test instead of
taking the machine with it.
"""

from __future__ import annotations

import csv
import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from docx import Document
from helpers import many_rows, write_csv
from hostile_helpers import PROFILE, SAMPLES
from test_hostile_kill import _alive, _descendants

from medocs.documents.kinds import data_dir

_CEILING = 3 << 30
_WORKER = "medocs.documents.isolation import serve"  # in a render worker's command line
# Ten billion comparisons inside one C call (list ==): no Python code runs in which a signal
# could stop it, so only killing the process does; it allocates nothing.
_C_LOOP = ("{% set a = [1] * 100 %}{% set b = [a] * 100 %}{% set c = [b] * 100 %}{% set d = [c] * 100 %}"
           "{% set e = [d] * 100 %}{% set f = [e] * 100 %}{% set a2 = [1] * 100 %}{% set b2 = [a2] * 100 %}"
           "{% set c2 = [b2] * 100 %}{% set d2 = [c2] * 100 %}{% set e2 = [d2] * 100 %}"
           "{% set f2 = [e2] * 100 %}{{ f == f2 }}")
# Many strings, each within every bound, kept in one list: ten gigabytes.
_MEMORY_HOG = "{% set l = [] %}{% for i in range(10000) %}{{ l.append('x' * 999999) }}{% endfor %}"
_KIND = "decline-certificate"  # a kind with sample batch rows
_LIMITS = {"MEDOCS_TEMPLATE_SECONDS": "2", "MEDOCS_TEMPLATE_MEMORY_MB": "400"}


def _templates(folder: Path, jinja: str, kind: str = "decision-letter") -> Path:
    """A templates folder whose ``kind`` template is medocs's own plus a paragraph holding ``jinja``."""
    folder.mkdir(exist_ok=True)
    document = Document(str(data_dir("templates") / f"{kind}.docx"))
    document.add_paragraph(jinja)
    document.save(str(folder / f"{kind}.docx"))
    return folder


def _ceiling() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (_CEILING, _CEILING))


def _medocs(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run([sys.executable, "-m", "medocs", *args], capture_output=True, text=True,
                              timeout=timeout, preexec_fn=_ceiling, check=False,
                              env={**os.environ, **_LIMITS})
    except subprocess.TimeoutExpired:
        pytest.fail(f"a hostile template kept medocs busy for {timeout:g} seconds")


def _render(tmp_path: Path, jinja: str) -> subprocess.CompletedProcess[str]:
    templates = _templates(tmp_path / "templates", jinja)
    return _medocs("render", "decision-letter", str(SAMPLES / "decision-letter.toml"), "--profile",
                   str(PROFILE), "--templates", str(templates), "--out", str(tmp_path / "out"))


def test_a_loop_in_c_code_is_killed_at_the_time_limit(tmp_path: Path) -> None:
    """A signal cannot stop one long C call; the worker is killed and the error names the limit."""
    started = time.monotonic()
    result = _render(tmp_path, _C_LOOP)
    assert result.returncode == 1, result.stderr[-2000:]
    assert "took longer than 2 seconds to render one document; its render was stopped" in result.stderr
    assert "decision-letter.docx" in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert time.monotonic() - started < 60
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


def test_a_template_that_hoards_memory_is_stopped_at_the_memory_limit(tmp_path: Path) -> None:
    """Strings each within the bounds, kept by the thousand: the worker's memory limit stops it."""
    result = _render(tmp_path, _MEMORY_HOG)
    assert result.returncode == 1, result.stderr[-2000:]
    assert "needed more than 400 MB of memory to render one document" in result.stderr
    assert "decision-letter.docx" in result.stderr
    assert "Traceback" not in result.stderr


def test_check_renders_in_a_worker_too(tmp_path: Path) -> None:
    """``medocs check`` renders the example case, so a runaway template is stopped there as well."""
    templates = _templates(tmp_path / "templates", _C_LOOP)
    result = _medocs("check", str(templates / "decision-letter.docx"), "--kind", "decision-letter")
    assert result.returncode == 1
    assert "rendering the example case fails" in result.stdout + result.stderr
    assert "took longer than 2 seconds" in result.stdout + result.stderr


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_batch_goes_on_after_a_killed_row(tmp_path: Path, jobs: str) -> None:
    """Only the row whose document ran away fails; a fresh worker renders the rows after it."""
    runaway = "{% if case_ref == 'W-00002' %}" + _C_LOOP + "{% endif %}"
    templates = _templates(tmp_path / "templates", runaway, kind=_KIND)
    source = write_csv(tmp_path / "in.csv", many_rows(6, prefix="W"))
    result = _medocs("batch", _KIND, str(source), "--out", str(tmp_path / "out"), "--profile", str(PROFILE),
                     "--register", str(tmp_path / "register.sqlite"), "--templates", str(templates),
                     "--today", "2025-01-01", "--jobs", jobs)
    assert result.returncode == 1, result.stderr[-2000:]
    with (tmp_path / "out" / "manifest.csv").open(encoding="utf-8-sig") as manifest:
        status = {row["case_ref"]: row["status"] for row in csv.DictReader(manifest)}
    assert status.pop("W-00002") == "error"
    assert set(status.values()) == {"issued"}, status
    with (tmp_path / "out" / "errors.csv").open(encoding="utf-8-sig") as errors:
        (problem,) = list(csv.DictReader(errors))
    assert "took longer than 2 seconds to render one document" in str(problem)


def test_a_runaway_render_in_a_thread_is_stopped(tmp_path: Path) -> None:
    """The web app renders in threads, where no signal reaches: medocs.render from a thread is timed."""
    templates = _templates(tmp_path / "templates", _C_LOOP)
    script = (
        "import sys, threading\n"
        "from datetime import date\n"
        "from pathlib import Path\n"
        "import medocs\n"
        "outcome = []\n"
        "def issue():\n"
        "    try:\n"
        f"        medocs.render('decision-letter', Path({str(SAMPLES / 'decision-letter.toml')!r}),\n"
        f"                      out=Path({str(tmp_path / 'out')!r}), profile=Path({str(PROFILE)!r}),\n"
        f"                      templates=Path({str(templates)!r}), today=date(2025, 1, 6))\n"
        "        outcome.append('rendered')\n"
        "    except medocs.RenderError as exc:\n"
        "        outcome.append(str(exc))\n"
        "thread = threading.Thread(target=issue)\n"
        "thread.start()\n"
        "thread.join()\n"
        "print(outcome[0])\n")
    try:
        result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                                preexec_fn=_ceiling, check=False, env={**os.environ, **_LIMITS})
    except subprocess.TimeoutExpired:
        pytest.fail("a runaway template rendered from a thread was never stopped")
    assert "took longer than 2 seconds to render one document" in result.stdout, result.stderr[-2000:]


def test_sigkill_of_a_batch_leaves_no_render_worker(tmp_path: Path) -> None:
    """The render workers of a killed ``--jobs 2`` batch end by themselves, even mid-render."""
    runaway = "{% if case_ref.startswith('K-') %}" + _C_LOOP + "{% endif %}"
    templates = _templates(tmp_path / "templates", runaway, kind=_KIND)
    source = write_csv(tmp_path / "in.csv", many_rows(4, prefix="K"))
    process = subprocess.Popen(
        [sys.executable, "-m", "medocs", "batch", _KIND, str(source), "--out", str(tmp_path / "out"),
         "--profile", str(PROFILE), "--register", str(tmp_path / "register.sqlite"), "--templates",
         str(templates), "--today", "2025-01-01", "--jobs", "2"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, preexec_fn=_ceiling,
        env={**os.environ, "MEDOCS_TEMPLATE_SECONDS": "60"})
    deadline = time.monotonic() + 120
    # Three workers (the batch's and one per job), each under its watchdog.
    while sum(_WORKER in command for command in _descendants(process.pid).values()) < 6:
        assert process.poll() is None, "the batch ended first"
        assert time.monotonic() < deadline, "never saw the render workers"
        time.sleep(0.05)
    time.sleep(1.0)  # the workers of the batch's processes are rendering the runaway rows now
    family = _descendants(process.pid)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    deadline = time.monotonic() + 3
    while _alive(family) and time.monotonic() < deadline:
        time.sleep(0.05)
    left = _alive(family)
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    assert left == {}, f"still running 3 s after the kill: {sorted(left.values())}"
