"""Write the batch samples under samples/batch/ (CSV and XLSX), the same bytes on every run.

Run: ``.venv/bin/python scripts/make_batch_samples.py``

* ``decline-certificate.csv`` / ``.xlsx``: 24 certificates under CFA s.55(4), three of them
  the deemed variant (mediation not arranged in time). The CSV is Excel's "CSV UTF-8" (with
  a byte order mark); the XLSX has real date cells, except a few rows typed as text dates
  (``14/05/2017``), as people do.
* ``mediation-certificate.csv`` / ``.xlsx``: 24 certificates under s.55(5) with one to three
  mediation dates and one to three issues (numbered columns). The CSV has no BOM.
* ``decline-certificate-bad.csv``: good rows and bad ones (an impossible date, a missing
  field, a duplicate case_ref, a certificate issued before the decision), for trying the
  error report.

Names are realistic and varied, with the characters that break naive tools: O'Brien, Zoë,
Siobhán, ``&`` and ``<``.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from openpyxl import Workbook

OUT = Path(__file__).resolve().parents[1] / "samples" / "batch"
FIXED_TIME = (2025, 1, 1, 0, 0, 0)

CHILDREN = [
    ("Zoë Adeyemi", "Mrs Folake Adeyemi"),
    ("Siobhán O'Brien", "Mr Declan & Mrs Áine O'Brien"),
    ("Oliver Hughes", "Ms Rachel Hughes"),
    ("Amara Okafor", "Mr Chidi Okafor"),
    ("Jamie <JJ> Patel", "Ms Priya Patel"),
    ("Noah Williams", "Mr Gareth Williams & Ms Ffion Davies"),
    ("Aisha Rahman", "Mrs Nusrat Rahman"),
    ("Tomás Ní Bhriain", "Ms Gráinne Ní Bhriain"),
    ("Lily-Mae Thompson", "Ms Kerry Thompson"),
    ("Mohammed Al-Hassan", "Mr Yusuf Al-Hassan"),
    ("Chloé Dubois", "Mme Élodie Dubois"),
    ("Kacper Nowak", "Mrs Agnieszka Nowak"),
    ("Freya MacLeod", "Mr Ruaridh MacLeod"),
    ("Ethan O'Connor", "Ms Bríd O'Connor"),
    ("Ananya Iyer", "Dr Lakshmi Iyer"),
    ("Leo Schmidt", "Mr Jürgen & Mrs Anna Schmidt"),
    ("Maya Cohen", "Ms Rivka Cohen"),
    ("Kwame Mensah", "Mr Kofi Mensah"),
    ("Isla Brown", "Mrs Janet Brown"),
    ("Yusuf Demir", "Mrs Ayşe Demir"),
    ("Sophie Evans", "Mr & Mrs Evans"),
    ("Daniel Nguyễn", "Ms Thảo Nguyễn"),
    ("Grace Kowalczyk", "Ms Maria Kowalczyk"),
    ("Harry Smith", "Ms Dawn Smith <guardian>"),
]
STREETS = ["Harrow Road", "Church Street", "Elgin Avenue", "Marylebone Lane", "Porchester Terrace",
           "Warwick Avenue", "Lisson Grove", "Edgware Road"]
POSTCODES = ["W2 1XJ", "NW8 8EP", "W9 1HD", "W1U 2PG", "W2 3TH", "W9 2PT", "NW1 6LH", "W2 1DX"]
DECISIONS = ["refuse_assessment", "refuse_plan", "final_plan", "amended_plan", "refuse_amend",
             "refuse_reassessment", "cease_to_maintain"]
FORMATS = ["in person", "by video call", "in person at Westminster City Hall"]
MEDIATORS = ["Helen Marsh", "Kwabena Asante", "Sinéad Walsh", "Ravi Chandran"]
ISSUES = [
    ("Section F: speech and language therapy to be specified and quantified", "resolved"),
    ("Section F: one-to-one support in lessons", "partly_resolved"),
    ("Section I: naming Westbourne Park School", "not_resolved"),
    ("Section B: sensory processing needs & their effect on learning", "resolved"),
    ("Section G: occupational therapy <weekly> from the NHS", "not_resolved"),
    ("Refusal to carry out an EHC needs assessment", "not_resolved"),
]

DECLINE_HEADER = [
    "case_ref", "variant", "child.name", "child.date_of_birth", "recipient.name",
    "recipient.address.1", "recipient.address.2", "recipient.address.3", "decision.kind",
    "decision.letter_sent", "decision.la_reference", "contacted_adviser", "declined_on",
    "mediation_requested", "la_told_adviser", "issued_on",
]
MEDIATION_HEADER = [
    "case_ref", "child.name", "child.date_of_birth", "recipient.name", "recipient.address.1",
    "recipient.address.2", "recipient.address.3", "decision.kind", "decision.letter_sent",
    "decision.la_reference", "mediator", "mediation_dates.1", "mediation_dates.2",
    "mediation_format", "icb", "issues.1.issue", "issues.1.outcome", "issues.2.issue",
    "issues.2.outcome", "issues.3.issue", "issues.3.outcome", "issued_on",
]


def _address(index: int) -> list[str]:
    return [f"{3 + index * 7} {STREETS[index % len(STREETS)]}", "London", POSTCODES[index % len(POSTCODES)]]


def _birth(index: int) -> date:
    return date(2008 + index % 12, 1 + (index * 5) % 12, 1 + (index * 11) % 28)


def decline_rows() -> list[dict[str, Any]]:
    """24 decline certificates; rows 7, 15 and 23 are the deemed (not arranged) variant."""
    rows = []
    for index, (child, parent) in enumerate(CHILDREN):
        sent = date(2025, 1, 6) + timedelta(days=index * 9)
        contacted = sent + timedelta(days=14 + index % 10)
        row: dict[str, Any] = {
            "case_ref": f"GM-2025-{101 + index:04d}", "variant": "declined", "child.name": child,
            "child.date_of_birth": _birth(index), "recipient.name": parent,
            "decision.kind": DECISIONS[index % len(DECISIONS)], "decision.letter_sent": sent,
            "decision.la_reference": f"WCC-EHC-2025-{301 + index * 3:04d}" if index % 4 else "",
            "contacted_adviser": contacted,
        }
        row.update(zip(("recipient.address.1", "recipient.address.2", "recipient.address.3"),
                       _address(index), strict=True))
        if index % 8 == 7:
            requested = contacted + timedelta(days=2)
            told = requested + timedelta(days=30)
            row.update({"variant": "not_arranged", "mediation_requested": requested,
                        "la_told_adviser": told, "issued_on": told + timedelta(days=2)})
        else:
            declined = contacted + timedelta(days=index % 5)
            row.update({"declined_on": declined, "issued_on": declined + timedelta(days=1 + index % 3)})
        rows.append(row)
    return rows


def mediation_rows() -> list[dict[str, Any]]:
    """24 mediation certificates with one or two mediation days and one to three issues."""
    rows = []
    for index, (child, parent) in enumerate(CHILDREN):
        sent = date(2025, 2, 3) + timedelta(days=index * 8)
        first_day = sent + timedelta(days=35 + index % 9)
        row: dict[str, Any] = {
            "case_ref": f"GM-2025-{501 + index:04d}", "child.name": child,
            "child.date_of_birth": _birth(index + 5), "recipient.name": parent,
            "decision.kind": DECISIONS[(index + 2) % len(DECISIONS)], "decision.letter_sent": sent,
            "decision.la_reference": f"WCC-EHC-2025-{601 + index * 2:04d}",
            "mediator": MEDIATORS[index % len(MEDIATORS)], "mediation_dates.1": first_day,
            "mediation_format": FORMATS[index % len(FORMATS)],
            "icb": "NHS North West London Integrated Care Board" if index % 3 == 1 else "",
        }
        row.update(zip(("recipient.address.1", "recipient.address.2", "recipient.address.3"),
                       _address(index + 3), strict=True))
        last_day = first_day
        if index % 5 == 2:
            last_day = first_day + timedelta(days=7)
            row["mediation_dates.2"] = last_day
        for number in range(1, 2 + index % 3):
            issue, outcome = ISSUES[(index + number) % len(ISSUES)]
            row[f"issues.{number}.issue"] = issue
            row[f"issues.{number}.outcome"] = outcome
        row["issued_on"] = last_day + timedelta(days=1 + index % 3)
        rows.append(row)
    return rows


def bad_rows() -> list[dict[str, Any]]:
    """Six good decline rows and four bad ones, one fault each."""
    rows = [dict(row) for row in decline_rows()[:6]]
    impossible = dict(rows[0], **{"case_ref": "GM-2025-0901", "child.date_of_birth": "2016-02-30"})
    missing = dict(rows[1], **{"case_ref": "GM-2025-0902", "recipient.name": ""})
    duplicate = dict(rows[2], **{"child.name": "Rhys Jones"})  # same case_ref as rows[2]
    before = dict(rows[3], **{"case_ref": "GM-2025-0904", "issued_on": rows[3]["decision.letter_sent"]
                              - timedelta(days=10)})
    return [rows[0], impossible, rows[1], missing, rows[2], duplicate, rows[3], before, rows[4], rows[5]]


def _cell_text(value: Any) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)


def write_csv(path: Path, header: list[str], rows: list[dict[str, Any]], *, bom: bool) -> None:
    """Excel's CSV: comma, double quotes, CRLF line ends; ISO dates."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows([_cell_text(row.get(name, "")) for name in header] for row in rows)
    path.write_bytes(buffer.getvalue().encode("utf-8-sig" if bom else "utf-8"))


def write_xlsx(path: Path, header: list[str], rows: list[dict[str, Any]]) -> None:
    """Date cells formatted dd/mm/yyyy as a UK user's Excel shows them; every fifth row's
    dates typed as text instead, as 14/05/2017."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Cases"
    sheet.append(header)
    for number, row in enumerate(rows):
        values: list[Any] = []
        for name in header:
            value = row.get(name, "")
            if isinstance(value, date) and number % 5 == 4:
                value = value.strftime("%d/%m/%Y")  # a text date, typed by hand
            values.append(value if value != "" else None)
        sheet.append(values)
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, datetime | date):
                cell.number_format = "dd/mm/yyyy"
    for column in sheet.columns:
        sheet.column_dimensions[column[0].column_letter].width = max(12, len(str(column[0].value)) + 2)
    workbook.properties.creator = "medocs samples"
    workbook.properties.created = datetime(*FIXED_TIME)  # noqa: DTZ001 - a fixed stamp, no zone
    buffer = io.BytesIO()
    workbook.save(buffer)
    path.write_bytes(_deterministic_zip(buffer.getvalue()))


def _deterministic_zip(data: bytes) -> bytes:
    """The same workbook bytes on every run: fixed zip times, fixed modified stamp."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2025-01-01T00:00:00Z", content)
            target.writestr(zipfile.ZipInfo(info.filename, FIXED_TIME), content,
                            compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def main() -> None:
    """Write every sample file."""
    OUT.mkdir(parents=True, exist_ok=True)
    decline, mediation = decline_rows(), mediation_rows()
    write_csv(OUT / "decline-certificate.csv", DECLINE_HEADER, decline, bom=True)
    write_xlsx(OUT / "decline-certificate.xlsx", DECLINE_HEADER, decline)
    write_csv(OUT / "mediation-certificate.csv", MEDIATION_HEADER, mediation, bom=False)
    write_xlsx(OUT / "mediation-certificate.xlsx", MEDIATION_HEADER, mediation)
    write_csv(OUT / "decline-certificate-bad.csv", DECLINE_HEADER, bad_rows(), bom=True)
    for path in sorted(OUT.iterdir()):
        print(f"wrote {path.relative_to(OUT.parents[1])}")


if __name__ == "__main__":
    main()
