"""User templates render in a worker process: the same document as in-process, errors carried back."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from docx import Document

from medocs.documents.isolation import IsolatedTemplate, memory_limit_mb
from medocs.documents.kinds import data_dir, example_context
from medocs.documents.rendering import CompiledTemplate
from medocs.documents.sandbox import document_seconds
from medocs.errors import MedocsError, RenderError


def _copy(tmp_path: Path, extra: str | None = None) -> Path:
    target = tmp_path / "decline-certificate.docx"
    shutil.copy(data_dir("templates") / "decline-certificate.docx", target)
    if extra is not None:
        document = Document(str(target))
        document.add_paragraph(extra)
        document.save(str(target))
    return target


def test_the_worker_renders_the_same_document_as_this_process(tmp_path: Path) -> None:
    """Same template, same context: the same bytes, whichever process renders."""
    path = _copy(tmp_path)
    context = example_context("decline-certificate")
    assert IsolatedTemplate.load(path).render(context) == CompiledTemplate.load(path).render(context)


def test_a_render_error_comes_back_naming_the_template_part_and_line(tmp_path: Path) -> None:
    """An expression that fails in the worker is the same one-line RenderError as in-process."""
    path = _copy(tmp_path, "{{ child.name / 2 }}")
    where = r"decline-certificate\.docx: word/document\.xml \(body\), line \d+"
    with pytest.raises(RenderError, match=where) as exc:
        IsolatedTemplate.load(path).render(example_context("decline-certificate"))
    assert "TypeError" in str(exc.value)


def test_threads_share_the_workers(tmp_path: Path) -> None:
    """Several threads at once (as the web app renders) each get a document, all equal."""
    template = IsolatedTemplate.load(_copy(tmp_path))
    context = example_context("decline-certificate")
    results: list[bytes] = []

    def render() -> None:
        results.append(template.render(context))

    threads = [threading.Thread(target=render) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert len(results) == 3
    assert len(set(results)) == 1


@pytest.mark.parametrize(("variable", "value", "read"), [
    ("MEDOCS_TEMPLATE_SECONDS", "soon", document_seconds),
    ("MEDOCS_TEMPLATE_SECONDS", "-1", document_seconds),
    ("MEDOCS_TEMPLATE_MEMORY_MB", "1.5", memory_limit_mb),
    ("MEDOCS_TEMPLATE_MEMORY_MB", "0", memory_limit_mb),
])
def test_a_bad_limit_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, variable: str, value: str,
                                      read: Callable[[], object]) -> None:
    """A limit set to nonsense names the variable and what was found."""
    monkeypatch.setenv(variable, value)
    with pytest.raises(MedocsError, match=rf"\${variable} must be .* \(found '{value}'\)"):
        read()


def test_the_limits_default_to_20_seconds_and_1024_mb(monkeypatch: pytest.MonkeyPatch) -> None:
    """Unset, the limits are the documented ones."""
    monkeypatch.delenv("MEDOCS_TEMPLATE_SECONDS", raising=False)
    monkeypatch.delenv("MEDOCS_TEMPLATE_MEMORY_MB", raising=False)
    assert (document_seconds(), memory_limit_mb()) == (20.0, 1024)
