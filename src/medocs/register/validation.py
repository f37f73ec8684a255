"""What is malformed in a request to the register, checked before any transaction."""

from __future__ import annotations

import re

from medocs.errors import RegisterError
from medocs.register.records import Completion, Reservation

__all__ = ["completion_problem", "digest_problem", "reservation_problem"]


_PREFIX = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,19}")
_SHA256 = re.compile(r"[0-9a-f]{64}")
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


def text_problem(name: str, value: str) -> RegisterError | None:
    if not isinstance(value, str) or not value.strip():
        return RegisterError(f"certificate register: {name} must be a non-empty text (got {value!r})")
    if _CONTROL.search(value):  # what the case models refuse never reaches the register either
        return RegisterError(f"certificate register: {name} holds a control character (got {value!r})")
    return None


def reservation_problem(r: Reservation) -> RegisterError | None:
    """What is malformed in a reservation, checked before the transaction, or None."""
    problem = text_problem("kind", r.kind) or text_problem("case_ref", r.case_ref)
    if problem is None and not _PREFIX.fullmatch(r.prefix):
        problem = RegisterError(
            "certificate number prefix must be 1-20 letters, digits, '-' or '_' "
            f"starting with a letter or digit (got {r.prefix!r})"
        )
    if problem is None and not 1000 <= r.year <= 9999:
        problem = RegisterError(f"certificate number year must have four digits (got {r.year!r})")
    return problem or digest_problem("source_sha256", r.source_sha256)


def digest_problem(what: str, value: str | None) -> RegisterError | None:
    """Why ``value``, when given, is not a SHA-256 as the register stores it, or None."""
    if value is None or _SHA256.fullmatch(value):
        return None
    return RegisterError(f"{what} must be 64 lower-case hex digits (got {value!r})")


def completion_problem(c: Completion) -> RegisterError | None:
    """What is malformed in a completion, checked before the transaction, or None."""
    problem = text_problem("output_name", c.output_name)
    problem = (problem or digest_problem(f"certificate {c.number}: sha256", c.sha256)
               or digest_problem(f"certificate {c.number}: source_sha256", c.source_sha256))
    if problem is None and (c.generated_at.tzinfo is None or c.generated_at.utcoffset() is None):
        problem = RegisterError(
            f"certificate {c.number}: generated_at must carry a time zone (got {c.generated_at.isoformat()})"
        )
    return problem
