"""Problems found by the new-user trial of the advocates' letters and `medocs draft`."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner, Result
from docx_text import docx_text

from medocs.case_toml import dumps_case
from medocs.cli import main
from medocs.documents import data_dir
from medocs.loading import read_case_data

SAMPLES = data_dir("samples")
PROFILE = str(SAMPLES / "westminster.toml")


def _run(*args: str, answers: list[str] | None = None) -> Result:
    given = "\n".join(answers) + "\n" if answers is not None else None
    return CliRunner().invoke(main, list(args), input=given, env={})


def _toml_case(tmp_path: Path, sample: str, text_changes: dict[str, str]) -> Path:
    """A sample case with top-level keys set to text (as a person would type them)."""
    data = read_case_data(SAMPLES / sample)
    data.update(text_changes)
    path = tmp_path / sample
    path.write_text(dumps_case(data), encoding="utf-8")
    return path


class TestDatesAsText:
    def test_render_case_file_reads_a_day_first_date(self, tmp_path: Path) -> None:
        """letter_date = "2/12/2024" in a TOML case is 2 December 2024, as at the prompt."""
        case = _toml_case(tmp_path, "decision-letter.toml", {"letter_date": "2/12/2024"})
        result = _run("render", "decision-letter", str(case), "--profile", PROFILE,
                      "--out", str(tmp_path / "out"), "--register", str(tmp_path / "r.sqlite"),
                      "--today", "2024-12-02")
        assert result.exit_code == 0, result.output
        assert "2 December 2024" in docx_text(next((tmp_path / "out").glob("*.docx")))

    def test_draft_case_file_explains_an_impossible_date(self, tmp_path: Path) -> None:
        """letter_date = "31/02/2024" says February 2024 has 29 days, not pydantic's words."""
        case = _toml_case(tmp_path, "certificate-request.toml", {"letter_date": "31/02/2024"})
        result = _run("draft", "certificate-request", str(case), "--no-input",
                      "--out", str(tmp_path / "out"), "--today", "2024-12-02")
        assert result.exit_code == 1
        assert "February 2024 has 29 days" in result.output
        assert "invalid character" not in result.output

    def test_render_json_case_reads_text_dates(self, tmp_path: Path) -> None:
        """A JSON case for `medocs render` takes '29 November 2024' and '14/5/2017'."""
        data = read_case_data(SAMPLES / "decline-certificate.toml")
        data["issued_on"] = "29 November 2024"
        data["child"]["date_of_birth"] = "14/5/2017"
        case = tmp_path / "case.json"
        case.write_text(json.dumps(data, default=str), encoding="utf-8")
        result = _run("render", "decline-certificate", str(case), "--profile", PROFILE,
                      "--out", str(tmp_path / "out"), "--register", str(tmp_path / "r.sqlite"),
                      "--today", "2025-01-01")
        assert result.exit_code == 0, result.output

    def test_render_explains_an_impossible_text_date(self, tmp_path: Path) -> None:
        """issued_on = "31/02/2024" names the field and says why the date does not exist."""
        case = _toml_case(tmp_path, "decline-certificate.toml", {"issued_on": "31/02/2024"})
        result = _run("render", "decline-certificate", str(case), "--profile", PROFILE,
                      "--out", str(tmp_path / "out"), "--register", str(tmp_path / "r.sqlite"))
        assert result.exit_code == 1
        assert ("'issued_on': is not a real date: February 2024 has 29 days (got '31/02/2024')"
                in result.output)

    def test_timeline_says_the_date_does_not_exist(self) -> None:
        """--decision-sent 2024-02-30 names the option and says February 2024 has 29 days."""
        result = _run("timeline", "--decision-sent", "2024-02-30")
        assert result.exit_code == 1
        assert "--decision-sent '2024-02-30' is not a real date: February 2024 has 29 days" in (
            result.output)


class TestPrompt:
    def test_iso_month_13_has_no_day_first_hint(self, tmp_path: Path) -> None:
        """2025-13-01 at a prompt says there is no month 13, without '(dates are day first)'."""
        case = _toml_case(tmp_path, "certificate-request.toml", {})
        data = read_case_data(case)
        del data["letter_date"]
        case.write_text(dumps_case(data), encoding="utf-8")
        result = _run("draft", "certificate-request", str(case), "--format", "txt",
                      "--out", str(tmp_path / "out"), "--today", "2024-11-26",
                      answers=["2025-13-01", "13/13/2024", "26/11/2024", "y"])
        assert "'2025-13-01' is not a date: there is no month 13." in result.output
        assert "'13/13/2024' is not a date: there is no month 13 (dates are day first)." in (
            result.output)
