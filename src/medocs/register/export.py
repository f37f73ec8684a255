"""The register as CSV, for a spreadsheet."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import astuple, fields
from typing import TextIO

from medocs.register.records import Entry
from medocs.reports import csv_safe


def write_csv(entries: Sequence[Entry], stream: TextIO) -> int:
    """Write entries as CSV with a header row, safe to open in a spreadsheet.

    A value starting with ``=``, ``+``, ``-``, ``@`` (or tab, carriage return) gets a
    leading apostrophe so the spreadsheet shows it as text instead of running a formula.

    Args:
        entries: the register's entries, in the order to write them.
        stream: a text stream opened with ``newline=""``.

    Returns:
        The number of entries written.
    """
    writer = csv.writer(stream)
    writer.writerow([field.name for field in fields(Entry)])
    for entry in entries:
        writer.writerow([csv_safe(value) for value in astuple(entry)])
    return len(entries)
