"""Each deadline has one name everywhere (its timeline key); the old names keep old templates working."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document
from helpers import PROFILE_ARG, SAMPLES, docx_text

from medocs.cli import main
from medocs.documents.advocacy import letter_deadlines
from medocs.documents.checking import check_template, renamed_fields
from medocs.documents.deadline_names import (
    RENAMED,
    column_name,
    is_old_name,
    new_names,
    renamed_uses,
    with_old_names,
)
from medocs.documents.kinds import KINDS, build_context, data_dir, example_context, render_document
from medocs.loading import load_case
from medocs.profiles import Profile
from medocs.timeline.deadlines import DEADLINES, TimelineDates, compute_timeline

_AGREED_ACTION = re.compile(r"^agreed_action_\d+$")


def _kind_samples() -> list[tuple[str, str]]:
    return [(kind.name, sample) for kind in KINDS.values() for sample in (kind.sample, *kind.variants)]


class TestEveryKindNamesDeadlinesByTimelineKey:
    @pytest.mark.parametrize(("kind", "sample"), _kind_samples(), ids=lambda value: value)
    def test_context_deadlines_are_timeline_keys(self, kind: str, sample: str, profile: Profile) -> None:
        """Every deadline of every kind's context is a DEADLINES key (or an agreed action's)."""
        document = KINDS[kind]
        case = load_case(SAMPLES / sample, document.model)
        context = build_context(document, case, profile, today=case_date(case))
        deadlines = context["deadlines"]
        keys = [key for key in deadlines if not is_old_name(key)]
        assert keys, f"{kind} states no deadline"
        for key in keys:
            assert key in DEADLINES or _AGREED_ACTION.match(key), f"{kind}: {key} is no timeline key"
            if key in DEADLINES:
                assert deadlines[key]["label"] == DEADLINES[key].label
        for old in (key for key in deadlines if is_old_name(key)):
            # The same object as the new name, so an old template shows exactly the same.
            assert any(deadlines[old] is deadlines.get(new) for new in new_names(old))

    @pytest.mark.parametrize("kind", [k.name for k in KINDS.values() if not k.needs_profile])
    def test_advocate_letters_deadlines_are_timeline_keys(self, kind: str) -> None:
        """letter_deadlines (the draft's dates and calendar UIDs) uses timeline keys only."""
        document = KINDS[kind]
        for sample in (document.sample, *document.variants):
            case = load_case(SAMPLES / sample, document.model)
            for key in letter_deadlines(case):
                assert key in DEADLINES or _AGREED_ACTION.match(key), key

    def test_same_start_same_deadline_as_the_timeline(self, profile: Profile) -> None:
        """A decision letter's appeal and contact dates are the timeline's, under the same keys."""
        document = KINDS["decision-letter"]
        case = load_case(SAMPLES / document.sample, document.model)
        context = build_context(document, case, profile, today=case.letter_date)
        timeline = compute_timeline(TimelineDates(decision_sent=case.letter_date))
        for key in ("appeal_deadline", "adviser_contact_deadline"):
            assert context["deadlines"][key]["iso"] == timeline[key].date.isoformat()

    @pytest.mark.parametrize("la_is_party", [True, False])
    def test_agreement_record_gives_each_deadline_its_key(self, profile: Profile, la_is_party: bool) -> None:
        """A record of agreement names each action's deadline agreed_action_N; the ICB's T18 date its key."""
        document = KINDS["agreement-record"]
        case = load_case(SAMPLES / document.sample, document.model).model_copy(
            update={"la_is_party": la_is_party})
        context = build_context(document, case, profile, today=case.agreement_date)
        for action in context["actions"]:
            deadline = context["deadlines"][f"agreed_action_{action['number']}"]
            assert deadline["date"] == action["deadline"]
            assert deadline["label"].startswith(f"Agreed action {action['number']} (")
        icb_notice = context["deadlines"].get("agreement_icb_notice_due")
        assert (icb_notice is None) == la_is_party
        if icb_notice is not None:
            assert icb_notice["date"] == context["agreement"]["icb_notice_by"]

    def test_every_old_name_names_a_deadline(self) -> None:
        """Each old name stands for keys of the DEADLINES table."""
        assert all(key in DEADLINES for keys in RENAMED.values() for key in keys)
        assert new_names("action_3") == ("agreed_action_3",)
        assert new_names("appeal_deadline") == ()


def case_date(case: object) -> object:
    """A day the sample's deadlines are computed on (its own letter or issue date)."""
    return getattr(case, "letter_date", None) or getattr(case, "issued_on", None) or \
        getattr(case, "agreement_date")  # noqa: B009


class TestWithOldNames:
    def test_old_names_are_the_same_objects(self) -> None:
        """The old name is a second key for the very same value, after the new ones."""
        due, appeal, action = object(), object(), object()
        named = with_old_names({"deemed_certificate_due": due, "appeal_deadline": appeal,
                                "agreed_action_2": action})
        assert list(named)[:3] == ["deemed_certificate_due", "appeal_deadline", "agreed_action_2"]
        assert named["certificate_due"] is due
        assert named["appeal"] is appeal
        assert named["action_2"] is action
        assert "arrange_by" not in named

    def test_manifest_columns(self) -> None:
        """A deadline's column is its key; an old name keeps its old _by column."""
        assert column_name("appeal_deadline") == "appeal_deadline"
        assert column_name("appeal") == "appeal_by"
        assert column_name("certificate_due") == "certificate_due_by"

    def test_renamed_uses_say_each_once(self) -> None:
        """Each old name used is named once, with what it is renamed to."""
        used = {"deadlines", "deadlines.appeal", "deadlines.appeal.date", "deadlines.appeal.moved",
                "deadlines.arrange_by.date", "deadlines.appeal_deadline.date", "child.name"}
        assert renamed_uses(used) == [
            "deadlines.appeal is renamed to deadlines.appeal_deadline; the old name still works",
            "deadlines.arrange_by is renamed to deadlines.mediation_arrange_by or "
            "deadlines.health_mediation_arrange_by (the one the case states); the old name still works",
        ]


def _user_template(path: Path, *lines: str) -> Path:
    """A user's own .docx template, one paragraph per line, written with python-docx."""
    document = Document()
    for line in lines:
        document.add_paragraph(line)
    document.save(str(path))
    return path


_OLD = ("OLD appeal={{ deadlines.appeal.date }} raw={{ deadlines.appeal.raw }} "
        "due={{ deadlines.certificate_due.date }} label={{ deadlines.certificate_due.label }}")
_NEW = ("NEW appeal={{ deadlines.appeal_deadline.date }} raw={{ deadlines.appeal_deadline.raw }} "
        "due={{ deadlines.decline_certificate_due.date }} "
        "label={{ deadlines.decline_certificate_due.label }}")


class TestOldTemplatesKeepWorking:
    @pytest.fixture
    def old_template(self, tmp_path: Path) -> Path:
        folder = tmp_path / "mine"
        folder.mkdir()
        return _user_template(folder / "decline-certificate.docx",
                              "Certificate {{ certificate.number }} issued {{ certificate.issued_on }} "
                              "about the decision of {{ decision.letter_sent }}.", _OLD, _NEW)

    def test_old_names_render_the_same_text(self, runner: CliRunner, tmp_path: Path,
                                            old_template: Path) -> None:
        """A user template with the old names renders the same text as with the new names."""
        out = tmp_path / "certificate.docx"
        result = runner.invoke(main, [
            "render", "decline-certificate", str(SAMPLES / "decline-certificate.toml"),
            "--profile", PROFILE_ARG, "--templates", str(old_template.parent), "--out", str(out),
            "--register", str(tmp_path / "register.sqlite")])
        assert result.exit_code == 0, result.output
        paragraphs = [p.text for p in Document(str(out)).paragraphs]
        old = next(p for p in paragraphs if p.startswith("OLD "))
        new = next(p for p in paragraphs if p.startswith("NEW "))
        assert old.removeprefix("OLD ") == new.removeprefix("NEW ")
        assert "due=" in old
        assert "label=Decline certificate to be issued by" in old
        assert re.search(r"appeal=\w+day \d+ \w+ \d{4}", old)

    def test_check_warns_of_the_renaming(self, runner: CliRunner, old_template: Path) -> None:
        """check passes (exit 0) and says what each old name is renamed to."""
        result = runner.invoke(main, ["check", str(old_template), "--kind", "decline-certificate"])
        assert result.exit_code == 0, result.output
        assert "warning: deadlines.appeal is renamed to deadlines.appeal_deadline" in result.output
        assert ("deadlines.certificate_due is renamed to deadlines.decline_certificate_due, "
                "deadlines.deemed_certificate_due or deadlines.mediation_certificate_due") in result.output
        assert "OK for decline-certificate" in result.output

    def test_check_of_a_new_template_has_no_warning(self, runner: CliRunner, tmp_path: Path) -> None:
        """A template with the new names only gets no renaming warning."""
        template = _user_template(tmp_path / "new.docx", "{{ certificate.number }} "
                                  "{{ certificate.issued_on }} {{ decision.letter_sent }}", _NEW)
        result = runner.invoke(main, ["check", str(template), "--kind", "decline-certificate"])
        assert result.exit_code == 0, result.output
        assert "renamed" not in result.output

    def test_shipped_templates_use_no_old_name(self) -> None:
        """medocs's own templates name every deadline by its timeline key."""
        for kind in KINDS.values():
            text = Path(data_dir("templates") / kind.template).read_bytes()
            found = {old for old in (*RENAMED, "action_1") if f"deadlines.{old}.".encode() in text}
            assert found == set(), kind.name


class TestFields:
    def test_lists_new_names_and_marks_old_ones(self, runner: CliRunner) -> None:
        """fields lists each deadline by its key, and each old name as renamed."""
        result = runner.invoke(main, ["fields", "decline-certificate"])
        assert result.exit_code == 0
        lines = result.output.splitlines()
        assert any(line.startswith("deadlines.appeal_deadline.date  text, e.g.") for line in lines)
        # A deemed certificate states its own deadline: a template may name both.
        assert any(line.startswith("deadlines.deemed_certificate_due.date  text") for line in lines)
        assert ("deadlines.appeal.date  renamed to deadlines.appeal_deadline.date "
                "(the old name still works)") in lines

    def test_render_warns_once_per_deadline(self, runner: CliRunner, tmp_path: Path) -> None:
        """An old name is the same deadline, so its 'passed' warning is not said twice."""
        result = runner.invoke(main, [
            "render", "decision-letter", str(SAMPLES / "decision-letter.toml"), "--profile", PROFILE_ARG,
            "--out", str(tmp_path / "letter.docx"), "--today", "2030-01-01"])
        assert result.exit_code == 0, result.output
        assert result.output.count("Appeal to the Tribunal by: This deadline passed") == 1
        assert "Dear" in docx_text(tmp_path / "letter.docx")


class TestDraftCalendar:
    def test_uids_start_with_the_timeline_keys(self, runner: CliRunner, tmp_path: Path) -> None:
        """A drafted letter's calendar events are named by the deadlines' timeline keys."""
        import icalendar

        ics = tmp_path / "dates.ics"
        result = runner.invoke(main, [
            "draft", "certificate-request", str(SAMPLES / "certificate-request.toml"), "--no-input",
            "--out", str(tmp_path / "letter.docx"), "--ics", str(ics), "--today", "2024-11-26"])
        assert result.exit_code == 0, result.output
        events = icalendar.Calendar.from_ical(ics.read_text(encoding="utf-8")).walk("VEVENT")
        keys = [str(event["UID"]).rsplit("-", 1)[0].replace("-", "_") for event in events]
        assert keys == ["adviser_contact_deadline", "decline_certificate_due", "appeal_deadline_if_issued"]


# medocs's own templates as shipped before the deadlines took their timeline keys (commit 39bd1a7).
_BEFORE_KEYS = Path(__file__).parent / "data" / "templates-before-keys"


class TestTemplatesMadeBeforeTheKeys:
    @pytest.mark.parametrize(("kind", "sample"),
                             [(k, s) for k, s in _kind_samples() if (_BEFORE_KEYS / f"{k}.docx").exists()],
                             ids=lambda value: value)
    def test_render_the_same_text(self, kind: str, sample: str, profile: Profile) -> None:
        """An older medocs template, with the old names only, says exactly what today's says."""
        document = KINDS[kind]
        case = load_case(SAMPLES / sample, document.model)
        texts = [docx_text(render_document(document, case, profile, today=date(2025, 1, 1),
                                           templates=templates, certificate_number="GM-2025-000009"))
                 for templates in (None, _BEFORE_KEYS)]
        assert texts[0] == texts[1]

    @pytest.mark.parametrize("template", sorted(_BEFORE_KEYS.glob("*.docx")), ids=lambda path: path.stem)
    def test_pass_check_with_warnings(self, template: Path) -> None:
        """check finds no problem in them, and warns of each old name."""
        kind = template.stem
        assert check_template(template, example=example_context(kind), required=KINDS[kind].required) == []
        warnings = renamed_fields(template, example=example_context(kind))
        assert warnings
        assert all(" is renamed to deadlines." in warning for warning in warnings)
