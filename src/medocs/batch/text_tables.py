"""Reading CSV and JSONL batch files: checked as UTF-8 first, then decoded a chunk at a time.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from medocs.batch.cells import (
    _CHUNK,
    _MAX_ROW_CHARACTERS,
    TableRow,
    TableStream,
    _header,
    _row_cells,
    _unreadable,
)
from medocs.errors import CaseValidationError
from medocs.loading import parse_json

_DELIMITERS = (",", ";", "\t")


def _check_utf8(path: Path) -> str:
    """Check that the whole file is UTF-8 (with or without a BOM); return its first line.

    The file is decoded a chunk at a time and nothing is kept but the first line (the text
    before the first newline, for guessing the delimiter).

    Raises:
        CaseValidationError: naming the first bad byte, its line, and the fix.
    """
    first: list[str] = []
    seen_newline = False
    with path.open("rb") as handle:
        skip = len(codecs.BOM_UTF8) if handle.read(len(codecs.BOM_UTF8)) == codecs.BOM_UTF8 else 0
        handle.seek(skip)
        decoder = codecs.getincrementaldecoder("utf-8")()
        fed = 0  # bytes given to the decoder, counted from after the BOM
        while True:
            chunk = handle.read(_CHUNK)
            held = len(decoder.getstate()[0])
            try:
                text = decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as exc:
                raise _not_utf8(path, fed - held + exc.start) from exc
            fed += len(chunk)
            if not seen_newline:
                head, newline, _ = text.partition("\n")
                first.append(head)
                seen_newline = bool(newline)
            if not chunk:
                return "".join(first)


def _not_utf8(path: Path, start: int) -> CaseValidationError:
    """The error for a bad byte; ``start`` counts from after any BOM, as ``bytes.decode`` does.

    The byte shown and the line counted are taken at ``start`` from the file's beginning,
    as the message has always done.
    """
    lines = 0
    with path.open("rb") as handle:
        done = 0
        while done < start:
            chunk = handle.read(min(_CHUNK, start - done))
            if not chunk:
                break
            lines += chunk.count(b"\n")
            done += len(chunk)
        handle.seek(start)
        bad = handle.read(1)
    line = lines + 1
    # Excel's plain "CSV (Comma delimited)" writes Windows-1252: show what was meant.
    meant = bad.decode("cp1252", errors="replace")
    msg = (
        f"{path}: not UTF-8 text: byte 0x{bad.hex().upper()} at byte {start:,} (line {line}), "
        f"which Windows-1252 reads as {meant!r}; save the file as UTF-8 (in Excel: "
        "'CSV UTF-8 (Comma delimited)')"
    )
    return CaseValidationError(msg)


def _delimiter(header_line: str) -> str:
    """Comma, unless the header clearly uses ';' (Excel in continental locales) or tabs."""
    counts = {d: header_line.count(d) for d in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def _read_csv(path: Path, first_line: str) -> TableStream:
    handle = path.open(encoding="utf-8-sig", newline="")
    try:
        reader = csv.reader(handle, delimiter=_delimiter(first_line))
        records = _csv_records(path, reader)
        columns: tuple[str, ...] | None = None
        for number, record in records:
            columns = _header(path, record, f"row {number}")
            break
    except BaseException:
        handle.close()
        raise
    if columns is None:
        handle.close()
        msg = f"{path}: the file is empty; expected a header row such as 'case_ref,child.name,…'"
        raise CaseValidationError(msg)
    return TableStream(path, columns, _csv_rows(path, handle, records, columns), "row")


def _csv_records(path: Path, reader: Any) -> Iterator[tuple[int, list[str]]]:
    """``(row number, cells)`` of each record that is not blank."""
    try:
        # Each CSV record is one spreadsheet row, even when a quoted cell spans lines.
        for number, record in enumerate(reader, start=1):
            if any(cell.strip() for cell in record):
                yield number, record
    except csv.Error as exc:
        msg = f"{path}: row {reader.line_num}: not valid CSV ({exc})"
        raise CaseValidationError(msg) from exc
    except OSError as exc:
        raise _unreadable(path, exc) from exc


def _csv_rows(path: Path, handle: io.TextIOBase, records: Iterator[tuple[int, list[str]]],
              columns: tuple[str, ...]) -> Iterator[TableRow]:
    with handle:
        for number, record in records:
            yield _row_cells(columns, record, number)


def flat_columns(record: dict[str, Any]) -> dict[str, Any]:
    """A nested case (as in a JSON or TOML case file) as the dotted columns of a batch row."""
    out: dict[str, Any] = {}
    _flatten(record, "", out)
    return out


def _flatten(value: Any, prefix: str, out: dict[str, Any]) -> None:
    """Nested JSON -> dotted columns; list items numbered from 1 like spreadsheet columns."""
    if isinstance(value, dict):
        for key, item in value.items():
            _flatten(item, f"{prefix}.{key}" if prefix else str(key), out)
    elif isinstance(value, list):
        for index, item in enumerate(value, start=1):
            _flatten(item, f"{prefix}.{index}", out)
    else:
        out[prefix] = value


def _lines(path: Path) -> Iterator[str]:
    """The file's lines as ``str.splitlines`` cuts them, read a chunk at a time."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rest = ""
        count = 0
        while True:
            try:
                chunk = handle.read(_CHUNK)
            except OSError as exc:
                raise _unreadable(path, exc) from exc
            if not chunk:
                yield from rest.splitlines()
                return
            pieces = (rest + chunk).splitlines(keepends=True)
            # The last piece may go on in the next chunk (or be a '\r' before its '\n').
            rest = pieces.pop()
            for piece in pieces:
                yield piece.splitlines()[0]
            count += len(pieces)
            if len(rest) > _MAX_ROW_CHARACTERS:  # never hold a line of a hostile file whole
                msg = (f"{path}: line {count + 1} is longer than {_MAX_ROW_CHARACTERS:,} characters; "
                       "a line holds one case, a few thousand characters at most")
                raise CaseValidationError(msg)


def _read_jsonl(path: Path) -> Iterator[TableRow]:
    for number, line in enumerate(_lines(path), start=1):
        if not line.strip():
            continue
        record = parse_json(line, where=f"{path}: line {number}")
        if not isinstance(record, dict):
            msg = f"{path}: line {number}: each line must be one JSON object (got {type(record).__name__})"
            raise CaseValidationError(msg)
        flat: dict[str, Any] = {}
        _flatten(record, "", flat)
        yield TableRow(number, {k: v for k, v in flat.items()
                                if v is not None and not (isinstance(v, str) and not v.strip())})
