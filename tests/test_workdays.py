"""Tests for medocs.timeline.workdays: calendar months, working days and bank holidays."""

from __future__ import annotations

import calendar
import json
from datetime import date, timedelta
from pathlib import Path

import govuk_bank_holidays
import pytest
from hypothesis import given
from hypothesis import strategies as st

from medocs.timeline.workdays import (
    LAST_PROCLAIMED_YEAR,
    add_months,
    add_working_days,
    bank_holiday_name,
    bank_holidays,
    first_working_day_after,
    is_working_day,
    next_working_day,
    previous_working_day,
)

D = date.fromisoformat
DATES = st.dates(min_value=date(2014, 1, 1), max_value=date(2028, 12, 31))

# The gov.uk feed as shipped inside the govuk-bank-holidays wheel: an independent source.
GOVUK_JSON = Path(govuk_bank_holidays.__file__).parent / "bank-holidays.json"
FIRST_YEAR, LAST_YEAR = 2014, LAST_PROCLAIMED_YEAR


def _govuk_england_and_wales() -> set[date]:
    data = json.loads(GOVUK_JSON.read_text(encoding="utf-8"))
    return {D(event["date"]) for event in data["england-and-wales"]["events"]}


GOVUK = {day for day in _govuk_england_and_wales() if FIRST_YEAR <= day.year <= LAST_YEAR}


class TestIsWorkingDay:
    """is_working_day: Monday-Friday, not Christmas Day, Good Friday or an E&W bank holiday."""

    @pytest.mark.parametrize(
        "day",
        [
            pytest.param("2025-12-25", id="christmas-day"),
            pytest.param("2025-12-26", id="boxing-day"),
            pytest.param("2025-01-01", id="new-years-day"),
            pytest.param("2025-04-18", id="good-friday"),
            pytest.param("2025-04-21", id="easter-monday"),
            pytest.param("2025-05-05", id="early-may"),
            pytest.param("2025-05-26", id="spring"),
            pytest.param("2025-08-25", id="summer-england-last-monday"),
            pytest.param("2022-09-19", id="state-funeral-2022"),
            pytest.param("2023-05-08", id="coronation-2023"),
            pytest.param("2022-06-03", id="platinum-jubilee-2022"),
            pytest.param("2020-05-08", id="ve-day-2020"),
            pytest.param("2022-12-27", id="christmas-substitute-2022"),
            pytest.param("2026-12-28", id="boxing-day-substitute-2026"),
            pytest.param("2027-12-27", id="christmas-substitute-2027"),
            pytest.param("2027-12-28", id="boxing-day-substitute-2027"),
            pytest.param("2028-01-03", id="new-year-substitute-2028"),
            pytest.param("2025-03-01", id="saturday"),
            pytest.param("2025-03-02", id="sunday"),
        ],
    )
    def test_non_working_days(self, day: str) -> None:
        """Weekends, common-law holidays, bank holidays and substitute days are not working days."""
        assert not is_working_day(D(day))

    @pytest.mark.parametrize(
        "day",
        [
            pytest.param("2025-12-24", id="christmas-eve"),
            pytest.param("2025-12-29", id="between-christmas-and-new-year"),
            pytest.param("2026-01-02", id="jan-2-england"),
            pytest.param("2025-08-04", id="first-monday-august-scotland-only"),
            pytest.param("2025-04-17", id="maundy-thursday"),
            pytest.param("2025-04-22", id="easter-tuesday"),
            pytest.param("2022-09-20", id="day-after-state-funeral"),
            pytest.param("2023-05-09", id="day-after-coronation"),
            pytest.param("2025-03-17", id="st-patricks-day-ni-only"),
            pytest.param("2026-11-30", id="st-andrews-day-scotland-only"),
        ],
    )
    def test_working_days(self, day: str) -> None:
        """Ordinary weekdays, and holidays of Scotland or Northern Ireland only, are working days."""
        assert is_working_day(D(day))


class TestBankHolidaysAgainstGovUk:
    """The bank holidays agree with the gov.uk England-and-Wales list for 2014-2028."""

    def test_snapshot_covers_the_years(self) -> None:
        """The gov.uk snapshot holds 8 or more events in every year from 2014 to 2028."""
        years = {day.year for day in GOVUK}
        assert years == set(range(FIRST_YEAR, LAST_YEAR + 1))
        assert all(sum(day.year == y for day in GOVUK) >= 8 for y in years)

    @pytest.mark.parametrize("year", range(FIRST_YEAR, LAST_YEAR + 1))
    def test_every_govuk_date_is_a_non_working_day(self, year: int) -> None:
        """Every gov.uk England-and-Wales date of the year is a non-working day in medocs."""
        missing = sorted(day for day in GOVUK if day.year == year and is_working_day(day))
        assert missing == []

    @pytest.mark.parametrize("year", range(FIRST_YEAR, LAST_YEAR + 1))
    def test_every_weekday_holiday_is_on_govuk(self, year: int) -> None:
        """Every weekday holiday medocs reports for the year is on the gov.uk list."""
        extra = sorted(day for day in bank_holidays(year) if day.weekday() < 5 and day not in GOVUK)
        assert extra == []

    @pytest.mark.parametrize("year", range(FIRST_YEAR, LAST_YEAR + 1))
    def test_weekday_non_working_days_are_exactly_govuk(self, year: int) -> None:
        """Walking the whole year, the weekdays that are not working days are exactly gov.uk's."""
        start = date(year, 1, 1)
        days = [start + timedelta(days=i) for i in range(366) if (start + timedelta(days=i)).year == year]
        closed = {day for day in days if day.weekday() < 5 and not is_working_day(day)}
        assert closed == {day for day in GOVUK if day.year == year}


class TestBankHolidayName:
    """bank_holiday_name: the holiday's name, or None."""

    def test_one_off_days_are_named(self) -> None:
        """The 2022 State Funeral and 2023 Coronation days carry their names."""
        assert "Funeral" in (bank_holiday_name(D("2022-09-19")) or "")
        assert "Coronation" in (bank_holiday_name(D("2023-05-08")) or "")

    def test_ordinary_day_has_no_name(self) -> None:
        """An ordinary working day has no holiday name."""
        assert bank_holiday_name(D("2025-03-04")) is None


class TestAddMonths:
    """add_months: the corresponding-date rule with month-end fallback (Dodds v Walker)."""

    @pytest.mark.parametrize(
        ("start", "months", "expected"),
        [
            pytest.param("2024-12-31", 2, "2025-02-28", id="dec31-to-feb28"),
            pytest.param("2023-12-31", 2, "2024-02-29", id="dec31-to-feb29-leap-2024"),
            pytest.param("2027-12-31", 2, "2028-02-29", id="dec31-to-feb29-leap-2028"),
            pytest.param("2025-08-31", 1, "2025-09-30", id="aug31-to-sep30"),
            pytest.param("2025-01-31", 1, "2025-02-28", id="jan31-to-feb28"),
            pytest.param("2025-02-28", 1, "2025-03-28", id="feb28-to-mar28-not-month-end"),
            pytest.param("2024-02-29", 12, "2025-02-28", id="leap-day-plus-a-year"),
            pytest.param("2024-09-30", 4, "2025-01-30", id="dodds-v-walker-sep30-plus-4"),
            pytest.param("2025-10-31", 2, "2025-12-31", id="oct31-to-dec31"),
            pytest.param("2025-11-15", 2, "2026-01-15", id="across-the-year-end"),
            pytest.param("2025-03-31", -1, "2025-02-28", id="negative-clips"),
            pytest.param("2025-03-15", 0, "2025-03-15", id="zero"),
        ],
    )
    def test_examples(self, start: str, months: int, expected: str) -> None:
        """Hand-checked month arithmetic, including clipping and leap years."""
        assert add_months(D(start), months) == D(expected)

    @given(DATES, st.integers(min_value=-24, max_value=24))
    def test_never_overflows_and_keeps_the_day(self, start: date, months: int) -> None:
        """The result is in the right month, keeps the day when it exists, else is the last day."""
        end = add_months(start, months)
        assert end.year * 12 + end.month == start.year * 12 + start.month + months
        last = calendar.monthrange(end.year, end.month)[1]
        assert end.day == min(start.day, last)

    @given(DATES, DATES, st.integers(min_value=0, max_value=24))
    def test_monotonic_in_the_start(self, first: date, second: date, months: int) -> None:
        """A later start never gives an earlier end."""
        early, late = sorted((first, second))
        assert add_months(early, months) <= add_months(late, months)


class TestAddWorkingDays:
    """add_working_days: count working days after the start, not counting the start."""

    @pytest.mark.parametrize(
        ("start", "days", "expected"),
        [
            pytest.param("2024-12-24", 3, "2024-12-31", id="christmas-2024"),
            pytest.param("2022-12-22", 3, "2022-12-29", id="christmas-2022-substitute"),
            pytest.param("2027-12-22", 3, "2027-12-29", id="christmas-2027-substitutes"),
            pytest.param("2025-04-17", 3, "2025-04-24", id="easter-2025"),
            pytest.param("2025-03-07", 1, "2025-03-10", id="friday-to-monday"),
            pytest.param("2025-03-01", 1, "2025-03-03", id="from-a-saturday"),
            pytest.param("2025-03-05", 0, "2025-03-05", id="zero"),
            pytest.param("2025-03-02", 0, "2025-03-02", id="zero-on-a-sunday"),
            pytest.param("2025-04-22", -1, "2025-04-17", id="back-over-easter"),
            pytest.param("2023-05-12", -5, "2023-05-04", id="back-over-coronation"),
        ],
    )
    def test_examples(self, start: str, days: int, expected: str) -> None:
        """Hand-checked working-day counts across weekends and holidays, forwards and back."""
        assert add_working_days(D(start), days) == D(expected)

    @given(DATES, st.integers(min_value=1, max_value=30))
    def test_lands_on_a_working_day_after_the_start(self, start: date, days: int) -> None:
        """For n > 0 the end is a working day after the start, with n working days in between."""
        end = add_working_days(start, days)
        assert end > start
        assert is_working_day(end)
        span = [start + timedelta(days=i) for i in range(1, (end - start).days + 1)]
        assert sum(is_working_day(day) for day in span) == days

    @given(DATES, st.integers(min_value=1, max_value=30))
    def test_backwards_lands_on_a_working_day_before(self, start: date, days: int) -> None:
        """For n < 0 the end is a working day before the start."""
        end = add_working_days(start, -days)
        assert end < start
        assert is_working_day(end)


class TestNeighbouringWorkingDays:
    """next_working_day, previous_working_day and first_working_day_after."""

    def test_next_working_day_over_christmas_2022(self) -> None:
        """Sat 24 Dec 2022 moves past Sunday, Boxing Day and the substitute day to Wed 28 Dec."""
        assert next_working_day(D("2022-12-24")) == D("2022-12-28")

    def test_next_working_day_keeps_a_working_day(self) -> None:
        """A working day is its own next working day."""
        assert next_working_day(D("2025-03-04")) == D("2025-03-04")

    def test_previous_working_day_before_spring_bank_holiday(self) -> None:
        """Mon 26 May 2025 (Spring bank holiday) goes back to Fri 23 May 2025."""
        assert previous_working_day(D("2025-05-26")) == D("2025-05-23")

    def test_first_working_day_after_is_strictly_after(self) -> None:
        """The first working day after a working day is the next one, not the day itself."""
        assert first_working_day_after(D("2025-03-04")) == D("2025-03-05")

    def test_first_working_day_after_new_year_2028(self) -> None:
        """After Sat 1 Jan 2028 come Sunday and the Monday substitute day: Tue 4 Jan 2028."""
        assert first_working_day_after(D("2028-01-01")) == D("2028-01-04")

    @given(DATES)
    def test_next_and_previous_are_working_days(self, day: date) -> None:
        """next_working_day is on or after, previous_working_day on or before, both working."""
        after, before = next_working_day(day), previous_working_day(day)
        assert before <= day <= after
        assert is_working_day(after)
        assert is_working_day(before)


class TestLastProclaimedYear:
    """The last year of the gov.uk list is written once, and matches the snapshot (issue 12 item 5)."""

    def test_matches_the_govuk_snapshot(self) -> None:
        """LAST_PROCLAIMED_YEAR is the last year with events in the gov.uk England-and-Wales list."""
        assert max(day.year for day in _govuk_england_and_wales()) == LAST_PROCLAIMED_YEAR == LAST_YEAR
