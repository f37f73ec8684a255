"""Benchmark: DOCX -> PDF through PdfPool, ms per document with 1 and with 2 workers.

Run with ``.venv/bin/python benchmarks/bench_pdf.py [--docs N] [--chunk-size C] [--template DOCX]``.
Makes N small two-page .docx files (python-docx, a table and a footer like a certificate; or
N copies of ``--template``), converts them with one plain ``soffice`` call (the baseline: what
LibreOffice itself costs), then with PdfPool with one worker and with two, and prints ms/doc
and the ratios. Each run starts from a fresh profile, so start-up is included.
Targets (issue 5): under 70 ms/doc with one worker, about 40 ms/doc with two. Not a test.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import docx

from medocs.errors import PdfError
from medocs.pdf import PdfPool, find_soffice


def make_docs(folder: Path, count: int) -> list[Path]:
    """Write ``count`` two-page certificate-like documents and return their paths."""
    paths: list[Path] = []
    for index in range(count):
        document = docx.Document()
        document.sections[0].footer.paragraphs[0].text = "Mediation certificate - page footer"
        document.add_heading(f"Mediation certificate GM-2025-{index:06d}", level=1)
        for line in range(12):
            document.add_paragraph(f"Case MED-{index:05d}, paragraph {line}: the parties were told " * 2)
        table = document.add_table(rows=4, cols=3)
        for row in table.rows:
            for cell in row.cells:
                cell.text = "deadline 2025-03-01"
        document.add_page_break()
        document.add_paragraph("Second page: rights of appeal, SENDIASS contact details.")
        path = folder / f"cert-{index:04d}.docx"
        document.save(str(path))
        paths.append(path)
    return paths


def copy_template(folder: Path, template: Path, count: int) -> list[Path]:
    """Write ``count`` copies of ``template`` and return their paths."""
    paths = [folder / f"cert-{index:04d}.docx" for index in range(count)]
    for path in paths:
        shutil.copyfile(template, path)
    return paths


def baseline(docs: list[Path], out: Path, profile: Path) -> float:
    """Convert every document with one plain soffice call; return ms per document."""
    started = time.perf_counter()
    subprocess.run(
        [
            find_soffice(),
            "--headless",
            "--norestore",
            f"-env:UserInstallation={profile.as_uri()}",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            *map(str, docs),
        ],
        check=True,
        capture_output=True,
    )
    elapsed = time.perf_counter() - started
    if len(list(out.glob("*.pdf"))) != len(docs):
        raise SystemExit("baseline soffice call did not write every PDF")
    return elapsed * 1000 / len(docs)


def run(docs: list[Path], out: Path, workers: int, chunk_size: int) -> float:
    """Convert every document with a fresh pool; return ms per document (start-up included)."""
    shutil.rmtree(out, ignore_errors=True)
    started = time.perf_counter()
    with PdfPool(workers=workers, chunk_size=chunk_size) as pool:
        results = pool.convert_many(docs, out)
    elapsed = time.perf_counter() - started
    failed = [str(r) for r in results.values() if isinstance(r, PdfError)]
    if failed:
        raise SystemExit(f"{len(failed)} conversions failed, first: {failed[0]}")
    return elapsed * 1000 / len(docs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=int, default=100)
    parser.add_argument("--chunk-size", type=int, default=200)
    parser.add_argument("--template", type=Path, help="convert copies of this .docx instead")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="medocs-bench-pdf-") as tmp:
        folder = Path(tmp)
        if args.template:
            docs = copy_template(folder, args.template, args.docs)
        else:
            docs = make_docs(folder, args.docs)
        base = baseline(docs, folder / "out0", folder / "profile0")
        one = run(docs, folder / "out1", 1, args.chunk_size)
        two = run(docs, folder / "out2", 2, args.chunk_size)
    what = f"copies of {args.template.name}" if args.template else "generated two-page documents"
    print(f"{args.docs} {what}, chunk size {args.chunk_size}, fresh profiles")
    print(f"plain soffice, 1 call: {base:6.1f} ms/doc")
    print(f"1 worker : {one:6.1f} ms/doc  (target < 70)")
    print(f"2 workers: {two:6.1f} ms/doc  (target ~ 40)")
    print(f"speed-up : {one / two:4.2f}x (2 workers vs 1); pool overhead vs plain call {one / base:4.2f}x")


if __name__ == "__main__":
    main()
