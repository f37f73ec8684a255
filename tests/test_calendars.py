"""medocs.calendars: calendar files written safely, the same way for every command."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from medocs.calendars import calendar_stamp, write_calendar, write_timeline_calendar
from medocs.errors import OutputExistsError
from medocs.timeline.deadlines import TimelineDates, compute_timeline

DECISION = date(2024, 10, 1)
TODAY = date(2024, 10, 2)


def _deadlines() -> dict:  # type: ignore[type-arg]
    return compute_timeline(TimelineDates(decision_sent=DECISION, today=TODAY))


def _events(path: Path) -> list[str]:
    return [line for line in path.read_bytes().decode("utf-8").split("\r\n") if line.startswith("UID:")]


def test_calendar_stamp_is_midnight_utc_of_the_day() -> None:
    assert calendar_stamp(date(2025, 3, 31)) == datetime(2025, 3, 31, 0, 0, tzinfo=UTC)


def test_write_calendar_makes_the_folder_and_one_event_per_deadline(tmp_path: Path) -> None:
    deadlines = _deadlines()
    target = tmp_path / "new" / "folder" / "dates.ics"
    written = write_calendar(target, deadlines, identity="case-1", stamp=calendar_stamp(TODAY),
                             title_prefix="Zoë O'Brien", calendar_name="Zoë: SEND deadlines")
    assert written == target
    text = target.read_bytes().decode("utf-8")
    assert text.startswith("BEGIN:VCALENDAR\r\n")
    assert text.endswith("END:VCALENDAR\r\n")
    assert len(_events(target)) == len(deadlines)
    assert "X-WR-CALNAME:Zoë: SEND deadlines" in text
    assert "DTSTAMP:20241002T000000Z" in text
    assert not [p for p in target.parent.iterdir() if p.name.endswith(".tmp")]


def test_write_calendar_never_replaces_without_force(tmp_path: Path) -> None:
    target = tmp_path / "dates.ics"
    target.write_text("mine", encoding="utf-8")
    with pytest.raises(OutputExistsError, match="already exists"):
        write_calendar(target, _deadlines(), identity="case-1", stamp=calendar_stamp(TODAY))
    assert target.read_text(encoding="utf-8") == "mine"
    write_calendar(target, _deadlines(), identity="case-1", stamp=calendar_stamp(TODAY), force=True)
    assert target.read_text(encoding="utf-8").startswith("BEGIN:VCALENDAR")


def test_timeline_calendar_uids_depend_on_the_dates_given_not_on_today(tmp_path: Path) -> None:
    deadlines = _deadlines()
    first = write_timeline_calendar(tmp_path / "a.ics", deadlines, {"decision_sent": DECISION}, today=TODAY)
    again = write_timeline_calendar(tmp_path / "b.ics", deadlines, {"decision_sent": DECISION},
                                    today=date(2024, 12, 1))
    other = write_timeline_calendar(tmp_path / "c.ics", deadlines, {"decision_sent": date(2024, 10, 2)},
                                    today=TODAY)
    assert _events(first) == _events(again)
    assert set(_events(first)).isdisjoint(_events(other))
    assert "DTSTAMP:20241201T000000Z" in again.read_text(encoding="utf-8")
