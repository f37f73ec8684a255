"""The rule for tests that need LibreOffice or python3-uno: skip on a laptop, fail in CI.

These check helpers.py's requirements (used by conftest's needs_soffice / needs_uno markers)
and the environment variables they and medocs read to find soffice and a uno Python.
"""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import pytest
from helpers import missing_package, require_soffice, require_uno

from medocs.errors import PdfError
from medocs.pdf.pool import find_soffice
from medocs.pdf.uno_client import find_uno_python


class TestSkipOrFail:
    def test_without_ci_a_missing_package_skips_naming_it_and_the_command(
            self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.delenv("CI", raising=False)
        with pytest.raises(pytest.skip.Exception, match=(
                r"Debian package python3-uno is missing; install with: "
                r"sudo apt-get install libreoffice-writer-nogui python3-uno$")):
            missing_package("python3-uno", "a Python that can 'import uno'")

    @pytest.mark.parametrize("value", ["true", "1", "TRUE"])
    def test_with_ci_a_missing_package_fails(self, monkeypatch: pytest.MonkeyPatch, value: str) -> None:
        monkeypatch.setenv("CI", value)
        with pytest.raises(pytest.fail.Exception, match=r"CI=true: CI installs it"):
            missing_package("libreoffice-writer-nogui", "LibreOffice (soffice)")

    def test_soffice_hidden_by_medocs_soffice_is_missing(self, monkeypatch: pytest.MonkeyPatch,
                                                         tmp_path: Path) -> None:
        monkeypatch.delenv("CI", raising=False)
        monkeypatch.setenv("MEDOCS_SOFFICE", str(tmp_path / "no-soffice"))
        with pytest.raises(pytest.skip.Exception, match="libreoffice-writer-nogui is missing"):
            require_soffice()

    def test_uno_hidden_by_medocs_uno_python_is_missing(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.delenv("CI", raising=False)
        monkeypatch.setenv("MEDOCS_UNO_PYTHON", sys.executable)  # the virtualenv's: no uno
        with pytest.raises(pytest.skip.Exception, match="python3-uno is missing"):
            require_uno()


class TestExplicitChoices:
    def test_medocs_soffice_is_the_only_soffice_tried(self, monkeypatch: pytest.MonkeyPatch,
                                                      tmp_path: Path) -> None:
        script = tmp_path / "my-soffice"
        script.write_text("#!/bin/sh\nexit 0\n", encoding="utf-8")
        script.chmod(script.stat().st_mode | stat.S_IXUSR)
        monkeypatch.setenv("MEDOCS_SOFFICE", str(script))
        assert find_soffice() == str(script)
        monkeypatch.setenv("MEDOCS_SOFFICE", str(tmp_path / "absent"))
        with pytest.raises(PdfError, match=r"\$MEDOCS_SOFFICE is '.*absent', which is not an executable"):
            find_soffice()

    def test_medocs_uno_python_without_uno_means_none(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Even where the system python3 has uno, the explicit choice is the only one tried."""
        monkeypatch.setenv("MEDOCS_UNO_PYTHON", sys.executable)
        assert find_uno_python(os.devnull) is None
