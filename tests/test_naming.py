"""Tests of medocs.naming: output file names that stay inside the folder and open everywhere."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import SAMPLES

from medocs.documents.kinds import KINDS
from medocs.errors import MedocsError
from medocs.loading import load_case
from medocs.naming import DEFAULT_PATTERN, NAME_FIELDS, file_stem, name_fields, output_path

DECLINE = KINDS["decline-certificate"]


class TestFileStem:
    def test_fills_the_pattern(self) -> None:
        assert file_stem(DEFAULT_PATTERN, {"case_ref": "GM-2025-0101", "kind": "decline-certificate"}) == (
            "GM-2025-0101-decline-certificate")

    @pytest.mark.parametrize(("case_ref", "expected"), [
        ("../../etc/passwd", "etc-passwd-k"),       # no way out of the folder
        ("a/b\\c", "a-b-c-k"),                       # no separators
        ("x:y*z?\"<>|", "x-y-z-k"),                  # nothing Windows forbids
        ("tab\there\x00", "tabhere-k"),              # no control characters
        (".hidden", "hidden-k"),                     # not a hidden file
    ])
    def test_unsafe_characters_are_replaced(self, case_ref: str, expected: str) -> None:
        stem = file_stem("{case_ref}-{kind}", {"case_ref": case_ref, "kind": "k"})
        assert stem == expected
        assert "/" not in stem
        assert ".." not in stem

    def test_accents_and_apostrophes_are_kept(self) -> None:
        """Zoë O'Brien is a name, not a hazard."""
        assert file_stem("{child}", {"child": "Zoë O'Brien"}) == "Zoë O'Brien"

    def test_a_reserved_windows_name_is_prefixed(self) -> None:
        assert file_stem("{case_ref}", {"case_ref": "CON"}) == "_CON"
        assert file_stem("{case_ref}", {"case_ref": "lpt1.x"}) == "_lpt1.x"

    def test_a_long_name_is_cut_to_120_characters(self) -> None:
        assert len(file_stem("{case_ref}", {"case_ref": "A" * 500})) == 120

    def test_an_unknown_field_is_refused_naming_the_allowed_ones(self) -> None:
        with pytest.raises(MedocsError, match=r"may use only \{case_ref\}, \{kind\} \(got colour\)"):
            file_stem("{colour}", {"case_ref": "1", "kind": "k"})

    def test_a_positional_field_is_refused(self) -> None:
        with pytest.raises(MedocsError, match="a positional field"):
            file_stem("{}", {"case_ref": "1"})

    def test_an_empty_name_is_refused(self) -> None:
        with pytest.raises(MedocsError, match="gives an empty name"):
            file_stem("{case_ref}", {"case_ref": "../.."})


class TestOutputPath:
    def test_a_docx_out_is_used_as_it_is(self, tmp_path: Path) -> None:
        assert output_path(tmp_path / "mine.DOCX", DECLINE, "X") == tmp_path / "mine.DOCX"

    def test_a_folder_gets_case_ref_and_kind(self, tmp_path: Path) -> None:
        assert output_path(tmp_path, DECLINE, "GM/1") == tmp_path / "GM-1-decline-certificate.docx"

    def test_a_pattern_may_use_the_child_and_recipient(self, tmp_path: Path) -> None:
        case = load_case(SAMPLES / "decline-certificate.toml", DECLINE.model)
        fields = name_fields(DECLINE, case)
        assert set(fields) == set(NAME_FIELDS)
        path = output_path(tmp_path, DECLINE, fields["case_ref"], pattern="{child} {kind}", fields=fields)
        assert path == tmp_path / f"{fields['child']} decline-certificate.docx"
