"""Shared fixtures, and the rule for tests that need LibreOffice or python3-uno.

Mark a test (or class) ``@pytest.mark.needs_soffice`` when it runs the real LibreOffice, and
``@pytest.mark.needs_uno`` when it drives it over UNO. Where the package is missing the test
is skipped with one line naming the Debian package and the install command, and the summary
counts the skips; with ``CI=true`` the same absence is a failure, because CI installs both.
``MEDOCS_SOFFICE`` and ``MEDOCS_UNO_PYTHON`` choose (or hide) them, as they do for medocs.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import INSTALL_COMMAND, PROFILE, SAMPLES, require_soffice, require_uno

from medocs.profiles import Profile, load_profile
from medocs.register import Register

_NEEDS = {"needs_soffice": (require_soffice,), "needs_uno": (require_soffice, require_uno)}


def pytest_configure(config: pytest.Config) -> None:
    """Declare the markers (the suite runs with --strict-markers)."""
    config.addinivalue_line("markers", "needs_soffice: runs the real LibreOffice (libreoffice-writer-nogui)")
    config.addinivalue_line(
        "markers", "needs_uno: drives LibreOffice over UNO (libreoffice-writer-nogui, python3-uno)")


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Skip, or with CI=true fail, a marked test whose system package is missing."""
    for marker, requirements in _NEEDS.items():
        if item.get_closest_marker(marker) is not None:
            for require in requirements:
                require()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say once, at the end, how many tests a missing system package skipped and how to install it."""
    skipped = [report for report in terminalreporter.stats.get("skipped", [])
               if "Debian package" in str(getattr(report, "longrepr", ""))]
    if skipped:
        terminalreporter.write_line(
            f"{len(skipped)} test(s) skipped: LibreOffice or python3-uno is missing "
            f"(install with: {INSTALL_COMMAND})", yellow=True)


@pytest.fixture
def runner() -> CliRunner:
    """A click test runner for ``medocs.cli.main``."""
    return CliRunner()


@pytest.fixture
def samples() -> Path:
    """The shipped samples folder: profiles, case files, batch files."""
    return SAMPLES


@pytest.fixture(scope="session")
def profile() -> Profile:
    """The sample organisation profile (Westminster), loaded once."""
    return load_profile(PROFILE)


@pytest.fixture
def sample_case(samples: Path) -> Path:
    """A sample case file of a numbered document (a decline certificate)."""
    return samples / "decline-certificate.toml"


@pytest.fixture
def register(tmp_path: Path) -> Iterator[Register]:
    """A new, empty certificate register in this test's folder; closed afterwards."""
    with Register(tmp_path / "register.sqlite3") as opened:
        yield opened
