"""medocs.batch.xlsx: the streaming .xlsx reader, on real workbooks (openpyxl's and hand-made ones).

Values are checked against worked examples and against openpyxl reading the same file (the
reader medocs used before); limits with small :class:`XlsxLimits` so each is reached quickly.
"""

from __future__ import annotations

import re
import shutil
import string
import tempfile
import zipfile
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from helpers import write_xlsx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from xlsx_builder import build, row, text

from medocs.batch.cells import TableRow
from medocs.batch.tables import read_table
from medocs.batch.xlsx import _read_xlsx
from medocs.batch.xlsx_package import XlsxLimits
from medocs.errors import CaseValidationError

HEADER = row(1, text("A1", "case_ref"), text("B1", "value"))


def _naive(*parts: int) -> datetime:
    """A date and time as Excel keeps them: with no time zone."""
    return datetime(*parts)  # noqa: DTZ001


def _rows(path: Path, limits: XlsxLimits | None = None, sheet: str | None = None) -> list[TableRow]:
    stream = _read_xlsx(path, sheet, limits or XlsxLimits())
    return list(stream.rows)


def _values(path: Path) -> dict[int, Any]:
    """Row number -> the 'value' cell (None when empty)."""
    return {r.number: r.cells.get("value") for r in _rows(path)}


def _openpyxl_values(path: Path) -> dict[int, Any]:
    """The same, as openpyxl reads the saved values (what medocs used before)."""
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        return {n: (cells[1].value if len(cells) > 1 else None)
                for n, cells in enumerate(workbook.worksheets[0].iter_rows(min_row=1), start=1) if n > 1}
    finally:
        workbook.close()


def _one(path: Path, cell: str, shared: list[str] | None = None, *, date1904: bool = False) -> Any:
    build(path, [HEADER, row(2, text("A2", "R"), cell)], shared=shared, date1904=date1904)
    (only,) = _rows(path)
    assert only.problems == ()
    return only.cells.get("value")


class TestValues:
    @pytest.mark.parametrize(("cell", "expected"), [
        ('<c r="B2"><v>42</v></c>', 42),
        ('<c r="B2" t="n"><v>2.5</v></c>', 2.5),
        ('<c r="B2"><v>1E3</v></c>', 1000.0),
        ('<c r="B2" s="3"><v>7</v></c>', 7),  # '0.00' is a number format, not a date
        ('<c r="B2" t="b"><v>1</v></c>', True),
        ('<c r="B2" t="b"><v>0</v></c>', False),
        ('<c r="B2" t="str"><v>Zoë &amp; O\'Brien</v></c>', "Zoë & O'Brien"),
        ('<c r="B2" t="inlineStr"><is><r><t>Sio</t></r><r><rPr><b/></rPr><t>bhán</t></r></is></c>',
         "Siobhán"),
        ('<c r="B2" t="d"><v>2025-01-06T00:00:00</v></c>', _naive(2025, 1, 6)),
        ('<c r="B2" s="4"><v>1.5</v></c>', timedelta(hours=36)),
        ('<c r="B2" s="1"><v>0.75</v></c>', time(18, 0)),
        ('<c r="B2"/>', None),
    ])
    def test_cell_types(self, tmp_path: Path, cell: str, expected: object) -> None:
        """Each kind of cell gives the value openpyxl gave."""
        path = tmp_path / "v.xlsx"
        assert _one(path, cell) == expected
        assert _openpyxl_values(path)[2] == expected

    def test_shared_strings_with_runs_and_phonetic_hints(self, tmp_path: Path) -> None:
        """Shared strings: plain, rich text runs joined, phonetic hints left out, blank as None."""
        shared = ["<t>Zoë</t>", "<r><t>Le</t></r><r><t>o</t></r><rPh sb=\"0\" eb=\"1\"><t>レオ</t></rPh>",
                  "<t xml:space=\"preserve\"> </t>"]
        path = build(tmp_path / "s.xlsx", [HEADER] + [
            row(n + 2, text(f"A{n + 2}", f"R{n}"), f'<c r="B{n + 2}" t="s"><v>{n}</v></c>')
            for n in range(3)],
            shared=shared)
        assert _values(path) == {2: "Zoë", 3: "Leo", 4: None}
        assert _openpyxl_values(path) == {2: "Zoë", 3: "Leo", 4: " "}  # openpyxl kept a blank

    @pytest.mark.parametrize(("serial", "expected"), [
        (1, date(1900, 1, 1)), (59, date(1900, 2, 28)), (61, date(1900, 3, 1)),
        (45658, date(2025, 1, 1)), (46022, date(2025, 12, 31)), (46081, date(2026, 2, 28)),
    ])
    @pytest.mark.parametrize("style", [1, 2, 5])
    def test_1900_date_system(self, tmp_path: Path, serial: int, expected: date, style: int) -> None:
        """Serials in the 1900 system (with Lotus's 29 February 1900), for built-in and custom
        date formats: 45658 is Wednesday 1 January 2025 in Excel."""
        path = tmp_path / "d.xlsx"
        assert _one(path, f'<c r="B2" s="{style}"><v>{serial}</v></c>') == datetime.combine(expected, time())
        assert _openpyxl_values(path)[2] == datetime.combine(expected, time())

    @pytest.mark.parametrize(("serial", "expected"), [
        (1, _naive(1904, 1, 2)), (44196, _naive(2025, 1, 1)), (44196.5, _naive(2025, 1, 1, 12)),
    ])
    def test_1904_date_system(self, tmp_path: Path, serial: float, expected: datetime) -> None:
        """A workbook in the 1904 system (old Mac Excel) counts from 1 January 1904."""
        path = tmp_path / "d.xlsx"
        assert _one(path, f'<c r="B2" s="2"><v>{serial}</v></c>', date1904=True) == expected

    def test_a_blank_text_is_no_value(self, tmp_path: Path) -> None:
        """A cell of spaces is empty (openpyxl gave the spaces; medocs dropped them then too)."""
        blank = '<c r="B2" t="inlineStr"><is><t xml:space="preserve">  </t></is></c>'
        assert _one(tmp_path / "b.xlsx", blank) is None

    def test_cells_and_rows_without_references(self, tmp_path: Path) -> None:
        """Rows and cells without r="" follow the one before."""
        path = build(tmp_path / "n.xlsx", [HEADER, row(None, "<c t=\"inlineStr\"><is><t>R</t></is></c>",
                                                        "<c><v>5</v></c>"), row(7, text("B7", "x"))])
        assert [(r.number, r.cells) for r in _rows(path)] == [(2, {"case_ref": "R", "value": 5}),
                                                             (7, {"value": "x"})]

    def test_a_sheet_written_with_a_namespace_prefix(self, tmp_path: Path) -> None:
        """<x:row><x:c>… (some generators write SpreadsheetML with a prefix) reads the same."""
        path = build(tmp_path / "p.xlsx", [HEADER, row(2, text("A2", "a"), '<c r="B2"><v>3</v></c>')],
                     tail='<mergeCells><mergeCell ref="A2:A2"/></mergeCells>')
        with zipfile.ZipFile(path) as source:
            parts = {name: source.read(name) for name in source.namelist()}
        sheet = parts["xl/worksheets/sheet1.xml"].decode()
        sheet = re.sub(r"<(/?)(\w+)", r"<\1x:\2", sheet).replace("xmlns=", "xmlns:x=")
        parts["xl/worksheets/sheet1.xml"] = sheet.encode()
        with zipfile.ZipFile(path, "w") as target:
            for name, data in parts.items():
                target.writestr(name, data)
        (only,) = _rows(path)
        assert only.cells == {"case_ref": "a", "value": 3}
        assert "cells A2:A2 are merged" in only.problems[0].message

    def test_sheet_by_name_with_escaped_characters(self, tmp_path: Path) -> None:
        """--sheet names a sheet as Excel shows it, even with & and <."""
        path = build(tmp_path / "s.xlsx", [], sheets=[
            ("First", [HEADER, row(2, text("A2", "one"))]),
            ("R&D <2025>", [HEADER, row(2, text("A2", "two"))])])
        assert _rows(path, sheet="R&D <2025>")[0].cells == {"case_ref": "two"}
        assert _rows(path)[0].cells == {"case_ref": "one"}
        with pytest.raises(CaseValidationError, match=r"'First', 'R&D <2025>'"):
            _read_xlsx(path, "Other")


class TestFormulas:
    def test_saved_results_of_each_type(self, tmp_path: Path) -> None:
        """A formula gives the result Excel saved: text, number, date, an empty text."""
        path = build(tmp_path / "f.xlsx", [HEADER,
            row(2, text("A2", "a"), '<c r="B2" t="str"><f>UPPER(A2)</f><v>ZOË</v></c>'),
            row(3, text("A3", "b"), '<c r="B3"><f>1+1</f><v>2</v></c>'),
            row(4, text("A4", "c"), '<c r="B4" s="2"><f>DATE(2025,1,1)</f><v>45658</v></c>'),
            row(5, text("A5", "d"), '<c r="B5" t="str"><f>IF(1,"","")</f><v></v></c>')])
        rows = _rows(path)
        assert [r.cells.get("value") for r in rows] == ["ZOË", 2, _naive(2025, 1, 1), None]
        assert all(r.problems == () for r in rows)

    def test_no_saved_result_and_error_results_are_row_problems(self, tmp_path: Path) -> None:
        """No saved result (as openpyxl writes), a #N/A result, a #DIV/0! value: each a problem."""
        path = build(tmp_path / "f.xlsx", [HEADER,
            row(2, text("A2", "a"), '<c r="B2"><f>UPPER(A2)</f><v></v></c>'),
            row(3, text("A3", "b"), '<c r="B3" t="e"><f>VLOOKUP(1,C:C,1)</f><v>#N/A</v></c>'),
            row(4, text("A4", "c"), '<c r="B4" t="e"><v>#DIV/0!</v></c>'),
            row(5, text("A5", "d"), text("B5", "fine"))])
        rows = _rows(path)
        assert [(p.column, p.found) for r in rows for p in r.problems] == [
            ("value", "=UPPER(A2)"), ("value", "#N/A"), ("value", "#DIV/0!")]
        assert "B2 of sheet 'Sheet1' holds a formula with no saved result" in rows[0].problems[0].message
        assert "B3 of sheet 'Sheet1' shows an Excel error" in rows[1].problems[0].message
        assert rows[3].cells == {"case_ref": "d", "value": "fine"}


class TestBadCells:
    def test_a_too_long_cell_is_a_problem_of_its_row_only(self, tmp_path: Path) -> None:
        """An inline or shared string over 32,767 characters fails its rows; others are read."""
        long = "x" * 40_000
        path = build(tmp_path / "l.xlsx", [HEADER,
            row(2, text("A2", "a"), text("B2", long)),
            row(3, text("A3", "b"), '<c r="B3" t="s"><v>0</v></c>'),
            row(4, text("A4", "c"), text("B4", "ok"))], shared=[f"<t>{long}</t>"])
        rows = _rows(path)
        for number, found in ((2, rows[0]), (3, rows[1])):
            (problem,) = found.problems
            assert problem.column == "value"
            assert problem.message.startswith(f"cell B{number} of sheet 'Sheet1' holds 40,000 characters")
            assert "at most 32,767" in problem.message
            assert problem.found == "x" * 150 + "… (39,850 more characters)"
            assert "value" not in found.cells
        assert rows[2].cells == {"case_ref": "c", "value": "ok"}

    def test_a_cell_of_exactly_the_limit_is_read(self, tmp_path: Path) -> None:
        path = tmp_path / "e.xlsx"
        assert _one(path, text("B2", "é" * 32_767)) == "é" * 32_767

    @pytest.mark.parametrize(("cell", "message"), [
        ('<c r="B2" t="s"><v>9</v></c>', "refers to shared string 9, but the workbook has 1"),
        ('<c r="B2"><v>twelve</v></c>', "is marked as a number but holds 'twelve'"),
        ('<c r="B2" t="b"><v>yes</v></c>', "is marked as TRUE/FALSE but holds 'yes'"),
        ('<c r="B2" t="d"><v>someday</v></c>', "is marked as a date but holds 'someday'"),
        ('<c r="B2" s="1"><v>1E300</v></c>', "is formatted as a date, but 1E300 is no date"),
    ])
    def test_unreadable_cells_are_row_problems(self, tmp_path: Path, cell: str, message: str) -> None:
        path = build(tmp_path / "b.xlsx", [HEADER, row(2, text("A2", "a"), cell)], shared=["<t>one</t>"])
        (only,) = _rows(path)
        assert message in only.problems[0].message
        assert only.cells == {"case_ref": "a"}

    def test_many_bad_cells_in_a_row_are_summed_up(self, tmp_path: Path) -> None:
        """A row of 500 error cells gives 20 problems and one line for the other 480."""
        cells = '<c t="e"><v>#REF!</v></c>' * 500
        path = build(tmp_path / "m.xlsx", [HEADER, row(2, cells)])
        (only,) = _rows(path)
        assert len(only.problems) == 21
        assert only.problems[-1].message == "480 more cells of the row cannot be read either"

    def test_a_row_over_its_character_limit(self, tmp_path: Path) -> None:
        path = build(tmp_path / "r.xlsx", [HEADER, row(2, text("A2", "a" * 60), text("B2", "b" * 60)),
                                           row(3, text("A3", "ok"))])
        first, second = _rows(path, XlsxLimits(row_characters=100))
        assert first.cells == {}
        assert "over 100 characters" in first.problems[0].message
        assert second.cells == {"case_ref": "ok"}

    def test_a_bad_header_cell_stops_the_file(self, tmp_path: Path) -> None:
        path = build(tmp_path / "h.xlsx", [row(1, text("A1", "case_ref"), '<c r="B1"><f>A1</f></c>')])
        with pytest.raises(CaseValidationError, match="header row 1: cell B1 of sheet 'Sheet1' holds"):
            _rows(path)
        with pytest.raises(CaseValidationError, match="header row 1: it holds over 10 characters"):
            _rows(build(tmp_path / "l.xlsx", [HEADER]), XlsxLimits(row_characters=10))


class TestRefusals:
    def _refused(self, path: Path, limits: XlsxLimits | None = None) -> str:
        with pytest.raises(CaseValidationError) as caught:
            _rows(path, limits)
        message = str(caught.value)
        assert message.startswith(str(path))
        assert "\n" not in message
        return message

    def test_column_past_the_limit(self, tmp_path: Path) -> None:
        path = build(tmp_path / "c.xlsx", [HEADER, row(2, text("A2", "a"), '<c r="F2"><v>1</v></c>')])
        message = self._refused(path, XlsxLimits(columns=5))
        assert "sheet 'Sheet1' cell F2: a row may have at most 5 columns (A to E, as in Excel)" in message
        assert "column 6" in message

    def test_row_number_past_the_limit_or_out_of_order(self, tmp_path: Path) -> None:
        path = build(tmp_path / "r.xlsx", [HEADER, row(2, text("A2", "a")), row(11, text("A11", "b"))])
        assert "row 11: row number 11 is out of order or past Excel's last row (10)" in self._refused(
            path, XlsxLimits(rows=10))
        path = build(tmp_path / "o.xlsx", [HEADER, row(3, text("A3", "a")), row(2, text("A2", "b"))])
        assert "row number 2 is out of order" in self._refused(path)

    def test_bad_cell_reference(self, tmp_path: Path) -> None:
        path = build(tmp_path / "r.xlsx", [HEADER, row(2, '<c r="2B"><v>1</v></c>')])
        assert "the cell reference '2B' is not one like B7" in self._refused(path)

    def test_shared_string_count_and_size(self, tmp_path: Path) -> None:
        strings = [f"<t>s{n}</t>" for n in range(20)]
        path = build(tmp_path / "s.xlsx", [HEADER], shared=strings)
        message = self._refused(path, XlsxLimits(shared_strings=10))
        assert "xl/sharedStrings.xml: string 11 brings the shared strings to 11 strings" in message
        assert "at most 10 strings" in message
        assert "at most 1,000,000 strings of 25 characters" in self._refused(
            path, XlsxLimits(shared_characters=25))

    def test_unpacked_size_from_the_zip_directory(self, tmp_path: Path) -> None:
        """The sizes the zip's directory gives refuse a file before any part is read."""
        rows = [HEADER, *(row(n, text(f"A{n}", "a" * 50)) for n in range(2, 3000))]
        path = build(tmp_path / "b.xlsx", rows)
        message = self._refused(path, XlsxLimits(unpacked_bytes=100_000))
        assert ": xl/worksheets/sheet1.xml unpacks to 3" in message
        assert "times its own size" in message
        message = self._refused(path, XlsxLimits(ratio=5, ratio_from=10_000))
        assert "at most 5 times the file's size past 10,000" in message

    def test_a_directory_that_understates_a_size_is_not_believed_past_it(self, tmp_path: Path) -> None:
        """A zip whose directory says a part is small is read only that far: the rest fails its
        checksum, and the file is refused as damaged (so the directory's sizes bound the work)."""
        rows = [HEADER, *(row(n, text(f"A{n}", "b" * 50)) for n in range(2, 3000))]
        path = build(tmp_path / "lie.xlsx", rows)
        data = bytearray(path.read_bytes())
        with zipfile.ZipFile(path) as archive:
            info = archive.getinfo("xl/worksheets/sheet1.xml")
        real = info.file_size.to_bytes(4, "little")
        assert data.count(real) == 2  # the local header and the central directory
        data[:] = data.replace(real, (1000).to_bytes(4, "little"))
        path.write_bytes(data)
        assert "not an .xlsx workbook, or a damaged one (Bad CRC-32" in self._refused(path)

    def test_a_doctype_is_refused_in_any_part(self, tmp_path: Path) -> None:
        path = build(tmp_path / "d.xlsx", [HEADER], prefix=b'<!DOCTYPE x [<!ENTITY a "b">]>')
        assert "xl/worksheets/sheet1.xml declares a DOCTYPE" in self._refused(path)
        shared = tmp_path / "s.xlsx"
        build(shared, [HEADER], shared=["<t>a</t>"])
        with zipfile.ZipFile(shared) as source:
            parts = {name: source.read(name) for name in source.namelist()}
        parts["xl/sharedStrings.xml"] = b'<!DOCTYPE sst SYSTEM "http://example.invalid/x.dtd">' + parts[
            "xl/sharedStrings.xml"]
        with zipfile.ZipFile(shared, "w") as target:
            for name, data in parts.items():
                target.writestr(name, data)
        assert "xl/sharedStrings.xml declares a DOCTYPE" in self._refused(shared)

    def test_malformed_xml_and_missing_parts(self, tmp_path: Path) -> None:
        path = build(tmp_path / "m.xlsx", [HEADER, "<row r=\"2\"><c r=\"A2\"><v>1</c></row>"])
        message = self._refused(path)
        assert "xl/worksheets/sheet1.xml is not well-formed XML (mismatched tag, line 1)" in message
        empty = tmp_path / "e.xlsx"
        with zipfile.ZipFile(empty, "w") as archive:
            archive.writestr("hello.txt", "hi")
        assert "not an .xlsx workbook, or a damaged one" in self._refused(empty)
        missing = build(tmp_path / "n.xlsx", [HEADER])
        with zipfile.ZipFile(missing) as source:
            parts = {name: source.read(name) for name in source.namelist()}
        with zipfile.ZipFile(missing, "w") as target:
            for name, data in parts.items():
                if name != "xl/worksheets/sheet1.xml":
                    target.writestr(name, data)
        assert "xl/worksheets/sheet1.xml" in self._refused(missing)
        (tmp_path / "t.xlsx").write_text("case_ref\nA\n", encoding="utf-8")
        assert "not an .xlsx workbook" in self._refused(tmp_path / "t.xlsx")

    def test_merged_cells(self, tmp_path: Path) -> None:
        """Rows in a merged range are problems naming it; a merged header refuses the file."""
        path = build(tmp_path / "m.xlsx", [HEADER, row(2, text("A2", "a")), row(3, text("A3", "b")),
                                           row(4, text("A4", "c"))],
                     tail='<mergeCells count="1"><mergeCell ref="B2:B3"/></mergeCells>')
        assert [bool(r.problems) for r in _rows(path)] == [True, True, False]
        path = build(tmp_path / "h.xlsx", [HEADER], tail='<mergeCells><mergeCell ref="A1:B1"/></mergeCells>')
        assert "the header cells A1:B1 are merged" in self._refused(path)
        many = "".join(f'<mergeCell ref="C{n}:D{n}"/>' for n in range(2, 10_100))
        path = build(tmp_path / "n.xlsx", [HEADER], tail=f"<mergeCells>{many}</mergeCells>")
        assert "sheet 'Sheet1' has over 10,000 merged ranges" in self._refused(path)

    def test_merged_ranges_in_any_order_mark_exactly_their_rows(self, tmp_path: Path) -> None:
        spans = [(5, 9), (2, 2), (7, 12), (20, 20)]
        merges = "".join(f'<mergeCell ref="C{first}:C{last}"/>' for first, last in spans)
        path = build(tmp_path / "m.xlsx", [HEADER, *(row(n, text(f"A{n}", f"r{n}")) for n in range(2, 22))],
                     tail=f"<mergeCells>{merges}</mergeCells>")
        marked = {r.number: [p.found for p in r.problems] for r in _rows(path) if r.problems}
        assert marked == {2: ["C2:C2"], 5: ["C5:C9"], 6: ["C5:C9"], 7: ["C5:C9", "C7:C12"],
                          8: ["C5:C9", "C7:C12"], 9: ["C5:C9", "C7:C12"], 10: ["C7:C12"], 11: ["C7:C12"],
                          12: ["C7:C12"], 20: ["C20:C20"]}


# Text a person could type in a cell: XML allows it, openpyxl writes it, and it is not blank.
_CELL_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffe\uffff")
                     | st.sampled_from("\t\n&<>\"'"), min_size=1, max_size=40).filter(
    lambda value: bool(value.strip()) and not value.startswith("="))
_CELL = st.one_of(
    st.none(), _CELL_TEXT, st.integers(-(2**53), 2**53), st.booleans(),
    st.floats(allow_nan=False, allow_infinity=False, width=64).filter(lambda f: f != int(f)),
    st.dates(date(1900, 3, 1), date(9999, 12, 31)),
    st.datetimes(_naive(1900, 3, 1), _naive(9999, 12, 30)).map(lambda d: d.replace(microsecond=0)),
)
_COLUMNS = list(string.ascii_lowercase[:5])


def _as_written(value: Any) -> Any:
    """A value as openpyxl saves it: a date as a datetime at midnight, a float to 16 digits."""
    if type(value) is date:
        return datetime.combine(value, time())
    if isinstance(value, float):
        return float(f"{value:.16g}")
    return value


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(table=st.lists(st.lists(_CELL, min_size=5, max_size=5), max_size=12))
def test_tables_written_by_openpyxl_read_back_equal(tmp_path: Path, table: list[list[Any]]) -> None:
    """Any table openpyxl writes is read back cell for cell: what openpyxl itself reads back,
    and the values written (a date as a datetime at midnight)."""
    path = tmp_path / "h.xlsx"
    write_xlsx(path, _COLUMNS, table)
    expected = []
    for number, values in enumerate(table, start=2):
        cells = {name: _as_written(value) for name, value in zip(_COLUMNS, values, strict=True)
                 if value is not None}
        if cells:
            expected.append((number, cells))
    got = [(r.number, r.cells) for r in read_table(path).rows]
    assert all(r.problems == () for r in read_table(path).rows)
    assert got == expected
    workbook = openpyxl.load_workbook(path, read_only=True)
    try:
        by_openpyxl = [(n, {name: cell.value for name, cell in zip(_COLUMNS, cells, strict=False)
                            if cell.value is not None})
                       for n, cells in enumerate(workbook.worksheets[0].iter_rows(min_row=2), start=2)]
    finally:
        workbook.close()
    assert got == [(n, cells) for n, cells in by_openpyxl if cells]


_SHEET_XML: dict[str, bytes] = {}


def _sample_parts() -> dict[str, bytes]:
    """A real workbook's parts (openpyxl's, with dates, numbers, text), made once."""
    if not _SHEET_XML:
        folder = Path(tempfile.mkdtemp(prefix="medocs-xlsx-"))
        path = folder / "s.xlsx"
        write_xlsx(path, _COLUMNS, [["Zoë", 3, date(2025, 1, 6), True, 2.5],
                                    ["O'Brien", None, "x", False, 1]])
        with zipfile.ZipFile(path) as archive:
            _SHEET_XML.update({name: archive.read(name) for name in archive.namelist()})
        shutil.rmtree(folder)
    return _SHEET_XML


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_a_damaged_workbook_gives_rows_or_a_one_line_error(tmp_path: Path, data: st.DataObject) -> None:
    """Bytes of a real sheet, workbook, relationships or styles part replaced at random: the
    reader gives rows (each with its problems) or a CaseValidationError naming the file, never
    another exception."""
    parts = _sample_parts()
    damaged = data.draw(st.sampled_from(["xl/worksheets/sheet1.xml", "xl/worksheets/sheet1.xml",
                                         "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml"]))
    sheet = bytearray(parts[damaged])
    for _ in range(data.draw(st.integers(1, 4))):
        start = data.draw(st.integers(0, len(sheet) - 1))
        end = data.draw(st.integers(start, min(len(sheet), start + 12)))
        sheet[start:end] = data.draw(st.binary(max_size=12) | st.sampled_from(
            [b"<", b">", b'"', b"&", b"&lol;", b"<!DOCTYPE x>", b'r="XFE9"', b't="s"', b't="e"', b"<v>",
             b"</c>", b"\xff\xfe", b"<f>A1</f>", b'r="0"']))
    path = tmp_path / "d.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        for name, part in parts.items():
            archive.writestr(name, bytes(sheet) if name == damaged else part)
    error = ""
    try:
        rows = read_table(path).rows
    except CaseValidationError as exc:
        error = str(exc)
    if error:
        assert error.startswith(str(path))
        assert "\n" not in error
    else:
        assert all(isinstance(problem.message, str) for found in rows for problem in found.problems)
