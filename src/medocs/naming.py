"""Safe output file names built from case fields.

A case reference comes from a spreadsheet a person typed; it must never become a path outside
the output folder, a hidden file, or a name Windows or LibreOffice cannot open.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from string import Formatter

from medocs.errors import MedocsError

__all__ = ["DEFAULT_PATTERN", "file_stem"]

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
        MedocsError: if the pattern names an unknown field or gives an empty name.
    """
    names = {name for _, name, _, _ in Formatter().parse(pattern) if name is not None}
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
