"""The one error tree of medocs.

Every error a user can cause is a ``MedocsError``; the CLI prints its message on one line
and exits 1. Each subclass also derives from the builtin it resembles, so callers that
already catch ``ValueError`` or ``OSError`` keep working::

    MedocsError
    ├── DateInputError(ValueError)         a date is impossible or out of order
    ├── CaseValidationError(ValueError)    a case file or batch row fails validation
    ├── ProfileError(ValueError)           an organisation profile is wrong
    ├── TemplateError(ValueError)          a template cannot be used
    │   └── TemplateCheckError             medocs check found problems
    ├── RenderError(RuntimeError)          rendering a document failed
    ├── OutputExistsError(FileExistsError) an output file is there already
    │   └── ReplaceDeclinedError           asked, the person kept the existing file
    ├── OutputError(OSError)               an output file cannot be written
    ├── PdfError(RuntimeError)             LibreOffice is missing or a conversion failed
    ├── RegisterError(RuntimeError)        the certificate register refused an operation
    └── JourneyError(ValueError)           a case journey's documents contradict each other
"""

from __future__ import annotations

from pathlib import Path

ECHO_LIMIT = 200  # characters of a bad value that a message or report repeats


def capped(text: str, limit: int = ECHO_LIMIT) -> str:
    """At most ``limit`` characters of a value a message repeats, with how much was left out.

    A cell of a hostile spreadsheet can hold megabytes: a message (and errors.csv) shows its
    start, never the whole of it.

    Args:
        text: the value as text.
        limit: how many characters to keep.

    Returns:
        ``text`` itself when short enough, else its start and ``… (N more characters)``.
    """
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text) - limit:,} more characters)"


class MedocsError(Exception):
    """Base of every error medocs raises on purpose; its message is meant for the user."""


class DateInputError(MedocsError, ValueError):
    """Raised when a date is impossible, malformed, or out of order with another date."""


class CaseValidationError(MedocsError, ValueError):
    """Raised when a case file or batch row does not match its document kind's model.

    Attributes:
        problems: ``(dotted field, message, value found)`` for each problem, when known, so
            that a batch can list them one per line.
    """

    def __init__(self, message: str, *, problems: tuple[tuple[str, str, str], ...] = ()) -> None:
        """Keep the message (what the user reads) and the problems it was built from."""
        super().__init__(message)
        self.problems = problems


class ProfileError(MedocsError, ValueError):
    """Raised when an organisation profile is missing, unreadable or has a wrong key."""


class TemplateError(MedocsError, ValueError):
    """Raised when a template is not a readable .docx or its Jinja cannot be parsed."""


class TemplateCheckError(TemplateError):
    """Raised when ``medocs check`` finds unknown fields, syntax errors or missing items."""


class RenderError(MedocsError, RuntimeError):
    """Raised when a template refers to a field the context lacks, or rendering fails."""


class OutputExistsError(MedocsError, FileExistsError):
    """Raised when an output file exists and overwriting was not asked for."""

    @classmethod
    def at(cls, path: object, *, also: str = "") -> OutputExistsError:
        """The one message for it: '<path> already exists: use --force to replace it' + ``also``."""
        return cls(f"{path} already exists: use --force to replace it{also}")


class ReplaceDeclinedError(OutputExistsError):
    """Raised when the person, asked, chose to keep an existing file rather than replace it."""

    def __init__(self, path: Path) -> None:
        """Keep the path of the file that is kept."""
        super().__init__(f"Nothing written: {path} is kept (give another --out, or --force).")
        self.path = path


class OutputError(MedocsError, OSError):
    """Raised when an output file cannot be written (no such folder, no permission, disk full)."""


class PdfError(MedocsError, RuntimeError):
    """Raised when LibreOffice is not installed or a DOCX could not be converted to PDF."""


class RegisterError(MedocsError, RuntimeError):
    """Raised when the certificate register cannot record, find or verify a certificate."""


class JourneyError(MedocsError, ValueError):
    """Raised when a case journey cannot be packed: its documents fail or contradict each other.

    Attributes:
        problems: one line per problem, each naming the documents and values involved.
    """

    def __init__(self, message: str, *, problems: tuple[str, ...] = ()) -> None:
        """Keep the message (what the user reads) and every problem, one line each."""
        super().__init__(message)
        self.problems = problems
