"""medocs.files: staged, fsynced, published output files; never half-written, never clobbered."""

from __future__ import annotations

from pathlib import Path

import pytest

from medocs.errors import OutputExistsError
from medocs.files import (
    check_free,
    discard_file,
    publish_file,
    remove_stale_temp_files,
    stage_files,
    write_atomic,
)


class TestCheckFree:
    def test_names_the_first_existing_file(self, tmp_path: Path) -> None:
        (tmp_path / "b.ics").write_text("mine", encoding="utf-8")
        (tmp_path / "c.toml").write_text("mine", encoding="utf-8")
        with pytest.raises(OutputExistsError, match=r"b\.ics"):
            check_free([None, tmp_path / "a.docx", tmp_path / "b.ics", tmp_path / "c.toml"], force=False)

    def test_missing_files_and_force_pass(self, tmp_path: Path) -> None:
        (tmp_path / "b.ics").write_text("mine", encoding="utf-8")
        check_free([None, tmp_path / "a.docx"], force=False)
        check_free([tmp_path / "b.ics"], force=True)


class TestWriteAtomic:
    def test_writes_new_file(self, tmp_path: Path) -> None:
        """A new file gets the bytes and no temporary file is left."""
        write_atomic(tmp_path / "a.docx", b"data")
        assert (tmp_path / "a.docx").read_bytes() == b"data"
        assert [p.name for p in tmp_path.iterdir()] == ["a.docx"]

    def test_refuses_existing_file(self, tmp_path: Path) -> None:
        """An existing file is kept and the error names it."""
        target = tmp_path / "a.docx"
        target.write_bytes(b"old")
        with pytest.raises(OutputExistsError, match="a.docx"):
            write_atomic(target, b"new")
        assert target.read_bytes() == b"old"
        assert [p.name for p in tmp_path.iterdir()] == ["a.docx"]

    def test_force_replaces(self, tmp_path: Path) -> None:
        """force=True replaces an existing file."""
        target = tmp_path / "a.docx"
        target.write_bytes(b"old")
        write_atomic(target, b"new", force=True)
        assert target.read_bytes() == b"new"
        assert [p.name for p in tmp_path.iterdir()] == ["a.docx"]

    def test_failed_write_leaves_nothing(self, tmp_path: Path) -> None:
        """A write that fails half-way leaves neither the file nor a temporary file."""
        with pytest.raises(TypeError):
            write_atomic(tmp_path / "a.docx", "not bytes")  # type: ignore[arg-type]
        assert list(tmp_path.iterdir()) == []


class TestStagePublish:
    def test_staged_files_are_hidden_until_published(self, tmp_path: Path) -> None:
        """Staged files exist only under hidden temporary names until published."""
        staged = stage_files([(tmp_path / "a.docx", b"A"), (tmp_path / "b.docx", b"B")])
        assert not (tmp_path / "a.docx").exists()
        assert all(s.temp.name.startswith(".") for s in staged)
        for item in staged:
            publish_file(item)
        assert sorted(p.name for p in tmp_path.iterdir()) == ["a.docx", "b.docx"]
        assert (tmp_path / "b.docx").read_bytes() == b"B"

    def test_publish_never_replaces_without_force(self, tmp_path: Path) -> None:
        """Publishing over an existing file fails and keeps the old one."""
        (tmp_path / "a.docx").write_bytes(b"old")
        (staged,) = stage_files([(tmp_path / "a.docx", b"new")])
        with pytest.raises(OutputExistsError):
            publish_file(staged)
        assert (tmp_path / "a.docx").read_bytes() == b"old"
        discard_file(staged)
        assert [p.name for p in tmp_path.iterdir()] == ["a.docx"]

    def test_stale_temp_files_of_a_killed_run_are_removed(self, tmp_path: Path) -> None:
        """Temporary files left by a killed run are found by name and removed."""
        (leftover,) = stage_files([(tmp_path / "a.docx", b"A")])
        (tmp_path / "keep.txt").write_text("mine")
        assert remove_stale_temp_files(tmp_path, {"a.docx"}) == 1
        assert not leftover.temp.exists()
        assert [p.name for p in tmp_path.iterdir()] == ["keep.txt"]
