"""Dates for people: parse what users type, format what they read (Babel, en_GB)."""

from __future__ import annotations

import re
from datetime import date, datetime

from babel.dates import get_day_names, get_month_names

from medocs.errors import DateInputError

__all__ = [
    "EARLIEST",
    "LATEST",
    "impossible_date",
    "in_range",
    "long_date",
    "parse_date",
    "plain_date",
]

EARLIEST = date(2000, 1, 1)
LATEST = date(2099, 12, 31)
_LOCALE = "en_GB"
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_PARTS = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_UK_NUMERIC = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$")
_EXAMPLE = "a date like 2025-03-01"


# Babel's en_GB names, read once. Formatting from them gives exactly what
# format_date(day, "EEEE d MMMM y", locale="en_GB") gives (tests/test_dates.py checks this)
# at a fraction of the cost: the timeline formats several dates per deadline.
_DAY_NAMES = tuple(get_day_names("wide", locale=_LOCALE)[i] for i in range(7))
_MONTH_NAMES = ("", *(get_month_names("wide", locale=_LOCALE)[i] for i in range(1, 13)))


def long_date(day: date) -> str:
    """Format a date with its weekday for a deadline: 'Monday 2 December 2024'."""
    return f"{_DAY_NAMES[day.weekday()]} {day.day} {_MONTH_NAMES[day.month]} {day.year}"


def plain_date(day: date) -> str:
    """Format a date as GOV.UK style asks: '2 December 2024' (no ordinal, no leading zero)."""
    return f"{day.day} {_MONTH_NAMES[day.month]} {day.year}"


def parse_date(value: object, *, field: str, day_first_forms: bool = False) -> date:
    """Read a date given as a ``date``, an ISO string or (if allowed) a UK day-first form.

    Args:
        value: what the user gave.
        field: the option or field name, for the message.
        day_first_forms: also accept '1/3/2025' and '1 March 2025' (always day first).

    Returns:
        The date.

    Raises:
        DateInputError: naming ``field``, what was expected and what was found.
    """
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return in_range(value, field)
    text = str(value).strip()
    expected = _EXAMPLE + (", 1/3/2025 or 1 March 2025" if day_first_forms else "")
    parsed: date | None = None
    try:
        if _ISO.match(text):
            parsed = date.fromisoformat(text)
        elif day_first_forms and (match := _UK_NUMERIC.match(text)):
            parsed = date(int(match[3]), int(match[2]), int(match[1]))
        elif day_first_forms:
            parsed = datetime.strptime(text, "%d %B %Y").date()  # noqa: DTZ007 - a date only
    except ValueError:
        parsed = None
    if parsed is None:
        reason = impossible_date(text, day_first_forms=day_first_forms)
        msg = (f"{field} {text!r} is not a real date: {reason}" if reason
               else f"{field} must be {expected} (got {text!r})")
        raise DateInputError(msg)
    return in_range(parsed, field)


def impossible_date(text: str, *, day_first_forms: bool = True) -> str | None:
    """Why a date written in a known form does not exist: 'February 2024 has 29 days'.

    Args:
        text: what was typed, such as '2024-02-30' or '31/2/2024'.
        day_first_forms: also read '31/2/2024' (always day first).

    Returns:
        The reason, or None if ``text`` is not in a known form or is a real date.
    """
    text = text.strip()
    if match := _ISO_PARTS.match(text):
        year, month, day = (int(part) for part in match.groups())
        hint = ""
    elif day_first_forms and (match := _UK_NUMERIC.match(text)):
        day, month, year = int(match[1]), int(match[2]), int(match[3])
        hint = " (dates are day first)"
    else:
        return None
    if not 1 <= month <= 12:
        return f"there is no month {month}{hint}"
    if not 1 <= year <= 9998:
        return None
    last = ((date(year + month // 12, month % 12 + 1, 1)) - date(year, month, 1)).days
    if 1 <= day <= last:
        return None
    return f"{_MONTH_NAMES[month]} {year} has {last} days"


def in_range(day: date, field: str) -> date:
    """Return ``day`` if it is within the years medocs handles, else raise DateInputError naming ``field``."""
    if not EARLIEST <= day <= LATEST:
        msg = f"{field} must be between {EARLIEST.isoformat()} and {LATEST.isoformat()} (got {day})"
        raise DateInputError(msg)
    return day
