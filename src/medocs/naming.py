"""Safe output file names built from case fields.

A case reference comes from a spreadsheet a person typed; it must never become a path outside
the output folder, a hidden file, or a name Windows or LibreOffice cannot open.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from pathlib import Path
from string import Formatter
from typing import Protocol

from pydantic import BaseModel

from medocs.errors import MedocsError

__all__ = ["DEFAULT_PATTERN", "NAME_FIELDS", "file_stem", "name_fields", "output_path"]

DEFAULT_PATTERN = "{case_ref}-{kind}"
_MAX_STEM = 120
# Path separators, characters Windows forbids, and anything that is not printable.
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(10)),
             *(f"LPT{i}" for i in range(10))}


def _clean(value: str) -> str:
    text = unicodedata.normalize("NFC", value)
    if not text.isprintable():  # every category-C character is unprintable: skip the scan
        text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C")
    text = _UNSAFE.sub("-", text)
    text = re.sub(r"\.{2,}", ".", text)  # no '..' anywhere
    text = re.sub(r"\s+", " ", text)
    return text.strip(" .-")


def file_stem(pattern: str, fields: Mapping[str, str]) -> str:
    """Fill ``pattern`` (such as '{case_ref}-{kind}') with sanitised field values.

    Args:
        pattern: a str.format pattern naming only keys of ``fields``.
        fields: the values, such as case_ref and kind.

    Returns:
        A file name without suffix: no separators, no '..', no control characters, not
        empty, not a reserved device name, at most 120 characters.

    Raises:
        MedocsError: if the pattern is malformed, formats a field (``{case_ref:>9}``), names an
            unknown field or gives an empty name.
    """
    try:
        parsed = list(Formatter().parse(pattern))
    except ValueError as exc:
        msg = f"--name pattern {pattern!r} is not a pattern ({exc}); write fields as {{case_ref}}"
        raise MedocsError(msg) from exc
    shaped = [f"{{{name}{'!' + conversion if conversion else ''}{':' + spec if spec else ''}}}"
              for _, name, spec, conversion in parsed if name is not None and (spec or conversion)]
    if shaped:  # a format spec can fail on text or ask for gigabytes of padding
        msg = (f"--name pattern {pattern!r}: write each field plainly, such as {{case_ref}}, "
               f"without ':' or '!' (got {', '.join(shaped)})")
        raise MedocsError(msg)
    names = {name for _, name, _, _ in parsed if name is not None}
    unknown = names - set(fields)
    if unknown or any(not name or not name.isidentifier() for name in names):
        msg = (
            f"--name pattern {pattern!r} may use only {', '.join('{' + f + '}' for f in fields)}"
            f" (got {', '.join(sorted(unknown)) or 'a positional field'})"
        )
        raise MedocsError(msg)
    stem = _clean(pattern.format_map({key: _clean(str(value)) for key, value in fields.items()}))
    stem = stem[:_MAX_STEM].rstrip(" .-")
    if not stem:
        msg = f"the file name pattern {pattern!r} gives an empty name for {dict(fields)}"
        raise MedocsError(msg)
    if stem.split(".")[0].upper() in _RESERVED:
        stem = f"_{stem}"
    return stem


class _Named(Protocol):
    """A document kind, as far as file names need it."""

    @property
    def name(self) -> str: ...


NAME_FIELDS = ("case_ref", "kind", "child", "recipient")


def name_fields(kind: _Named, case: BaseModel) -> dict[str, str]:
    """The values a file name pattern may use: ``case_ref``, ``kind``, ``child``, ``recipient``.

    Args:
        kind: the document kind.
        case: the case (a kind without a child or recipient gives empty values for them).

    Returns:
        Field name -> value, not yet sanitised (:func:`file_stem` does that).
    """
    child = getattr(case, "child", None)
    recipient = getattr(case, "recipient", None)
    return {
        "case_ref": str(getattr(case, "case_ref", "")),
        "kind": kind.name,
        "child": str(getattr(child, "name", "")),
        "recipient": str(getattr(recipient, "name", "")),
    }


def output_path(out: Path, kind: _Named, case_ref: str, *, pattern: str = DEFAULT_PATTERN,
                fields: Mapping[str, str] | None = None) -> Path:
    """Where a document goes: ``out`` itself if it names a .docx file, else a file inside it.

    Args:
        out: a .docx file, or a folder.
        kind: the document kind.
        case_ref: the case reference.
        pattern: the file name pattern, e.g. ``'{case_ref}-{kind}'``.
        fields: the pattern's values (:func:`name_fields`); default: case_ref and kind only.

    Raises:
        MedocsError: the pattern names an unknown field or gives an empty name.
    """
    if out.suffix.lower() == ".docx":
        return out
    values = dict(fields) if fields is not None else {"case_ref": case_ref, "kind": kind.name}
    return out / f"{file_stem(pattern, values)}.docx"
