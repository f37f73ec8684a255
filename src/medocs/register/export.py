"""The register as CSV, for a spreadsheet."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import astuple, fields
from pathlib import Path
from typing import TextIO

from medocs.files import write_atomic
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


def write_csv_file(entries: Sequence[Entry], path: Path, *, force: bool = False) -> int:
    """Write entries to the CSV file ``path`` (:func:`write_csv`), atomically.

    The file starts with a byte order mark, so that Excel reads the names as UTF-8.

    Args:
        entries: the register's entries, in the order to write them.
        path: the file to write.
        force: replace ``path`` if it exists.

    Returns:
        The number of entries written.

    Raises:
        OutputExistsError: ``path`` exists and ``force`` is False.
        OSError: the file cannot be written.
    """
    buffer = io.StringIO(newline="")
    count = write_csv(entries, buffer)
    write_atomic(path, buffer.getvalue().encode("utf-8-sig"), force=force)
    return count
