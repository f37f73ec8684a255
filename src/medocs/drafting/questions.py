"""What ``medocs draft`` asks: each letter's questions, what they mean, examples, defaults.

The questions come from the letter's case model, read through ``medocs.fields``: which
fields, their types, which are optional, and what each means with an example (written once,
on the models); ``drafting`` asks them and checks the answers.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum, StrEnum
from typing import Any

from medocs.documents.kinds import KINDS
from medocs.documents.wording import wording_for
from medocs.fields import Leaf, ListOf, ModelField, Record, meaning_of, record
from medocs.models import Action, DecisionKind, OrderType
from medocs.timeline.dates import plain_date
from medocs.timeline.deadlines import reg44_period

__all__ = [
    "ASK_IF",
    "DATE_FORMS",
    "DYNAMIC_DEFAULTS",
    "KIND_DEFAULTS",
    "NOT_ASKED",
    "ORDER",
    "PER_LETTER",
    "SUGGESTIONS",
    "Question",
    "action_questions",
    "label_of",
    "questions_for",
]

# The order questions are asked in: the letter's date first (other defaults follow from it),
# then who writes, for whom, about what, to whom, and the letter's own facts.
ORDER = {
    "mediation-request": ("letter_date", "advocate", "client", "child", "decision", "la", "adviser",
                          "contacted_adviser", "issues", "health_provision", "case_ref"),
    "certificate-request": ("letter_date", "advocate", "client", "child", "decision", "la_name",
                            "adviser", "contacted_adviser", "case_ref"),
    "mediation-not-arranged": ("letter_date", "advocate", "client", "child", "decision", "la",
                               "adviser", "contacted_adviser", "mediation_requested", "issues",
                               "health_provision", "case_ref"),
    "agreement-chase": ("letter_date", "advocate", "client", "child", "decision", "la",
                        "agreement_date", "mediator", "actions", "reply_by", "case_ref"),
}
# Optional extras a case file may give but nobody is asked for.
# (An action's number in the record and the body that owes it, and the ICB as addressee, come
# from a case file; a drafted action takes its place as number and 'who' for the body.)
NOT_ASKED = frozenset({"cc", "enclosures", "certificate_to", "icb", "actions.number",
                       "actions.owed_by"})
# Per-letter fields: a saved case leaves them out, so the next letter asks for its own.
PER_LETTER = frozenset({"letter_date", "reply_by"})

DATE_FORMS = "type it as 1 March 2025, 1/3/2025 or 2025-03-01"


@dataclass(frozen=True)
class Question:
    """One field to ask for: where it goes, what it means, an example and how to read it."""

    path: tuple[str, ...]
    label: str
    meaning: str
    example: str
    kind: str  # "text", "date", "bool", "choice", "list" or "actions"
    required: bool
    default: Any = None
    choices: tuple[tuple[str, str], ...] = ()

    @property
    def name(self) -> str:
        """The dotted field name, as in a case file: 'child.date_of_birth'."""
        return ".".join(self.path)


# ---------------------------------------------------------------- what each field means
# (the models say it: medocs.models.about, read through medocs.fields)

# Choices shown as numbered lists, with words people recognise.
_CHOICE_WORDS: dict[type[Enum], Callable[[Any], str]] = {
    DecisionKind: lambda kind: wording_for(kind).title,
    OrderType: lambda order: reg44_period(order.value).label.capitalize(),
}

# Questions asked only when an earlier answer in the same section makes them relevant.
def _decision_has_plan(answers: Mapping[str, Any]) -> bool:
    """Reg 32(e)(iii): health care provision is a mediation issue only where a plan exists."""
    kind = (answers.get("decision") or {}).get("kind")
    try:
        return DecisionKind(str(kind)).has_plan
    except ValueError:
        return True  # not known yet: ask, and let validation decide


ASK_IF: dict[str, Callable[[Mapping[str, Any]], bool]] = {
    "health_provision": _decision_has_plan,
    "client.relationship": lambda section: not section.get("is_young_person"),
    "actions.order_type": lambda section: bool(section.get("appealable")),
}


def _surname_ref(answers: Mapping[str, Any]) -> str | None:
    decision = answers.get("decision") or {}
    if decision.get("la_reference"):
        return str(decision["la_reference"])
    child = (answers.get("child") or {}).get("name")
    letter = answers.get("letter_date")
    if not child or not isinstance(letter, date):
        return None
    surname = re.sub(r"[^A-Z0-9]", "", str(child).split()[-1].upper()) or "CASE"
    return f"{surname}-{letter.year}"


def _letter_date_plus(days: int) -> Callable[[Mapping[str, Any], date], Any]:
    def default(answers: Mapping[str, Any], today: date) -> Any:
        letter = answers.get("letter_date")
        return letter + timedelta(days=days) if isinstance(letter, date) else None
    return default


# Defaults that depend on the day or on earlier answers.
DYNAMIC_DEFAULTS: dict[str, Callable[[Mapping[str, Any], date], Any]] = {
    "letter_date": lambda answers, today: today,
    "client.consent_given": lambda answers, today: answers.get("letter_date") or today,
    "case_ref": lambda answers, today: _surname_ref(answers),
    "reply_by": _letter_date_plus(14),
    "la.salutation": lambda answers, today: (answers.get("la") or {}).get("name"),
    "adviser.salutation": lambda answers, today: (answers.get("adviser") or {}).get("name"),
}
# Guesses offered to a person, never filled in silently (--no-input lists them as missing).
SUGGESTIONS = frozenset({"client.consent_given", "contacted_adviser"})
# certificate-request: this letter is often the family's first contact with the adviser.
KIND_DEFAULTS: dict[tuple[str, str], Callable[[Mapping[str, Any], date], Any]] = {
    ("certificate-request", "contacted_adviser"): lambda answers, today: answers.get("letter_date"),
}


# ---------------------------------------------------------------- questions from the model

def _example(value: Any, leaf: Any) -> str:
    """An example as a person types it: '14 May 2017', 'no', '6 (amend_plan)'."""
    if value is None:
        return ""
    if isinstance(value, tuple):
        value = value[0] if value else ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date):
        return plain_date(value)
    if isinstance(value, StrEnum):
        return f"{list(type(value)).index(value) + 1} ({value.value})"
    return str(value)


def _field_questions(node: Record, prefix: tuple[str, ...], holder: ModelField | None) -> list[Question]:
    questions: list[Question] = []
    for name, field in node.fields.items():
        if ".".join((*prefix, name)) in NOT_ASKED:
            continue
        questions += _question((*prefix, name), field, holder)
    return questions


def _question(path: tuple[str, ...], field: ModelField, holder: ModelField | None) -> list[Question]:
    node = field.node
    if isinstance(node, Record):
        return _field_questions(node, path, field)
    if isinstance(node, ListOf):
        kind, leaf = ("actions", None) if isinstance(node.item, Record) else ("list", node.item)
    else:
        kind, leaf = (node.kind if node.kind in ("date", "bool", "choice") else "text"), node
    label, meaning, example = meaning_of(field, holder, path[-1])
    if not label:
        msg = f"{'.'.join(path)} has no title in medocs.models (about(...)): nothing to ask"
        raise LookupError(msg)
    required = field.required or (isinstance(node, ListOf) and node.min_items > 0)
    default = field.default if field.default not in (None, ()) else None
    choices: tuple[tuple[str, str], ...] = ()
    if isinstance(leaf, Leaf) and leaf.enum is not None and kind == "choice":
        words = _CHOICE_WORDS.get(leaf.enum, _enum_value)
        choices = tuple((member.value, words(member)) for member in leaf.enum)
    return [Question(path, label, meaning, _example(example, leaf), kind, bool(required), default,
                     choices)]


def _enum_value(member: Any) -> str:
    return str(member.value)


def label_of(name: str) -> str:
    """The question a dotted field name of an advocate's letter is asked with (else the name)."""
    for kind_name in ORDER:
        for question in questions_for(kind_name):
            if question.name == name:
                return question.label
    return name


def questions_for(kind_name: str) -> list[Question]:
    """Every question a letter of ``kind_name`` may ask, in the order they are asked.

    The agreed actions of a chase letter are one question of kind 'actions'; its item
    questions are ``action_questions()``.
    """
    fields = record(KINDS[kind_name].model).fields
    questions: list[Question] = []
    for name in ORDER[kind_name]:
        questions += _question((name,), fields[name], None)
    return questions


def action_questions() -> list[Question]:
    """The questions about one agreed action (the ``Action`` model)."""
    return [question for question in _field_questions(record(Action), (), None)
            if f"actions.{question.name}" not in NOT_ASKED]

