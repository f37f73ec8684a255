"""What every case model shares: typed text, field descriptions, the base model and its checks.

Models are frozen and forbid unknown fields, so a misspelt key in a case file is an error
rather than a silently missing line in a letter.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from medocs.errors import capped
from medocs.timeline.order import order_problem

if TYPE_CHECKING:
    from medocs.models.people import Child


Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=10000)]


def about(title: str, description: str, example: Any = None, **field: Any) -> Any:
    """What a field means, for people: its title, description and an example value.

    ``medocs.fields`` reads these for ``medocs fields``, the questions of ``medocs draft``, the
    batch columns and the web form, so each is written once, here. In a model used under
    several names (``Addressee`` as ``la`` and ``adviser``), ``{who}`` in a title or
    description stands for the title of the field that holds it, and the holder's example (a
    dict) gives the examples of its parts.
    """
    return Field(title=title, description=description,
                 examples=None if example is None else [example], **field)


# Characters no typed text needs and a .docx (XML 1.0) cannot hold: C0 controls but tab, newline
# and carriage return; DEL; lone surrogates (half of a character); U+FFFE and U+FFFF.
_CONTROL_CHARACTER = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_LINE_BREAK = re.compile("[\t\n\r]")


def _one_line(value: str) -> str:
    """A case reference is one line: it names files and is printed in lists."""
    if _LINE_BREAK.search(value):
        msg = "must be one line, without tabs or line breaks"
        raise ValueError(msg)
    return value


CaseRef = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64),
    about("Your reference for this case", "A short reference of your own for this family's "
          "case. It names the files written.", "KHAN-2024"),
    AfterValidator(_one_line),
]
LetterDate = Annotated[date, about(
    "Date of this letter", "The date the letter is sent. Deadlines that start when the LA or the "
    "adviser is told count from this date.", date(2024, 10, 21))]
ContactedAdviser = Annotated[date, about(
    "Date the family contacted the mediation adviser", "The date the parent or young person "
    "first contacted the mediation adviser about this decision (they must do so within 2 months "
    "of the decision letter, regulation 33).", date(2024, 10, 16))]
IssuedOn = Annotated[date, about(
    "Date of issue of the certificate", "The date the certificate is issued. The one month for "
    "appealing counts from it (HESC Rules r.20(1)(c)(ii)).", date(2024, 11, 29))]
_ISSUES = ("The mediation issues", "What the family wants to talk about at mediation: one issue "
           "per line.", ("Whether an EHC needs assessment is necessary",))
_HEALTH = ("Health care provision wanted", "If the issues include health care provision, or its "
           "absence, the health care provision the family would like: one per line (regulation "
           "32(e)).", ("A speech and language therapy assessment by an NHS therapist",))


def _check_order(**events: tuple[date | None, str]) -> None:
    """Raise ValueError naming the fields of the first two events out of order (EVENT_ORDER)."""
    problem = order_problem({event: day for event, (day, _) in events.items()},
                            {event: name for event, (_, name) in events.items()})
    if problem is not None:
        raise ValueError(problem)


def _texts(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _texts(item)


NUMBER_FROM_REGISTER = (
    "a certificate's number comes only from the certificate register: remove the "
    "certificate_number field or column (medocs gives the next number when it issues the certificate)")


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    @model_validator(mode="before")
    @classmethod
    def _no_number_given(cls, data: Any) -> Any:
        """A number typed into a case would be printed unregistered, perhaps twice: refuse it."""
        if isinstance(data, dict) and "certificate_number" in data:
            raise ValueError(NUMBER_FROM_REGISTER)
        return data

    @field_validator("*", mode="after")
    @classmethod
    def _no_control_characters(cls, value: Any) -> Any:
        """Refuse a control character where it is typed, naming the field, not at rendering."""
        for text in _texts(value):
            bad = _CONTROL_CHARACTER.search(text)
            if bad:
                msg = (f"contains the control character U+{ord(bad.group()):04X} at position "
                       f"{bad.start() + 1}, which a letter cannot show: type the text again without it")
                raise ValueError(msg)
        return value


class CaseModel(_Model):
    """The case of one document: what every document kind's model is.

    Each model declares its own ``case_ref`` (it names the document's file and its register
    entry) and ``child`` where its column order wants them; this class only tells type
    checkers they are there.
    """

    if TYPE_CHECKING:
        case_ref: str
        child: Child



def _not_before(value: date | None, info: ValidationInfo, *earlier: str) -> date | None:
    """Raise if ``value`` is before any of the ``earlier`` fields (dotted: 'decision.letter_sent')."""
    if value is None:
        return value
    for name in earlier:
        other: object = info.data
        for part in name.split("."):
            other = getattr(other, part, None) if not isinstance(other, dict) else other.get(part)
        if isinstance(other, date) and value < other:
            msg = f"{value} is before {name} ({other})"
            raise ValueError(msg)
    return value


def field_problems(exc: ValidationError) -> list[tuple[str, str, str]]:
    """Turn a pydantic ValidationError into (dotted field, message, value found) triples."""
    problems = []
    for error in exc.errors():
        field = ".".join(str(part) for part in error["loc"]) or "(whole record)"
        value = error.get("input")
        found = "" if isinstance(value, dict | list | tuple) else capped(repr(value))
        message = error["msg"].removeprefix("Value error, ")
        problems.append((field, message, found))
    return problems
