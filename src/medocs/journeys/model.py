"""A case journey: one family's case, from the decision letter to the outcome, in one file.

The facts every document shares (the child, the parent, the decision, the dates things
happened) are written once; each document the case has reached has its own table under
``[documents.KIND]`` with what only it says (a certificate's date of issue, a letter's
reasons). A document table may restate a shared fact, but the consistency check
(:mod:`medocs.journeys.consistency`) then makes sure it says the same.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from medocs.loading import read_case_data, validate_case
from medocs.models import (
    Addressee,
    Advocate,
    CaseRef,
    Child,
    Client,
    DecisionRef,
    Recipient,
    Text,
)

__all__ = ["DOCUMENT_ORDER", "Events", "Journey", "MediationHeld", "Outcome", "load_journey"]

# The order documents happen in a case; a pack writes and lists them in this order.
DOCUMENT_ORDER = (
    "decision-letter",
    "mediation-request",
    "certificate-request",
    "mediation-not-arranged",
    "decline-certificate",
    "mediation-certificate",
    "agreement-record",
    "agreement-chase",
)

Outcome = Literal["open", "declined", "mediated", "not_arranged"]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


class Events(_Model):
    """The dates things happened in the case, each written once for every document."""

    contacted_adviser: date | None = Field(
        default=None, description="the parent or young person first contacted the mediation adviser")
    declined_on: date | None = Field(
        default=None, description="the adviser was told mediation is not wanted")
    mediation_requested: date | None = Field(
        default=None, description="the LA was told mediation is wanted")
    la_told_adviser: date | None = Field(
        default=None, description="the LA told the adviser it could not arrange mediation in time")
    agreement_date: date | None = Field(
        default=None, description="the agreement reached at mediation was made")


class MediationHeld(_Model):
    """The mediation meeting(s), when mediation took place."""

    dates: tuple[date, ...] = Field(min_length=1)
    mediator: Text
    format: Text = "in person"
    icb: Text | None = None

    @property
    def ended(self) -> date:
        """The last day of mediation (T15 counts from it)."""
        return max(self.dates)


class Journey(_Model):
    """One family's case: shared facts, what happened when, and each document's own details."""

    case_ref: CaseRef
    outcome: Outcome = Field(
        default="open", description="open, declined, mediated or not_arranged (mediation not "
                                    "arranged in time)")
    child: Child
    recipient: Recipient
    decision: DecisionRef
    events: Events = Events()
    mediation: MediationHeld | None = None
    issues: tuple[Text, ...] = Field(default=(), max_length=30)
    advocate: Advocate | None = None
    client: Client | None = None
    la: Addressee | None = None
    adviser: Addressee | None = None
    documents: dict[str, dict[str, Any]] = Field(min_length=1)

    @field_validator("documents")
    @classmethod
    def _known_kinds(cls, value: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
        unknown = [name for name in value if name not in DOCUMENT_ORDER]
        if unknown:
            msg = (f"unknown document kind(s) {', '.join(unknown)}: a journey's documents are "
                   f"{', '.join(DOCUMENT_ORDER)}")
            raise ValueError(msg)
        return value

    @model_validator(mode="after")
    def _outcome_has_its_facts(self) -> Journey:
        needs = {
            "declined": ("events.declined_on", self.events.declined_on),
            "mediated": ("[mediation] with its dates", self.mediation),
            "not_arranged": ("events.mediation_requested", self.events.mediation_requested),
        }
        if self.outcome in needs:
            what, value = needs[self.outcome]
            if value is None:
                msg = f"outcome {self.outcome!r} needs {what}"
                raise ValueError(msg)
        return self

    def ordered_documents(self) -> list[tuple[str, dict[str, Any]]]:
        """Each document's own table, in the order documents happen in a case."""
        return [(name, self.documents[name]) for name in DOCUMENT_ORDER if name in self.documents]


def load_journey(path: Path) -> Journey:
    """Read and validate a case journey file (TOML or JSON).

    Raises:
        CaseValidationError: naming the file, each field, what was expected and what was found.
    """
    return validate_case(read_case_data(path), Journey, where=str(path))
