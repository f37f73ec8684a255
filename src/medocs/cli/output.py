"""The one way the CLI prints: every line passes through :func:`medocs.reports.terminal_safe`.

Case references, names and cell values come from files people (or attackers) wrote; an ESC
sequence or carriage return among them must show as text, never recolour the terminal or
overwrite a line with a fake summary. A test keeps ``click.echo`` out of every other module.
"""

from __future__ import annotations

import click

from medocs.reports import terminal_safe

__all__ = ["echo"]


def echo(message: object = "", *, err: bool = False, nl: bool = True) -> None:
    """Print ``message`` as ``click.echo`` does, control characters shown as escapes.

    Args:
        message: the text (anything else is printed as ``str()`` of it).
        err: print to stderr instead of stdout.
        nl: end with a newline.
    """
    click.echo(terminal_safe(str(message)), err=err, nl=nl)
