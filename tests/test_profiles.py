"""Tests of medocs.profiles: organisation profiles read from TOML, with one-line errors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from helpers import PROFILE

from medocs.errors import ProfileError
from medocs.profiles import Profile, load_profile


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "profile.toml"
    path.write_text(text, encoding="utf-8")
    return path


class TestLoadProfile:
    def test_the_sample_profile_loads(self, profile: Profile) -> None:
        assert profile.la.name == "Westminster City Council"
        assert profile.mediation_service.name == "Global Mediation"
        assert profile.source == PROFILE

    def test_a_relative_register_is_beside_the_profile(self, tmp_path: Path) -> None:
        text = PROFILE.read_text(encoding="utf-8")
        path = _write(tmp_path, f'register = "data/register.sqlite3"\n{text}')
        assert load_profile(path).register_file == tmp_path / "data" / "register.sqlite3"

    def test_a_wrong_key_is_named_with_its_dotted_path(self, tmp_path: Path) -> None:
        text = PROFILE.read_text(encoding="utf-8").replace("[la.officer]", "[la.officer]\nshoe_size = 9", 1)
        with pytest.raises(ProfileError, match=r"profile\.toml: key 'la\.officer\.shoe_size'"):
            load_profile(_write(tmp_path, text))

    def test_a_bad_prefix_is_refused(self, tmp_path: Path) -> None:
        text = re.sub(r'certificate_prefix = "\w+"', 'certificate_prefix = "g m"',
                      PROFILE.read_text(encoding="utf-8"))
        with pytest.raises(ProfileError, match="certificate_prefix"):
            load_profile(_write(tmp_path, text))

    def test_not_toml_says_so(self, tmp_path: Path) -> None:
        with pytest.raises(ProfileError, match="not valid TOML"):
            load_profile(_write(tmp_path, "la = [unclosed"))

    def test_a_missing_file_says_it_cannot_be_read(self, tmp_path: Path) -> None:
        with pytest.raises(ProfileError, match=r"nope\.toml: cannot read the profile"):
            load_profile(tmp_path / "nope.toml")

    def test_values_are_kept_exactly_as_typed(self, tmp_path: Path) -> None:
        """Accents, apostrophes and ampersands come through unchanged (only outer spaces go)."""
        text = PROFILE.read_text(encoding="utf-8").replace(
            'name = "Priya Raman"', 'name = "  Siobhán O\'Brien & Zoë  "', 1)
        assert load_profile(_write(tmp_path, text)).la.officer.name == "Siobhán O'Brien & Zoë"
