"""The four document kinds: statutory content, safe names, determinism, shipped templates."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from case_data import template_with
from document_variants import ICB_ONLY
from helpers import SAMPLES, docx_parts, docx_text, run_medocs

from medocs.documents.checking import check_template
from medocs.documents.kinds import (
    KINDS,
    build_context,
    data_dir,
    document_kind,
    example_context,
    render_document,
    template_path,
)
from medocs.errors import MedocsError
from medocs.loading import load_case, read_case_data
from medocs.models import DECISION_TRIGGERS, DecisionKind
from medocs.profiles import Profile

TODAY = date(2025, 1, 1)
CORE_KINDS = ("decision-letter", "decline-certificate", "mediation-certificate", "agreement-record")


def _render(kind_name: str, profile: Profile, **changes: object) -> bytes:
    kind = document_kind(kind_name)
    case = load_case(SAMPLES / kind.sample, kind.model)
    if changes:
        data = case.model_dump()
        if changes.get("decision") not in (None, *DECISION_TRIGGERS["request_received"]):
            data.pop("request_received", None)  # a decision that answers no request (item 13)
        case = kind.model.model_validate({**data, **changes})
    return render_document(kind, case, profile, today=TODAY, certificate_number="GM-2025-000042")


class TestCatalogue:
    def test_contract_kind_names_are_present(self) -> None:
        """The KIND names users' scripts rely on are all in the catalogue."""
        assert set(CORE_KINDS) <= set(KINDS)

    def test_unknown_kind_names_the_choices(self) -> None:
        """An unknown kind is an error that lists the kinds there are."""
        with pytest.raises(MedocsError, match="decision-letter"):
            document_kind("refusal-letter")

    @pytest.mark.parametrize("name", CORE_KINDS)
    def test_shipped_template_passes_check(self, name: str) -> None:
        """Every shipped template uses only known fields and every required item."""
        kind = KINDS[name]
        assert check_template(template_path(kind), example=example_context(name),
                              required=kind.required) == []


class TestSamplesRender:
    @pytest.mark.parametrize("name", CORE_KINDS)
    def test_sample_renders_to_a_readable_docx(self, name: str, profile: Profile) -> None:
        """Each kind's sample renders to a .docx that python-docx opens, with the case in it."""
        text = docx_text(_render(name, profile))
        assert "Westminster City Council" in text
        assert "{{" not in text
        assert "{%" not in text

    @pytest.mark.parametrize("name", CORE_KINDS)
    def test_same_input_gives_identical_bytes(self, name: str, profile: Profile) -> None:
        """Two renders of the same case are byte-identical."""
        first, second = _render(name, profile), _render(name, profile)
        assert hashlib.sha256(first).hexdigest() == hashlib.sha256(second).hexdigest()


class TestDecisionLetterMustItems:
    """RULES.md §3.1: every MUST item is in every decision letter."""

    @pytest.mark.parametrize("decision", list(DecisionKind), ids=lambda d: d.value)
    def test_every_statutory_item_is_in_the_letter(self, decision: DecisionKind,
                                                   profile: Profile) -> None:
        """Decision, date sent, appeal right and limits, reg 32(a)-(f), DR and SENDIASS."""
        changes: dict[str, object] = {"decision": decision}
        if decision is DecisionKind.CEASE_TO_MAINTAIN:
            changes["cease_date"] = date(2025, 3, 31)
        text = docx_text(_render("decision-letter", profile, **changes))
        must = {
            "date sent": "We sent this letter on 1 October 2024",
            "right to appeal": "You have the right to appeal to the First-tier Tribunal "
                               "(Special Educational Needs and Disability)",
            "2-month limit (Sun 1 Dec 2024, so not 'This is 2 months')": "Two months after we "
                                                                          "sent this letter ends "
                                                                          "on 1 December 2024",
            "certificate limb": "one month from the date it was issued",
            "appeal date (Sun 1 Dec 2024 rolls to Mon 2 Dec)": "Monday 2 December 2024",
            "adviser contact date, not moved": "Contact the mediation adviser by Sunday 1 "
                                               "December 2024",
            "reg 32(a) mediation right": "You can ask for mediation about this decision",
            "reg 32(b) certificate": "you must contact the mediation adviser and get a "
                                     "mediation certificate",
            "reg 32(c) adviser name": "Ruth Adeyemi, Global Mediation",
            "reg 32(c) adviser phone": "020 8441 1355",
            "reg 32(c) adviser email": "info@globalmediation.co.uk",
            "reg 32(c) web": "www.globalmediation.co.uk",
            "reg 32(e) issues": "which issues you want to talk about",
            "reg 32(f) LA contact": "Daniel Okafor",
            "reg 32(f) LA contact phone": "020 7641 7433",
            "reg 32(f) LA contact email": "send.mediation@westminster.gov.uk",
            "disagreement resolution": "disagreement resolution service",
            "SENDIASS": "020 8966 1224",
            "does not affect appeal": "does not affect your right to appeal",
            "no pressure": "Nobody should put you under pressure",
            "5pm": "5pm",
            "Christmas/August note": "between 25 December and 1 January, or in August",
            "cc": "cc: Head teacher, St Mary's Primary School",
        }
        if decision.has_plan:  # reg 32(e)(iii): health care provision specified in the plan
            must["reg 32(e) health"] = "which health care you would like"
        missing = {item: words for item, words in must.items() if words not in text}
        assert missing == {}
        assert "30 days" not in text.replace("mediation within 30 days", "")

    @pytest.mark.parametrize("decision", list(DecisionKind), ids=lambda d: d.value)
    def test_section_i_exemption_only_on_plan_content_letters(
        self, decision: DecisionKind, profile: Profile
    ) -> None:
        """The Section I-only exemption appears exactly where the appeal is about a plan."""
        changes: dict[str, object] = {"decision": decision, "cease_date": date(2025, 3, 31)}
        text = docx_text(_render("decision-letter", profile, **changes))
        plan = decision in (DecisionKind.FINAL_PLAN, DecisionKind.AMENDED_PLAN,
                            DecisionKind.REFUSE_AMEND)
        assert ("if your appeal is only about Section I" in text) is plan

    def test_refusal_to_assess_uses_form_send35a(self, profile: Profile) -> None:
        """A refusal to assess points to SEND35a; other decisions to SEND35."""
        assert "form SEND35a" in docx_text(_render("decision-letter", profile))
        final = docx_text(_render("decision-letter", profile, decision=DecisionKind.FINAL_PLAN))
        assert "form SEND35 " in final

    def test_young_person_is_addressed_as_you(self, profile: Profile) -> None:
        """A letter to the young person says 'your plan', not their name in the third person."""
        kind = KINDS["decision-letter"]
        case = load_case(SAMPLES / "decision-letter-cease.toml", kind.model)
        text = docx_text(render_document(kind, case, profile, today=TODAY))
        assert "We have decided to stop maintaining your education, health and care" in text
        assert "Dear Jordan" in text

    def test_cease_letter_says_the_plan_stays_while_an_appeal_is_possible(self, profile: Profile) -> None:
        """The family learns that the provision goes on until the appeal time or the appeal ends."""
        kind = KINDS["decision-letter"]
        case = load_case(SAMPLES / "decision-letter-cease.toml", kind.model)
        text = " ".join(docx_text(render_document(kind, case, profile, today=TODAY)).split())
        assert ("It stays in place until the time for appealing has passed. If you appeal, it stays "
                "until the Tribunal has decided the appeal. Until then, we will keep arranging the "
                "provision in it.") in text


class TestHostileNames:
    """Names with markup characters, quotes and accents come out exactly as typed."""

    NAMES = ("Zoë O'Brien & Sons <Ltd>", 'Siobhán "Shiv" Ó Briain', "{{ 7*7 }} {% for %}")

    @pytest.mark.parametrize("name", CORE_KINDS)
    @pytest.mark.parametrize("hostile", NAMES)
    def test_names_survive_in_body_header_and_footer(self, name: str, hostile: str,
                                                     profile: Profile) -> None:
        """The child's and recipient's names, and the LA's, are read back unchanged."""
        kind = KINDS[name]
        case = load_case(SAMPLES / kind.sample, kind.model)
        data = case.model_dump()
        data["child"]["name"] = hostile
        data["recipient"]["name"] = hostile
        hostile_profile = profile.model_copy(
            update={"la": profile.la.model_copy(update={"name": hostile})}
        )
        context = build_context(kind, kind.model.model_validate(data), hostile_profile,
                                today=TODAY, certificate_number="GM-2025-000042")
        assert context["child"]["name"] == hostile
        parts = docx_parts(render_document(kind, kind.model.model_validate(data),
                                           hostile_profile, today=TODAY,
                                           certificate_number="GM-2025-000042"))
        # Literal text back means nothing was escaped twice, dropped or evaluated ('49').
        assert hostile in parts["body"]
        assert hostile in parts["header"]  # the child's name heads continuation pages


class TestCertificates:
    def test_decline_certificate_states_issue_date_and_appeal_deadline(
        self, profile: Profile
    ) -> None:
        """IPSEA's example: letter 1 Oct 2024, certificate 29 Nov 2024 -> Thu 2 Jan 2025."""
        text = docx_text(_render("decline-certificate", profile))
        assert "Date of issue: 29 November 2024" in text
        assert "by 5pm on Thursday 2 January 2025" in text
        assert "Only the Tribunal decides whether an appeal is in time" in text
        assert "GM-2025-000042" in text

    def test_deemed_certificate_warns_the_deadline_does_not_wait(self, profile: Profile) -> None:
        """The not-arranged variant says mediation may happen but the deadline runs."""
        kind = KINDS["decline-certificate"]
        case = load_case(SAMPLES / "decline-certificate-deemed.toml", kind.model)
        text = docx_text(render_document(kind, case, profile, today=TODAY,
                                         certificate_number="GM-2025-000043"))
        assert "mediation not arranged in time" in text
        assert "your appeal deadline does not wait" in text
        # 1 Oct + 2 months < 28 Nov + 1 month = Sat 28 Dec, in the Christmas window -> Thu 2 Jan.
        assert "Thursday 2 January 2025" in text

    def test_mediation_certificate_lists_outcomes(self, profile: Profile) -> None:
        """Each issue is listed with its outcome, and the Easter-adjusted deadline is shown."""
        text = docx_text(_render("mediation-certificate", profile))
        for outcome in ("Resolved", "Partly resolved", "Not resolved"):
            assert outcome in text
        # Issued 20 Mar 2025: 20 Apr is Easter Sunday, 21 Apr Easter Monday -> Tue 22 Apr.
        assert "Tuesday 22 April 2025" in text


class TestAgreementRecord:
    def test_each_action_has_its_computed_deadline_and_basis(self, profile: Profile) -> None:
        """Agreement 18 Mar 2025: amend plan +5 weeks, other +2 weeks, agreed date kept."""
        text = docx_text(_render("agreement-record", profile))
        assert "Tuesday 22 April 2025" in text
        assert "5 weeks, as for a Tribunal order" in text
        assert "Tuesday 1 April 2025" in text
        assert "2 weeks from the agreement" in text
        assert "Friday 11 April 2025" in text
        assert "The date agreed in writing" in text
        assert "Section I: naming Westbourne Park School" in text

    def test_icb_notice_appears_when_the_la_is_not_a_party(self, profile: Profile) -> None:
        """Reg 42(4): the ICB must tell the LA within 1 week."""
        text = docx_text(_render("agreement-record", profile, **ICB_ONLY))
        assert "must tell Westminster City Council about this agreement by Tuesday 25 March 2025" \
            in text


class TestModelsRejectBadOrder:
    def test_agreement_before_mediation_ended_is_refused(self) -> None:
        """An agreement dated before the mediation ended is a validation error."""
        kind = KINDS["agreement-record"]
        data = load_case(SAMPLES / kind.sample, kind.model).model_dump()
        data["agreement_date"] = date(2025, 3, 17)
        with pytest.raises(ValueError, match="agreement_date"):
            kind.model.model_validate(data)


def test_data_dir_finds_templates_and_samples() -> None:
    """Shipped data is found from the checkout (and, in a wheel, inside the package)."""
    assert (data_dir("templates") / "decision-letter.docx").is_file()
    assert isinstance(data_dir("samples"), Path)


class TestLetterDetails:
    def test_no_your_ref_line_without_a_reference(self, profile: Profile) -> None:
        """The reference block leaves out 'Your ref' when the family gave none."""
        assert "Your ref: SH/AK" in docx_text(_render("decision-letter", profile))
        assert "Your ref" not in docx_text(_render("decision-letter", profile, your_ref=None))

    def test_no_mediation_certificates_do_not_call_mediation_confidential(
        self, profile: Profile
    ) -> None:
        """A certificate issued without mediation has a footer that says nothing of mediation."""
        footer = docx_parts(_render("decline-certificate", profile))["footer"]
        assert "Mediation is confidential" not in footer
        assert "merits of an appeal" in footer

    def test_agreement_names_the_icb_signatory_and_the_mediator(self, profile: Profile) -> None:
        """The ICB signs by name and the mediator is listed as present."""
        text = docx_text(_render("agreement-record", profile))
        assert "Dr Femi Adebayo, Designated Clinical Officer" in text
        assert "Helen Marsh (mediator)" in text
        assert "Parliamentary and Health Service Ombudsman" in text


def _without(source: Path, target: Path, old: str, new: str) -> Path:
    """A copy of a shipped template with one placeholder replaced by plain text."""
    return template_with(source, target, old, new)


class TestEveryPathEnforcesRequiredItems:
    """render, batch, draft and the library refuse a template that leaves out a required item (item 15)."""

    @pytest.fixture
    def no_mediation_email(self, tmp_path: Path) -> Path:
        folder = tmp_path / "mine"
        folder.mkdir()
        _without(data_dir("templates") / "decision-letter.docx", folder / "decision-letter.docx",
                 "{{ la_mediation_contact.email }}", "send.mediation@example.org")
        return folder

    def _cli(self, *args: str) -> Any:


        return run_medocs(list(args), env={})

    def test_render_refuses(self, tmp_path: Path, no_mediation_email: Path) -> None:
        """`medocs render` with the template exits 1 naming reg 32(f) and writes nothing."""
        out = tmp_path / "out"
        result = self._cli("render", "decision-letter", str(SAMPLES / "decision-letter.toml"),
                           "--profile", str(SAMPLES / "westminster.toml"), "--templates",
                           str(no_mediation_email), "--out", str(out), "--today", "2025-01-01")
        assert result.exit_code == 1
        assert "la_mediation_contact.email" in result.output
        assert "reg 32(f)" in result.output
        assert not out.exists() or not any(out.iterdir())

    def test_batch_refuses(self, tmp_path: Path, no_mediation_email: Path) -> None:
        """`medocs batch` with the template exits 1 before writing any letter."""
        import json

        data = read_case_data(SAMPLES / "decision-letter.toml")
        rows = tmp_path / "letters.jsonl"
        rows.write_text("\n".join(json.dumps({**data, "case_ref": f"R{n}"}, default=str)
                                  for n in range(3)) + "\n", encoding="utf-8")
        out = tmp_path / "out"
        result = self._cli("batch", "decision-letter", str(rows), "--profile",
                           str(SAMPLES / "westminster.toml"), "--templates",
                           str(no_mediation_email), "--out", str(out), "--today", "2025-01-01")
        assert result.exit_code == 1
        assert "la_mediation_contact.email" in result.output
        assert not list(out.glob("*.docx")) if out.exists() else True

    def test_draft_refuses(self, tmp_path: Path) -> None:
        """`medocs draft` of an advocate's letter whose template drops the appeal date writes nothing."""
        folder = tmp_path / "mine"
        folder.mkdir()
        _without(data_dir("templates") / "certificate-request.docx",
                 folder / "certificate-request.docx", "{{ deadlines.appeal_deadline_if_issued.date }}",
                 "soon")
        target = tmp_path / "letter.docx"
        result = self._cli("draft", "certificate-request", str(SAMPLES / "certificate-request.toml"),
                           "--no-input", "--templates", str(folder), "--out", str(target),
                           "--today", "2024-11-26")
        assert result.exit_code == 1
        assert "deadlines.appeal_deadline_if_issued.date" in result.output
        assert not target.exists()

    def test_library_render_refuses(self, profile: Profile, no_mediation_email: Path) -> None:
        """render_document raises TemplateCheckError naming the missing item."""
        from medocs.errors import TemplateCheckError

        kind = document_kind("decision-letter")
        case = load_case(SAMPLES / kind.sample, kind.model)
        with pytest.raises(TemplateCheckError, match=r"la_mediation_contact\.email.*reg 32\(f\)"):
            render_document(kind, case, profile, today=TODAY, templates=no_mediation_email)

    def test_checked_once_per_compiled_template(self, profile: Profile) -> None:
        """Many renders of one template run the statutory check once (the result is cached)."""
        from medocs.documents import kinds

        kind = document_kind("decline-certificate")
        case = load_case(SAMPLES / kind.sample, kind.model)
        kinds._missing_items.cache_clear()
        for _ in range(20):
            render_document(kind, case, profile, today=TODAY)
        info = kinds._missing_items.cache_info()
        assert (info.misses, info.hits) == (1, 19)


class TestDecisionTriggers:
    """Each decision letter states the event it really follows (issue 12 item 13)."""

    def _text(self, profile: Profile, **changes: object) -> str:
        base = {"request_received": None, "decision_made": None}
        return " ".join(docx_text(_render("decision-letter", profile, **{**base, **changes})).split())

    def test_refuse_amend_follows_the_review_meeting(self, profile: Profile) -> None:
        """A refusal to amend says when the review meeting was, and names no request."""
        text = self._text(profile, decision=DecisionKind.REFUSE_AMEND,
                          review_meeting=date(2024, 9, 4))
        assert "The review meeting about the plan was held on 4 September 2024." in text
        assert "We received the request" not in text

    def test_amended_plan_follows_the_proposed_amendments(self, profile: Profile) -> None:
        """A final amended plan gives the review meeting and the proposed amendments, oldest first."""
        text = self._text(profile, decision=DecisionKind.AMENDED_PLAN,
                          amendments_proposed=date(2024, 9, 16), review_meeting=date(2024, 9, 2))
        review = text.index("The review meeting about the plan was held on 2 September 2024.")
        proposed = text.index("We sent you our proposed amendments to the plan on 16 September 2024.")
        assert review < proposed
        assert "We received the request" not in text

    def test_cease_follows_consultation(self, profile: Profile) -> None:
        """A cease letter says when the family was consulted, and names no request."""
        text = self._text(profile, decision=DecisionKind.CEASE_TO_MAINTAIN,
                          cease_date=date(2025, 7, 31), consulted_on=date(2024, 9, 9))
        assert ("On 9 September 2024 we told you we were thinking of stopping the plan, and asked "
                "for your views.") in text
        assert "We received the request" not in text

    def test_refuse_reassessment_names_the_reassessment_request(self, profile: Profile) -> None:
        """A refusal to re-assess answers a request for a re-assessment."""
        text = self._text(profile, decision=DecisionKind.REFUSE_REASSESSMENT,
                          request_received=date(2024, 9, 2))
        assert "We received the request for a re-assessment on 2 September 2024." in text

    def test_refuse_assessment_names_the_assessment_request(self, profile: Profile) -> None:
        """The shipped refusal to assess still says when the request was received."""
        text = " ".join(docx_text(_render("decision-letter", profile)).split())
        assert "We received the request for an EHC needs assessment on 20 August 2024." in text

    @pytest.mark.parametrize("kind", [DecisionKind.REFUSE_AMEND, DecisionKind.AMENDED_PLAN,
                                      DecisionKind.CEASE_TO_MAINTAIN])
    def test_request_received_is_refused_where_there_was_no_request(self, kind: DecisionKind) -> None:
        """request_received on a decision that answers no request is an error naming field and expected."""
        from pydantic import ValidationError

        from medocs.models import DecisionLetterCase

        data = read_case_data(SAMPLES / "decision-letter.toml")
        data.update(decision=kind.value, cease_date="2025-07-31")
        with pytest.raises(ValidationError) as caught:
            DecisionLetterCase.model_validate(data)
        message = str(caught.value)
        assert f"request_received does not apply to a {kind.value} decision (found 2024-08-20)" in message
        assert "expected review_meeting" in message

    def test_trigger_after_the_letter_is_refused(self) -> None:
        """A review meeting after the letter date is an error naming review_meeting."""
        from pydantic import ValidationError

        from medocs.models import DecisionLetterCase

        data = read_case_data(SAMPLES / "decision-letter.toml")
        data.pop("request_received")
        data.update(decision="refuse_amend", review_meeting="2025-01-10")
        with pytest.raises(ValidationError, match=r"review_meeting \(2025-01-10\) is after letter_date"):
            DecisionLetterCase.model_validate(data)
