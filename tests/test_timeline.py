"""Tests for medocs.timeline.deadlines: every deadline, its date, its rules, its explanation and warnings."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from medocs.errors import DateInputError
from medocs.timeline.dates import long_date, plain_date
from medocs.timeline.deadlines import (
    Deadline,
    TimelineDates,
    adviser_contact_deadline,
    appeal_deadline,
    compute_timeline,
    statutory_deadline,
)
from medocs.timeline.workdays import LAST_PROCLAIMED_YEAR, is_working_day

D = date.fromisoformat
DATA = Path(__file__).parent / "data"
DATES = st.dates(min_value=date(2014, 9, 1), max_value=date(2028, 10, 31))
CONTRACT_KEYS = [
    "appeal_deadline",
    "adviser_contact_deadline",
    "decline_certificate_due",
    "mediation_certificate_due",
    "mediation_arrange_by",
    "agreement_actions_due",
    "assessment_decision_due",
    "no_plan_decision_due",
    "final_plan_due",
]


def _examples(name: str) -> list[Any]:
    rows = json.loads((DATA / name).read_text(encoding="utf-8"))["examples"]
    return [pytest.param(row, id=row["id"]) for row in rows]


def _ids(deadline: Deadline) -> list[str]:
    return [r.id for r in deadline.rule]


class TestAppealExamples:
    """The hand-checked table of appeal deadlines (tests/data/appeal_examples.json)."""

    @pytest.mark.parametrize("row", _examples("appeal_examples.json"))
    def test_worked_example(self, row: dict[str, Any]) -> None:
        """The final date, raw date and rules cited match the worked example."""
        certificate = D(row["certificate_issued"]) if row["certificate_issued"] else None
        deadline = appeal_deadline(D(row["decision_sent"]), certificate_issued=certificate)
        assert (deadline.date, deadline.raw_date, _ids(deadline)) == (
            D(row["expected"]), D(row["expected_raw"]), row["rules"]
        ), row["why"]


class TestStatutoryExamples:
    """The hand-checked table of SEND Regulations deadlines (tests/data/statutory_examples.json)."""

    @pytest.mark.parametrize("row", _examples("statutory_examples.json"))
    def test_worked_example(self, row: dict[str, Any]) -> None:
        """The date stays on the statutory date; a non-working day gets act_by and a warning."""
        timeline = compute_timeline(TimelineDates(**{row["field"]: D(row["start"])}))
        deadline = timeline[row["key"]]
        act_by = D(row["act_by"]) if row["act_by"] else None
        assert (deadline.date, deadline.raw_date, deadline.act_by, _ids(deadline)) == (
            D(row["expected"]), D(row["expected_raw"]), act_by, [row["rule"]]
        ), row["why"]
        not_working = [w for w in deadline.warnings if "is not a working day" in w]
        assert len(not_working) == (act_by is not None)


class TestAppealDeadline:
    """appeal_deadline: T1-T4, with its explanation and warnings."""

    def test_ipsea_explanation(self) -> None:
        """IPSEA's example explains both limbs, the choice and the Christmas rule."""
        deadline = appeal_deadline(D("2024-10-01"), certificate_issued=D("2024-11-29"))
        text = "\n".join(deadline.explanation)
        assert "Sunday 1 December 2024" in text
        assert "Sunday 29 December 2024" in text
        assert "certificate date applies" in text
        assert "between 25 December and 1 January" in text
        assert "Thursday 2 January 2025 (HESC Rules r.12(3)(a))" in text

    def test_weekend_explanation(self) -> None:
        """A Sunday raw date explains the move to Monday under r.12(2)."""
        deadline = appeal_deadline(D("2024-10-01"))
        assert (
            "1 December 2024 is a Sunday, so the deadline moves to the next working day, "
            "Monday 2 December 2024 (HESC Rules r.12(2))."
        ) in deadline.explanation

    def test_bank_holiday_is_named(self) -> None:
        """A raw date on a bank holiday names the holiday in the explanation."""
        deadline = appeal_deadline(D("2022-07-19"))
        assert any("State Funeral" in step for step in deadline.explanation)

    def test_substitute_day_is_explained(self) -> None:
        """A raw date on a substitute day says it is a substitute bank holiday."""
        deadline = appeal_deadline(D("2016-11-02"))
        assert any("substitute day for New Year" in step for step in deadline.explanation)

    def test_month_end_clipping_is_explained(self) -> None:
        """31 Dec + 2 months explains that February has no day 31."""
        deadline = appeal_deadline(D("2024-12-31"))
        assert any("February 2025 has no day 31" in step for step in deadline.explanation)

    def test_august_rule_explained(self) -> None:
        """A raw date in August cites r.12(3)(a) and the first working day after 31 August."""
        deadline = appeal_deadline(D("2025-06-15"))
        assert any("in August" in s and "Monday 1 September 2025" in s for s in deadline.explanation)

    def test_cautious_christmas_note(self) -> None:
        """The 2022 rolled date keeps 28 Dec, names no later date and says not to rely on one."""
        deadline = appeal_deadline(D("2022-10-24"))
        assert deadline.date == D("2022-12-28")
        text = " ".join((*deadline.explanation, *deadline.warnings, *deadline.notes))
        assert "generous" not in text
        assert "January 2023" not in text
        assert "Do not rely on any date later than 28 December 2022." in deadline.notes[0]
        assert deadline.notes[0] in deadline.warnings

    def test_cautious_august_note(self) -> None:
        """Sat 31 Jul 2021 rolled to Mon 2 Aug names no September date and warns not to rely on one."""
        deadline = appeal_deadline(D("2021-05-31"))
        assert deadline.date == D("2021-08-02")
        text = " ".join((*deadline.explanation, *deadline.warnings))
        assert "September 2021" not in text
        assert any("Do not rely on any date later than 2 August 2021" in n for n in deadline.notes)

    def test_no_window_note_for_an_ordinary_roll(self) -> None:
        """An ordinary weekend roll has no note at all."""
        deadline = appeal_deadline(D("2024-10-01"))
        assert deadline.notes == ()
        assert not any("rely" in step for step in deadline.explanation)

    @settings(deadline=None)
    @given(DATES, st.one_of(st.none(), st.integers(0, 120)))
    def test_no_date_after_the_deadline_is_named(self, sent: date, certificate_days: int | None) -> None:
        """No explanation, warning or note of an appeal deadline names a day after its date."""
        certificate = None if certificate_days is None else sent + timedelta(days=certificate_days)
        deadline = appeal_deadline(sent, certificate_issued=certificate)
        text = " ".join((*deadline.explanation, *deadline.warnings, *deadline.notes))
        day = deadline.date + timedelta(days=1)
        for _ in range(40):  # the r.12(3)(a) targets are at most a few days on
            assert long_date(day) not in text
            assert plain_date(day) not in text
            day += timedelta(days=1)

    def test_certificate_not_later(self) -> None:
        """An earlier certificate limb is explained and not cited."""
        deadline = appeal_deadline(D("2025-03-03"), certificate_issued=D("2025-03-03"))
        assert "That is not later than the 2-month date, so the 2-month date applies." in (
            deadline.explanation
        )
        assert "T2" not in _ids(deadline)

    def test_due_by_5pm(self) -> None:
        """The Tribunal must receive the appeal by 5pm (r.12(1))."""
        deadline = appeal_deadline(D("2025-03-12"))
        assert deadline.due_by == "17:00"
        assert any("5pm" in step for step in deadline.explanation)

    def test_certificate_before_decision_is_an_error(self) -> None:
        """A certificate issued before the decision was sent raises DateInputError."""
        with pytest.raises(DateInputError, match="certificate_issued .* before the decision"):
            appeal_deadline(D("2025-03-12"), certificate_issued=D("2025-03-11"))

    def test_past_deadline_is_a_warning(self) -> None:
        """A deadline before today gives a warning that the Tribunal can extend time."""
        deadline = appeal_deadline(D("2024-10-01"), today=D("2024-12-03"))
        assert deadline.date == D("2024-12-02")
        assert len(deadline.warnings) == 1
        assert "passed on Monday 2 December 2024" in deadline.warnings[0]
        assert "extend time" in deadline.warnings[0]

    def test_deadline_today_is_not_past(self) -> None:
        """On the deadline day itself there is no 'passed' warning."""
        assert appeal_deadline(D("2024-10-01"), today=D("2024-12-02")).warnings == ()

    def test_verified_rules_carry_no_warning(self) -> None:
        """T1-T4 are VERIFIED, so no unverified-source warning appears."""
        deadline = appeal_deadline(D("2024-10-01"), certificate_issued=D("2024-11-29"))
        assert deadline.warnings == ()

    @given(DATES, st.one_of(st.none(), st.integers(min_value=0, max_value=150)))
    def test_final_never_before_raw_and_a_working_day(self, sent: date, gap: int | None) -> None:
        """The final date is never before the raw date and is always a working day."""
        certificate = None if gap is None else sent + timedelta(days=gap)
        deadline = appeal_deadline(sent, certificate_issued=certificate)
        assert deadline.date >= deadline.raw_date
        assert is_working_day(deadline.date)

    @given(DATES)
    def test_rolled_date_is_the_first_working_day_available(self, sent: date) -> None:
        """A rolled date is a working day and no earlier day up to it is one, outside r.12(3)(a)."""
        deadline = appeal_deadline(sent)
        assume(deadline.date != deadline.raw_date)
        assert is_working_day(deadline.date)
        if "T4" in _ids(deadline):
            day = deadline.raw_date
            while day < deadline.date:
                assert not is_working_day(day)
                day += timedelta(days=1)

    @given(DATES, DATES)
    def test_monotonic_in_the_decision_date(self, first: date, second: date) -> None:
        """A later decision never gives an earlier deadline."""
        early, late = sorted((first, second))
        assert appeal_deadline(early).date <= appeal_deadline(late).date

    @given(DATES, st.integers(min_value=0, max_value=150), st.integers(min_value=0, max_value=150))
    def test_monotonic_in_the_certificate_date(self, sent: date, gap1: int, gap2: int) -> None:
        """A later certificate never gives an earlier deadline."""
        early, late = sorted((gap1, gap2))
        first = appeal_deadline(sent, certificate_issued=sent + timedelta(days=early))
        second = appeal_deadline(sent, certificate_issued=sent + timedelta(days=late))
        assert first.date <= second.date

    @given(DATES, st.integers(min_value=0, max_value=150))
    def test_certificate_never_shortens_the_deadline(self, sent: date, gap: int) -> None:
        """Adding a certificate never gives an earlier deadline than the 2-month limb alone."""
        alone = appeal_deadline(sent)
        both = appeal_deadline(sent, certificate_issued=sent + timedelta(days=gap))
        assert both.date >= alone.date


class TestStatutoryDeadline:
    """statutory_deadline: SEND Regulations periods never move (RULES.md G8)."""

    def test_l5_on_spring_bank_holiday(self) -> None:
        """Request 6 Jan 2025 + 20 weeks stays on Mon 26 May 2025, with advice to act by 23 May."""
        deadline = statutory_deadline(
            "L5", D("2025-01-06"), label="Final EHC plan issued by", trigger="Received on"
        )
        assert (deadline.date, deadline.act_by) == (D("2025-05-26"), D("2025-05-23"))
        assert any("do not move this deadline" in step for step in deadline.explanation)
        assert deadline.warnings == (
            "Monday 26 May 2025 is not a working day. To be safe, act by Friday 23 May 2025, "
            "the last working day before it.",
        )

    def test_working_day_deadline_has_no_warning(self) -> None:
        """A deadline on a working day has no act_by and no warning."""
        deadline = statutory_deadline("L1", D("2025-01-06"), label="x", trigger="y")
        assert deadline.act_by is None
        assert deadline.warnings == ()
        assert deadline.due_by is None

    def test_working_days_explanation_names_skipped_holidays(self) -> None:
        """A 3-working-day period across Easter names Good Friday and Easter Monday."""
        deadline = statutory_deadline("T15", D("2024-03-27"), label="x", trigger="Ended on")
        how = deadline.explanation[1]
        assert "3 working days after 27 March 2024" in how
        assert "Friday 29 March 2024 is Good Friday, a public holiday, so it does not count." in how
        assert "Monday 1 April 2024 is Easter Monday, a bank holiday, so it does not count." in how

    def test_good_friday_and_christmas_day_are_not_called_bank_holidays(self) -> None:
        """Christmas Day and Good Friday are common-law holidays, not bank holidays (issue 12/8)."""
        for start in ("2024-03-27", "2025-12-23"):
            how = " ".join(statutory_deadline("T15", D(start), label="x", trigger="y").explanation)
            assert "a public holiday" in how
            assert "Good Friday, a bank holiday" not in how
            assert "Christmas Day, a bank holiday" not in how
        raw_on_christmas = appeal_deadline(D("2025-10-25"), certificate_issued=D("2025-11-25"))
        assert not any("Christmas Day, a bank" in step for step in raw_on_christmas.explanation)

    def test_thirty_days_explanation(self) -> None:
        """A 30-day period says the start day is not counted."""
        deadline = statutory_deadline("T12", D("2025-01-10"), label="x", trigger="y")
        assert "30 days after 10 January 2025, not counting that day," in deadline.explanation[1]
        assert any("arranged or take place" in step for step in deadline.explanation)

    def test_t13_cautious_three_calendar_days(self) -> None:
        """T13 counts 3 calendar days (the cautious reading) and says so."""
        deadline = statutory_deadline("T13", D("2025-03-03"), label="x", trigger="y")
        assert deadline.date == D("2025-03-06")
        assert any("3 working days" in step for step in deadline.explanation)

    def test_beginning_with_counts_the_first_day(self) -> None:
        """L4: 15 days beginning with 1 March 2025 end on 15 March 2025 (G7)."""
        deadline = statutory_deadline("L4", D("2025-03-01"), label="x", trigger="y")
        assert deadline.date == D("2025-03-15")

    def test_reg44_period_by_index(self) -> None:
        """T21 period 5 (final plan, 11 weeks) after 6 Jan 2025 ends on 24 Mar 2025."""
        deadline = statutory_deadline("T21", D("2025-01-06"), label="x", trigger="y", period_index=5)
        assert deadline.date == D("2025-03-24")

    def test_immediately(self) -> None:
        """An 'immediately' period ends on the day of the event."""
        deadline = statutory_deadline("T21", D("2025-01-06"), label="x", trigger="y", period_index=0)
        assert deadline.date == D("2025-01-06")

    def test_uncountable_rule_raises(self) -> None:
        """A rule with no countable period (T8) raises ValueError."""
        with pytest.raises(ValueError, match="T8"):
            statutory_deadline("T8", D("2025-01-06"), label="x", trigger="y")

    def test_past_warning_without_extension(self) -> None:
        """A past Regulations deadline warns, without the Tribunal's extension advice."""
        deadline = adviser_contact_deadline(D("2025-01-10"), today=D("2025-03-11"))
        assert deadline.warnings == (
            "This deadline passed on Monday 10 March 2025 (today is 11 March 2025).",
        )

    @given(DATES, st.sampled_from(["T6", "T7", "T12", "T15", "T17", "L1", "L3", "L5"]))
    def test_never_moves(self, start: date, rule_id: str) -> None:
        """The date is the raw date; act_by is set exactly when it is not a working day."""
        deadline = statutory_deadline(rule_id, start, label="x", trigger="y")
        assert deadline.date == deadline.raw_date > start
        if is_working_day(deadline.date):
            assert deadline.act_by is None
        else:
            assert deadline.act_by is not None
            assert deadline.act_by < deadline.date
            assert is_working_day(deadline.act_by)


class TestComputeTimeline:
    """compute_timeline: every deadline the given dates allow, in the contract's order."""

    def test_all_keys_in_contract_order(self) -> None:
        """With every date given, every contract key appears, in the documented order."""
        dates = TimelineDates(
            decision_sent=D("2024-10-01"),
            certificate_issued=D("2024-11-29"),
            declined_on=D("2024-11-26"),
            mediation_requested=D("2024-10-10"),
            mediation_ended=D("2024-11-26"),
            agreement_date=D("2024-11-26"),
            request_received=D("2024-01-08"),
        )
        assert list(compute_timeline(dates)) == CONTRACT_KEYS

    def test_request_received_gives_three_la_deadlines(self) -> None:
        """An assessment request gives the 6, 16 and 20-week deadlines."""
        timeline = compute_timeline(TimelineDates(request_received=D("2025-01-06")))
        assert {key: d.date for key, d in timeline.items()} == {
            "assessment_decision_due": D("2025-02-17"),
            "no_plan_decision_due": D("2025-04-28"),
            "final_plan_due": D("2025-05-26"),
        }

    def test_no_dates_is_an_error(self) -> None:
        """Without any date there is nothing to compute."""
        with pytest.raises(DateInputError, match="at least one date"):
            compute_timeline(TimelineDates())

    def test_today_alone_is_not_enough(self) -> None:
        """'today' is not an event date."""
        with pytest.raises(DateInputError, match="at least one date"):
            compute_timeline(TimelineDates(today=D("2025-01-01")))

    @pytest.mark.parametrize(
        ("dates", "message"),
        [
            pytest.param(
                {"decision_sent": "2025-03-10", "certificate_issued": "2025-03-09"},
                "certificate_issued .* is before decision_sent",
                id="certificate-before-decision",
            ),
            pytest.param(
                {"mediation_ended": "2025-03-10", "agreement_date": "2025-03-09"},
                "agreement_date .* is before mediation_ended",
                id="agreement-before-mediation-ended",
            ),
            pytest.param(
                {"mediation_requested": "2025-03-10", "mediation_ended": "2025-03-09"},
                "mediation_ended .* is before mediation_requested",
                id="ended-before-requested",
            ),
            pytest.param(
                {"decision_sent": "2025-03-10", "declined_on": "2025-03-09"},
                "declined_on .* is before decision_sent",
                id="declined-before-decision",
            ),
        ],
    )
    def test_impossible_order_is_an_error(self, dates: dict[str, str], message: str) -> None:
        """Two dates in an impossible order raise DateInputError naming both."""
        with pytest.raises(DateInputError, match=message):
            compute_timeline(TimelineDates(**{k: D(v) for k, v in dates.items()}))

    def test_same_day_agreement_is_fine(self) -> None:
        """An agreement made on the day mediation ended is in order."""
        timeline = compute_timeline(
            TimelineDates(mediation_ended=D("2025-03-10"), agreement_date=D("2025-03-10"))
        )
        assert timeline["agreement_actions_due"].date == D("2025-03-24")

    def test_before_the_2014_regime_warns(self) -> None:
        """A date before 1 September 2014 warns that the CFA 2014 rules may not apply."""
        timeline = compute_timeline(TimelineDates(decision_sent=D("2014-08-29")))
        assert all(any("1 September 2014" in w for w in d.warnings) for d in timeline.values())

    def test_today_reaches_every_deadline(self) -> None:
        """'today' after every deadline gives each one a 'passed' warning."""
        timeline = compute_timeline(
            TimelineDates(decision_sent=D("2024-10-01"), today=D("2026-01-01"))
        )
        assert all(any("passed on" in w for w in d.warnings) for d in timeline.values())


class TestDeadlineJson:
    """Deadline.to_json: the CLI's JSON value."""

    def test_fields(self) -> None:
        """The JSON has the contract's date, rule, explanation and warnings, plus the extras."""
        value = appeal_deadline(D("2024-10-01"), certificate_issued=D("2024-11-29")).to_json()
        assert value["date"] == "2025-01-02"
        assert value["raw_date"] == "2024-12-29"
        assert value["date_text"] == "Thursday 2 January 2025"
        assert value["due_by"] == "17:00"
        assert value["act_by"] is None
        assert [r["id"] for r in value["rule"]] == ["T1", "T2", "T3"]
        assert value["rule"][0] == {
            "id": "T1",
            "title": "Start a SEN appeal (2-month limb)",
            "citation": "HESC Rules r.20(1)(c)(i)",
            "status": "VERIFIED",
        }
        assert isinstance(value["explanation"], list)
        assert value["warnings"] == []
        json.dumps(value)

    def test_deadline_is_frozen(self) -> None:
        """A Deadline cannot be changed after it is made."""
        deadline = appeal_deadline(D("2024-10-01"))
        with pytest.raises(AttributeError):
            deadline.date = D("2030-01-01")  # type: ignore[misc]


class TestPredictedBankHolidays:
    """Deadlines that depend on a year after the gov.uk list carry a note (issue 12 item 5)."""

    def test_appeal_in_a_predicted_year_is_noted(self) -> None:
        """Decision sent 1 Mar 2029: the appeal date depends on 2029's bank holidays, so it says so."""
        deadline = appeal_deadline(D("2029-03-01"))
        assert any("bank holidays of 2029" in n and f"ends with {LAST_PROCLAIMED_YEAR}" in n
                   for n in deadline.notes)
        assert deadline.notes[0] in deadline.warnings

    def test_appeal_rolled_into_a_predicted_year_is_noted(self) -> None:
        """Sent 1 Nov 2028: raw Mon 1 Jan 2029, moved to Tue 2 Jan 2029 by r.12(3)(a), so noted."""
        deadline = appeal_deadline(D("2028-11-01"))
        assert deadline.date == D("2029-01-02")
        assert any("bank holidays of 2029" in n for n in deadline.notes)

    def test_appeal_within_the_list_has_no_note(self) -> None:
        """Sent 24 Oct 2028: Sun 24 Dec 2028 -> Wed 27 Dec 2028, within the list: no prediction note."""
        deadline = appeal_deadline(D("2028-10-24"))
        assert deadline.date == D("2028-12-27")
        assert not any("predicted" in n for n in deadline.notes)

    def test_working_days_into_a_predicted_year_are_noted(self) -> None:
        """T7 from Thu 28 Dec 2028 runs over New Year 2029 to Wed 3 Jan 2029: noted."""
        deadline = statutory_deadline("T7", D("2028-12-28"), label="x", trigger="y")
        assert deadline.date == D("2029-01-03")
        assert any("bank holidays of 2029" in n for n in deadline.notes)
        inside = statutory_deadline("T7", D("2028-12-22"), label="x", trigger="y")
        assert inside.date == D("2028-12-29")
        assert inside.notes == ()

    def test_cli_shows_the_note(self, runner: CliRunner) -> None:
        """`medocs timeline --decision-sent 2029-03-01` warns that 2029's bank holidays are predicted."""
        from medocs.cli import main

        result = runner.invoke(main, ["timeline", "--decision-sent", "2029-03-01",
                                           "--today", "2029-03-01"])
        assert result.exit_code == 0
        assert "bank holidays of 2029" in result.output

    @settings(deadline=None)
    @given(st.dates(min_value=date(2026, 1, 1), max_value=date(2032, 12, 31)),
           st.one_of(st.none(), st.integers(0, 120)))
    def test_note_exactly_when_a_later_year_is_involved(self, sent: date, days: int | None) -> None:
        """The prediction note is there exactly when the raw or final date is after the list."""
        certificate = None if days is None else sent + timedelta(days=days)
        deadline = appeal_deadline(sent, certificate_issued=certificate)
        predicted = max(deadline.date, deadline.raw_date).year > LAST_PROCLAIMED_YEAR
        assert any("predicted" in n for n in deadline.notes) == predicted


class TestCertificateLimbAlone:
    """The certificate date alone gives the certificate limb (issue 12 item 3)."""

    @settings(deadline=None)  # the first call loads the holiday tables
    @given(DATES, st.integers(0, 120))
    def test_never_later_than_the_full_deadline(self, sent: date, days: int) -> None:
        """Whatever the decision date, the certificate limb alone is never after the full deadline."""
        certificate = sent + timedelta(days=days)
        alone = compute_timeline(TimelineDates(certificate_issued=certificate))
        full = appeal_deadline(sent, certificate_issued=certificate)
        deadline = alone["appeal_deadline_certificate_only"]
        assert deadline.date <= full.date
        assert any("--decision-sent" in w for w in deadline.warnings)

    @settings(deadline=None)
    @given(DATES)
    def test_every_single_date_gives_a_deadline(self, day: date) -> None:
        """Each event date alone gives at least one deadline."""
        for name in TimelineDates.__dataclass_fields__:
            if name != "today":
                assert compute_timeline(TimelineDates(**{name: day}))
