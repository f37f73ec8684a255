"""``medocs samples``: copy the shipped examples to start from."""

from __future__ import annotations

import os
from pathlib import Path

import click

from medocs.cli.output import echo
from medocs.documents.kinds import data_dir
from medocs.errors import OutputExistsError
from medocs.files import write_atomic


def _sample_files(root: Path) -> list[Path]:
    """The shipped samples to copy, relative to ``root``: profiles, case files, batch files."""
    return sorted(
        path.relative_to(root) for path in root.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
    )


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
    echo(f"copied {len(files)} sample files to {folder} "
               f"(a profile to start from: {folder / 'example-profile.toml'})")
