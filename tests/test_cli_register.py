"""`medocs register list/show/verify/export` through click's CliRunner, on a register a batch filled."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from helpers import PROFILE, SAMPLES, run_medocs, sample_rows, write_csv

from medocs.cli import main


@pytest.fixture
def issued(tmp_path: Path) -> Path:
    """A register holding 24 decline and 24 mediation certificates; returns the output folder."""
    for kind in ("decline-certificate", "mediation-certificate"):
        result = run_medocs([
            "batch", kind, str(SAMPLES / "batch" / f"{kind}.csv"), "--out", str(tmp_path / "out"),
            "--profile", str(PROFILE), "--register", str(tmp_path / "register.sqlite"), "--quiet",
        ])
        assert result.exit_code == 0, result.output
    return tmp_path / "out"


def register(tmp_path: Path, *args: str) -> Result:
    return run_medocs(["register", *args, "--register", str(tmp_path / "register.sqlite")])


class TestList:
    def test_lists_every_certificate_in_number_order(self, tmp_path: Path, issued: Path) -> None:
        """48 certificates, a header, numbers in order, the output file of each."""
        result = register(tmp_path, "list")
        assert result.exit_code == 0
        lines = result.stdout.splitlines()
        assert lines[0].split() == ["number", "kind", "case_ref", "issued_on", "status", "output"]
        assert len(lines) == 49
        assert lines[1].split()[:3] == ["GM-2025-000001", "decline-certificate", "GM-2025-0101"]
        assert lines[1].split()[-1] == "GM-2025-0101-decline-certificate.docx"

    def test_since_and_kind_filter(self, tmp_path: Path, issued: Path) -> None:
        """--kind keeps one kind; --since keeps certificates issued on or after the date."""
        only = register(tmp_path, "list", "--kind", "mediation-certificate").stdout.splitlines()[1:]
        assert len(only) == 24
        assert {line.split()[1] for line in only} == {"mediation-certificate"}
        recent = register(tmp_path, "list", "--since", "2025-06-01").stdout.splitlines()[1:]
        assert recent
        assert all(line.split()[3] >= "2025-06-01" for line in recent)

    def test_missing_register_is_an_error(self, tmp_path: Path) -> None:
        """A register file that does not exist is not created: exit 1, saying where it looked."""
        result = register(tmp_path, "list")
        assert result.exit_code == 1
        assert "no certificate register at" in result.output
        assert not (tmp_path / "register.sqlite").exists()

    def test_profile_names_the_register(self, runner: CliRunner, tmp_path: Path, issued: Path) -> None:
        """Without --register, the profile's 'register' key is used."""
        profile = tmp_path / "profile.toml"
        profile.write_text('register = "register.sqlite"\n' + PROFILE.read_text(encoding="utf-8"),
                           encoding="utf-8")
        result = runner.invoke(main, ["register", "list", "--profile", str(profile)])
        assert result.exit_code == 0, result.output
        assert "48 certificate(s)" in result.output


class TestShow:
    def test_shows_every_recorded_fact(self, tmp_path: Path, issued: Path) -> None:
        """show prints the case, parties, dates, file, hash and versions of a number."""
        result = register(tmp_path, "show", "GM-2025-000002")
        assert result.exit_code == 0
        assert "case_ref: GM-2025-0102" in result.output
        assert "parties: Mr Declan & Mrs Áine O'Brien; Westminster City Council" in result.output
        assert "status: issued" in result.output
        assert "output_name: GM-2025-0102-decline-certificate.docx" in result.output
        assert "holidays_version: " in result.output

    def test_unknown_number_exits_1(self, tmp_path: Path, issued: Path) -> None:
        """A number not in the register is an error naming it."""
        result = register(tmp_path, "show", "GM-2025-999999")
        assert result.exit_code == 1
        assert "GM-2025-999999" in result.output


class TestVerify:
    def test_unaltered_certificate_is_recognised(self, tmp_path: Path, issued: Path) -> None:
        """A file as issued: exit 0 with its number and case."""
        result = register(tmp_path, "verify", str(issued / "GM-2025-0103-decline-certificate.docx"))
        assert result.exit_code == 0
        assert "certificate GM-2025-000003 (decline-certificate) for case GM-2025-0103" in result.output
        assert "unaltered" in result.output

    def test_altered_file_is_not(self, tmp_path: Path, issued: Path) -> None:
        """One byte changed: exit 1, NOT a certificate issued here or altered."""
        target = issued / "GM-2025-0103-decline-certificate.docx"
        data = bytearray(target.read_bytes())
        data[-1] ^= 1
        target.write_bytes(bytes(data))
        result = register(tmp_path, "verify", str(target))
        assert result.exit_code == 1
        assert "NOT a certificate issued" in result.output


class TestExport:
    def test_csv_to_screen(self, tmp_path: Path, issued: Path) -> None:
        """export --csv prints a header and one line per certificate."""
        result = register(tmp_path, "export", "--csv")
        assert result.exit_code == 0
        rows = list(csv.DictReader(io.StringIO(result.stdout)))
        assert len(rows) == 48
        assert rows[0]["number"] == "GM-2025-000001"
        assert rows[0]["status"] == "issued"

    def test_csv_to_file_neutralises_formulas_and_keeps_existing(self, runner: CliRunner,
                                                                 tmp_path: Path) -> None:
        """A case_ref '=HYPERLINK(...)' is exported as text; an existing --out needs --force."""
        rows = sample_rows()[:1]
        rows[0]["case_ref"] = '=HYPERLINK("http://x")'
        result = runner.invoke(main, [
            "batch", "decline-certificate", str(write_csv(tmp_path / "in.csv", rows)),
            "--out", str(tmp_path / "out"), "--profile", str(PROFILE),
            "--register", str(tmp_path / "register.sqlite"), "--quiet",
        ])
        assert result.exit_code == 0, result.output
        target = tmp_path / "register.csv"
        assert register(tmp_path, "export", "--csv", "--out", str(target)).exit_code == 0
        text = target.read_text(encoding="utf-8-sig")
        assert "'=HYPERLINK" in text
        assert ",=" not in text
        again = register(tmp_path, "export", "--csv", "--out", str(target))
        assert again.exit_code == 1
        assert "--force" in again.output
        assert register(tmp_path, "export", "--csv", "--out", str(target), "--force").exit_code == 0
