"""The Jinja sandbox user templates run in, with bounds on the work one document may take.

Jinja's own sandbox stops templates reaching Python internals, but a hostile ``--templates``
folder can still hang medocs (``range(100000)`` nested three deep) or exhaust memory
(``'a' * 10**10``). Here every ``range`` is short, ``*`` and ``**`` refuse results no letter
needs, a part's output is counted as it is produced, and a document that takes longer than
:data:`DOCUMENT_SECONDS` is stopped (an interval timer interrupts the Python loop running it).
"""

from __future__ import annotations

import contextlib
import math
import signal
import threading
from collections.abc import Iterator, Mapping
from typing import Any

import jinja2
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

__all__ = ["DOCUMENT_SECONDS", "MAX_PART_CHARACTERS", "BoundedSandbox", "TemplateTimeout",
           "document_deadline", "render_bounded"]

MAX_RANGE = 10_000  # items of one range(): a letter lists a handful of things
MAX_SEQUENCE = 1_000_000  # items (or characters) a '*' may build
MAX_POWER_DIGITS = 1_000  # digits a '**' may build
MAX_PART_CHARACTERS = 50_000_000  # characters one part may render to (a letter is < 1 MB)
DOCUMENT_SECONDS = 20.0  # a document renders in milliseconds; this is a runaway template


class TemplateTimeout(Exception):  # noqa: N818 - raised through Jinja, reported as a RenderError
    """Raised in the rendering thread when a document has taken too long."""


def _bounded_range(*args: int) -> range:
    """``range`` with at most :data:`MAX_RANGE` items."""
    items = range(*args)
    if len(items) > MAX_RANGE:
        msg = f"range() of {len(items):,} items; a template may loop over at most {MAX_RANGE:,}"
        raise SecurityError(msg)
    return items


class BoundedSandbox(SandboxedEnvironment):
    """Jinja's sandbox, with ``range``, ``*`` and ``**`` bounded."""

    intercepted_binops = frozenset({"*", "**"})

    def __init__(self, **options: Any) -> None:
        """Build the environment (options as Jinja's), with the bounded ``range``."""
        super().__init__(**options)
        self.globals["range"] = _bounded_range

    def call_binop(self, context: jinja2.runtime.Context, operator: str, left: Any, right: Any) -> Any:
        """Refuse a ``*`` or ``**`` whose result would be absurdly large, before computing it."""
        if operator == "*":
            for sequence, times in ((left, right), (right, left)):
                if (isinstance(sequence, str | list | tuple) and isinstance(times, int)
                        and len(sequence) * times > MAX_SEQUENCE):
                    msg = (f"'*' would build {len(sequence) * times:,} items; a template may build "
                           f"at most {MAX_SEQUENCE:,}")
                    raise SecurityError(msg)
        elif operator == "**" and isinstance(left, int | float) and isinstance(right, int | float):
            base = abs(left)
            if base > 1 and right > 0 and right * math.log10(base) > MAX_POWER_DIGITS:
                msg = f"'**' would build a number of over {MAX_POWER_DIGITS:,} digits"
                raise SecurityError(msg)
        return super().call_binop(context, operator, left, right)


def render_bounded(template: jinja2.Template, context: Mapping[str, Any], where: str) -> str:
    """Render ``template``, counting its output as it comes and refusing too much of it.

    Args:
        template: a template compiled in a :class:`BoundedSandbox`.
        context: its values.
        where: the template and part, for the message.

    Returns:
        The rendered text.

    Raises:
        SecurityError: the part would be longer than :data:`MAX_PART_CHARACTERS`.
    """
    pieces = []
    size = 0
    for piece in template.generate(context):
        size += len(piece)
        if size > MAX_PART_CHARACTERS:
            msg = f"{where} renders to over {MAX_PART_CHARACTERS:,} characters; a letter is far shorter"
            raise SecurityError(msg)
        pieces.append(piece)
    return "".join(pieces)


@contextlib.contextmanager
def document_deadline(seconds: float = DOCUMENT_SECONDS) -> Iterator[None]:
    """Stop the rendering of one document that takes longer than ``seconds``.

    Only the main thread receives signals: elsewhere (a server's worker threads) the range,
    size and output bounds still hold but nothing times the document.

    Raises:
        TemplateTimeout: from whatever Python code was running when the time ran out.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: object) -> None:
        msg = f"the template took longer than {seconds:g} seconds to render one document"
        raise TemplateTimeout(msg)

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
