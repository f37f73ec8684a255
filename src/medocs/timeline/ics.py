"""Deadlines as an iCalendar file (RFC 5545) that Outlook and Google Calendar import.

Each deadline is an all-day event on its date, with the rule and the explanation in the
description and a reminder at 9am a few working days before. UIDs are derived from a case
identity and the deadline's key, not its date, so importing a recomputed timeline again
updates the events rather than duplicating them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta

from medocs._version import __version__
from medocs.timeline.dates import long_date
from medocs.timeline.deadlines import Deadline
from medocs.timeline.workdays import previous_working_day

__all__ = [
    "REMINDER_WORKING_DAYS",
    "escape_text",
    "fold_line",
    "reminder_day",
    "timeline_ics",
]

# A reminder this many working days before the deadline leaves time to act.
REMINDER_WORKING_DAYS = 3
_MAX_OCTETS = 75  # RFC 5545 §3.1: lines SHOULD NOT be longer than 75 octets


def escape_text(value: str) -> str:
    """Escape a TEXT value (RFC 5545 §3.3.11): backslash, semicolon, comma and newlines."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def fold_line(line: str) -> str:
    """Fold a content line into CRLF-separated pieces of at most 75 octets (RFC 5545 §3.1).

    Continuation pieces start with one space; a UTF-8 character is never split.
    """
    pieces: list[str] = []
    current, size, limit = "", 0, _MAX_OCTETS
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            pieces.append(current)
            current, size, limit = "", 0, _MAX_OCTETS - 1  # the leading space takes one octet
        current += char
        size += width
    pieces.append(current)
    return "\r\n ".join(pieces)


def reminder_day(deadline: date, working_days: int = REMINDER_WORKING_DAYS) -> date:
    """The working day ``working_days`` working days before ``deadline``."""
    day = deadline
    for _ in range(working_days):
        day = previous_working_day(day - timedelta(days=1))
    return day


def _uid(identity: str, key: str) -> str:
    digest = hashlib.sha256(f"{identity}\x00{key}".encode()).hexdigest()[:24]
    return f"{key.replace('_', '-')}-{digest}@medocs"


def _description(deadline: Deadline) -> str:
    lines = [f"{deadline.label}: {long_date(deadline.date)}"
             + (" (by 5pm)" if deadline.due_by else "")]
    if deadline.act_by and deadline.act_by != deadline.date:
        lines.append(f"Not a working day: to be safe, act by {long_date(deadline.act_by)}.")
    lines += ["", "How this date was worked out:", *(f"- {step}" for step in deadline.explanation)]
    if deadline.warnings:
        lines += ["", "Warnings:", *(f"! {warning}" for warning in deadline.warnings)]
    rules = "; ".join(f"{r.id} {r.citation} ({r.status.value})" for r in deadline.rule)
    lines += ["", f"Rules: {rules}", "Computed by medocs."]
    return "\n".join(lines)


def timeline_ics(
    deadlines: Mapping[str, Deadline],
    *,
    identity: str,
    stamp: datetime,
    title_prefix: str = "",
    calendar_name: str = "SEND deadlines",
) -> str:
    """Write deadlines as an iCalendar document, one all-day VEVENT each.

    Args:
        deadlines: the deadlines by key (such as ``compute_timeline``'s result).
        identity: what the events belong to, such as a case reference; with each key it
            makes the event's stable UID.
        stamp: when the file is made (DTSTAMP), timezone-aware; the CLI reads the clock.
        title_prefix: put before each title, such as the child's name.
        calendar_name: the calendar's display name (X-WR-CALNAME).

    Returns:
        The file's text with CRLF line ends, folded at 75 octets.
    """
    if stamp.tzinfo is None:
        msg = "stamp must be timezone-aware"
        raise ValueError(msg)
    utc = stamp.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:-//medocs//medocs {__version__}//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(calendar_name)}",
    ]
    for key, deadline in deadlines.items():
        title = deadline.label + (" 5pm" if deadline.due_by else "")
        if title_prefix:
            title = f"{title_prefix}: {title}"
        remind = reminder_day(deadline.act_by or deadline.date)
        # Relative to the start of the all-day event (midnight): 9am on the reminder day.
        before = (deadline.date - remind).days
        lines += [
            "BEGIN:VEVENT",
            f"UID:{_uid(identity, key)}",
            f"DTSTAMP:{utc}",
            f"DTSTART;VALUE=DATE:{deadline.date.strftime('%Y%m%d')}",
            f"DTEND;VALUE=DATE:{(deadline.date + timedelta(days=1)).strftime('%Y%m%d')}",
            f"SUMMARY:{escape_text(title)}",
            f"DESCRIPTION:{escape_text(_description(deadline))}",
            "CATEGORIES:" + ",".join(escape_text(r.id) for r in deadline.rule),
            "TRANSP:TRANSPARENT",
            "BEGIN:VALARM",
            "ACTION:DISPLAY",
            f"DESCRIPTION:{escape_text(f'{title}: {long_date(deadline.date)}')}",
            f"TRIGGER;RELATED=START:-P{before - 1}DT15H" if before > 0 else "TRIGGER:PT9H",
            "END:VALARM",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(fold_line(line) + "\r\n" for line in lines)
