"""What a document says, as one SHA-256: the digest a reissue compares certificates by.

The register keeps the digest with each certificate (``source_sha256``), so ``--reissue`` can
tell a corrected case from one already reissued, and a re-run can tell an unchanged
certificate from one whose case, profile or template changed. Used by :mod:`medocs.issuing`.
"""

from __future__ import annotations

import hashlib
import zipfile
from collections.abc import Iterable
from pathlib import Path

from markupsafe import escape

__all__ = ["NUMBER_PLACEHOLDER", "file_says", "says_digest"]

# What stands for the certificate number in the digest of what a certificate says: a
# reissue prints a new number on the same words, and a first issue's number is not known yet.
NUMBER_PLACEHOLDER = "[certificate number]"


def says_digest(members: Iterable[tuple[str, bytes]], number: str | None) -> str:
    """SHA-256 of what a certificate says: its parts, with its number replaced by a placeholder.

    A profile field or a case detail the certificate does not print, the day medocs runs (the
    warnings), where the register lives or how the file was zipped change nothing; any word,
    date or detail printed on it, or a new template, does.

    Args:
        members: the .docx parts as (name, bytes), in any order.
        number: the certificate number printed in them, or None if it is the placeholder.

    Returns:
        The hex digest.
    """
    printed = str(escape(number)).encode() if number else b""
    digest = hashlib.sha256()
    for name, data in sorted(members):
        part = data.replace(printed, NUMBER_PLACEHOLDER.encode()) if printed else data
        digest.update(f"{name}\0{len(part)}\0".encode())
        digest.update(part)
    return digest.hexdigest()


def file_says(path: Path, number: str) -> str | None:
    """The digest of what the certificate file at ``path`` says (None if it is not a .docx)."""
    try:
        with zipfile.ZipFile(path) as package:
            members = [(name, package.read(name)) for name in package.namelist()]
    except (zipfile.BadZipFile, OSError, KeyError):
        return None
    return says_digest(members, number)
