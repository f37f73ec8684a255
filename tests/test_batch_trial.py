"""What a new-user trial found in `medocs batch`: lost manifests, per-row header errors, plurals."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from click.testing import Result
from helpers import PROFILE, SAMPLES, run_medocs, sample_rows, write_csv

BATCH = SAMPLES / "batch"


def batch(kind: str, source: Path, out: Path, *extra: str) -> Result:
    return run_medocs(["batch", kind, str(source), "--out", str(out),
                                     "--profile", str(PROFILE), "--today", "2025-06-01", *extra])


def read_csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))


class TestEarlierReportsAreKept:
    def test_failed_run_with_another_register_keeps_the_good_manifest(
            self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        """The README batch with --register, then again without: the first manifest is kept,
        and the errors name the register in use and suggest --register."""
        monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
        out = tmp_path / "out" / "batch"
        register = tmp_path / "out" / "register.sqlite"
        first = batch("decline-certificate", BATCH / "decline-certificate.csv", out,
                      "--register", str(register))
        assert first.exit_code == 0, first.output
        assert f"register: {register}" in first.output
        good = (out / "manifest.csv").read_bytes()

        second = batch("decline-certificate", BATCH / "decline-certificate.csv", out)
        assert second.exit_code == 1
        default = tmp_path / "data" / "medocs" / "register.sqlite3"
        assert f"register: {default}" in second.output
        assert (f"already exists and the register in use ({default}) has no certificate for "
                "GM-2025-0101; did you mean --register FILE") in second.output
        (kept,) = out.glob("manifest.*.csv")
        assert kept.read_bytes() == good
        assert {line["status"] for line in read_csv(out / "manifest.csv")} == {"error"}

        third = batch("decline-certificate", BATCH / "decline-certificate.csv", out,
                      "--register", str(register))
        assert third.exit_code == 0, third.output
        assert len(list(out.glob("manifest.*.csv"))) == 2  # the all-error one is kept too
        (old_errors,) = out.glob("errors.*.csv")  # errors.csv of run 2: kept, not deleted
        assert len(read_csv(old_errors)) == 24
        assert not (out / "errors.csv").exists()

    def test_same_report_again_is_not_copied(self, tmp_path: Path) -> None:
        """A run that writes the very same manifest leaves one file, not a pile of copies."""
        rows = sample_rows()[:1]
        rows[0]["child.name"] = ""
        source = write_csv(tmp_path / "bad.csv", rows)
        for _ in range(2):
            assert batch("decline-certificate", source, tmp_path / "out",
                         "--register", str(tmp_path / "r.sqlite")).exit_code == 1
        assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["errors.csv", "manifest.csv"]


class TestMissingColumn:
    def test_a_missing_column_is_one_header_message(self, tmp_path: Path) -> None:
        """No declined_on column (the 3 not_arranged rows need none): one message naming it,
        not one per row; nothing written."""
        rows = [{k: v for k, v in row.items() if k != "declined_on"} for row in sample_rows()]
        source = write_csv(tmp_path / "cases.csv", rows)
        result = batch("decline-certificate", source, tmp_path / "out",
                       "--register", str(tmp_path / "r.sqlite"))
        assert result.exit_code == 1
        assert "header row: no 'declined_on' column, which 21 of the 24 rows need" in result.output
        assert result.output.count("declined_on") == 2  # the column, and why it is needed
        assert "(whole record)" not in result.output
        assert not (tmp_path / "out").exists()

    def test_a_check_across_fields_names_them(self, tmp_path: Path) -> None:
        """issued_on before declined_on: errors.csv names both fields and gives both cells."""
        rows = sample_rows()[:2]
        rows[1]["issued_on"] = "2000-01-03"
        source = write_csv(tmp_path / "cases.csv", rows)
        result = batch("decline-certificate", source, tmp_path / "out",
                       "--register", str(tmp_path / "r.sqlite"))
        assert result.exit_code == 1
        (error,) = read_csv(tmp_path / "out" / "errors.csv")
        assert error["field"] == "issued_on, declined_on"
        assert error["found"] == f"2000-01-03, {rows[1]['declined_on']}"
        declined = rows[1]["declined_on"]
        assert error["message"].startswith(f"issued_on (2000-01-03) is before declined_on ({declined})")

    def test_summary_counts_one_problem_in_one_row(self, tmp_path: Path) -> None:
        """'1 problem in 1 row', not '1 problems in 1 rows'."""
        rows = sample_rows()[:2]
        rows[1]["child.name"] = ""
        source = write_csv(tmp_path / "cases.csv", rows)
        result = batch("decline-certificate", source, tmp_path / "out",
                       "--register", str(tmp_path / "r.sqlite"))
        assert "2 rows: 1 issued" in result.output
        assert "(1 problem in 1 row)" in result.output
