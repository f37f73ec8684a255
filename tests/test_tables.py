"""medocs.batch.tables: CSV, XLSX and JSONL batch files read into rows of cells."""

from __future__ import annotations

import json
import zipfile
from datetime import date
from pathlib import Path

import pytest
from helpers import sample_rows, write_csv, write_xlsx

from medocs.batch.columns import RowConverter
from medocs.batch.tables import TABLE_SUFFIXES, open_table, read_table
from medocs.documents.kinds import KINDS
from medocs.errors import CaseValidationError

DECLINE = KINDS["decline-certificate"]


class TestReadCsv:
    def test_bom_and_no_bom_read_the_same(self, tmp_path: Path) -> None:
        """A CSV saved as Excel's 'CSV UTF-8' (BOM) reads like one without, names intact."""
        rows = sample_rows()[:3]
        with_bom = read_table(write_csv(tmp_path / "a.csv", rows, bom=True))
        without = read_table(write_csv(tmp_path / "b.csv", rows))
        assert with_bom.columns == without.columns
        assert [r.cells for r in with_bom.rows] == [r.cells for r in without.rows]
        assert with_bom.columns[0] == "case_ref"
        assert with_bom.rows[1].cells["child.name"] == "Siobhán O'Brien"

    def test_windows_1252_is_refused_naming_file_byte_and_line(self, tmp_path: Path) -> None:
        """Excel's plain 'CSV (Comma delimited)' is Windows-1252: the error says where and how to fix it."""
        path = write_csv(tmp_path / "cases.csv", sample_rows()[:3], encoding="cp1252")
        with pytest.raises(CaseValidationError) as caught:
            read_table(path)
        message = str(caught.value)
        assert "cases.csv" in message
        assert "not UTF-8" in message
        assert "line 2" in message  # Zoë is on the first data line
        assert "'ë'" in message
        assert "CSV UTF-8" in message

    def test_row_numbers_are_spreadsheet_rows_even_with_multiline_cells(self, tmp_path: Path) -> None:
        """A quoted cell spanning lines is one row, as a spreadsheet shows it; blank rows count."""
        path = tmp_path / "m.csv"
        path.write_text('case_ref,child.name\r\nA,"two\r\nlines"\r\n\r\nB,x\r\n', encoding="utf-8")
        table = read_table(path)
        assert [row.number for row in table.rows] == [2, 4]
        assert table.rows[0].cells["child.name"] == "two\r\nlines"

    def test_semicolons_from_continental_excel(self, tmp_path: Path) -> None:
        """A header separated by ';' is read with ';'."""
        path = tmp_path / "s.csv"
        path.write_text("case_ref;child.name\nA;Zoë\n", encoding="utf-8")
        assert read_table(path).rows[0].cells == {"case_ref": "A", "child.name": "Zoë"}

    def test_value_under_no_header_is_a_cell_problem(self, tmp_path: Path) -> None:
        """A value past the last named column is reported, not silently dropped."""
        path = tmp_path / "x.csv"
        path.write_text("case_ref,child.name\nA,Zoë,stray\n", encoding="utf-8")
        (row,) = read_table(path).rows
        assert row.problems[0].found == "stray"

    def test_repeated_column_is_a_file_error(self, tmp_path: Path) -> None:
        """Two columns with one name make the file unreadable, naming the column."""
        path = tmp_path / "d.csv"
        path.write_text("case_ref,child.name,child.name\nA,B,C\n", encoding="utf-8")
        with pytest.raises(CaseValidationError, match="'child.name' appears twice"):
            read_table(path)


class TestReadXlsx:
    def test_date_cells_and_text_dates_give_the_same_case(self, tmp_path: Path) -> None:
        """A real date cell and a typed '14/05/2017' both become the date."""
        header = ["case_ref", "child.date_of_birth", "issued_on"]
        path = tmp_path / "d.xlsx"
        write_xlsx(path, header, [["A", date(2017, 5, 14), "29/11/2024"],
                                  ["B", "14/05/2017", date(2024, 11, 29)]])
        rows = read_table(path).rows
        converter = RowConverter(DECLINE.model)
        first, second = (converter.convert(row.cells).data for row in rows)
        assert first["child"]["date_of_birth"] == date(2017, 5, 14)
        assert second["child"]["date_of_birth"] == date(2017, 5, 14)
        assert first["issued_on"] == second["issued_on"] == date(2024, 11, 29)

    def test_named_sheet_and_unknown_sheet(self, tmp_path: Path) -> None:
        """--sheet reads the sheet named; an unknown one is refused listing the sheets."""
        path = tmp_path / "s.xlsx"
        workbook = write_xlsx(path, ["case_ref"], [["first"]], title="Notes")
        other = workbook.create_sheet("Cases")
        other.append(["case_ref"])
        other.append(["second"])
        workbook.save(path)
        assert read_table(path, sheet="Cases").rows[0].cells == {"case_ref": "second"}
        assert read_table(path).rows[0].cells == {"case_ref": "first"}
        with pytest.raises(CaseValidationError, match="'Notes', 'Cases'"):
            read_table(path, sheet="Other")

    def test_formula_without_saved_result_is_a_row_problem(self, tmp_path: Path) -> None:
        """openpyxl saves formulas without results: the cell is reported, not read as '=A2'."""
        path = tmp_path / "f.xlsx"
        write_xlsx(path, ["case_ref", "child.name"], [["A", "=UPPER(A2)"]])
        (row,) = read_table(path).rows
        assert "child.name" not in row.cells
        assert "formula with no saved result" in row.problems[0].message
        assert row.problems[0].found == "=UPPER(A2)"

    def test_formula_with_saved_result_gives_the_result(self, tmp_path: Path) -> None:
        """A formula Excel has calculated gives its saved value."""
        path = tmp_path / "f.xlsx"
        write_xlsx(path, ["case_ref", "child.name"], [["A", "=UPPER(A2)"]])
        _save_result(path, "B2", "ZOË")
        (row,) = read_table(path).rows
        assert row.cells["child.name"] == "ZOË"
        assert row.problems == ()

    def test_merged_cells_are_row_problems(self, tmp_path: Path) -> None:
        """Rows touched by a merged range are reported with the range."""
        path = tmp_path / "m.xlsx"
        workbook = write_xlsx(path, ["case_ref", "child.name"], [["A", "Zoë"], ["B", None], ["C", "Leo"]])
        workbook.active.merge_cells("B2:B3")
        workbook.save(path)
        rows = read_table(path).rows
        assert [bool(row.problems) for row in rows] == [True, True, False]
        assert "B2:B3 are merged" in rows[0].problems[0].message

    def test_merged_header_is_a_file_error(self, tmp_path: Path) -> None:
        """A merged header cell stops the batch before any row."""
        path = tmp_path / "h.xlsx"
        workbook = write_xlsx(path, ["case_ref", None], [["A", "B"]])
        workbook.active.merge_cells("A1:B1")
        workbook.save(path)
        with pytest.raises(CaseValidationError, match="header cells A1:B1 are merged"):
            read_table(path)

    def test_excel_error_value_is_a_row_problem(self, tmp_path: Path) -> None:
        """A cell showing #N/A is reported, not used as a name."""
        path = tmp_path / "e.xlsx"
        write_xlsx(path, ["case_ref", "child.name"], [["A", "#N/A"]])
        (row,) = read_table(path).rows
        assert "Excel error" in row.problems[0].message


def _save_result(path: Path, cell: str, value: str) -> None:
    """Add the saved result Excel would write for a formula cell (openpyxl cannot)."""
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    start = sheet.index(f'<c r="{cell}"')
    end = sheet.index("</c>", start)
    cell_xml = sheet[start:end].replace(f'<c r="{cell}"', f'<c r="{cell}" t="str"', 1)
    cell_xml = cell_xml.replace("<v></v>", "").replace("<v/>", "") + f"<v>{value}</v>"
    parts["xl/worksheets/sheet1.xml"] = (sheet[:start] + cell_xml + sheet[end:]).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)


class TestReadJsonl:
    def test_nested_lines_like_case_files_and_dotted_lines(self, tmp_path: Path) -> None:
        """A nested object and a flat dotted one give the same cells; lists number from 1."""
        path = tmp_path / "c.jsonl"
        nested = {"case_ref": "A", "child": {"name": "Zoë"},
                  "recipient": {"address": ["1 High St", "London"]}}
        flat = {"case_ref": "B", "child.name": "Zoë", "recipient.address.1": "1 High St",
                "recipient.address.2": "London"}
        path.write_text(json.dumps(nested) + "\n\n" + json.dumps(flat) + "\n", encoding="utf-8")
        first, second = read_table(path).rows
        assert first.number == 1
        assert second.number == 3
        assert {k: v for k, v in first.cells.items() if k != "case_ref"} == {
            k: v for k, v in second.cells.items() if k != "case_ref"}
        assert first.cells["recipient.address.2"] == "London"

    def test_a_line_that_is_not_an_object_names_its_line(self, tmp_path: Path) -> None:
        """A JSON list on line 2 is refused naming line 2."""
        path = tmp_path / "c.jsonl"
        path.write_text('{"case_ref": "A"}\n[1, 2]\n', encoding="utf-8")
        with pytest.raises(CaseValidationError, match="line 2: each line must be one JSON object"):
            read_table(path)


class TestStreaming:
    """The input is read a row at a time; what is read, and every message, stay as before."""

    def test_small_chunks_read_the_same_csv(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        """Chunk edges (inside a character, a CRLF, a quoted multi-line cell) change nothing."""
        import medocs.batch.text_tables

        path = tmp_path / "m.csv"
        path.write_bytes("\ufeffcase_ref;child.name\r\nA;\"Zoë\r\ntwo\"\r\n\r\nB;Siobhán\r\n".encode())
        whole = read_table(path)
        monkeypatch.setattr(medocs.batch.text_tables, "_CHUNK", 3)
        table = read_table(path)
        assert table == whole
        assert [(row.number, row.cells["child.name"]) for row in table.rows] == [
            (2, "Zoë\r\ntwo"), (4, "Siobhán")]

    def test_small_chunks_give_the_same_utf8_error(self, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
        """The bad byte, its offset and its line are those of the whole file, BOM or not."""
        import medocs.batch.text_tables

        for name, data in (("bom.csv", b"\xef\xbb\xbfcase_ref\nA\nB\xe9\n"),
                           ("plain.jsonl", b'{"a": 1}\n{"a": "caf\xe9"}\n'),
                           ("cut.csv", b"case_ref\nA\xe2\x82")):
            path = tmp_path / name
            path.write_bytes(data)
            with pytest.raises(CaseValidationError) as whole:
                read_table(path)
            monkeypatch.setattr(medocs.batch.text_tables, "_CHUNK", 2)
            with pytest.raises(CaseValidationError) as chunked:
                read_table(path)
            monkeypatch.undo()
            assert str(chunked.value) == str(whole.value)

    def test_open_table_reads_rows_as_asked(self, tmp_path: Path) -> None:
        """The header is known at once; a bad record further on is raised when it is reached."""
        from medocs.batch.tables import open_table

        path = tmp_path / "c.csv"
        path.write_text(f"case_ref,child.name\nA,Zoë\nB,{'x' * 200_000}\n", encoding="utf-8")
        table = open_table(path)
        assert table.columns == ("case_ref", "child.name")
        assert next(table.rows).cells == {"case_ref": "A", "child.name": "Zoë"}
        with pytest.raises(CaseValidationError, match="row 3: not valid CSV .field larger"):
            next(table.rows)

    def test_jsonl_lines_split_as_before_in_small_chunks(self, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
        """Line numbers follow str.splitlines (CR, CRLF, form feed, U+2028) at any chunk size."""
        import medocs.batch.text_tables

        path = tmp_path / "l.jsonl"
        path.write_text('{"a": 1}\r\n\r{"a": 2}\x0c{"a": "é"}\u2028\n{"a": 4}', encoding="utf-8", newline="")
        monkeypatch.setattr(medocs.batch.text_tables, "_CHUNK", 1)
        rows = read_table(path).rows
        assert [(row.number, row.cells["a"]) for row in rows] == [(1, 1), (3, 2), (4, "é"), (6, 4)]

    def test_saved_formula_results_on_rows_far_apart(self, tmp_path: Path) -> None:
        """Saved results are read in step with the rows, wherever the formulas are."""
        path = tmp_path / "f.xlsx"
        rows: list[list[object]] = [[f"R{n}", f"name {n}"] for n in range(2, 60)]
        rows[3][1] = "=UPPER(A5)"
        rows[50][1] = "=LOWER(A52)"
        rows[52][1] = "=A54"
        write_xlsx(path, ["case_ref", "child.name"], rows)
        _save_result(path, "B5", "R5")
        _save_result(path, "B52", "r52")
        table = read_table(path)
        by_number = {row.number: row for row in table.rows}
        assert by_number[5].cells["child.name"] == "R5"
        assert by_number[52].cells["child.name"] == "r52"
        assert by_number[52].problems == ()
        assert "formula with no saved result" in by_number[54].problems[0].message
        assert by_number[6].cells["child.name"] == "name 6"


class TestOpenTable:
    def test_a_file_of_another_type_is_refused_naming_it(self, tmp_path: Path) -> None:
        path = tmp_path / "cases.ods"
        path.write_bytes(b"PK")
        with pytest.raises(CaseValidationError, match=r"cases\.ods: a batch file must end in \.csv, \.xlsx"):
            open_table(path)

    def test_a_sheet_is_for_xlsx_only(self, tmp_path: Path) -> None:
        path = write_csv(tmp_path / "a.csv", sample_rows()[:1])
        with pytest.raises(CaseValidationError, match="--sheet is for .xlsx files only"):
            open_table(path, sheet="Cases")

    def test_a_missing_file_is_one_error_naming_it(self, tmp_path: Path) -> None:
        with pytest.raises(CaseValidationError, match=r"nowhere\.csv"):
            open_table(tmp_path / "nowhere.csv")

    def test_the_suffix_decides_the_row_label(self, tmp_path: Path) -> None:
        csv_table = read_table(write_csv(tmp_path / "a.csv", sample_rows()[:2]))
        jsonl = tmp_path / "a.jsonl"
        jsonl.write_text('{"case_ref": "A"}\n{"case_ref": "B"}\n', encoding="utf-8")
        jsonl_table = read_table(jsonl)
        assert (csv_table.row_label, jsonl_table.row_label) == ("row", "line")
        assert [row.number for row in csv_table.rows] == [2, 3]
        assert [row.number for row in jsonl_table.rows] == [1, 2]
        assert TABLE_SUFFIXES == (".csv", ".xlsx", ".jsonl")
