"""Problems found by the new-user trial of the advocates' letters and `medocs draft`."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import Result
from helpers import PROFILE_ARG as PROFILE
from helpers import SAMPLES, docx_text, run_medocs

from medocs.drafting.case_toml import dumps_case
from medocs.loading import read_case_data


def _run(*args: str, answers: list[str] | None = None) -> Result:
    given = "\n".join(answers) + "\n" if answers is not None else None
    return run_medocs(list(args), input=given, env={})


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


def _without_letter_date(tmp_path: Path) -> Path:
    """The certificate-request sample without its letter date, so one question is asked."""
    data = read_case_data(SAMPLES / "certificate-request.toml")
    del data["letter_date"]
    path = tmp_path / "case.toml"
    path.write_text(dumps_case(data), encoding="utf-8")
    return path


class TestExistingOutput:
    def _existing(self, tmp_path: Path) -> Path:
        letter = tmp_path / "letter.txt"
        letter.write_text("an earlier letter", encoding="utf-8")
        return letter

    def test_asks_to_replace_before_the_questions(self, tmp_path: Path) -> None:
        """An existing letter is asked about first; 'y' replaces it and the answers are kept."""
        letter = self._existing(tmp_path)
        saved = tmp_path / "saved.toml"
        result = _run("draft", "certificate-request", str(_without_letter_date(tmp_path)),
                      "--format", "txt", "--out", str(letter), "--save-case", str(saved),
                      "--today", "2024-11-26", answers=["y", "26/11/2024", "y"])
        assert result.exit_code == 0, result.output
        assert result.output.index("already exists. Replace it?") < result.output.index(
            "Date of this letter")
        assert letter.read_text(encoding="utf-8") != "an earlier letter"
        assert saved.is_file()

    def test_no_keeps_the_letter_and_stops_early(self, tmp_path: Path) -> None:
        """'n' (the default) stops before any question, and the letter is untouched."""
        letter = self._existing(tmp_path)
        result = _run("draft", "certificate-request", str(_without_letter_date(tmp_path)),
                      "--format", "txt", "--out", str(letter), "--today", "2024-11-26",
                      answers=[""])
        assert result.exit_code == 1
        assert "Date of this letter" not in result.output
        assert letter.read_text(encoding="utf-8") == "an earlier letter"

    def test_no_input_fails_before_anything_else(self, tmp_path: Path) -> None:
        """With --no-input an existing letter is an error at once."""
        letter = self._existing(tmp_path)
        result = _run("draft", "certificate-request", str(_without_letter_date(tmp_path)),
                      "--no-input", "--format", "txt", "--out", str(letter),
                      "--today", "2024-11-26")
        assert result.exit_code == 1
        assert "already exists: use --force" in result.output
        assert "missing" not in result.output

    def test_asked_case_ref_is_checked_before_confirming(self, tmp_path: Path) -> None:
        """A folder --out: once the case reference is known, an existing letter is asked about."""
        data = read_case_data(SAMPLES / "certificate-request.toml")
        del data["case_ref"]
        case = tmp_path / "case.toml"
        case.write_text(dumps_case(data), encoding="utf-8")
        out = tmp_path / "out"
        out.mkdir()
        (out / "KHAN-2024-certificate-request.txt").write_text("old", encoding="utf-8")
        result = _run("draft", "certificate-request", str(case), "--format", "txt",
                      "--out", str(out), "--today", "2024-11-26",
                      answers=["KHAN-2024", "y", "y"])
        assert result.exit_code == 0, result.output
        assert result.output.index("already exists. Replace it?") < result.output.index(
            "The letter gives these dates")
        assert (out / "KHAN-2024-certificate-request.txt").read_text(encoding="utf-8") != "old"

    def test_saved_case_is_written_first(self, tmp_path: Path) -> None:
        """When writing the letter fails, the --save-case file already holds the answers."""
        blocker = tmp_path / "blocker"
        blocker.write_text("a file where the output folder should be", encoding="utf-8")
        saved = tmp_path / "saved.toml"
        result = _run("draft", "certificate-request", str(SAMPLES / "certificate-request.toml"),
                      "--no-input", "--format", "txt", "--out", str(blocker),
                      "--save-case", str(saved), "--today", "2024-11-26")
        assert result.exit_code == 1
        assert read_case_data(saved)["case_ref"] == "KHAN-2024"


class TestStopping:
    def test_end_of_input_says_nothing_was_written(self, tmp_path: Path) -> None:
        """EOF while asking: 'Stopped: nothing was written.' and exit 1, not 'Aborted!'."""
        result = _run("draft", "certificate-request", str(_without_letter_date(tmp_path)),
                      "--format", "txt", "--out", str(tmp_path / "out"),
                      "--today", "2024-11-26", answers=[])
        assert result.exit_code == 1
        assert "Stopped: nothing was written." in result.output
        assert "Aborted!" not in result.output
        assert not (tmp_path / "out").exists()


def _letter(tmp_path: Path, kind: str, *extra: str, today: str) -> tuple[Result, str]:
    out = tmp_path / f"{kind}.txt"
    result = _run("draft", kind, str(SAMPLES / f"{kind}.toml"), "--no-input", "--format", "txt",
                  "--out", str(out), "--today", today, *extra)
    assert result.exit_code == 0, result.output
    return result, out.read_text(encoding="utf-8")


class TestLetterWording:
    def test_council_reference_is_yours_only_to_the_la(self, tmp_path: Path) -> None:
        """'your reference' in letters to the LA only; to the adviser, 'the council's reference'."""
        for kind, whose in (("mediation-request", "your"),
                            ("certificate-request", "the council's"),
                            ("mediation-not-arranged", "the council's"),
                            ("agreement-chase", "the council's")):  # to the LA and the ICB
            _, text = _letter(tmp_path, kind, today="2025-06-01")
            assert f"({whose} reference WCC-" in text, kind
            if whose != "your":
                assert "your reference" not in text, kind

    def test_contact_deadline_met_is_not_passed(self, tmp_path: Path) -> None:
        """Contact by 1 December 2024, made on 20 November: shown as met, with no 'passed'."""
        result = _run("draft", "certificate-request", str(SAMPLES / "certificate-request.toml"),
                      "--format", "txt", "--out", str(tmp_path / "c.txt"),
                      "--today", "2024-12-05", answers=["y"])
        assert result.exit_code == 0, result.output
        assert "This deadline passed on Sunday 1 December 2024" not in result.output
        assert "Met: the mediation adviser was contacted on 20 November 2024." in result.output
        text = (tmp_path / "c.txt").read_text(encoding="utf-8")
        assert ("Contact the mediation adviser by: Sunday 1 December 2024 (met: contacted on "
                "20 November 2024)") in text

    def test_certificate_delay_wording_is_accurate(self, tmp_path: Path) -> None:
        """No claim that a delay shortens the time to appeal; until issued, no appeal."""
        _, text = _letter(tmp_path, "certificate-request", today="2024-11-26")
        assert "shortens the time left" not in text
        assert "Until the certificate is issued, Ms Khan cannot appeal" in text

    def test_chase_warnings_name_the_action(self, tmp_path: Path) -> None:
        """Each late action's warning says which action it is and who is to do it."""
        result, _ = _letter(tmp_path, "agreement-chase", today="2025-05-01")
        assert "warning: Agreed action 2 (Arrange an educational psychologist" in result.output
        assert ("warning: Agreed action 3 (Send the parent the ICB's occupational therapy "
                "waiting-list..., NHS North West London ICB) due by") in result.output

    def test_chase_law_names_who_is_responsible(self, tmp_path: Path) -> None:
        """'What the law requires' names the LA and the ICB, not only 'a local authority'."""
        _, text = _letter(tmp_path, "agreement-chase", today="2025-05-01")
        assert "A local authority must do what it agreed" not in text
        assert ("Westminster City Council and NHS North West London ICB must each do what they "
                "agreed at mediation.") in text
