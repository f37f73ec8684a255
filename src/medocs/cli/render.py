"""``medocs render``: one document from a case file."""

from __future__ import annotations

from pathlib import Path

import click

from medocs import api
from medocs.cli.common import (
    KIND,
    LARGE_PRINT_HELP,
    PROFILE_HELP,
    echo_warnings,
    optional_profile,
    require_profile,
    today_in_england,
    warn_if_template_changed,
)
from medocs.cli.output import echo
from medocs.documents.kinds import document_kind
from medocs.loading import load_case
from medocs.timeline.dates import parse_date


@click.command()
@click.argument("kind", type=KIND)
@click.argument("case_file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--out", required=True, type=click.Path(path_type=Path),
              help="Output .docx file, or a folder to write {case_ref}-{kind}.docx into.")
@click.option("--profile", "profile_path", type=click.Path(path_type=Path, dir_okay=False),
              help=PROFILE_HELP)
@click.option("--templates", type=click.Path(path_type=Path, file_okay=False),
              help="Folder of your own templates (e.g. with your letterhead).")
@click.option("--pdf", is_flag=True, help="Also write a PDF (needs LibreOffice).")
@click.option("--pdf-a", is_flag=True, help="Write the PDF as PDF/A-2b, for archiving.")
@click.option("--force", is_flag=True, help="Replace existing output files.")
@click.option("--register", "register_path", type=click.Path(path_type=Path, dir_okay=False),
              help="Certificate register (SQLite). Default: the profile's, else your data folder.")
@click.option("--reissue", is_flag=True,
              help="A new certificate number for a case whose details changed since it was issued.")
@click.option("--today", metavar="YYYY-MM-DD", help="Treat this as today (for warnings).")
@click.option("--large-print", is_flag=True, help=LARGE_PRINT_HELP)
def render(kind: str, case_file: Path, out: Path, profile_path: Path | None,
           templates: Path | None, pdf: bool, pdf_a: bool, force: bool,
           register_path: Path | None, reissue: bool, today: str | None, large_print: bool) -> None:
    """Render one document from a case file (TOML or JSON).

    \b
    Examples:
      medocs render decision-letter samples/decision-letter.toml --profile samples/westminster.toml --out out/
      medocs render decline-certificate case.toml --out cert.docx --pdf
    """
    doc_kind = document_kind(kind)
    profile = require_profile(profile_path) if doc_kind.needs_profile else optional_profile(profile_path)
    case = load_case(case_file, doc_kind.model)
    warn_if_template_changed(doc_kind, templates)
    now = parse_date(today, field="--today") if today else today_in_england()
    rendered = api.render(doc_kind, case, out=out, today=now,
                          profile=profile, templates=templates, pdf=pdf, pdf_a=pdf_a, force=force,
                          register=register_path, reissue=reissue, written=_say_written,
                          large_print=large_print)
    if rendered.pdf is not None:
        echo(f"wrote {rendered.pdf}")


def _say_written(rendered: api.Rendered) -> None:
    echo_warnings(rendered.warnings)
    number = rendered.certificate_number
    echo(f"wrote {rendered.docx}" + (f" (certificate {number})" if number else ""))
    if rendered.stale_pdf is not None:
        echo(f"warning: {rendered.stale_pdf} is still the PDF of the certificate this one "
                   "replaces; add --pdf to make it again", err=True)
