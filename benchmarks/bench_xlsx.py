"""Reading .xlsx batch files: the streaming reader against the openpyxl one it replaced, one run.

Run: ``.venv/bin/python benchmarks/bench_xlsx.py [--rows 10000] [--rounds 5]``

* rows/s reading a real ``--rows``-row workbook (openpyxl wrote it: the sample cases, real date
  cells), old and new reader interleaved round by round (this VM's speed drifts), median;
* each bomb read by each reader in a fresh process: its time and its own peak memory (VmHWM).
  The bombs: the trial's (three 100 MB cells in a ~300 KB file), one 40 MB cell (under the
  expansion limits), 1,400 rows of 32,000-character cells (45 MB: under every limit of the
  old reader's pre-scan, and of Excel), and a table of 3,000,000 shared strings (~60 MB).

The old reader is medocs/batch/xlsx.py as it was at ``OLD_COMMIT``, loaded from git. Not a
test: it prints a table. Files go to a temporary folder, removed at the end.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import statistics
import subprocess
import sys
import tempfile
import time
import types
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from medocs.batch import xlsx as new_reader
from medocs.documents.kinds import data_dir

OLD_COMMIT = "715e3d6a0fa8278c14592470f084e729a6fb4fa7"  # the last commit with the openpyxl reader
ROOT = Path(__file__).resolve().parents[1]
SAMPLES = data_dir("samples")
DATE_COLUMNS = {"child.date_of_birth", "decision.letter_sent", "contacted_adviser", "declined_on",
                "mediation_requested", "la_told_adviser", "issued_on"}

# Reads one file with the old or new reader in a fresh process; prints time, peak memory, outcome.
RUNNER = """
import json, sys, time, types
from pathlib import Path
from medocs.errors import CaseValidationError
which, source, path = sys.argv[1:4]
if which == "old":
    reader = types.ModuleType("old_xlsx")
    exec(compile(Path(source).read_text(encoding="utf-8"), "old_xlsx.py", "exec"), reader.__dict__)
else:
    from medocs.batch import xlsx as reader
started = time.perf_counter()
try:
    rows = sum(1 for _ in reader._read_xlsx(Path(path), None).rows)
    outcome = f"read {rows} rows"
except CaseValidationError as exc:
    outcome = "refused: " + str(exc).split(": ", 1)[1][:70]
seconds = time.perf_counter() - started
with open("/proc/self/status") as status:
    peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
print(json.dumps({"seconds": seconds, "peak_kb": peak, "outcome": outcome}))
"""


def old_source(folder: Path) -> Path:
    """medocs/batch/xlsx.py as it was before the streaming reader, written to ``folder``."""
    text = subprocess.run(["git", "-C", str(ROOT), "show", f"{OLD_COMMIT}:src/medocs/batch/xlsx.py"],
                          capture_output=True, text=True, check=True).stdout
    path = folder / "old_xlsx.py"
    path.write_text(text, encoding="utf-8")
    return path


def load_old(path: Path) -> Any:
    module = types.ModuleType("old_xlsx")
    exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), module.__dict__)  # noqa: S102 - our own file from git
    return module


def sample_rows() -> list[dict[str, str]]:
    text = (SAMPLES / "batch" / "decline-certificate.csv").read_text(encoding="utf-8-sig")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def write_cases(path: Path, count: int) -> Path:
    base = sample_rows()
    header = list(base[0])
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for number in range(count):
        values = dict(base[number % len(base)], case_ref=f"B-{number + 1:06d}")
        sheet.append([date.fromisoformat(values[name]) if name in DATE_COLUMNS and values[name]
                      else (values[name] or None) for name in header])
    workbook.save(path)
    return path


def write_bomb(path: Path, letter: bytes, size: int, copies: int) -> Path:
    """``copies`` rows whose child.name holds ``size`` letters, written a megabyte at a time."""
    base = sample_rows()
    header = list(base[0])
    plain = path.with_suffix(".plain.xlsx")
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for number in range(copies):
        values = dict(base[number % len(base)], case_ref=f"X-{number + 1:06d}")
        sheet.append(["BOMB-CELL" if name == "child.name" else (values[name] or None) for name in header])
    workbook.save(plain)
    block = letter * (1 << 20)
    with zipfile.ZipFile(plain) as original, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as bomb:
        for item in original.infolist():
            with bomb.open(item.filename, "w") as part:
                for index, piece in enumerate(original.read(item).split(b"BOMB-CELL")):
                    if index:
                        for start in range(0, size, len(block)):
                            part.write(block[:size - start])
                    part.write(piece)
    return path


def write_strings_bomb(path: Path, count: int) -> Path:
    """A small sheet over a shared-string table of ``count`` distinct strings (under the ratio)."""
    with zipfile.ZipFile(write_bomb(path.with_suffix(".base.xlsx"), b"S", 1, 1)) as base, zipfile.ZipFile(
            path, "w", zipfile.ZIP_DEFLATED) as bomb:
        for item in base.infolist():
            data = base.read(item)
            if item.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"</Relationships>", b'<Relationship Type="http://schemas.openxml'
                                    b'formats.org/officeDocument/2006/relationships/sharedStrings" '
                                    b'Target="sharedStrings.xml" Id="rId99"/></Relationships>')
            if item.filename == "[Content_Types].xml":  # openpyxl finds the table from here
                data = data.replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType='
                                    b'"application/vnd.openxmlformats-officedocument.spreadsheetml.'
                                    b'sharedStrings+xml"/></Types>')
            bomb.writestr(item, data)
        with bomb.open("xl/sharedStrings.xml", "w") as part:
            part.write(b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
            for start in range(0, count, 10_000):
                numbers = range(start, min(start + 10_000, count))
                part.write(b"".join(b"<si><t>s%d</t></si>" % n for n in numbers))
            part.write(b"</sst>")
    return path


def rows_per_second(read: Any, path: Path) -> float:
    started = time.perf_counter()
    count = sum(1 for _ in read(path, None).rows)
    return count / (time.perf_counter() - started)


def in_fresh_process(which: str, source: Path, path: Path) -> dict[str, Any]:
    done = subprocess.run([sys.executable, "-c", RUNNER, which, str(source), str(path)],
                          capture_output=True, text=True, check=True)
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=5)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="medocs-bench-xlsx-") as folder_name:
        folder = Path(folder_name)
        source = old_source(folder)
        old = load_old(source)
        cases = write_cases(folder / "cases.xlsx", options.rows)
        speeds: dict[str, list[float]] = {"old": [], "new": []}
        for _ in range(options.rounds):
            speeds["old"].append(rows_per_second(old._read_xlsx, cases))
            speeds["new"].append(rows_per_second(new_reader._read_xlsx, cases))
        old_speed, new_speed = (statistics.median(speeds[which]) for which in ("old", "new"))
        print(f"{options.rows:,}-row workbook ({cases.stat().st_size:,} bytes), median of {options.rounds}:")
        print(f"  old (openpyxl read-only): {old_speed:,.0f} rows/s")
        print(f"  new (streaming expat):    {new_speed:,.0f} rows/s  ({new_speed / old_speed:.2f}x)")
        bombs = {
            "trial bomb, 3 x 100 MB cells": write_bomb(folder / "bomb.xlsx", b"A", 100_000_000, 3),
            "one 40 MB cell": write_bomb(folder / "long.xlsx", b"B", 40_000_000, 1),
            "1,400 rows of 32,000-char cells": write_bomb(folder / "wide.xlsx", b"C", 32_000, 1_400),
            "3,000,000 shared strings": write_strings_bomb(folder / "strings.xlsx", 3_000_000),
        }
        print("\nbombs, each read in a fresh process (time, own peak RSS, outcome):")
        for name, path in bombs.items():
            print(f"  {name} ({path.stat().st_size:,} bytes):")
            for which in ("old", "new"):
                found = in_fresh_process(which, source, path)
                print(f"    {which}: {found['seconds']:7.2f} s  {found['peak_kb'] / 1024:7.1f} MB  "
                      f"{found['outcome']}")


if __name__ == "__main__":
    main()
