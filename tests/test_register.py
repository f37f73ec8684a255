"""Tests of medocs.register on real SQLite files, including several processes and a kill."""

from __future__ import annotations

import csv
import io
import multiprocessing
import os
import signal
import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from medocs.errors import MedocsError, OutputExistsError, RegisterError
from medocs.register import (
    SCHEMA_VERSION,
    Completion,
    Entry,
    Register,
    Reservation,
    default_register_path,
    file_sha256,
)

DECISION = date(2025, 3, 3)
ISSUED = date(2025, 3, 20)
GENERATED = datetime(2025, 3, 20, 9, 30, tzinfo=UTC)


def reserve(reg: Register, case_ref: str = "C1", **overrides: Any) -> Entry:
    """Reserve with the usual test values, overridable."""
    arguments: dict[str, Any] = {
        "kind": "decline-certificate",
        "case_ref": case_ref,
        "prefix": "GM",
        "year": 2025,
        "parties": "Ms A Parent v Anyshire County Council",
        "decision_date": DECISION,
        "issued_on": ISSUED,
    }
    arguments.update(overrides)
    return only(reg.reserve_many([Reservation(**arguments)]))


def complete(reg: Register, number: str, path: Path) -> Entry:
    """Record ``path`` as the file of ``number``."""
    return complete_with(reg, number, output_name=path.name, sha256=file_sha256(path))


def complete_with(reg: Register, number: str, **overrides: Any) -> Entry:
    """Complete ``number`` with the usual test values, overridable."""
    arguments: dict[str, Any] = {"number": number, "output_name": "a.docx", "sha256": "0" * 64,
                                 "generated_at": GENERATED, "medocs_version": "0.1.0",
                                 "holidays_version": "0.60"}
    arguments.update(overrides)
    return only(reg.complete_many([Completion(**arguments)]))


def only(results: list[Entry | RegisterError]) -> Entry:
    """The one result of a one-item call to the register, raised if it is an error."""
    (result,) = results
    if isinstance(result, RegisterError):
        raise result
    return result


@pytest.fixture
def reg(tmp_path: Path) -> Any:
    with Register(tmp_path / "register.sqlite3") as register:
        yield register


def sequence_numbers(entries: list[Entry]) -> list[int]:
    return sorted(int(entry.number.rsplit("-", 1)[1]) for entry in entries)


class TestOpen:
    def test_default_path_is_in_the_user_data_dir(self) -> None:
        """The default register is register.sqlite3 in the per-user data directory."""
        path = default_register_path()
        assert path.name == "register.sqlite3"
        assert "medocs" in path.parts

    def test_creates_a_wal_database_with_foreign_keys(self, tmp_path: Path) -> None:
        """Opening creates the file (and its folder) in WAL mode."""
        path = tmp_path / "org" / "register.sqlite3"
        with Register(path):
            pass
        assert path.exists()
        with sqlite3.connect(path) as raw:
            assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
            assert raw.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION

    def test_reopen_keeps_the_sequence(self, tmp_path: Path) -> None:
        """Numbering continues across opens of the same file."""
        path = tmp_path / "register.sqlite3"
        with Register(path) as first:
            reserve(first, "C1")
        with Register(path) as second:
            assert reserve(second, "C2").number == "GM-2025-000002"

    def test_not_a_database(self, tmp_path: Path) -> None:
        """A file that is not SQLite is a RegisterError naming it."""
        path = tmp_path / "register.sqlite3"
        path.write_bytes(b"this is not sqlite, just some text that is long enough" * 20)
        with pytest.raises(RegisterError, match=r"register\.sqlite3: cannot open"):
            Register(path)

    def test_newer_schema_is_refused(self, tmp_path: Path) -> None:
        """A register written by a newer medocs is refused, not altered."""
        path = tmp_path / "register.sqlite3"
        with sqlite3.connect(path) as raw:
            raw.execute("PRAGMA user_version = 99")
        with pytest.raises(RegisterError, match="newer medocs"):
            Register(path)

    def test_register_error_is_a_medocs_error(self) -> None:
        """RegisterError belongs to the one error tree."""
        assert issubclass(RegisterError, MedocsError)


class TestReserve:
    def test_numbers_follow_in_sequence(self, reg: Register) -> None:
        """Numbers are prefix-year-sequence, six digits, from 1."""
        numbers = [reserve(reg, f"C{i}").number for i in range(3)]
        assert numbers == ["GM-2025-000001", "GM-2025-000002", "GM-2025-000003"]

    def test_each_year_and_prefix_restarts(self, reg: Register) -> None:
        """A new year, or another prefix, starts its own sequence at 1."""
        reserve(reg, "C1")
        reserve(reg, "C2")
        assert reserve(reg, "C3", year=2026).number == "GM-2026-000001"
        assert reserve(reg, "C4", prefix="LDN").number == "LDN-2025-000001"
        assert reserve(reg, "C5").number == "GM-2025-000003"

    def test_new_entry_is_reserved(self, reg: Register) -> None:
        """A fresh entry has its case data and no file yet."""
        entry = reserve(reg, "C1")
        assert entry.status == "reserved"
        assert entry.case_ref == "C1"
        assert entry.decision_date == DECISION
        assert entry.issued_on == ISSUED
        assert entry.sha256 is None
        assert entry.reissue_of is None

    def test_same_case_and_kind_gets_the_same_number(self, reg: Register) -> None:
        """Reserving again for a case and kind returns the existing entry, no second number."""
        first = reserve(reg, "C1")
        again = reserve(reg, "C1")
        assert again == first
        assert len(reg.list()) == 1

    def test_same_case_other_kind_gets_a_new_number(self, reg: Register) -> None:
        """The idempotence is per case AND kind."""
        first = reserve(reg, "C1")
        other = reserve(reg, "C1", kind="mediation-certificate")
        assert other.number != first.number

    def test_reissue_links_to_the_original(self, reg: Register, tmp_path: Path) -> None:
        """reissue=True allocates a new number that records the one it replaces."""
        original = reserve(reg, "C1")
        file = tmp_path / "c1.docx"
        file.write_bytes(b"first version")
        complete(reg, original.number, file)
        reissued = reserve(reg, "C1", reissue=True)
        assert reissued.number == "GM-2025-000002"
        assert reissued.reissue_of == original.number
        assert reg.find("C1", "decline-certificate") == reissued
        # Without reissue, the case now answers with its latest entry.
        assert reserve(reg, "C1") == reissued

    def test_reissue_from_the_same_sources_keeps_the_number(self, reg: Register, tmp_path: Path) -> None:
        """A reissue made from the sources the latest certificate came from is not made twice."""
        file = tmp_path / "c1.docx"
        file.write_bytes(b"first version")
        original = reserve(reg, "C1", source_sha256="a" * 64)
        complete(reg, original.number, file)
        latest = reg.find("C1", "decline-certificate")
        assert reserve(reg, "C1", reissue=True, source_sha256="a" * 64) == latest
        corrected = reserve(reg, "C1", reissue=True, source_sha256="b" * 64)
        assert (corrected.number, corrected.reissue_of) == ("GM-2025-000002", original.number)
        assert corrected.source_sha256 == "b" * 64
        # Interrupted before it was completed: the re-run finishes it under that number, with the
        # details it has now (corrected again in between, say).
        again = reserve(reg, "C1", reissue=True, source_sha256="c" * 64, parties="Mr B Parent v Anyshire")
        assert (again.number, again.source_sha256, again.parties) == (
            corrected.number, "c" * 64, "Mr B Parent v Anyshire")
        assert reg.show(corrected.number) == again
        file.write_bytes(b"corrected version")
        complete(reg, corrected.number, file)
        assert reserve(reg, "C1", reissue=True, source_sha256="c" * 64).number == corrected.number
        assert len(reg.list()) == 2

    def test_schema_1_register_is_upgraded_in_place(self, tmp_path: Path) -> None:
        """A register written before source_sha256 existed opens, keeps its entries, takes new ones."""
        path = tmp_path / "old.sqlite3"
        with Register(path) as register:
            first = reserve(register, "C1")
        with sqlite3.connect(path) as raw:  # make it what medocs 0.1 wrote
            raw.execute("ALTER TABLE certificates DROP COLUMN source_sha256")
            raw.execute("PRAGMA user_version = 1")
        raw.close()
        with Register(path) as register:
            assert register.find("C1", "decline-certificate") == first
            second = reserve(register, "C2", source_sha256="d" * 64)
            assert second.source_sha256 == "d" * 64
        with sqlite3.connect(path) as raw:
            assert raw.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        raw.close()

    @pytest.mark.parametrize(
        ("field", "value", "message"),
        [
            ("source_sha256", "not-a-digest", "source_sha256 must be"),
            ("prefix", "", "prefix must be"),
            ("prefix", "G M", "prefix must be"),
            ("year", 25, "four digits"),
            ("case_ref", " ", "case_ref must be a non-empty text"),
            ("kind", "", "kind must be a non-empty text"),
        ],
    )
    def test_bad_arguments(self, reg: Register, field: str, value: object, message: str) -> None:
        """Malformed arguments are RegisterErrors saying what was expected and what came."""
        with pytest.raises(RegisterError, match=message):
            reserve(reg, **{field: value})


class TestComplete:
    def test_complete_records_the_file(self, reg: Register, tmp_path: Path) -> None:
        """complete stores name, hash, versions and time; the entry becomes issued."""
        entry = reserve(reg, "C1")
        file = tmp_path / "C1-decline-certificate.docx"
        file.write_bytes(b"certificate bytes")
        done = complete(reg, entry.number, file)
        assert done.status == "issued"
        assert done.output_name == file.name
        assert done.sha256 == file_sha256(file)
        assert done.generated_at == GENERATED
        assert done.medocs_version == "0.1.0"
        assert done.holidays_version == "0.60"
        assert reg.show(entry.number) == done

    def test_complete_again_with_the_same_file_is_harmless(self, reg: Register, tmp_path: Path) -> None:
        """A re-run completing with the identical file changes nothing."""
        entry = reserve(reg, "C1")
        file = tmp_path / "c1.docx"
        file.write_bytes(b"x")
        first = complete(reg, entry.number, file)
        assert complete(reg, entry.number, file) == first

    def test_complete_with_another_file_is_refused(self, reg: Register, tmp_path: Path) -> None:
        """An issued number cannot be given a different file."""
        entry = reserve(reg, "C1")
        file = tmp_path / "c1.docx"
        file.write_bytes(b"x")
        complete(reg, entry.number, file)
        file.write_bytes(b"y")
        with pytest.raises(RegisterError, match="already issued"):
            complete(reg, entry.number, file)

    def test_unknown_number(self, reg: Register, tmp_path: Path) -> None:
        """Completing a number never reserved is an error naming it."""
        file = tmp_path / "c1.docx"
        file.write_bytes(b"x")
        with pytest.raises(RegisterError, match="no certificate numbered 'GM-2025-000999'"):
            complete(reg, "GM-2025-000999", file)

    def test_naive_time_and_bad_hash_are_refused(self, reg: Register) -> None:
        """generated_at needs a time zone; sha256 must be 64 hex digits."""
        number = reserve(reg, "C1").number
        with pytest.raises(RegisterError, match="time zone"):
            complete_with(reg, number,
                          generated_at=datetime(2025, 3, 20, 9, 30))  # noqa: DTZ001 - the point of the test
        with pytest.raises(RegisterError, match="64 lower-case hex digits"):
            complete_with(reg, number, sha256="abc")


class TestLookups:
    def test_find_missing_is_none(self, reg: Register) -> None:
        """find returns None for a case never reserved."""
        assert reg.find("nope", "decline-certificate") is None

    def test_show_unknown_number(self, reg: Register) -> None:
        """show raises RegisterError for an unknown number."""
        with pytest.raises(RegisterError, match="no certificate numbered"):
            reg.show("GM-2025-000001")

    def test_list_filters_by_date_and_kind(self, reg: Register) -> None:
        """list keeps entries issued on or after 'since' and of the given kind."""
        reserve(reg, "C1", issued_on=date(2025, 1, 10))
        reserve(reg, "C2", issued_on=date(2025, 2, 10))
        reserve(reg, "C3", issued_on=date(2025, 2, 11), kind="mediation-certificate")
        assert [e.case_ref for e in reg.list()] == ["C1", "C2", "C3"]
        assert [e.case_ref for e in reg.list(since=date(2025, 2, 10))] == ["C2", "C3"]
        assert [e.case_ref for e in reg.list(kind="decline-certificate")] == ["C1", "C2"]
        assert [e.case_ref for e in reg.list(since=date(2025, 2, 1), kind="mediation-certificate")] == ["C3"]


class TestVerify:
    def test_unaltered_file_is_found(self, reg: Register, tmp_path: Path) -> None:
        """An issued file verifies to its entry."""
        file = tmp_path / "c1.pdf"
        file.write_bytes(b"%PDF-1.7 certificate")
        entry = complete(reg, reserve(reg, "C1").number, file)
        assert reg.verify(file) == entry

    def test_altered_file_is_not_found(self, reg: Register, tmp_path: Path) -> None:
        """Changing one byte of an issued file makes it unverifiable."""
        file = tmp_path / "c1.pdf"
        file.write_bytes(b"%PDF-1.7 certificate")
        complete(reg, reserve(reg, "C1").number, file)
        file.write_bytes(b"%PDF-1.7 certificatE")
        assert reg.verify(file) is None

    def test_reserved_only_does_not_verify(self, reg: Register, tmp_path: Path) -> None:
        """A file never recorded with complete() is not a certificate we issued."""
        reserve(reg, "C1")
        file = tmp_path / "c1.pdf"
        file.write_bytes(b"x")
        assert reg.verify(file) is None

    def test_missing_file(self, reg: Register, tmp_path: Path) -> None:
        """Verifying a file that does not exist is a RegisterError naming it."""
        with pytest.raises(RegisterError, match=r"nope\.pdf: cannot read"):
            reg.verify(tmp_path / "nope.pdf")


class TestExport:
    def test_export_has_a_header_and_one_row_per_entry(self, reg: Register, tmp_path: Path) -> None:
        """The CSV has the Entry fields as header and ISO dates."""
        file = tmp_path / "c1.docx"
        file.write_bytes(b"x")
        complete(reg, reserve(reg, "C1").number, file)
        reserve(reg, "C2")
        stream = io.StringIO(newline="")
        assert reg.export_csv(stream) == 2
        rows = list(csv.DictReader(io.StringIO(stream.getvalue())))
        assert rows[0]["number"] == "GM-2025-000001"
        assert rows[0]["decision_date"] == "2025-03-03"
        assert rows[0]["generated_at"] == "2025-03-20T09:30:00+00:00"
        assert rows[0]["status"] == "issued"
        assert rows[1]["sha256"] == ""

    @pytest.mark.parametrize("dangerous", ["=1+1", "+44 20 7946 0000", "-2", "@SUM(A1)"])
    def test_formulas_are_neutralised(self, reg: Register, dangerous: str) -> None:
        """A value that a spreadsheet would run as a formula starts with an apostrophe."""
        reserve(reg, dangerous, parties=dangerous)
        stream = io.StringIO(newline="")
        reg.export_csv(stream)
        row = next(csv.DictReader(io.StringIO(stream.getvalue())))
        assert row["case_ref"] == "'" + dangerous
        assert row["parties"] == "'" + dangerous

    def test_export_to_a_file_has_a_bom_and_is_never_replaced(self, reg: Register, tmp_path: Path) -> None:
        """The file Excel opens: UTF-8 with a BOM, the same rows as the stream; kept without force."""
        reserve(reg, "C1", parties="Zoë O'Brien; Westminster")
        target = tmp_path / "register.csv"
        assert reg.export_csv_file(target) == 1
        data = target.read_bytes()
        assert data.startswith(b"\xef\xbb\xbf")
        stream = io.StringIO(newline="")
        reg.export_csv(stream)
        assert data.decode("utf-8-sig") == stream.getvalue()
        with pytest.raises(OutputExistsError):
            reg.export_csv_file(target)
        reserve(reg, "C2")
        assert reg.export_csv_file(target, force=True) == 2
        assert len(list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8-sig"))))) == 2


# --- several processes ------------------------------------------------------------------------


def _reserve_many(path: str, worker: int, count: int, go: Any, out: Any) -> None:
    """Child process: wait for the start signal, reserve ``count`` numbers, report them."""
    with Register(Path(path)) as reg:
        go.wait()
        numbers = [reserve(reg, f"W{worker}-{i}").number for i in range(count)]
        # Every worker also reserves the same case: only one number may come of it.
        numbers.append(reserve(reg, "SHARED").number)
    out.put((worker, numbers))


def _reserve_forever(path: str, progress: Any) -> None:
    """Child process: reserve numbers until killed, reporting each one."""
    with Register(Path(path)) as reg:
        for i in range(1_000_000):
            progress.put(reserve(reg, f"K{i}").number)


def _hold_a_write_transaction(path: str, ready: Any) -> None:
    """Child process: take the write lock, write half a reservation, then wait to be killed."""
    raw = sqlite3.connect(path, isolation_level=None)
    raw.execute("BEGIN IMMEDIATE")
    raw.execute("UPDATE sequences SET last = last + 1")
    raw.execute(
        "INSERT INTO certificates (number, kind, case_ref, parties, decision_date, issued_on, status) "
        "VALUES ('GM-2025-000002', 'decline-certificate', 'HALF', 'x', '2025-03-03', '2025-03-20', "
        "'reserved')"
    )
    ready.set()
    signal.pause()


class TestConcurrency:
    def test_processes_never_share_a_number_and_leave_no_gap(self, tmp_path: Path) -> None:
        """Four processes reserving at once get distinct numbers 1..N with no gap."""
        path = tmp_path / "register.sqlite3"
        Register(path).close()
        ctx = multiprocessing.get_context("spawn")
        go = ctx.Event()
        out = ctx.Queue()
        workers, count = 4, 25
        processes = [
            ctx.Process(target=_reserve_many, args=(str(path), w, count, go, out)) for w in range(workers)
        ]
        for process in processes:
            process.start()
        go.set()
        reported = dict(out.get(timeout=120) for _ in processes)
        for process in processes:
            process.join(timeout=60)
            assert process.exitcode == 0
        shared = {numbers[-1] for numbers in reported.values()}
        assert len(shared) == 1, "the shared case got more than one number"
        own = [n for numbers in reported.values() for n in numbers[:-1]]
        assert len(set(own)) == workers * count
        with Register(path) as reg:
            entries = reg.list()
        assert len(entries) == workers * count + 1
        assert sequence_numbers(entries) == list(range(1, workers * count + 2))

    def test_killed_while_reserving_leaves_a_consistent_register(self, tmp_path: Path) -> None:
        """SIGKILL in the middle of reserving: the file reopens, numbers 1..N, no gap, no half row."""
        path = tmp_path / "register.sqlite3"
        ctx = multiprocessing.get_context("spawn")
        progress = ctx.Queue()
        child = ctx.Process(target=_reserve_forever, args=(str(path), progress))
        child.start()
        for _ in range(30):
            progress.get(timeout=60)
        assert child.pid is not None
        os.kill(child.pid, signal.SIGKILL)
        child.join(timeout=30)
        assert child.exitcode == -signal.SIGKILL
        with Register(path) as reg:
            entries = reg.list()
            assert len(entries) >= 30
            assert sequence_numbers(entries) == list(range(1, len(entries) + 1))
            # The sequence counter agrees with the rows, so the next number follows on.
            assert reserve(reg, "after").number == f"GM-2025-{len(entries) + 1:06d}"
        with sqlite3.connect(path) as raw:
            assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"

    def test_killed_inside_a_transaction_rolls_back(self, tmp_path: Path) -> None:
        """A process killed holding the write lock mid-reservation leaves nothing half-written."""
        path = tmp_path / "register.sqlite3"
        with Register(path) as reg:
            reserve(reg, "C1")
        ctx = multiprocessing.get_context("spawn")
        ready = ctx.Event()
        child = ctx.Process(target=_hold_a_write_transaction, args=(str(path), ready))
        child.start()
        assert ready.wait(timeout=60)
        assert child.pid is not None
        os.kill(child.pid, signal.SIGKILL)
        child.join(timeout=30)
        with Register(path, busy_timeout=5) as reg:
            assert reg.find("HALF", "decline-certificate") is None
            assert reserve(reg, "C2").number == "GM-2025-000002"
        with sqlite3.connect(path) as raw:
            assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
