"""Batch input rows for tests: the shipped samples, copied, changed and written as CSV or XLSX."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook

from medocs.documents.kinds import data_dir

SAMPLES = data_dir("samples")
PROFILE = SAMPLES / "westminster.toml"


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
