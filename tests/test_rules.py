"""Tests for medocs.timeline.rules: the statutory periods as data, matching RULES.md."""

from __future__ import annotations

import pytest

from medocs.timeline.rules import RULES, Counting, Period, Status, rule

MEDIATION_PART = "Part 2 (Mediation, regs 32-42)"


class TestRuleTable:
    """The rule table holds every row of RULES.md §2.1 and §2.2."""

    def test_every_row_is_present(self) -> None:
        """T1-T21 and L1-L15 are all there, and nothing else."""
        expected = {f"T{n}" for n in range(1, 22)} | {f"L{n}" for n in range(1, 16)}
        assert set(RULES) == expected

    def test_keys_match_ids(self) -> None:
        """Each rule is filed under its own id."""
        assert all(key == r.id for key, r in RULES.items())

    def test_unknown_id_raises_key_error(self) -> None:
        """rule() refuses an id that is not in the table."""
        with pytest.raises(KeyError):
            rule("T99")

    def test_every_rule_has_a_citation_and_a_status(self) -> None:
        """No rule lacks a citation, a title or a status."""
        assert all(r.citation and r.title and isinstance(r.status, Status) for r in RULES.values())

    def test_only_hesc_rules_move_off_holidays(self) -> None:
        """Only the HESC Rules periods (T1-T5) move off weekends and holidays (RULES.md G8)."""
        moving = {r.id for r in RULES.values() if r.moves_off_holidays}
        assert moving == {"T1", "T2", "T3", "T4", "T5"}


class TestPeriods:
    """The period, counting mode and status of each timed rule."""

    @pytest.mark.parametrize(
        ("rule_id", "amount", "counting", "status"),
        [
            pytest.param("T1", 2, Counting.MONTHS, Status.VERIFIED, id="T1-two-months"),
            pytest.param("T2", 1, Counting.MONTHS, Status.VERIFIED, id="T2-one-month-not-30-days"),
            pytest.param("T6", 2, Counting.MONTHS, Status.VERIFIED, id="T6-two-months"),
            pytest.param("T7", 3, Counting.WORKING_DAYS, Status.SECONDARY, id="T7-three-working-days"),
            pytest.param("T9", 3, Counting.WORKING_DAYS, Status.SECONDARY, id="T9-three-working-days"),
            pytest.param("T10", 30, Counting.DAYS, Status.SECONDARY, id="T10-thirty-calendar-days"),
            pytest.param("T11", 30, Counting.DAYS, Status.SECONDARY, id="T11-thirty-calendar-days"),
            pytest.param("T12", 30, Counting.DAYS, Status.SECONDARY, id="T12-thirty-calendar-days"),
            pytest.param("T13", 3, Counting.DAYS, Status.SECONDARY, id="T13-cautious-three-days"),
            pytest.param("T14", 5, Counting.WORKING_DAYS_BEFORE, Status.SECONDARY, id="T14-five-before"),
            pytest.param("T15", 3, Counting.WORKING_DAYS, Status.SECONDARY, id="T15-three-working-days"),
            pytest.param("T17", 2, Counting.WEEKS, Status.VERIFIED, id="T17-two-weeks"),
            pytest.param("T18", 1, Counting.WEEKS, Status.VERIFIED, id="T18-one-week"),
            pytest.param("L1", 6, Counting.WEEKS, Status.VERIFIED, id="L1-six-weeks"),
            pytest.param("L3", 16, Counting.WEEKS, Status.VERIFIED, id="L3-sixteen-weeks"),
            pytest.param("L4", 15, Counting.DAYS_BEGINNING_WITH, Status.VERIFIED, id="L4-beginning-with"),
            pytest.param("L5", 20, Counting.WEEKS, Status.VERIFIED, id="L5-twenty-weeks"),
            pytest.param("L8", 4, Counting.WEEKS, Status.SECONDARY, id="L8-four-weeks"),
            pytest.param("L9", 15, Counting.DAYS_BEGINNING_WITH, Status.VERIFIED, id="L9-beginning-with"),
            pytest.param("L10", 8, Counting.WEEKS, Status.VERIFIED, id="L10-eight-weeks"),
            pytest.param("L11", 8, Counting.WEEKS, Status.SECONDARY, id="L11-eight-weeks"),
            pytest.param("L12", 14, Counting.WEEKS, Status.VERIFIED, id="L12-fourteen-weeks"),
        ],
    )
    def test_period(self, rule_id: str, amount: int, counting: Counting, status: Status) -> None:
        """The rule's first period and status are those RULES.md gives (with its second check)."""
        r = rule(rule_id)
        assert (r.period.amount, r.period.counting, r.status) == (amount, counting, status)

    def test_t8_has_no_time_limit(self) -> None:
        """T8 (mediation started, then not pursued) computes no deadline (second check)."""
        assert rule("T8").period.counting is Counting.NONE

    def test_t13_notes_the_conflict(self) -> None:
        """T13 says that some sources give 3 working days."""
        assert "working days" in rule("T13").note

    def test_t20_unopposed_appeal_periods(self) -> None:
        """Reg 45 as substituted in 2015: 2, 10, 14 and 5 weeks."""
        assert [p.amount for p in rule("T20").periods] == [2, 10, 14, 5]
        assert all(p.counting is Counting.WEEKS for p in rule("T20").periods)

    def test_t21_tribunal_order_periods(self) -> None:
        """Reg 44(2): immediately, 2, 10, 14, 5, 11, 5, 2 weeks, immediately."""
        periods = rule("T21").periods
        assert [p.amount for p in periods] == [0, 2, 10, 14, 5, 11, 5, 2, 0]
        assert periods[0].counting is periods[-1].counting is Counting.IMMEDIATELY

    @pytest.mark.parametrize("rule_id", ["T8", "T9", "T10", "T11", "T12", "T13"])
    def test_mediation_rules_cite_part_2(self, rule_id: str) -> None:
        """T8-T13 cite Part 2 (Mediation, regs 32-42), not a guessed regulation number."""
        assert MEDIATION_PART in rule(rule_id).citation

    def test_t15_cites_part_2_and_the_act(self) -> None:
        """T15 cites CFA 2014 s.55(5) and Part 2, not a regulation number."""
        assert "s.55(5)" in rule("T15").citation
        assert MEDIATION_PART in rule("T15").citation


class TestPeriodWords:
    """Period.words: the period in plain words."""

    @pytest.mark.parametrize(
        ("period", "words"),
        [
            pytest.param(Period(2, Counting.MONTHS), "2 months", id="months"),
            pytest.param(Period(1, Counting.MONTHS), "1 month", id="one-month"),
            pytest.param(Period(3, Counting.WORKING_DAYS), "3 working days", id="working-days"),
            pytest.param(Period(1, Counting.WEEKS), "1 week", id="one-week"),
            pytest.param(Period(15, Counting.DAYS_BEGINNING_WITH), "15 days", id="beginning-with"),
            pytest.param(Period(0, Counting.IMMEDIATELY), "immediately", id="immediately"),
        ],
    )
    def test_words(self, period: Period, words: str) -> None:
        """Singular and plural units, and the counting name where there is no unit."""
        assert period.words == words
