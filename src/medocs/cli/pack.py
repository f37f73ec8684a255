"""``medocs pack``: every document of a case journey, its key dates sheet and its calendar."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from medocs.calendars import calendar_stamp
from medocs.cli.common import (
    PROFILE_HELP,
    echo_warnings,
    register_path_for,
    require_profile,
    today_option,
)
from medocs.cli.output import echo
from medocs.errors import JourneyError
from medocs.journeys.packing import check_journey, pack_journey_file
from medocs.pdf.pool import convert


def _report(case_file: Path, problems: list[str] | tuple[str, ...]) -> None:
    for problem in problems:
        echo(f"{case_file}: {problem}" if not problem.startswith(str(case_file)) else problem,
                   err=True)
    echo(f"{len(problems)} problem(s) found in {case_file}; nothing written", err=True)


@click.command()
@click.argument("case_file", metavar="CASE", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--out", type=click.Path(path_type=Path, file_okay=False),
              help="Folder to write the documents, the key dates sheet and the .ics into.")
@click.option("--profile", "profile_path", type=click.Path(path_type=Path, dir_okay=False),
              help=PROFILE_HELP)
@click.option("--check", "check_only", is_flag=True,
              help="Only check that the documents agree with each other; write nothing.")
@click.option("--templates", type=click.Path(path_type=Path, file_okay=False),
              help="Folder of your own templates (e.g. with your letterhead).")
@click.option("--pdf", is_flag=True, help="Also write a PDF of each document (needs LibreOffice).")
@click.option("--large-print", is_flag=True, help="The key dates sheet in 16 point type.")
@click.option("--force", is_flag=True, help="Replace existing output files.")
@click.option("--register", "register_path", type=click.Path(path_type=Path, dir_okay=False),
              help="Certificate register (SQLite). Default: the profile's, else your data folder.")
@click.option("--today", metavar="YYYY-MM-DD",
              help="Treat this as today: what the sheet and the calendar count as still ahead.")
def pack(case_file: Path, out: Path | None, profile_path: Path | None, check_only: bool,
         templates: Path | None, pdf: bool, large_print: bool, force: bool,
         register_path: Path | None, today: str | None) -> None:
    """Render every document a case journey has reached, with a key dates sheet and calendar.

    CASE is a journey file (TOML or JSON): the child, the parent, the decision and the dates
    things happened, written once, and a [documents.KIND] table for each document the case
    has reached. Before anything is written, the documents are checked against each other:
    the same event on the same date everywhere, the certificate's decision the decision
    letter's, nothing dated before what it reports, no outcome contradicting another. Every
    problem is listed (exit 1). Certificates are numbered from the register as 'medocs
    render' numbers them.

    \b
    Examples:
      medocs pack samples/journeys/khan-declined.toml --profile samples/westminster.toml --out out/khan
      medocs pack --check samples/journeys/obriain-mediated.toml --profile samples/westminster.toml
    """
    profile = require_profile(profile_path)
    now = today_option(today)
    if check_only:
        problems = check_journey(case_file, profile, today=now)
        if problems:
            _report(case_file, problems)
            sys.exit(1)
        echo(f"{case_file}: OK: its documents tell one story")
        return
    if out is None:
        msg = "give --out DIR (or --check to only check the journey)"
        raise click.UsageError(msg)
    register_file = register_path_for(register_path, profile)
    try:
        packed = pack_journey_file(case_file, profile, register_file=register_file, out=out, today=now,
                                   stamp=calendar_stamp(now), templates=templates, force=force,
                                   large_print=large_print)
    except JourneyError as exc:
        _report(case_file, exc.problems)
        sys.exit(1)
    echo_warnings(packed.warnings)
    for item in packed.issued:
        echo(f"wrote {item.docx}" + (f" (certificate {item.certificate_number})"
                                            if item.certificate_number else ""))
    echo(f"wrote {packed.key_dates}")
    if packed.calendar is not None:
        echo(f"wrote {packed.calendar}")
    else:
        echo(f"no calendar: no date in this case is still ahead on {now.isoformat()}")
    if pdf:
        for written in convert([*(item.docx for item in packed.issued), packed.key_dates], out):
            echo(f"wrote {written}")
