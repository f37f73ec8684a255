"""Tests of medocs.drafting.writing's LetterGuard: an existing letter is replaced only if agreed."""

from __future__ import annotations

from pathlib import Path

import pytest

from medocs.documents.kinds import KINDS
from medocs.drafting.writing import LetterGuard
from medocs.errors import OutputExistsError, ReplaceDeclinedError

KIND = KINDS["mediation-request"]


class Answers:
    """A person at the keyboard who gives these answers in turn and reads what is said."""

    def __init__(self, *answers: str) -> None:
        self.answers = list(answers)
        self.asked: list[str] = []

    def ask(self, prompt: str) -> str:
        self.asked.append(prompt)
        return self.answers.pop(0)

    def say(self, text: str) -> None:
        self.asked.append(text)


@pytest.fixture
def existing(tmp_path: Path) -> Path:
    """The letter a folder --out gives case C-1, already there."""
    path = tmp_path / "C-1-mediation-request.docx"
    path.write_bytes(b"an earlier letter")
    return path


class TestLetterGuard:
    def test_nothing_happens_until_the_case_ref_is_known(self, tmp_path: Path, existing: Path) -> None:
        person = Answers()
        LetterGuard(tmp_path, KIND, "docx", force=False, prompter=person)({})
        assert person.asked == []

    def test_with_no_one_to_ask_an_existing_letter_is_an_error(self, tmp_path: Path, existing: Path) -> None:
        guard = LetterGuard(tmp_path, KIND, "docx", force=False, prompter=None)
        with pytest.raises(OutputExistsError, match="already exists: use --force"):
            guard({"case_ref": "C-1"})

    def test_a_no_keeps_the_letter(self, tmp_path: Path, existing: Path) -> None:
        guard = LetterGuard(tmp_path, KIND, "docx", force=False, prompter=Answers("n"))
        with pytest.raises(ReplaceDeclinedError) as caught:
            guard({"case_ref": "C-1"})
        assert caught.value.path == existing
        assert str(caught.value) == f"Nothing written: {existing} is kept (give another --out, or --force)."

    def test_a_yes_is_remembered_and_asked_once(self, tmp_path: Path, existing: Path) -> None:
        person = Answers("y")
        guard = LetterGuard(tmp_path, KIND, "docx", force=False, prompter=person)
        guard({"case_ref": "C-1"})
        guard({"case_ref": "C-1"})
        assert guard.agreed == {existing}
        assert len(person.asked) == 1
        assert "already exists. Replace it?" in person.asked[0]

    def test_force_asks_nothing(self, tmp_path: Path, existing: Path) -> None:
        person = Answers()
        guard = LetterGuard(tmp_path, KIND, "docx", force=True, prompter=person)
        guard({"case_ref": "C-1"})
        assert person.asked == []
        assert guard.agreed == set()

    def test_a_named_file_is_checked_before_any_answer(self, tmp_path: Path) -> None:
        named = tmp_path / "letter.txt"
        named.write_text("an earlier letter", encoding="utf-8")
        guard = LetterGuard(tmp_path / "letter.docx", KIND, "txt", force=False, prompter=None)
        with pytest.raises(OutputExistsError, match=r"letter\.txt already exists"):
            guard({})
