"""The medocs command line: parse options, call one library function, print.

No date or template logic lives here. A ``MedocsError`` becomes a one-line message and exit
status 1; click's usage errors exit 2.
"""

from __future__ import annotations

import contextlib
import dataclasses
import difflib
import io
import json
import os
import signal
import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import click
from click.shell_completion import CompletionItem

from medocs._version import __version__
from medocs.batch.columns import batch_columns
from medocs.batch.run import Progress, run_batch
from medocs.batch.tables import TABLE_SUFFIXES
from medocs.documents.advocacy import letter_deadlines
from medocs.documents.checking import check_template, describe_fields
from medocs.documents.kinds import KINDS, data_dir, document_kind, example_context
from medocs.drafting.session import (
    ADVOCATE_KINDS,
    collect_case,
    confirm,
    dates_summary,
    read_advocate,
    seed_case,
)
from medocs.drafting.writing import check_free, outputs_for, write_draft
from medocs.errors import MedocsError, OutputExistsError, RegisterError
from medocs.files import write_atomic
from medocs.issuing import issue_document
from medocs.loading import load_case, read_case_data
from medocs.naming import DEFAULT_PATTERN, NAME_FIELDS, file_stem, output_path
from medocs.pdf.pool import convert
from medocs.profiles import Profile, load_profile
from medocs.register import Register, default_register_path
from medocs.timeline.dates import long_date, parse_date
from medocs.timeline.deadlines import Deadline, TimelineDates, compute_timeline
from medocs.timeline.ics import timeline_ics


class _MedocsGroup(click.Group):
    """Turn every MedocsError into a clean message; show a traceback only with --debug."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except BrokenPipeError:
            # The reader went away (`medocs fields KIND | head`): stop quietly, as `cat` does.
            _quiet_stdout()
            ctx.exit(_BROKEN_PIPE)
        except (MedocsError, OSError) as exc:
            # OSError: a full disk or a folder we may not write to is the user's to fix too.
            if ctx.meta.get("medocs.debug"):
                raise
            click.echo(f"medocs: error: {exc}", err=True)
            ctx.exit(1)


_BROKEN_PIPE = 141  # 128 + SIGPIPE: what a shell reports for `cat` when `head` stops reading


@contextlib.contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """Make SIGTERM and SIGHUP stop the work as Ctrl-C does, shutting workers and LibreOffice down."""
    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = {sig: signal.signal(sig, interrupt) for sig in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _quiet_stdout() -> None:
    """Point stdout at the null device, so flushing it at exit cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, io.UnsupportedOperation):
        pass  # no real file descriptor (a test runner's buffer): nothing will flush to a pipe


@click.group(cls=_MedocsGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="medocs")
@click.option("--debug", is_flag=True, help="Show Python tracebacks for errors.")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """Letters and certificates of SEND mediation in England, with every date explained.

    \b
    Examples:
      medocs timeline --decision-sent 2024-10-01 --certificate-issued 2024-11-29
      medocs render decision-letter case.toml --profile profile.toml --out out/
      medocs batch decline-certificate cases.xlsx --profile profile.toml --out out/batch
      medocs draft certificate-request --out out/
      medocs check my-templates/decision-letter.docx --kind decision-letter
      medocs samples my-medocs/

    'medocs samples DIR' copies example profiles, case files and batch files to start from.
    Every command has --help with examples. Errors are one line (exit 1); --debug shows the
    Python traceback.
    """
    ctx.meta["medocs.debug"] = debug


_TIMELINE_DATES = (
    ("decision_sent", "Date the LA's decision letter was sent."),
    ("certificate_issued", "Date of issue of the mediation certificate."),
    ("declined_on", "Date the adviser was told mediation is not wanted."),
    ("mediation_requested", "Date the LA was told mediation is wanted."),
    ("mediation_ended", "Date mediation ended."),
    ("agreement_date", "Date of the mediation agreement."),
    ("request_received", "Date the LA received an assessment request."),
)


def _date_options(func: Any) -> Any:
    for name, help_text in reversed(_TIMELINE_DATES):
        func = click.option(f"--{name.replace('_', '-')}", name, metavar="YYYY-MM-DD",
                            help=help_text)(func)
    return func


@main.command()
@_date_options
@click.option("--today", metavar="YYYY-MM-DD", help="Treat this as today (default: the real date).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--ics", "ics_path", type=click.Path(path_type=Path, dir_okay=False),
              help="Also write the deadlines to this iCalendar file (Outlook, Google Calendar).")
@click.option("--force", is_flag=True, help="Replace an existing --ics file.")
def timeline(as_json: bool, today: str | None, ics_path: Path | None, force: bool,
             **given: str | None) -> None:
    """Compute every deadline the given dates allow, and explain each one.

    \b
    Examples:
      medocs timeline --decision-sent 2024-10-01
      medocs timeline --decision-sent 2024-10-01 --certificate-issued 2024-11-29 --json
      medocs timeline --request-received 2025-01-06
      medocs timeline --decision-sent 2024-10-01 --ics deadlines.ics
    """
    if not any(given.values()):
        msg = "give at least one date, for example --decision-sent 2024-10-01"
        raise click.UsageError(msg)
    dates = {
        name: parse_date(value, field=f"--{name.replace('_', '-')}")
        for name, value in given.items()
        if value
    }
    now = parse_date(today, field="--today") if today else _today_in_england()
    result = compute_timeline(TimelineDates(**dates, today=now))
    if ics_path is not None:
        check_free([ics_path], force=force)
    if as_json:
        click.echo(json.dumps({key: d.to_json() for key, d in result.items()}, indent=2))
    else:
        click.echo(_timeline_table(result))
    if ics_path is not None:
        # The same dates give the same event UIDs, so importing again updates the events.
        identity = "timeline:" + ";".join(f"{name}={day}" for name, day in sorted(dates.items()))
        ics_path.parent.mkdir(parents=True, exist_ok=True)
        calendar = timeline_ics(result, identity=identity, stamp=_stamp(now))
        write_atomic(ics_path, calendar.encode("utf-8"), force=force)
        click.echo(f"wrote {ics_path}", err=True)


def _stamp(today: date) -> datetime:
    """DTSTAMP for a calendar: midnight UTC of 'today', so --today gives the same file."""
    return datetime.combine(today, time(0, 0), tzinfo=UTC)


def _today_in_england() -> date:
    """The CLI reads the clock once, in England's time zone; the library never does."""
    return datetime.now(tz=ZoneInfo("Europe/London")).date()


def _timeline_table(result: dict[str, Deadline]) -> str:
    lines: list[str] = []
    width = max(len(d.label) for d in result.values())
    for deadline in result.values():
        when = long_date(deadline.date) + (" (by 5pm)" if deadline.due_by else "")
        lines.append(f"{deadline.label:<{width}}  {when}")
        lines += [f"    - {step}" for step in deadline.explanation]
        lines += [f"    ! {warning}" for warning in deadline.warnings]
        lines.append("")
    return "\n".join(lines).rstrip()


class _KindType(click.ParamType):  # type: ignore[type-arg]  # generic only in newer click
    """A document kind; a misspelt one gets a suggestion and the list of kinds, on one line."""

    name = "kind"

    def __init__(self, kinds: list[str], what: str = "document kind") -> None:
        self.kinds = kinds
        self.what = what

    def get_metavar(self, param: click.Parameter, ctx: click.Context) -> str | None:
        return "KIND"

    def shell_complete(self, ctx: click.Context, param: click.Parameter,
                       incomplete: str) -> list[CompletionItem]:
        return [CompletionItem(k) for k in self.kinds if k.startswith(incomplete)]

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        text = str(value)
        if text in self.kinds:
            return text
        close = difflib.get_close_matches(text.strip().lower().replace("_", "-"), self.kinds, n=1,
                                          cutoff=0.6)
        hint = f"did you mean {close[0]!r}? " if close else ""
        self.fail(f"unknown {self.what} {text!r}: {hint}(kinds: {', '.join(self.kinds)})", param, ctx)


_KIND = _KindType(list(KINDS))
_NUMBERED_KIND = _KindType([name for name, kind in KINDS.items() if kind.numbered],
                           what="kind of certificate")
_PROFILE_HELP = "Organisation profile (TOML). Default: $MEDOCS_PROFILE."


def _profile(path: Path | None) -> Profile:
    chosen = path or (Path(os.environ["MEDOCS_PROFILE"]) if os.environ.get("MEDOCS_PROFILE") else None)
    if chosen is None:
        msg = (
            "no organisation profile: pass --profile FILE or set MEDOCS_PROFILE "
            "(run 'medocs samples DIR' for DIR/example-profile.toml to start from)"
        )
        raise click.UsageError(msg)
    return load_profile(chosen)


def _optional_profile(path: Path | None) -> Profile | None:
    chosen = path or (Path(os.environ["MEDOCS_PROFILE"]) if os.environ.get("MEDOCS_PROFILE") else None)
    return load_profile(chosen) if chosen is not None else None


def _register_path(option: Path | None, profile: Profile | None) -> Path:
    return option or (profile.register_file if profile else None) or default_register_path()


def _warn(lines: tuple[str, ...] | list[str]) -> None:
    for line in lines:
        click.echo(f"warning: {line}", err=True)


@main.command()
@click.argument("kind", type=_KIND)
@click.argument("case_file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--out", required=True, type=click.Path(path_type=Path),
              help="Output .docx file, or a folder to write {case_ref}-{kind}.docx into.")
@click.option("--profile", "profile_path", type=click.Path(path_type=Path, dir_okay=False),
              help=_PROFILE_HELP)
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
def render(kind: str, case_file: Path, out: Path, profile_path: Path | None,
           templates: Path | None, pdf: bool, pdf_a: bool, force: bool,
           register_path: Path | None, reissue: bool, today: str | None) -> None:
    """Render one document from a case file (TOML or JSON).

    \b
    Examples:
      medocs render decision-letter samples/decision-letter.toml --profile samples/westminster.toml --out out/
      medocs render decline-certificate case.toml --out cert.docx --pdf
    """
    doc_kind = document_kind(kind)
    profile = _profile(profile_path) if doc_kind.needs_profile else _optional_profile(profile_path)
    case = load_case(case_file, doc_kind.model)
    target = output_path(out, doc_kind, getattr(case, "case_ref"))  # noqa: B009
    pdf_target = target.with_suffix(".pdf")
    if (pdf or pdf_a) and pdf_target.exists() and not force and not reissue:
        msg = f"{pdf_target} already exists: use --force to replace it"
        raise OutputExistsError(msg)
    now = parse_date(today, field="--today") if today else _today_in_england()
    register = Register(_register_path(register_path, profile)) if doc_kind.numbered else None
    try:
        issued = issue_document(doc_kind, case, profile, target=target, today=now,
                                templates=templates, force=force, register=register,
                                reissue=reissue)
    finally:
        if register is not None:
            register.close()
    _warn(issued.warnings)
    click.echo(f"wrote {issued.docx}" + (f" (certificate {issued.certificate_number})"
                                          if issued.certificate_number else ""))
    if issued.replaced and not (pdf or pdf_a) and pdf_target.exists():
        click.echo(f"warning: {pdf_target} is still the PDF of the certificate this one replaces; "
                   "add --pdf to make it again", err=True)
    if pdf or pdf_a:
        (written,) = convert([issued.docx], target.parent, pdf_a=pdf_a)
        click.echo(f"wrote {written}")


@main.command()
@click.argument("template", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--kind", required=True, type=_KIND, help="The document kind the template is for.")
def check(template: Path, kind: str) -> None:
    """Check a template: unknown fields, syntax errors, missing statutory items.

    Every problem is listed with where it is; exit status 1 if there is any.

    \b
    Example:
      medocs check my-letterhead/decision-letter.docx --kind decision-letter
    """
    doc_kind = document_kind(kind)
    problems = check_template(template, example=example_context(kind), required=doc_kind.required)
    for problem in problems:
        click.echo(f"{template}: {problem}")
    if problems:
        click.echo(f"{len(problems)} problem(s) found", err=True)
        sys.exit(1)
    click.echo(f"{template}: OK for {kind}")


@main.command()
@click.argument("kind", type=_KIND)
def fields(kind: str) -> None:
    """List the fields a template of KIND may use, with an example of each.

    Also lists the batch columns of KIND: the dotted names a batch file's header row uses.

    \b
    Example:
      medocs fields decline-certificate
    """
    for path, hint in describe_fields(example_context(kind)):
        click.echo(f"{path}  {hint}")
    click.echo(f"\nBatch columns (the header row of a .csv or .xlsx for 'medocs batch {kind}'; "
               "N numbers the items of a list from 1):")
    for column in batch_columns(document_kind(kind).model):
        click.echo(f"{column.name}  {column.hint}")


def _sample_files(root: Path) -> list[Path]:
    """The shipped samples to copy, relative to ``root``: profiles, case files, batch files."""
    return sorted(
        path.relative_to(root) for path in root.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
    )


@main.command()
@click.argument("folder", metavar="DIR", type=click.Path(path_type=Path, file_okay=False))
@click.option("--force", is_flag=True, help="Replace files of the same name already in DIR.")
def samples(folder: Path, force: bool) -> None:
    """Copy the example profiles, case files and batch files into DIR, to start from.

    Nothing in DIR is replaced without --force (then nothing is written at all).

    \b
    Example:
      medocs samples my-medocs/
      medocs render decision-letter my-medocs/decision-letter.toml \\
          --profile my-medocs/example-profile.toml --out out/
    """
    root = data_dir("samples")
    files = _sample_files(root)
    present = [str(folder / name) for name in files if os.path.lexists(folder / name)]
    if present and not force:
        msg = (f"{len(present)} sample file(s) already in {folder}, e.g. {present[0]}: "
               "use --force to replace them, or choose another folder")
        raise OutputExistsError(msg)
    for name in files:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        write_atomic(folder / name, (root / name).read_bytes(), force=force)
    click.echo(f"copied {len(files)} sample files to {folder} "
               f"(a profile to start from: {folder / 'example-profile.toml'})")


_SHOWN_PROBLEMS = 30  # more would scroll the summary away; errors.csv has them all


def _check_pattern(_ctx: click.Context, _param: click.Parameter, value: str) -> str:
    try:
        file_stem(value, {name: name for name in NAME_FIELDS})
    except MedocsError as exc:
        raise click.BadParameter(str(exc)) from exc
    return value


@main.command()
@click.argument("kind", type=_KIND)
@click.argument("input_file", metavar="INPUT",
                type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option("--out", required=True, type=click.Path(path_type=Path, file_okay=False),
              help="Output folder: one file per row, manifest.csv, errors.csv.")
@click.option("--profile", "profile_path", type=click.Path(path_type=Path, dir_okay=False),
              help=_PROFILE_HELP)
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
def batch(kind: str, input_file: Path, out: Path, profile_path: Path | None, jobs: int, pdf: bool,
          force: bool, register_path: Path | None, name_pattern: str, sheet: str | None,
          templates: Path | None, reissue: bool, today: str | None, quiet: bool) -> None:
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
    profile = _profile(profile_path) if doc_kind.needs_profile else _optional_profile(profile_path)
    now = parse_date(today, field="--today") if today else _today_in_england()
    try:
        with _terminate_as_interrupt():
            result = run_batch(
                doc_kind, input_file, out=out, profile=profile, today=now,
                register_path=_register_path(register_path, profile) if doc_kind.numbered else None,
                templates=templates, jobs=jobs, pdf=pdf, force=force, reissue=reissue,
                name_pattern=name_pattern, sheet=sheet, progress=None if quiet else Progress(sys.stderr),
            )
    except KeyboardInterrupt:
        click.echo("\nmedocs: interrupted; no file is partial: run the same command again to finish",
                   err=True)
        sys.exit(130)
    for problem in result.errors[:_SHOWN_PROBLEMS]:
        click.echo(result.describe(problem), err=True)
    if len(result.errors) > _SHOWN_PROBLEMS:
        click.echo(f"… and {len(result.errors) - _SHOWN_PROBLEMS} more in {result.errors_file}", err=True)
    if not quiet:
        click.echo(result.summary())
    if result.errors:
        sys.exit(1)


def _register_options(func: Any) -> Any:
    func = click.option("--profile", "profile_path", type=click.Path(path_type=Path, dir_okay=False),
                        help="Use the register the profile names. Default: $MEDOCS_PROFILE.")(func)
    return click.option("--register", "register_path", type=click.Path(path_type=Path, dir_okay=False),
                        help="Certificate register (SQLite). Default: the profile's, else your data "
                        "folder.")(func)


def _existing_register(register_path: Path | None, profile_path: Path | None) -> Register:
    """Open the register chosen as for batch and render; it must exist already."""
    path = register_path or _register_path(None, _optional_profile(profile_path))
    if not path.is_file():
        msg = f"no certificate register at {path}: give --register FILE or a profile that names one"
        raise RegisterError(msg)
    return Register(path)


@main.group(name="register")
def register_group() -> None:
    """The certificate register: list, show, verify and export issued certificates."""


@register_group.command(name="list")
@click.option("--since", metavar="YYYY-MM-DD", help="Only certificates issued on or after this date.")
@click.option("--kind", type=_NUMBERED_KIND, help="Only certificates of this kind.")
@_register_options
def register_list(since: str | None, kind: str | None, register_path: Path | None,
                  profile_path: Path | None) -> None:
    """List certificates in the order they were numbered.

    \b
    Example:
      medocs register list --since 2025-04-01 --kind decline-certificate --register reg.sqlite
    """
    after = parse_date(since, field="--since") if since else None
    with _existing_register(register_path, profile_path) as reg:
        entries = reg.list(since=after, kind=kind)
    rows = [("number", "kind", "case_ref", "issued_on", "status", "output")] + [
        (e.number, e.kind, e.case_ref, e.issued_on.isoformat(), e.status, e.output_name or "")
        for e in entries
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        click.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
    click.echo(f"{len(entries)} certificate(s)", err=True)


@register_group.command(name="show")
@click.argument("number")
@_register_options
def register_show(number: str, register_path: Path | None, profile_path: Path | None) -> None:
    """Show everything the register holds about certificate NUMBER.

    \b
    Example:
      medocs register show GM-2025-000123 --register reg.sqlite
    """
    with _existing_register(register_path, profile_path) as reg:
        entry = reg.show(number)
        successor = reg.superseded_by(number)
    for item in dataclasses.fields(entry):
        value = getattr(entry, item.name)
        # ISO 8601 (generated_at with its time zone), as 'register export' writes it.
        shown = value.isoformat() if isinstance(value, date) else value
        click.echo(f"{item.name}: {'' if shown is None else shown}")
    if successor is not None:
        click.echo(f"superseded_by: {successor.number}")


@register_group.command(name="verify")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@_register_options
def register_verify(file: Path, register_path: Path | None, profile_path: Path | None) -> None:
    """Say whether FILE is a certificate this register issued, unaltered (exit 1 if not).

    \b
    Example:
      medocs register verify out/GM-2024-1183-decline-certificate.docx --register reg.sqlite
    """
    with _existing_register(register_path, profile_path) as reg:
        entry = reg.verify(file)
        where = reg.path
        successor = reg.superseded_by(entry.number) if entry is not None else None
    if entry is None:
        hint = (" (PDFs are not registered: verify the .docx it was made from)"
                if file.suffix.lower() == ".pdf" else "")
        click.echo(f"{file}: NOT a certificate issued in {where}, or altered since it was issued{hint}")
        sys.exit(1)
    replaced = (f"; superseded by certificate {successor.number}, issued on {successor.issued_on.isoformat()}"
                if successor is not None else "")
    click.echo(f"{file}: certificate {entry.number} ({entry.kind}) for case {entry.case_ref}, "
               f"issued on {entry.issued_on.isoformat()}, unaltered{replaced}")


@register_group.command(name="export")
@click.option("--csv", "as_csv", is_flag=True, default=True, help="As CSV (the only format).")
@click.option("--out", "out_file", type=click.Path(path_type=Path, dir_okay=False),
              help="Write to this file instead of the screen.")
@click.option("--force", is_flag=True, help="Replace --out if it exists.")
@_register_options
def register_export(as_csv: bool, out_file: Path | None, force: bool, register_path: Path | None,
                    profile_path: Path | None) -> None:
    """Export every certificate as CSV, safe to open in a spreadsheet.

    \b
    Example:
      medocs register export --csv --out register.csv --register reg.sqlite
    """
    buffer = io.StringIO(newline="")
    with _existing_register(register_path, profile_path) as reg:
        count = reg.export_csv(buffer)
    if out_file is None:
        click.echo(buffer.getvalue(), nl=False)
        return
    # A BOM so that Excel reads the names as UTF-8.
    write_atomic(out_file, buffer.getvalue().encode("utf-8-sig"), force=force)
    click.echo(f"wrote {count} certificate(s) to {out_file}", err=True)


class _TerminalPrompter:
    """Asks through click. Ctrl-C or the end of input aborts (exit 1) before anything is written."""

    def ask(self, prompt: str) -> str:
        return str(click.prompt(prompt, default="", show_default=False, prompt_suffix=""))

    def say(self, text: str) -> None:
        click.echo(text)


@main.command()
@click.argument("kind", type=click.Choice(ADVOCATE_KINDS))
@click.argument("case_file", required=False,
                type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option("--out", required=True, type=click.Path(path_type=Path),
              help="Output file (.docx or .txt), or a folder to write {case_ref}-{kind} into.")
@click.option("--profile", "profile_path", type=click.Path(path_type=Path, dir_okay=False),
              help="Organisation profile giving the LA's and the adviser's details (default: "
                   "$MEDOCS_PROFILE). Without one, they are asked for.")
@click.option("--advocate", "advocate_path", type=click.Path(path_type=Path, dir_okay=False),
              help="A TOML file whose [advocate] table gives your details (default: "
                   "$MEDOCS_ADVOCATE).")
@click.option("--save-case", "save_case", type=click.Path(path_type=Path, dir_okay=False),
              help="Save the answers as a TOML case file, for the next letter in this case.")
@click.option("--no-input", is_flag=True, help="Never ask: fail, listing every missing field.")
@click.option("--format", "fmt", type=click.Choice(["docx", "txt"]), default="docx",
              show_default=True, help="txt: plain text ready to paste into an email.")
@click.option("--pdf", is_flag=True, help="Also write a PDF (needs LibreOffice; docx only).")
@click.option("--ics", "ics_path", type=click.Path(path_type=Path, dir_okay=False),
              help="Also write the letter's deadlines to this iCalendar file.")
@click.option("--templates", type=click.Path(path_type=Path, file_okay=False),
              help="Folder of your own templates.")
@click.option("--force", is_flag=True, help="Replace existing output files.")
@click.option("--today", metavar="YYYY-MM-DD", help="Treat this as today (the default letter date).")
@click.pass_context
def draft(ctx: click.Context, kind: str, case_file: Path | None, out: Path,
          profile_path: Path | None, advocate_path: Path | None, save_case: Path | None,
          no_input: bool, fmt: str, pdf: bool, ics_path: Path | None, templates: Path | None,
          force: bool, today: str | None) -> None:
    """Draft an advocate's letter, asking for whatever the case file does not give.

    KIND is mediation-request (to the LA), certificate-request (to the mediation adviser),
    mediation-not-arranged (to both, after 30 days) or agreement-chase (to the LA). Dates can
    be typed as 2025-03-01, 1/3/2025 or 1 March 2025. The computed dates are shown, with how
    each was worked out, before anything is written.

    \b
    Examples:
      medocs draft mediation-request --out out/
      medocs draft certificate-request samples/certificate-request.toml --out out/ --pdf
      medocs draft mediation-request case.toml --profile la.toml --save-case case.toml --force
      medocs draft agreement-chase case.toml --no-input --format txt --out chase.txt
    """
    if pdf and fmt == "txt":
        msg = "--pdf needs --format docx"
        raise click.UsageError(msg)
    doc_kind = document_kind(kind)
    now = parse_date(today, field="--today") if today else _today_in_england()
    check_free([save_case, ics_path], force=force)
    advocate_file = advocate_path or (
        Path(os.environ["MEDOCS_ADVOCATE"]) if os.environ.get("MEDOCS_ADVOCATE") else None)
    where = str(case_file) if case_file else "your answers"
    answers, notes = seed_case(
        kind, read_case_data(case_file) if case_file else {},
        profile=_optional_profile(profile_path),
        advocate=read_advocate(advocate_file) if advocate_file else None, where=where,
    )
    for note in notes:
        click.echo(f"note: {note}", err=True)
    prompter = None if no_input else _TerminalPrompter()
    replace: set[Path] = set()  # letters the person agreed to replace
    checked: set[Path] = set()

    def check_letter(sofar: Any) -> None:
        # As soon as the letter's name is known, and before more questions, say it exists.
        ref = sofar.get("case_ref") if out.suffix.lower() not in (".docx", ".txt") else "-"
        if not ref:
            return
        target = outputs_for(out, doc_kind, str(ref), fmt)
        if target in checked or force or not target.exists():
            return
        checked.add(target)
        if prompter is None:
            check_free([target], force=False)
        elif confirm(prompter, f"\n{target} already exists. Replace it?", default=False):
            replace.add(target)
        else:
            click.echo(f"Nothing written: {target} is kept (give another --out, or --force).",
                       err=True)
            ctx.exit(1)

    try:
        case = collect_case(kind, answers, prompter=prompter, today=now, where=where,
                            from_file=case_file is not None, after_each=check_letter)
        target = outputs_for(out, doc_kind, getattr(case, "case_ref"), fmt)  # noqa: B009
        check_letter({"case_ref": getattr(case, "case_ref")})  # noqa: B009
        if prompter is not None:
            click.echo("\nThe letter gives these dates:")
            for line in dates_summary(letter_deadlines(case, today=now)):
                click.echo(line)
            if not confirm(prompter, f"\nWrite {target}?"):
                click.echo("Nothing written.", err=True)
                ctx.exit(1)
    except click.Abort:
        # Ctrl-C or the end of input while asking.
        click.echo("\nStopped: nothing was written.", err=True)
        ctx.exit(1)
    written, warnings = write_draft(doc_kind, case, target=target, fmt=fmt, today=now,
                                    stamp=_stamp(now), templates=templates, force=force,
                                    save_case=save_case, ics=ics_path,
                                    replace_letter=target in replace)
    if prompter is None:
        _warn(warnings)
    for path in written:
        click.echo(f"wrote {path}")
    if pdf:
        (pdf_file,) = convert([target], target.parent)
        click.echo(f"wrote {pdf_file}")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
