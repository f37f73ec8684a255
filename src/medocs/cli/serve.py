"""``medocs serve``: start the local web app (medocs.web) and print its address."""

from __future__ import annotations

import os
from pathlib import Path

import click

from medocs.cli.common import PROFILE_HELP, optional_profile, today_in_england
from medocs.cli.output import echo


@click.command()
@click.option("--profile", "profile_path", type=click.Path(path_type=Path, dir_okay=False),
              help=PROFILE_HELP + " Without one, only the advocates' letters can be made.")
@click.option("--out", default=Path("out"), show_default=True,
              type=click.Path(path_type=Path, file_okay=False), help="Folder the documents are written to.")
@click.option("--register", "register_path", type=click.Path(path_type=Path, dir_okay=False),
              help="Certificate register (SQLite). Default: the profile's, else your data folder.")
@click.option("--templates", type=click.Path(path_type=Path, file_okay=False),
              help="Folder of your own templates (e.g. with your letterhead).")
@click.option("--port", default=8765, show_default=True, type=click.IntRange(0, 65535),
              help="TCP port (0: any free port).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Anything but 127.0.0.1 is for a trusted network only.")
@click.option("--no-browser", is_flag=True, help="Do not open the browser.")
def serve(profile_path: Path | None, out: Path, register_path: Path | None, templates: Path | None,
          port: int, host: str, no_browser: bool) -> None:
    """Open the documents, deadlines and register in your browser (this computer only).

    Prints an address with a one-off access token; only a browser that opened it can use
    the app. Ctrl-C stops it.

    \b
    Example:
      medocs serve --profile samples/westminster.toml --out out/
    """
    from medocs.web import serve as run_server  # noqa: PLC0415 - the web stack loads only here

    from_env = os.environ.get("MEDOCS_PROFILE")
    chosen = profile_path or (Path(from_env) if from_env else None)
    run_server(profile=optional_profile(profile_path), profile_path=chosen, out=out,
               register=register_path, today=today_in_england, host=host, port=port,
               open_browser=not no_browser, templates=templates, say=lambda line: echo(line, err=True))
