"""The iCalendar export: RFC 5545 shape, escaping, folding, stable UIDs, parsed back by icalendar."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import icalendar
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from medocs.cli import main
from medocs.timeline.deadlines import Deadline, TimelineDates, compute_timeline
from medocs.timeline.ics import escape_text, fold_line, reminder_day, timeline_ics
from medocs.timeline.workdays import is_working_day

STAMP = datetime(2024, 10, 2, tzinfo=UTC)
HOSTILE = "Zoë O'Brien & Sons <Ltd>; \"Shiv\", Ó Briain \\ 🙂"


def _timeline(**dates: date) -> dict[str, Deadline]:
    return compute_timeline(TimelineDates(**dates, today=date(2024, 10, 2)))


def _events(text: str) -> list[icalendar.Event]:
    return list(icalendar.Calendar.from_ical(text).walk("VEVENT"))


IPSEA = {"decision_sent": date(2024, 10, 1), "certificate_issued": date(2024, 11, 29)}


class TestTimelineIcs:
    """timeline_ics writes one all-day event per deadline that icalendar reads back."""

    def test_one_all_day_event_per_deadline(self) -> None:
        """Each deadline is a VEVENT on its date, ending the next day (DATE values)."""
        deadlines = _timeline(**IPSEA)
        events = _events(timeline_ics(deadlines, identity="case-1", stamp=STAMP))
        assert len(events) == len(deadlines)
        for event, deadline in zip(events, deadlines.values(), strict=True):
            assert event.decoded("DTSTART") == deadline.date
            assert event.decoded("DTEND") == deadline.date + timedelta(days=1)
            assert not isinstance(event.decoded("DTSTART"), datetime)

    def test_ipsea_appeal_event(self) -> None:
        """The appeal event is on Thursday 2 January 2025, titled with the 5pm limit."""
        events = _events(timeline_ics(_timeline(**IPSEA), identity="case-1", stamp=STAMP))
        appeal = events[0]
        assert appeal.decoded("DTSTART") == date(2025, 1, 2)
        assert str(appeal["SUMMARY"]) == "Appeal to the Tribunal by 5pm"

    def test_description_holds_rule_and_explanation(self) -> None:
        """The description gives every explanation step and the rules' citations."""
        deadlines = _timeline(**IPSEA)
        events = _events(timeline_ics(deadlines, identity="case-1", stamp=STAMP))
        description = str(events[0]["DESCRIPTION"])
        for step in deadlines["appeal_deadline"].explanation:
            assert step in description
        assert "HESC Rules r.12(3)(a)" in description
        assert "T1" in description

    def test_reminder_is_9am_three_working_days_before(self) -> None:
        """The alarm fires at 9am on the third working day before the deadline."""
        events = _events(timeline_ics(_timeline(**IPSEA), identity="case-1", stamp=STAMP))
        trigger = events[0].walk("VALARM")[0].decoded("TRIGGER")
        # An all-day event starts at midnight (floating time; UTC here only to do the sum).
        fires = datetime(2025, 1, 2, tzinfo=UTC) + trigger
        # 2 Jan 2025 (Thu): 31 Dec, 30 Dec, then 27 Dec (Christmas, Boxing Day, weekend skipped).
        assert fires == datetime(2024, 12, 27, 9, 0, tzinfo=UTC)

    def test_reminder_counts_from_the_safe_day_when_not_a_working_day(self) -> None:
        """A deadline on a Sunday is reminded 3 working days before the Friday to act by."""
        deadlines = _timeline(decision_sent=date(2024, 10, 1))
        event = _events(timeline_ics(deadlines, identity="c", stamp=STAMP))[1]
        assert event.decoded("DTSTART") == date(2024, 12, 1)
        fires = datetime(2024, 12, 1, tzinfo=UTC) + event.walk("VALARM")[0].decoded("TRIGGER")
        assert fires == datetime(2024, 11, 26, 9, 0, tzinfo=UTC)

    def test_names_and_punctuation_come_back_exactly(self) -> None:
        """Commas, semicolons, backslashes, quotes, accents and emoji survive the round trip."""
        text = timeline_ics(_timeline(**IPSEA), identity="c", stamp=STAMP, title_prefix=HOSTILE,
                            calendar_name=HOSTILE)
        events = _events(text)
        assert str(events[0]["SUMMARY"]) == f"{HOSTILE}: Appeal to the Tribunal by 5pm"
        # icalendar leaves X- properties escaped; the unfolded line must be the escaped name.
        assert f"X-WR-CALNAME:{escape_text(HOSTILE)}\r\n" in text.replace("\r\n ", "")

    def test_uids_are_unique_and_stable(self) -> None:
        """The same identity gives the same UIDs; another identity gives different ones."""
        deadlines = _timeline(**IPSEA)
        first = [str(e["UID"]) for e in _events(timeline_ics(deadlines, identity="a", stamp=STAMP))]
        again = [str(e["UID"]) for e in _events(timeline_ics(deadlines, identity="a", stamp=STAMP))]
        other = [str(e["UID"]) for e in _events(timeline_ics(deadlines, identity="b", stamp=STAMP))]
        assert first == again
        assert len(set(first)) == len(first)
        assert not set(first) & set(other)

    def test_uid_does_not_change_when_the_date_moves(self) -> None:
        """A later certificate moves the appeal date but keeps its UID, so a re-import updates it."""
        before = _events(timeline_ics(_timeline(decision_sent=date(2024, 10, 1)), identity="a",
                                      stamp=STAMP))[0]
        after = _events(timeline_ics(_timeline(**IPSEA), identity="a", stamp=STAMP))[0]
        assert before.decoded("DTSTART") != after.decoded("DTSTART")
        assert str(before["UID"]) == str(after["UID"])

    def test_required_calendar_properties(self) -> None:
        """VERSION, PRODID, DTSTAMP (UTC) and TRANSP are present."""
        text = timeline_ics(_timeline(**IPSEA), identity="a", stamp=STAMP)
        calendar = icalendar.Calendar.from_ical(text)
        assert str(calendar["VERSION"]) == "2.0"
        assert "medocs" in str(calendar["PRODID"])
        event = _events(text)[0]
        assert event.decoded("DTSTAMP") == STAMP
        assert str(event["TRANSP"]) == "TRANSPARENT"

    def test_lines_are_crlf_and_at_most_75_octets(self) -> None:
        """Every line ends in CRLF and is folded to 75 octets or fewer (RFC 5545 §3.1)."""
        text = timeline_ics(_timeline(**IPSEA), identity="a", stamp=STAMP, title_prefix=HOSTILE * 3)
        assert text.endswith("\r\n")
        lines = text.split("\r\n")[:-1]
        assert all("\n" not in line and "\r" not in line for line in lines)
        assert max(len(line.encode("utf-8")) for line in lines) <= 75

    def test_naive_stamp_is_refused(self) -> None:
        """DTSTAMP must be in UTC, so a naive datetime is an error."""
        with pytest.raises(ValueError, match="timezone-aware"):
            timeline_ics(_timeline(**IPSEA), identity="a", stamp=datetime(2024, 10, 2))  # noqa: DTZ001


class TestEscapingAndFolding:
    """The TEXT escaping and line folding of RFC 5545."""

    @pytest.mark.parametrize(("raw", "escaped"), [
        ("a,b", "a\\,b"),
        ("a;b", "a\\;b"),
        ("a\\b", "a\\\\b"),
        ("a\nb", "a\\nb"),
        ("a\r\nb", "a\\nb"),
        ("Zoë: x", "Zoë: x"),
    ])
    def test_escape_text(self, raw: str, escaped: str) -> None:
        """Backslash, comma, semicolon and newlines are escaped; colons and accents are not."""
        assert escape_text(raw) == escaped

    @given(st.text(min_size=0, max_size=400))
    def test_fold_then_unfold_restores_the_line(self, line: str) -> None:
        """Unfolding (removing CRLF + space) gives the line back, and no piece is over 75 octets."""
        line = line.replace("\r", "").replace("\n", "")
        folded = fold_line(line)
        pieces = folded.split("\r\n")
        assert all(len(piece.encode("utf-8")) <= 75 for piece in pieces)
        assert all(piece.startswith(" ") for piece in pieces[1:])
        assert folded.replace("\r\n ", "") == line

    @given(st.dates(min_value=date(2015, 1, 1), max_value=date(2030, 12, 31)))
    def test_reminder_day_is_a_working_day_before(self, day: date) -> None:
        """The reminder is a working day, earlier than the deadline, at most ~2 weeks before."""
        remind = reminder_day(day)
        assert is_working_day(remind)
        assert day - timedelta(days=16) <= remind < day


class TestTimelineCommandIcs:
    """`medocs timeline --ics FILE` writes the calendar and leaves --json output alone."""

    def test_writes_calendar_and_json_stays_one_object(self, runner: CliRunner, tmp_path: Path) -> None:
        """With --json, stdout is still one JSON object; the calendar holds both deadlines."""
        ics = tmp_path / "deadlines.ics"
        result = runner.invoke(main, ["timeline", "--decision-sent", "2024-10-01",
                                           "--today", "2024-10-02", "--json", "--ics", str(ics)])
        assert result.exit_code == 0, result.output
        assert set(json.loads(result.stdout)) == {"appeal_deadline", "adviser_contact_deadline"}
        events = _events(ics.read_text(encoding="utf-8"))
        assert [e.decoded("DTSTART") for e in events] == [date(2024, 12, 2), date(2024, 12, 1)]

    def test_same_dates_give_the_same_file(self, runner: CliRunner, tmp_path: Path) -> None:
        """Two runs with the same dates and --today write byte-identical calendars."""
        paths = [tmp_path / "a.ics", tmp_path / "b.ics"]
        for path in paths:
            runner.invoke(main, ["timeline", "--decision-sent", "2024-10-01", "--today",
                                      "2024-10-02", "--ics", str(path)])
        assert paths[0].read_bytes() == paths[1].read_bytes()

    def test_existing_file_needs_force(self, runner: CliRunner, tmp_path: Path) -> None:
        """An existing .ics file is not replaced without --force."""
        ics = tmp_path / "deadlines.ics"
        ics.write_text("keep", encoding="utf-8")
        args = ["timeline", "--decision-sent", "2024-10-01", "--ics", str(ics)]
        refused = runner.invoke(main, args)
        assert refused.exit_code == 1
        assert "already exists" in refused.output
        assert ics.read_text(encoding="utf-8") == "keep"
        assert runner.invoke(main, [*args, "--force"]).exit_code == 0
        assert ics.read_text(encoding="utf-8").startswith("BEGIN:VCALENDAR")
