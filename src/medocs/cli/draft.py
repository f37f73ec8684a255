"""``medocs draft``: an advocate's letter, asking for what the case file lacks."""

from __future__ import annotations

import os
from pathlib import Path

import click

from medocs.calendars import calendar_stamp
from medocs.cli.common import (
    echo_warnings,
    optional_profile,
    today_option,
)
from medocs.cli.output import echo
from medocs.documents.advocacy import letter_deadlines
from medocs.documents.kinds import document_kind
from medocs.drafting.session import (
    ADVOCATE_KINDS,
    collect_case,
    confirm,
    dates_summary,
    read_advocate,
    seed_case,
)
from medocs.drafting.writing import LetterGuard, outputs_for, write_draft
from medocs.errors import ReplaceDeclinedError
from medocs.files import check_free
from medocs.loading import read_case_data


class _TerminalPrompter:
    """Asks through click. Ctrl-C or the end of input aborts (exit 1) before anything is written."""

    def ask(self, prompt: str) -> str:
        return str(click.prompt(prompt, default="", show_default=False, prompt_suffix=""))

    def say(self, text: str) -> None:
        echo(text)


@click.command()
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
    now = today_option(today)
    check_free([save_case, ics_path], force=force)
    advocate_file = advocate_path or (
        Path(os.environ["MEDOCS_ADVOCATE"]) if os.environ.get("MEDOCS_ADVOCATE") else None)
    where = str(case_file) if case_file else "your answers"
    answers, notes = seed_case(
        kind, read_case_data(case_file) if case_file else {},
        profile=optional_profile(profile_path),
        advocate=read_advocate(advocate_file) if advocate_file else None, where=where,
    )
    for note in notes:
        echo(f"note: {note}", err=True)
    prompter = None if no_input else _TerminalPrompter()
    guard = LetterGuard(out, doc_kind, fmt, force=force, prompter=prompter)
    try:
        case = collect_case(kind, answers, prompter=prompter, today=now, where=where,
                            from_file=case_file is not None, after_each=guard)
        target = outputs_for(out, doc_kind, case.case_ref, fmt)
        guard({"case_ref": case.case_ref})
        if prompter is not None:
            echo("\nThe letter gives these dates:")
            for line in dates_summary(letter_deadlines(case, today=now)):
                echo(line)
            if not confirm(prompter, f"\nWrite {target}?"):
                echo("Nothing written.", err=True)
                ctx.exit(1)
    except ReplaceDeclinedError as exc:
        echo(str(exc), err=True)
        ctx.exit(1)
    except click.Abort:
        # Ctrl-C or the end of input while asking.
        echo("\nStopped: nothing was written.", err=True)
        ctx.exit(1)
    written, warnings = write_draft(doc_kind, case, target=target, fmt=fmt, today=now,
                                    stamp=calendar_stamp(now), templates=templates, force=force,
                                    save_case=save_case, ics=ics_path,
                                    replace_letter=target in guard.agreed, pdf=pdf)
    if prompter is None:
        echo_warnings(warnings)
    for path in written:
        echo(f"wrote {path}")

