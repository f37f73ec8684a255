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

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Protocol

from pydantic import BaseModel, ValidationError

from medocs.documents.advocacy import advocate_letter_problems
from medocs.documents.kinds import KINDS
from medocs.drafting.questions import (
    ASK_IF,
    DATE_FORMS,
    DYNAMIC_DEFAULTS,
    KIND_DEFAULTS,
    NOT_ASKED,
    ORDER,
    PER_LETTER,
    SUGGESTIONS,
    Question,
    action_questions,
    label_of,
    questions_for,
)
from medocs.errors import CaseValidationError, DateInputError
from medocs.loading import DATE_ERRORS, read_case_data, text_date_problem, validate_case
from medocs.models import Action, CaseModel, MediationRequestCase, field_problems
from medocs.profiles import Profile, letter_addressees
from medocs.timeline.dates import impossible_date, long_date, parse_date, plain_date
from medocs.timeline.deadlines import Deadline

__all__ = [
    "ADVOCATE_KINDS",
    "Prompter",
    "collect_case",
    "confirm",
    "dates_summary",
    "read_advocate",
    "saved_case_data",
    "seed_case",
]

ADVOCATE_KINDS = ("mediation-request", "certificate-request", "mediation-not-arranged", "agreement-chase")


class Prompter(Protocol):
    """Asks the person one line at a time and shows them text."""

    def ask(self, prompt: str) -> str:
        """Show ``prompt`` and return the line typed (raise to abort: EOF, Ctrl-C)."""

    def say(self, text: str) -> None:
        """Show a line of text."""


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
            message = error["msg"].removeprefix("Value error, ")
            if error["type"] in DATE_ERRORS and isinstance(error.get("input"), str):
                message = text_date_problem(error["input"], ".".join(path)) or message
            found.append((path, message))
        return found
    return []


# ---------------------------------------------------------------- reading answers

def _date_problem(text: str) -> str:
    """Why ``text`` is not a date, in words: "'31/02/2025' is not a date: February 2025 has 28 days."."""
    reason = impossible_date(text)
    if reason:
        return f"{text!r} is not a date: {reason}."
    return f"{text!r} is not a date I can read: {DATE_FORMS}."


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
    label = label_of(match[2])
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
    def model(self) -> type[CaseModel]:
        return KINDS[self.kind_name].model

    def default(self, question: Question) -> Any:
        make = KIND_DEFAULTS.get((self.kind_name, question.name)) or DYNAMIC_DEFAULTS.get(
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
            forms = f" ({DATE_FORMS})" if question.kind == "date" else ""
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
        condition = ASK_IF.get(question.name)
        if condition is not None and not condition(parent or {}):
            return
        if self.prompter is None or question.name in NOT_ASKED or (
                not question.required and path[0] in self.seeded):
            default = None if self.prompter is None and question.name in SUGGESTIONS else (
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
                condition = ASK_IF.get(f"actions.{sub.name}")
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
    return letter_addressees(profile, la_officer=kind_name == "agreement-chase")


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
    after_each: Callable[[Mapping[str, Any]], None] | None = None,
) -> CaseModel:
    """Ask for every field the case lacks (or, with no prompter, list them), then validate.

    Args:
        kind_name: one of ``ADVOCATE_KINDS``.
        answers: the case so far (from ``seed_case``); filled in place.
        prompter: who to ask; None never asks (``--no-input``).
        today: the current date, for defaults such as the letter's date.
        where: the case file's name, for messages.
        from_file: the answers started from a case file: optional fields it left out are not
            asked (their defaults apply).
        after_each: called with the answers before the first question and after each one,
            so the caller can check, say, that the output file is free as soon as its name
            is known (it may raise to stop).

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
    if after_each is not None:
        after_each(answers)
    for question in questions:
        session.settle(question)
        if after_each is not None:
            after_each(answers)
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


def _validated(kind_name: str, session: _Session, where: str) -> CaseModel:
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


def saved_case_data(kind_name: str, case: CaseModel) -> dict[str, Any]:
    """The case to save for the next letter: every answer except the letter's own date.

    A request for mediation also records ``mediation_requested`` (the LA was told on the
    letter's date), which a later mediation-not-arranged letter needs.
    """
    data = case.model_dump(mode="python", exclude=set(PER_LETTER))
    if isinstance(case, MediationRequestCase):
        data["mediation_requested"] = case.letter_date
    order = {name: index for index, name in enumerate(ORDER[kind_name])}
    return {key: data[key] for key in sorted(data, key=lambda key: order.get(key, len(order)))
            if data[key] not in ((), [], None)}
