"""Read case files (TOML or JSON) into validated case models, with errors that say where.

A validation error names the file, the dotted field, what was expected and what was found,
and lists every problem in one go rather than stopping at the first.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from medocs.errors import CaseValidationError
from medocs.models import field_problems

__all__ = ["load_case", "read_case_data", "validate_case"]

ModelT = TypeVar("ModelT", bound=BaseModel)

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
    try:
        data = tomllib.loads(text) if suffix == ".toml" else json.loads(text)
    except (tomllib.TOMLDecodeError, json.JSONDecodeError) as exc:
        kind = "TOML" if suffix == ".toml" else "JSON"
        msg = f"{path}: not valid {kind} ({exc})"
        raise CaseValidationError(msg) from exc
    if not isinstance(data, dict):
        msg = f"{path}: a case file must hold one object (got {type(data).__name__})"
        raise CaseValidationError(msg)
    return data


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
        problems = tuple(field_problems(exc))
        msg = f"{where}: " + "; ".join(
            f"'{field}': {message}" + (f" (got {found})" if found else "")
            for field, message, found in problems
        )
        raise CaseValidationError(msg, problems=problems) from exc


def load_case(path: Path, model: type[ModelT]) -> ModelT:
    """Read and validate one case file (TOML or JSON)."""
    return validate_case(read_case_data(path), model, where=str(path))
