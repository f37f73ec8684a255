"""`medocs pack`: a case journey on the command line (CliRunner, real files)."""

from __future__ import annotations

import json
import tomllib
from datetime import date
from pathlib import Path

import pytest
from helpers import PROFILE_ARG as PROFILE
from helpers import SAMPLES, docx_text, run_medocs

KHAN = SAMPLES / "journeys" / "khan-declined.toml"


def _pack(tmp_path: Path, *args: str) -> tuple[int, str, str]:
    result = run_medocs(["pack", *args, "--profile", PROFILE, "--register",
                                       str(tmp_path / "register.sqlite")])
    return result.exit_code, result.stdout, result.stderr


def test_pack_writes_every_document_the_sheet_and_the_calendar(tmp_path: Path) -> None:
    code, out, err = _pack(tmp_path, str(KHAN), "--out", str(tmp_path / "khan"), "--today", "2024-11-29")
    assert code == 0, err
    names = sorted(path.name for path in (tmp_path / "khan").iterdir())
    assert names == ["KHAN-2024-certificate-request.docx", "KHAN-2024-decision-letter.docx",
                     "KHAN-2024-decline-certificate.docx", "KHAN-2024-key-dates.docx",
                     "KHAN-2024-key-dates.ics"]
    assert "(certificate GM-2024-000001)" in out
    assert "GM-2024-000001" in docx_text(tmp_path / "khan" / "KHAN-2024-key-dates.docx")


def test_check_passes_a_sample_and_writes_nothing(tmp_path: Path) -> None:
    code, out, _ = _pack(tmp_path, "--check", str(KHAN))
    assert code == 0
    assert "OK" in out
    assert not (tmp_path / "register.sqlite").exists()


def _broken(tmp_path: Path) -> Path:
    data = tomllib.loads(KHAN.read_text(encoding="utf-8"))
    data["documents"]["decision-letter"]["letter_date"] = date(2024, 12, 2)
    data["documents"]["decline-certificate"]["decision"] = {"la_reference": "WCC-EHC-2024-0999"}
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(data, default=str), encoding="utf-8")
    return path


@pytest.mark.parametrize("mode", ["--check", "--out"])
def test_contradictions_are_all_listed_exit_1_and_nothing_is_written(tmp_path: Path, mode: str) -> None:
    """The Khan contradiction of issue 12, with another planted: both listed, one per line."""
    path = _broken(tmp_path)
    args = ["--check", str(path)] if mode == "--check" else [str(path), "--out", str(tmp_path / "out")]
    code, _, err = _pack(tmp_path, *args)
    assert code == 1
    lines = err.splitlines()
    assert any("decision-letter gives the date of the decision letter as Monday 2 December 2024" in line
               and "Tuesday 1 October 2024" in line for line in lines), err
    assert any("WCC-EHC-2024-0999" in line and "WCC-EHC-2024-0417" in line for line in lines), err
    assert "nothing written" in lines[-1]
    assert not (tmp_path / "out").exists()


def test_out_is_needed_without_check(tmp_path: Path) -> None:
    code, _, err = _pack(tmp_path, str(KHAN))
    assert code == 2
    assert "--out" in err


def test_a_second_run_needs_force(tmp_path: Path) -> None:
    out = tmp_path / "khan"
    assert _pack(tmp_path, str(KHAN), "--out", str(out), "--today", "2024-11-29")[0] == 0
    code, _, err = _pack(tmp_path, str(KHAN), "--out", str(out), "--today", "2024-11-29")
    assert code == 1
    assert "use --force" in err
    assert _pack(tmp_path, str(KHAN), "--out", str(out), "--today", "2024-11-29", "--force")[0] == 0


@pytest.mark.needs_soffice
def test_pdf(tmp_path: Path) -> None:
    """--pdf converts every document and the sheet (LibreOffice)."""
    out = tmp_path / "khan"
    code, _, err = _pack(tmp_path, str(KHAN), "--out", str(out), "--today", "2024-11-29", "--pdf")
    assert code == 0, err
    assert sorted(path.name for path in out.glob("*.pdf")) == [
        "KHAN-2024-certificate-request.pdf", "KHAN-2024-decision-letter.pdf",
        "KHAN-2024-decline-certificate.pdf", "KHAN-2024-key-dates.pdf"]
