"""Hand-made .xlsx files for the reader's tests: the XML a test gives, zipped as Excel would.

openpyxl writes only inline strings and no saved formula results; Excel writes shared strings,
cached results, rich text and dates in either date system. These workbooks hold exactly the
XML a test needs, and are real enough for openpyxl to read too (for comparing the two).
"""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from pathlib import Path

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE = "http://schemas.openxmlformats.org/package/2006/relationships"
_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml"

# Styles: 0 general, 1 built-in date (14), 2 custom 'dd/mm/yyyy', 3 custom '0.00' (a number),
# 4 built-in [h]:mm:ss (a duration), 5 custom date with a locale and literal text.
STYLES = (f'<styleSheet xmlns="{MAIN}"><numFmts count="3">'
          '<numFmt numFmtId="164" formatCode="dd/mm/yyyy"/><numFmt numFmtId="165" formatCode="0.00"/>'
          '<numFmt numFmtId="166" formatCode="[$-809]d mmmm yyyy;@"/></numFmts>'
          '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts><fills count="1">'
          '<fill><patternFill patternType="none"/></fill></fills><borders count="1"><border><left/>'
          '<right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1">'
          '<xf numFmtId="0"/></cellStyleXfs><cellXfs count="6">'
          '<xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/><xf numFmtId="165"/>'
          '<xf numFmtId="46"/><xf numFmtId="166"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" '
          'xfId="0" builtinId="0"/></cellStyles></styleSheet>')


def row(number: int | None, *cells: str) -> str:
    """``<row r="N">cells</row>`` (no ``r`` when ``number`` is None)."""
    return (f'<row r="{number}">' if number is not None else "<row>") + "".join(cells) + "</row>"


def text(ref: str, value: str) -> str:
    """An inline-string cell."""
    return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'


def build(path: Path, rows: Sequence[str], *, shared: Sequence[str] | None = None,
          date1904: bool = False, sheets: Sequence[tuple[str, Sequence[str]]] | None = None,
          prefix: bytes = b"", tail: str = "") -> Path:
    """Write a workbook.

    Args:
        path: where.
        rows: the first sheet's ``<row>`` elements (see :func:`row`).
        shared: the ``<si>`` contents of the shared-string table, if any.
        date1904: use the 1904 date system.
        sheets: ``(name, rows)`` of every sheet instead (names are escaped here).
        prefix: bytes put before the first sheet's XML (a DOCTYPE, say).
        tail: XML after ``<sheetData>`` in the first sheet (``<mergeCells>``).
    """
    sheets = sheets or [("Sheet1", rows)]
    names = "".join(f'<sheet name="{_escape(name)}" sheetId="{n}" r:id="rId{n}"/>'
                    for n, (name, _) in enumerate(sheets, start=1))
    relations = "".join(f'<Relationship Id="rId{n}" Type="{_RELS}/worksheet" '
                        f'Target="worksheets/sheet{n}.xml"/>' for n in range(1, len(sheets) + 1))
    relations += f'<Relationship Id="rIdS" Type="{_RELS}/styles" Target="styles.xml"/>'
    overrides = "".join(f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="{_TYPE}.'
                        'worksheet+xml"/>' for n in range(1, len(sheets) + 1))
    system = ' date1904="1"' if date1904 else ""
    parts = {
        "xl/workbook.xml": (f'<workbook xmlns="{MAIN}" xmlns:r="{_RELS}"><workbookPr{system}/>'
                            f"<sheets>{names}</sheets></workbook>"),
        "xl/styles.xml": STYLES,
    }
    if shared is not None:
        relations += f'<Relationship Id="rIdT" Type="{_RELS}/sharedStrings" Target="sharedStrings.xml"/>'
        overrides += f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_TYPE}.sharedStrings+xml"/>'
        parts["xl/sharedStrings.xml"] = (f'<sst xmlns="{MAIN}" count="{len(shared)}">'
                                         + "".join(f"<si>{si}</si>" for si in shared) + "</sst>")
    parts["xl/_rels/workbook.xml.rels"] = f'<Relationships xmlns="{_PACKAGE}">{relations}</Relationships>'
    parts["_rels/.rels"] = (f'<Relationships xmlns="{_PACKAGE}"><Relationship Id="rId1" Type="{_RELS}/'
                            'officeDocument" Target="xl/workbook.xml"/></Relationships>')
    parts["[Content_Types].xml"] = (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{_TYPE}.sheet.main+xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{_TYPE}.styles+xml"/>{overrides}</Types>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
        for n, (_, sheet_rows) in enumerate(sheets, start=1):
            xml = (f'<worksheet xmlns="{MAIN}"><sheetData>{"".join(sheet_rows)}</sheetData>'
                   f'{tail if n == 1 else ""}</worksheet>')
            archive.writestr(f"xl/worksheets/sheet{n}.xml", (prefix if n == 1 else b"") + xml.encode())
    return path


def _escape(name: str) -> str:
    return name.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")
