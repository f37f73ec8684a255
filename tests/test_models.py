"""Tests for medocs.models: who can be the young person who decides for themselves (issue 12 item 14)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from helpers import run_medocs
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from medocs.documents.kinds import data_dir
from medocs.drafting.case_toml import dumps_case
from medocs.loading import read_case_data
from medocs.models import (
    AgreementRecordCase,
    CertificateRequestCase,
    DecisionLetterCase,
    DeclineCertificateCase,
    school_leaving_date,
)

SAMPLES = data_dir("samples")
D = date.fromisoformat


class TestSchoolLeavingDate:
    """The last Friday in June of the school year in which the child turns 16 (Education Act 1996 s.8)."""

    @pytest.mark.parametrize(
        ("born", "leaving"),
        [
            # Each checked on a printed calendar for June of that year.
            pytest.param("1991-09-22", "2008-06-27", id="sept-birthday-next-june"),
            pytest.param("1982-05-01", "1998-06-26", id="1998-first-single-date"),
            pytest.param("2010-05-14", "2026-06-26", id="may-birthday-same-june"),
            pytest.param("2010-07-15", "2026-06-26", id="july-birthday-leaves-before-16"),
            pytest.param("2010-08-31", "2026-06-26", id="31-august-same-school-year"),
            pytest.param("2010-09-01", "2027-06-25", id="1-september-next-school-year"),
            pytest.param("2017-05-14", "2033-06-24", id="amara-khan"),
            pytest.param("2012-02-29", "2028-06-30", id="leap-day-june-30-is-a-friday"),
        ],
    )
    def test_worked_examples(self, born: str, leaving: str) -> None:
        """The school leaving date for each birthday matches the hand-checked calendar."""
        assert school_leaving_date(D(born)) == D(leaving)

    @settings(deadline=None)
    @given(st.dates(min_value=date(1980, 1, 1), max_value=date(2080, 12, 31)))
    def test_is_a_late_june_friday_of_the_right_year(self, born: date) -> None:
        """Always a Friday from 24 to 30 June, in the school year in which the child turns 16."""
        leaving = school_leaving_date(born)
        assert leaving.weekday() == 4
        assert leaving.month == 6
        assert 24 <= leaving.day <= 30
        sixteenth_year = born.year + 16
        assert leaving.year == (sixteenth_year + 1 if born.month >= 9 else sixteenth_year)


def _letter(**changes: Any) -> dict[str, Any]:
    data = read_case_data(SAMPLES / "decision-letter.toml")
    data["recipient"]["is_young_person"] = True
    data.update(changes)
    return data


class TestYoungPersonMustBeOverSchoolAge:
    """A child of compulsory school age cannot be the young person who decides."""

    def test_seven_year_old_is_refused(self) -> None:
        """Amara (born 14 May 2017) as the young person in 2024: the error names field, expected, found."""
        with pytest.raises(ValidationError) as caught:
            DecisionLetterCase.model_validate(_letter())
        message = str(caught.value)
        assert "recipient.is_young_person is true" in message
        assert "Amara Khan (born 2017-05-14) is not over compulsory school age" in message
        assert "only after 2033-06-24" in message

    def test_day_of_the_leaving_date_is_still_school_age(self) -> None:
        """On Fri 26 Jun 2026 a child born 14 May 2010 is not yet a young person; the next day they are."""
        data = _letter(letter_date="2026-06-26")
        data["child"]["date_of_birth"] = "2010-05-14"
        data["request_received"] = "2026-05-01"
        data["decision_made"] = "2026-06-20"
        with pytest.raises(ValidationError):
            DecisionLetterCase.model_validate(data)
        data["letter_date"] = "2026-06-27"
        assert DecisionLetterCase.model_validate(data).recipient.is_young_person

    def test_fifteen_year_old_after_leaving_date_is_a_young_person(self) -> None:
        """Born 15 Jul 2010: over school age from 27 Jun 2026, before turning 16 (s.8(3)(a))."""
        data = _letter(letter_date="2026-07-01", request_received="2026-05-01",
                       decision_made="2026-06-30")
        data["child"]["date_of_birth"] = "2010-07-15"
        assert DecisionLetterCase.model_validate(data).recipient.is_young_person

    def test_certificate_checks_on_the_date_of_issue(self) -> None:
        """A decline certificate to Amara as the young person is refused, naming issued_on."""
        data = read_case_data(SAMPLES / "decline-certificate.toml")
        data["recipient"]["is_young_person"] = True
        with pytest.raises(ValidationError, match=r"not over compulsory school age on issued_on"):
            DeclineCertificateCase.model_validate(data)

    def test_advocate_letter_checks_the_client(self) -> None:
        """An advocate's letter for Amara 'as a young person' is refused, naming client.is_young_person."""
        data = read_case_data(SAMPLES / "certificate-request.toml")
        data["client"]["is_young_person"] = True
        with pytest.raises(ValidationError, match=r"client\.is_young_person is true"):
            CertificateRequestCase.model_validate(data)

    def test_shipped_young_person_sample_is_accepted(self) -> None:
        """The cease-to-maintain sample to a 19-year-old young person still loads."""
        data = read_case_data(SAMPLES / "decision-letter-cease.toml")
        assert DecisionLetterCase.model_validate(data).recipient.is_young_person

    def test_render_exits_1_with_one_line(self, tmp_path: Path) -> None:
        """`medocs render` of such a case exits 1 naming the field, and writes no letter."""
        case = tmp_path / "case.toml"
        case.write_text(dumps_case(_letter()), encoding="utf-8")
        out = tmp_path / "out"
        result = run_medocs([
            "render", "decision-letter", str(case), "--profile", str(SAMPLES / "westminster.toml"),
            "--out", str(out), "--today", "2025-01-01"], env={})
        assert result.exit_code == 1
        assert "recipient.is_young_person is true" in result.output
        assert not list(out.glob("*.docx")) if out.exists() else True

    @settings(deadline=None)
    @given(st.dates(min_value=date(2000, 1, 1), max_value=date(2020, 12, 31)),
           st.integers(-400, 400))
    def test_accepted_exactly_after_the_leaving_date(self, born: date, offset: int) -> None:
        """Over random births and letter dates, a young person is accepted exactly after the leaving date."""
        letter = school_leaving_date(born) + timedelta(days=offset)
        data = _letter(letter_date=letter.isoformat(), request_received=None, decision_made=None)
        data.pop("request_received")
        data.pop("decision_made")
        data["child"]["date_of_birth"] = born.isoformat()
        if offset > 0:
            assert DecisionLetterCase.model_validate(data).recipient.is_young_person
        else:
            with pytest.raises(ValidationError, match="not over compulsory school age"):
                DecisionLetterCase.model_validate(data)


class TestAgreementWithoutTheCouncil:
    """A record whose council is not a party cannot list an action the council owes."""

    def test_a_council_action_is_refused(self) -> None:
        """The sample's actions 1 and 2 are Westminster City Council's: refused, naming the field."""
        data = read_case_data(SAMPLES / "agreement-record.toml")
        data["la_is_party"] = False
        with pytest.raises(ValidationError) as caught:
            AgreementRecordCase.model_validate(data)
        message = str(caught.value)
        assert "actions[0].who: 'Westminster City Council' is the council" in message
        assert "set la_is_party = true" in message

    def test_owed_by_la_is_refused_and_icb_or_parent_actions_pass(self) -> None:
        """owed_by = 'la' is the council whatever 'who' says; the ICB's and the parent's pass."""
        data = read_case_data(SAMPLES / "agreement-record.toml")
        icb_action = data["actions"][2]
        parent_action = {"action": "Send the ICB the signed consent form",
                         "who": "Ms Niamh Ó Briain", "appealable": False}
        data.update(la_is_party=False, actions=[icb_action, parent_action])
        record = AgreementRecordCase.model_validate(data)
        assert [action.who for action in record.actions] == [icb_action["who"], "Ms Niamh Ó Briain"]
        data["actions"] = [icb_action, {**parent_action, "who": "SEN team", "owed_by": "la"}]
        with pytest.raises(ValidationError, match=r"actions\[1\]\.who: 'SEN team' is the council"):
            AgreementRecordCase.model_validate(data)
