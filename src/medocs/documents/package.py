"""A .docx template as a package: its parts read and split for Jinja, and a document zipped back.

Reading finds the main part, its headers, footers and footnotes by relationship, runs
docxtpl's own ``patch_xml`` on each and keeps the other members as they are; the zip
writer puts a rendered document back together deterministically (fixed dates, members
pre-compressed once). :mod:`medocs.documents.rendering` compiles and renders the parts.
"""


from __future__ import annotations

import html
import io
import posixpath
import re
import secrets
import struct
import zipfile
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docxtpl import DocxTemplate
from lxml import etree

from medocs.errors import TemplateError

__all__ = [
    "DOCXTPL",
    "Package",
    "SplitPart",
    "TemplateSource",
    "TemplateSources",
    "ZipAssembler",
    "inner_xml",
    "line_excerpt",
    "read_bytes",
    "read_package",
    "read_template_sources",
]

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
# The parts docxtpl 0.20 renders besides the body, by relationship type from the main part.
_RENDERED_RELS = {_DOC_REL + "header": "header", _DOC_REL + "footer": "footer",
                  _DOC_REL + "footnotes": "footnotes"}
# The core properties docxtpl renders as Jinja (DocxTemplate.render_properties).
_RENDERED_PROPS = ("title", "subject", "creator", "description", "identifier", "language")

# python-docx writes this declaration on every XML part it saves; docxtpl output carries it.
_XML_DECL = "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
_MAX_UNCOMPRESSED = 256 * 1024 * 1024  # a letterhead template is < 1 MB; refuse zip bombs
_JINJA_MARK = re.compile(r"\{[{%#]")
_PARAGRAPH_START = re.compile(r"<w:p[ >]")
_LITERAL_BRACES = re.compile(r"\{_\{|\}_\}|\{_%|%_\}")
_TC_DIRECTIVE = re.compile(r"\{[{%]\s*tc\s")
_TAG = re.compile(r"<[^>]*>")

# A stateless DocxTemplate whose patch_xml / fix_tables / resolve_listing we reuse, so the
# preprocessing is docxtpl's own and not a copy that drifts; it never opens a file.
DOCXTPL: Any = DocxTemplate(io.BytesIO())


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
class SplitPart:
    """A part split into static XML around a Jinja source, plus how to finish a render."""

    source: TemplateSource
    prefix: str
    suffix: str
    has_jinja: bool  # False: the part is copied unchanged, like any other zip member
    body_open: str | None  # the <w:body ...> start tag when tables/pictures need fixing


@dataclass(frozen=True)
class Package:
    members: tuple[tuple[str, bytes], ...]
    parts: tuple[SplitPart, ...]
    unsupported: tuple[tuple[str, str], ...]
    core: str | None = None  # the core properties part (title, language), if there is one


def _parser() -> Any:
    # The parser python-docx uses: drops blank text like docxtpl's input; no entities (XXE).
    return etree.XMLParser(remove_blank_text=True, resolve_entities=False)


def read_bytes(path: Path) -> bytes:
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
    src = DOCXTPL.patch_xml(xml)
    # docxtpl turns {_{ into {{ in the *output*, which would also rewrite data; a raw block
    # does it for the template's own text only.
    return str(_LITERAL_BRACES.sub(lambda m: "{% raw %}" + m.group().replace("_", "") + "{% endraw %}", src))


def _one_paragraph_per_line(src: str) -> str:
    """Start a new source line at each paragraph, for error line numbers.

    docxtpl adds a newline before each ``<w:p`` and strips it after rendering; a Jinja
    comment holding the newline does the same and costs nothing at render time.
    """
    return _PARAGRAPH_START.sub(lambda m: "{#\n#}" + m.group(), src)


def inner_xml(serialised: str) -> str:
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
    return bool(etree.tostring(DOCXTPL.fix_tables(wrapped)) != before)


def _split_body(xml: bytes, path: Path, part: str) -> SplitPart:
    root = _parse(xml, path, part)
    body = root.find(f"{{{_W}}}body")
    if body is None:
        msg = f"{path}: {part} has no w:body; is this a Word document?"
        raise TemplateError(msg)
    serialised = etree.tostring(body, encoding="unicode")
    raw = inner_xml(serialised)
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
    return SplitPart(source, _XML_DECL + head, tail, has_jinja, body_open if tree_pass else None)


def _split_other(xml: bytes, path: Path, part: str, kind: str) -> SplitPart:
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
    return SplitPart(source, prefix, "", _JINJA_MARK.search(patched) is not None, None)


def _core_part(members: Mapping[str, bytes], path: Path) -> str | None:
    for reltype, target in _relationships(members, "", path):
        if reltype.endswith("/core-properties") and target in members:
            return target
    return None


def _core_property_jinja(members: Mapping[str, bytes], path: Path) -> list[tuple[str, str]]:
    for reltype, target in _relationships(members, "", path):
        if reltype.endswith("/core-properties") and target in members:
            root = _parse(members[target], path, target)
            found = [el for el in root if etree.QName(el).localname in _RENDERED_PROPS
                     and _JINJA_MARK.search(el.text or "")]
            return [(target, f"Jinja in the document property '{etree.QName(el).localname}' "
                     f"({el.text!r}) is not supported; put it in the body") for el in found]
    return []


def read_package(data: bytes, path: Path) -> Package:
    members = _unzip(data, path)
    main = _main_part(members, path)
    parts = [_split_body(members[main], path, main)]
    for reltype, target in _relationships(members, main, path):
        kind = _RENDERED_RELS.get(reltype)
        if kind and members.get(target) and target not in {p.source.part for p in parts}:
            parts.append(_split_other(members[target], path, target, kind))
    return Package(tuple(members.items()), tuple(parts), tuple(_core_property_jinja(members, path)),
                   _core_part(members, path))


def read_template_sources(path: Path) -> TemplateSources:
    """Read a template's Jinja sources without compiling them (for ``medocs check``).

    Args:
        path: the .docx template.

    Returns:
        The preprocessed Jinja source of every rendered part and the refused features.

    Raises:
        TemplateError: the file cannot be read or is not a (well-formed) .docx.
    """
    package = read_package(read_bytes(path), path)
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
    central: bytes  # central directory record, its offset patched in by ZipAssembler


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


class ZipAssembler:
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
