"""Benchmark: DOCX -> PDF through PdfPool, ms per document, each back-end with 1 and 2 workers.

Run with ``.venv/bin/python benchmarks/bench_pdf.py [--docs N] [--chunk-size C] [--template DOCX]``.
Makes N small two-page .docx files (python-docx, a table and a footer like a certificate; or
N copies of ``--template``), converts them with one plain ``soffice`` call (the baseline: what
LibreOffice itself costs), then with PdfPool's ``convert-to`` and ``uno`` back-ends with one
worker and with two, and prints ms/doc and the ratios. Each run starts from a fresh profile,
so start-up is included. ``--chunk-size`` is passed on to PdfPool (default: the back-end's).
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
from medocs.pdf.pool import Backend, PdfPool, find_soffice


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


def run(docs: list[Path], out: Path, backend: Backend, workers: int, chunk_size: int | None) -> float:
    """Convert every document with a fresh pool; return ms per document (start-up included)."""
    shutil.rmtree(out, ignore_errors=True)
    started = time.perf_counter()
    with PdfPool(workers=workers, chunk_size=chunk_size, backend=backend) as pool:
        results = pool.convert_many(docs, out)
    elapsed = time.perf_counter() - started
    failed = [str(r) for r in results.values() if isinstance(r, PdfError)]
    if failed:
        raise SystemExit(f"{len(failed)} conversions failed, first: {failed[0]}")
    return elapsed * 1000 / len(docs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=int, default=100)
    parser.add_argument("--chunk-size", type=int)
    parser.add_argument("--template", type=Path, help="convert copies of this .docx instead")
    parser.add_argument(
        "--backend", choices=["uno", "convert-to"], action="append", help="only this back-end (repeatable)"
    )
    args = parser.parse_args()
    backends: list[Backend] = args.backend or ["convert-to", "uno"]
    with tempfile.TemporaryDirectory(prefix="medocs-bench-pdf-") as tmp:
        folder = Path(tmp)
        if args.template:
            docs = copy_template(folder, args.template, args.docs)
        else:
            docs = make_docs(folder, args.docs)
        base = baseline(docs, folder / "out0", folder / "profile0")
        timings: dict[tuple[Backend, int], float] = {}
        for backend in backends:
            for workers in (1, 2):
                out = folder / f"out-{backend}-{workers}"
                timings[backend, workers] = run(docs, out, backend, workers, args.chunk_size)
    what = f"copies of {args.template.name}" if args.template else "generated two-page documents"
    chunk = args.chunk_size or "back-end default"
    print(f"{args.docs} {what}, chunk size {chunk}, fresh profiles, start-up included")
    print(f"plain soffice, 1 call  : {base:6.1f} ms/doc")
    for backend in backends:
        one, two = timings[backend, 1], timings[backend, 2]
        print(f"{backend:10} 1 worker : {one:6.1f} ms/doc  (target < 70; {one / base:4.2f}x the plain call)")
        print(f"{backend:10} 2 workers: {two:6.1f} ms/doc  (target ~ 40; {one / two:4.2f}x faster than 1)")
    if len(backends) == 2:
        print(
            f"uno vs convert-to: {timings['convert-to', 1] / timings['uno', 1]:4.2f}x faster with 1 worker, "
            f"{timings['convert-to', 2] / timings['uno', 2]:4.2f}x with 2"
        )


if __name__ == "__main__":
    main()
