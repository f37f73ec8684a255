"""Item 8: an XLSX bomb (a small file of huge cells) is refused while it is read, a too-long cell
is a problem of its row only, and no report echoes a bad value whole."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import IO

from helpers import PROFILE, sample_rows, write_csv, write_xlsx
from hostile_helpers import run_batch

_SHEET = "xl/worksheets/sheet1.xml"


def _bomb(path: Path, letter: str, size: int, copies: int) -> Path:
    """A workbook whose ``copies`` data rows hold ``size`` times ``letter`` as the child's name.

    openpyxl cuts a cell at Excel's 32,767 characters when it writes: the long text is put into
    the saved XML afterwards, as an attacker would, a megabyte at a time (the test stays small).
    """
    rows = sample_rows()
    header = list(rows[0])
    body = [["BOMB-CELL" if name == "child.name" else row[name] for name in header]
            for row in (rows * copies)[:copies]]
    plain = path.with_suffix(".plain.xlsx")
    write_xlsx(plain, header, body)
    block = letter.encode() * (1 << 20)
    with zipfile.ZipFile(plain) as original, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as bomb:
        for item in original.infolist():
            pieces = original.read(item).split(b"BOMB-CELL")
            with bomb.open(item.filename, "w") as part:
                for number, piece in enumerate(pieces):
                    if number:
                        for start in range(0, size, len(block)):
                            part.write(block[:size - start])
                    part.write(piece)
    return path


def _rewritten(path: Path, header: list[str], body: list[list[object]], change: object) -> Path:
    """A real workbook of ``body`` written by openpyxl, each part then passed through ``change``."""
    plain = path.with_suffix(".plain.xlsx")
    write_xlsx(plain, header, body)
    with zipfile.ZipFile(plain) as original, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as bomb:
        for item in original.infolist():
            bomb.writestr(item, change(item.filename, original.read(item)))  # type: ignore[operator]
    return path


def _sample_workbook(path: Path, change: object) -> Path:
    rows = sample_rows()
    header = list(rows[0])
    return _rewritten(path, header, [[row[name] for name in header] for row in rows], change)


# Runs medocs as its child and prints the child's exit code and peak memory: a process started
# straight from pytest would count pytest's own memory (Linux keeps the peak across exec).
_MEASURE = """
import resource, subprocess, sys
code = subprocess.run(sys.argv[1:], stdin=subprocess.DEVNULL).returncode
print(code, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)
"""


def _sheet_edited(path: Path, edit: Callable[[bytes], bytes]) -> Path:
    """The sample rows as a real workbook whose first sheet's XML is then passed through ``edit``."""
    return _sample_workbook(path, lambda name, data: edit(data) if name == _SHEET else data)


def _with_shared_strings(path: Path, write_table: Callable[[IO[bytes]], None]) -> Path:
    """The sample rows, the first child's name taken from shared string 0 of a table whose
    ``<si>`` elements ``write_table`` writes, a part at a time."""
    def change(name: str, data: bytes) -> bytes:
        if name == _SHEET:
            data = data.replace(b't="inlineStr"><is><t>Zo\xc3\xab Adeyemi</t></is>', b't="s"><v>0</v>')
        if name == "xl/_rels/workbook.xml.rels":
            data = data.replace(b"</Relationships>", b'<Relationship Type="http://schemas.openxml'
                                b'formats.org/officeDocument/2006/relationships/sharedStrings" '
                                b'Target="sharedStrings.xml" Id="rId9"/></Relationships>')
        return data

    source = _sample_workbook(path.with_suffix(".plain.xlsx"), change)
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for item in original.infolist():
            out.writestr(item, original.read(item))
        with out.open("xl/sharedStrings.xml", "w") as part:
            part.write(b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
            write_table(part)
            part.write(b"</sst>")
    return path


def _medocs_peak(tmp_path: Path, source: Path) -> tuple[int, str, int]:
    """Run the real ``medocs batch`` on ``source`` in a child process.

    Returns:
        Its exit code, its output, and its peak resident memory in KiB
        (``getrusage(RUSAGE_CHILDREN)`` of a small process that started it).
    """
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, sys.executable, "-m", "medocs", "batch", "decline-certificate",
         str(source), "--out", str(tmp_path / "out"), "--profile", str(PROFILE),
         "--register", str(tmp_path / "register.sqlite"), "--today", "2025-01-01"],
        capture_output=True, text=True, check=True, env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    *output, measured = done.stderr.rstrip("\n").split("\n")
    code, peak = measured.split()
    return int(code), done.stdout + "\n".join(output), int(peak)


def _written(tmp_path: Path) -> list[Path]:
    out = tmp_path / "out"
    return sorted(out.rglob("*.docx")) if out.exists() else []


class TestXlsxBomb:
    def test_the_bomb_is_refused_with_little_memory(self, tmp_path: Path) -> None:
        """The trial's bomb (a ~300 KB file of three 100 MB cells) is refused at once by the real
        CLI, whose peak memory stays that of medocs starting (it took 2.4 GB before)."""
        source = _bomb(tmp_path / "bomb.xlsx", "A", 100_000_000, 3)
        assert source.stat().st_size < 400_000
        code, output, peak_kib = _medocs_peak(tmp_path, source)
        assert code == 1
        assert "times its own size" in output
        assert "refused" in output
        assert len(output) < 1_000
        assert peak_kib < 150 * 1024, f"peak RSS {peak_kib} KiB"
        assert not (tmp_path / "out").exists()

    def test_a_long_cell_under_the_bomb_limits_is_read_as_a_stream(self, tmp_path: Path) -> None:
        """A 40 MB cell in a small file (under the expansion limits) is a problem of its row,
        counted, never held whole: the child's peak memory stays low and the echo short."""
        source = _bomb(tmp_path / "long.xlsx", "B", 40_000_000, 1)
        code, output, peak_kib = _medocs_peak(tmp_path, source)
        assert code == 1
        assert "cell C2 of sheet 'Sheet1' holds 40,000,000 characters" in output
        assert "32,767" in output
        assert len(output) < 3_000
        assert peak_kib < 150 * 1024, f"peak RSS {peak_kib} KiB"
        errors = (tmp_path / "out" / "errors.csv").read_text(encoding="utf-8-sig")
        assert len(errors) < 2_000

    def test_a_too_long_cell_among_good_rows_fails_only_its_row(self, tmp_path: Path) -> None:
        """Row 3's 2 MB name is a problem of row 3: the other rows are still issued."""
        rows = sample_rows()
        header = list(rows[0])
        body = [[row[name] for name in header] for row in rows]
        body[1][header.index("child.name")] = "LONG-CELL"
        source = _rewritten(tmp_path / "in.xlsx", header, body,
                            lambda name, data: data.replace(b"LONG-CELL", b"N" * 2_000_000))
        result = run_batch(tmp_path, source)
        assert result.exit_code == 1
        assert "in.xlsx row 3" in result.output
        assert "cell C3 of sheet 'Sheet1' holds 2,000,000 characters" in result.output
        assert len(_written(tmp_path)) == len(rows) - 1
        errors = list(csv.DictReader(io.StringIO(
            (tmp_path / "out" / "errors.csv").read_text(encoding="utf-8-sig"), newline="")))
        assert [(e["row"], e["field"]) for e in errors] == [("3", "child.name")]
        assert errors[0]["found"].endswith("(1,999,850 more characters)")

    def test_a_huge_shared_string_is_refused(self, tmp_path: Path) -> None:
        """A 60 MB string in the shared-string table of a small file refuses the file."""
        def table(part: IO[bytes]) -> None:
            part.write(b"<si><t>")
            for _ in range(60):
                part.write(b"S" * 1_000_000)
            part.write(b"</t></si>")

        code, output, peak_kib = _medocs_peak(tmp_path, _with_shared_strings(tmp_path / "huge.xlsx", table))
        assert code == 1
        assert "times its own size" in output
        assert peak_kib < 150 * 1024, f"peak RSS {peak_kib} KiB"
        assert not _written(tmp_path)

    def test_too_many_shared_strings_are_refused_while_read(self, tmp_path: Path) -> None:
        """1,000,001 short shared strings (under the expansion limits) refuse the file at the
        1,000,001st, before any row is read."""
        def table(part: IO[bytes]) -> None:
            for start in range(0, 1_000_001, 50_000):
                numbers = range(start, min(start + 50_000, 1_000_001))
                part.write(b"".join(b"<si><t>s%d</t></si>" % n for n in numbers))

        code, output, peak_kib = _medocs_peak(tmp_path, _with_shared_strings(tmp_path / "many.xlsx", table))
        assert code == 1
        assert "sharedStrings.xml: string 1,000,001 brings the shared strings to 1,000,001" in output
        assert "at most 1,000,000 strings" in output
        assert peak_kib < 250 * 1024, f"peak RSS {peak_kib} KiB"
        assert not _written(tmp_path)

    def test_too_many_columns_refuse_the_file(self, tmp_path: Path) -> None:
        """A cell past column XFD (Excel's 16,384th) refuses the file, naming the row and cell."""
        wide = _sheet_edited(tmp_path / "wide.xlsx", lambda xml: xml.replace(
            b'</row><row r="3"', b'<c r="XFE2" t="n"><v>1</v></c></row><row r="3"', 1))
        result = run_batch(tmp_path, wide)
        assert result.exit_code == 1
        assert "sheet 'Sheet1' cell XFE2: a row may have at most 16,384 columns" in result.output
        assert not (tmp_path / "out").exists()

    def test_cells_without_references_are_counted_too(self, tmp_path: Path) -> None:
        """20,000 unnumbered cells in one row are past the column limit as well."""
        cells = b"<c><v>1</v></c>" * 20_000
        wide = _sheet_edited(tmp_path / "wide.xlsx", lambda xml: xml.replace(
            b'</row><row r="3"', cells + b'</row><row r="3"', 1))
        result = run_batch(tmp_path, wide)
        assert result.exit_code == 1
        assert "cell XFE2: a row may have at most 16,384 columns" in result.output
        assert "column 16,385" in result.output

    def test_entity_expansion_is_refused(self, tmp_path: Path) -> None:
        """A sheet declaring entities (the 'billion laughs') is refused for its DOCTYPE."""
        laughs = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                  + b"".join(b'<!ENTITY lol%d "%s">' % (n, (b"&lol%d;" % (n - 1) if n > 1 else b"&lol;") * 10)
                             for n in range(1, 10)) + b"]>")

        lol = _sheet_edited(tmp_path / "lol.xlsx", lambda xml: laughs + xml.replace(
            b"Zo\xc3\xab Adeyemi", b"&lol9;"))
        result = run_batch(tmp_path, lol)
        assert result.exit_code == 1
        assert "xl/worksheets/sheet1.xml declares a DOCTYPE" in result.output
        assert not (tmp_path / "out").exists()

    def test_absurd_expansion_is_refused_from_the_zip_directory(self, tmp_path: Path) -> None:
        """A workbook whose sheet unpacks to 200 times its size is refused before it is read."""
        source = _bomb(tmp_path / "bomb.xlsx", "Z", 3, 1)
        padded = tmp_path / "padded.xlsx"
        with zipfile.ZipFile(source) as original, zipfile.ZipFile(
                padded, "w", zipfile.ZIP_DEFLATED) as bomb:
            for item in original.infolist():
                data = original.read(item)
                if item.filename == _SHEET:
                    data = data.replace(b"<sheetData>", b"<sheetData>" + b"<row/>" * 12_000_000)
                bomb.writestr(item, data)
        result = run_batch(tmp_path, padded)
        assert result.exit_code == 1
        assert "times its own size" in result.output

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

    def test_a_long_case_ref_is_echoed_short(self, tmp_path: Path) -> None:
        """A 30,000-character case_ref (a valid cell) is shown by its start in every report line."""
        rows = sample_rows()
        rows[0]["case_ref"] = "R" * 30_000
        header = list(rows[0])
        source = tmp_path / "in.xlsx"
        write_xlsx(source, header, [[row[name] for name in header] for row in rows])
        result = run_batch(tmp_path, source)
        assert result.exit_code == 1
        assert max(len(line) for line in result.output.splitlines()) < 1_000
        for report in ("errors.csv", "manifest.csv"):
            text = (tmp_path / "out" / report).read_text(encoding="utf-8-sig")
            assert max(len(line) for line in text.splitlines()) < 1_500

    def test_long_unknown_header_names_are_echoed_short(self, tmp_path: Path) -> None:
        """30 unknown columns of 20,000 characters: one short line naming ten and counting the rest."""
        rows = sample_rows()
        header = [*rows[0], *(f"{n:02d}" + "H" * 20_000 for n in range(30))]
        source = tmp_path / "in.xlsx"
        write_xlsx(source, header, [[row.get(name, "") for name in header] for row in rows])
        result = run_batch(tmp_path, source)
        assert result.exit_code == 1
        assert "unknown column '00HHH" in result.output
        assert "and 20 more unknown columns" in result.output
        assert len(result.output) < 2_000

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
