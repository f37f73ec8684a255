"""Tests of medocs.profiles: organisation profiles read from TOML, with one-line errors.

The [letterhead] section is checked, naming the field that is wrong.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from helpers import PROFILE

from medocs.documents.kinds import data_dir
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


SAMPLES = data_dir("samples")


def _profile_with(tmp_path: Path, letterhead: str) -> Path:
    text = (SAMPLES / "riverside.toml").read_text(encoding="utf-8")
    start, end = text.index("\n[letterhead]\n") + 1, text.index("\n[la]\n") + 1
    path = tmp_path / "profile.toml"
    path.write_text(text[:start] + "[letterhead]\n" + letterhead + "\n\n" + text[end:], encoding="utf-8")
    (tmp_path / "riverside-logo.png").write_bytes((SAMPLES / "riverside-logo.png").read_bytes())
    return path


def test_sample_letterhead_loads_with_its_logo_resolved() -> None:
    """A relative logo path is taken from the profile's folder."""
    profile = load_profile(SAMPLES / "riverside.toml")
    assert profile.letterhead is not None
    assert profile.letterhead.logo == SAMPLES / "riverside-logo.png"
    assert profile.letterhead.accent_colour == "#0B6E4F"


def test_missing_logo_names_the_field(tmp_path: Path) -> None:
    """A logo file that is not there is an error naming letterhead.logo and the file."""
    with pytest.raises(ProfileError, match=r"key 'letterhead.logo': cannot read the logo .*nowhere.png"):
        load_profile(_profile_with(tmp_path, 'logo = "nowhere.png"'))


def test_logo_that_is_not_an_image_is_refused(tmp_path: Path) -> None:
    """A logo must be a PNG or JPEG."""
    path = _profile_with(tmp_path, 'logo = "logo.svg"')
    (tmp_path / "logo.svg").write_text("<svg/>")
    with pytest.raises(ProfileError, match=r"key 'letterhead.logo': .*logo.svg is not a PNG or JPEG image"):
        load_profile(path)


def test_bad_colour_names_the_field(tmp_path: Path) -> None:
    """An accent colour must be #RRGGBB."""
    with pytest.raises(ProfileError, match=r"key 'letterhead.accent_colour'.*\(got 'green'\)"):
        load_profile(_profile_with(tmp_path, 'accent_colour = "green"'))


def test_fallback_font_must_be_one_libreoffice_has(tmp_path: Path) -> None:
    """The fallback font is one LibreOffice's packages bring, so the PDF never guesses."""
    with pytest.raises(ProfileError, match=r"key 'letterhead.fallback_font'.*Liberation Sans"):
        load_profile(_profile_with(tmp_path, 'font = "Gill Sans"\nfallback_font = "Comic Sans MS"'))
