"""What ``medocs draft`` asks: each letter's questions, what they mean, examples, defaults.

The questions come from the letter's case model (which fields, their types, which are
optional) and from the help table here; ``drafting`` asks them and checks the answers.
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from medocs.documents.kinds import KINDS
from medocs.documents.wording import wording_for
from medocs.models import Action, DecisionKind, OrderType
from medocs.timeline.deadlines import reg44_period

__all__ = [
    "ASK_IF",
    "DATE_FORMS",
    "DYNAMIC_DEFAULTS",
    "HELP",
    "KIND_DEFAULTS",
    "NOT_ASKED",
    "ORDER",
    "PER_LETTER",
    "SUGGESTIONS",
    "Question",
    "action_questions",
    "questions_for",
    "replace_path",
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
NOT_ASKED = frozenset({"cc", "enclosures", "certificate_to"})
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

def _addressee_help(key: str, who: str, examples: tuple[str, str, str, str, str, str]
                    ) -> dict[str, tuple[str, str, str]]:
    organisation, name, job_title, salutation, address, email = examples
    return {
        f"{key}.organisation": (f"{who}: organisation", f"The organisation of {who.lower()}.",
                                organisation),
        f"{key}.name": (f"{who}: person to write to",
                        "The person the letter is for the attention of. Leave empty if you do not "
                        "know a name: the letter then starts 'Dear Sir or Madam'.", name),
        f"{key}.job_title": (f"{who}: their job title", "The job title of that person.", job_title),
        f"{key}.salutation": (f"{who}: how to greet them",
                              "The name after 'Dear', as that person would like it.", salutation),
        f"{key}.address": (f"{who}: postal address",
                           "The postal address, one line at a time (the letter goes by email).",
                           address),
        f"{key}.email": (f"{who}: email address", "The email address the letter will be sent to.",
                         email),
    }


HELP: dict[str, tuple[str, str, str]] = {
    "letter_date": ("Date of this letter", "The date the letter is sent. Deadlines that start "
                    "when the LA or the adviser is told count from this date.", "21 October 2024"),
    "case_ref": ("Your reference for this case", "A short reference of your own for this family's "
                 "case. It names the files written.", "KHAN-2024"),
    "advocate.name": ("Your full name", "You write the letter: your name as it should be signed.",
                      "Joanna Mensah"),
    "advocate.role": ("Your role", "The capacity you write in.", "Volunteer SEND advocate"),
    "advocate.organisation": ("Your organisation", "The organisation you work or volunteer for.",
                              "Westway Parent Advocacy"),
    "advocate.address": ("Your postal address", "Your organisation's address, one line at a time.",
                         "Unit 4, 12 Acklam Road"),
    "advocate.email": ("Your email address", "Where replies and the certificate should go.",
                       "joanna.mensah@westway-advocacy.example"),
    "advocate.phone": ("Your telephone number", "A number the LA or the adviser can call you on.",
                       "020 7946 0321"),
    "client.name": ("Name of the parent or young person you act for",
                    "The person with the right of appeal: the parent, or the young person "
                    "themselves once they are over compulsory school age.", "Ms Sadia Khan"),
    "client.is_young_person": ("Is that person the young person themselves?",
                               "Answer yes if the young person makes their own decisions and you "
                               "act for them directly.", "no"),
    "client.relationship": ("Their relationship to the child",
                            "How the parent is related to the child, as the letter should say it.",
                            "mother"),
    "client.consent_given": ("Date they gave written consent",
                             "The date the parent or young person gave you written consent to act "
                             "for them. Enclose a copy with the letter.", "14 October 2024"),
    "child.name": ("Child's full name", "The child or young person the decision is about.",
                   "Amara Khan"),
    "child.date_of_birth": ("Child's date of birth", "The date of birth of the child or young "
                            "person, as on the EHC paperwork.", "14 May 2017"),
    "decision.kind": ("Which decision", "The LA's decision that the family may appeal.",
                      "1 (refuse_assessment)"),
    "decision.letter_sent": ("Date the decision letter was sent",
                             "The date on the LA's decision letter: the appeal clock runs from the "
                             "date it was sent, not the date it arrived.", "1 October 2024"),
    "decision.la_reference": ("The LA's reference",
                              "The reference on the LA's decision letter.", "WCC-EHC-2024-0417"),
    **_addressee_help("la", "The local authority", (
        "Westminster City Council", "Daniel Okafor", "SEND Disagreement Resolution Lead",
        "Mr Okafor", "64 Victoria Street", "send.mediation@westminster.gov.uk")),
    **_addressee_help("adviser", "The mediation adviser", (
        "Global Mediation", "Ruth Adeyemi", "Mediation Adviser", "Ms Adeyemi",
        "1 Example Road", "info@globalmediation.co.uk")),
    "la_name": ("The local authority", "The local authority that made the decision.",
                "Westminster City Council"),
    "contacted_adviser": ("Date the family contacted the mediation adviser",
                          "The date the parent or young person first contacted the mediation "
                          "adviser about this decision (they must do so within 2 months of the "
                          "decision letter, regulation 33).", "16 October 2024"),
    "mediation_requested": ("Date the LA was told mediation is wanted",
                            "The date the LA was told the family wishes to go to mediation: the "
                            "30 days to arrange it start then.", "21 October 2024"),
    "issues": ("The mediation issues",
               "What the family wants to talk about at mediation: one issue per line.",
               "Whether an EHC needs assessment is necessary"),
    "health_provision": ("Health care provision wanted",
                         "If the issues include health care provision, or its absence, the health "
                         "care provision the family would like: one per line (regulation 32(e)).",
                         "A speech and language therapy assessment by an NHS therapist"),
    "agreement_date": ("Date of the mediation agreement",
                       "The date of the written agreement reached at mediation (regulation 42).",
                       "18 March 2025"),
    "mediator": ("The mediator's name", "Who mediated.", "Helen Marsh"),
    "actions": ("The agreed actions that are late", "Each action agreed at mediation that has not "
                "been done by its deadline.", ""),
    "actions.action": ("What was agreed", "The action, in the words of the agreement.",
                       "Arrange an educational psychologist's observation in class"),
    "actions.who": ("Who agreed to do it", "The organisation that must do it.",
                    "Westminster City Council"),
    "actions.appealable": ("Could it have been appealed to the Tribunal?",
                           "Yes for things like an assessment, issuing a plan or changing "
                           "Section F; no for things like a visit or a report. It decides the "
                           "deadline (regulation 42(2) or (3)).", "no"),
    "actions.order_type": ("What kind of action",
                           "For an action that could have been appealed: which Tribunal time limit "
                           "applies (regulation 44). Leave empty if a deadline was agreed in "
                           "writing.", "6 (amend_plan)"),
    "actions.agreed_deadline": ("Deadline agreed in writing",
                                "Only if the agreement set its own date for this action "
                                "(regulation 42(5)).", "11 April 2025"),
    "reply_by": ("Reply by", "The date you ask the LA to reply by.", "28 April 2025"),
}

# Choices shown as numbered lists, with words people recognise.
_CHOICE_WORDS: dict[type[StrEnum], Callable[[Any], str]] = {
    DecisionKind: lambda kind: wording_for(kind).title,
    OrderType: lambda order: reg44_period(order.value).label.capitalize(),
}

# Questions asked only when an earlier answer in the same section makes them relevant.
ASK_IF: dict[str, Callable[[Mapping[str, Any]], bool]] = {
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

def _unwrap(annotation: Any) -> tuple[Any, bool]:
    """The annotation without ``| None``, and whether None was allowed."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        return args[0], len(args) < len(typing.get_args(annotation))
    return annotation, False


def _base(annotation: Any) -> Any:
    while typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    return annotation


def _kind_of(annotation: Any) -> tuple[str, Any]:
    base = _base(annotation)
    if typing.get_origin(base) is tuple:
        item = _base(typing.get_args(base)[0])
        if isinstance(item, type) and issubclass(item, BaseModel):
            return "actions", item
        return "list", item
    if base is date:
        return "date", base
    if base is bool:
        return "bool", base
    if isinstance(base, type) and issubclass(base, StrEnum):
        return "choice", base
    if isinstance(base, type) and issubclass(base, BaseModel):
        return "section", base
    return "text", base


def _field_questions(model: type[BaseModel], prefix: tuple[str, ...], kind_name: str
                     ) -> list[Question]:
    questions: list[Question] = []
    for name, info in model.model_fields.items():
        path = (*prefix, name)
        questions += _question(path, info.annotation, info, kind_name)
    return questions


def _question(path: tuple[str, ...], annotation: Any, info: Any, kind_name: str) -> list[Question]:
    inner, optional = _unwrap(annotation)
    kind, target = _kind_of(inner)
    if kind == "section":
        return _field_questions(target, path, kind_name)
    help_key = ".".join(part for part in path)
    label, meaning, example = HELP[help_key]
    has_default = info.default is not PydanticUndefined
    min_items = any(getattr(rule, "min_length", 0) for rule in info.metadata)
    required = (not has_default and not optional) or (kind in ("list", "actions") and min_items)
    default = info.default if has_default and info.default not in (None, ()) else None
    choices: tuple[tuple[str, str], ...] = ()
    if kind == "choice":
        words = _CHOICE_WORDS.get(target, _enum_value)
        choices = tuple((member.value, words(member)) for member in target)
    return [Question(path, label, meaning, example, kind, bool(required), default, choices)]


def _enum_value(member: Any) -> str:
    return str(member.value)


def questions_for(kind_name: str) -> list[Question]:
    """Every question a letter of ``kind_name`` may ask, in the order they are asked.

    The agreed actions of a chase letter are one question of kind 'actions'; its item
    questions are ``action_questions()``.
    """
    model = KINDS[kind_name].model
    questions: list[Question] = []
    for name in ORDER[kind_name]:
        questions += _question((name,), model.model_fields[name].annotation,
                               model.model_fields[name], kind_name)
    return questions


def action_questions() -> list[Question]:
    """The questions about one agreed action (the ``Action`` model)."""
    return [replace_path(q, q.path[1:]) for q in _field_questions(Action, ("actions",), "")]


def replace_path(question: Question, path: tuple[str, ...]) -> Question:
    """The same question, stored at ``path`` inside its section."""
    return Question(path, question.label, question.meaning, question.example, question.kind,
                    question.required, question.default, question.choices)


