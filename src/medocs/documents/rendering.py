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
import html
import io
import posixpath
import re
import secrets
import struct
import threading
import zipfile
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

import jinja2
from docxtpl import DocxTemplate, InlineImage
from jinja2 import nodes
from jinja2.sandbox import SandboxedEnvironment
from lxml import etree
from markupsafe import Markup, escape

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

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
# The parts docxtpl 0.20 renders besides the body, by relationship type from the main part.
_RENDERED_RELS = {_DOC_REL + "header": "header", _DOC_REL + "footer": "footer",
                  _DOC_REL + "footnotes": "footnotes"}
# The core properties docxtpl renders as Jinja (DocxTemplate.render_properties).
_RENDERED_PROPS = ("title", "subject", "creator", "description", "identifier", "language")

# python-docx writes this declaration on every XML part it saves; docxtpl output carries it.
_XML_DECL = "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
# What docxtpl's resolve_listing puts in place of a newline inside a w:t.
_LINE_BREAK = '</w:t><w:br/><w:t xml:space="preserve">'
_MAX_UNCOMPRESSED = 256 * 1024 * 1024  # a letterhead template is < 1 MB; refuse zip bombs
_JINJA_MARK = re.compile(r"\{[{%#]")
_PARAGRAPH_START = re.compile(r"<w:p[ >]")
_LITERAL_BRACES = re.compile(r"\{_\{|\}_\}|\{_%|%_\}")
_TC_DIRECTIVE = re.compile(r"\{[{%]\s*tc\s")
_TAG = re.compile(r"<[^>]*>")
# Characters a value needs more than escaping for: controls, and what XML 1.0 cannot hold.
_CONTROL = re.compile("[\x00-\x1f\ud800-\udfff\ufffe\uffff]")
_INVALID_XML_CHAR = re.compile("[\x00-\x06\x08\x0b\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

# A stateless DocxTemplate whose patch_xml / fix_tables / resolve_listing we reuse, so the
# preprocessing is docxtpl's own and not a copy that drifts; it never opens a file.
_DOCXTPL: Any = DocxTemplate(io.BytesIO())


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


# --------------------------------------------------------------------------- reading a .docx


@dataclass(frozen=True)
class TemplateSource:
    """One rendered part of a template as Jinja sees it.

    Attributes:
        part: the zip member, e.g. ``'word/header1.xml'``.
        kind: ``'body'``, ``'header'``, ``'footer'`` or ``'footnotes'``.
        source: Jinja source after docxtpl's preprocessing; each ``<w:p`` starts a new line.
    """

    part: str
    kind: str
    source: str


@dataclass(frozen=True)
class TemplateSources:
    """The Jinja parts of a template and the features compile-once refuses in it.

    Attributes:
        parts: every part docxtpl renders (body, headers, footers, footnotes).
        unsupported: ``(part, reason)`` for each refused feature, e.g. Jinja in core properties.
    """

    parts: tuple[TemplateSource, ...]
    unsupported: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class _SplitPart:
    """A part split into static XML around a Jinja source, plus how to finish a render."""

    source: TemplateSource
    prefix: str
    suffix: str
    has_jinja: bool  # False: the part is copied unchanged, like any other zip member
    body_open: str | None  # the <w:body ...> start tag when tables/pictures need fixing


@dataclass(frozen=True)
class _Package:
    members: tuple[tuple[str, bytes], ...]
    parts: tuple[_SplitPart, ...]
    unsupported: tuple[tuple[str, str], ...]


def _parser() -> Any:
    # The parser python-docx uses: drops blank text like docxtpl's input; no entities (XXE).
    return etree.XMLParser(remove_blank_text=True, resolve_entities=False)


def _read_bytes(path: Path) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        msg = f"{path}: cannot read the template ({exc.strerror or exc})"
        raise TemplateError(msg) from exc


def _unzip(data: bytes, path: Path) -> dict[str, bytes]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = [i for i in zf.infolist() if not i.is_dir()]
            if sum(i.file_size for i in infos) > _MAX_UNCOMPRESSED:
                msg = f"{path}: the .docx unpacks to more than {_MAX_UNCOMPRESSED >> 20} MB"
                raise TemplateError(msg)
            return {i.filename: zf.read(i) for i in infos}
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, zlib.error, ValueError) as exc:
        msg = f"{path}: not a .docx file, or a damaged one ({exc})"
        raise TemplateError(msg) from exc


def _parse(xml: bytes, path: Path, part: str) -> Any:
    try:
        return etree.fromstring(xml, _parser())
    except etree.XMLSyntaxError as exc:
        msg = f"{path}: {part} is not well-formed XML ({exc})"
        raise TemplateError(msg) from exc


def _rels_name(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


def _relationships(members: Mapping[str, bytes], part: str, path: Path) -> Iterator[tuple[str, str]]:
    """Yield ``(type, target member)`` of the internal relationships of ``part``."""
    rels = _rels_name(part)
    if rels not in members:
        return
    for rel in _parse(members[rels], path, rels).iter(f"{{{_PKG_REL}}}Relationship"):
        if rel.get("TargetMode") == "External":
            continue
        target = rel.get("Target", "")
        base = "" if target.startswith("/") else posixpath.dirname(part)
        yield rel.get("Type", ""), posixpath.normpath(posixpath.join(base, target)).lstrip("/")


def _main_part(members: Mapping[str, bytes], path: Path) -> str:
    for reltype, target in _relationships(members, "", path):
        if reltype == _DOC_REL + "officeDocument" and target in members:
            return target
    msg = f"{path}: not a Word document (no main document part in the package)"
    raise TemplateError(msg)


def _patch(xml: str) -> str:
    """Run docxtpl's own patch_xml, then keep {_{ literal braces literal."""
    src = _DOCXTPL.patch_xml(xml)
    # docxtpl turns {_{ into {{ in the *output*, which would also rewrite data; a raw block
    # does it for the template's own text only.
    return str(_LITERAL_BRACES.sub(lambda m: "{% raw %}" + m.group().replace("_", "") + "{% endraw %}", src))


def _one_paragraph_per_line(src: str) -> str:
    """Start a new source line at each paragraph, for error line numbers.

    docxtpl adds a newline before each ``<w:p`` and strips it after rendering; a Jinja
    comment holding the newline does the same and costs nothing at render time.
    """
    return _PARAGRAPH_START.sub(lambda m: "{#\n#}" + m.group(), src)


def _inner(serialised: str) -> str:
    """Content of a serialised element, without its start and end tags."""
    start = serialised.index(">") + 1
    if serialised[start - 2] == "/":
        return ""
    return serialised[start:serialised.rindex("</")]


def _needs_tree_pass(raw_body: str, patched: str, body_open: str) -> bool:
    """Whether the rendered body needs docxtpl's fix_tables / fix_docpr_ids.

    They change nothing unless a row can gain or lose cells ({%tc %}, hm, colspan), pictures
    carry ids, or the template's own table grid is inconsistent; then they run per render.
    """
    if _TC_DIRECTIVE.search(_TAG.sub("", raw_body)) or 'w:gridSpan w:val="{{' in patched:
        return True
    if re.search(r"<\w+:docPr[ />]", patched):
        return True
    if "<w:tbl" not in patched:
        return False
    try:
        wrapped = body_open + patched + "</w:body>"
        before = etree.tostring(etree.fromstring(wrapped))
    except etree.XMLSyntaxError:
        return True
    return bool(etree.tostring(_DOCXTPL.fix_tables(wrapped)) != before)


def _split_body(xml: bytes, path: Path, part: str) -> _SplitPart:
    root = _parse(xml, path, part)
    body = root.find(f"{{{_W}}}body")
    if body is None:
        msg = f"{path}: {part} has no w:body; is this a Word document?"
        raise TemplateError(msg)
    serialised = etree.tostring(body, encoding="unicode")
    raw = _inner(serialised)
    body_open = serialised[: serialised.index(">") + 1].rstrip("/>") + ">"
    for child in list(body):
        body.remove(child)
    marker = "medocs-body-" + secrets.token_hex(8)
    body.text = marker
    head, tail = etree.tostring(root, encoding="unicode").split(marker)
    patched = _patch(raw)
    has_jinja = _JINJA_MARK.search(patched) is not None
    tree_pass = has_jinja and _needs_tree_pass(raw, patched, body_open)
    source = TemplateSource(part, "body", _one_paragraph_per_line(patched))
    return _SplitPart(source, _XML_DECL + head, tail, has_jinja, body_open if tree_pass else None)


def _split_other(xml: bytes, path: Path, part: str, kind: str) -> _SplitPart:
    prefix = _XML_DECL
    if kind == "footnotes":  # docxtpl renders the footnotes blob as stored, declaration and all
        prefix = ""
        try:
            text = xml.decode("utf-8")
        except UnicodeDecodeError as exc:
            msg = f"{path}: {part} is not UTF-8 text"
            raise TemplateError(msg) from exc
    else:
        text = etree.tostring(_parse(xml, path, part), encoding="unicode")
    patched = _patch(text)
    source = TemplateSource(part, kind, _one_paragraph_per_line(patched))
    return _SplitPart(source, prefix, "", _JINJA_MARK.search(patched) is not None, None)


def _core_property_jinja(members: Mapping[str, bytes], path: Path) -> list[tuple[str, str]]:
    for reltype, target in _relationships(members, "", path):
        if reltype.endswith("/core-properties") and target in members:
            root = _parse(members[target], path, target)
            found = [el for el in root if etree.QName(el).localname in _RENDERED_PROPS
                     and _JINJA_MARK.search(el.text or "")]
            return [(target, f"Jinja in the document property '{etree.QName(el).localname}' "
                     f"({el.text!r}) is not supported; put it in the body") for el in found]
    return []


def _read_package(data: bytes, path: Path) -> _Package:
    members = _unzip(data, path)
    main = _main_part(members, path)
    parts = [_split_body(members[main], path, main)]
    for reltype, target in _relationships(members, main, path):
        kind = _RENDERED_RELS.get(reltype)
        if kind and members.get(target) and target not in {p.source.part for p in parts}:
            parts.append(_split_other(members[target], path, target, kind))
    return _Package(tuple(members.items()), tuple(parts), tuple(_core_property_jinja(members, path)))


def read_template_sources(path: Path) -> TemplateSources:
    """Read a template's Jinja sources without compiling them (for ``medocs check``).

    Args:
        path: the .docx template.

    Returns:
        The preprocessed Jinja source of every rendered part and the refused features.

    Raises:
        TemplateError: the file cannot be read or is not a (well-formed) .docx.
    """
    package = _read_package(_read_bytes(path), path)
    return TemplateSources(tuple(p.source for p in package.parts), package.unsupported)


def line_excerpt(source: str, lineno: int, width: int = 80) -> str:
    """The visible text of one line of a preprocessed source, for messages.

    Args:
        source: a ``TemplateSource.source``.
        lineno: 1-based line number, as Jinja reports it.
        width: longest excerpt returned.

    Returns:
        The line's text with XML tags removed and entities decoded, shortened with '…'.
    """
    lines = source.split("\n")
    if not 1 <= lineno <= len(lines):
        return ""
    line = lines[lineno - 1].removeprefix("#}").removesuffix("{#")
    text = " ".join(html.unescape(_TAG.sub("", line)).split())
    return text if len(text) <= width else text[: width - 1] + "…"


# --------------------------------------------------------------------------- zip assembly

_DOS_DATE = (1 << 5) | 1  # 1980-01-01 00:00: fixed, so the same input gives the same bytes
_VERSION = 20  # "2.0": deflate, no zip64


@dataclass(frozen=True)
class _ZipEntry:
    local: bytes  # local header + (compressed) data
    central: bytes  # central directory record, its offset patched in by _ZipAssembler


# Raw deflate with an 8 KB window and memLevel 5: setting up zlib's default state (32 KB
# window, memLevel 8) costs more than compressing a 10 KB part; this is 2-4x faster per part
# (measured 0.06 against 0.15-0.27 ms for document.xml + header) for 0.2 % larger output.
_WINDOW_BITS = -13
_MEM_LEVEL = 5


def _compress(data: bytes, level: int) -> tuple[int, bytes]:
    deflater = zlib.compressobj(level, zlib.DEFLATED, _WINDOW_BITS, _MEM_LEVEL)
    packed = deflater.compress(data) + deflater.flush()
    if len(packed) >= len(data):  # images and tiny parts: store
        return zipfile.ZIP_STORED, data
    return zipfile.ZIP_DEFLATED, packed


def _zip_entry(name: str, data: bytes, offset: int, level: int) -> _ZipEntry:
    method, packed = _compress(data, level)
    raw_name = name.encode("utf-8")
    flags = 0 if raw_name.isascii() else 0x800  # bit 11: the name is UTF-8
    crc = zlib.crc32(data)
    common = struct.pack("<HHHHIII", flags, method, 0, _DOS_DATE, crc, len(packed), len(data))
    local = struct.pack("<IH", 0x04034B50, _VERSION) + common + struct.pack("<HH", len(raw_name), 0)
    central = (struct.pack("<IHH", 0x02014B50, _VERSION, _VERSION) + common
               + struct.pack("<HHHHHII", len(raw_name), 0, 0, 0, 0, 0, offset) + raw_name)
    return _ZipEntry(local + raw_name + packed, central)


class _ZipAssembler:
    """Writes a .docx: static members pre-compressed once, then the freshly rendered ones."""

    # Level 1, not zipfile's 6: measured 0.1 ms/doc faster for 2 % larger files.
    dynamic_level = 1

    def __init__(self, static: list[tuple[str, bytes]]) -> None:
        entries = []
        offset = 0
        for name, data in static:
            entry = _zip_entry(name, data, offset, 9)  # paid once per template: compress hard
            entries.append(entry)
            offset += len(entry.local)
        self._prefix = b"".join(e.local for e in entries)
        self._central = b"".join(e.central for e in entries)
        self._count = len(entries)

    def build(self, rendered: list[tuple[str, bytes]]) -> bytes:
        """Return the whole zip with ``rendered`` appended after the static members."""
        chunks = [self._prefix]
        central = [self._central]
        offset = len(self._prefix)
        for name, data in rendered:
            entry = _zip_entry(name, data, offset, self.dynamic_level)
            chunks.append(entry.local)
            central.append(entry.central)
            offset += len(entry.local)
        directory = b"".join(central)
        count = self._count + len(rendered)
        end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count, count, len(directory), offset, 0)
        chunks += (directory, end)
        return b"".join(chunks)


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
                return [(part.source.part, self._render_part(part, template, context))
                        for part, template in self._parts]
        except TemplateTimeout as exc:  # ran out between two parts: no part to name
            msg = f"{self.path}: {exc}"
            raise RenderError(msg) from exc

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

_CACHE: dict[Path, tuple[str, CompiledTemplate]] = {}
_CACHE_LOCK = threading.Lock()


def load_template(path: Path) -> CompiledTemplate:
    """Return the compiled template for ``path``, compiling it only when its content changed.

    The cache is keyed by the resolved path and the SHA-256 of the file's content, so an
    edited template is recompiled; one entry is kept per path.

    Args:
        path: the .docx template.

    Returns:
        The compiled template (shared; it is immutable).

    Raises:
        TemplateError: as for ``CompiledTemplate.load``.
    """
    data = _read_bytes(path)
    key = Path(path).resolve()
    digest = hashlib.sha256(data).hexdigest()
    with _CACHE_LOCK:
        hit = _CACHE.get(key)
    if hit is not None and hit[0] == digest:
        return hit[1]
    compiled = CompiledTemplate.from_bytes(data, path=path)
    with _CACHE_LOCK:
        _CACHE[key] = (digest, compiled)
    return compiled


def clear_template_cache() -> None:
    """Forget every compiled template (for long-running processes and tests)."""
    with _CACHE_LOCK:
        _CACHE.clear()
