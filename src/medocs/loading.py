"""Read case files (TOML or JSON) into validated case models, with errors that say where.

A validation error names the file, the dotted field, what was expected and what was found,
and lists every problem in one go rather than stopping at the first.
"""

from __future__ import annotations

import copy
import json
import re
import tomllib
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from medocs.errors import CaseValidationError, DateInputError
from medocs.models import field_problems
from medocs.timeline.dates import parse_date

__all__ = ["DATE_ERRORS", "load_case", "parse_json", "read_case_data", "text_date_problem",
           "validate_case"]

ModelT = TypeVar("ModelT", bound=BaseModel)
_GOT = re.compile(r" \(got .*\)$")

# A case file is a few KB; anything far larger is a mistake, not a case.
_MAX_CASE_BYTES = 1_000_000


def read_case_data(path: Path) -> dict[str, Any]:
    """Read a .toml or .json case file into a dict.

    Raises:
        CaseValidationError: when the file is missing, too large, or not valid TOML/JSON.
    """
    suffix = path.suffix.lower()
    if suffix not in (".toml", ".json"):
        msg = f"{path}: a case file must end in .toml or .json (got '{path.suffix or 'no suffix'}')"
        raise CaseValidationError(msg)
    try:
        if path.stat().st_size > _MAX_CASE_BYTES:
            msg = f"{path}: a case file must be under 1 MB (got {path.stat().st_size:,} bytes)"
            raise CaseValidationError(msg)
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        msg = f"{path}: cannot read the case file ({exc.strerror})"
        raise CaseValidationError(msg) from exc
    except UnicodeDecodeError as exc:
        msg = f"{path}: the case file must be UTF-8 text ({exc.reason} at byte {exc.start})"
        raise CaseValidationError(msg) from exc
    if suffix == ".json":
        data = parse_json(text, where=str(path))
    else:
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            msg = f"{path}: not valid TOML ({exc})"
            raise CaseValidationError(msg) from exc
        except RecursionError as exc:
            msg = f"{path}: {_TOO_DEEP}"
            raise CaseValidationError(msg) from exc
    if not isinstance(data, dict):
        msg = f"{path}: a case file must hold one object (got {type(data).__name__})"
        raise CaseValidationError(msg)
    return data


_TOO_DEEP = "nested more deeply than any case is (a case is a few levels deep)"


def parse_json(text: str, *, where: str) -> Any:
    """``json.loads``, with every way JSON text can break it as a message naming ``where``.

    Args:
        text: the JSON text.
        where: the file (and line) for messages.

    Returns:
        The value.

    Raises:
        CaseValidationError: not JSON, nested thousands deep (Python's recursion limit), or an
            integer longer than Python converts (4,300 digits).
    """
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        msg = f"{where}: not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})"
        raise CaseValidationError(msg) from exc
    except RecursionError as exc:
        msg = f"{where}: {_TOO_DEEP}"
        raise CaseValidationError(msg) from exc
    except ValueError as exc:  # int('9' * 5000) refuses, since Python 3.11
        msg = f"{where}: a number of over 4,300 digits; no case holds one"
        raise CaseValidationError(msg) from exc


def validate_case(data: dict[str, Any], model: type[ModelT], *, where: str) -> ModelT:
    """Validate case data against a document kind's model.

    Args:
        data: the case as read from a file or a batch row.
        model: the case model of the document kind.
        where: the file (and row) for messages, such as 'cases.csv row 7'.

    Raises:
        CaseValidationError: listing each field, the problem and the value found (also as
            its ``problems``).
    """
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        read, wrong_dates = _read_text_dates(data, exc)
        error = exc
    if read is not None:
        try:
            return model.model_validate(read)
        except ValidationError as exc:
            error = exc
    problems = tuple(wrong_dates) + tuple(
        problem for problem in field_problems(error)
        if problem[0] not in {field for field, _, _ in wrong_dates})
    msg = f"{where}: " + "; ".join(
        f"'{field}': {message}" + (f" (got {found})" if found else "")
        for field, message, found in problems
    )
    raise CaseValidationError(msg, problems=problems) from error


def text_date_problem(value: object, field: str) -> str | None:
    """Why ``value`` (text where a date belongs) is not a date, or None if it reads as one.

    The message is the one prompts and batch give: 'is not a real date: February 2024 has
    29 days', or 'must be a date like 2025-03-01, 1/3/2025 or 1 March 2025'.
    """
    try:
        parse_date(value, field=field, day_first_forms=True)
    except DateInputError as exc:
        return _without_field(exc, field, value)
    return None


def _without_field(exc: DateInputError, field: str, value: object) -> str:
    message = str(exc).removeprefix(f"{field} {str(value).strip()!r} ")
    return _GOT.sub("", message).removeprefix(f"{field} ")


DATE_ERRORS = frozenset({"date_parsing", "date_from_datetime_parsing", "date_from_datetime_inexact",
                          "date_type"})


def _read_text_dates(data: dict[str, Any], exc: ValidationError
                     ) -> tuple[dict[str, Any] | None, list[tuple[str, str, str]]]:
    """Read each date the model refused as text in the forms people type (as prompts and batch do).

    Returns:
        A copy of ``data`` with every readable date replaced (None if there was none), and
        (field, message, found) for each text that is not a date.
    """
    data = copy.deepcopy(data)
    changed = False
    wrong: list[tuple[str, str, str]] = []
    for error in exc.errors():
        value = error.get("input")
        if error["type"] not in DATE_ERRORS or not isinstance(value, str):
            continue
        field = ".".join(str(part) for part in error["loc"])
        try:
            day = parse_date(value, field=field, day_first_forms=True)
        except DateInputError as date_error:
            wrong.append((field, _without_field(date_error, field, value), repr(value)))
            continue
        holder: Any = data
        for part in error["loc"][:-1]:
            holder = holder[part]
        holder[error["loc"][-1]] = day
        changed = True
    return (data if changed else None), wrong


def load_case(path: Path, model: type[ModelT]) -> ModelT:
    """Read and validate one case file (TOML or JSON)."""
    return validate_case(read_case_data(path), model, where=str(path))
