"""Tests for medocs.documents.context: what a rendered document says about its case's own dates."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest
from case_data import advocate_letter_dates, sample_data
from click.testing import CliRunner
from helpers import SAMPLES, docx_text
from hypothesis import given, settings
from hypothesis import strategies as st

from medocs.cli import main
from medocs.documents.kinds import document_kind, render_document
from medocs.loading import load_case, read_case_data
from medocs.profiles import Profile, load_profile
from medocs.timeline.dates import long_date, plain_date
from medocs.timeline.deadlines import adviser_contact_deadline, appeal_deadline, statutory_deadline

TODAY = date(2025, 1, 1)
D = date.fromisoformat
# Decision sent Mon 24 Oct 2022: 2 months is Sat 24 Dec 2022, the next working day Wed 28 Dec
# (25-27 Dec are Christmas, Boxing Day and the substitute day). RULES.md: state 28 Dec only.
WINDOW_NOTE = "Do not rely on any date later than 28 December 2022."


@pytest.fixture(scope="module")
def profile() -> Profile:
    return load_profile(SAMPLES / "westminster.toml")


def _render(kind_name: str, profile: Profile | None, changes: dict[str, Any]) -> str:
    kind = document_kind(kind_name)
    case = kind.model.model_validate(sample_data(kind.sample, changes))
    return docx_text(render_document(kind, case, profile, today=TODAY,
                                     certificate_number="GM-2025-000042"))


class TestNoGenerousReading:
    """The decision letter, the certificate and the CLI give 28 Dec 2022 and no later date (item 2)."""

    def test_decision_letter(self, profile: Profile) -> None:
        """The letter of 24 Oct 2022 says 28 December 2022, and not to rely on a later date."""
        text = _render("decision-letter", profile, {"letter_date": D("2022-10-24"),
                                                    "decision_made": None,
                                                    "request_received": None})
        assert "Wednesday 28 December 2022" in text
        assert WINDOW_NOTE in text
        assert "January 2023" not in text
        assert "generous" not in text

    def test_certificate(self, profile: Profile) -> None:
        """A certificate whose 2-month limb applies says the same."""
        text = _render("decline-certificate", profile, {
            "decision__letter_sent": D("2022-10-24"), "contacted_adviser": D("2022-10-25"),
            "declined_on": D("2022-10-26"), "issued_on": D("2022-10-27")})
        assert "Wednesday 28 December 2022" in text
        assert WINDOW_NOTE in text
        assert "January 2023" not in text
        assert "generous" not in text

    def test_cli(self, runner: CliRunner) -> None:
        """`medocs timeline --decision-sent 2022-10-24` gives the same sentence."""
        result = runner.invoke(main, ["timeline", "--decision-sent", "2022-10-24",
                                           "--today", "2022-10-24"])
        assert WINDOW_NOTE in result.output
        assert "January 2023" not in result.output
        assert "generous" not in result.output


class TestLatenessOnThePage:
    """What the timeline warns about for the case's own dates reaches the document (item 4)."""

    def test_late_contact_on_the_certificate(self, profile: Profile) -> None:
        """Contact on 3 Dec 2024 after the 2 months (Sun 1 Dec 2024) is stated, with the Tribunal caveat."""
        text = _render("decline-certificate", profile, {
            "contacted_adviser": D("2024-12-03"), "declined_on": D("2024-12-03"),
            "issued_on": D("2024-12-04")})
        # Addressed to the family: 'you', not 'Ms Sadia Khan' twice; no citation mid-sentence.
        assert ("You contacted the mediation adviser on 3 December 2024, after Sunday "
                "1 December 2024, the end of the 2 months for doing so. This does not stop you "
                "from appealing.") in text
        assert "Ms Sadia Khan contacted" not in text
        assert "(SEND Regulations 2014 reg 33)" not in text
        assert "Only the Tribunal decides whether an appeal is in time." in text

    def test_late_decline_certificate(self, profile: Profile) -> None:
        """Declined Tue 26 Nov 2024 (due Fri 29 Nov), issued Tue 3 Dec: the certificate says it was late."""
        text = _render("decline-certificate", profile, {"issued_on": D("2024-12-03")})
        assert ("The certificate was issued on 3 December 2024, after Friday 29 November 2024, "
                "the last day for issuing it (3 working days).") in text

    def test_late_mediation_certificate(self, profile: Profile) -> None:
        """A mediation certificate issued a week after its 3 working days says so."""
        kind = document_kind("mediation-certificate")
        case = load_case(SAMPLES / kind.sample, kind.model)
        due = statutory_deadline("T15", case.mediation_ended, label="x", trigger="y")
        text = _render("mediation-certificate", profile,
                       {"issued_on": due.date + timedelta(days=7)})
        assert f"after {long_date(due.date)}, the last day for issuing it" in text

    def test_on_time_documents_have_no_note(self, profile: Profile) -> None:
        """The shipped samples, all on time, carry no 'Please note about these dates'."""
        for kind in ("decline-certificate", "mediation-certificate"):
            assert "Please note about these dates" not in _render(kind, profile, {})

    def test_agreed_action_on_boxing_day(self, profile: Profile) -> None:
        """Agreement Fri 12 Dec 2025: a 2-week action is due on Boxing Day, and the record says so."""
        actions = read_case_data(SAMPLES / "agreement-record.toml")["actions"]
        actions[2]["agreed_deadline"] = D("2026-01-09")
        text = _render("agreement-record", profile, {
            "mediation_ended": D("2025-12-12"), "agreement_date": D("2025-12-12"),
            "actions": actions})
        assert ("Action 2: Friday 26 December 2025 is not a working day. To be safe, act by "
                "Wednesday 24 December 2025, the last working day before it.") in text

    def test_late_contact_in_the_certificate_request(self) -> None:
        """A letter for a family that contacted the adviser late says that does not stop the appeal."""
        text = _render("certificate-request", None, {
            "contacted_adviser": D("2024-12-03"), "letter_date": D("2024-12-03")})
        assert ("Ms Khan contacted the mediation adviser on 3 December 2024, after Sunday 1 "
                "December 2024, the end of the 2 months for doing so.") in text
        assert "This does not stop Ms Khan from appealing." in text
        assert "Ms Sadia Khan contacted" not in text

    def test_agreement_chase_action_on_a_holiday(self) -> None:
        """The chase letter names an action that fell due on a non-working day (Boxing Day)."""
        actions = read_case_data(SAMPLES / "agreement-chase.toml")["actions"]
        actions[1]["agreed_deadline"] = D("2026-01-09")
        text = _render("agreement-chase", None, {
            "agreement_date": D("2025-12-12"), "letter_date": D("2026-02-02"), "actions": actions})
        assert "Action 2: Friday 26 December 2025 is not a working day" in text


_DATE = re.compile(
    r"(?:(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday) )?"
    r"(\d{1,2} (?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December) \d{4})")


def _stated_dates(text: str) -> set[date]:
    from datetime import datetime

    return {datetime.strptime(found, "%d %B %Y").date() for found in _DATE.findall(text)}  # noqa: DTZ007


@st.composite
def _certificate_dates(draw: st.DrawFn) -> dict[str, date]:
    sent = draw(st.dates(min_value=D("2014-09-01"), max_value=D("2031-06-30")))
    contacted = sent + timedelta(days=draw(st.integers(0, 80)))
    declined = contacted + timedelta(days=draw(st.integers(0, 20)))
    issued = declined + timedelta(days=draw(st.integers(0, 10)))
    return {"decision__letter_sent": sent, "contacted_adviser": contacted,
            "declined_on": declined, "issued_on": issued}


class TestPropertyOnlyTimelineDates:
    """A document states only the case's dates and the dates the timeline computes for it."""

    @settings(max_examples=60, deadline=None)
    @given(_certificate_dates())
    def test_decline_certificate(self, profile: Profile, dates: dict[str, date]) -> None:
        """Every date in a rendered decline certificate is a case date or a timeline date (raw or final)."""
        text = _render("decline-certificate", profile, dates)
        appeal = appeal_deadline(dates["decision__letter_sent"], certificate_issued=dates["issued_on"])
        due = statutory_deadline("T7", dates["declined_on"], label="x", trigger="y")
        contact = adviser_contact_deadline(dates["decision__letter_sent"])
        allowed = {*dates.values(), appeal.date, appeal.raw_date, due.date, contact.date,
                   D("2017-05-14")}
        assert _stated_dates(text) <= allowed, (text, allowed)

    @settings(max_examples=60, deadline=None)
    @given(st.dates(min_value=D("2014-09-01"), max_value=D("2031-06-30")))
    def test_decision_letter(self, profile: Profile, sent: date) -> None:
        """Every date in a rendered decision letter is the letter's own or one its timeline gives."""
        text = _render("decision-letter", profile, {
            "letter_date": sent, "decision_made": None, "request_received": None,
            "reasons": ["The school can meet the needs from its own resources."],
            "evidence": [], "next_steps": [], "enclosures": []})
        appeal = appeal_deadline(sent)
        contact = adviser_contact_deadline(sent)
        allowed = {sent, appeal.date, appeal.raw_date, contact.date, D("2017-05-14")}
        if contact.act_by:
            allowed.add(contact.act_by)
        assert _stated_dates(text) <= allowed, (text, allowed, plain_date(sent))


class TestPredictionOnThePage:
    """A document whose dates depend on predicted bank holidays says so (item 5)."""

    def test_decision_letter_in_2029(self, profile: Profile) -> None:
        """A decision letter sent 1 Mar 2029 warns that 2029's bank holidays are predicted."""
        text = " ".join(_render("decision-letter", profile, {
            "letter_date": D("2029-03-01"), "decision_made": None, "request_received": None,
        }).split())
        assert "This date depends on the bank holidays of 2029." in text
        assert "The published list ends with 2028" in text

    def test_certificate_within_the_list_has_none(self, profile: Profile) -> None:
        """The shipped certificate (2024 dates) carries no prediction note."""
        assert "predicted" not in _render("decline-certificate", profile, {})


class TestPropertyAdvocateLetter:
    """The certificate-request letter states only its case's dates and the timeline's."""

    @settings(max_examples=60, deadline=None)
    @given(advocate_letter_dates())
    def test_certificate_request(self, dates: dict[str, date]) -> None:
        """Every date in the letter is a case date or one the timeline gives for it."""
        text = _render("certificate-request", None, dates)
        sent, letter = dates["decision__letter_sent"], dates["letter_date"]
        contact = adviser_contact_deadline(sent)
        appeal = appeal_deadline(sent, certificate_issued=letter)
        allowed = {*dates.values(), contact.date, D("2017-05-14"), appeal.date, appeal.raw_date,
                   statutory_deadline("T7", letter, label="x", trigger="y").date}
        if contact.act_by:
            allowed.add(contact.act_by)
        assert _stated_dates(text) <= allowed, (text, allowed)


class TestNotesSaidOnce:
    """A note the document already gives next to its date is not repeated below it."""

    def test_mediation_request_arrange_by_on_a_sunday(self) -> None:
        """Letter Fri 25 Oct 2024: 30 days is Sun 24 Nov 2024, said once, in the key dates row."""
        text = _render("mediation-request", None, {"letter_date": D("2024-10-25")})
        assert "Sunday 24 November 2024 (not a working day: to be safe, by Friday 22 November 2024)" in text
        assert "Sunday 24 November 2024 is not a working day" not in text


class TestOneDeadlineEverywhere:
    """The T7 certificate deadline: built from one DEADLINES entry by the timeline, the
    certificate's context and the advocate's letter (it used to be built three times)."""

    def test_certificate_timeline_and_letter_give_the_same_deadline(self, profile: Profile) -> None:
        """Same rule, label and date from the same start, whoever asks."""
        from medocs.documents.advocacy import letter_deadlines
        from medocs.documents.context import decline_certificate_context
        from medocs.timeline.deadlines import DEADLINES, TimelineDates, compute_timeline

        spec = DEADLINES["decline_certificate_due"]
        kind = document_kind("decline-certificate")
        case = load_case(SAMPLES / kind.sample, kind.model)
        assert case.declined_on is not None
        context = decline_certificate_context(case, profile, certificate_number="X", today=TODAY)
        timeline = compute_timeline(TimelineDates(declined_on=case.declined_on))
        due = timeline["decline_certificate_due"]
        assert (due.rule[0].id, due.label) == (spec.rule_id, spec.label) == ("T7", spec.label)
        assert context["deadlines"]["decline_certificate_due"]["label"] == spec.label
        assert context["deadlines"]["decline_certificate_due"]["iso"] == due.date.isoformat()
        letter_kind = document_kind("certificate-request")
        letter = load_case(SAMPLES / letter_kind.sample, letter_kind.model)
        by_letter = letter_deadlines(letter)["decline_certificate_due"]
        assert (by_letter.rule[0].id, by_letter.label) == ("T7", spec.label)
        assert by_letter.explanation[0].startswith(spec.by_letter)
        assert by_letter.date == compute_timeline(
            TimelineDates(declined_on=letter.letter_date))["decline_certificate_due"].date


def _decision_letter_text(letter_date: str) -> str:
    kind = document_kind("decision-letter")
    data = load_case(SAMPLES / kind.sample, kind.model).model_dump(mode="json")
    data.update(letter_date=letter_date, decision_made=letter_date)
    case = kind.model.model_validate(data)
    return docx_text(render_document(kind, case, load_profile(SAMPLES / "westminster.toml"),
                                     today=TODAY))


@pytest.mark.parametrize(("sent", "says"), [
    # 2 months ends on Mon 2 Dec 2024, a working day: nothing moved it.
    ("2024-10-02", "by 5pm on Monday 2 December 2024. This is 2 months after we sent this letter."),
    # Sun 1 Dec 2024 moves to Mon 2 Dec (r.12(2)).
    ("2024-10-01", "by 5pm on Monday 2 December 2024. Two months after we sent this letter ends "
                   "on 1 December 2024. That is a Sunday, so you have until the next working day."),
    # Wed 25 Dec 2024 is in the Christmas window: Thu 2 Jan 2025 (r.12(3)(a)).
    ("2024-10-25", "by 5pm on Thursday 2 January 2025. Two months after we sent this letter ends "
                   "on 25 December 2024. That is between 25 December and 1 January, so you have "
                   "until the first working day after 1 January."),
    # Wed 27 Aug 2025 is in August: Mon 1 Sep 2025.
    ("2025-06-27", "by 5pm on Monday 1 September 2025. Two months after we sent this letter ends "
                   "on 27 August 2025. That is in August, so you have until the first working "
                   "day after 31 August."),
])
def test_the_decision_letter_says_why_its_appeal_date_is_not_two_months(sent: str, says: str) -> None:
    """'This is 2 months after we sent this letter' only where it is; else why the date moved."""
    text = " ".join(_decision_letter_text(sent).split())
    assert says in text
    if "Two months" in says:
        assert "This is 2 months after we sent this letter." not in text
