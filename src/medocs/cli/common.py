"""What the commands share: the kind argument, the profile and register options, today's date."""

from __future__ import annotations

import contextlib
import os
import signal
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import click
from click.shell_completion import CompletionItem

from medocs.api import register_file
from medocs.cli.output import echo
from medocs.documents.kinds import KINDS, DocumentKind, copied_template_changes
from medocs.profiles import Profile, load_profile
from medocs.suggest import closest
from medocs.timeline.dates import parse_date


@contextlib.contextmanager
def terminate_as_interrupt() -> Iterator[None]:
    """Make SIGTERM and SIGHUP stop the work as Ctrl-C does, shutting workers and LibreOffice down."""
    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = {sig: signal.signal(sig, interrupt) for sig in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def today_in_england() -> date:
    """The CLI reads the clock once, in England's time zone; the library never does."""
    return datetime.now(tz=ZoneInfo("Europe/London")).date()


def today_option(given: str | None) -> date:
    """The date a ``--today YYYY-MM-DD`` option gives, or today in England without one."""
    return parse_date(given, field="--today") if given else today_in_england()


class KindType(click.ParamType):  # type: ignore[type-arg]  # generic only in newer click
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
        match = closest(text.strip().lower().replace("_", "-"), self.kinds)
        hint = f"did you mean {match!r}? " if match else ""
        self.fail(f"unknown {self.what} {text!r}: {hint}(kinds: {', '.join(self.kinds)})", param, ctx)


KIND = KindType(list(KINDS))
NUMBERED_KIND = KindType([name for name, kind in KINDS.items() if kind.numbered],
                         what="kind of certificate")
PROFILE_HELP = "Organisation profile (TOML). Default: $MEDOCS_PROFILE."
LARGE_PRINT_HELP = "Large print: 16 pt text, for a family who asks for it (needs --profile)."


def _profile_path(path: Path | None) -> Path | None:
    """The profile chosen: ``--profile``, else ``$MEDOCS_PROFILE``, else none."""
    return path or (Path(os.environ["MEDOCS_PROFILE"]) if os.environ.get("MEDOCS_PROFILE") else None)


def require_profile(path: Path | None) -> Profile:
    """Load the profile chosen by ``--profile`` or ``$MEDOCS_PROFILE``; a usage error without one."""
    chosen = _profile_path(path)
    if chosen is None:
        msg = (
            "no organisation profile: pass --profile FILE or set MEDOCS_PROFILE "
            "(run 'medocs samples DIR' for DIR/example-profile.toml to start from)"
        )
        raise click.UsageError(msg)
    return load_profile(chosen)


def optional_profile(path: Path | None) -> Profile | None:
    """Load the profile chosen by ``--profile`` or ``$MEDOCS_PROFILE``, or None without one."""
    chosen = _profile_path(path)
    return load_profile(chosen) if chosen is not None else None


register_path_for = register_file  # the one rule, shared with medocs.render


def warn_if_template_changed(kind: DocumentKind[Any], templates: Path | None) -> None:
    """Say once, before rendering, that medocs's own template changed since the copy in use."""
    lines = copied_template_changes(kind, templates)
    if lines:
        echo(f"warning: {lines[0]}", err=True)
        for line in lines[1:]:
            echo(line, err=True)


def echo_warnings(lines: tuple[str, ...] | list[str]) -> None:
    """Print each warning on stderr as ``warning: ...``."""
    for line in lines:
        echo(f"warning: {line}", err=True)
