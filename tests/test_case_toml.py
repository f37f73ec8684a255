"""Tests of medocs.drafting.case_toml: a case written as TOML reads back as the same case."""

from __future__ import annotations

import tomllib
from datetime import date

import pytest
from helpers import SAMPLES

from medocs.documents.kinds import KINDS
from medocs.drafting.case_toml import dumps_case
from medocs.loading import read_case_data


class TestDumpsCase:
    @pytest.mark.parametrize("kind", ["mediation-request", "certificate-request", "decline-certificate"])
    def test_a_sample_case_round_trips(self, kind: str) -> None:
        model = KINDS[kind].model
        case = model.model_validate(read_case_data(SAMPLES / f"{kind}.toml"))
        text = dumps_case(case.model_dump(mode="python"))
        assert model.model_validate(tomllib.loads(text)) == case

    def test_awkward_text_is_quoted_exactly(self) -> None:
        data = {"name": 'Siobhán "Shiv" O\'Brien & Zoë\\', "note": "line one\nline two\ttab"}
        assert tomllib.loads(dumps_case(data)) == data

    def test_none_is_left_out_and_dates_stay_dates(self) -> None:
        text = dumps_case({"a": None, "b": date(2025, 3, 1), "c": {"d": [1, 2]}})
        assert tomllib.loads(text) == {"b": date(2025, 3, 1), "c": {"d": [1, 2]}}

    def test_the_comment_comes_first_as_hash_lines(self) -> None:
        text = dumps_case({"a": 1}, comment="Saved by medocs\nfor the next letter")
        assert text.startswith("# Saved by medocs\n# for the next letter\n")

    def test_a_float_is_refused(self) -> None:
        with pytest.raises(TypeError):
            dumps_case({"a": 1.5})
