"""Compile-once rendering of docxtpl ``.docx`` templates.

Naive docxtpl re-opens the template, re-runs its regex preprocessing and recompiles the
whole document XML as a Jinja template for every document; ~88 % of its time is that
repeated, data-independent work (``shared/perf/NOTES.md`` §6). ``CompiledTemplate`` does it
once: it opens the .docx, runs docxtpl's own ``patch_xml`` on the body, headers, footers and
footnotes, compiles each part once in a sandboxed, autoescaping, ``StrictUndefined``
environment and pre-compresses every other zip member, so a render is the Jinja render of a
few parts plus the deflate of their XML.

Supported as in docxtpl: ``{{ }}``, ``{% %}``, ``{%tr/tc/p/r %}``, ``{{r }}``/``{{p }}`` with
``RichText``/``Listing`` values, ``{% vm %}``, ``{% hm %}``, ``{% colspan %}``, ``{% cellbg %}``,
``{_{``-style literal braces, and ``\\n \\t \\a \\f`` in values. Refused: Jinja in the core
document properties (at load, ``TemplateError``) and ``InlineImage``/``Subdoc`` values (at
render, ``RenderError``): both change package parts that compile-once copies unchanged.

This module knows nothing about cases: it takes a plain mapping.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

import jinja2
from docxtpl import InlineImage
from jinja2 import nodes
from jinja2.sandbox import SandboxedEnvironment
from lxml import etree
from markupsafe import Markup, escape

from medocs.documents.package import DOCXTPL as _DOCXTPL
from medocs.documents.package import Package as _Package
from medocs.documents.package import SplitPart as _SplitPart
from medocs.documents.package import TemplateSource, TemplateSources, line_excerpt, read_template_sources
from medocs.documents.package import ZipAssembler as _ZipAssembler
from medocs.documents.package import inner_xml as _inner
from medocs.documents.package import read_bytes as _read_bytes
from medocs.documents.package import read_package as _read_package
from medocs.documents.presentation import Presentation, present
from medocs.documents.properties import CoreProperties, properties_from_context
from medocs.documents.sandbox import BoundedSandbox, TemplateTimeout, document_deadline, render_bounded
from medocs.errors import MedocsError, RenderError, TemplateError
from medocs.suggest import did_you_mean

try:  # docxtpl's Subdoc needs the optional docxcompose package
    from docxtpl.subdoc import Subdoc

    _REFUSED_VALUES: tuple[type, ...] = (InlineImage, Subdoc)
except ImportError:  # pragma: no cover - depends on the environment
    _REFUSED_VALUES = (InlineImage,)

__all__ = [
    "CompiledTemplate",
    "TemplateSource",
    "TemplateSources",
    "clear_template_cache",
    "line_excerpt",
    "load_template",
    "read_template_sources",
    "safe_environment",
]

_WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
# What docxtpl's resolve_listing puts in place of a newline inside a w:t.
_LINE_BREAK = '</w:t><w:br/><w:t xml:space="preserve">'
# Characters a value needs more than escaping for: controls, and what XML 1.0 cannot hold.
_CONTROL = re.compile("[\x00-\x1f\ud800-\udfff\ufffe\uffff]")
_INVALID_XML_CHAR = re.compile("[\x00-\x06\x08\x0b\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


class _UnsupportedValueError(Exception):
    """Raised inside a render when a value needs per-document package changes."""


def _with_line_breaks(markup: str) -> Markup:
    # str() first: Markup.replace would escape the <w:br/> we put in
    return Markup(str(markup).replace("\n", _LINE_BREAK))


def _text_value(value: str) -> Markup:
    r"""Escape a text value that holds control characters, as docxtpl's resolve_listing would.

    ``\n`` becomes a line break here, at render time, instead of docxtpl's regex pass over
    the whole rendered part; ``\t \a \f`` are left for ``resolve_listing`` (they need the run
    and paragraph properties). Windows line ends count as one newline.
    """
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    bad = _INVALID_XML_CHAR.search(value)
    if bad:
        msg = f"a value contains the control character U+{ord(bad.group()):04X}, which a .docx cannot hold"
        raise _UnsupportedValueError(msg)
    return _with_line_breaks(escape(value))


def _finalize(value: Any) -> Any:
    """Jinja ``finalize`` hook: newlines to ``<w:br/>``, refuse values compile-once cannot place."""
    if type(value) is str:  # the common case: plain text from the context, kept cheap
        return value if _CONTROL.search(value) is None else _text_value(value)
    if isinstance(value, _REFUSED_VALUES):
        msg = f"{type(value).__name__} values are not supported (they add parts to the .docx package)"
        raise _UnsupportedValueError(msg)
    if isinstance(value, str) and not hasattr(value, "__html__"):
        return _text_value(value)
    markup = escape(value)  # RichText, Listing, Markup: their own XML; anything else: str()
    return _with_line_breaks(markup) if "\n" in markup else markup


def safe_environment() -> SandboxedEnvironment:
    """Build the Jinja environment every medocs template is compiled in.

    Sandboxed (data and templates cannot reach Python internals, and the work a template does
    is bounded: :mod:`medocs.documents.sandbox`), ``autoescape=True`` (``&``,
    ``<``, ``>`` and quotes in data come out as typed) and ``StrictUndefined`` (a missing field
    is an error, never a blank). docxtpl needs no filters beyond Jinja's built-ins; the
    ``finalize`` hook turns newlines in values into line breaks.

    Returns:
        A new environment; callers may add filters to it before compiling.
    """
    return BoundedSandbox(autoescape=True, undefined=jinja2.StrictUndefined, finalize=_finalize)


# --------------------------------------------------------------------------- compiled template


def _template_line(exc: BaseException, filename: str) -> int | None:
    """The template line Jinja's rewritten traceback points at, if any."""
    lineno = None
    tb: TracebackType | None = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == filename:
            lineno = tb.tb_lineno
        tb = tb.tb_next
    return lineno


def _written_path(node: nodes.Node) -> str | None:
    """``child.date_of_birth`` for a Getattr/Getitem/Name chain, as the template spells it."""
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Getattr):
        base = _written_path(node.node)
        return None if base is None else f"{base}.{node.attr}"
    if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
        base = _written_path(node.node)
        return None if base is None else f"{base}[{node.arg.value!r}]"
    return None


def _missing_placeholder(env: jinja2.Environment, source: str, lineno: int | None, message: str) -> str:
    """Name the placeholder an UndefinedError is about, e.g. ``child.date_of_birth``."""
    match = re.search(r"has no attribute '([^']*)'|'([^']*)' is undefined", message)
    if match is None or lineno is None:
        return message
    leaf = match.group(1) or match.group(2)
    for node in env.parse(source).find_all((nodes.Getattr, nodes.Getitem, nodes.Name)):
        written = _written_path(node)
        if node.lineno == lineno and written is not None and re.search(
            rf"(^|\.|\[')({re.escape(leaf)})('\])?$", written
        ):
            return written
    return leaf


def _nearest_field(name: str, context: Mapping[str, Any]) -> str:
    """'; did you mean …' from the keys beside the missing one, as ``medocs check`` says it."""
    *parents, leaf = name.split(".")
    level: Any = context
    for key in parents:
        level = level.get(key) if isinstance(level, Mapping) else None
    if not isinstance(level, Mapping):
        return ""
    return did_you_mean(leaf, level, prefix="".join(f"{p}." for p in parents))


class CompiledTemplate:
    """A .docx template opened, preprocessed and compiled once, rendered many times.

    Instances are immutable after ``load`` and safe to share between threads.
    """

    def __init__(self, path: Path, package: _Package, env: SandboxedEnvironment, sha256: str) -> None:
        """Compile the parts of ``package``; use ``load`` or ``load_template`` instead."""
        self.path = Path(path)
        self.sha256 = sha256  # of the template file: which template a document was made from
        self._env = env
        dynamic = [p for p in package.parts if p.has_jinja]
        names = {p.source.part for p in dynamic}
        self._parts = [(part, self._compile(part)) for part in dynamic]
        # The core properties are written per document: its title and language (PDF /Lang).
        members = dict(package.members)
        self._core = None if package.core is None else CoreProperties(package.core, members[package.core])
        self._core_original = b"" if package.core is None else members[package.core]
        if package.core is not None:
            names.add(package.core)
        static = tuple((n, d) for n, d in package.members if n not in names)
        self.static_parts = static  # the members every document holds unchanged
        self._zip = _ZipAssembler(list(static))

    @classmethod
    def load(cls, path: Path, *, env: SandboxedEnvironment | None = None) -> CompiledTemplate:
        """Open and compile a .docx template.

        Args:
            path: the .docx file.
            env: the Jinja environment; ``safe_environment()`` when omitted.

        Returns:
            The compiled template.

        Raises:
            TemplateError: the file is unreadable, not a .docx, has a Jinja syntax error
                (named with its part and line) or uses a feature compile-once refuses.
        """
        return cls.from_bytes(_read_bytes(path), path=path, env=env)

    @classmethod
    def from_bytes(
        cls, data: bytes, *, path: Path, env: SandboxedEnvironment | None = None
    ) -> CompiledTemplate:
        """Compile a template already read into memory; ``path`` names it in messages.

        Args:
            data: the .docx file's bytes.
            path: where it came from.
            env: the Jinja environment; ``safe_environment()`` when omitted.

        Returns:
            The compiled template.

        Raises:
            TemplateError: as for ``load``.
        """
        package = _read_package(data, path)
        if package.unsupported:
            part, reason = package.unsupported[0]
            msg = f"{path}: {part}: {reason}"
            raise TemplateError(msg)
        return cls(path, package, env or safe_environment(), hashlib.sha256(data).hexdigest())

    @property
    def parts(self) -> tuple[str, ...]:
        """The zip members rendered per document (the others are copied unchanged)."""
        return tuple(part.source.part for part, _ in self._parts)

    def _filename(self, part: str) -> str:
        return f"{self.path}:{part}"

    def _compile(self, part: _SplitPart) -> jinja2.Template:
        src = part.source
        try:
            code = self._env.compile(src.source, name=src.part, filename=self._filename(src.part))
        except jinja2.TemplateSyntaxError as exc:
            where = f"line {exc.lineno} ('{line_excerpt(src.source, exc.lineno)}')"
            msg = f"{self.path}: {src.part} ({src.kind}), {where}: Jinja syntax error: {exc.message}"
            raise TemplateError(msg) from exc
        return self._env.template_class.from_code(self._env, code, self._env.make_globals(None), None)

    def render(self, context: Mapping[str, Any]) -> bytes:
        """Render one document.

        Args:
            context: the values the template's placeholders name (nested dicts and lists).

        Returns:
            The .docx file's bytes; the same context always gives the same bytes.

        Raises:
            RenderError: a placeholder names a missing field (the message names the template,
                the part and the placeholder), a value cannot be placed, or an expression failed.
        """
        return self.package(self.render_parts(context))

    def render_parts(self, context: Mapping[str, Any]) -> list[tuple[str, bytes]]:
        """Render the parts that hold placeholders (the text of one document), not zipped.

        Raises:
            RenderError: as for ``render``.
        """
        try:
            with document_deadline():
                rendered = [(part.source.part, self._render_part(part, template, context))
                            for part, template in self._parts]
        except TemplateTimeout as exc:  # ran out between two parts: no part to name
            msg = f"{self.path}: {exc}"
            raise RenderError(msg) from exc
        if self._core is not None:
            properties = properties_from_context(context)
            core = self._core_original if properties is None else self._core.render(properties)
            rendered.append((self._core.part, core))
        return rendered

    def package(self, rendered: list[tuple[str, bytes]]) -> bytes:
        """The .docx bytes of parts from :meth:`render_parts`, with the template's other parts."""
        return self._zip.build(rendered)

    def _render_part(self, part: _SplitPart, template: jinja2.Template, context: Mapping[str, Any]) -> bytes:
        try:
            out = render_bounded(template, context, f"{self.path}: {part.source.part}")
        except MedocsError:
            raise
        except Exception as exc:  # any error an expression raises is a render failure of this part
            raise RenderError(self._render_error(part, exc, context)) from exc
        if "\t" in out or "\a" in out or "\f" in out:  # tabs, paragraph and page breaks in values
            out = _DOCXTPL.resolve_listing(out)
        if part.body_open is not None:
            out = self._fix_body(part, part.body_open, out)
        return (part.prefix + out + part.suffix).encode("utf-8")

    def _render_error(self, part: _SplitPart, exc: Exception, context: Mapping[str, Any]) -> str:
        src = part.source
        lineno = _template_line(exc, self._filename(src.part))
        where = f"{self.path}: {src.part} ({src.kind})"
        if lineno is not None:
            where += f", line {lineno} ('{line_excerpt(src.source, lineno)}')"
        if isinstance(exc, jinja2.UndefinedError):
            name = _missing_placeholder(self._env, src.source, lineno, exc.message or "")
            return f"{where}: unknown field '{name}'{_nearest_field(name, context)}"
        if isinstance(exc, _UnsupportedValueError):
            return f"{where}: {exc}"
        return f"{where}: {type(exc).__name__}: {exc}"

    def _fix_body(self, part: _SplitPart, body_open: str, body: str) -> str:
        """docxtpl's fix_tables and fix_docpr_ids, for bodies whose tables or pictures need them."""
        wrapped = body_open + body + "</w:body>"
        try:  # strict first: fix_tables parses with recover=True, which drops text silently
            etree.fromstring(wrapped)
        except etree.XMLSyntaxError as exc:
            msg = f"{self.path}: {part.source.part}: the rendered XML is not well-formed ({exc})"
            raise RenderError(msg) from exc
        tree = _DOCXTPL.fix_tables(wrapped)
        for number, element in enumerate(tree.iter(f"{{{_WP}}}docPr"), start=1001):
            element.set("id", str(number))
        return _inner(etree.tostring(tree, encoding="unicode"))


# --------------------------------------------------------------------------- cache

_CACHE: dict[tuple[Path, Presentation, str, type[CompiledTemplate]], tuple[str, CompiledTemplate]] = {}
_CACHE_LOCK = threading.Lock()


def load_template(path: Path, presentation: Presentation | None = None, *,
                  logo_text: str = "Logo",
                  template_class: type[CompiledTemplate] = CompiledTemplate) -> CompiledTemplate:
    """Return the compiled template for ``path``, compiling it only when its content changed.

    The cache is keyed by the resolved path, the presentation and the SHA-256 of the file's
    content, so an edited template is recompiled; one entry is kept per path and presentation.

    Args:
        path: the .docx template.
        presentation: large print and letterhead brand applied before compiling; None: as is.
        logo_text: the letterhead logo's alternative text.
        template_class: how it renders (``IsolatedTemplate``: in a worker process).

    Returns:
        The compiled template (shared; it is immutable).

    Raises:
        TemplateError: as for ``CompiledTemplate.load``, or the logo cannot be placed.
    """
    data = _read_bytes(path)
    look = presentation or Presentation()
    key = (Path(path).resolve(), look, logo_text, template_class)
    digest = hashlib.sha256(data).hexdigest()
    with _CACHE_LOCK:
        hit = _CACHE.get(key)
    if hit is not None and hit[0] == digest:
        return hit[1]
    try:
        shown = present(data, look, logo_text=logo_text)
    except (OSError, ValueError) as exc:
        msg = f"{path}: cannot apply the letterhead ({exc})"
        raise TemplateError(msg) from exc
    compiled = template_class.from_bytes(shown, path=path)
    with _CACHE_LOCK:
        _CACHE[key] = (digest, compiled)
    return compiled


def clear_template_cache() -> None:
    """Forget every compiled template (for long-running processes and tests)."""
    with _CACHE_LOCK:
        _CACHE.clear()
