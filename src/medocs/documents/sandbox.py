"""The Jinja sandbox user templates run in, with bounds on the work one document may take.

Jinja's own sandbox stops templates reaching Python internals, but a hostile ``--templates``
folder can still hang medocs (``range(100000)`` nested three deep) or exhaust memory
(``'a' * 10**10``, a string doubled sixty times with ``~``, ``'a'|center(10**9)``). Here every
``range`` is short; ``*``, ``**``, ``+``, ``~``, ``%`` and the filters and string methods that
build text refuse a result no letter needs, before building it; a part's output is counted
as it is produced; and a document that takes longer than :func:`document_seconds` is stopped
(an interval timer interrupts the Python loop running it). Jinja folds constant expressions
when it compiles a template, so these bounds also keep compiling one cheap.

What cannot be bounded here (a C loop, a slow build of many small strings) is left to the
worker process user templates render in (:mod:`medocs.documents.isolation`), which is killed
when a document passes its time or memory limit.
"""

from __future__ import annotations

import contextlib
import math
import os
import re
import signal
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence, Sized
from functools import update_wrapper
from typing import Any

import jinja2
from jinja2.compiler import CodeGenerator, Frame
from jinja2.exceptions import SecurityError
from jinja2.filters import FILTERS
from jinja2.nodes import Concat
from jinja2.sandbox import SandboxedEnvironment, SandboxedEscapeFormatter, SandboxedFormatter
from jinja2.utils import generate_lorem_ipsum
from markupsafe import Markup

from medocs.errors import MedocsError

__all__ = ["DOCUMENT_SECONDS", "MAX_PART_CHARACTERS", "BoundedSandbox", "TemplateTimeout",
           "document_deadline", "document_seconds", "render_bounded"]

MAX_RANGE = 10_000  # items of one range(): a letter lists a handful of things
MAX_SEQUENCE = 1_000_000  # items (or characters) one operation may build
MAX_CAPTURE = 10_000_000  # characters a {% set %} block or a macro may capture
MAX_POWER_DIGITS = 1_000  # digits a '**' or a '*' of two numbers may build
MAX_WIDTH = 10_000  # a field width or precision in '%' and format()
MAX_PART_CHARACTERS = 50_000_000  # characters one part may render to (a letter is < 1 MB)
DOCUMENT_SECONDS = 20.0  # a document renders in milliseconds; this is a runaway template
SECONDS_VARIABLE = "MEDOCS_TEMPLATE_SECONDS"  # sets the limit per document (tests use 2)

# A '%' conversion: optional mapping key, flags, width and precision ('%%' is a plain '%').
_PRINTF = re.compile(r"%%|%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?")
_DIGITS = re.compile(r"\d+")


class TemplateTimeout(Exception):  # noqa: N818 - raised through Jinja, reported as a RenderError
    """Raised in the rendering thread when a document has taken too long."""


def _refuse(what: str, size: int, limit: int = MAX_SEQUENCE, unit: str = "characters") -> None:
    """Raise SecurityError if ``what`` would build more than ``limit`` ``unit``."""
    if size > limit:
        msg = f"{what} would build {size:,} {unit}; a template may build at most {limit:,}"
        raise SecurityError(msg)


def _check_width(what: str, number: str) -> None:
    """Refuse a field width or precision above :data:`MAX_WIDTH` (``*``: taken from the values)."""
    if number == "*":
        msg = f"{what}: a '*' width or precision is not allowed in a template"
        raise SecurityError(msg)
    if len(number) > len(str(MAX_WIDTH)) or int(number) > MAX_WIDTH:
        msg = f"{what}: a width or precision of {number[:12]} is over {MAX_WIDTH:,}"
        raise SecurityError(msg)


def _check_printf(text: Any) -> None:
    """Refuse a ``%`` format whose widths would build a huge string (``'%99999999s'``)."""
    if isinstance(text, str):
        for match in _PRINTF.finditer(text):
            for number in match.groups():
                if number:
                    _check_width("'%' formatting", number)


def _length(value: Any) -> int:
    return len(value) if isinstance(value, str | list | tuple) else 0


def _bounded_range(*args: int) -> range:
    """``range`` with at most :data:`MAX_RANGE` items."""
    items = range(*args)
    if len(items) > MAX_RANGE:
        msg = f"range() of {len(items):,} items; a template may loop over at most {MAX_RANGE:,}"
        raise SecurityError(msg)
    return items


def _bounded_lipsum(n: int = 5, html: bool = True, min: int = 20, max: int = 100) -> str:  # noqa: A002
    """Jinja's ``lipsum`` with at most :data:`MAX_RANGE` words in all."""
    _refuse("lipsum()", n * max, MAX_RANGE, "words")
    return generate_lorem_ipsum(n, html, min, max)


def _replaced_size(text: str, old: str, new: str, count: int | None) -> int:
    found = len(text) + 1 if old == "" else text.count(old)
    if count is not None and count >= 0:
        found = min(found, count)
    return len(text) + found * (len(new) - len(old))


# --------------------------------------------------------------------------- filters


def _bounded_filters(filters: Mapping[str, Callable[..., Any]]) -> dict[str, Callable[..., Any]]:
    """Jinja's filters that build text or lists from small arguments, with their result bounded.

    Each checks the size its result would have, then calls Jinja's own filter.
    """
    def wrap(name: str, check: Callable[..., None]) -> Callable[..., Any]:
        original = filters[name]
        # Jinja passes its environment or evaluation context first to some filters.
        passes_context = getattr(original, "jinja_pass_arg", None) is not None

        def bounded(*args: Any, **kwargs: Any) -> Any:
            values = args[1:] if passes_context else args
            if name == "join" and values:  # a generator is read once: check and join one list
                items = list(values[0])
                args = (*args[:1], items, *args[2:]) if passes_context else (items, *args[1:])
                values = (items, *values[1:])
            check(*values, **kwargs)
            return original(*args, **kwargs)

        return update_wrapper(bounded, original)

    def center(value: Any, width: int = 80) -> None:
        _refuse("center", width if isinstance(width, int) else 0)

    def indent(s: Any, width: int | str = 4, *_: Any, **__: Any) -> None:
        step = width if isinstance(width, int) else len(str(width))
        _refuse("indent", len(str(s)) + (str(s).count("\n") + 1) * step)

    def wordwrap(s: Any, width: int = 79, break_long_words: bool = True, wrapstring: str | None = None,
                 *_: Any, **__: Any) -> None:
        lines = len(str(s)) // max(int(width), 1) + str(s).count("\n") + 1
        _refuse("wordwrap", len(str(s)) + lines * len(wrapstring or "\n"))

    def format_(value: Any, *_: Any, **__: Any) -> None:
        _check_printf(value)

    def join(items: list[Any], d: str = "", *_: Any, **__: Any) -> None:
        _refuse("join", len(str(d)) * max(len(items) - 1, 0) + sum(_length(i) for i in items))

    def replace(s: Any, old: Any, new: Any, count: int | None = None) -> None:
        _refuse("replace", _replaced_size(str(s), str(old), str(new), count))

    def batch(value: Any, linecount: int, fill_with: Any = None) -> None:
        _refuse("batch", linecount if fill_with is not None else 0, unit="items")

    def slice_(value: Any, slices: int, fill_with: Any = None) -> None:
        _refuse("slice", slices, unit="lists")

    def urlize(value: Any, *args: Any, **kwargs: Any) -> None:
        extra = sum(len(str(v)) for v in (*args[1:], *kwargs.values()) if isinstance(v, str))
        _refuse("urlize", 3 * len(str(value)) + len(str(value).split()) * extra)

    checks: dict[str, Callable[..., None]] = {
        "center": center, "indent": indent, "wordwrap": wordwrap, "format": format_, "join": join,
        "replace": replace, "batch": batch, "slice": slice_, "urlize": urlize}
    return {name: wrap(name, check) for name, check in checks.items()}



# --------------------------------------------------------------------------- string methods


def _check_method(owner: Any, name: str, args: Sequence[Any], kwargs: Mapping[str, Any]) -> None:
    """Refuse a call of a str or list method that would build a huge result."""
    first = args[0] if args else next(iter(kwargs.values()), None)
    if isinstance(owner, list) and name == "extend":
        _refuse("list.extend", len(owner) + (len(first) if isinstance(first, Sized) else 0), unit="items")
    elif not isinstance(owner, str):
        return
    elif name in {"ljust", "rjust", "center", "zfill"}:
        _refuse(f"str.{name}", first if isinstance(first, int) else 0)
    elif name == "expandtabs":
        tab = first if isinstance(first, int) else 8
        _refuse("str.expandtabs", len(owner) + owner.count("\t") * tab)
    elif name == "replace" and len(args) >= 2:
        count = args[2] if len(args) > 2 else None
        _refuse("str.replace", _replaced_size(owner, str(args[0]), str(args[1]), count))
    elif name == "translate":
        table = first.values() if isinstance(first, Mapping) else first
        longest = max((len(v) for v in table if isinstance(v, str)), default=1) \
            if isinstance(table, Iterable) else 1
        _refuse("str.translate", len(owner) * max(longest, 1))


class _BoundedFormatter(SandboxedFormatter):
    """The sandbox's ``str.format``, refusing huge widths and precisions."""

    def format_field(self, value: Any, format_spec: str) -> Any:
        for number in _DIGITS.findall(format_spec):
            _check_width("format()", number)
        return super().format_field(value, format_spec)


class _BoundedEscapeFormatter(_BoundedFormatter, SandboxedEscapeFormatter):
    """The same for ``Markup.format``, which escapes its values."""


# --------------------------------------------------------------------------- the environment


class _BoundedCodeGenerator(CodeGenerator):
    """Jinja's code generator with every ``~`` result checked by the environment."""

    def visit_Concat(self, node: Concat, frame: Frame) -> None:  # noqa: N802 - Jinja's visitor name
        """Write ``a ~ b`` as ``environment.bounded_concat(a ~ b)``."""
        self.write("environment.bounded_concat(")
        super().visit_Concat(node, frame)
        self.write(")")


def _bounded_capture(pieces: Iterable[str]) -> str:
    """``concat`` for ``{% set %}`` blocks and macros: at most :data:`MAX_CAPTURE` characters."""
    text = "".join(pieces)
    _refuse("a {% set %} block or a macro", len(text), MAX_CAPTURE)
    return text


class BoundedSandbox(SandboxedEnvironment):
    """Jinja's sandbox, with ``range``, ``lipsum``, operators, text filters and methods bounded."""

    intercepted_binops = frozenset({"*", "**", "+", "%"})
    code_generator_class = _BoundedCodeGenerator

    def __init__(self, **options: Any) -> None:
        """Build the environment (options as Jinja's), with the bounded globals and filters."""
        super().__init__(**options)
        self.globals["range"] = _bounded_range
        self.globals["lipsum"] = _bounded_lipsum
        self.filters.update(_bounded_filters(FILTERS))
        self.concat = _bounded_capture  # type: ignore[method-assign]  # Jinja's own is "".join

    @staticmethod
    def bounded_concat(text: str) -> str:
        """Refuse the result of a ``~`` longer than :data:`MAX_SEQUENCE` (doubling a string)."""
        _refuse("'~'", len(text))
        return text

    def call_binop(self, context: jinja2.runtime.Context, operator: str, left: Any, right: Any) -> Any:
        """Refuse a ``*``, ``**``, ``+`` or ``%`` whose result would be absurdly large, before building it."""
        if operator == "*":
            for sequence, times in ((left, right), (right, left)):
                if isinstance(sequence, str | list | tuple) and isinstance(times, int):
                    _refuse("'*'", len(sequence) * times, unit="items")
            if isinstance(left, int) and isinstance(right, int):
                _refuse("'*'", (left.bit_length() + right.bit_length()) * 3 // 10, MAX_POWER_DIGITS, "digits")
        elif operator == "**" and isinstance(left, int | float) and isinstance(right, int | float):
            base = abs(left)
            if base > 1 and right > 0 and right * math.log10(base) > MAX_POWER_DIGITS:
                msg = f"'**' would build a number of over {MAX_POWER_DIGITS:,} digits"
                raise SecurityError(msg)
        elif operator == "+":
            _refuse("'+'", _length(left) + _length(right))
        elif operator == "%":
            _check_printf(left)
        return super().call_binop(context, operator, left, right)

    def call(self, context: jinja2.runtime.Context, obj: Any, /, *args: Any, **kwargs: Any) -> Any:
        """Call ``obj`` from a template, refusing str and list methods that would build too much."""
        owner = getattr(obj, "__self__", None)
        if isinstance(owner, str | list):
            name = getattr(obj, "__name__", "")
            if name == "join" and isinstance(owner, str) and args:  # read a generator once
                items = list(args[0])
                _refuse("str.join", len(owner) * max(len(items) - 1, 0) + sum(_length(i) for i in items))
                args = (items, *args[1:])
            _check_method(owner, name, args, kwargs)
        return super().call(context, obj, *args, **kwargs)

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        """Jinja's sandboxed ``str.format`` and ``format_map``, refusing huge widths."""
        wrapped = super().wrap_str_format(value)
        if wrapped is None:
            return None
        owner: str = value.__self__
        formatter: SandboxedFormatter = (_BoundedEscapeFormatter(self, escape=owner.escape)
                                         if isinstance(owner, Markup) else _BoundedFormatter(self))
        is_map = value.__name__ == "format_map"

        def bounded(*args: Any, **kwargs: Any) -> str:
            if not is_map:
                return type(owner)(formatter.vformat(owner, args, kwargs))
            if kwargs or len(args) != 1:
                msg = "format_map() takes exactly one argument"
                raise TypeError(msg)
            return type(owner)(formatter.vformat(owner, (), args[0]))

        return update_wrapper(bounded, value)


# --------------------------------------------------------------------------- rendering


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


def document_seconds() -> float:
    """The time one document may take to render: ``$MEDOCS_TEMPLATE_SECONDS``, else 20 seconds.

    Raises:
        MedocsError: the variable is set to something that is not a positive number.
    """
    text = os.environ.get(SECONDS_VARIABLE, "")
    if not text:
        return DOCUMENT_SECONDS
    try:
        seconds = float(text)
    except ValueError:
        seconds = -1.0
    if not 0 < seconds < 1e6:
        msg = f"${SECONDS_VARIABLE} must be a number of seconds above 0 (found {text[:40]!r})"
        raise MedocsError(msg)
    return seconds


def timeout_message(seconds: float) -> str:
    """What a document stopped after ``seconds`` says (the same whichever way it was stopped)."""
    return f"the template took longer than {seconds:g} seconds to render one document"


@contextlib.contextmanager
def document_deadline(seconds: float | None = None) -> Iterator[None]:
    """Stop the rendering of one document that takes longer than ``seconds``.

    Only the main thread receives signals: elsewhere (a server's worker threads) the range,
    size and output bounds still hold but nothing here times the document (user templates
    render in a worker process, whose main thread this times and whose parent kills it).

    Args:
        seconds: the limit; :func:`document_seconds` when None.

    Raises:
        TemplateTimeout: from whatever Python code was running when the time ran out.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    limit = document_seconds() if seconds is None else seconds

    def stop(signum: int, frame: object) -> None:
        raise TemplateTimeout(timeout_message(limit))

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, limit)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
