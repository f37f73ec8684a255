"""Item 8: an XLSX bomb (a small file of huge cells) is refused while it is read, and no report
echoes a bad value whole."""

from __future__ import annotations

import csv
import io
import time
import zipfile
from pathlib import Path

from helpers import sample_rows, write_csv, write_xlsx
from hostile_helpers import run_batch


def _bomb(path: Path, cell: str, copies: int) -> Path:
    """A workbook whose data rows hold ``cell`` in the child's name column.

    openpyxl cuts a cell at Excel's 32,767 characters when it writes: the long text is put into
    the saved XML afterwards, as an attacker would.
    """
    rows = sample_rows()
    header = list(rows[0])
    body = [["BOMB-CELL" if name == "child.name" else row[name] for name in header]
            for row in (rows * copies)[:copies]]
    plain = path.with_suffix(".plain.xlsx")
    write_xlsx(plain, header, body)
    with zipfile.ZipFile(plain) as original, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as bomb:
        for item in original.infolist():
            bomb.writestr(item, original.read(item).replace(b"BOMB-CELL", cell.encode()))
    return path


class TestXlsxBomb:
    def test_a_cell_longer_than_excel_allows_is_refused_before_reading(self, tmp_path: Path) -> None:
        """A 2 MB cell (Excel saves at most 32,767 characters) refuses the file, naming why."""
        source = _bomb(tmp_path / "bomb.xlsx", "A" * 2_000_000, 3)
        result = run_batch(tmp_path, source)
        assert result.exit_code == 1
        assert "32,767" in result.output
        assert len(result.output) < 2_000
        assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())

    def test_absurd_expansion_is_refused_from_the_zip_directory(self, tmp_path: Path) -> None:
        """A workbook whose sheet unpacks to 200 times its size is refused before openpyxl runs."""
        source = _bomb(tmp_path / "bomb.xlsx", "Zoë", 1)
        padded = tmp_path / "padded.xlsx"
        with zipfile.ZipFile(source) as original, zipfile.ZipFile(
                padded, "w", zipfile.ZIP_DEFLATED) as bomb:
            for item in original.infolist():
                data = original.read(item)
                if item.filename == "xl/worksheets/sheet1.xml":
                    data = data.replace(b"<sheetData>", b"<sheetData>" + b"<row/>" * 12_000_000)
                bomb.writestr(item, data)
        started = time.monotonic()
        result = run_batch(tmp_path, padded)
        assert result.exit_code == 1
        assert "times its own size" in result.output
        assert time.monotonic() - started < 20

    def test_a_long_bad_value_is_echoed_short(self, tmp_path: Path) -> None:
        """A 100,000-character name is an error whose echo (screen and errors.csv) is capped."""
        rows = sample_rows()
        rows[0]["child.name"] = "N" * 100_000
        source = write_csv(tmp_path / "in.csv", rows)
        result = run_batch(tmp_path, source)
        assert result.exit_code == 1
        assert len(result.output) < 5_000
        errors = (tmp_path / "out" / "errors.csv").read_text(encoding="utf-8-sig")
        assert len(errors) < 5_000
        found = list(csv.DictReader(io.StringIO(errors, newline="")))[0]["found"]
        assert "more characters" in found

    def test_an_overlong_jsonl_line_is_refused_while_read(self, tmp_path: Path) -> None:
        """A JSONL line of 3 MB is refused naming its line, not held whole and echoed."""
        source = tmp_path / "in.jsonl"
        source.write_text('{"case_ref": "A"}\n{"child.name": "' + "x" * 3_000_000 + '"}\n',
                          encoding="utf-8")
        result = run_batch(tmp_path, source)
        assert result.exit_code == 1
        assert "line 2 is longer than 1,000,000 characters" in result.output
        assert len(result.output) < 2_000


def test_a_password_protected_workbook_is_named_as_such(tmp_path: Path) -> None:
    """Item 13: an encrypted .xlsx (an OLE compound file) says so, not 'File is not a zip file'."""
    source = tmp_path / "locked.xlsx"
    source.write_bytes(bytes.fromhex("d0cf11e0a1b11ae1") + bytes(4096))
    result = run_batch(tmp_path, source)
    assert result.exit_code == 1
    assert "password-protected" in result.output
    assert "zip" not in result.output
