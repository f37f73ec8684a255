"""medocs.sample_files: the shipped examples copied for a user, never over their own files."""

from __future__ import annotations

from pathlib import Path

import pytest

from medocs.documents.kinds import data_dir
from medocs.errors import OutputExistsError
from medocs.profiles import load_profile
from medocs.sample_files import copy_samples, sample_files


def test_sample_files_are_the_shipped_files_without_bytecode() -> None:
    names = sample_files(data_dir("samples"))
    assert Path("example-profile.toml") in names
    assert Path("batch/decline-certificate.csv") in names
    assert not [name for name in names if name.suffix == ".pyc" or "__pycache__" in name.parts]
    assert names == sorted(names)


def test_copy_samples_copies_every_file_byte_for_byte(tmp_path: Path) -> None:
    folder = tmp_path / "my-medocs"
    written = copy_samples(folder)
    root = data_dir("samples")
    assert written == [folder / name for name in sample_files(root)]
    for name in sample_files(root):
        assert (folder / name).read_bytes() == (root / name).read_bytes()
    assert load_profile(folder / "example-profile.toml").la.name


def test_copy_samples_writes_nothing_if_one_file_is_there(tmp_path: Path) -> None:
    folder = tmp_path / "my-medocs"
    folder.mkdir()
    (folder / "example-profile.toml").write_text("mine", encoding="utf-8")
    with pytest.raises(OutputExistsError, match=r"1 sample file\(s\) already in .*--force"):
        copy_samples(folder)
    assert [path.name for path in folder.iterdir()] == ["example-profile.toml"]
    assert (folder / "example-profile.toml").read_text(encoding="utf-8") == "mine"


def test_copy_samples_with_force_replaces(tmp_path: Path) -> None:
    folder = tmp_path / "my-medocs"
    folder.mkdir()
    (folder / "example-profile.toml").write_text("mine", encoding="utf-8")
    copy_samples(folder, force=True)
    shipped = data_dir("samples") / "example-profile.toml"
    assert (folder / "example-profile.toml").read_bytes() == shipped.read_bytes()
