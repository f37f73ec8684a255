"""A document kind's form: its fields, what was typed, the case it makes and its deadlines.

The form is a one-row batch. Its inputs are named by the batch columns of the kind
(``child.name``, ``decision.letter_sent``), with labels, meanings and examples from the one
reader of the models that ``medocs fields``, ``draft`` and the batch columns use (``medocs.fields``);
a list of plain items is one textarea, one item a line (``reasons`` gives ``reasons.1``,
``reasons.2``, …), a list of records numbered fieldsets (``issues.1.issue``).
What was typed is checked by the batch's own row check, so every message is the batch's, and
the deadlines come from the timeline engine, as ``medocs timeline`` gives them.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from medocs.batch.columns import cell_text
from medocs.batch.rows import RowCheck, RowError, check_rows
from medocs.batch.tables import TableRow, flat_columns
from medocs.documents.kinds import DocumentKind, data_dir
from medocs.documents.wording import wording_for
from medocs.drafting.case_toml import dumps_case
from medocs.errors import DateInputError, MedocsError
from medocs.fields import FieldDoc, field_docs
from medocs.loading import read_case_data
from medocs.models import CaseModel, DecisionKind
from medocs.naming import DEFAULT_PATTERN
from medocs.timeline.dates import parse_date
from medocs.timeline.deadlines import Deadline, TimelineDates, compute_timeline

__all__ = [
    "Checked",
    "FormField",
    "KindForm",
    "case_file_values",
    "kind_form",
    "sample_values",
]

# Where a case's dates start the timeline: case field -> `medocs timeline` option. The decision
# letter's own date is when the decision was sent; a mediation ends on its last meeting.
_TIMELINE_FROM = {
    "decision.letter_sent": "decision_sent",
    "issued_on": "certificate_issued",
    "declined_on": "declined_on",
    "mediation_requested": "mediation_requested",
    "mediation_ended": "mediation_ended",
    "mediation_dates": "mediation_ended",
    "agreement_date": "agreement_date",
    "request_received": "request_received",
}
_TIMELINE_FROM_KIND = {"decision-letter": {"letter_date": "decision_sent"}}
_WHOLE_RECORD = "(whole record)"
_NUMBERED = re.compile(r"^(?P<base>.+)\.(?P<n>\d+)(?P<rest>(\..+)?)$")
# One blank record a list of records offers beyond those filled, and at most this many.
_MAX_RECORDS = 30


@dataclass(frozen=True)
class FormField:
    """One input of a kind's form.

    Attributes:
        name: the input's name: a batch column (``child.name``); a list of plain items is
            its column without ``.N`` (``reasons``); a record list's field keeps ``N``
            (``issues.N.issue``), numbered from 1 on the page.
        label: the words beside the input.
        hint: what goes in it (the column's hint, and the model's description).
        kind: 'text', 'date', 'bool', 'choice', 'number' or 'lines'.
        choices: (value, plain words) for a choice.
        required: the field must be given.
        default: what an empty input means, as text.
        record_list: for a field of a list of records, the list (``issues``).
    """

    name: str
    label: str
    hint: str
    kind: str
    choices: tuple[tuple[str, str], ...] = ()
    required: bool = False
    default: str = ""
    record_list: str = ""

    @property
    def dom_id(self) -> str:
        """The element id: dots are awkward in CSS selectors and URL fragments."""
        return "f-" + self.name.replace(".", "-")


def _label(name: str) -> str:
    words = [part.replace("_", " ") for part in name.split(".") if part != "N"]
    text = " – ".join(words)  # child – date of birth
    return text[:1].upper() + text[1:]


def _choice_words(value: str) -> str:
    try:
        return wording_for(DecisionKind(value)).title
    except ValueError:
        return value.replace("_", " ").capitalize()


def _example_text(example: Any) -> str:
    if isinstance(example, list | tuple):
        return "; ".join(str(cell_text(item)) for item in example)
    return str(cell_text(example))


def _form_field(doc: FieldDoc) -> FormField:
    name = doc.name
    kind = "lines" if doc.kind == "list" else doc.kind
    record_list = name.split(".N.", 1)[0] if ".N." in name else ""
    hint = [doc.description.rstrip(".") + "." if doc.description else ""]
    if kind == "date":
        hint.append("A date such as 2 December 2024, 2/12/2024 or 2024-12-02.")
    if doc.example is not None and kind not in ("bool", "choice"):
        hint.append(f"For example: {_example_text(doc.example)}")
    default = "" if doc.default in (None, (), "") else str(cell_text(
        doc.default.value if isinstance(doc.default, Enum) else doc.default))
    return FormField(
        name=name, label=doc.label or _label(name), hint=" ".join(part for part in hint if part), kind=kind,
        choices=tuple((value, _choice_words(value)) for value in doc.choices),
        required=doc.required, default=default, record_list=record_list,
    )


@dataclass(frozen=True)
class Checked:
    """A form's values checked: the case, or the problems by input name.

    Attributes:
        case: the validated case, or None.
        errors: input name -> message (the first for that input), in the form's order.
        summary: (input dom id, message) for the error summary, every problem once.
    """

    case: CaseModel | None
    errors: dict[str, str] = field(default_factory=dict)
    summary: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class KindForm:
    """The form of one document kind, built once per server from its batch columns."""

    kind: DocumentKind[Any]
    fields: tuple[FormField, ...]

    @property
    def timeline_inputs(self) -> dict[str, str]:
        """Input name -> ``medocs timeline`` date, for the inputs this kind has."""
        names = {f.name for f in self.fields}
        wanted = {**_TIMELINE_FROM, **_TIMELINE_FROM_KIND.get(self.kind.name, {})}
        return {name: option for name, option in wanted.items() if name in names}

    def records(self, values: Mapping[str, str]) -> dict[str, int]:
        """How many numbered fieldsets each list of records shows: those filled, and one more."""
        counts: dict[str, int] = {}
        for form_field in self.fields:
            if not form_field.record_list:
                continue
            base = form_field.record_list
            numbers = [int(m.group("n")) for key, text in values.items()
                       if text and (m := _NUMBERED.match(key)) and m.group("base") == base]
            counts[base] = min(max([*numbers, 0]) + 1, _MAX_RECORDS)
        return counts

    def cells(self, values: Mapping[str, str]) -> dict[str, str]:
        """The batch row the typed values make: one line of a list per numbered column."""
        cells: dict[str, str] = {}
        for form_field in self.fields:
            if form_field.kind == "lines":
                lines = [line.strip() for line in values.get(form_field.name, "").splitlines()]
                for number, line in enumerate((line for line in lines if line), start=1):
                    cells[f"{form_field.name}.{number}"] = line
            elif not form_field.record_list:
                cells[form_field.name] = values.get(form_field.name, "")
        for key, text in values.items():
            match = _NUMBERED.match(key)
            if match and any(f.record_list == match.group("base") for f in self.fields):
                cells[key] = text
        return cells

    def input_for(self, column: str) -> str:
        """The input a batch column's problem belongs to: ``reasons.2`` is the ``reasons`` box."""
        match = _NUMBERED.match(column)
        if match and not match.group("rest") and any(
                f.name == match.group("base") and f.kind == "lines" for f in self.fields):
            return match.group("base")
        return column

    def check(self, values: Mapping[str, str], *, out: Path) -> Checked:
        """Check the typed values as the batch checks a row.

        Args:
            values: input name -> text as typed.
            out: the output folder (a case's file name is checked too).

        Returns:
            The case, or every problem by input, each worded as the batch words it.
        """
        check = RowCheck(self.kind.name, out, DEFAULT_PATTERN, "the form, row")
        (result,) = check_rows([TableRow(1, self.cells(values))], check)
        if not result.problems and result.pickled_case is not None:
            import pickle  # noqa: PLC0415 - the row check hands the case over pickled

            return Checked(pickle.loads(result.pickled_case))  # noqa: S301 - pickled by check_rows just now
        return self._problems(result.problems)

    def _problems(self, problems: list[RowError]) -> Checked:
        errors: dict[str, str] = {}
        summary: list[tuple[str, str]] = []
        first = self.fields[0].name
        for problem in problems:
            names = [name.strip() for name in problem.field.split(",")]
            target = first if names[0] in (_WHOLE_RECORD, "(document)") else (
                "case_ref" if names[0] == "(file name)" else self.input_for(names[0]))
            message = problem.message
            if message.startswith("required, but"):
                message = "required"
            found = f" (you typed {problem.found!r})" if problem.found and "required" not in message else ""
            for name in self._inputs_under(target):
                label = next((f.label for f in self.fields if f.name == _unnumbered(name)), name)
                errors.setdefault(name, message + found)
                summary.append((_dom_id(name), f"{label}: {message}{found}"))
        return Checked(None, errors, summary)

    def _inputs_under(self, name: str) -> list[str]:
        """The inputs a problem of ``name`` is shown at: a whole missing part's required inputs."""
        if any(f.name == _unnumbered(name) for f in self.fields):
            return [name]
        inside = [f.name for f in self.fields if f.name.startswith(name + ".") and f.required
                  and not f.record_list]
        return inside or [name]

    def deadlines(self, values: Mapping[str, str], *, today: date) -> tuple[dict[str, Deadline], str]:
        """Every deadline the typed dates allow, as ``medocs timeline`` computes them.

        Returns:
            The deadlines by their ``timeline --json`` key, and a problem with the dates ('' if none).
        """
        given: dict[str, date] = {}
        for name, option in self.timeline_inputs.items():
            texts = [values.get(name, "")]
            if any(f.name == name and f.kind == "lines" for f in self.fields):
                texts = values.get(name, "").splitlines()
            days = []
            for text in texts:
                if text.strip():
                    try:
                        days.append(parse_date(text, field=name, day_first_forms=True))
                    except DateInputError:
                        continue  # the form's check says why; the panel shows what it can
            if days:
                given[option] = max(days)
        if not given:
            return {}, ""
        try:
            return compute_timeline(TimelineDates(**given, today=today)), ""
        except MedocsError as exc:
            return {}, str(exc)

    def save(self, case: BaseModel) -> str:
        """The case as a TOML case file that ``medocs render`` accepts."""
        data = case.model_dump(mode="python")
        return dumps_case(data, comment=f"A {self.kind.name} case saved by medocs serve.\n"
                                        f"medocs render {self.kind.name} THIS-FILE --out out/")

    def values_from(self, data: Mapping[str, Any]) -> dict[str, str]:
        """A case (as read from a case file) as the form's typed values: nothing dropped."""
        flat = flat_columns(dict(data))
        values: dict[str, str] = {}
        for form_field in self.fields:
            if form_field.kind == "lines":
                keys = sorted((key for key in flat if _item_of(key) == form_field.name),
                              key=lambda key: int(key.rsplit(".", 1)[1]))
                if keys:
                    values[form_field.name] = "\n".join(str(cell_text(flat.pop(key))) for key in keys)
        for key, value in flat.items():
            values[key] = str(cell_text(value))
        return values


def _item_of(key: str) -> str | None:
    """The list a plain item's column belongs to: ``reasons.2`` -> ``reasons``."""
    match = _NUMBERED.match(key)
    return match.group("base") if match and not match.group("rest") else None


def _unnumbered(name: str) -> str:
    return re.sub(r"\.\d+(?=\.)", ".N", name)


def _dom_id(name: str) -> str:
    return "f-" + name.replace(".", "-")


def kind_form(kind: DocumentKind[Any]) -> KindForm:
    """The form of ``kind``, from the one reader of the models (``medocs.fields``)."""
    return KindForm(kind, tuple(_form_field(doc) for doc in field_docs(kind.model)))


def case_file_values(form: KindForm, content: bytes, filename: str) -> dict[str, str]:
    """Read an uploaded case file (TOML or JSON) as ``medocs render`` reads one, into form values.

    Raises:
        CaseValidationError: when it is not a case file (the message names the file).
    """
    suffix = Path(filename).suffix.lower()
    with tempfile.TemporaryDirectory(prefix="medocs-open-") as folder:
        path = Path(folder) / (Path(filename).stem[:60] + suffix if suffix else "case")
        path.write_bytes(content)
        try:
            data = read_case_data(path)
        except MedocsError as exc:
            raise type(exc)(str(exc).replace(str(path), Path(filename).name)) from exc
    return form.values_from(data)


def sample_values(form: KindForm) -> dict[str, str]:
    """The shipped sample case of the kind, as form values (to try the app out)."""
    return form.values_from(read_case_data(data_dir("samples") / form.kind.sample))
