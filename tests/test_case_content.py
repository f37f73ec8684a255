"""Each document states only what is true for its case (issue 12, items 6-12).

Every test renders a real .docx and reads its text back with python-docx.
"""

from __future__ import annotations

import io
from typing import Any

import pytest
from document_variants import ICB_ONLY, decision_changes, render_variant, sample_profile
from docx import Document
from helpers import docx_parts, docx_text
from pydantic import ValidationError

from medocs.documents.kinds import KINDS
from medocs.errors import CaseValidationError
from medocs.loading import load_case
from medocs.models import DecisionKind, MediationRequestCase
from medocs.profiles import Profile

NO_PLAN = [k for k in DecisionKind if not k.has_plan]
WITH_PLAN = [k for k in DecisionKind if k.has_plan]
HESC_FULL = ("Tribunal Procedure (First-tier Tribunal) (Health, Education and Social Care "
             "Chamber) Rules 2008")


def _text(kind: str, **changes: Any) -> str:
    return " ".join(docx_text(render_variant(kind, changes)).split())


def _body(kind: str, profile: Profile | None = None, **changes: Any) -> str:
    return " ".join(docx_parts(render_variant(kind, changes, profile))["body"].split())


def _profile(**service: Any) -> Profile:
    profile = sample_profile()
    return profile.model_copy(update={
        "mediation_service": profile.mediation_service.model_copy(update=service)})


class TestHealthOnlyWhereAPlanExists:
    """Item 6: reg 32(e)(iii) is about health care provision specified in the EHC plan."""

    @pytest.mark.parametrize("decision", NO_PLAN, ids=lambda d: d.value)
    def test_no_plan_letters_have_no_health_limb(self, decision: DecisionKind) -> None:
        """Refuse to assess, to issue a plan or to reassess: no health care or ICB wording."""
        text = _body("decision-letter", **decision_changes(decision))
        assert "health care you would like" not in text
        assert "ICB" not in text
        assert "integrated care board" not in text

    @pytest.mark.parametrize("decision", WITH_PLAN, ids=lambda d: d.value)
    def test_plan_letters_keep_the_health_limb(self, decision: DecisionKind) -> None:
        """Where a plan exists, the letter asks which health care provision is wanted."""
        text = _body("decision-letter", **decision_changes(decision))
        assert "which health care you would like, if an issue is about the health care" in text

    def test_refuse_assessment_mediation_request_has_no_icb(self) -> None:
        """The sample request about a refusal to assess names no ICB and no ICB date."""
        text = _body("mediation-request")
        assert "ICB" not in text
        assert "health care provision" not in text

    @pytest.mark.parametrize("kind", ["mediation-request", "mediation-not-arranged"])
    def test_health_provision_without_a_plan_is_refused(self, kind: str) -> None:
        """health_provision for a refusal to assess is an error naming the field and reason."""
        model = KINDS[kind].model
        data = load_case(_sample_path(kind), model).model_dump(mode="json")
        data["health_provision"] = ["An NHS speech and language therapy assessment"]
        with pytest.raises(ValidationError, match="only where an EHC plan exists") as caught:
            model.model_validate(data)
        assert caught.value.errors()[0]["loc"] == ("health_provision",)

    def test_case_file_error_names_the_file_and_field(self, tmp_path: Any) -> None:
        """Loading such a case file is a one-line CaseValidationError naming the field."""
        source = _sample_path("mediation-request").read_text(encoding="utf-8")
        bad = tmp_path / "bad.toml"
        bad.write_text('health_provision = ["NHS therapy"]\n' + source, encoding="utf-8")
        with pytest.raises(CaseValidationError, match=r"bad\.toml: 'health_provision'"):
            load_case(bad, MediationRequestCase)


def _sample_path(kind: str) -> Any:
    from document_variants import SAMPLES

    return SAMPLES / KINDS[kind].sample


class TestThirtyDays:
    """Item 7: the 30 days cite Part 2, count from the LA being told, and name the ICB."""

    @pytest.mark.parametrize("decision", list(DecisionKind), ids=lambda d: d.value)
    def test_thirty_days_from_being_told_cited_as_part_2(self, decision: DecisionKind) -> None:
        """No 'regulation 32' for the 30 days; Part 2 (regs 32-42) in the law paragraph."""
        text = _body("decision-letter", **decision_changes(decision))
        assert "regulation 32)" not in text
        assert "arrange mediation within 30 days of you telling us that you want it" in text
        assert "SEND Regulations 2014, Part 2 (Mediation, regs 32-42)" in text
        health_only = "If your only issues are about health care, the integrated care board"
        assert (health_only in text) is decision.has_plan


class TestTribunalRulesNamed:
    """Item 8: the HESC Rules are named in full once; 'Tribunal Procedure Rules 2008' never."""

    @pytest.mark.parametrize("kind", list(KINDS))
    def test_full_name_once_and_never_the_ambiguous_short_name(self, kind: str) -> None:
        """Every document that cites the Tribunal's rules names them in full exactly once."""
        text = _text(kind)
        assert "Tribunal Procedure Rules 2008" not in text
        if kind not in ("agreement-record", "agreement-chase"):
            assert text.count(HESC_FULL) == 1


class TestCouncilFromTheCase:
    """Item 9: a case names its council, which overrides the profile's."""

    KC = {"name": "Royal Borough of Kensington and Chelsea", "reference": "RBKC-EHC-77"}

    @pytest.mark.parametrize("kind", ["decline-certificate", "mediation-certificate",
                                      "agreement-record"])
    def test_case_council_replaces_the_profile_council(self, kind: str) -> None:
        """A Kensington and Chelsea case never says Westminster."""
        changes: dict[str, Any] = {"la": self.KC, "decision": {"kind": "final_plan",
                                                                "letter_sent": "2024-10-01"}}
        if kind == "agreement-record":  # the sample's own actions and attendees name Westminster
            changes |= {"attendees": [], "actions": [{"action": "Amend Section F", "who":
                        "Royal Borough of Kensington and Chelsea", "appealable": False}]}
        text = _text(kind, **changes)
        assert "Royal Borough of Kensington and Chelsea" in text
        assert "Westminster City Council" not in text
        if kind != "agreement-record":
            assert "RBKC-EHC-77" in text

    def test_profile_list_of_councils_catches_a_typo(self) -> None:
        """A profile that lists its councils refuses a case naming another, naming la.name."""
        profile = _profile(councils=("Westminster City Council",
                                     "Royal Borough of Kensington and Chelsea"))
        assert "Kensington" in _body("decline-certificate", profile, la=self.KC)
        with pytest.raises(CaseValidationError, match=r"la\.name: 'Kensington & Chelsea'"):
            _body("decline-certificate", profile, la={"name": "Kensington & Chelsea"})


class TestAgreementRecordParties:
    """Item 10: no signature row for a non-party; the certificate's issuer from the profile."""

    def test_no_icb_row_when_the_icb_is_not_a_party(self) -> None:
        """Without an ICB, the signatures table has no ICB row at all."""
        text = _text("agreement-record", icb=None, icb_signatory=None)
        assert "ICB (not a party)" not in text
        assert "Not a party" in text  # the details table still says so

    def test_no_la_row_when_the_la_is_not_a_party(self) -> None:
        """An LA that is not a party to the agreement does not sign it."""
        parts = render_variant("agreement-record", ICB_ONLY)
        tables = Document(io.BytesIO(parts)).tables
        signed_for = [row.cells[0].text for row in tables[-1].rows]
        assert "Westminster City Council" not in signed_for
        assert "NHS North West London Integrated Care Board" in signed_for

    def test_mediation_adviser_issues_when_the_profile_says_so(self) -> None:
        """A service whose adviser issues certificates shows the adviser, not 'Mediator'."""
        profile = _profile(certificate_issuer="mediation adviser")
        text = _body("mediation-certificate", profile)
        assert "Mediation adviser, Global Mediation" in text
        assert "Mediator, Global Mediation" not in text
        default = _body("mediation-certificate")
        assert "Helen Marsh Mediator, Global Mediation" in default


class TestAgreementChase:
    """Item 11: the record's numbers, the body that owes, its complaint route, every party."""

    CHANGES: dict[str, Any] = {"actions": [
        {"action": "Arrange an educational psychologist's observation", "who":
         "Westminster City Council", "appealable": False, "number": 2},
        {"action": "Send the ICB's occupational therapy waiting-list position", "who":
         "NHS North West London ICB", "appealable": False, "agreed_deadline": "2025-04-11",
         "number": 3},
    ]}

    def test_actions_keep_the_record_numbers(self) -> None:
        """Actions 2 and 3 of the record are actions 2 and 3 in the chase, not 1 and 2."""
        text = _body("agreement-chase", **self.CHANGES)
        assert "Action 2: Arrange an educational psychologist" in text
        assert "Action 3: Send the ICB" in text
        assert "Action 1:" not in text

    def test_written_to_the_icb_with_the_nhs_route(self) -> None:
        """A health action goes to the ICB, with NHS complaints and then the PHSO."""
        text = _body("agreement-chase", **self.CHANGES)
        assert text.startswith("Westminster City Council")
        assert "NHS North West London Integrated Care Board 15 Marylebone Road" in text
        assert ("About action 3, the complaint goes first to NHS North West London Integrated "
                "Care Board, using the NHS complaints process. Then it goes to the Parliamentary "
                "and Health Service Ombudsman.") in text
        assert ("About action 2, the complaint goes first to Westminster City Council, using its "
                "complaints process. Then it goes to the Local Government and Social Care "
                "Ombudsman.") in text
        assert "Dear Ms Raman and Dr Adebayo" in text

    def test_every_party_is_named(self) -> None:
        """The agreement's parties: the parent, the council and the ICB."""
        text = _body("agreement-chase")
        assert ("The parties were Ms Ó Briain, Westminster City Council and NHS North West "
                "London Integrated Care Board.") in text

    def test_icb_action_without_an_icb_addressee_is_refused(self) -> None:
        """A health action with no ICB to write to is a clear error."""
        with pytest.raises(ValidationError, match="icb is required: action 3 is owed by the ICB"):
            render_variant("agreement-chase", {"icb": None})

    def test_la_only_chase_goes_to_the_la_alone(self) -> None:
        """When only the council owes, the letter goes to the council and its route only."""
        text = _body("agreement-chase", actions=self.CHANGES["actions"][:1])
        assert "Parliamentary and Health Service Ombudsman" not in text
        assert "Dear Ms Raman" in text
        assert "Dr Adebayo" not in text


class TestCareIssuesOnTheCertificate:
    """Item 12: a health or social care issue is not, on its own, appealable."""

    ISSUES = [
        {"issue": "Section F: one-to-one support", "outcome": "partly_resolved"},
        {"issue": "Health: NHS occupational therapy", "outcome": "not_resolved",
         "area": "health"},
        {"issue": "Speech therapy", "outcome": "resolved"},
    ]

    def test_health_issue_is_not_listed_as_appealable(self) -> None:
        """The education issue can be appealed; the health issue only alongside B, F or I."""
        text = _body("mediation-certificate", issues=self.ISSUES)
        appealable = text.split("You can appeal to the Tribunal about these issues")[1]
        appealable = appealable.split("These health or social care issues")[0]
        assert "Section F: one-to-one support" in appealable
        assert "NHS occupational therapy" not in appealable
        assert "Speech therapy" not in appealable
        assert ("You cannot appeal about them on their own. The Tribunal can look at them only "
                "if you also appeal about Section B, F or I of the plan.") in text

    def test_no_care_paragraph_without_care_issues(self) -> None:
        """A certificate with no open health or social care issue says nothing about them."""
        assert "health or social care issues" not in _body("mediation-certificate")


class TestDeemedCertificateLaw:
    def test_deemed_certificate_cites_section_55_and_part_2(self) -> None:
        """Mediation not arranged: s.55 and Part 2, not s.55(4), which is the decline limb."""
        changes = {"variant": "not_arranged", "declined_on": None,
                   "mediation_requested": "2024-10-21", "la_told_adviser": "2024-11-21",
                   "issued_on": "2024-11-22"}
        law = next(line for line in docx_parts(render_variant("decline-certificate", changes))
                   ["body"].split("\n") if line.startswith("The law: "))
        assert "section 55, and SEND Regulations 2014, Part 2" in law
        assert "55(4)" not in law


@pytest.mark.parametrize("kind", [DecisionKind.FINAL_PLAN, DecisionKind.CEASE_TO_MAINTAIN],
                         ids=lambda k: k.value)
def test_the_child_s_first_name_after_the_full_name(kind: DecisionKind) -> None:
    """What can be appealed names the child as the letter's own reasons do: 'Amara', not
    'Amara Khan' again (issue 14: no repeated full names)."""
    body = " ".join(docx_parts(render_variant("decision-letter", decision_changes(kind)))["body"].split())
    said = {DecisionKind.FINAL_PLAN: "Section B describes Amara's special educational needs.",
            DecisionKind.CEASE_TO_MAINTAIN: "our decision to stop maintaining Amara's EHC plan."}
    assert said[kind] in body
    assert "Section B describes Amara Khan's" not in body
    assert "stop maintaining Amara Khan's EHC plan." not in body
