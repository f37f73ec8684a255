"""Pure date arithmetic: calendar months, working days and England-and-Wales bank holidays.

A working day is Monday to Friday and not Christmas Day, Good Friday or a bank holiday in
England and Wales (HESC Rules r.1(3); the SEND Regulations 2014 define no working day, so the
same formula is used for them: RULES.md §0.2, a documented assumption).
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from functools import cache
from importlib.metadata import version

import holidays

__all__ = [
    "HOLIDAYS_DATA_VERSION",
    "LAST_PROCLAIMED_YEAR",
    "add_months",
    "add_working_days",
    "bank_holiday_name",
    "bank_holidays",
    "first_working_day_after",
    "is_working_day",
    "next_working_day",
    "previous_working_day",
]

HOLIDAYS_DATA_VERSION: str = version("holidays")
# The last year of the gov.uk England-and-Wales list that the tests cross-check the holidays
# package against (the govuk-bank-holidays snapshot; RULES.md §5). Later years' bank holidays
# are predictions: a proclamation can add or move one (as in 2020, 2022 and 2023). The one
# place this year is written; tests/test_workdays.py checks it against the snapshot.
LAST_PROCLAIMED_YEAR = 2028
_ONE_DAY = timedelta(days=1)


@cache
def _holidays_in(year: int) -> dict[date, str]:
    # subdiv="ENG" matters: without it Easter Monday and the Summer bank holiday are missing.
    calendar_ = holidays.country_holidays("GB", subdiv="ENG", years=year)
    return {day: str(name) for day, name in calendar_.items() if day.year == year}


def bank_holidays(year: int) -> frozenset[date]:
    """Return the England-and-Wales bank holidays, Christmas Day and Good Friday of a year.

    Args:
        year: the calendar year.

    Returns:
        The set of days. It may include the weekend date of a holiday whose substitute day
        is also listed; that makes no difference to working-day arithmetic.
    """
    return frozenset(_holidays_in(year))


def bank_holiday_name(day: date) -> str | None:
    """Return the holiday's name if ``day`` is a bank holiday in England and Wales, else None."""
    return _holidays_in(day.year).get(day)


def is_working_day(day: date) -> bool:
    """Return True when ``day`` is Monday to Friday and not a bank holiday in England and Wales."""
    return day.weekday() < 5 and day not in _holidays_in(day.year)


def add_months(start: date, months: int) -> date:
    """Add calendar months by the corresponding-date rule (Dodds v Walker [1981]).

    The period ends on the day of the later month with the same number as ``start``; where
    that month is too short, on its last day. 31 December + 2 months = 28 (or 29) February;
    28 February + 1 month = 28 March.

    Args:
        start: the day of the event (excluded from the count, G2).
        months: how many calendar months; may be negative.

    Returns:
        The last day of the period.
    """
    year, month0 = divmod(start.year * 12 + start.month - 1 + months, 12)
    day = start.day
    if day > 28:  # only the 29th-31st can be missing from the later month (G4)
        day = min(day, calendar.monthrange(year, month0 + 1)[1])
    return date(year, month0 + 1, day)


def add_working_days(start: date, days: int) -> date:
    """Count ``days`` working days after ``start``, not counting ``start`` itself.

    With a negative ``days`` it counts back: -5 gives the fifth working day before ``start``.

    Args:
        start: the day of the event.
        days: how many working days.

    Returns:
        The working day on which the period ends (``start`` itself when ``days`` is 0).
    """
    step = _ONE_DAY if days >= 0 else -_ONE_DAY
    remaining = abs(days)
    day = start
    while remaining:
        day += step
        if is_working_day(day):
            remaining -= 1
    return day


def next_working_day(day: date) -> date:
    """Return ``day`` if it is a working day, else the first working day after it."""
    while not is_working_day(day):
        day += _ONE_DAY
    return day


def previous_working_day(day: date) -> date:
    """Return ``day`` if it is a working day, else the last working day before it."""
    while not is_working_day(day):
        day -= _ONE_DAY
    return day


def first_working_day_after(day: date) -> date:
    """Return the first working day strictly after ``day``."""
    return next_working_day(day + _ONE_DAY)
