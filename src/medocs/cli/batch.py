"""``medocs batch``: one document per row of a table."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from medocs.batch.run import Progress, run_batch
from medocs.batch.tables import TABLE_SUFFIXES
from medocs.cli.common import (
    KIND,
    LARGE_PRINT_HELP,
    PROFILE_HELP,
    optional_profile,
    register_path_for,
    require_profile,
    terminate_as_interrupt,
    today_option,
    warn_if_template_changed,
)
from medocs.cli.output import echo
from medocs.documents.kinds import document_kind
from medocs.errors import MedocsError
from medocs.naming import DEFAULT_PATTERN, NAME_FIELDS, file_stem
from medocs.profiles import enlarge_profile

_SHOWN_PROBLEMS = 30  # more would scroll the summary away; errors.csv has them all


def _check_pattern(_ctx: click.Context, _param: click.Parameter, value: str) -> str:
    try:
        file_stem(value, {name: name for name in NAME_FIELDS})
    except MedocsError as exc:
        raise click.BadParameter(str(exc)) from exc
    return value


@click.command()
@click.argument("kind", type=KIND)
@click.argument("input_file", metavar="INPUT",
                type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option("--out", required=True, type=click.Path(path_type=Path, file_okay=False),
              help="Output folder: one file per row, manifest.csv, errors.csv.")
@click.option("--profile", "profile_path", type=click.Path(path_type=Path, dir_okay=False),
              help=PROFILE_HELP)
@click.option("--jobs", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Worker processes (one per CPU core is the useful maximum).")
@click.option("--pdf", is_flag=True, help="Also write a PDF of each document (needs LibreOffice).")
@click.option("--force", is_flag=True, help="Replace existing output files.")
@click.option("--register", "register_path", type=click.Path(path_type=Path, dir_okay=False),
              help="Certificate register (SQLite). Default: the profile's, else your data folder.")
@click.option("--name", "name_pattern", default=DEFAULT_PATTERN, show_default=True, callback=_check_pattern,
              help="Output file name from {case_ref}, {kind}, {child} and {recipient}.")
@click.option("--sheet", help="The .xlsx sheet to read (default: the first).")
@click.option("--templates", type=click.Path(path_type=Path, file_okay=False),
              help="Folder of your own templates (e.g. with your letterhead).")
@click.option("--reissue", is_flag=True,
              help="New certificate numbers for the cases whose details changed since they were issued.")
@click.option("--today", metavar="YYYY-MM-DD", help="Treat this as today (for warnings).")
@click.option("--quiet", "-q", is_flag=True,
              help="No progress line and no summary; problems are still shown.")
@click.option("--large-print", is_flag=True, help=LARGE_PRINT_HELP)
def batch(kind: str, input_file: Path, out: Path, profile_path: Path | None, jobs: int, pdf: bool,
          force: bool, register_path: Path | None, name_pattern: str, sheet: str | None,
          templates: Path | None, reissue: bool, today: str | None, quiet: bool,
          large_print: bool) -> None:
    """Issue one document per row of INPUT (.csv, .xlsx or .jsonl) into a folder.

    The header row names the fields as 'medocs fields KIND' lists them (child.name,
    decision.letter_sent, …; lists as numbered columns: recipient.address.1, issues.1.issue).
    Every row is checked before anything is written; the good rows are all written, the bad
    ones listed in OUT/errors.csv. Running the same command again skips the rows already
    done. With --reissue, a case whose details changed since its certificate was issued gets
    a new number (the register links it to the old one) and replaces the old files; the
    unchanged cases are skipped, so an interrupted reissue can be re-run too. An earlier,
    different manifest.csv or errors.csv is kept as manifest.<UTC time>.csv. Exit status 0
    if every row was issued, 1 if any failed.

    \b
    Examples:
      medocs batch decline-certificate samples/batch/decline-certificate.xlsx \\
          --profile samples/westminster.toml --out out/batch
      medocs batch mediation-certificate cases.csv --out out/ --jobs 2 --pdf
    """
    doc_kind = document_kind(kind)
    if input_file.suffix.lower() not in TABLE_SUFFIXES:
        msg = f"INPUT must be a .csv, .xlsx or .jsonl file (got {input_file.name})"
        raise click.BadParameter(msg, param_hint="INPUT")
    if sheet is not None and input_file.suffix.lower() != ".xlsx":
        msg = "--sheet is for .xlsx files only"
        raise click.BadParameter(msg, param_hint="--sheet")
    profile = require_profile(profile_path) if doc_kind.needs_profile else optional_profile(profile_path)
    profile = enlarge_profile(profile, large_print)
    warn_if_template_changed(doc_kind, templates)
    now = today_option(today)
    try:
        with terminate_as_interrupt():
            result = run_batch(
                doc_kind, input_file, out=out, profile=profile, today=now,
                register_path=register_path_for(register_path, profile) if doc_kind.numbered else None,
                templates=templates, jobs=jobs, pdf=pdf, force=force, reissue=reissue,
                name_pattern=name_pattern, sheet=sheet, progress=None if quiet else Progress(sys.stderr),
            )
    except KeyboardInterrupt:
        echo("\nmedocs: interrupted; no file is partial: run the same command again to finish",
                   err=True)
        sys.exit(130)
    for problem in result.errors[:_SHOWN_PROBLEMS]:
        echo(result.describe(problem), err=True)
    if len(result.errors) > _SHOWN_PROBLEMS:
        echo(f"… and {len(result.errors) - _SHOWN_PROBLEMS} more in {result.errors_file}", err=True)
    if not quiet:
        echo(result.summary())
    if result.errors:
        sys.exit(1)
