"""The shipped examples (profiles, case files, batch files), copied for a user to start from.

Used by ``medocs samples``. It reads the ``samples`` folder (:func:`medocs.documents.kinds.data_dir`)
and writes with :mod:`medocs.files`, so nothing is replaced without ``force``.
"""

from __future__ import annotations

import os
from pathlib import Path

from medocs.documents.kinds import data_dir
from medocs.errors import OutputExistsError
from medocs.files import write_atomic

__all__ = ["copy_samples", "sample_files"]


def sample_files(root: Path) -> list[Path]:
    """The shipped samples to copy, relative to ``root``: profiles, case files, batch files."""
    return sorted(
        path.relative_to(root) for path in root.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
    )


def copy_samples(folder: Path, *, force: bool = False) -> list[Path]:
    """Copy every shipped sample into ``folder``, keeping their sub-folders.

    Nothing is written if any of the files is there already and ``force`` is False.

    Args:
        folder: where to copy them (created if missing).
        force: replace files of the same name.

    Returns:
        The files written, in ``folder``.

    Raises:
        OutputExistsError: some of the files exist and ``force`` is False (naming one of them).
        OSError: a file cannot be written.
    """
    root = data_dir("samples")
    files = sample_files(root)
    present = [str(folder / name) for name in files if os.path.lexists(folder / name)]
    if present and not force:
        msg = (f"{len(present)} sample file(s) already in {folder}, e.g. {present[0]}: "
               "use --force to replace them, or choose another folder")
        raise OutputExistsError(msg)
    written = []
    for name in files:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        write_atomic(folder / name, (root / name).read_bytes(), force=force)
        written.append(folder / name)
    return written
