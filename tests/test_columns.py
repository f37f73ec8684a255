"""medocs.batch.columns: a case model as the dotted columns of a spreadsheet row, and back."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from medocs.batch.columns import RowConverter, batch_columns, cell_text
from medocs.documents.kinds import KINDS
from medocs.errors import CaseValidationError
from medocs.loading import validate_case

DECLINE = KINDS["decline-certificate"]
MEDIATION = KINDS["mediation-certificate"]
# What an XLSX date cell gives: a naive datetime, at midnight unless a time was typed.
EXCEL_DATE = datetime(2025, 3, 1)  # noqa: DTZ001
EXCEL_TIME = datetime(2025, 3, 1, 9, 30)  # noqa: DTZ001


class TestColumns:
    def test_lists_are_numbered_columns(self) -> None:
        """Mediation certificates list issues.N.issue and mediation_dates.N, explained."""
        columns = {c.name: c.hint for c in batch_columns(MEDIATION.model)}
        assert "issues.N.outcome" in columns
        assert "issues.1.outcome, issues.2.outcome" in columns["issues.N.outcome"]
        assert "resolved, partly_resolved, not_resolved" in columns["issues.N.outcome"]
        assert "date" in columns["mediation_dates.N"]
        assert "up to 8" in columns["recipient.address.N"]

    def test_required_and_default_are_said(self) -> None:
        """A required field says so; one with a default names it."""
        columns = {c.name: c.hint for c in batch_columns(DECLINE.model)}
        assert "required" in columns["child.name"]
        assert "default declined" in columns["variant"]
        assert "default no" in columns["recipient.is_young_person"]

    def test_spreadsheet_values_become_model_values(self) -> None:
        """Numbers stored by Excel become text, 'Partly resolved' the choice, 'Yes' a yes."""
        converter = RowConverter(MEDIATION.model)
        data = converter.convert({"case_ref": 1183.0, "issues.1.outcome": "Partly resolved",
                                  "recipient.is_young_person": "Yes", "decision.kind": "Final plan"}).data
        assert data["case_ref"] == "1183"
        assert data["issues"][0]["outcome"] == "partly_resolved"
        assert data["recipient"]["is_young_person"] is True
        assert data["decision"]["kind"] == "final_plan"

    def test_errors_point_at_the_users_columns(self) -> None:
        """An item given as issues.2 is issues.0 to the model; the problem names issues.2."""
        converter = RowConverter(MEDIATION.model)
        converted = converter.convert({"issues.2.issue": "Section F"})
        with pytest.raises(CaseValidationError) as caught:
            validate_case(converted.data, MEDIATION.model, where="row 2")
        fields = {converted.column_for(loc) for loc, _, _ in caught.value.problems}
        assert "issues.2.outcome" in fields
        assert "child" in fields

    def test_unknown_column_suggests_the_close_one(self) -> None:
        """'child.nmae' suggests 'child.name'; 'address.1' suggests 'recipient.address.1'."""
        problems = RowConverter(DECLINE.model).unknown(["child.nmae", "address.1", "case_ref"])
        assert problems == ["unknown column 'child.nmae' (did you mean 'child.name'?)",
                            "unknown column 'address.1' (did you mean 'recipient.address.1'?)"]


class TestCellText:
    @pytest.mark.parametrize(("raw", "text"), [
        (1183.0, "1183"), (1183, "1183"), (2.5, "2.5"), (True, "yes"), (False, "no"),
        (date(2025, 3, 1), "2025-03-01"), (EXCEL_DATE, "2025-03-01"),
        (EXCEL_TIME, "2025-03-01 09:30:00"), ("Zoë O'Brien", "Zoë O'Brien"),
    ])
    def test_a_cell_reads_as_the_person_typed_it(self, raw: object, text: str) -> None:
        assert cell_text(raw) == text


class TestConvert:
    def test_dates_in_each_form_a_person_types(self) -> None:
        converter = RowConverter(DECLINE.model)
        for typed in ("2025-03-01", "1/3/2025", "1 March 2025", date(2025, 3, 1), EXCEL_DATE):
            data = converter.convert({"declined_on": typed}).data
            assert data["declined_on"] == date(2025, 3, 1), typed

    def test_an_impossible_date_is_a_cell_problem_naming_the_column(self) -> None:
        converted = RowConverter(DECLINE.model).convert({"declined_on": "31/2/2025"})
        (problem,) = converted.problems
        assert problem.column == "declined_on"
        assert "not a real date" in problem.message
        assert problem.found == "31/2/2025"
        assert "declined_on" not in converted.data

    def test_a_number_in_a_date_column_says_to_format_it_as_a_date(self) -> None:
        (problem,) = RowConverter(DECLINE.model).convert({"declined_on": 45717.0}).problems
        assert "format the cell as a date" in problem.message
        assert problem.found == "45717"

    def test_empty_cells_are_missing_values_and_unknown_columns_problems(self) -> None:
        converted = RowConverter(DECLINE.model).convert(
            {"case_ref": "  ", "child.name": None, "child.nmae": "Zoë", "certificate_number": "GM-1"})
        assert converted.data == {}
        assert [(p.column, p.found) for p in converted.problems] == [("child.nmae", "Zoë"),
                                                                     ("certificate_number", "GM-1")]
        assert converted.problems[0].message == "unknown column"

    @pytest.mark.parametrize(("typed", "value"), [("Y", True), ("no", False), ("TRUE", True), (0, False)])
    def test_yes_no_cells(self, typed: object, value: bool) -> None:
        data = RowConverter(DECLINE.model).convert({"recipient.is_young_person": typed}).data
        assert data["recipient"]["is_young_person"] is value

    def test_numbered_items_keep_their_order_with_gaps(self) -> None:
        data = RowConverter(MEDIATION.model).convert(
            {"recipient.address.3": "London", "recipient.address.1": "1 High St"}).data
        assert data["recipient"]["address"] == ["1 High St", "London"]

    def test_certificate_number_column_is_refused_in_the_header(self) -> None:
        (problem,) = RowConverter(DECLINE.model).unknown(["certificate_number"])
        assert problem.startswith("column 'certificate_number': ")
