"""Draft an advocate's letter: ask for what the case file does not give, check it, write it.

``medocs draft`` is a shell around this module. The questions come from the letter's case
model (which fields, their types, which are optional) and from the help table below (what
each field means, an example). Every answer is checked against the model as soon as it is
given, so a wrong answer is explained and asked again; nothing is written until every field
is valid and the person has seen the computed dates and confirmed.

Talking to the person goes through a ``Prompter`` (ask one line, say some text), so the same
code runs in a terminal, under click's test runner, or with no input at all.
"""

from __future__ import annotations

import io
import re
import types
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol

from docx import Document
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph
from pydantic import BaseModel, ValidationError
from pydantic_core import PydanticUndefined

from medocs.advocacy import advocate_letter_problems, letter_deadlines
from medocs.calendar_export import write_ics
from medocs.case_toml import dumps_case
from medocs.dates import long_date, parse_date, plain_date
from medocs.documents import KINDS, DocumentKind, build_context, render_document
from medocs.errors import CaseValidationError, DateInputError, OutputExistsError
from medocs.issuing import issue_document, output_path
from medocs.loading import read_case_data, validate_case
from medocs.models import Action, DecisionKind, OrderType, field_problems
from medocs.profiles import Profile
from medocs.rendering import write_atomic
from medocs.timeline import Deadline, reg44_period
from medocs.wording import wording_for

__all__ = [
    "ADVOCATE_KINDS",
    "check_free",
    "Prompter",
    "Question",
    "collect_case",
    "confirm",
    "dates_summary",
    "email_text",
    "outputs_for",
    "questions_for",
    "read_advocate",
    "saved_case_data",
    "seed_case",
    "write_draft",
]

ADVOCATE_KINDS = ("mediation-request", "certificate-request", "mediation-not-arranged", "agreement-chase")

# The order questions are asked in: the letter's date first (other defaults follow from it),
# then who writes, for whom, about what, to whom, and the letter's own facts.
_ORDER = {
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
_NOT_ASKED = frozenset({"cc", "enclosures", "certificate_to"})
# Per-letter fields: a saved case leaves them out, so the next letter asks for its own.
_PER_LETTER = frozenset({"letter_date", "reply_by"})

_DATE_FORMS = "type it as 1 March 2025, 1/3/2025 or 2025-03-01"


class Prompter(Protocol):
    """Asks the person one line at a time and shows them text."""

    def ask(self, prompt: str) -> str:
        """Show ``prompt`` and return the line typed (raise to abort: EOF, Ctrl-C)."""

    def say(self, text: str) -> None:
        """Show a line of text."""


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


_HELP: dict[str, tuple[str, str, str]] = {
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
_ASK_IF: dict[str, Callable[[Mapping[str, Any]], bool]] = {
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
_DYNAMIC_DEFAULTS: dict[str, Callable[[Mapping[str, Any], date], Any]] = {
    "letter_date": lambda answers, today: today,
    "client.consent_given": lambda answers, today: answers.get("letter_date") or today,
    "case_ref": lambda answers, today: _surname_ref(answers),
    "reply_by": _letter_date_plus(14),
    "la.salutation": lambda answers, today: (answers.get("la") or {}).get("name"),
    "adviser.salutation": lambda answers, today: (answers.get("adviser") or {}).get("name"),
}
# Guesses offered to a person, never filled in silently (--no-input lists them as missing).
_SUGGESTIONS = frozenset({"client.consent_given", "contacted_adviser"})
# certificate-request: this letter is often the family's first contact with the adviser.
_KIND_DEFAULTS: dict[tuple[str, str], Callable[[Mapping[str, Any], date], Any]] = {
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
    label, meaning, example = _HELP[help_key]
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
    for name in _ORDER[kind_name]:
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


# ---------------------------------------------------------------- nested answers

def _get(data: Mapping[str, Any], path: tuple[str, ...]) -> Any:
    value: Any = data
    for part in path:
        if not isinstance(value, Mapping) or part not in value:
            return None
        value = value[part]
    return value


def _set(data: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    for part in path[:-1]:
        data = data.setdefault(part, {})
    if value is None:
        data.pop(path[-1], None)
    else:
        data[path[-1]] = value


def _has(data: Mapping[str, Any], path: tuple[str, ...]) -> bool:
    value = _get(data, path)
    return value is not None and value != [] and value != ()


def _errors(model: type[BaseModel], data: Mapping[str, Any]) -> list[tuple[tuple[str, ...], str]]:
    """Problems with ``data`` other than missing fields, as (path, message)."""
    try:
        model.model_validate(data)
    except ValidationError as exc:
        found = []
        for error in exc.errors():
            if error["type"] == "missing":
                continue
            path = tuple(str(part) for part in error["loc"])
            found.append((path, error["msg"].removeprefix("Value error, ")))
        return found
    return []


# ---------------------------------------------------------------- reading answers

def _date_problem(text: str) -> str:
    """Why ``text`` is not a date, in words: '31/02/2025: February 2025 has no day 31'."""
    parts = re.fullmatch(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})", text) or None
    iso = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text)
    day_month_year: tuple[int, int, int] | None = None
    if parts:
        day_month_year = (int(parts[1]), int(parts[2]), int(parts[3]))
    elif iso:
        day_month_year = (int(iso[3]), int(iso[2]), int(iso[1]))
    if day_month_year:
        day, month, year = day_month_year
        if not 1 <= month <= 12:
            return f"{text!r} is not a date: there is no month {month} (dates are day first)."
        last = (date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)).day
        if day > last or day < 1:
            return (f"{text!r} is not a date: {date(year, month, 1).strftime('%B')} {year} has "
                    f"{last} days.")
    return f"{text!r} is not a date I can read: {_DATE_FORMS}."


def _read(question: Question, text: str) -> tuple[Any, str | None]:
    """Turn a typed answer into a value, or explain why it cannot be one."""
    text = text.strip()
    if question.kind == "date":
        try:
            return parse_date(text, field=question.label, day_first_forms=True), None
        except DateInputError as exc:
            if "between" in str(exc):
                return None, f"{text!r} is too far away: {exc}."
            return None, _date_problem(text)
    if question.kind == "bool":
        word = text.lower()
        if word in ("y", "yes"):
            return True, None
        if word in ("n", "no"):
            return False, None
        return None, "Please answer yes or no."
    if question.kind == "choice":
        values = [value for value, _ in question.choices]
        if text.isdigit() and 1 <= int(text) <= len(values):
            return values[int(text) - 1], None
        if text in values:
            return text, None
        return None, f"Please type a number from 1 to {len(values)}."
    return text, None


_BEFORE = re.compile(r"^(\d{4}-\d{2}-\d{2}) is before ([\w.]+) \((\d{4}-\d{2}-\d{2})\)$")


def _readable(message: str) -> str:
    """'2024-09-30 is before decision.letter_sent (2024-10-01)' in words, with the field's label."""
    match = _BEFORE.match(message)
    if match is None:
        return message
    label = _HELP.get(match[2], (match[2],))[0]
    return (f"{plain_date(date.fromisoformat(match[1]))} is before the {label[0].lower()}{label[1:]} "
            f"({plain_date(date.fromisoformat(match[3]))}): please check both dates.")


def _shown(value: Any) -> str:
    if isinstance(value, date):
        return plain_date(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


@dataclass
class _Session:
    """One run of questions: the answers so far and where they came from."""

    kind_name: str
    prompter: Prompter | None
    today: date
    answers: dict[str, Any]
    given: set[tuple[str, ...]] = field(default_factory=set)
    # Top-level keys the case file (or a profile) gave: their optional fields are not asked.
    seeded: set[str] = field(default_factory=set)
    asked: set[tuple[str, ...]] = field(default_factory=set)
    missing: list[Question] = field(default_factory=list)

    @property
    def model(self) -> type[BaseModel]:
        return KINDS[self.kind_name].model

    def default(self, question: Question) -> Any:
        make = _KIND_DEFAULTS.get((self.kind_name, question.name)) or _DYNAMIC_DEFAULTS.get(
            question.name)
        value = make(self.answers, self.today) if make else None
        return value if value is not None else question.default

    def say(self, text: str) -> None:
        assert self.prompter is not None
        self.prompter.say(text)

    def introduce(self, question: Question, default: Any) -> None:
        optional = not question.required and default is None
        self.say("")
        self.say(question.label + (" (optional: press Enter to skip)" if optional else ""))
        self.say(f"  {question.meaning}")
        if question.example:
            forms = f" ({_DATE_FORMS})" if question.kind == "date" else ""
            self.say(f"  Example: {question.example}{forms}")
        for number, (value, words) in enumerate(question.choices, start=1):
            self.say(f"  {number}. {words} ({value})")

    def ask_value(self, question: Question, *, introduce: bool = True) -> Any:
        """Ask until the answer reads as a value of the right kind (not yet model-checked)."""
        assert self.prompter is not None
        default = self.default(question)
        if introduce:
            self.introduce(question, default)
        if question.kind == "list":
            return self.ask_list(question)
        while True:
            hint = f"[{_shown(default)}] " if default is not None else ""
            text = self.prompter.ask(f"  {hint}> ").strip()
            if not text:
                if default is not None:
                    return default
                if not question.required:
                    return None
                self.say("  ! An answer is needed here.")
                continue
            value, problem = _read(question, text)
            if problem is None:
                return value
            self.say(f"  ! {problem}")

    def ask_list(self, question: Question) -> list[str] | None:
        assert self.prompter is not None
        self.say("  One per line; an empty line ends the list.")
        items: list[str] = []
        while True:
            text = self.prompter.ask(f"  {len(items) + 1}> ").strip()
            if text:
                items.append(text)
            elif items or not question.required:
                return items or None
            else:
                self.say("  ! At least one is needed.")

    def settle(self, question: Question) -> None:
        """Give ``question`` a valid value: from the case, a default, or by asking."""
        path = question.path
        if path in self.given:
            return
        parent = _get(self.answers, path[:-1]) if len(path) > 1 else self.answers
        condition = _ASK_IF.get(question.name)
        if condition is not None and not condition(parent or {}):
            return
        if self.prompter is None or question.name in _NOT_ASKED or (
                not question.required and path[0] in self.seeded):
            default = None if self.prompter is None and question.name in _SUGGESTIONS else (
                self.default(question))
            if default is not None and not _has(self.answers, path):
                _set(self.answers, path, default)
            elif question.required and not _has(self.answers, path):
                self.missing.append(question)
            return
        if question.kind == "actions":
            self.ask_actions(question)
            return
        introduce = True
        while True:
            _set(self.answers, path, self.ask_value(question, introduce=introduce))
            self.asked.add(path)
            problems = [message for where, message in _errors(self.model, self.answers)
                        if where[:len(path)] == path]
            if not problems:
                return
            for message in problems:
                self.say(f"  ! {_readable(message)}")
            introduce = False

    def ask_actions(self, question: Question) -> None:
        self.introduce(question, None)
        actions: list[dict[str, Any]] = []
        while True:
            self.say("")
            self.say(f"Agreed action {len(actions) + 1}")
            item: dict[str, Any] = {}
            for sub in action_questions():
                condition = _ASK_IF.get(f"actions.{sub.name}")
                if condition is not None and not condition(item):
                    continue
                value = self.ask_value(sub)
                if value is not None:
                    item[sub.name] = value
            try:
                Action.model_validate(item)
            except ValidationError as exc:
                for _, message, _ in field_problems(exc):
                    self.say(f"  ! {message}. Please give this action again.")
                continue
            actions.append(item)
            more = _yes_no_question("Another late action?")
            if not self.ask_value(more):
                break
        self.answers["actions"] = actions
        self.asked.add(question.path)


def _yes_no_question(label: str) -> Question:
    return Question(("_",), label, "Answer yes or no.", "", "bool", True, False)


# ---------------------------------------------------------------- seeds: case file, profile, advocate

def _advocate_fields() -> set[str]:
    names: set[str] = set()
    for kind_name in ADVOCATE_KINDS:
        names |= set(KINDS[kind_name].model.model_fields)
    return names | {"mediation_requested", "declined_on"}


def _from_profile(kind_name: str, profile: Profile) -> dict[str, Any]:
    la, service = profile.la, profile.mediation_service
    person = la.officer if kind_name == "agreement-chase" else la.mediation_contact
    # A profile's section is complete: its named person is greeted by their full name.
    la_section = {"organisation": la.name, "name": person.name, "job_title": person.job_title,
                  "salutation": person.name, "address": list(la.address), "email": person.email}
    adviser = {"organisation": service.name, "name": service.adviser.name,
               "job_title": service.adviser.job_title, "salutation": service.adviser.name,
               "address": list(service.address), "email": service.adviser.email}
    return {"la": la_section, "adviser": adviser, "la_name": la.name}


def read_advocate(path: Path) -> dict[str, Any]:
    """The ``[advocate]`` table of a TOML file (an advocate's own details, or any case file)."""
    data = read_case_data(path)
    advocate = data.get("advocate")
    if not isinstance(advocate, dict):
        msg = f"{path}: no [advocate] table (name, role, organisation, address, email, phone)"
        raise CaseValidationError(msg)
    return advocate


def _normalise_dates(kind_name: str, data: dict[str, Any]) -> None:
    """Read date strings typed in a JSON or TOML case as '1 March 2025' or '1/3/2025'."""
    for question in questions_for(kind_name):
        if question.kind != "date":
            continue
        value = _get(data, question.path)
        if isinstance(value, str):
            try:
                _set(data, question.path, parse_date(value, field=question.name, day_first_forms=True))
            except DateInputError:
                pass  # the model will report it, naming the field
    for action in data.get("actions") or []:
        if isinstance(action, dict) and isinstance(action.get("agreed_deadline"), str):
            try:
                action["agreed_deadline"] = parse_date(action["agreed_deadline"],
                                                       field="agreed_deadline", day_first_forms=True)
            except DateInputError:
                pass


def seed_case(
    kind_name: str,
    case_data: Mapping[str, Any] | None,
    *,
    profile: Profile | None = None,
    advocate: Mapping[str, Any] | None = None,
    where: str = "case file",
) -> tuple[dict[str, Any], list[str]]:
    """Start the answers from a case file, then fill sections it lacks from the profile.

    Keys that belong to another advocate's letter are left out (one case file serves every
    letter in a case); any other unknown key is an error, so a misspelling is never ignored.

    Returns:
        The answers so far, and notes for the person (keys not used by this letter).

    Raises:
        CaseValidationError: naming every key no advocate's letter knows.
    """
    model = KINDS[kind_name].model
    data = {key: value for key, value in (case_data or {}).items()}
    unknown = sorted(set(data) - _advocate_fields())
    if unknown:
        msg = (f"{where}: unknown field(s) {', '.join(unknown)} (a {kind_name} case may give "
               f"{', '.join(sorted(model.model_fields))})")
        raise CaseValidationError(msg)
    ignored = sorted(set(data) - set(model.model_fields))
    for key in ignored:
        del data[key]
    notes = [f"{where}: not used by this letter: {', '.join(ignored)}"] if ignored else []
    if advocate is not None and "advocate" not in data:
        data["advocate"] = dict(advocate)
    if profile is not None:
        for key, value in _from_profile(kind_name, profile).items():
            if key in model.model_fields and key not in data:
                data[key] = value
    _normalise_dates(kind_name, data)
    return data, notes


# ---------------------------------------------------------------- the whole collection

def _given_paths(questions: list[Question], answers: Mapping[str, Any]) -> set[tuple[str, ...]]:
    return {q.path for q in questions if _has(answers, q.path)}


def collect_case(
    kind_name: str,
    answers: dict[str, Any],
    *,
    prompter: Prompter | None,
    today: date,
    where: str = "case file",
    from_file: bool = False,
) -> BaseModel:
    """Ask for every field the case lacks (or, with no prompter, list them), then validate.

    Args:
        kind_name: one of ``ADVOCATE_KINDS``.
        answers: the case so far (from ``seed_case``); filled in place.
        prompter: who to ask; None never asks (``--no-input``).
        today: the current date, for defaults such as the letter's date.
        where: the case file's name, for messages.
        from_file: the answers started from a case file: optional fields it left out are not
            asked (their defaults apply).

    Returns:
        The validated case, whose letter may be sent on its date.

    Raises:
        CaseValidationError: with no prompter, naming every missing or wrong field.
        DateInputError: with no prompter, when the letter should not be sent yet.
    """
    session = _Session(kind_name, prompter, today, answers)
    questions = questions_for(kind_name)
    session.given = _given_paths(questions, answers)
    # A case file that gives a section has settled its optional fields; with any case file,
    # the optional top-level fields too (a saved case leaves out what was not wanted).
    session.seeded = {key for key in answers if isinstance(answers[key], dict)}
    if from_file:
        session.seeded |= {q.path[0] for q in questions if len(q.path) == 1}
    if prompter is not None:
        for path, message in _errors(session.model, answers):
            question = _question_at(questions, path)
            if question is None:
                continue  # reported, naming the field, when the case is validated
            prompter.say(f"{where} gives a wrong value for {'.'.join(path)}: {message}. "
                         "I will ask for it.")
            session.given.discard(question.path)
            _set(answers, question.path, None)
    for question in questions:
        session.settle(question)
    if prompter is None:
        _fail_if_incomplete(kind_name, session, where)
    case = _validated(kind_name, session, where)
    while problems := advocate_letter_problems(case):
        if prompter is None:
            raise DateInputError(f"{where}: " + "; ".join(message for _, message in problems))
        for _, message in problems:
            prompter.say(f"  ! {message}")
        for name in dict.fromkeys(name for name, _ in problems):  # each field once, in order
            question = next(q for q in questions if q.name == name)
            session.given.discard(question.path)
            session.settle(question)
        case = _validated(kind_name, session, where)
    return case


def _question_at(questions: list[Question], path: tuple[str, ...]) -> Question | None:
    """The question whose answer holds ``path`` (an error inside an action: the actions)."""
    for question in questions:
        if path[:len(question.path)] == question.path:
            return question
    return None


def _fail_if_incomplete(kind_name: str, session: _Session, where: str) -> None:
    if not session.missing and not _errors(session.model, session.answers):
        return
    lines = [f"  {q.name}: {q.meaning.split('. ')[0].rstrip('.')}" for q in session.missing]
    lines += [f"  {'.'.join(path)}: {message}" for path, message in _errors(session.model,
                                                                            session.answers)]
    msg = (f"{where}: {len(lines)} field(s) missing or wrong for {kind_name} (give them in the "
           f"case file, or leave out --no-input to be asked):\n" + "\n".join(lines))
    raise CaseValidationError(msg)


def _validated(kind_name: str, session: _Session, where: str) -> BaseModel:
    """Validate the answers; when asking, ask again for each field still wrong."""
    questions = questions_for(kind_name)
    while True:
        wrong = _errors(session.model, session.answers)
        if not wrong or session.prompter is None:
            return validate_case(session.answers, session.model, where=where)
        for path, message in wrong:
            session.say(f"  ! {'.'.join(path)}: {_readable(message)}")
            question = _question_at(questions, path)
            if question is None:
                return validate_case(session.answers, session.model, where=where)
            session.given.discard(question.path)
            _set(session.answers, question.path, None)
            session.settle(question)


# ---------------------------------------------------------------- before writing

def dates_summary(deadlines: Mapping[str, Deadline]) -> list[str]:
    """The computed dates and how each was worked out, for the person to check."""
    lines: list[str] = []
    for deadline in deadlines.values():
        when = long_date(deadline.date) + (" (by 5pm)" if deadline.due_by else "")
        lines.append(f"{deadline.label}: {when}")
        lines += [f"    - {step}" for step in deadline.explanation]
        lines += [f"    ! {warning}" for warning in deadline.warnings]
    return lines


def confirm(prompter: Prompter, question: str, *, default: bool = True) -> bool:
    """Ask a yes/no question until the answer is one."""
    hint = "[Y/n]" if default else "[y/N]"
    while True:
        text = prompter.ask(f"{question} {hint} ").strip().lower()
        if not text:
            return default
        if text in ("y", "yes"):
            return True
        if text in ("n", "no"):
            return False
        prompter.say("  ! Please answer yes or no.")


# ---------------------------------------------------------------- writing

def email_text(docx: bytes, *, to: str, subject: str) -> str:
    """The letter as plain text to paste into an email: To and Subject, then from 'Dear'.

    The sender's details, addresses and date are left out (the email carries them); the
    words are the rendered .docx's own, so the two never differ.
    """
    document = Document(io.BytesIO(docx))
    blocks: list[tuple[str, str]] = []  # (text, "p" | "item" | "row")
    started = False
    for element in document.element.body.iterchildren():
        if element.tag == qn("w:p"):
            paragraph = Paragraph(element, document._body)
            text = paragraph.text.strip()
            started = started or text.startswith("Dear ")
            if started and text and text != subject:  # the Subject header already says it
                style = paragraph.style.name if paragraph.style is not None else ""
                blocks.append((f"- {text}", "item") if style.startswith("List") else (text, "p"))
        elif element.tag == qn("w:tbl") and started:
            for row in Table(element, document._body).rows:
                cells: list[str] = []
                for cell in row.cells:
                    if cell.text.strip() and cell.text.strip() not in cells:
                        cells.append(cell.text.strip())
                if cells:
                    blocks.append((": ".join(cells), "row"))
    out = [f"To: {to}", f"Subject: {subject}", ""]
    previous = ""
    for text, kind in blocks:
        if out[-1] != "" and not (kind == previous and kind in ("item", "row")):
            out.append("")
        out.append(text)
        previous = kind
    return "\n".join(out) + "\n"


def outputs_for(out: Path, kind: DocumentKind, case_ref: str, fmt: str) -> Path:
    """Where the letter goes: ``out`` if it names a file, else ``{case_ref}-{kind}`` inside it."""
    suffix = ".txt" if fmt == "txt" else ".docx"
    if out.suffix.lower() in (".txt", ".docx"):
        return out.with_suffix(suffix)
    return output_path(out, kind, case_ref).with_suffix(suffix)


def saved_case_data(kind_name: str, case: BaseModel) -> dict[str, Any]:
    """The case to save for the next letter: every answer except the letter's own date.

    A request for mediation also records ``mediation_requested`` (the LA was told on the
    letter's date), which a later mediation-not-arranged letter needs.
    """
    data = case.model_dump(mode="python", exclude=set(_PER_LETTER))
    if kind_name == "mediation-request":
        data["mediation_requested"] = getattr(case, "letter_date")  # noqa: B009
    order = {name: index for index, name in enumerate(_ORDER[kind_name])}
    return {key: data[key] for key in sorted(data, key=lambda key: order.get(key, len(order)))
            if data[key] not in ((), [], None)}


_SAVED_COMMENT = (
    "A case for medocs draft, saved by --save-case. The letter's own date is not saved: each\n"
    "letter asks for it (default: today). Use it for the next letter in this case, e.g.\n"
    "  medocs draft mediation-not-arranged THIS-FILE --out out/"
)


def check_free(paths: list[Path | None], *, force: bool) -> None:
    """Raise OutputExistsError for the first of ``paths`` that exists, unless ``force``."""
    for path in paths:
        if path is not None and path.exists() and not force:
            msg = f"{path} already exists: use --force to replace it"
            raise OutputExistsError(msg)


def write_draft(
    kind: DocumentKind,
    case: BaseModel,
    *,
    target: Path,
    fmt: str,
    today: date,
    stamp: datetime,
    templates: Path | None = None,
    force: bool = False,
    save_case: Path | None = None,
    ics: Path | None = None,
) -> tuple[list[Path], tuple[str, ...]]:
    """Write the letter (.docx or .txt), and the saved case and calendar if asked.

    Returns:
        The files written, in order, and the warnings of the letter's deadlines.

    Raises:
        OutputExistsError: if a file exists and ``force`` is False; checked for every file
            before any is written.
    """
    check_free([target, save_case, ics], force=force)
    written: list[Path] = []
    deadlines = letter_deadlines(case, today=today)
    warnings = tuple(f"{d.label}: {w}" for d in deadlines.values() for w in d.warnings)
    if fmt == "txt":
        context = build_context(kind, case, None, today=today)
        data = render_document(kind, case, None, today=today, templates=templates)
        text = email_text(data, to=context["by_email"], subject=context["subject"])
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(target, text.encode("utf-8"), force=force)
    else:
        issue_document(kind, case, None, target=target, today=today, templates=templates,
                       force=force)
    written.append(target)
    if save_case is not None:
        text = dumps_case(saved_case_data(kind.name, case), comment=_SAVED_COMMENT)
        save_case.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(save_case, text.encode("utf-8"), force=force)
        written.append(save_case)
    if ics is not None:
        child = getattr(case, "child").name  # noqa: B009 - every advocate's case has one
        written.append(write_ics(ics, deadlines, identity=getattr(case, "case_ref"),  # noqa: B009
                                 stamp=stamp, title_prefix=child,
                                 calendar_name=f"{child}: SEND deadlines", force=force))
    return written, warnings
