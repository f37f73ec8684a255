"""`medocs render`, `check` and `fields` through click's CliRunner, and the built wheel."""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest
from case_data import template_with
from click.testing import CliRunner
from helpers import PROFILE_ARG as PROFILE
from helpers import SAMPLES, docx_text, run_medocs

from medocs.cli import main
from medocs.documents.kinds import data_dir

ROOT = Path(__file__).resolve().parents[1]


def _render(tmp_path: Path, kind: str, case: Path, *extra: str) -> tuple[int, str]:
    result = run_medocs([
        "render", kind, str(case), "--profile", PROFILE, "--out", str(tmp_path / "out"),
        "--register", str(tmp_path / "register.sqlite"), "--today", "2025-01-01", *extra,
    ])
    return result.exit_code, result.output


def _corrected(tmp_path: Path, case: Path, name: str = "Mrs Sadia Khan") -> Path:
    """A copy of ``case`` with the recipient's name corrected."""
    corrected = tmp_path / f"corrected-{name.split()[0]}.toml"
    corrected.write_text(case.read_text(encoding="utf-8").replace("Ms Sadia Khan", name), encoding="utf-8")
    return corrected


class TestRender:
    def test_renders_into_a_folder_with_a_safe_name(self, tmp_path: Path) -> None:
        """A folder --out gets {case_ref}-{kind}.docx, and a certificate gets a number."""
        code, output = _render(tmp_path, "decline-certificate",
                               SAMPLES / "decline-certificate.toml")
        assert code == 0, output
        target = tmp_path / "out" / "GM-2024-1183-decline-certificate.docx"
        assert "certificate GM-2024-000001" in output
        assert "Certificate number: GM-2024-000001" in docx_text(target)

    def test_rendering_again_keeps_the_number_and_refuses_to_overwrite(self,
                                                                       tmp_path: Path) -> None:
        """A second run without --force fails cleanly; with --force it keeps the number."""
        case = SAMPLES / "decline-certificate.toml"
        assert _render(tmp_path, "decline-certificate", case)[0] == 0
        code, output = _render(tmp_path, "decline-certificate", case)
        assert code == 1
        assert "already exists: use --force" in output
        code, output = _render(tmp_path, "decline-certificate", case, "--force")
        assert code == 0
        assert "GM-2024-000001" in output

    def test_reissue_of_a_corrected_case_gives_a_new_number(self, runner: CliRunner, tmp_path: Path) -> None:
        """--reissue numbers the corrected certificate anew and replaces the one it supersedes."""
        case = SAMPLES / "decline-certificate.toml"
        _render(tmp_path, "decline-certificate", case)
        target = tmp_path / "out" / "GM-2024-1183-decline-certificate.docx"
        first = target.read_bytes()
        corrected = _corrected(tmp_path, case)
        code, output = _render(tmp_path, "decline-certificate", corrected, "--reissue")
        assert code == 0, output
        assert "GM-2024-000002" in output
        assert "Mrs Sadia Khan" in docx_text(target)
        shown = runner.invoke(main, ["register", "show", "GM-2024-000002",
                                          "--register", str(tmp_path / "register.sqlite")])
        assert "GM-2024-000001" in shown.output  # the reissue names the certificate it replaces
        assert first != target.read_bytes()
        old_copy = tmp_path / "kept.docx"
        old_copy.write_bytes(first)
        registry = ["--register", str(tmp_path / "register.sqlite")]
        verified = runner.invoke(main, ["register", "verify", str(old_copy), *registry])
        assert verified.exit_code == 0
        assert "GM-2024-000001" in verified.output
        assert "superseded by certificate GM-2024-000002" in verified.output
        shown = runner.invoke(main, ["register", "show", "GM-2024-000001", *registry])
        assert "superseded_by: GM-2024-000002" in shown.output
        pdf = tmp_path / "kept.pdf"
        pdf.write_bytes(b"%PDF-1.7 whatever")
        verified = runner.invoke(main, ["register", "verify", str(pdf), *registry])
        assert verified.exit_code == 1
        assert "PDFs are not registered: verify the .docx it was made from" in verified.output

    def test_interrupted_reissue_is_finished_by_running_it_again(self, tmp_path: Path) -> None:
        """Registered but not yet renamed (the old file still there): the same command finishes it."""
        case = SAMPLES / "decline-certificate.toml"
        _render(tmp_path, "decline-certificate", case)
        target = tmp_path / "out" / "GM-2024-1183-decline-certificate.docx"
        superseded = target.read_bytes()
        corrected = _corrected(tmp_path, case)
        assert _render(tmp_path, "decline-certificate", corrected, "--reissue")[0] == 0
        reissued = target.read_bytes()
        target.write_bytes(superseded)  # what a kill between the register and the rename leaves
        code, output = _render(tmp_path, "decline-certificate", corrected, "--reissue")
        assert code == 0, output
        assert "GM-2024-000002" in output
        assert target.read_bytes() == reissued

    @pytest.mark.needs_soffice
    def test_reissue_with_pdf_replaces_the_old_pdf(self, tmp_path: Path) -> None:
        """--reissue --pdf replaces the PDF of the superseded certificate; without --pdf it warns."""
        case = SAMPLES / "decline-certificate.toml"
        assert _render(tmp_path, "decline-certificate", case, "--pdf")[0] == 0
        pdf = tmp_path / "out" / "GM-2024-1183-decline-certificate.pdf"
        corrected = _corrected(tmp_path, case)
        code, output = _render(tmp_path, "decline-certificate", corrected, "--reissue", "--pdf")
        assert code == 0, output
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                              check=True).stdout
        assert "GM-2024-000002" in text
        again = _corrected(tmp_path, case, "Dr Sadia Khan")
        code, output = _render(tmp_path, "decline-certificate", again, "--reissue")
        assert code == 0, output
        assert "is still the PDF of the certificate this one replaces" in output

    def test_reissue_without_a_change_is_refused(self, tmp_path: Path) -> None:
        """Nothing changed since the certificate was issued: no second number, and it says why."""
        case = SAMPLES / "decline-certificate.toml"
        _render(tmp_path, "decline-certificate", case)
        code, output = _render(tmp_path, "decline-certificate", case, "--force", "--reissue")
        assert code == 1
        assert "GM-2024-000001 was issued from these same details" in output
        assert "without --reissue" in output

    def test_reissue_does_not_replace_a_file_that_is_not_the_certificate(self, tmp_path: Path) -> None:
        """An edited file at the target is kept unless --force says otherwise."""
        case = SAMPLES / "decline-certificate.toml"
        _render(tmp_path, "decline-certificate", case)
        target = tmp_path / "out" / "GM-2024-1183-decline-certificate.docx"
        target.write_bytes(b"edited by hand")
        corrected = _corrected(tmp_path, case)
        code, output = _render(tmp_path, "decline-certificate", corrected, "--reissue")
        assert code == 1
        assert "is not certificate GM-2024-000001" in output
        assert target.read_bytes() == b"edited by hand"
        code, output = _render(tmp_path, "decline-certificate", corrected, "--reissue", "--force")
        assert code == 0, output
        assert "GM-2024-000002" in output

    def test_a_bad_case_file_names_file_and_field(self, tmp_path: Path) -> None:
        """An impossible date is reported with the file and the field, exit 1."""
        bad = tmp_path / "bad.toml"
        text = (SAMPLES / "decline-certificate.toml").read_text(encoding="utf-8")
        bad.write_text(text.replace("issued_on = 2024-11-29", 'issued_on = "2024-02-31"'),
                       encoding="utf-8")
        code, output = _render(tmp_path, "decline-certificate", bad)
        assert code == 1
        assert "bad.toml" in output
        assert "'issued_on'" in output
        assert "2024-02-31" in output
        assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())

    def test_missing_profile_is_a_usage_error(self, runner: CliRunner, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
        """Without --profile or MEDOCS_PROFILE the command says how to give one."""
        monkeypatch.delenv("MEDOCS_PROFILE", raising=False)
        result = runner.invoke(main, ["render", "decision-letter",
                                           str(SAMPLES / "decision-letter.toml"),
                                           "--out", str(tmp_path)])
        assert result.exit_code == 2
        assert "--profile" in result.output

    def test_own_template_with_a_misspelt_field_fails_naming_it(self, tmp_path: Path) -> None:
        """--templates with a typo fails with the template, part and placeholder, no file."""
        templates = tmp_path / "mine"
        templates.mkdir()
        _copy_with(data_dir("templates") / "decision-letter.docx",
                   templates / "decision-letter.docx", "{{ officer.phone }}",
                   "{{ officer.phnoe }}")
        code, output = _render(tmp_path, "decision-letter", SAMPLES / "decision-letter.toml",
                               "--templates", str(templates))
        assert code == 1
        assert "decision-letter.docx" in output
        assert "officer.phnoe" in output
        assert "word/document.xml" in output
        assert "did you mean 'officer.phone'?" in output
        assert not list((tmp_path / "out").glob("*.docx"))

    @pytest.mark.needs_soffice
    def test_pdf_is_converted_by_libreoffice(self, tmp_path: Path) -> None:
        """--pdf writes a real PDF whose text carries the computed appeal date."""
        code, output = _render(tmp_path, "decline-certificate",
                               SAMPLES / "decline-certificate.toml", "--pdf")
        assert code == 0, output
        pdf = tmp_path / "out" / "GM-2024-1183-decline-certificate.pdf"
        assert pdf.read_bytes().startswith(b"%PDF-")
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                              check=True).stdout
        assert "Thursday 2 January 2025" in text

    @pytest.mark.needs_soffice
    def test_pdf_a_is_archival(self, tmp_path: Path) -> None:
        """--pdf-a writes PDF/A-2b, declared in the XMP metadata."""
        code, output = _render(tmp_path, "mediation-certificate",
                               SAMPLES / "mediation-certificate.toml", "--pdf-a")
        assert code == 0, output
        pdf = (tmp_path / "out" / "GM-2025-0107-mediation-certificate.pdf").read_bytes()
        assert b"pdfaid:part" in pdf
        assert (b'pdfaid:part="2"' in pdf
                                           or b"<pdfaid:part>2</pdfaid:part>" in pdf)


_copy_with = template_with


class TestCheck:
    def test_shipped_template_is_ok(self, runner: CliRunner) -> None:
        """The shipped decision letter template passes."""
        result = runner.invoke(main, ["check", str(data_dir("templates") /
                                                         "decision-letter.docx"),
                                           "--kind", "decision-letter"])
        assert result.exit_code == 0
        assert "OK" in result.output

    def test_misspelt_field_and_dropped_statutory_item_are_both_reported(
        self, runner: CliRunner, tmp_path: Path
    ) -> None:
        """A typo in the adviser's phone is unknown AND leaves reg 32(c) uncovered."""
        mine = tmp_path / "letter.docx"
        _copy_with(data_dir("templates") / "decision-letter.docx", mine,
                   "{{ adviser.phone }}", "{{ adviser.phnoe }}")
        result = runner.invoke(main, ["check", str(mine), "--kind", "decision-letter"])
        assert result.exit_code == 1
        assert "adviser.phnoe" in result.output
        assert "word/document.xml" in result.output
        assert "adviser.phone" in result.output
        assert "reg 32(c)" in result.output


class TestFields:
    def test_lists_nested_fields(self, runner: CliRunner) -> None:
        """fields prints dotted paths such as child.date_of_birth with an example."""
        result = runner.invoke(main, ["fields", "decline-certificate"])
        assert result.exit_code == 0
        assert "child.date_of_birth" in result.output
        assert "deadlines.appeal.date" in result.output

    def test_unknown_kind_is_a_usage_error(self, runner: CliRunner) -> None:
        """An unknown KIND exits 2 and lists the choices."""
        result = runner.invoke(main, ["fields", "refusal"])
        assert result.exit_code == 2
        assert "decision-letter" in result.output


class TestWheel:
    def test_wheel_renders_from_outside_the_repo(self, tmp_path: Path) -> None:
        """The built wheel carries templates and samples: render works from another folder."""
        dist = tmp_path / "dist"
        subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                        "-q", "-w", str(dist), str(ROOT)], check=True)
        (wheel,) = dist.glob("medocs-*.whl")
        names = zipfile.ZipFile(wheel).namelist()
        assert "medocs/templates/decision-letter.docx" in names
        assert "medocs/samples/westminster.toml" in names
        venv = tmp_path / "venv"
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        vpython = venv / "bin" / "python"
        subprocess.run([str(vpython), "-m", "pip", "install", "-q", "--no-deps", str(wheel)],
                       check=True)
        # Dependencies come from this project's venv (no network here); the wheel's own
        # site-packages comes first, so medocs itself is the installed wheel.
        site = subprocess.run([str(vpython), "-c", "import sysconfig; "
                               "print(sysconfig.get_paths()['purelib'])"],
                              capture_output=True, text=True, check=True).stdout.strip()
        Path(site, "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
        work = tmp_path / "elsewhere"
        work.mkdir()
        shutil.copy(SAMPLES / "decline-certificate.toml", work / "case.toml")
        shutil.copy(SAMPLES / "westminster.toml", work / "profile.toml")
        result = subprocess.run(
            [str(venv / "bin" / "medocs"), "render", "decline-certificate", "case.toml",
             "--profile", "profile.toml", "--out", "cert.docx", "--register", "reg.sqlite"],
            cwd=work, capture_output=True, text=True, check=False,
        )
        assert result.returncode == 0, result.stderr
        assert "Certificate number: GM-2024-000001" in docx_text(work / "cert.docx")
        where = subprocess.run([str(vpython), "-c", "import medocs; print(medocs.__file__)"],
                               capture_output=True, text=True, check=True, cwd=work).stdout
        assert str(venv) in where
