"""Tests of medocs.loading: case files (TOML, JSON) read and validated with one-line errors."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from helpers import SAMPLES

from medocs.documents.kinds import KINDS
from medocs.errors import CaseValidationError
from medocs.loading import load_case, read_case_data, text_date_problem, validate_case

DECLINE = KINDS["decline-certificate"].model


class TestReadCaseData:
    def test_toml_and_json_give_the_same_data(self, tmp_path: Path) -> None:
        data = read_case_data(SAMPLES / "decline-certificate.toml")
        as_json = tmp_path / "case.json"
        as_json.write_text(json.dumps(data, default=str), encoding="utf-8")
        assert load_case(as_json, DECLINE) == load_case(SAMPLES / "decline-certificate.toml", DECLINE)

    def test_a_wrong_suffix_is_refused(self, tmp_path: Path) -> None:
        path = tmp_path / "case.yaml"
        path.write_text("a: 1", encoding="utf-8")
        with pytest.raises(CaseValidationError, match=r"must end in \.toml or \.json \(got '\.yaml'\)"):
            read_case_data(path)

    def test_not_utf8_is_refused_with_the_byte(self, tmp_path: Path) -> None:
        path = tmp_path / "case.toml"
        path.write_bytes('name = "Zoë"'.encode("latin-1"))
        with pytest.raises(CaseValidationError, match="must be UTF-8 text"):
            read_case_data(path)

    def test_a_json_list_is_not_a_case(self, tmp_path: Path) -> None:
        path = tmp_path / "case.json"
        path.write_text("[1, 2]", encoding="utf-8")
        with pytest.raises(CaseValidationError, match="must hold one object"):
            read_case_data(path)

    def test_a_missing_file_is_named(self, tmp_path: Path) -> None:
        with pytest.raises(CaseValidationError, match=r"nope\.toml: cannot read the case file"):
            read_case_data(tmp_path / "nope.toml")


class TestValidateCase:
    def test_every_problem_is_listed_with_its_field(self) -> None:
        data = read_case_data(SAMPLES / "decline-certificate.toml")
        data["child"]["date_of_birth"] = "30 February 2017"
        del data["case_ref"]
        with pytest.raises(CaseValidationError) as caught:
            validate_case(data, DECLINE, where="case.toml")
        message = str(caught.value)
        assert message.startswith("case.toml: ")
        fields = [field for field, _, _ in caught.value.problems]
        assert "child.date_of_birth" in fields
        assert "case_ref" in fields
        assert "February" in message

    def test_dates_typed_as_people_type_them_are_read(self) -> None:
        data = read_case_data(SAMPLES / "decline-certificate.toml")
        data["child"]["date_of_birth"] = "14/5/2017"
        case = validate_case(data, DECLINE, where="case.toml")
        assert case.child.date_of_birth == date(2017, 5, 14)


class TestTextDateProblem:
    def test_a_real_date_has_no_problem(self) -> None:
        assert text_date_problem("1 March 2025", "decision.letter_sent") is None

    def test_an_impossible_date_says_why(self) -> None:
        problem = text_date_problem("29/2/2025", "decision.letter_sent")
        assert problem is not None
        assert "February 2025 has 28 days" in problem
