"""medocs.batch.xlsx_package: the limits, the byte budget, texts kept to a limit, the workbook's parts."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from xlsx_builder import build, row, text

from medocs.batch.xlsx_package import (
    Budget,
    TextCollector,
    TooLong,
    XlsxLimits,
    column_letters,
    open_workbook,
)
from medocs.errors import CaseValidationError


@pytest.mark.parametrize(("number", "letters"), [(1, "A"), (26, "Z"), (27, "AA"), (702, "ZZ"), (703, "AAA"),
                                                 (16_384, "XFD"), (16_385, "XFE")])
def test_column_letters(number: int, letters: str) -> None:
    assert column_letters(number) == letters


class TestBudget:
    def test_refuses_past_the_unpacked_limit_naming_where(self, tmp_path: Path) -> None:
        budget = Budget(tmp_path / "b.xlsx", 1_000, XlsxLimits(unpacked_bytes=5_000, ratio_from=10**9))
        budget.charge(5_000, lambda: "never asked")
        with pytest.raises(CaseValidationError) as caught:
            budget.charge(1, lambda: "sheet 'Cases' near cell B7")
        assert str(caught.value).startswith(
            f"{tmp_path / 'b.xlsx'}: sheet 'Cases' near cell B7: the workbook unpacks to over 5,001 bytes, "
            "5 times its own size (1,000 bytes)")

    def test_the_ratio_counts_only_past_its_threshold(self, tmp_path: Path) -> None:
        budget = Budget(tmp_path / "b.xlsx", 10, XlsxLimits(ratio=100, ratio_from=2_000))
        budget.charge(2_000, lambda: "")  # 200 times the file, but small: allowed
        with pytest.raises(CaseValidationError, match="at most 100 times the file's size past 2,000"):
            budget.charge(1, lambda: "here")


class TestTextCollector:
    def test_keeps_a_text_of_the_limit_and_counts_one_past_it(self) -> None:
        collector = TextCollector(11)
        for piece in ("Zo", "ë ", "O'Brien"):
            collector.add(piece)
        assert collector.value() == "Zoë O'Brien"
        for piece in ("Zo", "ë ", "O'Brien", "!"):
            collector.add(piece)
        assert collector.value() == TooLong(12, "Zoë O'Brien!")

    @given(pieces=st.lists(st.text(max_size=400), max_size=30), limit=st.integers(0, 2_000))
    def test_a_text_is_whole_or_counted_with_its_start(self, pieces: list[str], limit: int) -> None:
        """Whatever the pieces, the value is the whole text up to the limit, else its length and start."""
        collector = TextCollector(limit)
        for piece in pieces:
            collector.add(piece)
        whole = "".join(pieces)
        value = collector.value()
        if len(whole) <= limit:
            assert value == whole
        else:
            assert value == TooLong(len(whole), whole[:150])
            assert isinstance(value, TooLong)
            assert value.shown() == f"{whole[:150]}… ({len(whole) - len(whole[:150]):,} more characters)"
        assert collector.value() == ""  # and it starts afresh


def test_open_workbook_reads_sheets_date_styles_and_strings(tmp_path: Path) -> None:
    """The sheets in order, which styles show dates (built-in 14, custom dd/mm/yyyy and a
    localised one with literal text; not '0.00'), durations, the 1904 flag, the shared strings."""
    path = build(tmp_path / "w.xlsx", [], shared=["<t>a</t>", "<r><t>b</t></r><r><t>c</t></r>"],
                 date1904=True, sheets=[("One", [row(1, text("A1", "x"))]), ("Two", [])])
    book = open_workbook(path)
    try:
        assert book.sheets == [("One", "xl/worksheets/sheet1.xml"), ("Two", "xl/worksheets/sheet2.xml")]
        assert book.date_styles == {1: "date", 2: "date", 4: "timedelta", 5: "date"}
        assert book.date1904 is True
        assert book.shared == ["a", "bc"]
    finally:
        book.close()
