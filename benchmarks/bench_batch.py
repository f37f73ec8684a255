"""Batch production on the real decline-certificate template, all figures from one run.

Run: ``.venv/bin/python benchmarks/bench_batch.py [--docs 2000] [--rounds 3] [--naive-docs 150]
[--pdf-docs 60] [--big 11000]``

Measures, interleaved round by round because this VM's speed drifts (shared/perf/NOTES.md §8.7):

* naive docxtpl: ``DocxTemplate(path).render(ctx, autoescape=True); save`` per row, with the
  contexts built beforehand (so naive pays for nothing but docxtpl);
* ``medocs batch --jobs 1`` and ``--jobs 2`` on a CSV of ``--docs`` rows, each run in a fresh
  process through the real CLI code: reading the CSV, validating every row, numbering in a
  SQLite register, rendering, writing (fsync, atomic rename), the manifest. The time excludes
  only Python's start-up and imports;
* PDF with 1 and 2 LibreOffice workers on ``--pdf-docs`` rows;
* peak RSS (``resource.getrusage``) of the process and of each worker at growing batch sizes;
* ``--big`` documents end to end from an XLSX (real date cells), wall time of the whole
  ``medocs batch`` command including start-up, reading the workbook and writing the manifest.

Targets (issue 5): >= 8x naive; --jobs 2 >= 1.7x --jobs 1; 11,000 in < 30 s; < 150 MB per worker.
Not a test: it prints a table. Output goes to a temporary folder, removed at the end.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from docxtpl import DocxTemplate
from openpyxl import Workbook

from medocs.batch.columns import RowConverter
from medocs.documents.kinds import KINDS, build_context, data_dir, template_path
from medocs.loading import validate_case
from medocs.profiles import load_profile

KIND = KINDS["decline-certificate"]
SAMPLES = data_dir("samples")
PROFILE = SAMPLES / "westminster.toml"
TODAY = "2025-01-01"
DATE_COLUMNS = {"child.date_of_birth", "decision.letter_sent", "contacted_adviser", "declined_on",
                "mediation_requested", "la_told_adviser", "issued_on"}

# Runs the real CLI in a fresh process and reports its own time and peak memory as JSON.
RUNNER = """
import json, resource, sys, time
from medocs.cli import main
before = resource.getrusage(resource.RUSAGE_SELF)
cpu_before = before.ru_utime + before.ru_stime
started = time.perf_counter()
try:
    main(sys.argv[1:], standalone_mode=False)
except SystemExit as exc:
    if exc.code:
        raise
seconds = time.perf_counter() - started
me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
# ru_maxrss survives fork and exec on Linux, so it would report the benchmark's own peak;
# VmHWM is this process's own high-water mark.
with open("/proc/self/status") as status:
    self_kb = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
print(json.dumps({"seconds": seconds, "self_kb": self_kb, "children_kb": kids.ru_maxrss,
                  "cpu": me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime - cpu_before}))
"""


def sample_rows() -> list[dict[str, str]]:
    text = (SAMPLES / "batch" / "decline-certificate.csv").read_text(encoding="utf-8-sig")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def rows_for(count: int, prefix: str) -> list[dict[str, str]]:
    base = sample_rows()
    return [dict(base[i % len(base)], case_ref=f"{prefix}-{i + 1:06d}") for i in range(count)]


def write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def write_xlsx(path: Path, rows: list[dict[str, str]]) -> Path:
    """A workbook as Excel users make it: real date cells, and the sheet's <dimension> first
    (openpyxl's write-only mode leaves it out, which makes every reader scan the sheet twice)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Cases"
    header = list(rows[0])
    sheet.append(header)
    for row in rows:
        sheet.append([date.fromisoformat(row[name]) if name in DATE_COLUMNS and row[name]
                      else (row[name] or None) for name in header])
    workbook.save(path)
    return path


def medocs_batch(source: Path, out: Path, *extra: str) -> dict[str, float]:
    """Run ``medocs batch`` in a fresh process; its own time, wall time and peak memory."""
    args = ["batch", KIND.name, str(source), "--out", str(out), "--profile", str(PROFILE),
            "--register", str(out.parent / f"{out.name}.sqlite"), "--today", TODAY, "--quiet", *extra]
    began = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", RUNNER, *args], capture_output=True, text=True, check=False)
    wall = time.perf_counter() - began
    if done.returncode != 0:
        raise SystemExit(f"medocs batch failed ({done.returncode}): {done.stderr[-2000:]}")
    report: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    report["wall"] = wall
    return report


def naive_ms(rows: list[dict[str, str]], out: Path) -> float:
    """ms per document for docxtpl's own render + save, contexts built beforehand."""
    profile = load_profile(PROFILE)
    converter = RowConverter(KIND.model)
    contexts: list[dict[str, Any]] = []
    for number, row in enumerate(rows, start=1):
        case = validate_case(converter.convert(row).data, KIND.model, where="bench")
        contexts.append(build_context(KIND, case, profile, today=date.fromisoformat(TODAY),
                                      certificate_number=f"GM-2025-{number:06d}"))
    out.mkdir(parents=True)
    template = str(template_path(KIND))
    began = time.perf_counter()
    for number, context in enumerate(contexts):
        document = DocxTemplate(template)
        document.render(context, autoescape=True)
        document.save(str(out / f"naive-{number}.docx"))
    return (time.perf_counter() - began) * 1000 / len(contexts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=2000, help="rows per medocs batch run")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--naive-docs", type=int, default=150, help="rows per naive docxtpl round")
    parser.add_argument("--pdf-docs", type=int, default=60, help="rows for the PDF runs")
    parser.add_argument("--big", type=int, default=11000, help="rows of the end-to-end XLSX run")
    parser.add_argument("--dir", type=Path, help="work folder (default: a new temporary folder)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="medocs-bench-", dir=args.dir))
    try:
        run(args, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def run(args: argparse.Namespace, work: Path) -> None:
    source = write_csv(work / "rows.csv", rows_for(args.docs, "B"))
    naive_rows = rows_for(args.naive_docs, "N")
    times: dict[str, list[float]] = {"naive": [], "jobs1": [], "jobs2": []}
    cpu: dict[str, list[float]] = {"jobs1": [], "jobs2": []}
    memory: list[tuple[str, int, dict[str, float]]] = []
    for round_number in range(args.rounds):
        times["naive"].append(naive_ms(naive_rows, work / f"naive-{round_number}"))
        for jobs in (1, 2):
            measured = medocs_batch(source, work / f"j{jobs}-{round_number}", "--jobs", str(jobs))
            times[f"jobs{jobs}"].append(measured["seconds"] * 1000 / args.docs)
            cpu[f"jobs{jobs}"].append(measured["cpu"] * 1000 / args.docs)
            if round_number == 0:
                memory.append((f"--jobs {jobs}", args.docs, measured))
        print(f"round {round_number + 1}/{args.rounds}: " + ", ".join(
            f"{name} {values[-1]:.2f} ms/doc" for name, values in times.items()), file=sys.stderr)

    pdf_source = write_csv(work / "pdf.csv", rows_for(args.pdf_docs, "P"))
    pdf = {jobs: medocs_batch(pdf_source, work / f"pdf{jobs}", "--pdf", "--jobs", str(jobs))["seconds"]
           * 1000 / args.pdf_docs for jobs in (1, 2)}

    for size in (args.docs * 2, args.docs * 4):
        memory.append(("--jobs 2", size, medocs_batch(write_csv(work / f"m{size}.csv", rows_for(size, "M")),
                                                      work / f"m{size}", "--jobs", "2")))
    big_source = write_xlsx(work / "big.xlsx", rows_for(args.big, "X"))
    big = {jobs: medocs_batch(big_source, work / f"big{jobs}", "--jobs", str(jobs)) for jobs in (1, 2)}
    memory.append(("--jobs 1", args.big, big[1]))
    memory.append(("--jobs 2", args.big, big[2]))
    print_report(args, times, cpu, pdf, memory, big)


def print_report(args: argparse.Namespace, times: dict[str, list[float]], cpu: dict[str, list[float]],
                 pdf: dict[int, float],
           memory: list[tuple[str, int, dict[str, float]]], big: dict[int, dict[str, float]]) -> None:
    """Print the tables and the targets, as markdown."""
    naive = statistics.median(times["naive"])
    one, two = statistics.median(times["jobs1"]), statistics.median(times["jobs2"])
    print(f"\ndecline-certificate template, {args.rounds} interleaved rounds, medians; "
          f"medocs: {args.docs} rows per run from CSV, whole batch; naive: {args.naive_docs} rows\n")
    print("| method | ms/doc | docs/s | vs naive |")
    print("|---|---:|---:|---:|")
    lines = [
        ("naive docxtpl (render + save per row, contexts prebuilt)", naive),
        ("medocs batch --jobs 1", one),
        ("medocs batch --jobs 2", two),
        (f"medocs batch --pdf --jobs 1 ({args.pdf_docs} rows, DOCX + PDF)", pdf[1]),
        (f"medocs batch --pdf --jobs 2 ({args.pdf_docs} rows, DOCX + PDF)", pdf[2]),
    ]
    for name, ms in lines:
        print(f"| {name} | {ms:.2f} | {1000 / ms:,.0f} | {naive / ms:.1f}x |")
    print("\n| end to end, one `medocs batch` command | wall s | ms/doc |")
    print("|---|---:|---:|")
    for jobs in (1, 2):
        wall = big[jobs]["wall"]
        print(f"| {args.big:,} rows from XLSX, --jobs {jobs} (start-up, workbook, manifest included) | "
              f"{wall:.1f} | {wall * 1000 / args.big:.2f} |")
    print("\n| run | rows | peak RSS, main process | peak RSS, largest worker |")
    print("|---|---:|---:|---:|")
    for name, size, values in memory:
        worker = values["children_kb"] / 1024 if name != "--jobs 1" else values["self_kb"] / 1024
        print(f"| {name} | {size:,} | {values['self_kb'] / 1024:.0f} MB | {worker:.0f} MB |")
    spread = ", ".join(f"{name}: " + "/".join(f"{x:.2f}" for x in values) for name, values in times.items())
    print(f"\nper round ms/doc: {spread}")
    # CPU seconds (all processes and threads) per document: what the machine's other load
    # cannot change; wall / CPU says how many cores a run kept busy.
    for jobs in (1, 2):
        used = statistics.median(cpu[f"jobs{jobs}"])
        wall = statistics.median(times[f"jobs{jobs}"])
        print(f"--jobs {jobs}: CPU {used:.2f} ms/doc, {used / wall:.2f} cores busy on average")
    print(f"ratios: naive / --jobs 1 = {naive / one:.1f}x (target >= 8x); naive / --jobs 2 = "
          f"{naive / two:.1f}x; --jobs 2 vs --jobs 1 = {one / two:.2f}x (target >= 1.7x); "
          f"PDF 1 -> 2 workers = {pdf[1] / pdf[2]:.2f}x; {args.big:,} from XLSX: "
          f"{big[1]['wall']:.1f} s / {big[2]['wall']:.1f} s (target < 30 s)")


if __name__ == "__main__":
    main()
