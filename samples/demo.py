"""`make demo`: pack each sample case journey into out/, with PDFs when LibreOffice is here.

Each journey (samples/journeys/*.toml) is one family's case; its pack is every document the
case reached, the family's key dates sheet and the calendar of what was still ahead, made as
on the day of the case's last document. The per-kind samples of no journey (the cease letter)
are rendered on their own.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import medocs
from medocs.journeys.building import build_documents, last_dated
from medocs.journeys.model import load_journey
from medocs.journeys.packing import pack_journey
from medocs.register import Register

SAMPLES = Path(__file__).resolve().parent
OUT = Path("out")


def main() -> None:
    profile = medocs.load_profile(SAMPLES / "westminster.toml")
    written: list[Path] = []
    children = set()
    with Register(OUT / "demo-register.sqlite") as register:
        for path in sorted((SAMPLES / "journeys").glob("*.toml")):
            journey = load_journey(path)
            children.add(journey.child.name)
            made_on = last_dated(build_documents(journey, profile, where=str(path))[0])
            packed = pack_journey(path, profile, out=OUT / path.stem, today=made_on, register=register,
                                  stamp=datetime.combine(made_on, datetime.min.time(), tzinfo=UTC),
                                  force=True)
            print(f"\n{path.name}: {journey.child.name}, {journey.outcome} (as on {made_on:%d %B %Y})")
            for item in packed.issued:
                number = f"  certificate {item.certificate_number}" if item.certificate_number else ""
                print(f"  {item.docx}{number}")
            print(f"  {packed.key_dates}" + (f"\n  {packed.calendar}" if packed.calendar else ""))
            written += [*(item.docx for item in packed.issued), packed.key_dates]
    today = datetime.now(tz=ZoneInfo("Europe/London")).date()
    print("\nOther examples:")
    for kind in medocs.KINDS.values():
        for case_file in sorted(SAMPLES.glob(f"{Path(kind.sample).stem}*.toml")):
            case = medocs.load_case(case_file, kind.model)
            if case.child.name in children:
                continue  # shown in its journey's pack
            result = medocs.render(kind, case, out=OUT, profile=profile, today=today, force=True,
                                   register=OUT / "demo-register.sqlite")
            print(f"  {kind.name:<22} {case_file.name:<36} -> {result.docx}")
            written.append(result.docx)
    written += _branded_and_large_print(today)
    print(f"\nConverting {len(written)} documents to PDF with LibreOffice...")
    try:
        for folder in sorted({path.parent for path in written}):
            medocs.to_pdf([path for path in written if path.parent == folder], folder)
    except medocs.PdfError as exc:
        print(f"No PDFs: {exc}")
    print(f"\nDone: {len(written)} documents in {OUT.resolve()}/")
    print("Try: .venv/bin/medocs pack --check samples/journeys/khan-declined.toml "
          "--profile samples/westminster.toml")


def _branded_and_large_print(today: date) -> list[Path]:
    """The decision letter on riverside.toml's letterhead, and in large print (16 pt)."""
    kind = medocs.KINDS["decision-letter"]
    case = medocs.load_case(SAMPLES / kind.sample, kind.model)
    branded = medocs.render(kind, case, out=OUT / "riverside" / "decision-letter.docx", today=today,
                            profile=SAMPLES / "riverside.toml", force=True)
    large = medocs.render(kind, case, out=OUT / "large-print" / "decision-letter.docx", today=today,
                          profile=SAMPLES / "westminster.toml", force=True, large_print=True)
    print("\nYour letterhead on medocs's own template (samples/riverside.toml: logo, colour, font):")
    print(f"  {branded.docx}")
    print("Large print (--large-print, 16 pt):")
    print(f"  {large.docx}")
    return [branded.docx, large.docx]


if __name__ == "__main__":
    main()
