"""Tests for the public API of medocs (ARCHITECTURE §5.5)."""

from __future__ import annotations

import subprocess
import sys

import medocs

# The contract of ARCHITECTURE §3, plus the other names medocs chooses to export.
EXPECTED = {
    "Deadline",
    "MedocsError",
    "TimelineDates",
    "__version__",
    "add_months",
    "add_working_days",
    "appeal_deadline",
    "compute_timeline",
    "is_working_day",
}


class TestPublicApi:
    """medocs.__all__ is deliberate, sorted and importable."""

    def test_all_is_sorted(self) -> None:
        """__all__ is in sorted order."""
        assert medocs.__all__ == sorted(medocs.__all__)

    def test_all_is_exactly_the_expected_names(self) -> None:
        """__all__ holds exactly the expected public names, with no duplicates."""
        assert len(medocs.__all__) == len(set(medocs.__all__))
        assert set(medocs.__all__) == EXPECTED

    def test_every_name_is_importable(self) -> None:
        """Every name in __all__ is an attribute of the package."""
        assert all(hasattr(medocs, name) for name in medocs.__all__)

    def test_contract_functions_are_the_library_ones(self) -> None:
        """The re-exported functions are those of timeline and workdays."""
        from medocs.timeline import deadlines as timeline
        from medocs.timeline import workdays

        assert medocs.appeal_deadline is timeline.appeal_deadline
        assert medocs.Deadline is timeline.Deadline
        assert medocs.add_working_days is workdays.add_working_days
        assert medocs.is_working_day is workdays.is_working_day
        assert medocs.add_months is workdays.add_months

    def test_import_does_not_import_click(self) -> None:
        """`import medocs` must not import click (ARCHITECTURE §2)."""
        code = "import sys, medocs; print('click' in sys.modules)"
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        assert out.stdout.strip() == "False"
