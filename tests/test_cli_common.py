"""Tests of medocs.cli.common: the options the commands share."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click
import pytest
from helpers import PROFILE

from medocs.cli.common import (
    KIND,
    NUMBERED_KIND,
    optional_profile,
    register_path_for,
    require_profile,
    today_option,
)
from medocs.errors import DateInputError
from medocs.profiles import Profile
from medocs.register import default_register_path


class TestKindArgument:
    def test_a_kind_is_accepted_as_it_is(self) -> None:
        assert KIND.convert("decision-letter", None, None) == "decision-letter"

    def test_a_misspelt_kind_gets_the_closest_and_the_list(self) -> None:
        with pytest.raises(click.BadParameter, match=r"unknown document kind 'Decision_Leter': "
                           r"did you mean 'decision-letter'\? \(kinds: decision-letter, "):
            KIND.convert("Decision_Leter", None, None)

    def test_only_numbered_kinds_are_certificates(self) -> None:
        with pytest.raises(click.BadParameter, match="unknown kind of certificate 'decision-letter'"):
            NUMBERED_KIND.convert("decision-letter", None, None)


class TestProfileAndRegister:
    def test_the_environment_gives_the_profile(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("MEDOCS_PROFILE", str(PROFILE))
        assert require_profile(None).la.name == "Westminster City Council"

    def test_no_profile_is_a_usage_error_that_says_how(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.delenv("MEDOCS_PROFILE", raising=False)
        assert optional_profile(None) is None
        with pytest.raises(click.UsageError, match="pass --profile FILE or set MEDOCS_PROFILE"):
            require_profile(None)

    def test_register_option_then_profile_then_data_folder(self, tmp_path: Path, profile: Profile) -> None:
        mine = tmp_path / "mine.sqlite3"
        named = profile.model_copy(update={"register_file": tmp_path / "profile.sqlite3"})
        assert register_path_for(mine, named) == mine
        assert register_path_for(None, named) == tmp_path / "profile.sqlite3"
        assert register_path_for(None, None) == default_register_path()


class TestToday:
    def test_given_today_is_parsed(self) -> None:
        assert today_option("2025-03-01") == date(2025, 3, 1)

    def test_an_impossible_today_is_refused(self) -> None:
        with pytest.raises(DateInputError, match="--today"):
            today_option("2025-02-30")
