"""Tests for medocs.documents.advocacy: the dates an advocate's letter states before a certificate exists."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import icalendar
from case_data import advocate_letter_dates, sample_data
from click.testing import Result
from helpers import docx_text, run_medocs
from hypothesis import given, settings
from hypothesis import strategies as st

from medocs.documents.advocacy import letter_deadlines
from medocs.drafting.case_toml import dumps_case
from medocs.models import CertificateRequestCase, MediationNotArrangedCase
from medocs.timeline.deadlines import appeal_deadline

D = date.fromisoformat
# The issue's worked example: decision letter sent Mon 1 Sep 2025, letter Mon 27 Oct 2025.
# 2 months: Sat 1 Nov 2025 -> Mon 3 Nov. Certificate issued 27 Oct: 1 month is Thu 27 Nov 2025,
# later, and a working day. Asked for by 3 working days (Thu 30 Oct) the old letter counted
# from then: Sun 30 Nov -> Mon 1 Dec 2025, four days too late.
WORKED = {"decision__letter_sent": "2025-09-01", "letter_date": "2025-10-27",
          "contacted_adviser": "2025-10-20", "client__consent_given": "2025-10-20"}


_data = sample_data


def _case_file(tmp_path: Path, sample: str, changes: dict[str, Any]) -> Path:
    path = tmp_path / sample
    path.write_text(dumps_case(_data(sample, changes)), encoding="utf-8")
    return path


def _draft(*args: str, answers: list[str] | None = None) -> Result:
    given_input = "\n".join(answers) + "\n" if answers is not None else None
    return run_medocs(["draft", *args], input=given_input, env={})


NOT_ARRANGED = {**WORKED, "mediation_requested": "2025-09-22"}  # 30 days: Wed 22 Oct 2025


class TestBeforeTheCertificate:
    """A letter asking for a certificate states the date for a certificate issued that day."""

    def _drafted(self, tmp_path: Path, kind: str, changes: dict[str, Any]) -> tuple[str, str]:
        case = _case_file(tmp_path, f"{kind}.toml", changes)
        out, ics = tmp_path / "letter.docx", tmp_path / "dates.ics"
        result = _draft(kind, str(case), "--no-input", "--out", str(out), "--ics", str(ics),
                        "--today", "2025-10-27")
        assert result.exit_code == 0, result.output
        return docx_text(out), ics.read_text(encoding="utf-8")

    def test_certificate_request_worked_example(self, tmp_path: Path) -> None:
        """Decision 1 Sep 2025, letter 27 Oct 2025: the letter says Thu 27 Nov 2025, not Mon 1 Dec."""
        text, _ = self._drafted(tmp_path, "certificate-request", WORKED)
        assert "Thursday 27 November 2025" in text
        assert "1 December 2025" not in text
        assert "Once the certificate is issued, the date is" in text

    def test_mediation_not_arranged_worked_example(self, tmp_path: Path) -> None:
        """The not-arranged letter of 27 Oct 2025 also says Thu 27 Nov 2025."""
        text, _ = self._drafted(tmp_path, "mediation-not-arranged", NOT_ARRANGED)
        assert "Thursday 27 November 2025" in text
        assert "1 December 2025" not in text
        assert "Once the certificate is issued, the date is" in text

    def test_calendar_event_has_the_same_day_date_and_no_invented_issue(self, tmp_path: Path) -> None:
        """The --ics appeal event is on 27 Nov 2025 and never says a certificate 'was issued'."""
        for kind, changes in (("certificate-request", WORKED),
                              ("mediation-not-arranged", NOT_ARRANGED)):
            folder = tmp_path / kind
            folder.mkdir()
            _, ics = self._drafted(folder, kind, changes)
            events = list(icalendar.Calendar.from_ical(ics).walk("VEVENT"))
            appeal = [e for e in events if "Appeal" in str(e["SUMMARY"])]
            assert [e.decoded("DTSTART") for e in appeal] == [D("2025-11-27")], kind
            description = str(appeal[0]["DESCRIPTION"])
            assert "was issued" not in description
            assert "If the mediation certificate is issued on the day of this letter" in description

    def test_dates_shown_while_drafting(self, tmp_path: Path) -> None:
        """The dates listed before 'Write ...?' give Thu 27 Nov 2025 for the appeal."""
        case = _case_file(tmp_path, "certificate-request.toml", WORKED)
        result = _draft("certificate-request", str(case), "--out", str(tmp_path / "l.docx"),
                        "--today", "2025-10-27", answers=["y", "y", "y"])
        assert "The letter gives these dates:" in result.output, result.output
        shown = result.output.split("The letter gives these dates:")[1]
        assert "Thursday 27 November 2025" in shown
        assert "1 December 2025" not in shown


class TestPropertyNeverLater:
    """Over random dates, no pre-certificate letter states a date later than a same-day certificate gives."""

    @settings(max_examples=150, deadline=None)
    @given(advocate_letter_dates(), st.integers(0, 90))
    def test_certificate_request(self, changes: dict[str, Any], later_days: int) -> None:
        """appeal_deadline_if_issued is the same-day-certificate date, never after a later one's."""
        case = CertificateRequestCase.model_validate(_data("certificate-request.toml", changes))
        stated = letter_deadlines(case)["appeal_deadline_if_issued"].date
        sent = case.decision.letter_sent
        assert stated == appeal_deadline(sent, certificate_issued=case.letter_date).date
        later = case.letter_date + timedelta(days=later_days)
        assert stated <= appeal_deadline(sent, certificate_issued=later).date

    @settings(max_examples=150, deadline=None)
    @given(advocate_letter_dates(), st.integers(31, 60))
    def test_mediation_not_arranged(self, changes: dict[str, Any], waited: int) -> None:
        """The not-arranged letter's appeal date is the same-day-certificate date too."""
        letter: date = changes["letter_date"]
        requested = max(letter - timedelta(days=waited), changes["contacted_adviser"])
        if letter - requested <= timedelta(days=30):
            letter = requested + timedelta(days=31)
        changes = {**changes, "mediation_requested": requested, "letter_date": letter}
        case = MediationNotArrangedCase.model_validate(_data("mediation-not-arranged.toml", changes))
        stated = letter_deadlines(case)["appeal_deadline_if_issued"].date
        assert stated == appeal_deadline(case.decision.letter_sent, certificate_issued=letter).date
