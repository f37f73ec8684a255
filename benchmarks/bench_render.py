"""Naive docxtpl against the compile-once renderer, on a Word-like 2-page certificate.

Run: ``.venv/bin/python benchmarks/bench_render.py [--docs N] [--rounds R]``

Both are measured in one run, interleaved round by round, because this VM's speed drifts by
up to ~50 % (shared/perf/NOTES.md §8.7): compare the ratio, not the milliseconds. The
fixture keeps only the styles it uses (NOTES §8.8: python-docx's default package carries
~790 KB of styles a real Word template does not have).
"""

from __future__ import annotations

import argparse
import io
import re
import statistics
import struct
import tempfile
import time
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import docx
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docxtpl import DocxTemplate
from lxml import etree

from medocs.documents.rendering import CompiledTemplate
from medocs.files import write_atomic

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
FILLER = (
    "Before appealing to the First-tier Tribunal (Special Educational Needs and Disability) "
    "a parent or young person must contact a mediation adviser and consider mediation, unless "
    "the appeal is only about the name or type of school or placement, or about the fact that "
    "no school or other institution is named. The adviser explains what mediation involves. "
)
PERSONAL = (
    "The mediation adviser offered information about mediation to {{ parent.name }} on "
    "{{ dates.contacted }}, about the decision of {{ la.name }} dated {{ dates.decision }}. "
)


def logo_png(width: int = 240, height: int = 60) -> bytes:
    """A small grey-scale PNG, built by hand so the benchmark needs no imaging library."""
    rows = b"".join(b"\x00" + bytes((x * 255 // width) for x in range(width)) for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(
        b"IEND", b""
    )


def add_page_field(paragraph: Any) -> None:
    """Append a PAGE field, as a footer 'page N' in Word has."""
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def build_certificate(path: Path) -> None:
    """Header with logo and text, a details table, ~2 pages of text, footer with page number."""
    document = docx.Document()
    section = document.sections[0]
    header = section.header.paragraphs[0]
    header.add_run().add_picture(io.BytesIO(logo_png()), width=Cm(5))
    header.add_run("  {{ service.name }} - mediation certificate {{ certificate.number }}")
    footer = section.footer.paragraphs[0]
    footer.add_run("{{ service.name }}, {{ service.phone }} - page ")
    add_page_field(footer)
    document.add_heading("Mediation certificate (Children and Families Act 2014 s.55(4))", level=1)
    document.add_paragraph("To: {{ parent.name }}\n{{ parent.address }}")
    table = document.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, field in [
        ("Certificate number", "certificate.number"), ("Issued on", "dates.issued"),
        ("Child or young person", "child.name"), ("Date of birth", "child.date_of_birth"),
        ("Local authority", "la.name"), ("Decision dated", "dates.decision"),
        ("Appeal deadline", "dates.appeal_deadline"),
    ]:
        cells = table.add_row().cells
        cells[0].text = label
        cells[1].text = "{{ " + field + " }}"
    for number in range(14):
        paragraph = document.add_paragraph((PERSONAL if number % 5 == 0 else "") + FILLER * 2)
        paragraph.paragraph_format.space_after = Pt(8)
        if number == 6:
            document.add_paragraph("{%p if certificate.reissued %}")
            document.add_paragraph("This certificate replaces one issued on {{ dates.first_issue }}.")
            document.add_paragraph("{%p endif %}")
    document.add_paragraph("Signed: {{ adviser.name }}, mediation adviser, {{ adviser.email }}")
    document.save(str(path))
    trim_package(path)


def trim_package(path: Path) -> None:
    """Drop the styles nobody uses and stylesWithEffects, as a Word-made template would lack them."""
    with zipfile.ZipFile(path) as source:
        members = {info.filename: source.read(info) for info in source.infolist()}
    used = set(re.findall(rb'w:(?:pStyle|rStyle|tblStyle) w:val="([^"]+)"', b"".join(members.values())))
    styles = etree.fromstring(members["word/styles.xml"])
    keep = used | {b"Normal", b"DefaultParagraphFont", b"TableNormal", b"NoList", b"Header", b"Footer"}
    for style in styles.findall(f"{{{W}}}style"):
        based = style.find(f"{{{W}}}basedOn")
        if style.get(f"{{{W}}}styleId").encode() not in keep:
            styles.remove(style)
        elif based is not None:
            keep.add(based.get(f"{{{W}}}val").encode())
    latent = styles.find(f"{{{W}}}latentStyles")
    if latent is not None:
        styles.remove(latent)
    members["word/styles.xml"] = etree.tostring(
        styles, xml_declaration=True, encoding="UTF-8", standalone=True
    )
    members.pop("word/stylesWithEffects.xml", None)
    members["word/_rels/document.xml.rels"] = re.sub(
        rb'<Relationship [^>]*stylesWithEffects[^>]*/>', b"", members["word/_rels/document.xml.rels"]
    )
    members["[Content_Types].xml"] = re.sub(
        rb'<Override [^>]*stylesWithEffects[^>]*/>', b"", members["[Content_Types].xml"]
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in members.items():
            target.writestr(name, data)


def make_context(number: int) -> dict[str, Any]:
    """One case's values; the address has newlines, as real ones do."""
    return {
        "service": {"name": "Mediation Works & Partners", "phone": "0113 496 0000"},
        "certificate": {"number": f"MC-2025-{number:05d}", "reissued": number % 2 == 0},
        "parent": {"name": f"Zoë O'Brien {number}", "address": "1 High Street\nLeeds\nLS1 1AA"},
        "child": {"name": "Siobhán Ó Briain", "date_of_birth": "3 May 2016"},
        "la": {"name": "Leeds City Council"},
        "adviser": {"name": "Sam Patel", "email": "sam@example.org"},
        "dates": {
            "contacted": "2 December 2024", "decision": "1 November 2024", "issued": "4 December 2024",
            "appeal_deadline": "3 January 2025", "first_issue": "1 December 2024",
        },
    }


def naive(template: Path, out: Path, number: int) -> None:
    """What a script using docxtpl directly does for each document."""
    document = DocxTemplate(str(template))
    document.render(make_context(number), autoescape=True)
    document.save(str(out / f"naive-{number}.docx"))


def timed(run: Callable[[int], None], docs: int, start: int) -> float:
    """Milliseconds per document for ``docs`` calls of ``run``."""
    began = time.perf_counter()
    for number in range(start, start + docs):
        run(number)
    return (time.perf_counter() - began) * 1000 / docs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=200, help="documents per method per round")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        template = folder / "certificate.docx"
        build_certificate(template)
        began = time.perf_counter()
        compiled = CompiledTemplate.load(template)
        compile_ms = (time.perf_counter() - began) * 1000
        sample = compiled.render(make_context(0))
        out = folder / "out"
        out.mkdir()

        def plain(number: int) -> None:
            (out / f"plain-{number}.docx").write_bytes(compiled.render(make_context(number)))

        def atomic(number: int) -> None:
            write_atomic(out / f"atomic-{number}.docx", compiled.render(make_context(number)))

        def render_only(number: int) -> None:
            compiled.render(make_context(number))

        methods: dict[str, Callable[[int], None]] = {
            "naive docxtpl: DocxTemplate + render(autoescape) + save": lambda n: naive(template, out, n),
            "compile-once: render only (no file)": render_only,
            "compile-once: render + write_bytes": plain,
            "compile-once: render + write_atomic (fsync)": atomic,
        }
        results: dict[str, list[float]] = {name: [] for name in methods}
        for round_number in range(args.rounds):
            for name, run in methods.items():
                results[name].append(timed(run, args.docs, round_number * args.docs))
        report(results, template, sample, compile_ms, args.docs, args.rounds)
        print(f"files written under {out} (the file system matters for the write rows)")


def report(results: dict[str, list[float]], template: Path, sample: bytes, compile_ms: float,
           docs: int, rounds: int) -> None:
    """Print the table: median ms/doc, docs/s and speed-up against naive docxtpl."""
    baseline = statistics.median(next(iter(results.values())))
    print(f"template {template.stat().st_size / 1024:.1f} KB, output {len(sample) / 1024:.1f} KB, "
          f"compile once {compile_ms:.1f} ms; {docs} docs x {rounds} rounds, median per round")
    print(f"| {'method':<56} | ms/doc | docs/s | speed-up |")
    print(f"|{'-' * 58}|-------:|-------:|---------:|")
    for name, times in results.items():
        ms = statistics.median(times)
        print(f"| {name:<56} | {ms:6.2f} | {1000 / ms:6.0f} | {baseline / ms:7.1f}x |")


if __name__ == "__main__":
    main()
