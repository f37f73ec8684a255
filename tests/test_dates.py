"""Tests for medocs.timeline.dates: reading what users type and formatting dates for people."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from babel.dates import format_date
from hypothesis import given
from hypothesis import strategies as st

from medocs.errors import DateInputError, MedocsError
from medocs.timeline.dates import EARLIEST, LATEST, long_date, parse_date, plain_date


class TestFormatting:
    """long_date and plain_date: en_GB, no ordinals, no leading zeros."""

    def test_long_date_has_the_weekday(self) -> None:
        """long_date gives 'Monday 2 December 2024'."""
        assert long_date(date(2024, 12, 2)) == "Monday 2 December 2024"

    def test_plain_date_has_no_weekday(self) -> None:
        """plain_date gives '2 January 2025'."""
        assert plain_date(date(2025, 1, 2)) == "2 January 2025"

    def test_leap_day(self) -> None:
        """29 February 2028 is a Tuesday."""
        assert long_date(date(2028, 2, 29)) == "Tuesday 29 February 2028"

    def test_same_as_babel_for_a_decade(self) -> None:
        """For every day of 2020-2029 both formats equal Babel's en_GB format_date."""
        days = [date(2020, 1, 1) + timedelta(days=i) for i in range(3653)]
        assert [long_date(d) for d in days] == [
            format_date(d, "EEEE d MMMM y", locale="en_GB") for d in days
        ]
        assert [plain_date(d) for d in days] == [format_date(d, "d MMMM y", locale="en_GB") for d in days]

    @given(st.dates(min_value=EARLIEST, max_value=LATEST))
    def test_same_as_babel(self, day: date) -> None:
        """For any supported date both formats equal Babel's en_GB format_date."""
        assert long_date(day) == format_date(day, "EEEE d MMMM y", locale="en_GB")
        assert plain_date(day) == format_date(day, "d MMMM y", locale="en_GB")


class TestParseDate:
    """parse_date: ISO strings and date objects; day-first forms only when allowed."""

    def test_iso_string(self) -> None:
        """An ISO string becomes a date."""
        assert parse_date("2024-10-01", field="--decision-sent") == date(2024, 10, 1)

    def test_surrounding_spaces(self) -> None:
        """Leading and trailing spaces are ignored."""
        assert parse_date(" 2024-10-01 ", field="x") == date(2024, 10, 1)

    def test_date_object(self) -> None:
        """A date passes through unchanged."""
        assert parse_date(date(2024, 2, 29), field="x") == date(2024, 2, 29)

    def test_datetime_object(self) -> None:
        """A datetime gives its date."""
        assert parse_date(datetime(2024, 2, 29, 13, 5), field="x") == date(2024, 2, 29)  # noqa: DTZ001

    @pytest.mark.parametrize(
        "text",
        [
            pytest.param("2025-02-30", id="feb-30"),
            pytest.param("2025-02-29", id="feb-29-non-leap"),
            pytest.param("2025-13-01", id="month-13"),
            pytest.param("2025-04-31", id="apr-31"),
        ],
    )
    def test_impossible_date_names_the_field(self, text: str) -> None:
        """An impossible date raises DateInputError naming the field, what was given and why."""
        with pytest.raises(DateInputError, match=rf"^--decision-sent '{text}' is not a real date: "):
            parse_date(text, field="--decision-sent")

    @pytest.mark.parametrize(
        "text",
        [
            pytest.param("01/10/2024", id="slashes-not-allowed"),
            pytest.param("1 October 2024", id="words-not-allowed"),
            pytest.param("2024-1-5", id="no-leading-zeros"),
            pytest.param("tomorrow", id="word"),
            pytest.param("", id="empty"),
        ],
    )
    def test_malformed_date(self, text: str) -> None:
        """Anything but YYYY-MM-DD is refused when day-first forms are not allowed."""
        with pytest.raises(DateInputError, match="must be a date like 2025-03-01"):
            parse_date(text, field="--certificate-issued")

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            pytest.param("1/3/2025", date(2025, 3, 1), id="day-first-slashes"),
            pytest.param("01.03.2025", date(2025, 3, 1), id="day-first-dots"),
            pytest.param("1 March 2025", date(2025, 3, 1), id="words"),
            pytest.param("2025-03-01", date(2025, 3, 1), id="iso-still-works"),
        ],
    )
    def test_day_first_forms(self, text: str, expected: date) -> None:
        """With day_first_forms, UK day-first dates are read day first."""
        assert parse_date(text, field="decision_sent", day_first_forms=True) == expected

    def test_day_first_impossible(self) -> None:
        """31/2/2025 is impossible even in day-first form."""
        with pytest.raises(DateInputError, match="decision_sent"):
            parse_date("31/2/2025", field="decision_sent", day_first_forms=True)

    @pytest.mark.parametrize("text", ["1999-12-31", "2100-01-01"])
    def test_out_of_range(self, text: str) -> None:
        """Dates outside 2000-2099 are refused with the range in the message."""
        with pytest.raises(DateInputError, match=f"between {EARLIEST} and {LATEST}"):
            parse_date(text, field="x")

    def test_error_is_a_value_error_and_a_medocs_error(self) -> None:
        """DateInputError can be caught as ValueError or as MedocsError."""
        with pytest.raises(ValueError, match="x must be"):
            parse_date("nope", field="x")
        assert issubclass(DateInputError, MedocsError)
