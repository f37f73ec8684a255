"""The medocs command line: parse options, call one library function, print.

No date or template logic lives here. A ``MedocsError`` becomes a one-line message and exit
status 1; click's usage errors exit 2.
"""

from __future__ import annotations

import json
import sys
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import click

from medocs import __version__
from medocs.dates import long_date, parse_date
from medocs.errors import MedocsError
from medocs.timeline import Deadline, TimelineDates, compute_timeline


class _MedocsGroup(click.Group):
    """Turn every MedocsError into a clean message; show a traceback only with --debug."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except MedocsError as exc:
            if ctx.meta.get("medocs.debug"):
                raise
            click.echo(f"medocs: error: {exc}", err=True)
            ctx.exit(1)


@click.group(cls=_MedocsGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="medocs")
@click.option("--debug", is_flag=True, help="Show Python tracebacks for errors.")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """Letters and certificates of SEND mediation in England, with every date explained.

    \b
    Examples:
      medocs timeline --decision-sent 2024-10-01 --certificate-issued 2024-11-29
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
def timeline(as_json: bool, today: str | None, **given: str | None) -> None:
    """Compute every deadline the given dates allow, and explain each one.

    \b
    Examples:
      medocs timeline --decision-sent 2024-10-01
      medocs timeline --decision-sent 2024-10-01 --certificate-issued 2024-11-29 --json
      medocs timeline --request-received 2025-01-06
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
    if as_json:
        click.echo(json.dumps({key: d.to_json() for key, d in result.items()}, indent=2))
    else:
        click.echo(_timeline_table(result))


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


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
