"""How documents look, applied to a template before it is compiled: large print and letterhead.

medocs's own templates set every size, font and accent colour in their XML; a presentation
rewrites them once per template (the compiled result is cached like any template), so the
wording of the template, and every later correction of it, is untouched:

* large print: every font size scaled by 4/3, so 12 pt body text becomes 16 pt (RNIB);
* letterhead: the profile's font (with the fallback written into the font table), accent
  colour and logo (placed at the top of the first-page header).
"""

from __future__ import annotations

import io
import posixpath
import re
import struct
import zipfile
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from medocs.errors import TemplateError

__all__ = ["LARGE_PRINT_PT", "Brand", "Presentation", "image_size", "present"]

LARGE_PRINT_PT = 16
_BODY_PT = 12
_TEMPLATE_ACCENT = "1D4E89"  # the accent colour scripts/build_templates.py writes
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
_IMAGE_REL = _R + "/image"
_SIZE = re.compile(rb'(<w:(?:sz|szCs) w:val=")(\d+)(")')
_FONT_ATTRS = re.compile(rb'(w:(?:ascii|hAnsi|eastAsia|cs)=")([^"]+)(")')
_STYLED_PARTS = re.compile(r"^word/(document|styles|numbering|header\d*|footer\d*)\.xml$")
_LOGO_HEIGHT_EMU = 2 * 360000  # 2 cm
_LOGO_MAX_WIDTH_EMU = 8 * 360000


@dataclass(frozen=True)
class Brand:
    """An organisation's look: font (and a fallback LibreOffice has), accent colour, logo."""

    font: str | None = None
    fallback_font: str | None = None
    accent: str | None = None  # RRGGBB
    logo: Path | None = None


@dataclass(frozen=True)
class Presentation:
    """Everything about how a document looks that is not its template's wording."""

    large_print: bool = False
    brand: Brand | None = None

    @property
    def plain(self) -> bool:
        """True when the template is used exactly as it is."""
        return not self.large_print and (self.brand is None or self.brand == Brand())


def image_size(data: bytes, name: str) -> tuple[int, int]:
    """Width and height in pixels of a PNG or JPEG image.

    Raises:
        ValueError: the data is neither a PNG nor a baseline/progressive JPEG.
    """
    if data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR":
        width, height = struct.unpack(">II", data[16:24])
        return int(width), int(height)
    if data[:2] == b"\xff\xd8":
        index = 2
        while index + 9 < len(data):
            if data[index] != 0xFF:
                break
            marker = data[index + 1]
            length = struct.unpack(">H", data[index + 2:index + 4])[0]
            if marker in (0xC0, 0xC1, 0xC2):
                height, width = struct.unpack(">HH", data[index + 5:index + 9])
                return int(width), int(height)
            index += 2 + length
    msg = f"{name} is not a PNG or JPEG image"
    raise ValueError(msg)


def _scale_sizes(xml: bytes) -> bytes:
    def scaled(match: re.Match[bytes]) -> bytes:
        half_points = round(int(match.group(2)) * LARGE_PRINT_PT / _BODY_PT)
        return match.group(1) + str(max(half_points, LARGE_PRINT_PT * 2)).encode() + match.group(3)

    return _SIZE.sub(scaled, xml)


def _refont(xml: bytes, font: str) -> bytes:
    value = font.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").encode()
    return _FONT_ATTRS.sub(lambda m: m.group(1) + value + m.group(3), xml)


def _font_table(xml: bytes, font: str, fallback: str | None) -> bytes:
    """Declare the font, with its fallback as w:altName, for LibreOffice and Word."""
    root = etree.fromstring(xml)
    for old in root.findall(f"{{{_W}}}font"):
        if old.get(f"{{{_W}}}name") == font:
            root.remove(old)
    entry = etree.SubElement(root, f"{{{_W}}}font", {f"{{{_W}}}name": font})
    if fallback:
        etree.SubElement(entry, f"{{{_W}}}altName", {f"{{{_W}}}val": fallback})
    etree.SubElement(entry, f"{{{_W}}}family", {f"{{{_W}}}val": "swiss"})
    out: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return out


def _first_page_header(members: dict[str, bytes]) -> str | None:
    """The part of the first-page header (else the default header) of the document's last section."""
    document = etree.fromstring(members["word/document.xml"])
    rels = etree.fromstring(members["word/_rels/document.xml.rels"])
    targets = {r.get("Id"): r.get("Target") for r in rels.iter(f"{{{_PKG_REL}}}Relationship")}
    references = {ref.get(f"{{{_W}}}type"): ref.get(f"{{{_R}}}id")
                  for ref in document.iter(f"{{{_W}}}headerReference")}
    rel_id = references.get("first") or references.get("default")
    target = targets.get(rel_id) if rel_id else None
    return None if target is None else posixpath.normpath(posixpath.join("word", target))


_LOGO_PARAGRAPH = (
    '<w:p xmlns:w="{w}" xmlns:r="{r}" xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/'
    'wordprocessingDrawing" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"><w:pPr>'
    '<w:spacing w:after="60"/></w:pPr><w:r><w:drawing><wp:inline distT="0" distB="0" distL="0" '
    'distR="0"><wp:extent cx="{cx}" cy="{cy}"/><wp:docPr id="9001" name="Logo" descr="{alt}"/>'
    '<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
    '<pic:pic><pic:nvPicPr><pic:cNvPr id="9001" name="{name}" descr="{alt}"/><pic:cNvPicPr/>'
    '</pic:nvPicPr><pic:blipFill><a:blip r:embed="{rid}"/><a:stretch><a:fillRect/></a:stretch>'
    '</pic:blipFill><pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm>'
    '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic></a:graphicData>'
    '</a:graphic></wp:inline></w:drawing></w:r></w:p>'
)


def _add_logo(members: dict[str, bytes], logo: Path, alt: str) -> None:
    data = logo.read_bytes()
    width, height = image_size(data, str(logo))
    cy = _LOGO_HEIGHT_EMU
    cx = round(cy * width / height)
    if cx > _LOGO_MAX_WIDTH_EMU:  # a wide logo: limit its width instead
        cx, cy = _LOGO_MAX_WIDTH_EMU, round(_LOGO_MAX_WIDTH_EMU * height / width)
    header = _first_page_header(members)
    if header is None:
        msg = "the template has no header to put the logo in"
        raise TemplateError(msg)
    extension = "png" if data[:4] == b"\x89PNG" else "jpeg"
    media = f"word/media/letterhead-logo.{extension}"
    members[media] = data
    rels_name = posixpath.join(posixpath.dirname(header), "_rels", posixpath.basename(header) + ".rels")
    rels = etree.fromstring(members[rels_name]) if rels_name in members else etree.Element(
        f"{{{_PKG_REL}}}Relationships", nsmap={None: _PKG_REL})
    rel_id = "rIdMedocsLogo"
    etree.SubElement(rels, f"{{{_PKG_REL}}}Relationship",
                     {"Id": rel_id, "Type": _IMAGE_REL, "Target": f"media/letterhead-logo.{extension}"})
    members[rels_name] = etree.tostring(rels, xml_declaration=True, encoding="UTF-8", standalone=True)
    types = etree.fromstring(members["[Content_Types].xml"])
    if not any(d.get("Extension") == extension for d in types.iter(f"{{{_CT}}}Default")):
        etree.SubElement(types, f"{{{_CT}}}Default",
                         {"Extension": extension, "ContentType": f"image/{extension}"})
    members["[Content_Types].xml"] = etree.tostring(types, xml_declaration=True, encoding="UTF-8",
                                                    standalone=True)
    root = etree.fromstring(members[header])
    escaped = alt.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
    paragraph = etree.fromstring(_LOGO_PARAGRAPH.format(w=_W, r=_R, cx=cx, cy=cy, alt=escaped,
                                                        name=posixpath.basename(media), rid=rel_id))
    root.insert(0, paragraph)
    members[header] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def present(data: bytes, presentation: Presentation, *, logo_text: str = "Logo") -> bytes:
    """Apply ``presentation`` to the .docx template ``data``; the wording is not touched.

    Args:
        data: the template's bytes.
        presentation: large print and the organisation's brand.
        logo_text: the logo's alternative text (the organisation's name).

    Returns:
        The template's bytes, changed as the presentation says (``data`` itself when plain).

    Raises:
        TemplateError: the template is not a .docx, or has no header for the logo.
        OSError, ValueError: the logo cannot be read or is not a PNG or JPEG.
    """
    if presentation.plain:
        return data
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            members = {info.filename: package.read(info) for info in package.infolist() if not info.is_dir()}
    except zipfile.BadZipFile as exc:
        msg = f"not a .docx file ({exc})"
        raise TemplateError(msg) from exc
    brand = presentation.brand or Brand()
    for name in list(members):
        if not _STYLED_PARTS.match(name):
            continue
        xml = members[name]
        if presentation.large_print:
            xml = _scale_sizes(xml)
        if brand.font:
            xml = _refont(xml, brand.font)
        if brand.accent:
            xml = xml.replace(_TEMPLATE_ACCENT.encode(), brand.accent.upper().encode())
        members[name] = xml
    if brand.font and "word/fontTable.xml" in members:
        members["word/fontTable.xml"] = _font_table(members["word/fontTable.xml"], brand.font,
                                                    brand.fallback_font)
    if brand.logo is not None:
        _add_logo(members, brand.logo, logo_text)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for name, blob in members.items():
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            package.writestr(info, blob)
    return out.getvalue()
