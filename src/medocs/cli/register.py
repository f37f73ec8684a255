"""``medocs register``: list, show, verify and export issued certificates."""

from __future__ import annotations

import dataclasses
import io
import sys
from datetime import date
from pathlib import Path
from typing import Any

import click

from medocs.cli.common import (
    NUMBERED_KIND,
    optional_profile,
    register_path_for,
)
from medocs.cli.output import echo
from medocs.errors import RegisterError
from medocs.register import Register
from medocs.timeline.dates import parse_date


def _register_options(func: Any) -> Any:
    func = click.option("--profile", "profile_path", type=click.Path(path_type=Path, dir_okay=False),
                        help="Use the register the profile names. Default: $MEDOCS_PROFILE.")(func)
    return click.option("--register", "register_path", type=click.Path(path_type=Path, dir_okay=False),
                        help="Certificate register (SQLite). Default: the profile's, else your data "
                        "folder.")(func)


def _existing_register(register_path: Path | None, profile_path: Path | None) -> Register:
    """Open the register chosen as for batch and render; it must exist already."""
    path = register_path or register_path_for(None, optional_profile(profile_path))
    if not path.is_file():
        msg = f"no certificate register at {path}: give --register FILE or a profile that names one"
        raise RegisterError(msg)
    return Register(path, read_only=True)  # reading commands work on read-only media too


@click.group(name="register")
def register_group() -> None:
    """The certificate register: list, show, verify and export issued certificates."""


@register_group.command(name="list")
@click.option("--since", metavar="YYYY-MM-DD", help="Only certificates issued on or after this date.")
@click.option("--kind", type=NUMBERED_KIND, help="Only certificates of this kind.")
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
        echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
    echo(f"{len(entries)} certificate(s)", err=True)


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
        echo(f"{item.name}: {'' if shown is None else shown}")
    if successor is not None:
        echo(f"superseded_by: {successor.number}")


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
        echo(f"{file}: NOT a certificate issued in {where}, or altered since it was issued{hint}")
        sys.exit(1)
    replaced = (f"; superseded by certificate {successor.number}, issued on {successor.issued_on.isoformat()}"
                if successor is not None else "")
    echo(f"{file}: certificate {entry.number} ({entry.kind}) for case {entry.case_ref}, "
               f"issued on {entry.issued_on.isoformat()}, unaltered{replaced}")


@register_group.command(name="export")
@click.option("--csv", is_flag=True, expose_value=False,
              help="As CSV: the one format, so the export is CSV with or without it.")
@click.option("--out", "out_file", type=click.Path(path_type=Path, dir_okay=False),
              help="Write to this file instead of the screen.")
@click.option("--force", is_flag=True, help="Replace --out if it exists.")
@_register_options
def register_export(out_file: Path | None, force: bool, register_path: Path | None,
                    profile_path: Path | None) -> None:
    """Export every certificate as CSV, safe to open in a spreadsheet.

    \b
    Example:
      medocs register export --csv --out register.csv --register reg.sqlite
    """
    with _existing_register(register_path, profile_path) as reg:
        if out_file is None:
            buffer = io.StringIO(newline="")
            reg.export_csv(buffer)
            echo(buffer.getvalue(), nl=False)
            return
        count = reg.export_csv_file(out_file, force=force)
    echo(f"wrote {count} certificate(s) to {out_file}", err=True)
