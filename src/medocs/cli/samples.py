"""``medocs samples``: copy the shipped examples to start from."""

from __future__ import annotations

from pathlib import Path

import click

from medocs.cli.output import echo
from medocs.sample_files import copy_samples


@click.command()
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
    copied = copy_samples(folder, force=force)
    echo(f"copied {len(copied)} sample files to {folder} "
         f"(a profile to start from: {folder / 'example-profile.toml'})")
