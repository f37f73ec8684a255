"""Case journeys: the file, each document built from it, and the pack written from it."""

from __future__ import annotations

import json
import tomllib
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import icalendar
import pytest
from docx import Document
from helpers import SAMPLES, docx_text
from readability import family_reading

from medocs.errors import CaseValidationError, JourneyError, OutputExistsError
from medocs.journeys.building import build_documents, last_dated
from medocs.journeys.keydates import journey_timeline
from medocs.journeys.model import load_journey
from medocs.journeys.packing import Pack, pack_journey, pack_journey_file
from medocs.profiles import Profile, load_profile
from medocs.register import Register
from medocs.timeline.dates import long_date, plain_date

JOURNEYS = SAMPLES / "journeys"
STAMP = datetime(2025, 1, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def profile() -> Profile:
    return load_profile(SAMPLES / "westminster.toml")


def _pack(path: Path, profile: Profile, out: Path, *, today: date, force: bool = False,
          large_print: bool = False) -> Pack:
    with Register(out.parent / "register.sqlite") as register:
        return pack_journey(path, profile, out=out, today=today, stamp=STAMP, register=register,
                            force=force, large_print=large_print)


def _last_date(path: Path, profile: Profile) -> date:
    """The day of the journey's last document: the pack is made that day."""
    return last_dated(build_documents(load_journey(path), profile, where=str(path))[0])


@pytest.mark.parametrize("path", sorted(JOURNEYS.glob("*.toml")), ids=lambda p: p.stem)
def test_pack_renders_every_sample_journey_and_its_dates_agree(path: Path, profile: Profile,
                                                               tmp_path: Path) -> None:
    """Every document, read back, states the decision letter's date; the certificate's number,
    date of issue and appeal date are the same on the certificate and on the key dates sheet."""
    today = _last_date(path, profile)
    pack = _pack(path, profile, tmp_path / "out", today=today)
    journey = pack.journey
    assert [item.docx.name for item in pack.issued] == [
        f"{journey.case_ref}-{name}.docx" for name, _ in journey.ordered_documents()]
    sent = plain_date(journey.decision.letter_sent)
    texts = {item.docx.name: docx_text(item.docx) for item in pack.issued}
    for name, text in texts.items():
        assert journey.child.name in text, name
        if "agreement-chase" not in name:  # the chase is about the agreement, not the decision
            assert sent in text, name
    sheet = docx_text(pack.key_dates)
    assert sent in sheet
    (certificate,) = [item for item in pack.issued if item.certificate_number]
    text = texts[certificate.docx.name]
    for shown in (certificate.certificate_number or "", plain_date(load_cert_issued(path))):
        assert shown in text
        assert shown in sheet
    timeline = journey_timeline(journey, _documents(path, profile), today=today)
    appeal = long_date(timeline["appeal_deadline"].date)
    assert appeal in text
    assert appeal in sheet


def _documents(path: Path, profile: Profile) -> list[Any]:
    return build_documents(load_journey(path), profile, where=str(path))[0]


def load_cert_issued(path: Path) -> date:
    data = tomllib.loads(path.read_text(encoding="utf-8"))["documents"]
    for kind in ("decline-certificate", "mediation-certificate"):
        if kind in data:
            return date.fromisoformat(str(data[kind]["issued_on"]))
    raise AssertionError("no certificate")


def test_the_calendar_holds_only_what_is_ahead(profile: Profile, tmp_path: Path) -> None:
    """Made on 29 Nov 2024, the Khan pack's calendar has the appeal date (Thu 2 Jan 2025) only."""
    pack = _pack(JOURNEYS / "khan-declined.toml", profile, tmp_path / "out", today=date(2024, 11, 29))
    assert pack.calendar is not None
    calendar = icalendar.Calendar.from_ical(pack.calendar.read_bytes())
    events = [event for event in calendar.walk("VEVENT")]
    assert [event.decoded("DTSTART") for event in events] == [date(2025, 1, 2)]
    assert "Amara Khan" in str(events[0]["SUMMARY"])


def test_the_sheet_says_who_must_act_by_when(profile: Profile, tmp_path: Path) -> None:
    """On the chase's date, the Ó Briain sheet lists the appeal and the amended plan, not what is past."""
    pack = _pack(JOURNEYS / "obriain-mediated.toml", profile, tmp_path / "out", today=date(2025, 4, 14))
    rows = _table_rows(pack.key_dates, header="By")
    assert ("Tuesday 22 April 2025, 5pm", "You, if you want to appeal") == rows[0][:2]
    assert rows[1][:2] == ("Tuesday 22 April 2025", "Westminster City Council")
    assert "Do agreed action 1" in rows[1][2]
    assert len(rows) == 2  # actions 2 and 3 were due on 1 and 11 April
    form = dict(row[:2] for row in _table_rows(pack.key_dates, header="The form asks for"))
    assert form["Date of the decision letter"] == "10 February 2025"
    assert form["Mediation certificate date of issue"] == "20 March 2025"
    assert form["Mediation certificate number"] == pack.issued[1].certificate_number
    law = next(p for p in docx_text(pack.key_dates).split("\n") if p.startswith("The law: "))
    assert law.startswith("The law: the Tribunal Procedure (First-tier Tribunal) (Health, Education and "
                          "Social Care Chamber) Rules 2008 (the HESC Rules), r.")  # named in full once
    assert law.count("HESC Rules") == 1
    assert "SEND Regulations 2014, reg 42(2) and reg 44(2)" in law


def test_nothing_ahead_gives_no_calendar(profile: Profile, tmp_path: Path) -> None:
    """Long after the appeal date, the sheet says nothing is ahead and no .ics is written."""
    pack = _pack(JOURNEYS / "khan-declined.toml", profile, tmp_path / "out", today=date(2026, 12, 6))
    assert pack.calendar is None
    assert not (tmp_path / "out" / "KHAN-2024-key-dates.ics").exists()
    assert "No date in this case is still ahead on 6 December 2026" in docx_text(pack.key_dates)


def _table_rows(path: Path, *, header: str) -> list[tuple[str, ...]]:
    for table in Document(str(path)).tables:
        cells = [tuple(cell.text for cell in row.cells) for row in table.rows]
        if cells[0][0] == header:
            return cells[1:]
    raise AssertionError(f"no table headed {header}")


def test_large_print_sheet(profile: Profile, tmp_path: Path) -> None:
    """--large-print: the sheet's text and every document's body text are 16 point."""
    pack = _pack(JOURNEYS / "khan-declined.toml", profile, tmp_path / "out", today=date(2024, 11, 29),
                 large_print=True)
    document = Document(str(pack.key_dates))
    assert document.styles["Normal"].font.size.pt == 16
    assert document.core_properties.title == "Key dates for Amara Khan"
    for item in pack.issued:
        assert Document(str(item.docx)).styles["Normal"].font.size.pt >= 16, item.docx.name


def test_a_contradiction_writes_nothing(profile: Profile, tmp_path: Path) -> None:
    """The check runs before writing: a broken journey leaves the folder empty."""
    data = tomllib.loads((JOURNEYS / "khan-declined.toml").read_text(encoding="utf-8"))
    data["documents"]["decline-certificate"]["declined_on"] = date(2024, 11, 25)
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(data, default=str), encoding="utf-8")
    with pytest.raises(JourneyError, match="decline-certificate gives") as caught:
        _pack(path, profile, tmp_path / "out", today=date(2024, 11, 29))
    assert caught.value.problems
    assert not (tmp_path / "out").exists()


def test_no_file_is_replaced_without_force(profile: Profile, tmp_path: Path) -> None:
    """A second pack into the same folder stops before writing; --force replaces the files."""
    path = JOURNEYS / "khan-declined.toml"
    first = _pack(path, profile, tmp_path / "out", today=date(2024, 11, 29))
    before = {p.name: p.read_bytes() for p in (tmp_path / "out").iterdir()}
    with pytest.raises(OutputExistsError, match="use --force"):
        _pack(path, profile, tmp_path / "out", today=date(2024, 11, 29))
    assert {p.name: p.read_bytes() for p in (tmp_path / "out").iterdir()} == before
    again = _pack(path, profile, tmp_path / "out", today=date(2024, 11, 29), force=True)
    assert [i.docx for i in again.issued] == [i.docx for i in first.issued]


class TestJourneyFile:
    """The journey file is checked as case files are: file, field, expected, found."""

    def _load(self, tmp_path: Path, change: dict[str, Any]) -> Path:
        data = tomllib.loads((JOURNEYS / "khan-declined.toml").read_text(encoding="utf-8"))
        data.update(change)
        path = tmp_path / "journey.json"
        path.write_text(json.dumps(data, default=str), encoding="utf-8")
        return path

    def test_a_wrong_shared_field_names_file_field_and_value(self, tmp_path: Path) -> None:
        path = self._load(tmp_path, {"decision": {"kind": "refuse_everything", "letter_sent": "2024-10-01"}})
        with pytest.raises(CaseValidationError) as caught:
            load_journey(path)
        assert str(path) in str(caught.value)
        assert "'decision.kind'" in str(caught.value)
        assert "refuse_everything" in str(caught.value)

    def test_an_unknown_document_kind_is_refused(self, tmp_path: Path) -> None:
        path = self._load(tmp_path, {"documents": {"decline-certifcate": {}}})
        with pytest.raises(CaseValidationError, match="unknown document kind.*decline-certifcate"):
            load_journey(path)

    def test_an_outcome_needs_its_event(self, tmp_path: Path) -> None:
        path = self._load(tmp_path, {"outcome": "not_arranged"})
        with pytest.raises(CaseValidationError, match="needs events.mediation_requested"):
            load_journey(path)

    def test_a_document_s_own_field_is_checked_by_its_model(self, tmp_path: Path, profile: Profile) -> None:
        path = self._load(tmp_path, {"documents": {"decline-certificate": {"issued_on": "31/02/2024"}}})
        journey = load_journey(path)
        _, problems = build_documents(journey, profile, where=str(path))
        assert len(problems) == 1
        assert f"{path} [documents.decline-certificate]: 'issued_on'" in problems[0]
        assert "'31/02/2024'" in problems[0]

    def test_dates_typed_as_text_are_read(self, tmp_path: Path) -> None:
        """'1 October 2024' and '20/11/2024' in a journey are read as in case files."""
        path = self._load(tmp_path, {"events": {"contacted_adviser": "20/11/2024",
                                                "declined_on": "26 November 2024"}})
        assert load_journey(path).events.contacted_adviser == date(2024, 11, 20)


def test_lateness_on_the_documents_is_on_the_sheet(profile: Profile, tmp_path: Path) -> None:
    """Contact with the adviser after the 2 months: the certificate's note is on the sheet too."""
    data = tomllib.loads((JOURNEYS / "khan-declined.toml").read_text(encoding="utf-8"))
    data["events"] = {"contacted_adviser": date(2024, 12, 3), "declined_on": date(2024, 12, 4)}
    data["documents"]["decline-certificate"]["issued_on"] = date(2024, 12, 6)
    path = tmp_path / "late.json"
    path.write_text(json.dumps(data, default=str), encoding="utf-8")
    pack = _pack(path, profile, tmp_path / "out", today=date(2024, 12, 6))
    note = ("You contacted the mediation adviser on 3 December 2024, after Sunday 1 December "
            "2024, the end of the 2 months")
    certificate = next(item.docx for item in pack.issued if item.certificate_number)
    assert note in docx_text(certificate)
    sheet = docx_text(pack.key_dates)
    assert "Please note about these dates" in sheet
    assert note in sheet


def test_a_journey_at_its_start_lists_what_the_family_must_do(profile: Profile, tmp_path: Path) -> None:
    """Only the decision letter so far: contact the adviser by, appeal by, and no certificate yet."""
    data = tomllib.loads((JOURNEYS / "obriain-mediated.toml").read_text(encoding="utf-8"))
    for key in ("mediation", "events"):
        data.pop(key)
    data["outcome"] = "open"
    data["documents"] = {"decision-letter": data["documents"]["decision-letter"]}
    path = tmp_path / "start.json"
    path.write_text(json.dumps(data, default=str), encoding="utf-8")
    pack = _pack(path, profile, tmp_path / "out", today=date(2025, 2, 10))
    rows = _table_rows(pack.key_dates, header="By")
    assert ("Thursday 10 April 2025", "You", "Contact the mediation adviser") in rows
    sheet = docx_text(pack.key_dates)
    assert "You need a mediation certificate before you can appeal. You do not have one yet." in sheet
    assert "only appeal about the school or college named in the plan (Section I)" in sheet  # a plan
    assert pack.calendar is not None
    events = icalendar.Calendar.from_ical(pack.calendar.read_bytes()).walk("VEVENT")
    summaries = [str(event["SUMMARY"]) for event in events]
    assert any("Contact the mediation adviser" in s for s in summaries)


def test_the_journey_s_council_is_on_its_certificate_and_sheet(profile: Profile, tmp_path: Path) -> None:
    """A Kensington and Chelsea case packed by a service whose profile is Westminster's (issue 12 item 9)."""
    data = tomllib.loads((JOURNEYS / "khan-declined.toml").read_text(encoding="utf-8"))
    data["la"] = {"organisation": "Royal Borough of Kensington and Chelsea", "email": "send@rbkc.example"}
    del data["documents"]["decision-letter"]  # the LA's own letter comes from the LA's profile
    path = tmp_path / "rbkc.json"
    path.write_text(json.dumps(data, default=str), encoding="utf-8")
    pack = _pack(path, profile, tmp_path / "out", today=date(2024, 11, 29))
    for written in (*(item.docx for item in pack.issued), pack.key_dates):
        text = docx_text(written)
        assert "Royal Borough of Kensington and Chelsea" in text, written.name
        assert "Westminster City Council" not in text, written.name


@pytest.mark.parametrize("path", sorted(JOURNEYS.glob("*.toml")), ids=lambda p: p.stem)
def test_the_sheet_is_plain_english(path: Path, profile: Profile, tmp_path: Path) -> None:
    """What the family reads on the sheet: Flesch-Kincaid grade 8 or below, no sentence over 25 words."""
    for today in (load_journey(path).decision.letter_sent, _last_date(path, profile)):
        pack = _pack(path, profile, tmp_path / today.isoformat(), today=today)
        reading = family_reading(pack.key_dates)
        assert reading.paragraphs
        assert reading.grade <= 8.0, (today, round(reading.grade, 1), reading.text)
        assert reading.long_sentences(25) == []


def test_the_chase_numbers_late_actions_as_the_record_does(profile: Profile, tmp_path: Path) -> None:
    """The Ó Briain chase chases the record's actions 2 and 3 (1 is not yet due), by those numbers."""
    pack = _pack(JOURNEYS / "obriain-mediated.toml", profile, tmp_path / "out", today=date(2025, 4, 14))
    chase = next(item.docx for item in pack.issued if item.docx.name.endswith("agreement-chase.docx"))
    text = docx_text(chase)
    assert "Action 2: Arrange an educational psychologist's observation" in text
    assert "Action 3: Send the parent the ICB's occupational therapy" in text
    assert "deadline for agreed action 2 passed" in text
    assert "deadline for agreed action 3 passed" in text
    assert "Action 1:" not in text
    assert "agreed action 1 passed" not in text
    assert "About action 3, the complaint goes first to NHS North West London" in text


def test_pack_journey_file_opens_the_register_only_for_a_certificate(profile: Profile,
                                                                    tmp_path: Path) -> None:
    """A journey with no certificate never creates a register; one with a certificate numbers it there."""
    source = (JOURNEYS / "khan-declined.toml").read_text(encoding="utf-8")
    letter_only = tmp_path / "letter-only.toml"
    letter_only.write_text(source[: source.index("[documents.certificate-request]")], encoding="utf-8")
    register_file = tmp_path / "register" / "register.sqlite"
    today = _last_date(letter_only, profile)
    pack = pack_journey_file(letter_only, profile, register_file=register_file, out=tmp_path / "letter",
                             today=today, stamp=STAMP)
    assert [item.docx.name for item in pack.issued] == ["KHAN-2024-decision-letter.docx"]
    assert not register_file.parent.exists()

    full = JOURNEYS / "khan-declined.toml"
    pack = pack_journey_file(full, profile, register_file=register_file, out=tmp_path / "full",
                             today=_last_date(full, profile), stamp=STAMP)
    numbers = [item.certificate_number for item in pack.issued if item.certificate_number]
    assert len(numbers) == 1
    with Register(register_file) as register:
        assert [entry.number for entry in register.list()] == numbers
