"""medocs.batch.rows: rows checked one by one, kept small, cases off the heap, repeats marked."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest
from helpers import sample_rows, write_csv

from medocs.batch.rows import RowCheck, Spill, check_rows, plan_rows
from medocs.batch.tables import CellProblem, TableRow, open_table
from medocs.documents.kinds import KINDS
from medocs.errors import CaseValidationError
from medocs.naming import DEFAULT_PATTERN

DECLINE = KINDS["decline-certificate"]


def _check(out: Path) -> RowCheck:
    return RowCheck(DECLINE.name, out, DEFAULT_PATTERN, "cases.csv row")


def _plan(path: Path, out: Path, spill: Spill) -> list:  # type: ignore[type-arg]
    table = open_table(path)
    return plan_rows(table, DECLINE, out, DEFAULT_PATTERN, spill, None, 1, 3)


class TestSpill:
    def test_values_come_back_as_stored_in_any_order(self) -> None:
        spill = Spill()
        try:
            first = spill.put({"name": "Zoë O'Brien", "n": 1})
            second = spill.put_pickled(pickle.dumps(["Siobhán", 2]))
            assert spill.get(second) == ["Siobhán", 2]
            assert spill.get(first) == {"name": "Zoë O'Brien", "n": 1}
        finally:
            spill.close()


class TestCheckRows:
    def test_a_valid_row_gets_its_file_and_its_case(self, tmp_path: Path) -> None:
        (row,) = check_rows([TableRow(2, sample_rows()[0])], _check(tmp_path))
        assert row.problems == []
        assert row.target == str(tmp_path / f"{row.case_ref}-decline-certificate.docx")
        assert row.pickled_case is not None
        assert pickle.loads(row.pickled_case).case_ref == row.case_ref  # noqa: S301 - made just now

    def test_an_invalid_row_lists_every_problem_and_keeps_no_case(self, tmp_path: Path) -> None:
        cells = dict(sample_rows()[0], declined_on="31/2/2025")
        del cells["child.name"]
        (row,) = check_rows([TableRow(7, cells)], _check(tmp_path))
        assert (row.target, row.pickled_case, row.valid) == (None, None, False)
        fields = {problem.field for problem in row.problems}
        assert {"declined_on", "child.name"} <= fields
        assert all(problem.row == 7 for problem in row.problems)

    def test_cell_problems_found_while_reading_come_first(self, tmp_path: Path) -> None:
        reading = CellProblem("child.name", "an Excel error value", "#REF!")
        (row,) = check_rows([TableRow(3, sample_rows()[0], (reading,))], _check(tmp_path))
        assert row.problems[0].message == "an Excel error value"
        assert row.problems[0].found == "#REF!"
        assert row.pickled_case is None


class TestPlanRows:
    def test_repeated_case_refs_fail_every_row_of_them(self, tmp_path: Path) -> None:
        rows = sample_rows()[:3]
        rows[2] = dict(rows[2], case_ref=rows[0]["case_ref"])
        spill = Spill()
        try:
            planned = _plan(write_csv(tmp_path / "cases.csv", rows), tmp_path / "out", spill)
        finally:
            spill.close()
        assert [row.valid for row in planned] == [False, True, False]
        message = planned[0].problems[0].message
        assert "appears in 2 rows (2, 4)" in message
        assert planned[0].case_at == -1

    def test_valid_cases_wait_in_the_spill(self, tmp_path: Path) -> None:
        rows = sample_rows()[:2]
        spill = Spill()
        try:
            planned = _plan(write_csv(tmp_path / "cases.csv", rows), tmp_path / "out", spill)
            assert [spill.get(row.case_at).case_ref for row in planned] == [r["case_ref"] for r in rows]
            assert all(row.pickled_case is None for row in planned)
        finally:
            spill.close()

    def test_an_unknown_column_stops_the_batch_naming_it(self, tmp_path: Path) -> None:
        rows = [dict(row, **{"child.nmae": "x"}) for row in sample_rows()[:1]]
        spill = Spill()
        try:
            with pytest.raises(CaseValidationError, match=r"header row: unknown column 'child\.nmae'"):
                _plan(write_csv(tmp_path / "cases.csv", rows), tmp_path / "out", spill)
        finally:
            spill.close()
