"""What several test modules share: the samples, batch rows, reading a .docx back, system packages.

Fixtures built on these are in conftest.py; this module holds plain functions and constants
that tests import (``from helpers import SAMPLES, docx_text``).
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from docx import Document
from openpyxl import Workbook

from medocs.cli import main
from medocs.documents.kinds import data_dir
from medocs.errors import PdfError
from medocs.pdf.pool import find_soffice
from medocs.pdf.uno_client import find_uno_python

SAMPLES = data_dir("samples")
PROFILE = SAMPLES / "westminster.toml"
PROFILE_ARG = str(PROFILE)  # as a command-line argument


def sample_rows(kind: str = "decline-certificate") -> list[dict[str, str]]:
    """The rows of samples/batch/KIND.csv as dicts of text."""
    text = (SAMPLES / "batch" / f"{kind}.csv").read_text(encoding="utf-8-sig")
    return [dict(row) for row in csv.DictReader(io.StringIO(text, newline=""))]


def many_rows(count: int, kind: str = "decline-certificate", prefix: str = "K") -> list[dict[str, str]]:
    """``count`` rows cycling through the samples, each with its own case_ref."""
    base = sample_rows(kind)
    return [dict(base[i % len(base)], case_ref=f"{prefix}-{i + 1:05d}") for i in range(count)]


def write_csv(path: Path, rows: Sequence[dict[str, str]], *, bom: bool = False,
              encoding: str = "utf-8") -> Path:
    """Write rows as Excel would: header from the first row, comma, CRLF."""
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode("utf-8-sig" if bom else encoding))
    return path


def write_xlsx(path: Path, header: Sequence[str], rows: Sequence[Sequence[object]],
               *, title: str = "Sheet1") -> Workbook:
    """Write a one-sheet workbook; returns it (saved) for tests that add sheets or merges."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    workbook.save(path)
    return workbook


def run_medocs(args: Sequence[str], **options: Any) -> Result:
    """Run the medocs command line in this process with click's CliRunner (input=, env=, ...)."""
    return CliRunner().invoke(main, list(args), **options)


# ---------------------------------------------------------------- reading a .docx back


def _paragraph_texts(container) -> list[str]:  # type: ignore[no-untyped-def]
    texts = [p.text for p in container.paragraphs]
    for table in container.tables:
        for row in table.rows:
            for cell in row.cells:
                texts += _paragraph_texts(cell)
    return texts


def docx_parts(source: Path | bytes) -> dict[str, str]:
    """Text of the body, all headers and all footers of a .docx file or its bytes."""
    doc = Document(io.BytesIO(source) if isinstance(source, bytes) else str(source))
    headers: list[str] = []
    footers: list[str] = []
    for section in doc.sections:
        for header in (section.header, section.first_page_header):
            headers += _paragraph_texts(header)
        for footer in (section.footer, section.first_page_footer):
            footers += _paragraph_texts(footer)
    return {
        "body": "\n".join(_paragraph_texts(doc)),
        "header": "\n".join(headers),
        "footer": "\n".join(footers),
    }


def docx_text(source: Path | bytes) -> str:
    """All the text of a .docx, body, headers and footers, as one string."""
    return "\n".join(docx_parts(source).values())


# ---------------------------------------------------------------- system packages

INSTALL_COMMAND = "sudo apt-get install libreoffice-writer-nogui python3-uno"


def soffice_found() -> str | None:
    """LibreOffice's soffice as medocs finds it ($MEDOCS_SOFFICE, PATH, usual places), or None."""
    try:
        return find_soffice()
    except PdfError:
        return None


def uno_found() -> str | None:
    """A Python that can import uno, as medocs finds it ($MEDOCS_UNO_PYTHON, ...), or None."""
    return find_uno_python(soffice_found() or "soffice")


def in_ci() -> bool:
    """Whether this is a CI run, where a missing system package is a failure, not a skip."""
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def missing_package(package: str, what: str) -> None:
    """Skip the running test because a system package is missing; fail instead when CI=true.

    Args:
        package: the Debian package, e.g. ``python3-uno``.
        what: what the test needs from it, e.g. "LibreOffice (soffice)".
    """
    reason = f"needs {what}: Debian package {package} is missing; install with: {INSTALL_COMMAND}"
    if in_ci():
        pytest.fail(f"{reason} (CI=true: CI installs it, so its absence is a failure)", pytrace=False)
    pytest.skip(reason)


def require_soffice() -> None:
    """Skip (or, with CI=true, fail) the running test unless LibreOffice is installed."""
    if soffice_found() is None:
        missing_package("libreoffice-writer-nogui", "LibreOffice (soffice)")


def require_uno() -> None:
    """Skip (or, with CI=true, fail) the running test unless a Python can import uno."""
    if uno_found() is None:
        missing_package("python3-uno", "a Python that can 'import uno'")
