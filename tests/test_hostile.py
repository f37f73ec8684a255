"""Hostile and broken input: every input gives a result or a clear MedocsError, never a crash."""

from __future__ import annotations

import json
import string
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from helpers import PROFILE_ARG as PROFILE
from helpers import SAMPLES, docx_text
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medocs.cli import main
from medocs.documents.kinds import KINDS
from medocs.errors import MedocsError
from medocs.loading import load_case, read_case_data, validate_case
from medocs.timeline.deadlines import TimelineDates, compute_timeline

_json_leaf = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
    st.text(max_size=30), st.dates().map(date.isoformat),
)
_json_value = st.recursive(
    _json_leaf,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner,
                                                                max_size=4),
    max_leaves=20,
)


def _sample_data(kind: str) -> dict[str, Any]:
    return json.loads(load_case(SAMPLES / KINDS[kind].sample, KINDS[kind].model)
                      .model_dump_json())


def _error_message(call: Callable[[], object]) -> str | None:
    """None if ``call`` succeeds, the message if it raises MedocsError (anything else fails)."""
    try:
        call()
    except MedocsError as exc:
        return str(exc)
    return None


class TestFuzzCaseLoading:
    @settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
    @given(kind=st.sampled_from(sorted(KINDS)), data=st.dictionaries(st.text(max_size=15),
                                                                      _json_value, max_size=6))
    def test_random_records_validate_or_fail_clearly(self, kind: str,
                                                     data: dict[str, Any]) -> None:
        """Any dict is either a valid case or a CaseValidationError naming where."""
        message = _error_message(lambda: validate_case(data, KINDS[kind].model, where="fuzz.json"))
        assert message is None or message.startswith("fuzz.json: ")

    @settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
    @given(kind=st.sampled_from(sorted(KINDS)), field=st.text(min_size=1, max_size=1),
           value=_json_value)
    def test_one_wrong_value_in_a_real_case(self, kind: str, field: str, value: Any) -> None:
        """Replacing one top-level field of a sample gives a case or a clear error."""
        data = _sample_data(kind)
        key = sorted(data)[ord(field) % len(data)]
        data[key] = value
        message = _error_message(lambda: validate_case(data, KINDS[kind].model, where="fuzz.json"))
        assert message is None or "fuzz.json" in message

    @settings(max_examples=100, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(blob=st.binary(max_size=200), suffix=st.sampled_from([".toml", ".json"]))
    def test_random_bytes_as_a_case_file(self, tmp_path: Path, blob: bytes, suffix: str) -> None:
        """Random bytes in a case file are a CaseValidationError naming the file."""
        path = tmp_path / f"case{suffix}"
        path.write_bytes(blob)
        message = _error_message(lambda: read_case_data(path))
        assert message is None or str(path) in message


class TestFuzzTimeline:
    @settings(max_examples=300)
    @given(values=st.lists(st.one_of(st.none(), st.dates()), min_size=7, max_size=7))
    def test_any_dates_give_deadlines_or_a_date_error(self, values: list[date | None]) -> None:
        """Any combination of dates, even year 1 or 9999, is a timeline or a DateInputError."""
        names = ("decision_sent", "certificate_issued", "declined_on", "mediation_requested",
                 "mediation_ended", "agreement_date", "request_received")
        dates = TimelineDates(**dict(zip(names, values, strict=True)), today=date(2025, 1, 1))
        try:
            timeline = compute_timeline(dates)
        except MedocsError:
            return
        assert all(d.date >= d.raw_date for d in timeline.values())


class TestBrokenFiles:
    def test_case_file_over_a_megabyte_is_refused(self, tmp_path: Path) -> None:
        """A 50 MB case file is refused before it is read, with its size."""
        big = tmp_path / "big.json"
        with big.open("wb") as handle:
            handle.truncate(50 * 1024 * 1024)
        with pytest.raises(MedocsError, match="under 1 MB"):
            read_case_data(big)

    def test_ten_thousand_character_name_is_a_clear_error(self) -> None:
        """A 10,000-character name is refused with the field and the limit."""
        data = _sample_data("decline-certificate")
        data["child"]["name"] = "x" * 10_000
        with pytest.raises(MedocsError, match=r"'child\.name'.*at most 2000"):
            validate_case(data, KINDS["decline-certificate"].model, where="case.json")

    def test_ten_thousand_character_reason_renders_in_full(self, runner: CliRunner, tmp_path: Path) -> None:
        """A long reason (up to 10,000 characters) is rendered, not cut."""
        case = tmp_path / "long.json"
        data = _sample_data("decision-letter")
        data["reasons"] = ["word " * 1999 + "end."]
        case.write_text(json.dumps(data), encoding="utf-8")
        result = runner.invoke(main, ["render", "decision-letter", str(case), "--profile",
                                           PROFILE, "--out", str(tmp_path / "letter.docx")])
        assert result.exit_code == 0, result.output
        assert "word " * 1999 + "end." in docx_text(tmp_path / "letter.docx")

    @pytest.mark.parametrize(("content", "label"), [
        (b"", "empty"),
        (b"PK\x03\x04 not really a zip", "corrupt zip"),
        (b"Dear {{ recipient.name }}", "plain text"),
    ])
    def test_broken_template_is_a_template_error(self, runner: CliRunner, tmp_path: Path, content: bytes,
                                                 label: str) -> None:
        """check and render with a template that is not a .docx fail naming the file."""
        templates = tmp_path / "templates"
        templates.mkdir()
        bad = templates / "decision-letter.docx"
        bad.write_bytes(content)
        checked = runner.invoke(main, ["check", str(bad), "--kind", "decision-letter"])
        assert checked.exit_code == 1, label
        assert "decision-letter.docx" in checked.output
        assert "Traceback" not in checked.output
        rendered = runner.invoke(main, [
            "render", "decision-letter", str(SAMPLES / "decision-letter.toml"), "--profile",
            PROFILE, "--templates", str(templates), "--out", str(tmp_path / "out")])
        assert rendered.exit_code == 1, label
        assert "decision-letter.docx" in rendered.output
        assert not list((tmp_path / "out").glob("*.docx")) if (tmp_path / "out").exists() else True


class TestNamesThatAttack:
    @pytest.mark.parametrize("case_ref", [
        "../../escape", "/etc/passwd", "..\\..\\win", "CON", "a\x00b", "  ..  ",
    ])
    def test_case_ref_never_writes_outside_out(self, runner: CliRunner, tmp_path: Path,
                                               case_ref: str) -> None:
        """Path separators, '..', device names and NULs in case_ref stay inside --out."""
        case = tmp_path / "case.json"
        data = _sample_data("decision-letter")
        data["case_ref"] = case_ref
        case.write_text(json.dumps(data), encoding="utf-8")
        out = tmp_path / "work" / "out"
        result = runner.invoke(main, ["render", "decision-letter", str(case), "--profile",
                                           PROFILE, "--out", str(out)])
        written = [p for p in tmp_path.rglob("*.docx")]
        if result.exit_code == 0:
            assert len(written) == 1
            assert written[0].parent == out
        else:
            assert written == []
            assert "Traceback" not in result.output

    def test_jinja_in_every_text_field_is_rendered_literally(self, runner: CliRunner, tmp_path: Path) -> None:
        """Template syntax typed into case fields comes out as typed, never executed."""
        payload = "{{ 7*7 }}{% for x in range(3) %}X{% endfor %}{{ ''.__class__ }}"
        data = _sample_data("decision-letter")
        data["reasons"] = [payload]
        data["recipient"]["name"] = payload
        case = tmp_path / "case.json"
        case.write_text(json.dumps(data), encoding="utf-8")
        result = runner.invoke(main, ["render", "decision-letter", str(case), "--profile",
                                           PROFILE, "--out", str(tmp_path / "l.docx")])
        assert result.exit_code == 0, result.output
        text = docx_text(tmp_path / "l.docx")
        assert text.count(payload) >= 2
        assert "XXX" not in text
        assert "<class" not in text


def test_printable_names_survive_a_round_trip_through_toml(runner: CliRunner, tmp_path: Path) -> None:
    """Every printable ASCII character in a name is read back from the rendered letter."""
    data = _sample_data("decision-letter")
    data["child"]["name"] = string.punctuation + " Zoë"
    case = tmp_path / "case.json"
    case.write_text(json.dumps(data), encoding="utf-8")
    result = runner.invoke(main, ["render", "decision-letter", str(case), "--profile",
                                       PROFILE, "--out", str(tmp_path / "l.docx")])
    assert result.exit_code == 0, result.output
    assert string.punctuation + " Zoë" in docx_text(tmp_path / "l.docx")
