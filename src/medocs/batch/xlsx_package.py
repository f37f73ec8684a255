"""The parts of an .xlsx around its sheets, read as bounded streams: limits, zip, styles, strings.

An .xlsx is a zip of XML parts. Every part is decompressed a chunk at a time and fed to expat
(the C parser behind ``xml.etree``) through handlers, so no element or text is ever built
whole: a text longer than a limit is counted, not kept. A part with a DOCTYPE is refused
(Excel never writes one; it is how entity-expansion attacks start). What a workbook may hold is
set by :class:`XlsxLimits`; what breaks a limit is a :class:`~medocs.errors.CaseValidationError`
naming the file and where in it.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.parsers import expat

from medocs.batch.cells import _CHUNK, _MAX_ROW_CHARACTERS
from medocs.errors import CaseValidationError

__all__ = ["LIMITS", "Budget", "LocalNames", "TextCollector", "TooLong", "Workbook", "XlsxLimits",
           "column_letters", "damaged", "feed_part", "open_workbook", "parse_part", "whole_number"]


@dataclass(frozen=True)
class XlsxLimits:
    """What one .xlsx batch file may hold; past each, a cell, a row or the file is refused.

    Attributes:
        cell_characters: characters in one cell: Excel cannot save a longer one (a row problem).
        row_characters: characters in one row's cells together (a row problem).
        columns: column positions, A to XFD: Excel's own maximum (the file is refused).
        rows: row numbers: Excel's own maximum, 1,048,576 (the file is refused).
        shared_strings: distinct strings in the shared-string table (the file is refused).
        shared_characters: characters kept of all shared strings together (the file is refused).
        unpacked_bytes: bytes all the parts read unpack to (the file is refused).
        ratio: how many times its own size the file may unpack to ...
        ratio_from: ... once it has unpacked this much (small workbooks of repeated values
            compress very well, so only large ones are judged by their ratio).
    """

    cell_characters: int = 32_767
    row_characters: int = _MAX_ROW_CHARACTERS
    columns: int = 16_384
    rows: int = 1_048_576
    shared_strings: int = 1_000_000
    shared_characters: int = 50_000_000
    unpacked_bytes: int = 1 << 30
    ratio: int = 100
    ratio_from: int = 50 << 20


LIMITS = XlsxLimits()


_START = 150  # characters kept of a text that is too long, to show what it was


@dataclass(frozen=True)
class TooLong:
    """A text longer than a cell may be: its length and its start, never the whole of it."""

    length: int
    start: str

    def shown(self) -> str:
        """Its start and how much more there was, short enough for any message."""
        return f"{self.start}… ({self.length - len(self.start):,} more characters)"


def column_letters(number: int) -> str:
    """``A`` for 1, ``AA`` for 27, ``XFD`` for 16,384."""
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


class Budget:
    """The bytes unpacked so far, checked against the limits as each chunk arrives."""

    def __init__(self, path: Path, packed: int, limits: XlsxLimits) -> None:
        self.path = path
        self.packed = max(packed, 1)
        self.limits = limits
        self.unpacked = 0

    def charge(self, size: int, where: Callable[[], str]) -> None:
        """Count ``size`` more bytes; refuse the file once it unpacks to too much.

        Raises:
            CaseValidationError: past :attr:`XlsxLimits.unpacked_bytes`, or past
                :attr:`XlsxLimits.ratio` times the file's size once over ``ratio_from``.
        """
        self.unpacked += size
        limits = self.limits
        if self.unpacked > limits.unpacked_bytes or (
                self.unpacked > limits.ratio_from and self.unpacked > self.packed * limits.ratio):
            raise self.refusal(where() + ": ")

    def refusal(self, where: str = "", declared: int | None = None) -> CaseValidationError:
        """The one-line error for a workbook that unpacks to too much.

        Args:
            where: what unpacked to too much: ``sheet 'Cases' near cell B7: `` or
                ``xl/worksheets/sheet1.xml unpacks to 300,000,000 bytes, ``.
            declared: the size the zip's directory gives, when refused before reading.
        """
        total = self.unpacked if declared is None else declared
        limits = self.limits
        return CaseValidationError(
            f"{self.path}: {where}{'the whole workbook to' if declared else 'the workbook unpacks to over'} "
            f"{total:,} "
            f"bytes, {total // self.packed:,} times its own size ({self.packed:,} bytes); medocs "
            f"reads at most {limits.unpacked_bytes:,} bytes, and at most {limits.ratio} times the "
            f"file's size past {limits.ratio_from:,}. No batch of cases is that large, so it is "
            "refused (save the sheet again, or as CSV)")


Handlers = tuple[Callable[[str, dict[str, str]], None], Callable[[str], None], Callable[[str], None]]


class LocalNames(dict[str, str]):
    """An element's name as written -> its local name (``x:c`` -> ``c``), a few thousand kept."""

    def __missing__(self, name: str) -> str:
        local = name.rpartition(":")[2]
        if len(self) < 4096:  # a hostile part may use millions of names: keep only the first
            self[name] = local
        return local


def parse_part(book: Workbook, part: str, handlers: Handlers, where: Callable[[], str]) -> None:
    """Read one whole part through ``handlers``, which get local names (see :func:`feed_part`)."""
    start, end, text = handlers
    names = LocalNames()
    local_handlers: Handlers = (lambda name, attributes: start(names[name], attributes),
                                lambda name: end(names[name]), text)
    for _ in feed_part(book, part, local_handlers, where):
        pass


def feed_part(book: Workbook, part: str, handlers: Handlers, where: Callable[[], str], *,
              charge: bool = True) -> Iterator[None]:
    """Feed one part to expat a chunk at a time, pausing after each chunk.

    Args:
        book: the open workbook.
        part: the zip member.
        handlers: start (name, attributes), end (name) and text handlers; names as written
            (``c``, or ``x:c`` with a prefix: :class:`LocalNames` strips it).
        where: says where the reading is, for a message (``sheet 'Cases' cell B7``).
        charge: count the bytes against the workbook's budget (False for a part read a
            second time, counted the first).

    Yields:
        Nothing, once per chunk: the handlers have seen it.

    Raises:
        CaseValidationError: a DOCTYPE, XML that is not well-formed, a damaged zip member,
            too many bytes, or whatever a handler raises.
    """
    parser = _parser(book.path, part)
    parser.StartElementHandler, parser.EndElementHandler, parser.CharacterDataHandler = handlers
    try:
        with book.archive.open(part) as member:
            while chunk := member.read(_CHUNK):
                if charge:
                    book.budget.charge(len(chunk), where)
                parser.Parse(chunk, False)
                yield
            parser.Parse(b"", True)
    except expat.ExpatError as exc:
        msg = (f"{book.path}: {part} is not well-formed XML ({expat.errors.messages[exc.code]}, "
               f"line {exc.lineno}); the workbook is damaged: save it again in Excel")
        raise CaseValidationError(msg) from exc
    except (zipfile.BadZipFile, KeyError, OSError, EOFError, RuntimeError) as exc:
        raise damaged(book.path, exc) from exc
    yield


def damaged(path: Path, exc: BaseException) -> CaseValidationError:
    """The error for a file that is not a readable .xlsx (a password-protected one said so)."""
    if _is_compound_file(path):
        return CaseValidationError(
            f"{path}: the workbook is password-protected (or an old .xls): medocs cannot read "
            "it; in Excel remove the password (File > Info > Protect Workbook) or save it as "
            ".xlsx or CSV")
    msg = f"{path}: not an .xlsx workbook, or a damaged one ({exc})"
    return CaseValidationError(msg)


def _parser(path: Path, part: str) -> Any:
    """An expat parser that refuses any DOCTYPE, so no entity can ever be declared or expanded."""
    parser = expat.ParserCreate()  # no namespace processing: names as written, faster
    parser.buffer_text = True
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)

    def refuse(*_: object) -> None:
        msg = (f"{path}: {part} declares a DOCTYPE; Excel never writes one and it is how "
               "entity-expansion attacks begin, so the workbook is refused (save it again in Excel)")
        raise CaseValidationError(msg)

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    return parser


# An encrypted .xlsx (and an old .xls) is an OLE compound file, not a zip: it starts with these.
_COMPOUND_FILE = bytes.fromhex("d0cf11e0a1b11ae1")


def _is_compound_file(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(len(_COMPOUND_FILE)) == _COMPOUND_FILE
    except OSError:
        return False


# Excel's built-in number formats that show dates and times (ECMA-376 part 1, 18.8.30; 27-36
# and 50-58 are the East Asian date formats).
_DATE_FORMAT_IDS = frozenset([*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59)])
_TIMEDELTA_FORMAT_IDS = frozenset([46])
_LITERALS = re.compile(r'".*?"|\[(?!hh?\]|mm?\]|ss?\])[^\]]*\]')  # quoted text, [Red], [$-409]
_DATE_LETTER = re.compile(r"(?<![_\\])[dmhysDMHYS]")
_TIMEDELTA = re.compile(r"\[hh?\](:mm(:ss(\.0*)?)?)?|\[mm?\](:ss(\.0*)?)?|\[ss?\](\.0*)?", re.IGNORECASE)
_MAX_CELL_FORMATS = 65_490  # Excel's "unique cell formats" limit (64,000), with room


@dataclass
class Workbook:
    """An open .xlsx: its sheets, date system, date styles and shared strings.

    Attributes:
        path: the file.
        archive: the open zip.
        budget: the bytes unpacked so far.
        sheets: ``(name, zip member)`` of each worksheet, in the workbook's order.
        date1904: dates count from 1904 (old Mac Excel), not 1900.
        date_styles: style index -> ``'date'`` or ``'timedelta'`` for styles showing a date.
        shared: the shared strings (a :class:`TooLong` for one longer than a cell may be).
    """

    path: Path
    archive: zipfile.ZipFile
    budget: Budget
    sheets: list[tuple[str, str]] = field(default_factory=list)
    date1904: bool = False
    date_styles: dict[int, str] = field(default_factory=dict)
    shared: list[str | TooLong] = field(default_factory=list)

    def close(self) -> None:
        """Close the zip."""
        self.archive.close()


def open_workbook(path: Path, limits: XlsxLimits = LIMITS) -> Workbook:
    """Open an .xlsx and read its workbook, relationships, styles and shared strings.

    Args:
        path: the file.
        limits: what it may hold.

    Returns:
        The open workbook (close it, or read a sheet's rows to the end).

    Raises:
        CaseValidationError: not a zip (password-protected said so), a damaged workbook, no
            worksheet, or a limit broken (a bomb), naming the file and where.
    """
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise damaged(path, exc) from exc
    packed = path.stat().st_size
    book = Workbook(path, archive, Budget(path, packed, limits))
    try:
        # zipfile reads a part no further than the size the directory gives (the rest would fail
        # its checksum): these sizes bound the work, and are known before anything is read.
        declared = sum(part.file_size for part in archive.infolist())
        if declared > limits.unpacked_bytes or (declared > limits.ratio_from
                                                and declared > packed * limits.ratio):
            largest = max(archive.infolist(), key=lambda part: part.file_size)
            where = f"{largest.filename} unpacks to {largest.file_size:,} bytes, "
            raise book.budget.refusal(where, declared=declared)
        rels = _relationships(book, "xl/_rels/workbook.xml.rels")
        sheet_ids = _read_workbook(book)
        book.sheets = [(name, rels[rel][1]) for name, rel in sheet_ids
                       if rel in rels and rels[rel][0] == "worksheet"]
        if not book.sheets:
            msg = f"{path}: the workbook has no worksheet"
            raise CaseValidationError(msg)
        kinds = {kind: target for kind, target in rels.values()}
        if "styles" in kinds:
            _read_styles(book, kinds["styles"])
        if "sharedStrings" in kinds:
            _read_shared_strings(book, kinds["sharedStrings"], limits)
    except BaseException:
        archive.close()
        raise
    return book


def _member(book: Workbook, name: str) -> str:
    if name not in book.archive.NameToInfo:
        msg = f"{book.path}: not an .xlsx workbook, or a damaged one (no {name})"
        raise CaseValidationError(msg)
    return name


def _relationships(book: Workbook, part: str) -> dict[str, tuple[str, str]]:
    """Relationship id -> (type's last word, zip member it points to)."""
    found: dict[str, tuple[str, str]] = {}

    def start(name: str, attributes: dict[str, str]) -> None:
        if name == "Relationship" and "Id" in attributes:
            target = attributes.get("Target", "")
            member = target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")
            found[attributes["Id"]] = (attributes.get("Type", "").rpartition("/")[2], member)

    parse_part(book, _member(book, part), (start, _ignore, _ignore), lambda: part)
    return found


def _read_workbook(book: Workbook) -> list[tuple[str, str]]:
    """``(sheet name, relationship id)`` of every sheet; notes the date system on the way."""
    sheets: list[tuple[str, str]] = []

    def start(name: str, attributes: dict[str, str]) -> None:
        if name == "sheet":
            rel = next((value for key, value in attributes.items() if key.rpartition(":")[2] == "id"), "")
            sheets.append((attributes.get("name", ""), rel))
        elif name == "workbookPr":
            book.date1904 = attributes.get("date1904", "0").lower() in ("1", "true")

    parse_part(book, _member(book, "xl/workbook.xml"), (start, _ignore, _ignore), lambda: "xl/workbook.xml")
    return sheets


def _read_styles(book: Workbook, part: str) -> None:
    """Which cell styles show dates: from each cellXfs entry's number format."""
    custom: dict[int, str] = {}
    formats: list[int] = []
    inside = [False]

    def start(name: str, attributes: dict[str, str]) -> None:
        if name == "numFmt":
            custom[whole_number(attributes.get("numFmtId"))] = attributes.get("formatCode", "")
        elif name == "cellXfs":
            inside[0] = True
        elif name == "xf" and inside[0]:
            if len(formats) >= _MAX_CELL_FORMATS:
                msg = f"{book.path}: {part} holds over {_MAX_CELL_FORMATS:,} cell formats; it is refused"
                raise CaseValidationError(msg)
            formats.append(whole_number(attributes.get("numFmtId")))

    def end(name: str) -> None:
        if name == "cellXfs":
            inside[0] = False

    if part in book.archive.NameToInfo:
        parse_part(book, part, (start, end, _ignore), lambda: part)
    for index, number in enumerate(formats):
        code = custom.get(number)
        if code is None:
            kind = ("timedelta" if number in _TIMEDELTA_FORMAT_IDS
                    else "date" if number in _DATE_FORMAT_IDS else None)
        else:
            first = code.split(";")[0]
            kind = ("timedelta" if _TIMEDELTA.search(first)
                    else "date" if _DATE_LETTER.search(_LITERALS.sub("", first)) else None)
        if kind is not None:
            book.date_styles[index] = kind


def whole_number(text: str | None) -> int:
    """The number an attribute gives (0 when absent), or -1 when it is not a whole number."""
    try:
        return int(text or 0)
    except ValueError:
        return -1


def _ignore(*_: object) -> None:
    """A handler for what a part holds that medocs does not need."""


class TextCollector:
    """The text of one element, kept up to a limit and only counted past it."""

    __slots__ = ("length", "limit", "pieces")

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.pieces: list[str] = []
        self.length = 0

    def add(self, text: str) -> None:
        """Count ``text``, and keep it while the whole stays within the limit."""
        self.length += len(text)
        if self.length <= self.limit:
            self.pieces.append(text)
            return
        start = "".join(self.pieces)  # past the limit: one piece, the text's start
        if len(start) < _START or len(self.pieces) > 1:
            start = (start + text[:_START])[:_START]
        self.pieces = [start]

    def clear(self) -> None:
        """Forget what was kept and counted."""
        self.pieces = []
        self.length = 0

    def value(self) -> str | TooLong:
        """The text, or a :class:`TooLong` when it passed the limit; then starts afresh."""
        text = "".join(self.pieces)
        result: str | TooLong = TooLong(self.length, text[:_START]) if self.length > self.limit else text
        self.clear()
        return result


def _read_shared_strings(book: Workbook, part: str, limits: XlsxLimits) -> None:
    """The shared-string table: each ``<si>``'s text and runs, phonetic hints left out."""
    if part not in book.archive.NameToInfo:
        return
    strings = book.shared
    collector = TextCollector(limits.cell_characters)
    state = {"depth_rph": 0, "in_t": False, "kept": 0}

    def start(name: str, _attributes: dict[str, str]) -> None:
        if name == "t":
            state["in_t"] = not state["depth_rph"]
        elif name == "rPh":
            state["depth_rph"] += 1

    def end(name: str) -> None:
        if name == "t":
            state["in_t"] = False
        elif name == "rPh":
            state["depth_rph"] -= 1
        elif name == "si":
            value = collector.value()
            if isinstance(value, str):
                value = value.replace("x005F_", "")  # as openpyxl reads an escaped underscore
                state["kept"] += len(value)
            strings.append(value)
            if len(strings) > limits.shared_strings or state["kept"] > limits.shared_characters:
                msg = (f"{book.path}: {part}: string {len(strings):,} brings the shared strings to "
                       f"{len(strings):,} strings of {state['kept']:,} characters; at most "
                       f"{limits.shared_strings:,} strings of {limits.shared_characters:,} characters "
                       "in all are read, so the workbook is refused (save the sheet as CSV)")
                raise CaseValidationError(msg)

    def text(data: str) -> None:
        if state["in_t"]:
            collector.add(data)

    parse_part(book, part, (start, end, text), lambda: f"{part} string {len(strings) + 1:,}")
