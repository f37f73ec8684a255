"""Item 7: hostile user templates (``--templates``) are bounded, and ``check`` renders them.

Runaway templates run in a real ``medocs`` process with a memory ceiling, so that one that is not
bounded fails the test (timeout or MemoryError) instead of taking the machine with it.
"""

from __future__ import annotations

import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document
from hostile_helpers import PROFILE, SAMPLES

from medocs.cli import main
from medocs.documents.kinds import data_dir

_MEMORY_CEILING = 3 << 30


def _template(folder: Path, jinja: str) -> Path:
    """The shipped decision letter with one more paragraph holding ``jinja``."""
    folder.mkdir(exist_ok=True)
    document = Document(str(data_dir("templates") / "decision-letter.docx"))
    document.add_paragraph(jinja)
    target = folder / "decision-letter.docx"
    document.save(str(target))
    return target


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (_MEMORY_CEILING, _MEMORY_CEILING))


def _render(tmp_path: Path, jinja: str) -> subprocess.CompletedProcess[str]:
    templates = tmp_path / "templates"
    _template(templates, jinja)
    try:
        return subprocess.run(
            [sys.executable, "-m", "medocs", "render", "decision-letter",
             str(SAMPLES / "decision-letter.toml"), "--profile", str(PROFILE), "--templates",
             str(templates), "--out", str(tmp_path / "out")],
            capture_output=True, text=True, timeout=90, preexec_fn=_limit_memory, check=False)
    except subprocess.TimeoutExpired:
        pytest.fail("a hostile template kept medocs busy for 90 seconds")


@pytest.mark.parametrize(("jinja", "expected"), [
    ("{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
     "range() of 100,000 items"),
    ("{{ 'a' * 10**10 }}", "'*' would build 10,000,000,000 items"),
    ("{{ [1] * 10**9 }}", "'*' would build 1,000,000,000 items"),
    ("{{ 2 ** 100000000 }}", "'**' would build a number"),
    ("{% for i in range(10000) %}{{ 'x' * 999999 }}{% endfor %}", "renders to over 50,000,000"),
], ids=["nested-range", "string-times-huge", "list-times-huge", "power-tower", "output-flood"])
def test_runaway_template_is_stopped_with_a_clear_error(tmp_path: Path, jinja: str,
                                                         expected: str) -> None:
    """Loops, '*', '**' and output are bounded: a one-line error naming the template."""
    result = _render(tmp_path, jinja)
    assert result.returncode == 1, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    assert expected in result.stderr
    assert "decision-letter.docx" in result.stderr
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


def test_a_template_that_loops_for_minutes_is_stopped_after_its_time(tmp_path: Path) -> None:
    """Three nested loops within the range limit (10^12 steps) stop at the per-document limit."""
    started = time.monotonic()
    result = _render(tmp_path, "{% for i in range(10000) %}{% for j in range(10000) %}"
                               "{% for k in range(10000) %}{% endfor %}{% endfor %}{% endfor %}")
    assert result.returncode == 1
    assert "took longer than 20 seconds" in result.stderr
    assert time.monotonic() - started < 60


def test_the_deadline_interrupts_python_code() -> None:
    """document_deadline raises in the loop it interrupts, and leaves no timer behind."""
    from medocs.documents.sandbox import TemplateTimeout, document_deadline

    def spin() -> None:
        with document_deadline(0.2):
            while True:
                pass

    with pytest.raises(TemplateTimeout):
        spin()
    time.sleep(0.3)  # a timer left armed would raise here


@pytest.mark.parametrize("jinja", [
    "{{ child.name / 2 }}", "{{ range(10**6) | list | length }}", "{{ recipient.name | int + 1 / 0 }}",
])
def test_check_renders_the_example_case(tmp_path: Path, jinja: str) -> None:
    """A template that parses and names only known fields but cannot render is not 'OK'."""
    template = _template(tmp_path / "templates", jinja)
    result = CliRunner().invoke(main, ["check", str(template), "--kind", "decision-letter"])
    assert result.exit_code == 1, result.output
    assert "rendering the example case fails" in result.output


def test_check_still_passes_the_shipped_templates() -> None:
    """Every shipped template renders its example: check says OK."""
    for template in sorted(data_dir("templates").glob("*.docx")):
        result = CliRunner().invoke(main, ["check", str(template), "--kind", template.stem])
        assert result.exit_code == 0, result.output
