"""``medocs timeline``: every deadline the given dates allow, explained."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from medocs.calendars import write_timeline_calendar
from medocs.cli.common import today_option
from medocs.cli.output import echo
from medocs.files import check_free
from medocs.timeline.dates import long_date, parse_date
from medocs.timeline.deadlines import Deadline, TimelineDates, compute_timeline

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


@click.command()
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
    now = today_option(today)
    result = compute_timeline(TimelineDates(**dates, today=now))
    if ics_path is not None:
        check_free([ics_path], force=force)
    if as_json:
        echo(json.dumps({key: d.to_json() for key, d in result.items()}, indent=2))
    else:
        echo(_timeline_table(result))
    if ics_path is not None:
        write_timeline_calendar(ics_path, result, dates, today=now, force=force)
        echo(f"wrote {ics_path}", err=True)


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
