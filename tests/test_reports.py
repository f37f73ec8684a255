"""Tests of medocs.reports: CSV that a spreadsheet opens as text, never as formulas."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from medocs.reports import csv_bytes, csv_safe


class TestCsvSafe:
    @pytest.mark.parametrize("text", ["=1+2", "+44 20", "-3", "@SUM(A1)", "\tx"])
    def test_a_formula_start_gets_an_apostrophe(self, text: str) -> None:
        assert csv_safe(text) == "'" + text

    def test_a_carriage_return_is_shown_as_an_escape(self) -> None:
        """A lone CR could overwrite what a terminal shows; the report says it as \\x0d."""
        assert csv_safe("\rx") == "\\x0dx"

    @pytest.mark.parametrize(("value", "expected"), [
        (None, ""), ("Zoë O'Brien", "Zoë O'Brien"), (date(2025, 3, 1), "2025-03-01"), (7, "7"),
        ("a=b", "a=b"),
    ])
    def test_other_values_are_plain_text(self, value: object, expected: str) -> None:
        assert csv_safe(value) == expected


class TestCsvBytes:
    def test_utf8_with_a_bom_crlf_and_safe_cells(self) -> None:
        data = csv_bytes(["case_ref", "child"], [["=HYPERLINK()", "Siobhán"], ["A1", None]])
        assert data.startswith(b"\xef\xbb\xbf")  # Excel reads the names as UTF-8
        assert b"\r\n" in data
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
        assert rows == [["case_ref", "child"], ["'=HYPERLINK()", "Siobhán"], ["A1", ""]]
