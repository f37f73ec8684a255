"""What a new-user trial found in the CLI: misspelt kinds, a closed pipe, samples, register dates."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import PROFILE, SAMPLES

from medocs.cli import main

EXAMPLE = SAMPLES / "example-profile.toml"


class TestMisspeltKind:
    @pytest.mark.parametrize("args", [
        ["render", "decison-letter", "case.toml", "--out", "out"],
        ["check", "t.docx", "--kind", "decison-letter"],
        ["fields", "decison-letter"],
        ["batch", "decison-letter", "cases.csv", "--out", "out"],
    ])
    def test_suggests_the_kind_on_one_line(self, runner: CliRunner, tmp_path: Path, args: list[str],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
        """A near miss names the kind meant and lists the kinds, whole, on one line; exit 2."""
        (tmp_path / "cases.csv").write_text("case_ref\n", encoding="utf-8")
        monkeypatch.chdir(tmp_path)
        result = runner.invoke(main, args, terminal_width=60)
        assert result.exit_code == 2
        (line,) = [line for line in result.output.splitlines() if "decison-letter" in line]
        assert ("unknown document kind 'decison-letter': did you mean 'decision-letter'? "
                "(kinds: decision-letter, decline-certificate, mediation-certificate,") in line

    def test_register_list_offers_only_numbered_kinds(self, runner: CliRunner, tmp_path: Path) -> None:
        """Only certificates have numbers, so only their kinds are offered."""
        result = runner.invoke(main, ["register", "list", "--kind", "decline-certificat",
                                           "--register", str(tmp_path / "r.sqlite")])
        assert result.exit_code == 2
        assert ("unknown kind of certificate 'decline-certificat': did you mean 'decline-certificate'? "
                "(kinds: decline-certificate, mediation-certificate)") in result.output

    def test_no_suggestion_for_nonsense(self, runner: CliRunner) -> None:
        result = runner.invoke(main, ["fields", "zzz"])
        assert result.exit_code == 2
        assert "unknown document kind 'zzz': (kinds: decision-letter," in result.output


def test_closed_stdout_pipe_exits_quietly(tmp_path: Path) -> None:
    """`medocs fields KIND | head`: the reader has gone; no 'Broken pipe' error, exit 141."""
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before medocs writes a line
    try:
        done = subprocess.run([sys.executable, "-m", "medocs", "fields", "decision-letter"],
                              stdout=write_end, stderr=subprocess.PIPE, check=False, cwd=tmp_path)
    finally:
        os.close(write_end)
    assert done.stderr == b""
    assert done.returncode == 141


class TestSamples:
    def test_copies_the_samples_and_never_overwrites(self, runner: CliRunner, tmp_path: Path) -> None:
        """Profiles, case files and batch files are copied; a second run refuses, --force replaces."""
        target = tmp_path / "mine"
        result = runner.invoke(main, ["samples", str(target)])
        assert result.exit_code == 0, result.output
        assert (target / "example-profile.toml").read_bytes() == EXAMPLE.read_bytes()
        assert (target / "decision-letter.toml").is_file()
        assert (target / "batch" / "decline-certificate.csv").is_file()
        (target / "example-profile.toml").write_text("mine", encoding="utf-8")
        again = runner.invoke(main, ["samples", str(target)])
        assert again.exit_code == 1
        assert "already in" in again.output
        assert "--force" in again.output
        assert (target / "example-profile.toml").read_text(encoding="utf-8") == "mine"
        forced = runner.invoke(main, ["samples", str(target), "--force"])
        assert forced.exit_code == 0, forced.output
        assert (target / "example-profile.toml").read_bytes() == EXAMPLE.read_bytes()

    def test_the_copied_samples_render(self, runner: CliRunner, tmp_path: Path) -> None:
        """What 'samples' copies is enough to render a letter with no checkout around."""
        runner.invoke(main, ["samples", str(tmp_path / "s")])
        result = runner.invoke(main, [
            "render", "decision-letter", str(tmp_path / "s" / "decision-letter.toml"),
            "--profile", str(tmp_path / "s" / "example-profile.toml"), "--out", str(tmp_path / "out"),
        ])
        assert result.exit_code == 0, result.output

    def test_no_profile_hint_and_help_name_the_command(self, runner: CliRunner,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.delenv("MEDOCS_PROFILE", raising=False)
        result = runner.invoke(main, ["render", "decision-letter",
                                           str(SAMPLES / "decision-letter.toml"), "--out", "x"])
        assert result.exit_code == 2
        assert "medocs samples DIR" in result.output
        assert "samples/example-profile.toml" not in result.output
        assert "medocs samples" in runner.invoke(main, ["--help"]).output


def test_register_show_and_export_give_generated_at_alike(runner: CliRunner, tmp_path: Path) -> None:
    """One format, ISO 8601 with the time zone, in 'register show' and 'register export'."""
    register = str(tmp_path / "register.sqlite")
    issued = runner.invoke(main, [
        "render", "decline-certificate", str(SAMPLES / "decline-certificate.toml"),
        "--profile", str(PROFILE), "--out", str(tmp_path / "out"), "--register", register,
    ])
    assert issued.exit_code == 0, issued.output
    number = issued.output.split("(certificate ")[1].split(")")[0]
    show = runner.invoke(main, ["register", "show", number, "--register", register]).stdout
    (shown,) = [line.split(": ", 1)[1] for line in show.splitlines() if line.startswith("generated_at:")]
    export = runner.invoke(main, ["register", "export", "--register", register]).stdout
    assert shown in export
    assert "T" in shown
    assert datetime.fromisoformat(shown).utcoffset() is not None
