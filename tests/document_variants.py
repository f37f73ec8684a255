"""Every kind and variant of document, rendered from the samples (shared by tests)."""

from __future__ import annotations

from datetime import date
from typing import Any

from medocs.documents.kinds import KINDS, data_dir, document_kind, render_document
from medocs.loading import load_case
from medocs.models import DECISION_TRIGGERS, DecisionKind
from medocs.profiles import Profile, load_profile

SAMPLES = data_dir("samples")
TODAY = date(2025, 1, 1)
_HEALTH = {"health_provision": ["A speech and language therapy assessment by an NHS therapist"]}
# An agreement between the family and the ICB alone: the council is not a party, so it owes
# no action (the sample's third action is the ICB's).
ICB_ONLY: dict[str, Any] = {"la_is_party": False, "actions": [{
    "action": "Send the parent the ICB's occupational therapy waiting-list position in writing",
    "who": "NHS North West London ICB", "appealable": False, "agreed_deadline": "2025-04-11"}]}
_PLAN = {"kind": "final_plan", "letter_sent": "2024-10-01", "la_reference": "WCC-EHC-2024-0417"}

# (id, kind, changes to the sample case): each decision, each addressee, each certificate and
# agreement variant, each advocate's letter with and without health care provision.
def decision_changes(kind: DecisionKind) -> dict[str, Any]:
    """The sample decision letter as a decision of ``kind``, keeping only its own trigger."""
    changes: dict[str, Any] = {"decision": kind.value, "cease_date": "2025-07-31"}
    if kind not in DECISION_TRIGGERS["request_received"]:
        changes["request_received"] = None
    return changes


VARIANTS: list[tuple[str, str, dict[str, Any]]] = [
    *((f"decision-letter-{k.value}", "decision-letter", decision_changes(k))
      for k in DecisionKind),
    ("decision-letter-young-person", "decision-letter",
     {"recipient": {"name": "Amara Khan", "is_young_person": True,
                    "address": ["14 Elgin Avenue", "London", "W9 3QP"]},
      "child": {"name": "Amara Khan", "date_of_birth": "2007-05-14"}}),
    ("decline-certificate-declined", "decline-certificate", {}),
    ("decline-certificate-not-arranged", "decline-certificate",
     {"variant": "not_arranged", "declined_on": None, "mediation_requested": "2024-10-21",
      "la_told_adviser": "2024-11-21", "issued_on": "2024-11-22"}),
    ("mediation-certificate", "mediation-certificate", {}),
    ("mediation-certificate-no-agreement", "mediation-certificate", {"agreement_ref": None}),
    ("agreement-record", "agreement-record", {}),
    ("agreement-record-icb-only", "agreement-record", ICB_ONLY),
    ("mediation-request", "mediation-request", {}),
    ("mediation-request-health", "mediation-request", {**_HEALTH, "decision": _PLAN}),
    ("certificate-request", "certificate-request", {}),
    ("mediation-not-arranged", "mediation-not-arranged", {}),
    ("agreement-chase", "agreement-chase", {}),
]
assert {kind for _, kind, _ in VARIANTS} == set(KINDS)


def sample_profile() -> Profile:
    return load_profile(SAMPLES / "westminster.toml")


def render_variant(kind_name: str, changes: dict[str, Any], profile: Profile | None = None,
                   *, today: date = TODAY) -> bytes:
    """Render the sample of ``kind_name`` with ``changes`` (top-level keys replaced)."""
    kind = document_kind(kind_name)
    case = load_case(SAMPLES / kind.sample, kind.model)
    if changes:
        data = case.model_dump(mode="json")
        data.update(changes)
        data = {key: value for key, value in data.items() if value is not None}
        case = kind.model.model_validate(data)
    return render_document(kind, case, profile or sample_profile(), today=today,
                           certificate_number="GM-2025-000042")


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for item in value.values() for text in _strings(item)]
    if isinstance(value, list | tuple):
        return [text for item in value for text in _strings(item)]
    return []


def case_texts(kind_name: str, changes: dict[str, Any]) -> frozenset[str]:
    """The free text of the case (reasons, steps, issues, actions): its author's words."""
    kind = document_kind(kind_name)
    data = load_case(SAMPLES / kind.sample, kind.model).model_dump(mode="json")
    data.update(changes)
    return frozenset(text.strip() for text in _strings(data) if len(text.split()) >= 6)
