"""A statutory deadline: the end of a rule's period from an event, adjusted and explained.

``Deadline`` is what every deadline function returns: the statutory (raw) date, the final date
after any adjustment the law allows, the rules applied, plain-English steps showing how the
date was reached, and warnings. Library code never reads the clock: ``today`` is a parameter.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from medocs.timeline.dates import in_range, long_date, plain_date
from medocs.timeline.rules import Counting, Rule, Status, rule
from medocs.timeline.workdays import (
    LAST_PROCLAIMED_YEAR,
    add_months,
    add_working_days,
    bank_holiday_name,
    is_working_day,
    previous_working_day,
)

_Date = date  # Deadline has a field called "date"


@dataclass(frozen=True, slots=True)
class Deadline:
    """A computed deadline and how it was reached.

    ``date`` is the day to act by; ``raw_date`` the end of the statutory period before any
    adjustment. ``due_by`` is a time of day where the rules set one (the Tribunal's 5pm).
    ``act_by`` is advice only: the last working day on or before ``date``. ``notes`` are the
    warnings about the case's own dates (true whatever day it is today): a document that
    states the date states them too. ``warnings`` holds them as well, with the rest.
    """

    label: str
    date: _Date
    raw_date: _Date
    rule: tuple[Rule, ...]
    explanation: tuple[str, ...]
    warnings: tuple[str, ...] = ()
    due_by: str | None = None
    act_by: _Date | None = None
    notes: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """The JSON form used by ``medocs timeline --json`` (a CLI contract)."""
        return {
            "label": self.label,
            "date": self.date.isoformat(),
            "raw_date": self.raw_date.isoformat(),
            "date_text": long_date(self.date),
            "due_by": self.due_by,
            "act_by": self.act_by.isoformat() if self.act_by else None,
            "rule": [
                {"id": r.id, "title": r.title, "citation": r.citation, "status": r.status.value}
                for r in self.rule
            ],
            "explanation": list(self.explanation),
            "warnings": list(self.warnings),
            "notes": list(self.notes),
        }


# Christmas Day and Good Friday are common-law holidays, not bank holidays under the Banking
# and Financial Dealings Act 1971; working-day definitions list them separately (RULES.md).
_COMMON_LAW_HOLIDAYS = frozenset({"Christmas Day", "Good Friday"})


def _why_not_working(day: date) -> str:
    """'is a Sunday', 'is Easter Monday, a bank holiday' or 'is Good Friday, a public holiday'."""
    if day.weekday() >= 5:
        return f"is a {day.strftime('%A')}"
    name = bank_holiday_name(day) or "a holiday"
    if name.endswith(" (observed)"):
        return f"is a bank holiday (the substitute day for {name.removesuffix(' (observed)')})"
    if name in _COMMON_LAW_HOLIDAYS:
        return f"is {name}, a public holiday"
    return f"is {name}" if "holiday" in name.lower() else f"is {name}, a bank holiday"


def _in_christmas_window(day: date) -> bool:
    return (day.month == 12 and day.day >= 25) or (day.month == 1 and day.day == 1)


def _months_step(
    start: date, months: int, end: date, citation: str, what: str | None = None
) -> list[str]:
    unit = "month" if months == 1 else "months"
    after = f"{what} {plain_date(start)}. {months} calendar {unit} after that" if what else (
        f"{months} calendar {unit} after {plain_date(start)}"
    )
    steps = [f"{after} ends on {long_date(end)} ({citation})."]
    if end.day != start.day:
        steps.append(
            f"{end.strftime('%B %Y')} has no day {start.day}, so the period ends on the last "
            f"day of that month (the corresponding-date rule, Dodds v Walker [1981])."
        )
    return steps


def _skipped_holidays(start: date, end: date) -> list[str]:
    day, names = start + timedelta(days=1), []
    while day < end:
        if day.weekday() < 5 and not is_working_day(day):
            names.append(f"{long_date(day)} {_why_not_working(day)}, so it does not count.")
        day += timedelta(days=1)
    return names


def _period_end(r: Rule, start: date, period_index: int) -> tuple[date, str]:
    """End of a SEND Regulations period and the sentence that explains it."""
    period = r.periods[period_index]
    n, counting = period.amount, period.counting
    skipped = ""
    if counting is Counting.MONTHS:
        end = add_months(start, n)
        return end, " ".join(_months_step(start, n, end, r.citation))
    if counting is Counting.DAYS:
        end = start + timedelta(days=n)
        how = f"{n} days after {plain_date(start)}, not counting that day,"
    elif counting is Counting.WEEKS:
        end = start + timedelta(weeks=n)
        how = f"{n} weeks ({7 * n} days) after {plain_date(start)}"
    elif counting is Counting.WORKING_DAYS:
        end = add_working_days(start, n)
        skipped = " ".join(_skipped_holidays(start, end))
        how = f"{n} working days after {plain_date(start)} (not counting that day or weekends)"
    elif counting is Counting.DAYS_BEGINNING_WITH:
        end = start + timedelta(days=n - 1)
        how = f"{n} days beginning with {plain_date(start)} (that day counts)"
    elif counting is Counting.IMMEDIATELY:
        return start, f"This must be done immediately ({r.citation})."
    else:
        msg = f"rule {r.id} has no period that medocs can count"
        raise ValueError(msg)
    end_text = f"{how[0].upper()}{how[1:]} ends on {long_date(end)} ({r.citation})."
    if counting is Counting.WORKING_DAYS and skipped:
        return end, f"{end_text} {skipped}"
    return end, end_text


def _past_warning(final: date, today: date | None, extendable: bool) -> list[str]:
    if today is None or final >= today:
        return []
    extra = " The Tribunal can extend time: ask it to, giving your reasons." if extendable else ""
    return [f"This deadline passed on {long_date(final)} (today is {plain_date(today)}).{extra}"]


def _status_warnings(rules: tuple[Rule, ...]) -> list[str]:
    return [
        f"Rule {r.id} ({r.title}) rests on an unverified source: check it before relying on it."
        for r in rules
        if r.status is Status.UNVERIFIED
    ]


def _prediction_notes(*days: date) -> tuple[str, ...]:
    """A note when a deadline depends on bank holidays after the published gov.uk list."""
    year = max(day.year for day in days)
    if year <= LAST_PROCLAIMED_YEAR:
        return ()
    return (
        f"This date depends on the bank holidays of {year}. The published list ends with "
        f"{LAST_PROCLAIMED_YEAR}, so later bank holidays are predicted: a bank holiday "
        "proclaimed or moved later could change this date. Check it nearer the time.",
    )


def non_working_note(end: date, act_by: date) -> str:
    """The note for a deadline that stays on a non-working day: act by the day before."""
    return (f"{long_date(end)} is not a working day. To be safe, act by {long_date(act_by)}, "
            "the last working day before it.")


def statutory_deadline(
    rule_id: str,
    start: date,
    *,
    label: str,
    trigger: str,
    period_index: int = 0,
    today: date | None = None,
) -> Deadline:
    """Compute a deadline under the SEND Regulations (or the Code), which never moves.

    Args:
        rule_id: the rule, such as 'T7' or 'L5'.
        start: the day of the triggering event.
        label: what the deadline is for, as a person reads it.
        trigger: the event in words, such as 'The LA received the request on'.
        period_index: which of the rule's periods (reg 44 and 45 have several).
        today: the current date, for the 'already passed' warning.

    Returns:
        The deadline; on a weekend or holiday it stays there, with a warning and the last
        working day before it as advice (RULES.md G8).
    """
    in_range(start, "start")
    r = rule(rule_id)
    end, how = _period_end(r, start, period_index)
    steps = [f"{trigger} {long_date(start)}.", how]
    if r.note:
        steps.append(r.note)
    notes: list[str] = []
    act_by = None
    if not is_working_day(end):
        act_by = previous_working_day(end)
        why = _why_not_working(end)
        steps.append(
            f"{plain_date(end)} {why}. The regulations do not move this deadline, so it stays "
            f"on that day."
        )
        notes.append(non_working_note(end, act_by))
    notes += _prediction_notes(start, end)
    warnings = [*notes, *_past_warning(end, today, extendable=False), *_status_warnings((r,))]
    return Deadline(label, end, end, (r,), tuple(steps), tuple(warnings), None, act_by,
                    tuple(notes))
