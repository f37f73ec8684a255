"""Build the shipped .docx templates in templates/ from this description.

Run `python scripts/build_templates.py` after changing the wording or layout. The templates are
committed, so users and the wheel never need this script; LAs may also edit the .docx files in
Word (and check them with `medocs check`).

Layout follows shared/design/LETTERS.md: A4, 2 cm margins, Arial 12 pt, left aligned, bold
sentence-case headings, letterhead on page 1 only, child's name and reference on continuation
pages, "Page X of Y" and an other-formats line in the footer.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path

from docx import Document
from docx.blkcntnr import BlockItemContainer
from docx.document import Document as DocxDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.section import Section
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from lxml import etree

from medocs.documents.versions import custom_properties_xml, wording_paragraphs

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
FONT = "Arial"  # Liberation Sans on Linux has the same metrics
BODY_PT = 12  # the smallest size a family reads anywhere: body, tables, header and footer
GREY = "F2F2F2"
DARK = RGBColor(0x1F, 0x1F, 0x1F)
ACCENT = "1D4E89"
LANGUAGE = "en-GB"  # the PDF's /Lang: screen readers pick their voice from it
TABLE_HEADING = "Table Heading"  # LibreOffice's name: its cells become TH in a tagged PDF
BULLET = "\u2022"  # a real bullet character, so a PDF's bullets copy out as text

# What paragraphs are added to: the document body, a table cell, a header or footer.
Container = DocxDocument | BlockItemContainer


# ---------------------------------------------------------------- low-level helpers

def readable(size: float | None) -> float | None:
    """The size to set on a run: None (inherit the 12 pt body) unless asked for larger.

    Callers still say 10 or 9 where a line is of lesser weight; nothing a family reads is set
    below BODY_PT (RNIB clear print, LETTERS.md §0).
    """
    return size if size is not None and size > BODY_PT else None


def new_document() -> DocxDocument:
    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2.2))
    section.top_margin, section.bottom_margin = Cm(2.0), Cm(2.0)
    section.header_distance, section.footer_distance = Cm(1.0), Cm(1.0)
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(BODY_PT)
    normal.font.color.rgb = DARK
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.1
    normal.paragraph_format.widow_control = True  # no lone first or last line of a paragraph
    set_language(doc, LANGUAGE)
    for name, size in (("Heading 1", 16), ("Heading 2", 14)):
        style = doc.styles[name]
        style.font.name = FONT
        style.font.size = Pt(size)
        style.font.bold = True
        style.font.color.rgb = RGBColor.from_string(ACCENT)
        fonts = style.element.rPr.rFonts
        # Theme fonts (Calibri Light) would override the explicit font: drop them.
        for attr in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
            fonts.attrib.pop(qn(f"w:{attr}"), None)
        for attr in ("ascii", "hAnsi", "eastAsia", "cs"):
            fonts.set(qn(f"w:{attr}"), FONT)
        style.paragraph_format.space_before = Pt(12)
        style.paragraph_format.space_after = Pt(4)
        style.paragraph_format.keep_with_next = True
        style.paragraph_format.keep_together = True
    table_heading = doc.styles.add_style(TABLE_HEADING, WD_STYLE_TYPE.PARAGRAPH)
    table_heading.base_style = normal
    table_heading.font.bold = True
    bullet = doc.styles["List Bullet"]
    bullet.font.name = FONT
    bullet.paragraph_format.space_after = Pt(3)
    bullet.paragraph_format.keep_together = True
    # A new document carries one empty paragraph; drop it so the body starts where we say.
    body = doc.element.body
    for p in list(body.iterchildren(qn("w:p"))):
        body.remove(p)
    return doc


def para(container: Container, text: str = "", *, bold: bool = False, size: float | None = None,
         style: str | None = None, align: WD_ALIGN_PARAGRAPH | None = None,
         space_after: float | None = None, keep_next: bool = False) -> Paragraph:
    """Add a paragraph with one run (so docxtpl placeholders stay in one run)."""
    p = container.add_paragraph(style=style)
    if text:
        run = p.add_run(text)
        run.bold = bold or None
        larger = readable(size)
        if larger:
            run.font.size = Pt(larger)
    if align is not None:
        p.alignment = align
    if space_after is not None:
        p.paragraph_format.space_after = Pt(space_after)
    if keep_next:
        p.paragraph_format.keep_with_next = True
    return p


def rich(container: Container, *parts: tuple[str, bool], space_after: float | None = None) -> Paragraph:
    """A paragraph of several runs: (text, bold) pairs."""
    p = container.add_paragraph()
    for text, bold in parts:
        run = p.add_run(text)
        run.bold = bold or None
    if space_after is not None:
        p.paragraph_format.space_after = Pt(space_after)
    return p


def tag(container: Container, text: str) -> None:
    """A paragraph holding only a {%p %} tag: docxtpl removes the paragraph itself."""
    container.add_paragraph(text)


def bullets(container: Container, loop: str, item: str) -> None:
    tag(container, f"{{%p for {loop} %}}")
    para(container, item, style="List Bullet")
    tag(container, "{%p endfor %}")


def case_notes_block(doc: DocxDocument) -> None:
    """What the case's own dates need said with them (late contact, a date on a non-working
    day, predicted bank holidays...): one bullet each, nothing when there is none."""
    tag(doc, "{%p if case_notes %}")
    para(doc, "Please note about these dates:", bold=True, keep_next=True)
    bullets(doc, "note in case_notes", "{{ note }}")
    tag(doc, "{%p endif %}")


def heading(doc: DocxDocument, text: str, level: int = 2) -> None:
    """A real Word heading (Heading 1 or 2): screen readers and the PDF's tags list it."""
    doc.add_paragraph(text, style=f"Heading {level}")


def set_language(doc: DocxDocument, language: str) -> None:
    """Set the document's default language (docDefaults), which LibreOffice writes as /Lang."""
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), language)
    lang.set(qn("w:eastAsia"), language)
    # The defaults under every style: 12 pt, so no text can inherit python-docx's 11 pt.
    for name in ("w:sz", "w:szCs"):
        size = rpr.find(qn(name))
        if size is not None:
            size.set(qn("w:val"), str(BODY_PT * 2))


# The Tribunal's rules, named in full once in each document's "The law" paragraph (several
# rule sets date from 2008), then by the short name (RULES.md, third check).
HESC_RULES = ("the Tribunal Procedure (First-tier Tribunal) (Health, Education and Social Care "
              "Chamber) Rules 2008 (the HESC Rules)")
MEDIATION_PART = "SEND Regulations 2014, Part 2 (Mediation, regs 32-42)"


def the_law(doc: DocxDocument, text: str) -> None:
    """One short paragraph that holds the document's citations, so sentences need none."""
    law = rich(doc, ("The law: ", True), (text, False))
    law.paragraph_format.space_before = Pt(8)  # apart from a table or signature above it


def field(paragraph: Paragraph, instruction: str, size: float) -> None:
    """A simple field (PAGE, NUMPAGES) that Word and LibreOffice fill in."""
    fld = OxmlElement("w:fldSimple")
    fld.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    rpr = OxmlElement("w:rPr")
    sz = OxmlElement("w:sz")
    sz.set(qn("w:val"), str(int(max(size, BODY_PT) * 2)))
    rpr.append(sz)
    run.append(rpr)
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    fld.append(run)
    paragraph._p.append(fld)


def page_x_of_y(paragraph: Paragraph, size: float = BODY_PT) -> None:
    for text, instr in (("Page ", "PAGE"), (" of ", "NUMPAGES")):
        paragraph.add_run(text).font.size = Pt(max(size, BODY_PT))
        field(paragraph, instr, size)


def set_cell_shading(cell: _Cell, fill: str) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    tc_pr.append(shd)


def set_borders(table: Table, *, size: int = 4, color: str = "808080", inner: bool = True) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    edges = ["top", "left", "bottom", "right"] + (["insideH", "insideV"] if inner else [])
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        if edge in edges:
            el.set(qn("w:val"), "single")
            el.set(qn("w:sz"), str(size))
            el.set(qn("w:color"), color)
        else:
            el.set(qn("w:val"), "nil")
        borders.append(el)
    tbl_pr.append(borders)


def set_widths(table: Table, widths_cm: Iterable[float]) -> None:
    """Set both the grid and every cell: LibreOffice reads w:gridCol (perf/NOTES.md §7)."""
    widths = [Cm(w) for w in widths_cm]
    table.autofit = False
    grid = table._tbl.tblGrid
    for col, width in zip(grid.findall(qn("w:gridCol")), widths, strict=True):
        col.set(qn("w:w"), str(int(width.twips)))
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width


def no_split_rows(table: Table, *, header: bool = False) -> None:
    """No row breaks across a page; with ``header``, the first row repeats on each new page."""
    for index, row in enumerate(table.rows):
        tr_pr = row._tr.get_or_add_trPr()
        if tr_pr.find(qn("w:cantSplit")) is None:
            tr_pr.append(OxmlElement("w:cantSplit"))
        if header and index == 0:
            tr_pr.append(OxmlElement("w:tblHeader"))
            for cell in row.cells:  # the header row stays with the first row of data
                for p in cell.paragraphs:
                    p.paragraph_format.keep_with_next = True


def keep_together(table: Table, *, header: bool = False) -> None:
    """Keep a table on one page: no row splits, and each row stays with the next."""
    no_split_rows(table, header=header)
    rows = table.rows
    for index, row in enumerate(rows):
        if index < len(rows) - 1:
            for cell in row.cells:
                for p in cell.paragraphs:
                    p.paragraph_format.keep_with_next = True


def cell_text(cell: _Cell, text: str, *, bold: bool = False, size: float | None = None,
              heading: bool = False) -> Paragraph:
    """The first paragraph of a cell; ``heading`` for a column's or a row's header cell.

    LibreOffice tags a cell whose paragraph style is "Table Heading" as a header cell (TH) in
    a PDF, so a screen reader can say which column or row a value belongs to.
    """
    p: Paragraph = cell.paragraphs[0]
    if heading:
        p.style = TABLE_HEADING
    run = p.add_run(text)
    run.bold = bold or None
    larger = readable(size)
    if larger:
        run.font.size = Pt(larger)
    p.paragraph_format.space_after = Pt(2)
    return p


def key_value_table(doc: DocxDocument, rows: list[tuple[str, str]],
                    widths: tuple[float, float] = (6.0, 10.6), shade_keys: bool = True) -> Table:
    table: Table = doc.add_table(rows=len(rows), cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    set_borders(table)
    for (key, value), row in zip(rows, table.rows, strict=True):
        cell_text(row.cells[0], key, bold=True, heading=True)
        cell_text(row.cells[1], value)
        if shade_keys:
            set_cell_shading(row.cells[0], GREY)
    set_widths(table, widths)
    keep_together(table)
    para(doc, space_after=2)
    return table


def boxed(doc: DocxDocument, lines: list[tuple[str, bool]], fill: str = "EAF1FB") -> None:
    """A shaded box with a heavier border, for what must not be missed.

    Bordered paragraphs, not a one-cell table: a screen reader reads it as text, not as a
    table without headers. Paragraphs with the same borders join into one box.
    """
    for index, (text, bold) in enumerate(lines):
        p = doc.add_paragraph()
        run = p.add_run(text)
        run.bold = bold or None
        p_pr = p._p.get_or_add_pPr()
        borders = OxmlElement("w:pBdr")
        for edge in ("top", "left", "bottom", "right"):
            line = OxmlElement(f"w:{edge}")
            for key, value in (("val", "single"), ("sz", "12"), ("space", "4"), ("color", ACCENT)):
                line.set(qn(f"w:{key}"), value)
            borders.append(line)
        p_pr.append(borders)
        shading = OxmlElement("w:shd")
        for key, value in (("val", "clear"), ("color", "auto"), ("fill", fill)):
            shading.set(qn(f"w:{key}"), value)
        p_pr.append(shading)
        p.paragraph_format.left_indent = p.paragraph_format.right_indent = Pt(5)
        p.paragraph_format.space_after = Pt(0)
        p.paragraph_format.keep_together = True
        p.paragraph_format.keep_with_next = index < len(lines) - 1
    para(doc, space_after=2)


def letterhead(section: Section, lines: Sequence[tuple[str, bool, float]]) -> None:
    """First-page header: organisation name and contact lines, right aligned, ruled below."""
    section.different_first_page_header_footer = True
    header = section.first_page_header
    header.is_linked_to_previous = False
    first = True
    for text, bold, size in lines:
        p = header.paragraphs[0] if first else header.add_paragraph()
        first = False
        run = p.add_run(text)
        run.bold = bold or None
        larger = readable(size)
        if larger:
            run.font.size = Pt(larger)
        if bold:
            run.font.color.rgb = RGBColor.from_string(ACCENT)
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        p.paragraph_format.space_after = Pt(0)
    rule_below(header.paragraphs[-1])


def rule_below(p: Paragraph) -> None:
    p_pr = p._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("val", "single"), ("sz", "8"), ("space", "4"), ("color", ACCENT)):
        bottom.set(qn(f"w:{key}"), value)
    borders.append(bottom)
    p_pr.append(borders)


def continuation_header(section: Section, text: str) -> None:
    header = section.header
    header.is_linked_to_previous = False
    p = header.paragraphs[0]
    p.add_run(text)
    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT


def footers(section: Section, line: str) -> None:
    """Same footer on the first and later pages: page X of Y and the other-formats line."""
    for footer in (section.first_page_footer, section.footer):
        footer.is_linked_to_previous = False
        p = footer.paragraphs[0]
        p.add_run(line)
        p.paragraph_format.space_after = Pt(0)
        numbers = footer.add_paragraph()
        numbers.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        page_x_of_y(numbers)


# ---------------------------------------------------------------- keep the package small

_KEEP_PARTS_DROPPED = re.compile(
    r"^(word/stylesWithEffects\.xml|docProps/thumbnail\.jpeg|customXml/.*)$"
)


def slim(data: bytes) -> bytes:
    """Drop python-docx's 790 KB of unused styles (perf/NOTES.md §8.8) and stray parts."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if _KEEP_PARTS_DROPPED.match(info.filename):
                continue
            blob = src.read(info.filename)
            if info.filename == "word/styles.xml":
                blob = _prune_styles(blob, _used_styles(src))
            elif info.filename == "word/numbering.xml":
                blob = _unicode_bullets(blob)
            elif info.filename in ("[Content_Types].xml", "_rels/.rels",
                                   "word/_rels/document.xml.rels"):
                blob = _drop_references(blob)
            zinfo = zipfile.ZipInfo(info.filename, date_time=(2024, 1, 1, 0, 0, 0))
            zinfo.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(zinfo, blob)
    return out.getvalue()


def _used_styles(src: zipfile.ZipFile) -> set[str]:
    used = {"Normal", "DefaultParagraphFont", "TableNormal", "NoList"}
    for name in src.namelist():
        if name.startswith("word/") and name.endswith(".xml") and name != "word/styles.xml":
            found = re.findall(rb'w:(?:pStyle|rStyle|tblStyle) w:val="([^"]+)"', src.read(name))
            used |= {style_id.decode() for style_id in found}
    return used


def _prune_styles(blob: bytes, used: set[str]) -> bytes:
    root = etree.fromstring(blob)
    latent = root.find(qn("w:latentStyles"))
    if latent is not None:
        root.remove(latent)
    styles = {s.get(qn("w:styleId")): s for s in root.findall(qn("w:style"))}
    keep, todo = set(), list(used)
    while todo:
        sid = todo.pop()
        if sid in keep or sid not in styles:
            continue
        keep.add(sid)
        for ref in ("w:basedOn", "w:link", "w:next"):
            el = styles[sid].find(qn(ref))
            if el is not None:
                todo.append(el.get(qn("w:val")))
    for sid, style in styles.items():
        if sid not in keep:
            root.remove(style)
    xml: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return xml


def _unicode_bullets(blob: bytes) -> bytes:
    """Replace the Symbol-font private-use bullet (U+F0B7) with a real bullet in the body font.

    A PDF made from the Symbol glyph copies out as U+F0B7, which screen readers cannot say.
    """
    root = etree.fromstring(blob)
    for level in root.iter(qn("w:lvl")):
        text = level.find(qn("w:lvlText"))
        if text is None or text.get(qn("w:val")) not in ("\uf0b7", "\u00b7"):
            continue
        text.set(qn("w:val"), BULLET)
        fonts = level.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
        if fonts is not None:
            for attr in ("ascii", "hAnsi", "cs", "eastAsia"):
                fonts.set(qn(f"w:{attr}"), FONT)
    xml: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return xml


def _drop_references(blob: bytes) -> bytes:
    root = etree.fromstring(blob)
    for el in list(root):
        target = el.get("Target", "") + el.get("PartName", "")
        if re.search(r"stylesWithEffects|thumbnail|customXml", target):
            root.remove(el)
    xml: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return xml


_CUSTOM_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
_CUSTOM_TYPE = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "http://schemas.openxmlformats.org/package/2006/content-types"


def with_version(data: bytes, kind: str) -> bytes:
    """Record the kind and the hash of each wording paragraph in docProps/custom.xml.

    A copy an organisation makes keeps them, so `medocs check` can say which paragraphs of
    medocs's template changed since (medocs.documents.versions).
    """
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            blob = src.read(info.filename)
            if info.filename == "[Content_Types].xml":
                root = etree.fromstring(blob)
                etree.SubElement(root, f"{{{_CT}}}Override", PartName="/docProps/custom.xml",
                                 ContentType=_CUSTOM_TYPE)
                blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            elif info.filename == "_rels/.rels":
                root = etree.fromstring(blob)
                etree.SubElement(root, f"{{{_PKG_REL}}}Relationship", Id="rIdMedocsVersion",
                                 Type=_CUSTOM_REL, Target="docProps/custom.xml")
                blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            dst.writestr(info, blob)
        custom = zipfile.ZipInfo("docProps/custom.xml", date_time=(2024, 1, 1, 0, 0, 0))
        custom.compress_type = zipfile.ZIP_DEFLATED
        dst.writestr(custom, custom_properties_xml(kind, wording_paragraphs(data)))
    return out.getvalue()


def save(doc: DocxDocument, name: str) -> None:
    buffer = io.BytesIO()
    doc.core_properties.author = "medocs"
    doc.core_properties.title = name
    doc.save(buffer)
    (TEMPLATES / f"{name}.docx").write_bytes(with_version(slim(buffer.getvalue()), name))
    print(f"wrote templates/{name}.docx")


# ---------------------------------------------------------------- the documents

# The letterhead of the LA's and the mediation service's documents: context key `letterhead`,
# from the profile's [letterhead] section where it has one, else from its [la] or
# [mediation_service] (medocs.documents.kinds.letterhead_context).
ORGANISATION_LETTERHEAD = [
    ("{{ letterhead.name }}", True, 16),
    ("{{ letterhead.tagline }}", False, 10),
    ("{%p if letterhead.address %}", False, 9),
    ("{{ letterhead.address|join(', ') }}", False, 9),
    ("{%p endif %}", False, 9),
    ("Telephone {{ letterhead.phone }}  ·  {{ letterhead.email }}  ·  {{ letterhead.website }}",
     False, 9),
]
LA_LETTERHEAD = SERVICE_LETTERHEAD = ORGANISATION_LETTERHEAD
OTHER_FORMATS = (
    "If you need this document in large print, Braille, audio or another language, please "
    "call {{ la.other_formats_phone }}."
)


def decision_letter() -> None:
    doc = new_document()
    section = doc.sections[0]
    letterhead(section, LA_LETTERHEAD)
    continuation_header(section, "{{ child.name }}  ·  Our ref {{ case_ref }}  ·  {{ letter.date }}")
    footers(section, OTHER_FORMATS)

    # Addressee on the left, reference block on the right (LETTERS.md §1.1 rows 2-3).
    top = doc.add_table(rows=1, cols=2)
    set_borders(top, size=0, inner=False, color="FFFFFF")
    left, right = top.rows[0].cells
    cell_text(left, "Private and confidential", bold=True, size=10)
    p = left.add_paragraph("{{ recipient.name }}")
    p.paragraph_format.space_after = Pt(0)
    tag(left, "{%p for line in recipient.address %}")
    p = left.add_paragraph("{{ line }}")
    p.paragraph_format.space_after = Pt(0)
    tag(left, "{%p endfor %}")
    refs = [
        ("Our ref", "{{ case_ref }}"),
        ("Your ref", "{{ your_ref }}"),
        ("Contact", "{{ officer.name }}"),
        ("Direct line", "{{ officer.phone }}"),
        ("Email", "{{ officer.email }}"),
        ("Date", "{{ letter.date }}"),
    ]
    first = True
    for key, value in refs:
        if key == "Your ref":  # no line at all when the family gave no reference
            tag(right, "{%p if your_ref %}")
        p = right.paragraphs[0] if first else right.add_paragraph()
        first = False
        if key == "Your ref":
            tag(right, "{%p endif %}")  # added after the line, which is already in the cell
        p.add_run(f"{key}: ").bold = True
        p.add_run(value)
        p.paragraph_format.space_after = Pt(0)
    set_widths(top, [8.4, 8.2])  # wide enough for "Email: name@council.gov.uk" at 12 pt
    no_split_rows(top)
    para(doc, space_after=6)

    para(doc, "{{ recipient.salutation }}")
    heading(doc, "{{ subject }}", level=1)

    heading(doc, "Our decision")
    para(doc, "{{ decision.sentence }}")
    tag(doc, "{%p for line in decision.triggers %}")  # the event(s) the decision follows
    para(doc, "{{ line }}")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p if decision.made %}")
    para(doc, "We made this decision on {{ decision.made }}. We sent this letter on "
              "{{ letter.date }}.")
    tag(doc, "{%p else %}")
    para(doc, "We sent this letter on {{ letter.date }}.")
    tag(doc, "{%p endif %}")

    heading(doc, "Why we made this decision")
    bullets(doc, "reason in decision.reasons", "{{ reason }}")
    tag(doc, "{%p if decision.evidence %}")
    para(doc, "We looked at this information:", keep_next=True)
    bullets(doc, "item in decision.evidence", "{{ item }}")
    tag(doc, "{%p endif %}")

    heading(doc, "What happens next")
    bullets(doc, "step in decision.next_steps", "{{ step }}")
    para(doc, "If you would like to talk about this decision, please contact "
              "{{ officer.name }}. You can meet us, or ask us to look at the decision again. "
              "But this does not stop the time limits below.")

    heading(doc, "Key dates")
    table = doc.add_table(rows=4, cols=2)
    set_borders(table, size=8, color=ACCENT)
    rows = [
        ("Date of this letter (the date it was sent)", "{{ letter.date }}"),
        ("Contact the mediation adviser by",
         "{{ deadlines.adviser_contact_deadline.date }}{% if deadlines.adviser_contact_deadline.act_by %}"
         ". This is not a working day, so to be safe contact them by "
         "{{ deadlines.adviser_contact_deadline.act_by }}"
         "{% endif %}"),
        ("Appeal to the Tribunal by",
         "{{ deadlines.appeal_deadline.date }}, by 5pm, or within one month from the date of issue of "
         "your mediation certificate if that is later"),
        ("Please note",
         "If the time for appealing ends between 25 December and 1 January, or in August, it "
         "moves to the first working day after 1 January or 31 August. The date above already "
         "allows for this. Only the Tribunal decides whether an appeal is in time."),
    ]
    for (key, value), row in zip(rows, table.rows, strict=True):
        cell_text(row.cells[0], key, bold=True, heading=True)
        cell_text(row.cells[1], value, bold=key != "Please note")
        set_cell_shading(row.cells[0], "EAF1FB")
    set_widths(table, [6.0, 10.6])
    keep_together(table)
    para(doc, space_after=2)
    case_notes_block(doc)

    heading(doc, "If you disagree: your right to appeal")
    para(doc, "You have the right to appeal to the First-tier Tribunal (Special Educational "
              "Needs and Disability). The Tribunal is a court that is independent of us. It "
              "hears appeals about special needs. You can appeal against "
              "{{ decision.appeal_about }}.")
    para(doc, "You appeal to the Tribunal, not to us. Use form {{ decision.appeal_form }} from "
              "www.gov.uk/appeal-ehc-plan-decision. Send a copy of this letter with it.")
    para(doc, "The Tribunal must get your appeal by 5pm on {{ deadlines.appeal_deadline.date }}. "
              "{% if deadlines.appeal_deadline.moved %}Two months after we sent this letter ends on "
              "{{ deadlines.appeal_deadline.raw }}. {{ deadlines.appeal_deadline.moved }}{% else %}This is 2 "
              "months after we sent this letter.{% endif %} You may have longer if you get a "
              "mediation certificate. Then you have one month from the date it was issued, if "
              "that is later.")
    tag(doc, "{%p if decision.health_and_social_care %}")
    para(doc, "The Tribunal can also make recommendations about the health and social care in "
              "an EHC plan.")
    tag(doc, "{%p endif %}")

    heading(doc, "Mediation")
    para(doc, "You can ask for mediation about this decision. Mediation is a meeting where you "
              "and we try to agree. An independent mediator runs it. It is your choice. You do "
              "not have to take part.")
    rich(doc, ("Before you can appeal, you must contact the mediation adviser and get a "
               "mediation certificate.", True),
         (" This is a form from the adviser that you send with your appeal. You get one "
          "whether or not you choose mediation.", False))
    tag(doc, "{%p if decision.plan_contents %}")
    para(doc, "You do not need a certificate if your appeal is only about Section I of the "
              "plan. That is the school or type of school it names, or that it names none. You "
              "can still ask for mediation.")
    tag(doc, "{%p endif %}")
    rich(doc, ("Contact the mediation adviser by {{ deadlines.adviser_contact_deadline.date }}.", True),
         (" That is 2 months after we sent this letter. Tell them that you want to appeal, and "
          "whether you would like mediation.", False))
    key_value_table(doc, [
        ("Mediation adviser", "{{ adviser.name }}, {{ mediation_service.name }}"),
        ("Telephone", "{{ adviser.phone }}"),
        ("Email", "{{ adviser.email }}"),
        ("Website", "{{ mediation_service.website }}"),
    ])
    para(doc, "If you want mediation, please tell us:", keep_next=True)
    # Reg 32(e)(iii): the health limb only where a plan exists (RULES.md, third check).
    # Keep the list with "Please send this to…", which refers to it.
    para(doc, "that you want mediation;", style="List Bullet", keep_next=True)
    para(doc, "which issues you want to talk about{% if decision.has_plan %}; and"
              "{% else %}.{% endif %}", style="List Bullet", keep_next=True)
    tag(doc, "{%p if decision.has_plan %}")
    para(doc, "which health care you would like, if an issue is about the health care in the "
              "plan (or its absence).", style="List Bullet", keep_next=True)
    tag(doc, "{%p endif %}")
    para(doc, "Please send this to {{ la_mediation_contact.name }}, "
              "{{ la_mediation_contact.job_title }}. Phone {{ la_mediation_contact.phone }} or "
              "email {{ la_mediation_contact.email }}.")
    para(doc, "We must then arrange mediation within 30 days of you telling us that you want "
              "it.{% if decision.has_plan %} If your only issues are about health care, the "
              "integrated care board (ICB) arranges it instead. The ICB is the NHS body that "
              "plans local health care.{% endif %}")
    para(doc, "Going to mediation, or choosing not to, does not affect your right to appeal. "
              "Nobody should put you under pressure to choose mediation.")

    heading(doc, "Independent advice and support")
    para(doc, "{{ sendiass.name }} gives free advice about special educational needs. It is "
              "private and does not take sides. Phone {{ sendiass.phone }}, email "
              "{{ sendiass.email }} or visit {{ sendiass.website }}.")
    para(doc, "You can also use our disagreement resolution service. It is free, and it is "
              "independent of us. Contact {{ disagreement_resolution.name }}. Phone "
              "{{ disagreement_resolution.phone }}, email {{ disagreement_resolution.email }} or "
              "visit {{ disagreement_resolution.website }}.")

    the_law(doc, "We made this decision under {{ decision.legal_basis }}. Appeals: "
                 + HESC_RULES + ", rules 12 and 20. Mediation and the mediation certificate: "
                 "Children and Families Act 2014, sections 53 to 55. Contacting the mediation "
                 "adviser within 2 months: SEND Regulations 2014, regulation 33. Arranging "
                 "mediation within 30 days{% if decision.has_plan %}, and by the ICB where only "
                 "health care is in dispute{% endif %}: " + MEDIATION_PART + ".")

    heading(doc, "Contact us")
    # The closing paragraph stays with the sign-off.
    para(doc, "If you have any questions about this letter, please contact {{ officer.short }} "
              "on {{ officer.phone }} or at {{ officer.email }}.", keep_next=True)

    # The signature block stays on one page: sign-off, name, title and "on behalf of".
    para(doc, "Yours sincerely", space_after=30, keep_next=True)
    para(doc, "{{ officer.name }}", bold=True, space_after=0, keep_next=True)
    para(doc, "{{ officer.job_title }}", space_after=0, keep_next=True)
    para(doc, "On behalf of {{ la.name }}")

    tag(doc, "{%p if enclosures %}")
    para(doc, "Enc: {{ enclosures|join('; ') }}", size=10, space_after=2)
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if cc %}")
    para(doc, "cc: {{ cc|join('; ') }}", size=10)
    tag(doc, "{%p endif %}")
    save(doc, "decision-letter")


CERTIFICATE_FOOTER = (
    "Mediation is confidential: this certificate records that the steps above took place, not "
    "what was said. Certificate {{ certificate.number }}."
)
NO_MEDIATION_FOOTER = (
    "This certificate records the dates above; it says nothing about the merits of an appeal. "
    "Certificate {{ certificate.number }}."
)


def certificate_header(doc: DocxDocument, title: str, subtitle: str, *,
                       reference: str = "Certificate {{ certificate.number }}",
                       footer: str = CERTIFICATE_FOOTER) -> None:
    section = doc.sections[0]
    letterhead(section, SERVICE_LETTERHEAD)
    continuation_header(section, "{{ child.name }}  ·  " + reference)
    footers(section, footer)
    heading(doc, title, level=1)
    para(doc, subtitle, size=11, space_after=10)


def date_of_issue_box(doc: DocxDocument) -> None:
    boxed(doc, [("Date of issue: {{ certificate.issued_on }}", True),
                ("Certificate number: {{ certificate.number }}", False)])


def appeal_meaning(doc: DocxDocument) -> None:
    heading(doc, "What this certificate means")
    para(doc, "You can now appeal to the First-tier Tribunal (Special Educational Needs and "
              "Disability). Send a copy of this certificate with your appeal form. Give its date "
              "of issue where the form asks for it.")
    rich(doc, ("The Tribunal must get your appeal by 5pm on {{ deadlines.appeal_deadline.date }}.",
               True),
         (" This is the later of two dates. One is 2 months after the decision letter was "
          "sent ({{ decision.letter_sent }}). The other is one month after this certificate was "
          "issued. Weekends and holidays can move it later. Only the Tribunal decides whether an "
          "appeal is in time.", False))
    case_notes_block(doc)


def certificate_law(doc: DocxDocument, section: str) -> None:
    # The full name of the Tribunal's rules, once; a certificate needs no short name after it.
    the_law(doc, f"Children and Families Act 2014, {section}; "
                 + HESC_RULES.removesuffix(" (the HESC Rules)") + ", rules 12 and 20.")


def signature(doc: DocxDocument, who: str, role: str) -> None:
    """One row: who issues the certificate, and room to sign."""
    table = doc.add_table(rows=1, cols=2)
    set_borders(table, inner=False, color="FFFFFF", size=0)
    name, sign = table.rows[0].cells
    cell_text(name, "Issued by", bold=True, heading=True, size=10)
    name.add_paragraph(who).paragraph_format.space_after = Pt(0)
    name.add_paragraph(role + ", {{ mediation_service.name }}")
    cell_text(sign, "Signature", bold=True, heading=True, size=10)
    rule_below(sign.add_paragraph())
    set_widths(table, [9.0, 7.6])
    keep_together(table)


def decline_certificate() -> None:
    doc = new_document()
    certificate_header(
        doc,
        "{% if certificate.variant == 'declined' %}Mediation certificate (no mediation)"
        "{% else %}Mediation certificate (mediation not arranged in time){% endif %}",
        "{% if certificate.variant == 'declined' %}Children and Families Act 2014, section 55(4)"
        "{% else %}Children and Families Act 2014, section 55; SEND Regulations 2014, Part 2 "
        "(Mediation, regs 32-42){% endif %}",
        footer=NO_MEDIATION_FOOTER,
    )
    key_value_table(doc, [
        ("Parent or young person", "{{ recipient.name }}"),
        ("Child or young person", "{{ child.name }}, born {{ child.date_of_birth }}"),
        ("Local authority", "{{ la.name }}"),
        ("Decision", "{{ decision.title }}, in a letter sent on {{ decision.letter_sent }}"
                     "{% if decision.la_reference %} (ref {{ decision.la_reference }}){% endif %}"),
        ("Contacted the mediation adviser", "{{ certificate.contacted_adviser }}"),
    ])
    tag(doc, "{%p if certificate.variant == 'declined' %}")
    para(doc, "The mediation adviser gave you information and advice about mediation. On "
              "{{ certificate.declined_on }} you told the adviser that you do not want it. This "
              "does not affect your right to appeal.")
    tag(doc, "{%p else %}")
    para(doc, "You asked {{ la.name }} for mediation on {{ certificate.mediation_requested }}. "
              "The council had 30 days to set it up. On {{ certificate.la_told_adviser }} it told "
              "the mediation adviser that it could not.")
    boxed(doc, [("Mediation may still take place, but your appeal deadline does not wait for "
                 "it. The deadline runs from the date this certificate was issued.", True)],
          fill="FFF4E5")
    tag(doc, "{%p endif %}")
    date_of_issue_box(doc)
    signature(doc, "{{ adviser.name }}", "{{ adviser.job_title }}")
    appeal_meaning(doc)
    # The deemed certificate (mediation not arranged) rests on s.55 and Part 2, not on s.55(4).
    certificate_law(doc, "section 55{% if certificate.variant == 'declined' %}(4){% else %}, and "
                         + MEDIATION_PART + "{% endif %}")
    save(doc, "decline-certificate")


def mediation_certificate() -> None:
    doc = new_document()
    certificate_header(doc, "Mediation certificate",
                       "Issued after mediation: Children and Families Act 2014, section 55(5)")
    key_value_table(doc, [
        ("Parent or young person", "{{ recipient.name }}"),
        ("Child or young person", "{{ child.name }}, born {{ child.date_of_birth }}"),
        ("Parties", "{{ recipient.name }}; {{ la.name }}"
                    "{% if icb_party %}; {{ icb_party }}{% endif %}"),
        ("Decision mediated", "{{ decision.title }}, in a letter sent on "
                              "{{ decision.letter_sent }}"
                              "{% if decision.la_reference %} (ref {{ decision.la_reference }})"
                              "{% endif %}"),
        ("Mediation", "{{ certificate.mediation_dates }}, {{ certificate.mediation_format }}"
                      "{% if certificate.mediation_dates != certificate.mediation_ended %}; "
                      "ended {{ certificate.mediation_ended }}{% endif %}"),
    ])
    heading(doc, "Outcome")
    table = doc.add_table(rows=3, cols=2)
    set_borders(table)
    cell_text(table.rows[0].cells[0], "Mediation issue", bold=True, heading=True)
    cell_text(table.rows[0].cells[1], "Outcome", bold=True, heading=True)
    for cell in table.rows[0].cells:
        set_cell_shading(cell, GREY)
    cell_text(table.rows[1].cells[0], "{%tr for item in issues %}")
    cell_text(table.rows[2].cells[0], "{{ item.issue }}")
    cell_text(table.rows[2].cells[1], "{{ item.outcome }}")
    # The {%tr %} row holds only the tag; docxtpl removes the whole row.
    closing = table.add_row()
    cell_text(closing.cells[0], "{%tr endfor %}")
    set_widths(table, [12.1, 4.5])
    no_split_rows(table, header=True)
    para(doc, space_after=2)
    # Health and social care issues are appealable only alongside B, F or I (issue 12 item 12).
    # Without such issues the table says it all; with them, list what can be appealed.
    tag(doc, "{%p if appealable_issues and not care_issues %}")
    para(doc, "{% if certificate.agreement_ref %}The record of agreement "
              "{{ certificate.agreement_ref }} sets out what was agreed. {% endif %}You can "
              "appeal to the Tribunal about the issues that were not fully resolved.")
    tag(doc, "{%p else %}")
    tag(doc, "{%p if certificate.agreement_ref %}")
    para(doc, "The record of agreement {{ certificate.agreement_ref }} sets out what was agreed.")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if appealable_issues and care_issues %}")
    para(doc, "You can appeal to the Tribunal about these issues, which were not fully "
              "resolved:", keep_next=True)
    bullets(doc, "item in appealable_issues", "{{ item }}")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if care_issues %}")
    para(doc, "These health or social care issues were not fully resolved:", keep_next=True)
    bullets(doc, "item in care_issues", "{{ item }}")
    para(doc, "You cannot appeal about them on their own. The Tribunal can look at them only if "
              "you also appeal about Section B, F or I of the plan. It can then make "
              "recommendations about them.")
    tag(doc, "{%p endif %}")
    date_of_issue_box(doc)
    signature(doc, "{{ certificate.issuer_name }}", "{{ certificate.issuer_role }}")
    appeal_meaning(doc)
    certificate_law(doc, "section 55(5){% if care_issues %}, and the Tribunal's extended powers "
                         "(health and social care recommendations with an appeal about Sections "
                         "B, F or I){% endif %}")
    save(doc, "mediation-certificate")


def agreement_record() -> None:
    doc = new_document()
    certificate_header(
        doc, "Record of agreement reached at mediation",
        "Special Educational Needs and Disability Regulations 2014, regulation 42",
        reference="Agreement {{ case_ref }}",
        footer="The discussions at mediation are confidential; this agreement may be shared. "
               "Agreement {{ case_ref }}.",
    )
    key_value_table(doc, [
        ("Child or young person", "{{ child.name }}, born {{ child.date_of_birth }}"),
        ("Parent or young person", "{{ recipient.name }}"),
        ("Local authority", "{{ la.name }}{% if not agreement.la_is_party %} (not a party to "
                            "this agreement){% endif %}"),
        ("Health (ICB)", "{% if agreement.icb %}{{ agreement.icb }}{% else %}Not a party"
                         "{% endif %}"),
        ("Decision mediated", "{{ decision.title }}, in a letter sent on "
                              "{{ decision.letter_sent }}"),
        ("Mediation", "Ended {{ agreement.mediation_ended }}, {{ agreement.format }}, "
                      "mediator {{ agreement.mediator }}"),
        ("Date of this agreement", "{{ agreement.date }}"),
        ("Case reference", "{{ case_ref }}"),
    ])
    tag(doc, "{%p if attendees %}")
    para(doc, "Present: {% for person in attendees %}{{ person.name }} ({{ person.role }}); "
              "{% endfor %}{{ agreement.mediator }} (mediator).", size=10)
    tag(doc, "{%p endif %}")

    heading(doc, "Issues mediated")
    tag(doc, "{%p for issue in issues %}")
    para(doc, "{{ loop.index }}. {{ issue }}", space_after=2)
    tag(doc, "{%p endfor %}")

    heading(doc, "What was agreed")
    table = doc.add_table(rows=4, cols=5)
    set_borders(table)
    headers = ["No.", "What will be done", "Who", "Type", "Deadline and basis"]
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell_text(cell, text, bold=True, heading=True, size=10)
        set_cell_shading(cell, GREY)
    cell_text(table.rows[1].cells[0], "{%tr for a in actions %}")
    cells = table.rows[2].cells
    cell_text(cells[0], "{{ a.number }}", size=10)
    cell_text(cells[1], "{{ a.action }}", size=10)
    cell_text(cells[2], "{{ a.who }}", size=10)
    cell_text(cells[3], "{{ a.type }}", size=10)
    cell_text(cells[4], "{{ a.deadline }}", bold=True, size=10)
    cells[4].add_paragraph("{{ a.basis }}")
    cell_text(table.rows[3].cells[0], "{%tr endfor %}")
    set_widths(table, [1.1, 6.4, 3.0, 2.6, 3.5])
    no_split_rows(table, header=True)
    para(doc, space_after=2)
    para(doc, "Some actions are about things you could appeal. These must be done in the time "
              "the Tribunal would allow if it had ordered them. Other actions must be done "
              "within 2 weeks of this agreement, unless a different date was agreed in writing.")
    tag(doc, "{%p if not agreement.la_is_party %}")
    para(doc, "{{ agreement.icb }} must tell {{ la.name }} about this agreement by "
              "{{ agreement.icb_notice_by }}.", bold=True)
    tag(doc, "{%p endif %}")

    case_notes_block(doc)
    heading(doc, "Matters not agreed")
    tag(doc, "{%p if not_agreed %}")
    bullets(doc, "item in not_agreed", "{{ item }}")
    para(doc, "You can still appeal about these matters. Use the mediation certificate to do "
              "so.{% if decision.has_plan %} A health or social care matter can only go to the "
              "Tribunal with an appeal about Section B, F or I.{% endif %}")
    tag(doc, "{%p else %}")
    para(doc, "All the issues mediated were agreed.")
    tag(doc, "{%p endif %}")

    heading(doc, "If an agreed action is not done in time")
    para(doc, "Write to whoever agreed to do it. Give this agreement, the action and its "
              "deadline. If that does not work, you can complain.")
    tag(doc, "{%p if agreement.la_is_party %}")
    para(doc, "For an action of {{ la.name }}, use its complaints process first. Then you can go "
              "to the Local Government and Social Care Ombudsman.")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if agreement.icb %}")
    para(doc, "For an action of {{ agreement.icb }}, use the NHS complaints process first. Then "
              "you can go to the Parliamentary and Health Service Ombudsman.")
    tag(doc, "{%p endif %}")
    para(doc, "{{ sendiass.name }} can help you with this, for free. Phone them on "
              "{{ sendiass.phone }}.")

    heading(doc, "Signatures")
    # A party that is not a party to the agreement gets no row (issue 12 item 10): the LA and
    # the ICB rows sit inside {%tr if %} rows, which docxtpl removes with the tags.
    rows: list[tuple[str, str] | str] = [
        ("Parent or young person", "{{ recipient.name }}"),
        "{%tr if agreement.la_is_party %}",
        ("{{ la.name }}", "{{ la_signatory }}"),
        "{%tr endif %}",
        "{%tr if agreement.icb %}",
        ("{{ agreement.icb }}", "{{ agreement.icb_signatory }}"),
        "{%tr endif %}",
        ("{{ mediation_service.name }}", "{{ agreement.mediator }}, mediator"),
    ]
    sig = doc.add_table(rows=1 + len(rows), cols=3)
    set_borders(sig)
    for cell, text in zip(sig.rows[0].cells, ("Signed for", "Name and role", "Signature and date"),
                          strict=True):
        cell_text(cell, text, bold=True, heading=True, size=10)
        set_cell_shading(cell, GREY)
    for row, content in zip(sig.rows[1:], rows, strict=True):
        if isinstance(content, str):
            cell_text(row.cells[0], content)
            continue
        cell_text(row.cells[0], content[0], size=10)
        cell_text(row.cells[1], content[1], size=10)
        row.height = Cm(1.4)
    set_widths(sig, [5.2, 6.2, 5.2])
    keep_together(sig, header=True)
    the_law(doc, "Special Educational Needs and Disability Regulations 2014, regulation 42. "
                 "Actions that could be appealed: regulation 42(2), with the periods for "
                 "Tribunal orders in regulation 44. Other actions: 2 weeks, regulation 42(3). "
                 "A date agreed in writing: regulation 42(5). The ICB telling the council: "
                 "regulation 42(4).")
    save(doc, "agreement-record")


# ---------------------------------------------------------------- advocates' letters
#
# LETTERS.md §5, IPSEA order: sender, addressee, "And by email to", date, FAO, salutation,
# subject, who writes and in what capacity, dated chronology, the duty with its regulation,
# what is wanted and by when, what happens otherwise, sign-off, enclosures, cc.

ADVOCATE_LETTERHEAD = [
    ("{{ advocate.organisation }}", True, 14),
    ("{{ advocate.name }}, {{ advocate.role }}", False, 10),
    ("{{ advocate.address|join(', ') }}", False, 9),
    ("Telephone {{ advocate.phone }}  ·  {{ advocate.email }}", False, 9),
]
def advocate_letter_start(doc: DocxDocument) -> None:
    """Letterhead, addressee(s), email line, date, FAO, salutation, subject, who writes."""
    section = doc.sections[0]
    letterhead(section, ADVOCATE_LETTERHEAD)
    continuation_header(section, "{{ child.name }}, born {{ child.date_of_birth }}  ·  "
                                 "{{ letter.date }}")
    footers(section, "Written by {{ advocate.name }} ({{ advocate.organisation }}) on behalf of "
                     "{{ client.name }}, with written consent.")
    tag(doc, "{%p for person in to %}")
    para(doc, "{{ person.organisation }}", space_after=0)
    tag(doc, "{%p for line in person.address %}")
    para(doc, "{{ line }}", space_after=0)
    tag(doc, "{%p endfor %}")
    para(doc, space_after=0)
    tag(doc, "{%p endfor %}")
    rich(doc, ("And by email to: ", True), ("{{ by_email }}", False), space_after=8)
    para(doc, "{{ letter.date }}", space_after=8)
    tag(doc, "{%p if fao %}")
    rich(doc, ("For the attention of: ", True), ("{{ fao }}", False), space_after=8)
    tag(doc, "{%p endif %}")
    para(doc, "{{ salutation }}")
    heading(doc, "{{ subject }}", level=1)
    para(doc, "I am {{ advocate.name }}, {{ advocate.role }} at {{ advocate.organisation }}. I am "
              "writing for {{ client.described }}. {{ client.short }} gave me written consent on "
              "{{ client.consent_given }}. A copy is enclosed. Please reply to me at "
              "{{ advocate.email }}.")


def chronology(doc: DocxDocument) -> None:
    heading(doc, "What has happened so far")
    tag(doc, "{%p for item in chronology %}")
    rich(doc, ("{{ item.date }}: ", True), ("{{ item.event }}", False), space_after=3)
    tag(doc, "{%p endfor %}")


def key_dates_table(doc: DocxDocument) -> None:
    heading(doc, "Key dates")
    table = doc.add_table(rows=3, cols=2)
    set_borders(table, size=8, color=ACCENT)
    cell_text(table.rows[0].cells[0], "{%tr for row in key_dates %}")
    cell_text(table.rows[1].cells[0], "{{ row.label }}", bold=True, heading=True)
    cell_text(table.rows[1].cells[1], "{{ row.date }}", bold=True)
    set_cell_shading(table.rows[1].cells[0], "EAF1FB")
    cell_text(table.rows[2].cells[0], "{%tr endfor %}")
    set_widths(table, [7.0, 9.6])
    keep_together(table)
    para(doc, space_after=2)
    case_notes_block(doc)


def advocate_sign_off(doc: DocxDocument) -> None:
    para(doc, "{{ sign_off }}", space_after=24, keep_next=True)
    para(doc, "{{ advocate.name }}", bold=True, space_after=0, keep_next=True)
    para(doc, "{{ advocate.role }}, {{ advocate.organisation }}", space_after=0, keep_next=True)
    para(doc, "Telephone {{ advocate.phone }}  ·  {{ advocate.email }}", space_after=0,
         keep_next=True)
    para(doc, "On behalf of {{ client.name }}", space_after=10)
    for title, items in (("Enclosures", "enclosures"), ("Copies to", "cc")):
        para(doc, title, bold=True, size=10, space_after=0, keep_next=True)
        tag(doc, f"{{%p for item in {items} %}}")
        para(doc, "{{ item }}", style="List Bullet", size=10, space_after=0)
        tag(doc, "{%p endfor %}")
        para(doc, space_after=0)


def numbered(doc: DocxDocument, loop: str, item: str) -> None:
    tag(doc, f"{{%p for {loop} %}}")
    para(doc, "{{ loop.index }}. " + item, space_after=3)
    tag(doc, "{%p endfor %}")


# The 30 days to arrange mediation: T11 where health care provision is wanted, else T12.
# Every deadline is named by its `medocs timeline --json` key (timeline/named_deadlines.py).
def arrange_by(flag: str, part: str) -> str:
    """The arrange-by deadline's ``part`` (date, citation): T11 when ``flag`` is true, else T12."""
    return (f"{{% if {flag} %}}{{{{ deadlines.health_mediation_arrange_by.{part} }}}}{{% else %}}"
            f"{{{{ deadlines.mediation_arrange_by.{part} }}}}{{% endif %}}")


ARRANGE_BY_REQUEST = arrange_by("health_provision", "date")
ARRANGE_CITATION_REQUEST = arrange_by("health_provision", "citation")
ARRANGE_BY_NOT_ARRANGED = arrange_by("health", "date")


def mediation_request() -> None:
    doc = new_document()
    advocate_letter_start(doc)
    chronology(doc)

    heading(doc, "Request for mediation")
    para(doc, "{{ client.short }} wants mediation about your {{ decision_title }}. You sent it "
              "on {{ decision.letter_sent }}. The issues are:", keep_next=True)
    numbered(doc, "issue in issues", "{{ issue }}")
    tag(doc, "{%p if health_provision %}")
    para(doc, "The issues include health care provision in the EHC plan. {{ client.short }} "
              "would like this health care provision:", keep_next=True)
    bullets(doc, "item in health_provision", "{{ item }}")
    tag(doc, "{%p endif %}")

    heading(doc, "What the law requires")
    rich(doc, ("You must set up mediation within 30 days of being told that "
               "{{ client.short }} wants it. That is by " + ARRANGE_BY_REQUEST + ".", True),
         (" Whoever comes to mediation for you must be able to make decisions on the issues.",
          False))
    tag(doc, "{%p if health_provision %}")
    rich(doc, ("The issues include health care. So you must tell each integrated care board "
               "(ICB) concerned by {{ deadlines.icb_notice_due.date }}.", True),
         (" That is 3 working days. Tell the ICB what the issues are and what health care is "
          "wanted.", False))
    tag(doc, "{%p endif %}")

    heading(doc, "What we ask you to do")
    para(doc, "Please do these things:", keep_next=True, space_after=2)
    para(doc, "Let me know by return that you have this request.", style="List Bullet")
    tag(doc, "{%p if health_provision %}")
    para(doc, "Tell the ICB by {{ deadlines.icb_notice_due.date }}, and then let me know that you "
              "have.", style="List Bullet")
    tag(doc, "{%p endif %}")
    para(doc, "Set up mediation by " + ARRANGE_BY_REQUEST + ".", style="List Bullet")
    para(doc, "Give {{ client.short }} and me the date, time and place at least 5 working days "
              "before. {{ client.short }} may agree to less notice.", style="List Bullet")
    para(doc, "Send your replies to me, and a copy to {{ client.short }}.", style="List Bullet")
    para(doc, "If you cannot arrange mediation by " + ARRANGE_BY_REQUEST + ", please tell "
              "the mediation adviser at once. The adviser is {{ adviser.described }}. The adviser "
              "can then issue a mediation certificate, so the appeal is not held up. If we have "
              "not heard from you by then, we will ask the adviser for it ourselves.")

    heading(doc, "Appeal rights reserved")
    para(doc, "{{ client.short }} can still appeal to the First-tier Tribunal (Special "
              "Educational Needs and Disability). Mediation does not affect that right. The "
              "Tribunal must get an appeal by 5pm on {{ deadlines.appeal_deadline.date }}. Once a "
              "mediation certificate is issued, the time may be longer. It runs to one month "
              "after the date of issue, if that is later.")
    key_dates_table(doc)
    the_law(doc, "Mediation: Children and Families Act 2014, sections 53 and 54. Arranging "
                 "mediation in 30 days: " + ARRANGE_CITATION_REQUEST + ".{% if health_provision "
                 "%} Telling the ICB in 3 working days: {{ deadlines.icb_notice_due.citation }}."
                 "{% endif %} Who attends: SEND Code of Practice, chapter 11. Appeals: "
                 + HESC_RULES + ", rules 12 and 20.")
    advocate_sign_off(doc)
    save(doc, "mediation-request")


def certificate_request() -> None:
    doc = new_document()
    advocate_letter_start(doc)
    chronology(doc)

    heading(doc, "Request for a mediation certificate")
    para(doc, "{{ client.short }} has had information about mediation, and does not want it. "
              "{{ client.short }} wants to appeal to the First-tier Tribunal. The appeal is "
              "against {{ la_name }}'s {{ decision_title }}, "
              "sent on {{ decision.letter_sent }}{% if decision.la_reference %} (reference "
              "{{ decision.la_reference }}){% endif %}.")
    rich(doc, ("Please issue a mediation certificate.", True),
         (" The Tribunal will not accept the appeal without it.", False))

    heading(doc, "What the law requires")
    rich(doc, ("You must issue the certificate within 3 working days of being told that "
               "mediation is not wanted. This letter, dated {{ letter.date }}, tells you. So the "
               "certificate is due by {{ deadlines.decline_certificate_due.date }}.", True))

    heading(doc, "What we ask you to do")
    para(doc, "Please do these things:", keep_next=True)
    para(doc, "Issue the certificate by {{ deadlines.decline_certificate_due.date }}.", style="List Bullet")
    para(doc, "Show its date of issue clearly. The appeal deadline runs from that date.",
         style="List Bullet")
    para(doc, "Send it by email to {{ certificate_to }}.", style="List Bullet")

    heading(doc, "Why the date matters")
    para(doc, "Say the certificate is issued on the day of this letter, {{ letter.date }}. Then "
              "the Tribunal must get {{ client.short }}'s appeal by 5pm on "
              "{{ deadlines.appeal_deadline_if_issued.date }}. Once the certificate is issued, the date "
              "is the later of two dates. One is 2 months after the decision letter was sent. "
              "The other is one month after the certificate's date of issue. The Tribunal's "
              "rules can move it, for example off a weekend.")
    para(doc, "Until the certificate is issued, {{ client.short }} cannot appeal. The Tribunal "
              "asks for the certificate and its date of issue with the appeal.")
    para(doc, "If we have not had the certificate by {{ deadlines.decline_certificate_due.date }}, we "
              "will phone you. If it is still not issued, we will make a formal complaint to "
              "{{ adviser.organisation }}.")
    key_dates_table(doc)
    the_law(doc, "The certificate: Children and Families Act 2014, section 55(4). Issuing it "
                 "in 3 working days: {{ deadlines.decline_certificate_due.citation }}. Appeals: "
                 + HESC_RULES + ", rules 12 and 20.")
    advocate_sign_off(doc)
    save(doc, "certificate-request")


def mediation_not_arranged() -> None:
    doc = new_document()
    advocate_letter_start(doc)
    chronology(doc)
    tag(doc, "{%p if issues %}")
    para(doc, "The issues {{ client.short }} gave for mediation were:", keep_next=True)
    numbered(doc, "issue in issues", "{{ issue }}")
    tag(doc, "{%p endif %}")

    heading(doc, "What the law requires")
    rich(doc, ("{{ la_name }} had to set up mediation within 30 days of being told that "
               "{{ client.short }} wanted it. That was by " + ARRANGE_BY_NOT_ARRANGED + ". That "
               "date has passed, and mediation has not been set up.", True))
    para(doc, "If mediation is not set up in 30 days, the council must tell the mediation "
              "adviser. The adviser must then issue a certificate within 3 days. This lets the "
              "appeal go ahead. Some sources say 3 working days.")

    heading(doc, "What we ask you to do")
    rich(doc, ("{{ la.organisation }}: ", True),
         ("please tell {{ adviser.organisation }} in writing today that mediation was not set "
          "up in time. Please send me a copy.", False))
    rich(doc, ("{{ adviser.organisation }}: ", True),
         ("please issue the mediation certificate by {{ deadlines.deemed_certificate_due.date }}. "
          "Show its date of issue clearly. Please send it to me at {{ advocate.email }}.", False))

    heading(doc, "The appeal")
    para(doc, "Say the certificate is issued on the day of this letter, {{ letter.date }}. Then "
              "the Tribunal must get {{ client.short }}'s appeal by 5pm on "
              "{{ deadlines.appeal_deadline_if_issued.date }}. Once the certificate is issued, the date "
              "is the later of two dates. One is 2 months after the decision letter was sent. "
              "The other is one month after the certificate's date of issue.")
    boxed(doc, [("Mediation may still take place later if {{ client.short }} wants it. But the "
                 "appeal deadline will not wait for it. That is why the certificate is needed "
                 "now.", True)], fill="FFF4E5")

    heading(doc, "If the certificate is not issued")
    para(doc, "If we do not have the certificate by {{ deadlines.deemed_certificate_due.date }}, "
              "{{ client.short }} will complain to {{ la.organisation }} and to "
              "{{ adviser.organisation }}. If that does not put it right, the next step is the "
              "Local Government and Social Care Ombudsman.")
    key_dates_table(doc)
    the_law(doc, "Arranging mediation in 30 days, and the certificate when it is not arranged: "
                 + MEDIATION_PART + "; Children and Families Act 2014, section 55. Appeals: "
                 + HESC_RULES + ", rules 12 and 20.")
    advocate_sign_off(doc)
    save(doc, "mediation-not-arranged")


def agreement_chase() -> None:
    doc = new_document()
    advocate_letter_start(doc)
    chronology(doc)

    heading(doc, "What was agreed and is now late")
    para(doc, "Mediation on {{ agreement.date }} ended in a written agreement. The parties "
              "were {{ parties }}. The actions below are late. Their deadlines have passed and "
              "they have not been done.")
    tag(doc, "{%p for a in actions %}")
    # An action, its deadline and how it was worked out stay on one page.
    rich(doc, ("Action {{ a.number }}: ", True), ("{{ a.action }} ({{ a.who }}).", False),
         space_after=2).paragraph_format.keep_with_next = True
    rich(doc, ("Deadline: {{ a.deadline }}", True), (", {{ a.basis }}.", False),
         space_after=2).paragraph_format.keep_with_next = True
    para(doc, "How this date was worked out:", size=10, space_after=0, keep_next=True)
    tag(doc, "{%p for step in a.explanation %}")
    para(doc, "{{ step }}", style="List Bullet", size=10)
    tag(doc, "{%p endfor %}")
    para(doc, space_after=2)
    tag(doc, "{%p endfor %}")

    heading(doc, "What the law requires")
    para(doc, "{{ law_duty }} Some actions are about things that could have been appealed. "
              "These must be done in the time the Tribunal would allow for its own orders. "
              "Anything else must be done within 2 weeks of the agreement. The only exception is "
              "a different date agreed in writing.")

    heading(doc, "What we ask you to do")
    rich(doc, ("Please do what was agreed without further delay. Then tell me in writing by "
               "{{ reply_by }}. Tell me that it has been done, or exactly when it will be done.",
               True))

    heading(doc, "If we do not hear from you")
    para(doc, "If we have not heard from you by {{ reply_by }}, {{ client.short }} will "
              "complain.", keep_next=True)
    tag(doc, "{%p for route in complaint_routes %}")
    para(doc, "About {{ route.actions }}, the complaint goes first to {{ route.organisation }}, "
              "using {{ route.procedure }}. Then it goes to {{ route.ombudsman }}.",
         style="List Bullet")
    tag(doc, "{%p endfor %}")
    para(doc, "{{ client.short }} may also ask a lawyer about other steps. One is a judicial "
              "review: a court case about how a public body made a decision.")
    key_dates_table(doc)
    the_law(doc, "Special Educational Needs and Disability Regulations 2014, regulation 42. "
                 "Actions that could have been appealed: regulation 42(2), with the periods for "
                 "Tribunal orders in regulation 44. Other actions: 2 weeks, regulation 42(3). A "
                 "date agreed in writing: regulation 42(5).")
    advocate_sign_off(doc)
    save(doc, "agreement-chase")


def main() -> None:
    TEMPLATES.mkdir(exist_ok=True)
    decision_letter()
    decline_certificate()
    mediation_certificate()
    agreement_record()
    mediation_request()
    certificate_request()
    mediation_not_arranged()
    agreement_chase()


if __name__ == "__main__":
    main()
