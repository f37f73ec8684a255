"""Items 1, 4 and 5: certificate numbers come only from the register, carry the right year, and
an empty or inconsistent register is refused instead of numbering again from 000001."""

from __future__ import annotations

import json
import sqlite3
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import sample_rows, write_csv
from hostile_helpers import PROFILE, SAMPLES, run_batch

from medocs.cli import main
from medocs.register import Entry, Register, Reservation


class TestNumbersOnlyFromTheRegister:
    @pytest.mark.parametrize("given", ["GM-2025-000001", "{{7*7}}"])
    def test_a_certificate_number_column_is_refused(self, tmp_path: Path, given: str) -> None:
        """Item 1: a certificate_number column stops the batch, naming why; nothing is issued."""
        rows = [dict(row, certificate_number=given) for row in sample_rows()]
        result = run_batch(tmp_path, write_csv(tmp_path / "in.csv", rows))
        assert result.exit_code == 1
        assert "comes only from the certificate register" in result.output
        assert not list((tmp_path / "out").glob("*.docx")) if (tmp_path / "out").exists() else True

    def test_a_certificate_number_key_in_jsonl_is_a_row_error(self, tmp_path: Path) -> None:
        """Item 1, JSONL (keys vary by line): the row fails naming the field, the others go on."""
        rows = sample_rows()
        lines = [dict(rows[0], certificate_number="GM-2025-000001"), rows[1]]
        source = tmp_path / "in.jsonl"
        source.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
        result = run_batch(tmp_path, source)
        assert result.exit_code == 1
        assert "comes only from the certificate register" in result.output
        with Register(tmp_path / "register.sqlite") as reg:
            entries = reg.list()
        assert [(e.case_ref, e.number) for e in entries] == [(rows[1]["case_ref"], "GM-2025-000001")]

    def test_a_certificate_number_in_a_case_file_is_refused(self, tmp_path: Path) -> None:
        """Item 1, render: a case file giving its own number is an error naming the field."""
        text = (SAMPLES / "decline-certificate.toml").read_text(encoding="utf-8")
        case = tmp_path / "case.toml"
        case.write_text('certificate_number = "GM-2025-000001"\n' + text, encoding="utf-8")
        result = CliRunner().invoke(main, [
            "render", "decline-certificate", str(case), "--profile", str(PROFILE), "--register",
            str(tmp_path / "register.sqlite"), "--out", str(tmp_path / "out")])
        assert result.exit_code == 1
        assert "comes only from the certificate register" in result.output
        assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


def _reserve_in_2024(register: Path, case_ref: str) -> str:
    """A number reserved by a run whose write then failed, for a certificate dated 31 Dec 2024."""
    with Register(register) as reg:
        (entry,) = reg.reserve_many([Reservation(kind="decline-certificate", case_ref=case_ref, prefix="GM",
                                                 year=2024, parties="P", decision_date=date(2024, 12, 1),
                                                 issued_on=date(2024, 12, 31))])
    assert isinstance(entry, Entry), entry
    return entry.number


class TestTheNumberCarriesTheRightYear:
    def test_a_reservation_corrected_into_the_next_year_gets_a_number_of_that_year(
            self, tmp_path: Path) -> None:
        """Item 4: GM-2024-000001 was reserved; the row now says 2025: it is GM-2025-000001."""
        rows = sample_rows()[:1]
        assert _reserve_in_2024(tmp_path / "register.sqlite", rows[0]["case_ref"]) == "GM-2024-000001"
        result = run_batch(tmp_path, write_csv(tmp_path / "in.csv", rows))
        assert result.exit_code == 0, result.output
        with Register(tmp_path / "register.sqlite") as reg:
            entries = reg.list()
        assert [(e.number, e.issued_on.year, e.status) for e in entries] == [
            ("GM-2025-000001", 2025, "issued")]
        assert _reserve_in_2024(tmp_path / "register.sqlite", "another") == "GM-2024-000001"

    def test_the_old_years_sequence_keeps_numbers_given_after_it(self, tmp_path: Path) -> None:
        """A released 2024 number that is not the last one leaves the 2024 sequence where it is."""
        rows = sample_rows()[:1]
        register = tmp_path / "register.sqlite"
        _reserve_in_2024(register, rows[0]["case_ref"])
        assert _reserve_in_2024(register, "someone else") == "GM-2024-000002"
        assert run_batch(tmp_path, write_csv(tmp_path / "in.csv", rows)).exit_code == 0
        assert _reserve_in_2024(register, "a third case") == "GM-2024-000003"


class TestEmptyOrInconsistentRegister:
    @pytest.mark.parametrize("command", ["batch", "list"])
    def test_a_zero_byte_register_is_refused(self, tmp_path: Path, command: str) -> None:
        """Item 5: a 0-byte register is not a new one: refused, saying what to do; nothing issued."""
        register = tmp_path / "register.sqlite"
        register.touch()
        if command == "batch":
            result = run_batch(tmp_path, SAMPLES / "batch" / "decline-certificate.csv")
        else:
            result = CliRunner().invoke(main, ["register", "list", "--register", str(register)])
        assert result.exit_code == 1
        assert "empty file" in result.output
        assert "backup" in result.output
        assert register.stat().st_size == 0
        assert not (tmp_path / "out").exists() or not list((tmp_path / "out").glob("*.docx"))

    @pytest.mark.parametrize("tamper", [
        "DELETE FROM sequences", "UPDATE sequences SET last = 1",
    ], ids=["sequence-deleted", "sequence-rolled-back"])
    def test_a_sequence_behind_its_certificates_is_refused_in_words(self, tmp_path: Path,
                                                                     tamper: str) -> None:
        """Item 5: no raw 'UNIQUE constraint failed', no number given twice: a message saying what to do."""
        rows = sample_rows()
        assert run_batch(tmp_path, write_csv(tmp_path / "one.csv", rows[:3])).exit_code == 0
        with sqlite3.connect(tmp_path / "register.sqlite") as db:
            db.execute(tamper)
        result = run_batch(tmp_path, write_csv(tmp_path / "two.csv", rows[3:6]))
        assert result.exit_code == 1
        assert "UNIQUE constraint" not in result.output
        assert "is inconsistent" in result.output
        assert "GM-2025-000003 exists" in result.output
        with Register(tmp_path / "register.sqlite") as reg:
            assert len(reg.list()) == 3
