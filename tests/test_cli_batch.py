"""`medocs batch` through click's CliRunner, and as a real process killed part-way and run again."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from helpers import PROFILE, SAMPLES, docx_text, many_rows, run_medocs, sample_rows, write_csv

from medocs.cli import main
from medocs.register import Register, file_sha256

BATCH = SAMPLES / "batch"


def batch(tmp_path: Path, *args: str) -> Result:
    """medocs batch with the sample profile, a register in tmp_path and a fixed today."""
    return run_medocs([
        "batch", *args, "--profile", str(PROFILE), "--register", str(tmp_path / "register.sqlite"),
        "--today", "2025-01-01",
    ])


def manifest(out: Path) -> list[dict[str, str]]:
    text = (out / "manifest.csv").read_text(encoding="utf-8-sig")
    return list(csv.DictReader(io.StringIO(text, newline="")))


class TestBatchCommand:
    def test_sample_workbook_renders_every_row(self, tmp_path: Path) -> None:
        """The 24-row sample .xlsx gives 24 certificates, a manifest and a register, exit 0."""
        out = tmp_path / "out"
        result = batch(tmp_path, "decline-certificate", str(BATCH / "decline-certificate.xlsx"),
                       "--out", str(out))
        assert result.exit_code == 0, result.output
        assert "24 rows: 24 issued, 0 already done, 0 with errors" in result.output
        assert len(list(out.glob("*.docx"))) == 24
        assert len(manifest(out)) == 24
        assert "GM-2025-000024" in docx_text(out / "GM-2025-0124-decline-certificate.docx")

    def test_bad_rows_exit_1_and_are_listed(self, tmp_path: Path) -> None:
        """The bad sample: each problem on screen with file, row, case and field; good rows written."""
        out = tmp_path / "out"
        result = batch(tmp_path, "decline-certificate", str(BATCH / "decline-certificate-bad.csv"),
                       "--out", str(out))
        assert result.exit_code == 1
        assert ("decline-certificate-bad.csv row 3 (GM-2025-0901): 'child.date_of_birth': is not a real "
                "date: February 2016 has 29 days (got '2016-02-30')") in result.output
        assert "row 5 (GM-2025-0902): 'recipient.name': required" in result.output
        assert "5 issued, 0 already done, 5 with errors" in result.output
        assert (out / "errors.csv").is_file()
        assert len(list(out.glob("*.docx"))) == 5

    def test_second_run_reports_rows_already_done(self, tmp_path: Path) -> None:
        """Running the same command again exits 0 and says every row was done before."""
        source = str(BATCH / "mediation-certificate.csv")
        args = ("mediation-certificate", source, "--out", str(tmp_path / "o"))
        assert batch(tmp_path, *args).exit_code == 0
        result = batch(tmp_path, *args)
        assert result.exit_code == 0
        assert "24 rows: 0 issued, 24 already done, 0 with errors" in result.output

    def test_existing_file_needs_force(self, tmp_path: Path) -> None:
        """A file in the way is a row error (exit 1) and kept; --force replaces it (exit 0)."""
        out = tmp_path / "out"
        out.mkdir()
        (out / "GM-2025-0101-decline-certificate.docx").write_text("mine")
        source = write_csv(tmp_path / "in.csv", sample_rows()[:2])
        result = batch(tmp_path, "decline-certificate", str(source), "--out", str(out))
        assert result.exit_code == 1
        assert "use --force to replace it" in result.output
        assert (out / "GM-2025-0101-decline-certificate.docx").read_text() == "mine"
        result = batch(tmp_path, "decline-certificate", str(source), "--out", str(out), "--force")
        assert result.exit_code == 0, result.output

    def test_name_pattern_and_jsonl(self, tmp_path: Path) -> None:
        """--name '{child} {case_ref}' names files by child; JSONL input works like CSV."""
        source = tmp_path / "in.jsonl"
        lines = [json.dumps({k: v for k, v in row.items() if v}) for row in sample_rows()[:2]]
        source.write_text("\n".join(lines), encoding="utf-8")
        out = tmp_path / "out"
        result = batch(tmp_path, "decline-certificate", str(source), "--out", str(out),
                       "--name", "{child} {case_ref}")
        assert result.exit_code == 0, result.output
        assert (out / "Siobhán O'Brien GM-2025-0102.docx").is_file()

    def test_quiet_prints_no_summary(self, tmp_path: Path) -> None:
        """--quiet prints nothing when every row is issued."""
        source = write_csv(tmp_path / "in.csv", sample_rows()[:1])
        result = batch(tmp_path, "decline-certificate", str(source), "--out", str(tmp_path / "o"), "--quiet")
        assert result.exit_code == 0
        assert result.output == ""

    @pytest.mark.parametrize(("args", "expected"), [
        (["{tmp}/notes.txt"], "must be a .csv, .xlsx or .jsonl"),
        (["{tmp}/in.csv", "--sheet", "Cases"], "--sheet is for .xlsx files only"),
        (["{tmp}/in.csv", "--name", "{{case_reference}}"], "may use only"),
        (["{tmp}/in.csv", "--jobs", "0"], "--jobs"),
        (["{tmp}/missing.csv"], "does not exist"),
    ], ids=["suffix", "sheet-on-csv", "name-pattern", "jobs", "missing-input"])
    def test_usage_errors_exit_2(self, tmp_path: Path, args: list[str], expected: str) -> None:
        """Bad options and inputs are usage errors: exit 2, nothing written."""
        write_csv(tmp_path / "in.csv", sample_rows()[:1])
        (tmp_path / "notes.txt").write_text("x")
        given = [arg.format(tmp=tmp_path) for arg in args]
        result = batch(tmp_path, "decline-certificate", *given, "--out", str(tmp_path / "o"))
        assert result.exit_code == 2
        assert expected in result.output
        assert not (tmp_path / "o").exists()

    def test_unreadable_file_exits_1_with_where(self, tmp_path: Path) -> None:
        """A Windows-1252 file stops the batch with the byte, line and the fix; nothing written."""
        source = write_csv(tmp_path / "in.csv", sample_rows()[:2], encoding="cp1252")
        result = batch(tmp_path, "decline-certificate", str(source), "--out", str(tmp_path / "o"))
        assert result.exit_code == 1
        assert "in.csv: not UTF-8 text: byte 0xEB" in result.output
        assert not (tmp_path / "o").exists()


class TestFieldsListsBatchColumns:
    def test_batch_columns_follow_the_template_fields(self, runner: CliRunner) -> None:
        """medocs fields prints the batch header names, numbered lists explained."""
        result = runner.invoke(main, ["fields", "mediation-certificate"])
        assert result.exit_code == 0
        assert "Batch columns" in result.output
        assert "issues.N.issue  text; required in each item; list: issues.1.issue, issues.2.issue" in (
            result.output)
        assert "child.date_of_birth  date (2025-03-01 or 1/3/2025); required" in result.output


def _medocs(*args: str) -> list[str]:
    return [sys.executable, "-m", "medocs", *args]


def _wait_for_docx(out: Path, count: int, process: subprocess.Popen[bytes]) -> None:
    """Poll until ``count`` documents exist; no sleeping for a fixed time."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if out.is_dir() and sum(1 for p in out.iterdir() if p.suffix == ".docx") >= count:
            return
        if process.poll() is not None:
            pytest.fail(f"medocs batch ended before it could be killed: {process.stderr!r}")
        time.sleep(0.002)
    pytest.fail("medocs batch wrote no documents")


class TestKillAndRerun:
    @pytest.mark.parametrize("jobs", ["1", "2"])
    def test_killed_batch_leaves_only_registered_files_and_finishes_on_rerun(
        self, tmp_path: Path, jobs: str
    ) -> None:
        """SIGKILL part-way: no partial file, every file registered; a re-run issues each row once."""
        source = write_csv(tmp_path / "in.csv", many_rows(300))
        out, register = tmp_path / "out", tmp_path / "register.sqlite"
        args = _medocs("batch", "decline-certificate", str(source), "--out", str(out), "--profile",
                       str(PROFILE), "--register", str(register), "--today", "2025-01-01", "--jobs", jobs)
        process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   start_new_session=True)
        _wait_for_docx(out, 20, process)
        os.killpg(process.pid, signal.SIGKILL)  # the workers too
        process.wait()
        assert process.returncode == -signal.SIGKILL
        assert not (out / "manifest.csv").exists()

        with Register(register) as reg:
            issued = {e.sha256: e for e in reg.list() if e.status == "issued"}
        on_disk = sorted(out.glob("*.docx"))
        assert 20 <= len(on_disk) < 300
        for path in on_disk:
            assert zipfile.ZipFile(path).testzip() is None
            assert file_sha256(path) in issued, f"{path.name} is not a registered certificate"
            assert issued[file_sha256(path)].output_name == path.name

        rerun = subprocess.run(args, capture_output=True, text=True, check=False)
        assert rerun.returncode == 0, rerun.stderr
        lines = manifest(out)
        assert len(lines) == 300
        assert {line["status"] for line in lines} <= {"issued", "skipped-already-done"}
        assert sum(line["status"] == "skipped-already-done" for line in lines) >= len(on_disk)
        with Register(register) as reg:
            entries = reg.list()
        assert len(entries) == 300
        assert {e.status for e in entries} == {"issued"}
        assert sorted(e.case_ref for e in entries) == sorted(line["case_ref"] for line in lines)
        assert sorted(e.number for e in entries) == [f"GM-2025-{n:06d}" for n in range(1, 301)]
        for line in lines:
            assert file_sha256(out / line["output"]) == line["sha256"]
        assert not [p.name for p in out.iterdir() if p.name.endswith(".tmp")]

    def test_killed_reissue_finishes_on_rerun_without_reissuing_twice(self, tmp_path: Path) -> None:
        """SIGKILL part-way through --reissue: the re-run reissues the rest, each case exactly once."""
        rows = many_rows(200)
        out, register = tmp_path / "out", tmp_path / "register.sqlite"
        common = ["--out", str(out), "--profile", str(PROFILE), "--register", str(register),
                  "--today", "2025-01-01", "--jobs", "2"]
        source = write_csv(tmp_path / "in.csv", rows)
        first = subprocess.run(_medocs("batch", "decline-certificate", str(source), *common),
                               capture_output=True, text=True, check=False)
        assert first.returncode == 0, first.stderr
        for row in rows:
            row["recipient.name"] = "Mrs Corrected Name"
        args = _medocs("batch", "decline-certificate", str(write_csv(tmp_path / "fixed.csv", rows)),
                       *common, "--reissue")
        process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   start_new_session=True)
        deadline = time.monotonic() + 120
        while _reissued(register) < 10:
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the reissue ended before it could be killed: {process.stderr!r}")
            time.sleep(0.002)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        assert 10 <= _reissued(register) < 200

        rerun = subprocess.run(args, capture_output=True, text=True, check=False)
        assert rerun.returncode == 0, rerun.stderr
        with Register(register) as reg:
            entries = reg.list()
        reissues = [e for e in entries if e.reissue_of is not None]
        assert len(entries) == 400
        assert sorted(e.case_ref for e in reissues) == sorted(row["case_ref"] for row in rows)
        assert {e.status for e in entries} == {"issued"}
        latest = {e.output_name: e.sha256 for e in reissues}
        for path in out.glob("*.docx"):
            assert file_sha256(path) == latest[path.name]
        assert "Mrs Corrected Name" in docx_text(out / "K-00200-decline-certificate.docx")


def _reissued(register: Path) -> int:
    """How many reissues the register records as issued (readable while a batch writes)."""
    with Register(register) as reg:
        return sum(1 for e in reg.list() if e.reissue_of is not None and e.status == "issued")


class TestTerminate:
    def test_sigterm_stops_like_ctrl_c_and_the_rerun_finishes(self, tmp_path: Path) -> None:
        """SIGTERM to medocs (not its workers): the interrupted message, exit 130, workers gone."""
        source = write_csv(tmp_path / "in.csv", many_rows(300))
        out, register = tmp_path / "out", tmp_path / "register.sqlite"
        args = _medocs("batch", "decline-certificate", str(source), "--out", str(out), "--profile",
                       str(PROFILE), "--register", str(register), "--today", "2025-01-01", "--jobs", "2")
        process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   start_new_session=True)
        _wait_for_docx(out, 20, process)
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=60)
        assert process.returncode == 130, stderr
        assert b"interrupted; no file is partial" in stderr
        with pytest.raises(ProcessLookupError):  # the workers went with it
            os.killpg(process.pid, 0)
        rerun = subprocess.run(args, capture_output=True, text=True, check=False)
        assert rerun.returncode == 0, rerun.stderr
        assert len(manifest(out)) == 300


class TestReissueDigest:
    """What a certificate says decides whether a re-run changes it, not every profile detail."""

    def _run(self, tmp_path: Path, profile: Path, source: Path, *extra: str) -> Result:
        return CliRunner().invoke(main, [
            "batch", "decline-certificate", str(source), "--out", str(tmp_path / "out"),
            "--profile", str(profile), "--register", str(tmp_path / "register.sqlite"),
            "--today", "2025-01-01", *extra])

    def test_a_new_sendiass_phone_changes_no_certificate(self, tmp_path: Path) -> None:
        """A profile file with another SENDIASS phone: the re-run and --reissue exit 0, no number spent."""
        source = write_csv(tmp_path / "in.csv", sample_rows()[:3])
        assert self._run(tmp_path, PROFILE, source).exit_code == 0
        edited = tmp_path / "profile.toml"
        text = PROFILE.read_text(encoding="utf-8")
        assert text.count('phone = "020 8966 1224"') == 1  # the SENDIASS one only
        edited.write_text(text.replace('phone = "020 8966 1224"', 'phone = "020 7000 9999"'),
                          encoding="utf-8")
        for extra in ((), ("--reissue",)):
            result = self._run(tmp_path, edited, source, *extra)
            assert result.exit_code == 0, result.output
            assert "3 rows: 0 issued, 3 already done, 0 with errors" in result.output
        with Register(tmp_path / "register.sqlite") as register:
            assert len(register.list()) == 3

    def test_a_new_adviser_name_needs_reissue(self, tmp_path: Path) -> None:
        """The adviser signs the certificate: a re-run says --reissue, which gives new numbers."""
        source = write_csv(tmp_path / "in.csv", sample_rows()[:2])
        assert self._run(tmp_path, PROFILE, source).exit_code == 0
        text = PROFILE.read_text(encoding="utf-8")
        start = text.index("[mediation_service.adviser]")
        name_at = text.index("name = ", start)
        end = text.index("\n", name_at)
        edited = tmp_path / "profile.toml"
        edited.write_text(text[:name_at] + 'name = "Ms Zoë Newname"' + text[end:], encoding="utf-8")
        again = self._run(tmp_path, edited, source)
        assert again.exit_code == 1
        assert "use --reissue" in again.output
        reissued = self._run(tmp_path, edited, source, "--reissue")
        assert reissued.exit_code == 0, reissued.output
        assert "2 rows: 2 issued, 0 already done, 0 with errors" in reissued.output
        with Register(tmp_path / "register.sqlite") as register:
            assert len(register.list()) == 4
