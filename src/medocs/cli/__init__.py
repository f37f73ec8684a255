"""The medocs command line: parse options, call one library function, print.

One module per command (timeline, render, check and fields, samples, batch, register, draft,
pack);
common holds what they share (the KIND argument, the profile and register options, today's
date). No date or template logic lives here. A ``MedocsError`` becomes a one-line message and
exit status 1; click's usage errors exit 2.

It sits on top: it may import anything in medocs, and nothing in medocs imports it.
"""

from __future__ import annotations

import io
import os
import sys
from typing import Any

import click

from medocs._version import __version__
from medocs.cli.output import echo
from medocs.errors import MedocsError


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
            echo(f"medocs: error: {exc}", err=True)
            ctx.exit(1)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as exc:
            # A fault of medocs, not of the input: still one line, and the way to see more.
            if ctx.meta.get("medocs.debug"):
                raise
            echo(f"medocs: error: unexpected {type(exc).__name__}: {exc} (run again with --debug "
                 "to see where, and report it)", err=True)
            ctx.exit(1)


_BROKEN_PIPE = 141  # 128 + SIGPIPE: what a shell reports for `cat` when `head` stops reading




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
      medocs pack samples/journeys/khan-declined.toml --profile profile.toml --out out/khan
      medocs check my-templates/decision-letter.docx --kind decision-letter
      medocs samples my-medocs/
      medocs serve --profile profile.toml --out out/

    'medocs samples DIR' copies example profiles, case files and batch files to start from.
    Every command has --help with examples. Errors are one line (exit 1); --debug shows the
    Python traceback.
    """
    ctx.meta["medocs.debug"] = debug


# The commands register themselves on the group here, after it exists.
from medocs.cli.batch import batch  # noqa: E402
from medocs.cli.check import check, fields  # noqa: E402
from medocs.cli.draft import draft  # noqa: E402
from medocs.cli.pack import pack  # noqa: E402
from medocs.cli.register import register_group  # noqa: E402
from medocs.cli.render import render  # noqa: E402
from medocs.cli.samples import samples  # noqa: E402
from medocs.cli.serve import serve  # noqa: E402
from medocs.cli.timeline import timeline  # noqa: E402

for _command in (batch, check, draft, fields, pack, register_group, render, samples, serve, timeline):
    main.add_command(_command)

__all__ = ["main"]
