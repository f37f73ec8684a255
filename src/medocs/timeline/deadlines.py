"""Compute the deadlines of SEND mediation and appeals, each with its explanation.

Every function returns a ``Deadline``: the statutory (raw) date, the final date after any
adjustment the law allows, the rules applied, plain-English steps showing how the date was
reached, and warnings. Library code never reads the clock: ``today`` is a parameter.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from medocs.errors import DateInputError
from medocs.timeline.dates import EARLIEST, LATEST, in_range, long_date, plain_date
from medocs.timeline.order import order_problem
from medocs.timeline.rules import Counting, Period, Rule, Status, rule
from medocs.timeline.workdays import (
    LAST_PROCLAIMED_YEAR,
    add_months,
    add_working_days,
    bank_holiday_name,
    first_working_day_after,
    is_working_day,
    next_working_day,
    previous_working_day,
)

__all__ = [
    "DEADLINES",
    "Deadline",
    "DeadlineSpec",
    "TimelineDates",
    "adviser_contact_deadline",
    "agreement_action_deadline",
    "appeal_deadline",
    "appeal_deadline_before_certificate",
    "certificate_limb_deadline",
    "compute_timeline",
    "late_certificate_note",
    "late_contact_note",
    "non_working_note",
    "named_deadline",
    "reg44_period",
    "statutory_deadline",
]

_Date = date  # Deadline has a field called "date"

# The CFA 2014 regime began on 1 September 2014 (RULES.md §5, relevant period).
_REGIME_START = date(2014, 9, 1)


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


def appeal_deadline(
    decision_sent: date, *, certificate_issued: date | None = None, today: date | None = None
) -> Deadline:
    """The last day to start a SEN appeal (HESC Rules r.20(1)(c), r.12(2), r.12(3)(a)).

    The later of 2 months after the decision letter was sent and 1 month from the date of issue
    of the mediation certificate; then the Christmas/August rule, or else the next working day.

    Args:
        decision_sent: the date the written notice of the decision was sent.
        certificate_issued: the date of issue of the mediation certificate, if any.
        today: the current date, for the 'already passed' warning.

    Returns:
        The deadline, due by 5pm on its date.

    Raises:
        DateInputError: if the certificate was issued before the decision was sent.
    """
    # Range checks inline: this function is the benchmark's hot path (100,000 a second).
    if not EARLIEST <= decision_sent <= LATEST:
        in_range(decision_sent, "decision_sent")
    if certificate_issued is not None and not EARLIEST <= certificate_issued <= LATEST:
        in_range(certificate_issued, "certificate_issued")
    if certificate_issued is not None and certificate_issued < decision_sent:
        msg = (
            f"certificate_issued ({certificate_issued}) is before the decision was sent "
            f"({decision_sent}): a certificate follows the decision"
        )
        raise DateInputError(msg)
    return _appeal(decision_sent, certificate_issued, _CERTIFICATE_ISSUED, today)


def appeal_deadline_before_certificate(
    decision_sent: date, *, letter_date: date, today: date | None = None
) -> Deadline:
    """The appeal date a letter may state before the mediation certificate exists.

    HESC r.20(1)(c)(ii) counts one month from the date the certificate *is* issued, and an
    adviser may issue it on the day they are asked. A letter must never state a later date
    than the one that then holds (RULES.md, third check), so this is the date for a
    certificate issued on ``letter_date``; a later certificate can only move it later.

    Args:
        decision_sent: the date the written notice of the decision was sent.
        letter_date: the date of the letter that asks for the certificate.
        today: the current date, for the 'already passed' warning.

    Returns:
        The deadline, labelled and explained as depending on the certificate's date of issue.

    Raises:
        DateInputError: if the letter is dated before the decision was sent.
    """
    deadline = _appeal(decision_sent, letter_date, _CERTIFICATE_IF_TODAY, today)
    moves = (
        "The certificate has not been issued yet. Once it is, the appeal date is one month "
        "from its date of issue, or 2 months after the decision letter was sent if that is "
        "later, so the date can move later than this, never earlier."
    )
    return replace(
        deadline,
        label="Appeal to the Tribunal by, if the certificate is issued on the day of this letter",
        explanation=(*deadline.explanation, moves),
    )


def _appeal(
    decision_sent: date, certificate: date | None, certificate_words: str, today: date | None
) -> Deadline:
    two_months, steps = _appeal_limb(decision_sent, 2, _T1_CITATION, _SENT)
    raw, certificate_applies = two_months, False
    if certificate is not None:
        one_month, certificate_steps = _appeal_limb(certificate, 1, _T2_CITATION, certificate_words)
        if one_month > two_months:
            raw, certificate_applies = one_month, True
            steps += (*certificate_steps, _CERTIFICATE_LATER)
        else:
            steps += (*certificate_steps, _CERTIFICATE_NOT_LATER)
    final, adjusting_rule, adjusting_steps, notes = _appeal_adjustment(raw)
    rules, status_warnings = _appeal_rules(certificate_applies, adjusting_rule)
    warnings = (*notes, *_past_warning(final, today, extendable=True), *status_warnings)
    return Deadline(
        DEADLINES["appeal_deadline"].label, final, raw, rules, steps + adjusting_steps, warnings,
        "17:00", None, notes,
    )


# The pieces of an appeal deadline depend on one date (or a rule choice) each, so they are
# cached: benchmarks/bench_timeline.py needs 100,000 deadlines a second.
_T1_CITATION = "HESC Rules r.20(1)(c)(i)"
_T2_CITATION = "HESC Rules r.20(1)(c)(ii)"
_CERTIFICATE_ISSUED = "The mediation certificate was issued on"
_CERTIFICATE_IF_TODAY = (
    "If the mediation certificate is issued on the day of this letter, its date of issue is"
)
_CERTIFICATE_LATER = "That is later than the 2-month date, so the certificate date applies."
_CERTIFICATE_NOT_LATER = "That is not later than the 2-month date, so the 2-month date applies."
_RECEIVED_BY_5PM = (
    "The Tribunal must receive the appeal by 5pm on that day (HESC Rules r.12(1)). Only the "
    "Tribunal decides whether an appeal is in time."
)


@lru_cache(maxsize=32768)
def _appeal_limb(start: date, months: int, citation: str, what: str) -> tuple[date, tuple[str, ...]]:
    """The end of one limb of r.20(1)(c) and the steps that explain it."""
    end = add_months(start, months)
    return end, tuple(_months_step(start, months, end, citation, what))


@lru_cache(maxsize=8)
def _appeal_rules(certificate_applies: bool, adjusting_rule: str) -> tuple[tuple[Rule, ...], tuple[str, ...]]:
    """The rules an appeal deadline cites (T1, maybe T2, then T3 or T4) and their status warnings."""
    ids = ("T1", "T2") if certificate_applies else ("T1",)
    rules = tuple(rule(rule_id) for rule_id in (*ids, adjusting_rule) if rule_id)
    return rules, tuple(_status_warnings(rules))


@lru_cache(maxsize=32768)
def _appeal_adjustment(raw: date) -> tuple[date, str, tuple[str, ...], tuple[str, ...]]:
    """Apply r.12(3)(a) or r.12(2) to the raw date: the final date, the rule id ('' if none),
    the steps, and the notes a document must carry with the date."""
    final = raw
    adjusting_rule = ""
    steps: list[str] = []
    notes: list[str] = []
    if _in_christmas_window(raw) or raw.month == 8:
        boundary = date(raw.year if raw.month != 12 else raw.year + 1, 1, 1)
        if raw.month == 8:
            boundary = date(raw.year, 8, 31)
        final = first_working_day_after(boundary)
        window = "in August" if raw.month == 8 else "between 25 December and 1 January"
        steps.append(
            f"{plain_date(raw)} falls {window}, so the appeal is in time if it reaches the "
            f"Tribunal on the first working day after {boundary.day} {_MONTH[boundary.month]}: "
            f"{long_date(final)} (HESC Rules r.12(3)(a))."
        )
        adjusting_rule = "T3"
    elif not is_working_day(raw):
        final = next_working_day(raw)
        steps.append(
            f"{plain_date(raw)} {_why_not_working(raw)}, so the deadline moves to the next "
            f"working day, {long_date(final)} (HESC Rules r.12(2))."
        )
        adjusting_rule = "T4"
        if _in_christmas_window(final) or final.month == 8:
            # RULES.md (decisions): r.12(3)(a) applies where the time *ends* in the window;
            # r.12(2) does not move the end of the time. Point at no later date.
            period = "in August" if final.month == 8 else "between 25 December and 1 January"
            note = (
                f"{long_date(final)} is {period} only because {plain_date(raw)} is not a "
                f"working day. The Christmas and August rule does not apply, because the time "
                f"ended before that period. Do not rely on any date later than "
                f"{plain_date(final)}."
            )
            notes.append(note)
    steps.append(_RECEIVED_BY_5PM)
    notes += _prediction_notes(raw, final)
    return final, adjusting_rule, tuple(steps), tuple(notes)


_MONTH = {1: "January", 8: "August"}  # the two boundaries of r.12(3)(a)


def adviser_contact_deadline(decision_sent: date, *, today: date | None = None) -> Deadline:
    """The last day to contact the mediation adviser: 2 months after the letter was sent (reg 33)."""
    return named_deadline("adviser_contact_deadline", decision_sent, today=today)


@dataclass(frozen=True, slots=True)
class TimelineDates:
    """The event dates a timeline can start from; every one is optional."""

    decision_sent: date | None = None
    certificate_issued: date | None = None
    declined_on: date | None = None
    mediation_requested: date | None = None
    mediation_ended: date | None = None
    agreement_date: date | None = None
    request_received: date | None = None
    today: date | None = field(default=None, compare=False)

    def check_order(self) -> None:
        """Raise DateInputError when two dates are in an impossible order (``EVENT_ORDER``)."""
        problem = order_problem({f.name: getattr(self, f.name) for f in fields(self)})
        if problem is not None:
            raise DateInputError(problem)

    def given(self) -> list[str]:
        """The names of the event dates that were given."""
        return [f.name for f in fields(self) if f.name != "today" and getattr(self, f.name)]


@dataclass(frozen=True, slots=True)
class DeadlineSpec:
    """One named deadline: the rule that sets it, what it is for, and the event that starts it.

    ``key`` names it everywhere: in ``medocs timeline --json`` (a CLI contract for those a
    timeline computes), in the documents' code and in the batch's key-date columns.

    Attributes:
        key: the name.
        rule_id: the rule of ``rules.py``, such as 'T7'.
        label: what the deadline is for, as a person reads it ('... by').
        trigger: the starting event in words, followed by its date in the first step.
        by_letter: the same event when the letter being written is it (advocates' letters).
        starts: the ``TimelineDates`` field it counts from, if a timeline computes it.
    """

    key: str
    rule_id: str
    label: str
    trigger: str
    by_letter: str = ""
    starts: str = ""


_SENT = "The decision letter was sent on"
_AGREED = "The mediation agreement was made on"
_REQUESTED = "The LA received the request for an assessment on"
_WANTED = "The LA was told mediation is wanted on"
_WANTED_BY_LETTER = "The LA is told, by this letter, that mediation is wanted on"

# In the order of the CLI contract (ARCHITECTURE §3) for the keys a timeline computes.
DEADLINES: dict[str, DeadlineSpec] = {spec.key: spec for spec in (
    DeadlineSpec("appeal_deadline", "T1", "Appeal to the Tribunal by", _SENT,
                 starts="decision_sent"),
    DeadlineSpec("adviser_contact_deadline", "T6", "Contact the mediation adviser by", _SENT,
                 starts="decision_sent"),
    DeadlineSpec("decline_certificate_due", "T7", "Decline certificate to be issued by",
                 "The mediation adviser was told mediation is not wanted on",
                 "The mediation adviser is told, by this letter, that mediation is not wanted on",
                 starts="declined_on"),
    DeadlineSpec("mediation_certificate_due", "T15", "Mediation certificate to be issued by",
                 "Mediation ended on", starts="mediation_ended"),
    DeadlineSpec("mediation_arrange_by", "T12", "Mediation to be arranged by", _WANTED,
                 _WANTED_BY_LETTER, starts="mediation_requested"),
    DeadlineSpec("agreement_actions_due", "T17", "Agreed actions (no right of appeal) done by",
                 _AGREED, starts="agreement_date"),
    DeadlineSpec("assessment_decision_due", "L1", "Decision on the assessment request by",
                 _REQUESTED, starts="request_received"),
    DeadlineSpec("no_plan_decision_due", "L3", "Decision not to issue a plan by", _REQUESTED,
                 starts="request_received"),
    DeadlineSpec("final_plan_due", "L5", "Final EHC plan issued by", _REQUESTED,
                 starts="request_received"),
    # Deadlines the documents state that no timeline option starts.
    DeadlineSpec("deemed_certificate_due", "T13", "Certificate to be issued by",
                 "The LA told the mediation adviser it could not arrange mediation in time on",
                 "The mediation adviser is told, by this letter, that mediation was not "
                 "arranged in time, on"),
    DeadlineSpec("health_mediation_arrange_by", "T11", "Mediation to be arranged by", _WANTED,
                 _WANTED_BY_LETTER),
    DeadlineSpec("icb_notice_due", "T9", "LA to tell the ICB by",
                 "The LA was told of the wish to mediate, with health issues, on",
                 "The LA is told, by this letter, that mediation is wanted on"),
    DeadlineSpec("agreement_icb_notice_due", "T18", "ICB tells the LA by", _AGREED),
)}


def named_deadline(key: str, start: date, *, by_letter: bool = False,
                   today: date | None = None) -> Deadline:
    """The deadline called ``key`` in :data:`DEADLINES`, counted from ``start``.

    Args:
        key: a key of ``DEADLINES`` other than 'appeal_deadline' (see :func:`appeal_deadline`).
        start: the day of the starting event.
        by_letter: the letter being written is the starting event.
        today: the current date, for the 'already passed' warning.

    Raises:
        KeyError: for an unknown key.
        DateInputError: for a start date out of range.
    """
    spec = DEADLINES[key]
    trigger = spec.by_letter if by_letter and spec.by_letter else spec.trigger
    return statutory_deadline(spec.rule_id, start, label=spec.label, trigger=trigger, today=today)


def _timeline_deadline(spec: DeadlineSpec, dates: TimelineDates) -> Deadline:
    start = getattr(dates, spec.starts)
    if spec.key == "appeal_deadline":
        return appeal_deadline(start, certificate_issued=dates.certificate_issued, today=dates.today)
    return named_deadline(spec.key, start, today=dates.today)


def certificate_limb_deadline(certificate_issued: date, *, today: date | None = None) -> Deadline:
    """One month from the certificate's date of issue, when the decision date is not known.

    The appeal deadline is the later of this and 2 months after the decision letter was sent
    (HESC r.20(1)(c)), so this is the earliest it can be; the explanation and a warning say
    that the 2-month limb needs the decision date.
    """
    in_range(certificate_issued, "certificate_issued")
    raw, steps = _appeal_limb(certificate_issued, 1, _T2_CITATION, _CERTIFICATE_ISSUED)
    final, adjusting_rule, adjusting_steps, notes = _appeal_adjustment(raw)
    rules = tuple(rule(rule_id) for rule_id in ("T2", adjusting_rule) if rule_id)
    missing = (
        "This counts only from the certificate. The appeal deadline is this date or 2 months "
        "after the decision letter was sent, whichever is later: give the decision date "
        "(--decision-sent) to know it."
    )
    warnings = (missing, *notes, *_past_warning(final, today, extendable=True),
                *_status_warnings(rules))
    return Deadline(
        "Appeal to the Tribunal by (certificate limb only)", final, raw, rules,
        (*steps, *adjusting_steps), warnings, "17:00", None, (missing, *notes),
    )


def late_certificate_note(issued: date, due: Deadline) -> str | None:
    """The note for a certificate issued after its due date, or None if it was on time.

    The words are the same in the CLI and on every document that states the dates.
    """
    if issued <= due.date:
        return None
    return (
        f"The certificate was issued on {plain_date(issued)}, after {long_date(due.date)}, the "
        f"last day for issuing it ({due.rule[0].period.words}). The one month for appealing "
        "counts from the date it was actually issued."
    )


def late_contact_note(contacted: date, due: Deadline, who: str) -> str | None:
    """The note for contact with the mediation adviser after the 2 months of reg 33, or None.

    Args:
        contacted: the date ``who`` contacted the adviser.
        due: the adviser contact deadline (T6).
        who: the parent's or young person's name.
    """
    if contacted <= due.date:
        return None
    return (
        f"{who} contacted the mediation adviser on {plain_date(contacted)}, after "
        f"{long_date(due.date)}, the end of the 2 months for doing so (SEND Regulations 2014 "
        f"reg 33). This does not stop {who} from appealing. Only the Tribunal decides whether "
        "an appeal is in time."
    )


def _late_certificate(deadline: Deadline, issued: date) -> Deadline:
    """Note on a certificate's due date that the certificate was issued after it."""
    note = late_certificate_note(issued, deadline)
    if note is None:
        return deadline
    return replace(deadline, warnings=(note, *deadline.warnings), notes=(note, *deadline.notes))


def compute_timeline(dates: TimelineDates) -> dict[str, Deadline]:
    """Compute every deadline the given dates allow, in the CLI contract's key order.

    Every date gives at least one deadline: a certificate date alone gives the certificate
    limb (``appeal_deadline_certificate_only``), saying that the 2-month limb needs the
    decision date.

    Raises:
        DateInputError: if no date is given or two dates are in an impossible order.
    """
    if not dates.given():
        msg = "give at least one date to start the timeline from"
        raise DateInputError(msg)
    dates.check_order()
    timeline = {spec.key: _timeline_deadline(spec, dates) for spec in DEADLINES.values()
                if spec.starts and getattr(dates, spec.starts)}
    if dates.certificate_issued is not None:
        if dates.decision_sent is None:
            timeline["appeal_deadline_certificate_only"] = certificate_limb_deadline(
                dates.certificate_issued, today=dates.today)
        for key in ("decline_certificate_due", "mediation_certificate_due"):
            if key in timeline:
                timeline[key] = _late_certificate(timeline[key], dates.certificate_issued)
    if any(getattr(dates, name) < _REGIME_START for name in dates.given()):
        for key, deadline in timeline.items():
            timeline[key] = _with_warning(
                deadline, "A date is before 1 September 2014, when the Children and Families "
                "Act 2014 rules began: these deadlines may not apply."
            )
    return timeline


def _with_warning(deadline: Deadline, warning: str) -> Deadline:
    return replace(deadline, warnings=(*deadline.warnings, warning))


# Reg 44(2) periods (T21) for each kind of appealable agreed action, by index into T21.
_REG44_PERIOD = {
    "notify_assessment": 1,
    "no_plan_decision": 2,
    "final_plan_after_assessment": 3,
    "draft_plan": 4,
    "final_plan": 5,
    "amend_plan": 6,
    "change_school": 7,
}


def reg44_period(order_type: str) -> Period:
    """The reg 44(2) period (RULES.md T21) for a kind of appealable agreed action."""
    if order_type not in _REG44_PERIOD:
        msg = f"order_type must be one of {', '.join(_REG44_PERIOD)} (got {order_type!r})"
        raise DateInputError(msg)
    return rule("T21").periods[_REG44_PERIOD[order_type]]


def agreement_action_deadline(
    agreement_date: date,
    *,
    appealable: bool,
    order_type: str | None = None,
    agreed_deadline: date | None = None,
    today: date | None = None,
) -> Deadline:
    """The deadline for one action agreed at mediation (SEND Regulations 2014 reg 42).

    An appealable matter follows the reg 44 period for its kind of order (reg 42(2)); any
    other action is due within 2 weeks (reg 42(3)); a timescale the parties agreed in writing
    replaces both (reg 42(5)).

    Raises:
        DateInputError: if an agreed deadline is before the agreement, or an appealable
            action has neither an order type nor an agreed deadline.
    """
    trigger = _AGREED
    if agreed_deadline is not None:
        if agreed_deadline < agreement_date:
            msg = f"agreed_deadline ({agreed_deadline}) is before the agreement ({agreement_date})"
            raise DateInputError(msg)
        r = rule("T19")
        steps = (
            f"{trigger} {long_date(agreement_date)}.",
            f"The parties agreed in writing that this will be done by {long_date(agreed_deadline)} "
            f"({r.citation}).",
        )
        warnings = _past_warning(agreed_deadline, today, extendable=False)
        return Deadline("Agreed action due by", agreed_deadline, agreed_deadline, (r,), steps,
                        tuple(warnings))
    if not appealable:
        return statutory_deadline("T17", agreement_date, label="Agreed action due by",
                                  trigger=trigger, today=today)
    order = order_type or ""
    period = reg44_period(order)
    deadline = statutory_deadline("T21", agreement_date, label="Agreed action due by",
                                  trigger=trigger, period_index=_REG44_PERIOD[order],
                                  today=today)
    because = (
        f"This is a matter that could be appealed, so the LA must {period.label} within "
        f"{period.words}, as if the agreement were a Tribunal order (SEND Regulations 2014 "
        f"reg 42(2))."
    )
    return replace(deadline, rule=(rule("T16"), *deadline.rule),
                   explanation=(deadline.explanation[0], because, *deadline.explanation[1:]))
