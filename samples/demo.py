"""`make demo`: render every sample document into out/, with PDFs when LibreOffice is here."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from medocs.documents.kinds import KINDS
from medocs.errors import PdfError
from medocs.issuing import issue_document
from medocs.loading import load_case
from medocs.naming import output_path
from medocs.pdf.pool import convert, find_soffice
from medocs.profiles import load_profile
from medocs.register import Register

SAMPLES = Path(__file__).resolve().parent
OUT = Path("out")


def main() -> None:
    profile = load_profile(SAMPLES / "westminster.toml")
    today = datetime.now(tz=ZoneInfo("Europe/London")).date()
    written: list[Path] = []
    with Register(OUT / "demo-register.sqlite") as register:
        for kind in KINDS.values():
            for case_file in sorted(SAMPLES.glob(f"{Path(kind.sample).stem}*.toml")):
                case = load_case(case_file, kind.model)
                target = output_path(OUT, kind, case.case_ref)  # type: ignore[attr-defined]
                issued = issue_document(kind, case, profile, target=target, today=today,
                                        force=True, register=register)
                number = f"  certificate {issued.certificate_number}" if issued.certificate_number else ""
                print(f"{kind.name:<22} {case_file.name:<36} -> {issued.docx}{number}")
                written.append(issued.docx)
    try:
        find_soffice()
    except PdfError as exc:
        print(f"\nNo PDFs: {exc}")
    else:
        print(f"\nConverting {len(written)} documents to PDF with LibreOffice...")
        for pdf in convert(written, OUT):
            print(f"  {pdf}")
    print(f"\nDone: {len(written)} documents in {OUT.resolve()}/")
    print("Try: .venv/bin/medocs timeline --decision-sent 2024-10-01 --certificate-issued 2024-11-29")


if __name__ == "__main__":
    main()
