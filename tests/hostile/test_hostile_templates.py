"""Item 7: hostile user templates (``--templates``) are bounded, and ``check`` renders them.

Runaway templates run in a real ``medocs`` process with a memory ceiling, so that one that is not
bounded fails the test (timeout or MemoryError) instead of taking the machine with it.
"""

from __future__ import annotations

import os
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


def _render(tmp_path: Path, jinja: str, **limits: str) -> subprocess.CompletedProcess[str]:
    """``medocs render`` of the sample decision letter with ``jinja`` in its template.

    ``limits`` are environment variables (``MEDOCS_TEMPLATE_SECONDS``, ``MEDOCS_TEMPLATE_MEMORY_MB``).
    """
    templates = tmp_path / "templates"
    _template(templates, jinja)
    try:
        return subprocess.run(
            [sys.executable, "-m", "medocs", "render", "decision-letter",
             str(SAMPLES / "decision-letter.toml"), "--profile", str(PROFILE), "--templates",
             str(templates), "--out", str(tmp_path / "out")],
            capture_output=True, text=True, timeout=90, preexec_fn=_limit_memory, check=False,
            env={**os.environ, **limits})
    except subprocess.TimeoutExpired:
        pytest.fail("a hostile template kept medocs busy for 90 seconds")


@pytest.mark.parametrize(("jinja", "expected"), [
    ("{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
     "range() of 100,000 items"),
    ("{{ 'a' * 10**10 }}", "'*' would build 10,000,000,000 items"),
    ("{{ [1] * 10**9 }}", "'*' would build 1,000,000,000 items"),
    ("{{ 2 ** 100000000 }}", "'**' would build a number"),
    ("{% for i in range(10000) %}{{ 'x' * 999999 }}{% endfor %}", "renders to over 50,000,000"),
    # Item 2: strings built a little at a time, and the text filters and methods (issue 13).
    ("{% set s = namespace(v='a') %}{% for i in range(60) %}{% set s.v = s.v ~ s.v %}{% endfor %}"
     "{{ s.v }}", "'~' would build 1,048,576 characters"),
    ("{% set s = namespace(v='a') %}{% for i in range(60) %}{% set s.v = s.v + s.v %}{% endfor %}"
     "{{ s.v }}", "'+' would build 1,048,576 characters"),
    ("{% set s = namespace(v='a') %}{% for i in range(60) %}{% set s.v %}{{ s.v }}{{ s.v }}"
     "{% endset %}{% endfor %}{{ s.v }}", "a {% set %} block or a macro would build"),
    ("{% set l = [1] %}{% for i in range(60) %}{{ l.extend(l) }}{% endfor %}", "list.extend would build"),
    ("{% set s = namespace(v=10**999) %}{% for i in range(40) %}{% set s.v = s.v * s.v %}{% endfor %}",
     "'*' would build 1,991 digits"),
    ("{{ 'a'|center(10**9) }}", "center would build 1,000,000,000 characters"),
    ("{{ ('x' * 999999)|wordwrap(1, wrapstring='y' * 999999) }}", "wordwrap would build"),
    ("{{ 'a\\na\\na'|indent(999999999) }}", "indent would build"),
    ("{{ '%999999999s'|format('a') }}", "a width or precision of 999999999 is over 10,000"),
    ("{{ '%99999999999s' % 'a' }}", "a width or precision of 99999999999 is over 10,000"),
    ("{{ '%*s' % (999999999, 'a') }}", "'*' width or precision is not allowed"),
    ("{{ '{:>{}}'.format('a', 999999999) }}", "format(): a width or precision of 999999999"),
    ("{{ range(10000)|join('x' * 999999) }}", "join would build 9,998,990,001 characters"),
    ("{{ ('x' * 999).join(range(10000)|map('string')) }}", "str.join would build"),
    ("{{ ('a' * 999999)|replace('a', 'b' * 999999) }}", "replace would build"),
    ("{{ 'a'.ljust(999999999) }}", "str.ljust would build"),
    ("{{ ('\\t' * 999999).expandtabs(999999) }}", "str.expandtabs would build"),
    ("{{ ('a' * 999999).translate({97: 'x' * 999999}) }}", "str.translate would build"),
    ("{{ [1]|batch(999999999, 0)|list }}", "batch would build 999,999,999 items"),
    ("{{ lipsum(999999999) }}", "lipsum() would build"),
], ids=["nested-range", "string-times-huge", "list-times-huge", "power-tower", "output-flood",
        "concat-doubling", "plus-doubling", "set-block-doubling", "extend-doubling", "int-squaring",
        "center", "wordwrap", "indent", "format-filter-width", "percent-width", "percent-star",
        "format-method-width", "join-filter", "join-method", "replace-filter", "ljust", "expandtabs",
        "translate", "batch", "lipsum"])
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
                               "{% for k in range(10000) %}{% endfor %}{% endfor %}{% endfor %}",
                     MEDOCS_TEMPLATE_SECONDS="2")
    assert result.returncode == 1
    assert "took longer than 2 seconds to render one document" in result.stderr
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
