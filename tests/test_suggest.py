"""Tests of medocs.suggest: the one 'did you mean' matcher."""

from __future__ import annotations

from medocs.suggest import closest, did_you_mean


class TestClosest:
    def test_finds_a_near_miss(self) -> None:
        assert closest("decison-letter", ["decision-letter", "decline-certificate"]) == "decision-letter"

    def test_nothing_when_nothing_is_close(self) -> None:
        assert closest("zzz", ["decision-letter", "decline-certificate"]) is None

    def test_nothing_from_nothing(self) -> None:
        assert closest("name", []) is None


class TestDidYouMean:
    def test_the_phrase_with_a_prefix(self) -> None:
        hint = did_you_mean("phnoe", ["phone", "email"], prefix="officer.")
        assert hint == "; did you mean 'officer.phone'?"

    def test_empty_when_nothing_is_close(self) -> None:
        assert did_you_mean("qqqq", ["phone", "email"]) == ""
