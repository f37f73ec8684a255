"""Tests for `medocs timeline`: the CLI contract of ARCHITECTURE §3, its output and its errors."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from click.testing import CliRunner, Result
from helpers import run_medocs

from medocs.cli import main

ALL_DATES = [
    "--decision-sent", "2024-10-01",
    "--certificate-issued", "2024-11-29",
    "--declined-on", "2024-11-26",
    "--mediation-requested", "2024-10-10",
    "--mediation-ended", "2024-11-26",
    "--agreement-date", "2024-11-26",
    "--request-received", "2024-01-08",
]
CONTRACT_KEYS = [
    "appeal_deadline",
    "adviser_contact_deadline",
    "decline_certificate_due",
    "mediation_certificate_due",
    "mediation_arrange_by",
    "agreement_actions_due",
    "assessment_decision_due",
    "no_plan_decision_due",
    "final_plan_due",
]
ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _run(*args: str) -> Result:
    return run_medocs(["timeline", *args])


def _json(*args: str) -> dict[str, Any]:
    result = _run(*args, "--json", "--today", "2024-10-02")
    assert result.exit_code == 0, result.output
    value: dict[str, Any] = json.loads(result.stdout)
    return value


class TestTimelineJson:
    """`medocs timeline --json` prints one JSON object keyed as the contract says."""

    def test_ipsea_example(self) -> None:
        """IPSEA's example gives appeal_deadline.date 2025-01-02 with its explanation."""
        value = _json("--decision-sent", "2024-10-01", "--certificate-issued", "2024-11-29")
        appeal = value["appeal_deadline"]
        assert appeal["date"] == "2025-01-02"
        assert appeal["raw_date"] == "2024-12-29"
        assert [r["id"] for r in appeal["rule"]] == ["T1", "T2", "T3"]
        assert any("r.12(3)(a)" in step for step in appeal["explanation"])

    def test_decision_sent_gives_two_keys(self) -> None:
        """A decision date alone gives the appeal and adviser-contact deadlines."""
        assert list(_json("--decision-sent", "2024-10-01")) == [
            "appeal_deadline", "adviser_contact_deadline",
        ]

    def test_every_key_in_order(self) -> None:
        """With every date given, every contract key appears in the documented order."""
        assert list(_json(*ALL_DATES)) == CONTRACT_KEYS

    @pytest.mark.parametrize("key", CONTRACT_KEYS)
    def test_value_shape(self, key: str) -> None:
        """Each value has an ISO date, rules with id and citation, explanation steps and warnings."""
        value = _json(*ALL_DATES)[key]
        assert ISO.match(value["date"])
        assert ISO.match(value["raw_date"])
        assert value["rule"]
        assert all(r["id"] and r["citation"] and r["status"] for r in value["rule"])
        assert value["explanation"]
        assert all(isinstance(step, str) and step for step in value["explanation"])
        assert isinstance(value["warnings"], list)

    @pytest.mark.parametrize(
        ("option", "value", "key", "expected", "rule_id"),
        [
            pytest.param("--declined-on", "2024-12-24", "decline_certificate_due", "2024-12-31", "T7",
                         id="T7-christmas"),
            pytest.param("--mediation-ended", "2024-03-27", "mediation_certificate_due", "2024-04-03",
                         "T15", id="T15-easter"),
            pytest.param("--mediation-requested", "2024-11-25", "mediation_arrange_by", "2024-12-25",
                         "T12", id="T12-christmas-day"),
            pytest.param("--agreement-date", "2023-04-24", "agreement_actions_due", "2023-05-08",
                         "T17", id="T17-coronation"),
            pytest.param("--request-received", "2025-01-06", "final_plan_due", "2025-05-26", "L5",
                         id="L5-spring-bank-holiday"),
        ],
    )
    def test_each_option_reaches_its_key(
        self, option: str, value: str, key: str, expected: str, rule_id: str
    ) -> None:
        """Each date option gives its contract key, date and rule."""
        deadline = _json(option, value)[key]
        assert (deadline["date"], [r["id"] for r in deadline["rule"]]) == (expected, [rule_id])

    def test_bank_holiday_la_deadline_stays_with_warning(self) -> None:
        """L5 on Mon 26 May 2025 stays there, with act_by Friday and a not-a-working-day warning."""
        final_plan = _json("--request-received", "2025-01-06")["final_plan_due"]
        assert final_plan["date"] == "2025-05-26"
        assert final_plan["act_by"] == "2025-05-23"
        assert any("not a working day" in w for w in final_plan["warnings"])

    def test_past_deadline_is_a_warning_not_an_error(self) -> None:
        """--today after the deadline gives a 'passed' warning and exit 0."""
        result = _run("--decision-sent", "2024-10-01", "--today", "2025-06-01", "--json")
        assert result.exit_code == 0
        appeal = json.loads(result.stdout)["appeal_deadline"]
        assert any("passed on Monday 2 December 2024" in w for w in appeal["warnings"])

    def test_future_deadline_has_no_past_warning(self) -> None:
        """--today before the deadline gives no 'passed' warning."""
        appeal = _json("--decision-sent", "2024-10-01")["appeal_deadline"]
        assert appeal["warnings"] == []


class TestTimelineTable:
    """`medocs timeline` without --json prints a readable table with explanations."""

    def test_table_has_the_explanation(self) -> None:
        """The table shows the label, the date and each explanation step under it."""
        result = _run("--decision-sent", "2024-10-01", "--certificate-issued", "2024-11-29",
                      "--today", "2024-10-02")
        assert result.exit_code == 0
        assert "Appeal to the Tribunal by" in result.stdout
        assert "Thursday 2 January 2025 (by 5pm)" in result.stdout
        assert "    - 29 December 2024 falls between 25 December and 1 January" in result.stdout
        assert not result.stdout.lstrip().startswith("{")

    def test_table_shows_warnings(self) -> None:
        """A past deadline appears as a warning line in the table, with exit 0."""
        result = _run("--decision-sent", "2024-10-01", "--today", "2025-06-01")
        assert result.exit_code == 0
        assert "    ! This deadline passed on Monday 2 December 2024" in result.stdout


class TestTimelineErrors:
    """Bad dates exit 1 with a one-line message; bad usage exits 2."""

    @pytest.mark.parametrize(
        ("args", "pattern"),
        [
            pytest.param(["--decision-sent", "2025-02-30"], r"--decision-sent .*'2025-02-30'",
                         id="impossible-date"),
            pytest.param(["--certificate-issued", "2025-02-29"], r"--certificate-issued .*'2025-02-29'",
                         id="feb-29-non-leap"),
            pytest.param(["--request-received", "01/10/2024"], r"--request-received .*'01/10/2024'",
                         id="malformed-date"),
            pytest.param(["--declined-on", "soon"], r"--declined-on .*'soon'", id="not-a-date"),
            pytest.param(["--decision-sent", "2024-10-01", "--today", "2024-13-01"], r"--today ",
                         id="bad-today"),
            pytest.param(["--decision-sent", "1999-12-31"], r"--decision-sent must be between",
                         id="out-of-range"),
            pytest.param(["--decision-sent", "2025-03-10", "--certificate-issued", "2025-03-01"],
                         r"certificate.issued .*before.*decision", id="certificate-before-decision"),
            pytest.param(["--mediation-ended", "2025-03-10", "--agreement-date", "2025-03-01"],
                         r"agreement.date .*before.*mediation.ended", id="agreement-before-mediation-ended"),
        ],
    )
    def test_bad_date_exits_1_with_one_line(self, args: list[str], pattern: str) -> None:
        """The message is one line on stderr, naming the option or field; nothing on stdout."""
        result = _run(*args, "--json")
        assert result.exit_code == 1
        assert result.stdout == ""
        lines = result.stderr.splitlines()
        assert len(lines) == 1
        assert lines[0].startswith("medocs: error: ")
        assert re.search(pattern, lines[0])
        assert "Traceback" not in result.output

    def test_no_option_exits_2(self) -> None:
        """No date at all is a usage error (exit 2)."""
        result = _run()
        assert result.exit_code == 2
        assert "at least one date" in result.stderr

    def test_only_today_exits_2(self) -> None:
        """--today alone is not an event date: usage error."""
        assert _run("--today", "2025-01-01").exit_code == 2

    def test_unknown_option_exits_2(self) -> None:
        """An unknown option is a usage error naming it."""
        result = _run("--decision-date", "2024-10-01")
        assert result.exit_code == 2
        assert "--decision-date" in result.stderr

    def test_debug_shows_the_exception(self, runner: CliRunner) -> None:
        """With --debug the DateInputError propagates instead of the one-line message."""
        result = runner.invoke(main, ["--debug", "timeline", "--decision-sent", "2025-02-30"])
        assert result.exit_code == 1
        assert isinstance(result.exception, ValueError)


class TestEveryOptionAlone:
    """Each date option alone gives at least one deadline, in text and JSON (issue 12 item 3)."""

    @pytest.mark.parametrize("index", range(0, len(ALL_DATES), 2),
                             ids=[ALL_DATES[i] for i in range(0, len(ALL_DATES), 2)])
    def test_option_alone_answers(self, index: int) -> None:
        """An option alone exits 0 with a table and a non-empty JSON object, never a traceback."""
        option, value = ALL_DATES[index], ALL_DATES[index + 1]
        text = _run(option, value, "--today", "2024-10-02")
        assert text.exit_code == 0, text.output
        assert text.output.strip()
        assert "Traceback" not in text.output
        assert _json(option, value)

    def test_certificate_alone_gives_the_certificate_limb(self) -> None:
        """--certificate-issued 2025-10-27 alone gives Thu 27 Nov 2025 and asks for --decision-sent."""
        value = _json("--certificate-issued", "2025-10-27")
        deadline = value["appeal_deadline_certificate_only"]
        assert deadline["date"] == "2025-11-27"
        assert [r["id"] for r in deadline["rule"]] == ["T2"]
        assert any("--decision-sent" in w for w in deadline["warnings"])
        text = _run("--certificate-issued", "2025-10-27", "--today", "2025-10-27").output
        assert "Thursday 27 November 2025" in text
        assert "--decision-sent" in text

    def test_certificate_alone_rolls_like_the_full_deadline(self) -> None:
        """The certificate limb follows r.12: 24 Nov 2025 gives Wed 24 Dec; 25 Nov gives Fri 2 Jan 2026."""
        assert _json("--certificate-issued", "2025-11-24")[
            "appeal_deadline_certificate_only"]["date"] == "2025-12-24"
        # 25 Nov 2025 + 1 month = Thu 25 Dec 2025, in the window: first working day after 1 Jan 2026.
        assert _json("--certificate-issued", "2025-11-25")[
            "appeal_deadline_certificate_only"]["date"] == "2026-01-02"

    def test_with_the_decision_date_no_certificate_only_key(self) -> None:
        """With --decision-sent the full appeal deadline is given, and no certificate-only key."""
        value = _json("--decision-sent", "2025-09-01", "--certificate-issued", "2025-10-27")
        assert "appeal_deadline_certificate_only" not in value
        assert value["appeal_deadline"]["date"] == "2025-11-27"


class TestLateCertificateInTimeline:
    """A certificate issued after its 3 working days is noted on the due date (issue 12 item 4)."""

    def test_late_decline_certificate_is_noted(self) -> None:
        """Declined Tue 26 Nov 2024, due Fri 29 Nov (3 working days), issued Tue 3 Dec: noted."""
        value = _json("--declined-on", "2024-11-26", "--certificate-issued", "2024-12-03")
        due = value["decline_certificate_due"]
        assert due["date"] == "2024-11-29"
        assert any("issued on 3 December 2024, after Friday 29 November 2024" in n
                   for n in due["notes"])
        assert due["notes"][0] in due["warnings"]

    def test_on_time_certificate_has_no_note(self) -> None:
        """Issued on the due date: no lateness note."""
        value = _json("--declined-on", "2024-11-26", "--certificate-issued", "2024-11-29")
        assert value["decline_certificate_due"]["notes"] == []
