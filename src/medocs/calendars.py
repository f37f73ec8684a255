"""Calendar files (.ics) of deadlines, written safely: the I/O next to the pure ``timeline.ics``.

``medocs timeline --ics``, ``medocs draft --ics`` and ``medocs pack`` write their calendars
here, so each is made the same way: the folder created if missing, the file written
atomically and never replaced without ``force``. It imports the date engine and
:mod:`medocs.files`; the commands and the drafting and journey code use it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, time
from pathlib import Path

from medocs.files import write_atomic
from medocs.timeline.deadlines import Deadline
from medocs.timeline.ics import timeline_ics

__all__ = ["calendar_stamp", "write_calendar", "write_timeline_calendar"]


def calendar_stamp(today: date) -> datetime:
    """DTSTAMP for a calendar: midnight UTC of 'today', so --today gives the same file."""
    return datetime.combine(today, time(0, 0), tzinfo=UTC)


def write_calendar(
    path: Path,
    deadlines: Mapping[str, Deadline],
    *,
    identity: str,
    stamp: datetime,
    force: bool = False,
    title_prefix: str = "",
    calendar_name: str = "SEND deadlines",
) -> Path:
    """Write ``deadlines`` to the iCalendar file ``path`` (its folder made if missing).

    Args:
        path: the .ics file.
        deadlines: the deadlines by key.
        identity: what the events belong to (see :func:`medocs.timeline.ics.timeline_ics`).
        stamp: when the file is made (DTSTAMP), timezone-aware.
        force: replace ``path`` if it exists.
        title_prefix: put before each event's title, such as the child's name.
        calendar_name: the calendar's display name.

    Returns:
        ``path``.

    Raises:
        OutputExistsError: ``path`` exists and ``force`` is False (nothing is written).
        OSError: the file cannot be written.
    """
    text = timeline_ics(deadlines, identity=identity, stamp=stamp, title_prefix=title_prefix,
                        calendar_name=calendar_name)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, text.encode("utf-8"), force=force)
    return path


def write_timeline_calendar(path: Path, deadlines: Mapping[str, Deadline], dates: Mapping[str, date], *,
                            today: date, force: bool = False) -> Path:
    """Write the calendar of ``medocs timeline --ics``: the deadlines computed from ``dates``.

    The events belong to the dates given, so the same dates give the same event UIDs and
    importing the file again updates the events instead of adding copies.

    Args:
        path: the .ics file.
        deadlines: the timeline (``compute_timeline``'s result).
        dates: the dates it was computed from, by name (``decision_sent``...), ``today`` excluded.
        today: the day the calendar is made (its DTSTAMP is midnight UTC of it).
        force: replace ``path`` if it exists.

    Returns:
        ``path``.

    Raises:
        OutputExistsError: ``path`` exists and ``force`` is False (nothing is written).
        OSError: the file cannot be written.
    """
    identity = "timeline:" + ";".join(f"{name}={day}" for name, day in sorted(dates.items()))
    return write_calendar(path, deadlines, identity=identity, stamp=calendar_stamp(today), force=force)
