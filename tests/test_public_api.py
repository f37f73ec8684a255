"""Tests for the public API of medocs (ARCHITECTURE §5.5)."""

from __future__ import annotations

import subprocess
import sys
import types
from datetime import date
from pathlib import Path

import pytest
from helpers import docx_text

import medocs

SAMPLES = Path(__file__).resolve().parents[1] / "samples"

# The contract of ARCHITECTURE §3, plus the other names medocs chooses to export.
EXPECTED = {
    "CaseModel",
    "CaseValidationError",
    "DateInputError",
    "Deadline",
    "DocumentKind",
    "KINDS",
    "MedocsError",
    "OutputError",
    "OutputExistsError",
    "PdfError",
    "Profile",
    "ProfileError",
    "RegisterError",
    "RenderError",
    "Rendered",
    "TemplateError",
    "TimelineDates",
    "__version__",
    "add_months",
    "add_working_days",
    "appeal_deadline",
    "compute_timeline",
    "document_kind",
    "is_working_day",
    "load_case",
    "load_profile",
    "render",
    "to_pdf",
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

    def test_all_imports_are_exported(self) -> None:
        """Every public name the package holds is in __all__, and __all__ holds nothing private.

        Modelled on httpx's tests/test_exported_members.py; the subpackages and modules that
        importing medocs loads are attributes too, and are not part of the API.
        """
        public = {name for name, value in vars(medocs).items()
                  if not name.startswith("_") and not isinstance(value, types.ModuleType)}
        assert public | {"__version__"} == set(medocs.__all__)
        assert [name for name in medocs.__all__ if name.startswith("_")] == ["__version__"]

    def test_version_comes_from_the_version_file(self) -> None:
        """medocs.__version__ is the one in medocs/_version.py (hatch reads the same file)."""
        from medocs import _version

        assert medocs.__version__ == _version.__version__

    def test_contract_functions_are_the_library_ones(self) -> None:
        """The re-exported functions are those of timeline and workdays."""
        from medocs.timeline import deadlines as timeline
        from medocs.timeline import workdays

        assert medocs.appeal_deadline is timeline.appeal_deadline
        assert medocs.Deadline is timeline.Deadline
        assert medocs.add_working_days is workdays.add_working_days
        assert medocs.is_working_day is workdays.is_working_day
        assert medocs.add_months is workdays.add_months

    def test_errors_are_one_tree(self) -> None:
        """Every exported error class is a MedocsError."""
        errors = [getattr(medocs, name) for name in medocs.__all__ if name.endswith("Error")]
        assert len(errors) == 10
        assert all(issubclass(error, medocs.MedocsError) for error in errors)

    def test_import_does_not_import_click(self) -> None:
        """`import medocs` must not import click (ARCHITECTURE §2)."""
        code = "import sys, medocs; print('click' in sys.modules)"
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        assert out.stdout.strip() == "False"


class TestRender:
    """medocs.render issues a document as `medocs render` does."""

    def test_renders_a_certificate_from_files_and_registers_it(self, tmp_path: Path) -> None:
        """Files in, a numbered certificate out, recorded in the register given."""
        result = medocs.render("decline-certificate", SAMPLES / "decline-certificate.toml",
                               out=tmp_path, profile=SAMPLES / "westminster.toml",
                               register=tmp_path / "register.sqlite", today=date(2025, 1, 6))
        assert result.docx.parent == tmp_path
        assert result.certificate_number is not None
        assert result.certificate_number in docx_text(result.docx)
        assert result.pdf is None

    def test_takes_objects_and_typed_kinds(self, tmp_path: Path) -> None:
        """A DocumentKind and a loaded case give the same document as the files do."""
        kind = medocs.document_kind("decision-letter")
        case = medocs.load_case(SAMPLES / "decision-letter.toml", kind.model)
        profile = medocs.load_profile(SAMPLES / "westminster.toml")
        by_object = medocs.render(kind, case, out=tmp_path / "a.docx", profile=profile,
                                  today=date(2025, 1, 6))
        by_file = medocs.render("decision-letter", SAMPLES / "decision-letter.toml",
                                out=tmp_path / "b.docx", profile=SAMPLES / "westminster.toml",
                                today=date(2025, 1, 6))
        assert by_object.docx.read_bytes() == by_file.docx.read_bytes()
        assert case.child.name in docx_text(by_object.docx)

    def test_an_existing_file_is_kept_without_force(self, tmp_path: Path) -> None:
        """The one 'already exists' error, as the CLI gives it."""
        target = tmp_path / "letter.docx"
        target.write_bytes(b"mine")
        with pytest.raises(medocs.OutputExistsError) as caught:
            medocs.render("decision-letter", SAMPLES / "decision-letter.toml", out=target,
                          profile=SAMPLES / "westminster.toml", today=date(2025, 1, 6))
        assert str(caught.value) == f"{target} already exists: use --force to replace it"
        assert target.read_bytes() == b"mine"

    def test_a_certificate_without_a_profile_opens_no_register(self, tmp_path: Path) -> None:
        """No profile for a certificate: the error comes first, and no register file is made."""
        register = tmp_path / "register.sqlite"
        with pytest.raises(medocs.MedocsError, match="needs an organisation profile"):
            medocs.render("decline-certificate", SAMPLES / "decline-certificate.toml", out=tmp_path,
                          register=register, today=date(2025, 1, 6))
        assert not register.exists()
