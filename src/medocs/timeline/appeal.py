"""The deadline for appealing to the Tribunal (HESC Rules r.20(1)(c)), with its certificate limb.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from functools import lru_cache

from medocs.errors import DateInputError
from medocs.timeline.dates import EARLIEST, LATEST, in_range, long_date, plain_date
from medocs.timeline.named_deadlines import _SENT, DEADLINES
from medocs.timeline.rules import Rule, rule
from medocs.timeline.statutory import (
    Deadline,
    _in_christmas_window,
    _months_step,
    _past_warning,
    _prediction_notes,
    _status_warnings,
    _why_not_working,
)
from medocs.timeline.workdays import (
    add_months,
    first_working_day_after,
    is_working_day,
    next_working_day,
)


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
        label=DEADLINES["appeal_deadline_if_issued"].label,
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
def why_moved(raw: date, final: date) -> str:
    """Why an appeal's time that ends on ``raw`` runs to ``final``, in plain words for a family.

    Args:
        raw: the end of the statutory period.
        final: the date the appeal must reach the Tribunal by.

    Returns:
        '' where nothing moved the date; else a sentence such as 'That is a Sunday, so you
        have until the next working day.' or the Christmas/August one (r.12(2), r.12(3)(a)).
    """
    if raw == final:
        return ""
    if _in_christmas_window(raw) or raw.month == 8:
        window, boundary = ("in August", "31 August") if raw.month == 8 else (
            "between 25 December and 1 January", "1 January")
        return f"That is {window}, so you have until the first working day after {boundary}."
    return f"That {_why_not_working(raw)}, so you have until the next working day."


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
