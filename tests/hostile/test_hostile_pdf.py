"""Item 3: a cut-short PDF (a full disk, LibreOffice dying part-way) is never published, and one
left by an earlier run is made again on a re-run instead of being kept as done."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import sample_rows, write_csv
from hostile_helpers import PROFILE
from minimal_pdf import minimal_pdf

_CUT_SHORT_SOFFICE = """#!{python}
# LibreOffice dying part-way: the first {keep} bytes of each PDF, and a clean exit.
import pathlib, sys
args = sys.argv[1:]
outdir = pathlib.Path(args[args.index("--outdir") + 1])
for name in args[args.index("--outdir") + 2:]:
    (outdir / (pathlib.Path(name).stem + ".pdf")).write_bytes({pdf!r}[:{keep}])
"""


def _batch(tmp_path: Path, source: Path,
           env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "medocs", "batch", "decline-certificate", str(source), "--out",
         str(tmp_path / "out"), "--profile", str(PROFILE), "--register", str(tmp_path / "register.sqlite"),
         "--today", "2025-01-01", "--pdf"],
        capture_output=True, text=True, timeout=600, check=False, env={**os.environ, **(env or {})})


def _manifest(out: Path) -> list[dict[str, str]]:
    text = (out / "manifest.csv").read_text(encoding="utf-8-sig")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def pdf_problem(path: Path) -> str | None:
    from medocs.pdf.validity import pdf_problem as problem  # new with issue 13

    return problem(path)


def _pages(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def test_libreoffice_dying_part_way_publishes_no_pdf(tmp_path: Path) -> None:
    """A soffice that writes cut-short PDFs and exits 0: no .pdf is published, each row says why."""
    fake = tmp_path / "bin"
    fake.mkdir()
    script = fake / "soffice"
    whole = minimal_pdf()
    script.write_text(_CUT_SHORT_SOFFICE.format(python=sys.executable, pdf=whole, keep=len(whole) // 2))
    script.chmod(0o755)
    source = write_csv(tmp_path / "in.csv", sample_rows()[:3])
    # Named in MEDOCS_SOFFICE as well as first on PATH: a run that hides the real soffice
    # through MEDOCS_SOFFICE must still find this one.
    result = _batch(tmp_path, source, {"PATH": f"{fake}{os.pathsep}{os.environ['PATH']}",
                                       "MEDOCS_SOFFICE": str(script), "MEDOCS_PDF_BACKEND": "convert-to"})
    assert result.returncode == 1, result.stderr
    assert "cut short" in result.stderr
    assert list((tmp_path / "out").glob("*.pdf")) == []
    assert len(list((tmp_path / "out").glob("*.docx"))) == 3


@pytest.mark.needs_soffice
def test_a_cut_short_pdf_left_by_an_earlier_run_is_made_again(tmp_path: Path) -> None:
    """Real LibreOffice: a PDF truncated after the run (and newer than its .docx) is re-made."""
    source = write_csv(tmp_path / "in.csv", sample_rows()[:2])
    first = _batch(tmp_path, source)
    assert first.returncode == 0, first.stderr
    pdf = tmp_path / "out" / _manifest(tmp_path / "out")[0]["pdf"]
    whole = pdf.read_bytes()
    pdf.write_bytes(whole[: len(whole) // 2])  # written after the .docx: newer
    assert pdf_problem(pdf) is not None
    second = _batch(tmp_path, source)
    assert second.returncode == 0, second.stderr
    assert pdf_problem(pdf) is None
    assert _pages(pdf) >= 1


@pytest.mark.parametrize("cut", [0.1, 0.5, 0.9, 0.99])
def test_pdf_problem_finds_every_cut(tmp_path: Path, cut: float) -> None:
    """A PDF cut anywhere is found; the whole one is not."""
    whole = minimal_pdf()
    path = tmp_path / "x.pdf"
    path.write_bytes(whole)
    assert pdf_problem(path) is None
    path.write_bytes(whole[: int(len(whole) * cut)])
    assert pdf_problem(path) is not None
