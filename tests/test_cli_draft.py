"""`medocs draft`: prompts fed through CliRunner, wrong answers, aborts, --no-input, outputs."""

from __future__ import annotations

import signal
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from case_data import sample_data
from click.testing import CliRunner, Result
from docx import Document
from helpers import PROFILE_ARG as PROFILE
from helpers import SAMPLES, docx_parts, docx_text, run_medocs

from medocs.cli import main
from medocs.drafting.case_toml import dumps_case

ADVOCATE = str(SAMPLES / "advocate.toml")

# Every answer to a mediation request asked from nothing, with three wrong answers on the way:
# an empty name, 31 February and a contact date before the decision letter.
FROM_SCRATCH = [
    "",                                   # date of this letter: today (21 October 2024)
    "Joanna Mensah", "Volunteer SEND advocate", "Westway Parent Advocacy",
    "Unit 4, 12 Acklam Road", "London", "",
    "joanna@westway.example", "020 7946 0321",
    "",                                   # wrong: an empty name
    "Ms Sadia Khan", "", "mother", "14/10/2024",
    "Amara Khan",
    "31/02/2017",                         # wrong: February has no 31st
    "14 May 2017",
    "1", "2024-10-01", "WCC-EHC-2024-0417",
    "Westminster City Council", "Daniel Okafor", "SEND Disagreement Resolution Lead", "Mr Okafor",
    "64 Victoria Street", "London", "", "send.mediation@westminster.gov.uk",
    "Global Mediation", "Ruth Adeyemi", "Mediation Adviser", "Ms Adeyemi", "",
    "info@globalmediation.co.uk",
    "30/09/2024",                         # wrong: before the decision letter was sent
    "16 October 2024",
    "Whether an EHC needs assessment is necessary", "The school's evidence", "",
    # no health care provision question: a refusal to assess has no plan (reg 32(e)(iii))
    "",                                   # case reference: the LA's reference
]


def _draft(*args: str, answers: list[str] | None = None, env: dict[str, str] | None = None
           ) -> Result:
    given = "\n".join(answers) + "\n" if answers is not None else None
    return run_medocs(["draft", *args], input=given, env=env or {})


def _files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def _case(tmp_path: Path, sample: str, **changes: object) -> Path:
    """A copy of a sample case with some fields changed (None removes one)."""
    data = sample_data(sample, changes)
    path = tmp_path / sample
    path.write_text(dumps_case(data), encoding="utf-8")
    return path


class TestFromScratch:
    """With no case file every field is asked for; wrong answers are explained and asked again."""

    def test_mediation_request_from_answers_alone(self, tmp_path: Path) -> None:
        """The prompts alone produce a letter with the computed dates."""
        out = tmp_path / "out"
        result = _draft("mediation-request", "--out", str(out), "--today", "2024-10-21",
                        answers=[*FROM_SCRATCH, "y"])
        assert result.exit_code == 0, result.output
        text = docx_text(out / "WCC-EHC-2024-0417-mediation-request.docx")
        assert "by Wednesday 20 November 2024" in text          # 30 days (T12 / T11)
        assert "ICB" not in text                                # no plan, so no health limb
        assert "5pm on Monday 2 December 2024" in text          # appeal rights reserved
        assert "Whether an EHC needs assessment is necessary" in text
        assert "Dear Mr Okafor" in text

    def test_wrong_answers_are_explained(self, tmp_path: Path) -> None:
        """An empty name, 31 February and a date before the decision are each explained."""
        result = _draft("mediation-request", "--out", str(tmp_path / "out"), "--today",
                        "2024-10-21", answers=[*FROM_SCRATCH, "y"])
        assert "An answer is needed here." in result.output
        assert "'31/02/2017' is not a date: February 2017 has 28 days." in result.output
        assert ("30 September 2024 is before the date the decision letter was sent "
                "(1 October 2024)") in result.output

    def test_each_question_gives_meaning_and_example(self, tmp_path: Path) -> None:
        """A question shows what the field means, an example and the default."""
        result = _draft("mediation-request", "--out", str(tmp_path / "out"), "--today",
                        "2024-10-21", answers=[*FROM_SCRATCH, "y"])
        assert "Child's date of birth\n  The date of birth of the child" in result.output
        assert "Example: 14 May 2017 (type it as 1 March 2025, 1/3/2025 or 2025-03-01)" in result.output
        assert "[21 October 2024] >" in result.output

    def test_dates_and_explanations_shown_before_writing(self, tmp_path: Path) -> None:
        """The computed dates, with how each was worked out, come before the confirmation."""
        result = _draft("mediation-request", "--out", str(tmp_path / "out"), "--today",
                        "2024-10-21", answers=[*FROM_SCRATCH, "y"])
        shown = result.output.index("The letter gives these dates:")
        asked = result.output.index("Write ")
        assert shown < asked
        assert "Mediation to be arranged by: Wednesday 20 November 2024" in result.output
        assert "30 days after 21 October 2024, not counting that day" in result.output


class TestNothingWritten:
    """Ctrl-C, the end of input, or 'no' at the confirmation write nothing."""

    @pytest.mark.parametrize("stop", [5, 20, len(FROM_SCRATCH)])
    def test_end_of_input_writes_nothing(self, tmp_path: Path, stop: int) -> None:
        """Input that ends part way (EOF, as Ctrl-D; click treats Ctrl-C alike) aborts with 1."""
        out = tmp_path / "out"
        result = _draft("mediation-request", "--out", str(out), "--today", "2024-10-21",
                        "--save-case", str(tmp_path / "case.toml"), "--ics", str(tmp_path / "d.ics"),
                        answers=FROM_SCRATCH[:stop])
        assert result.exit_code == 1
        assert "Stopped: nothing was written." in result.output
        assert _files(tmp_path) == []

    def test_ctrl_c_writes_nothing(self, tmp_path: Path) -> None:
        """Ctrl-C (SIGINT) at a prompt in a real process aborts with status 1 and no files."""
        process = subprocess.Popen(
            [sys.executable, "-u", "-m", "medocs", "draft", "mediation-request", "--out", "out",
             "--save-case", "case.toml", "--ics", "d.ics"],
            cwd=tmp_path, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        )
        assert process.stdout is not None
        seen = b""
        while not seen.endswith(b"> "):  # wait for the first question's prompt, not for a time
            byte = process.stdout.read(1)
            assert byte, seen.decode()
            seen += byte
        process.send_signal(signal.SIGINT)
        rest, _ = process.communicate(timeout=120)
        assert process.returncode == 1
        assert b"Stopped: nothing was written." in rest
        assert _files(tmp_path) == []

    def test_no_at_confirmation_writes_nothing(self, tmp_path: Path) -> None:
        """Answering no to 'Write …?' writes nothing and exits 1."""
        result = _draft("mediation-request", "--out", str(tmp_path / "out"), "--today",
                        "2024-10-21", "--save-case", str(tmp_path / "case.toml"),
                        answers=[*FROM_SCRATCH, "n"])
        assert result.exit_code == 1
        assert "Nothing written." in result.output
        assert _files(tmp_path) == []

    def test_existing_output_refused_before_any_question(self, tmp_path: Path) -> None:
        """An existing output file stops the command before it asks anything."""
        target = tmp_path / "letter.docx"
        target.write_bytes(b"keep")
        result = _draft("mediation-request", "--out", str(target), answers=FROM_SCRATCH)
        assert result.exit_code == 1
        assert "already exists" in result.output
        assert "Date of this letter" not in result.output
        assert target.read_bytes() == b"keep"


class TestNoInput:
    """--no-input never asks: it writes from a complete case, or lists every missing field."""

    def test_lists_every_missing_field(self, tmp_path: Path) -> None:
        """With no case file, every required field is named in one message."""
        result = _draft("mediation-request", "--no-input", "--out", str(tmp_path / "out"))
        assert result.exit_code == 1
        for name in ("advocate.name", "advocate.address", "client.name", "client.consent_given",
                     "child.name", "child.date_of_birth", "decision.kind", "decision.letter_sent",
                     "la.organisation", "la.email", "adviser.organisation", "adviser.email",
                     "contacted_adviser", "issues"):
            assert f"  {name}: " in result.output, name
        assert "Date of this letter" not in result.output
        assert _files(tmp_path) == []

    def test_profile_and_advocate_fill_their_sections(self, tmp_path: Path) -> None:
        """With --profile and --advocate, only the family's own facts are missing."""
        result = _draft("mediation-request", "--no-input", "--profile", PROFILE, "--advocate",
                        ADVOCATE, "--out", str(tmp_path / "out"))
        assert result.exit_code == 1
        assert "  child.name: " in result.output
        assert "advocate." not in result.output
        assert "  la." not in result.output
        assert "  adviser." not in result.output

    def test_a_wrong_value_is_named(self, tmp_path: Path) -> None:
        """A value the model refuses is listed with the field and the reason."""
        case = _case(tmp_path, "certificate-request.toml", contacted_adviser="2024-09-01")
        result = _draft("certificate-request", str(case), "--no-input", "--out",
                        str(tmp_path / "out"))
        assert result.exit_code == 1
        assert "contacted_adviser" in result.output
        assert "before decision.letter_sent" in result.output

    def test_letter_too_early_is_refused(self, tmp_path: Path) -> None:
        """Mediation-not-arranged before the 30 days are up names the first day it can be sent."""
        case = _case(tmp_path, "mediation-not-arranged.toml", letter_date="2024-11-20")
        result = _draft("mediation-not-arranged", str(case), "--no-input", "--out",
                        str(tmp_path / "out"))
        assert result.exit_code == 1
        assert "can be sent from 21 November 2024" in result.output
        assert not (tmp_path / "out").exists()

    def test_unknown_key_is_an_error(self, tmp_path: Path) -> None:
        """A misspelt key is refused, not ignored."""
        case = _case(tmp_path, "mediation-request.toml", isues=["x"])
        result = _draft("mediation-request", str(case), "--no-input", "--out", str(tmp_path / "o"))
        assert result.exit_code == 1
        assert "unknown field(s) isues" in result.output


class TestEachLetter:
    """Each sample letter, written with --no-input and read back with python-docx."""

    @pytest.mark.parametrize(("kind", "today", "dates"), [
        ("mediation-request", "2024-10-21", ["Wednesday 20 November 2024",
                                             "Monday 2 December 2024"]),
        ("certificate-request", "2024-11-26", ["Friday 29 November 2024",
                                               "Thursday 2 January 2025"]),
        ("mediation-not-arranged", "2024-11-25", ["Wednesday 20 November 2024",
                                                  "Thursday 28 November 2024",
                                                  "Thursday 2 January 2025"]),
        ("agreement-chase", "2025-04-14", ["Tuesday 1 April 2025", "Friday 11 April 2025",
                                           "Monday 28 April 2025"]),
    ])
    def test_letter_carries_the_computed_dates(self, tmp_path: Path, kind: str, today: str,
                                               dates: list[str]) -> None:
        """The rendered letter contains every date its rules give."""
        out = tmp_path / "letter.docx"
        result = _draft(kind, str(SAMPLES / f"{kind}.toml"), "--no-input", "--today", today,
                        "--out", str(out))
        assert result.exit_code == 0, result.output
        parts = docx_parts(out)
        for day in dates:
            assert day in parts["body"], day
        assert "{{" not in parts["body"]
        assert "Joanna Mensah" in parts["header"]

    def test_ipsea_order(self, tmp_path: Path) -> None:
        """Addressee, 'And by email to', date, FAO, salutation, subject, then who writes."""
        out = tmp_path / "letter.docx"
        _draft("certificate-request", str(SAMPLES / "certificate-request.toml"), "--no-input",
               "--out", str(out))
        paragraphs = [p.text for p in Document(str(out)).paragraphs if p.text.strip()]
        expected = ["Global Mediation", "And by email to: info@globalmediation.co.uk",
                    "26 November 2024", "For the attention of: Ruth Adeyemi, Mediation Adviser",
                    "Dear Ms Adeyemi",
                    "Amara Khan, date of birth 14 May 2017: request for a mediation certificate "
                    "(no mediation)"]
        assert paragraphs[:len(expected)] == expected
        assert paragraphs[len(expected)].startswith("I am Joanna Mensah, Volunteer SEND advocate")
        assert "Ms Khan gave me written consent on 14 October 2024" in \
            paragraphs[len(expected)]

    def test_chase_explains_each_deadline(self, tmp_path: Path) -> None:
        """The chase quotes the agreement date, each action and how its deadline was computed."""
        out = tmp_path / "chase.docx"
        _draft("agreement-chase", str(SAMPLES / "agreement-chase.toml"), "--no-input", "--out",
               str(out))
        text = docx_text(out)
        assert "Mediation on 18 March 2025 ended in a written agreement" in text
        assert "Arrange an educational psychologist's observation in class" in text
        assert "2 weeks (14 days) after 18 March 2025 ends on Tuesday 1 April 2025" in text
        assert "the date agreed in writing" in text

    def test_render_needs_no_profile_for_an_advocate_letter(self, runner: CliRunner, tmp_path: Path) -> None:
        """`medocs render` writes an advocate's letter from a complete case without --profile."""
        out = tmp_path / "r.docx"
        result = runner.invoke(main, ["render", "mediation-request",
                                           str(SAMPLES / "mediation-request.toml"), "--out",
                                           str(out)], env={"MEDOCS_PROFILE": ""})
        assert result.exit_code == 0, result.output
        assert "Wednesday 20 November 2024" in docx_text(out)

    @pytest.mark.needs_soffice
    def test_pdf(self, tmp_path: Path) -> None:
        """--pdf writes a PDF beside the .docx."""
        out = tmp_path / "letter.docx"
        result = _draft("certificate-request", str(SAMPLES / "certificate-request.toml"),
                        "--no-input", "--out", str(out), "--pdf")
        assert result.exit_code == 0, result.output
        assert (tmp_path / "letter.pdf").read_bytes().startswith(b"%PDF")


class TestCaseFileAnswers:
    """A partial case file: only what it lacks is asked."""

    def test_asks_only_for_what_is_missing(self, tmp_path: Path) -> None:
        """A case lacking the letter date and the child's birth date asks just those."""
        case = _case(tmp_path, "certificate-request.toml", letter_date=None,
                     child__date_of_birth=None)
        result = _draft("certificate-request", str(case), "--out", str(tmp_path / "out"),
                        "--today", "2024-11-26", answers=["", "14/5/2017", "y"])
        assert result.exit_code == 0, result.output
        assert result.output.count("Example:") == 2  # the letter's date, the birth date
        assert "Your full name" not in result.output

    def test_wrong_value_in_the_file_is_asked_again(self, tmp_path: Path) -> None:
        """A bad date in the case file is explained, then asked for."""
        case = _case(tmp_path, "certificate-request.toml", contacted_adviser="2024-09-01")
        result = _draft("certificate-request", str(case), "--out", str(tmp_path / "out"),
                        answers=["20/11/2024", "y"])
        assert result.exit_code == 0, result.output
        assert "gives a wrong value for contacted_adviser" in result.output

    def test_letter_date_too_early_is_asked_again(self, tmp_path: Path) -> None:
        """Mediation-not-arranged dated inside the 30 days explains and asks for the date again."""
        case = _case(tmp_path, "mediation-not-arranged.toml", letter_date=None)
        out = tmp_path / "out.docx"
        result = _draft("mediation-not-arranged", str(case), "--out", str(out), "--today",
                        "2024-11-18", answers=["", "25/11/2024", "y"])
        assert result.exit_code == 0, result.output
        assert "the LA has until Wednesday 20 November 2024 to arrange mediation" in result.output
        assert "Thursday 28 November 2024" in docx_text(out)


class TestSaveCase:
    """--save-case stores the answers as TOML that the next letter reads."""

    def test_round_trip_gives_the_same_letter(self, tmp_path: Path) -> None:
        """Answers saved, then drafted again with --no-input, give a byte-identical letter."""
        saved = tmp_path / "case.toml"
        first, second = tmp_path / "first.docx", tmp_path / "second.docx"
        result = _draft("mediation-request", "--out", str(first), "--today", "2024-10-21",
                        "--save-case", str(saved), answers=[*FROM_SCRATCH, "y"])
        assert result.exit_code == 0, result.output
        again = _draft("mediation-request", str(saved), "--no-input", "--today", "2024-10-21",
                       "--out", str(second))
        assert again.exit_code == 0, again.output
        assert first.read_bytes() == second.read_bytes()

    def test_saved_case_serves_the_next_letter(self, tmp_path: Path) -> None:
        """A saved request records when mediation was asked for; 'not arranged' then needs no answers."""
        saved = tmp_path / "case.toml"
        _draft("mediation-request", str(SAMPLES / "mediation-request.toml"), "--no-input",
               "--out", str(tmp_path / "a.docx"), "--save-case", str(saved))
        data = tomllib.loads(saved.read_text(encoding="utf-8"))
        assert data["mediation_requested"].isoformat() == "2024-10-21"
        assert "letter_date" not in data
        result = _draft("mediation-not-arranged", str(saved), "--no-input", "--today",
                        "2024-11-25", "--out", str(tmp_path / "b.docx"))
        assert result.exit_code == 0, result.output
        assert "not used by this letter" not in result.output
        assert "Thursday 28 November 2024" in docx_text(tmp_path / "b.docx")


class TestTextFormat:
    """--format txt writes the letter as plain text for an email."""

    def test_text_is_ready_for_an_email(self, tmp_path: Path) -> None:
        """To and Subject first, then the letter from 'Dear', with its dates and no markup."""
        out = tmp_path / "letter.txt"
        result = _draft("mediation-request", str(SAMPLES / "mediation-request.toml"), "--no-input",
                        "--format", "txt", "--out", str(out))
        assert result.exit_code == 0, result.output
        text = out.read_text(encoding="utf-8")
        lines = text.splitlines()
        assert lines[0] == "To: send.mediation@westminster.gov.uk"
        assert lines[1] == "Subject: Oliver Bennett, date of birth 14 May 2017: request for mediation"
        assert lines[3] == "Dear Mr Okafor"
        assert lines[5].startswith("I am Joanna Mensah")  # the subject is not repeated
        assert "1. Whether an EHC needs assessment is necessary for Oliver" in text
        assert "- Let me know by return that you have this request." in text
        assert "Mediation to be arranged by: Wednesday 20 November 2024" in text
        assert "{{" not in text
        assert "Westminster City Hall" not in text  # the postal address stays in the .docx
        assert not (tmp_path / "letter.docx").exists()

    def test_pdf_needs_docx(self, tmp_path: Path) -> None:
        """--pdf with --format txt is a usage error."""
        result = _draft("mediation-request", "--format", "txt", "--pdf", "--out", str(tmp_path))
        assert result.exit_code == 2


class TestHostileNames:
    """Names with & < ' \" and accents come out exactly, in the .docx and the text."""

    NAMES = {
        "child": "Zoë O'Brien & <Sons>",
        "client": 'Siobhán "Shiv" Ó Briain',
        "advocate": "Anaïs D'Souza & Co <Advocacy>",
    }

    def _hostile_case(self, tmp_path: Path) -> Path:
        return _case(tmp_path, "mediation-request.toml", child__name=self.NAMES["child"],
                     client__name=self.NAMES["client"], advocate__name=self.NAMES["advocate"])

    def test_docx(self, tmp_path: Path) -> None:
        """Each name is read back unchanged from the body, and the child's from the header."""
        out = tmp_path / "letter.docx"
        result = _draft("mediation-request", str(self._hostile_case(tmp_path)), "--no-input",
                        "--out", str(out))
        assert result.exit_code == 0, result.output
        parts = docx_parts(out)
        for name in self.NAMES.values():
            assert name in parts["body"], name
        assert self.NAMES["child"] in parts["header"]
        assert "&amp;" not in parts["body"]

    def test_text(self, tmp_path: Path) -> None:
        """Each name comes out exactly in the plain-text letter."""
        out = tmp_path / "letter.txt"
        _draft("mediation-request", str(self._hostile_case(tmp_path)), "--no-input", "--format",
               "txt", "--out", str(out))
        text = out.read_text(encoding="utf-8")
        assert f"Subject: {self.NAMES['child']}, date of birth 14 May 2017" in text
        for name in self.NAMES.values():
            assert name in text, name

    def test_calendar(self, tmp_path: Path) -> None:
        """The calendar's titles carry the child's name exactly."""
        import icalendar

        ics = tmp_path / "d.ics"
        _draft("mediation-request", str(self._hostile_case(tmp_path)), "--no-input", "--out",
               str(tmp_path / "l.docx"), "--ics", str(ics))
        events = list(icalendar.Calendar.from_ical(ics.read_text(encoding="utf-8")).walk("VEVENT"))
        assert [str(e["SUMMARY"]) for e in events] == [
            f"{self.NAMES['child']}: Mediation to be arranged by",
            f"{self.NAMES['child']}: Appeal to the Tribunal by 5pm",
        ]
