"""medocs.issuing: documents rendered, written safely, numbered and registered, on real files and SQLite."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from docx import Document
from helpers import docx_text

from medocs.documents.kinds import KINDS
from medocs.errors import MedocsError, OutputExistsError
from medocs.issuing import Issued, Job, issue_document, issue_documents, reserve_numbers
from medocs.loading import load_case
from medocs.profiles import Profile
from medocs.register import Register, file_sha256

TODAY = date(2025, 1, 6)
DECLINE = KINDS["decline-certificate"]
LETTER = KINDS["decision-letter"]


def _issued(results: list[Issued | MedocsError]) -> Issued:
    (result,) = results
    assert isinstance(result, Issued), result
    return result


def test_a_certificate_is_numbered_written_and_registered_with_its_hash(
        samples: Path, profile: Profile, register: Register, tmp_path: Path) -> None:
    case = load_case(samples / "decline-certificate.toml", DECLINE.model)
    target = tmp_path / "out" / "cert.docx"
    issued = issue_document(DECLINE, case, profile, target=target, today=TODAY, register=register)
    assert issued.status == "issued"
    assert issued.certificate_number is not None
    assert issued.certificate_number in docx_text(target)
    assert issued.sha256 == file_sha256(target)
    entry = register.show(issued.certificate_number)
    assert (entry.status, entry.sha256, entry.output_name) == ("issued", issued.sha256, "cert.docx")
    assert not [path for path in target.parent.iterdir() if path.name.endswith(".tmp")]


def test_a_rerun_finds_the_certificate_done_and_spends_no_number(
        samples: Path, profile: Profile, register: Register, tmp_path: Path) -> None:
    case = load_case(samples / "decline-certificate.toml", DECLINE.model)
    target = tmp_path / "cert.docx"
    first = issue_document(DECLINE, case, profile, target=target, today=TODAY, register=register)
    (job,) = reserve_numbers(DECLINE, [Job(case, target)], profile, register, today=TODAY)
    assert isinstance(job, Job)
    assert (job.number, job.issued_sha256) == (first.certificate_number, first.sha256)
    again = _issued(issue_documents(DECLINE, [job], profile, today=TODAY, register=register, resume=True))
    assert (again.status, again.sha256) == ("skipped-already-done", first.sha256)
    assert len(register.list()) == 1


def test_an_existing_file_the_register_does_not_know_is_not_ours(
        samples: Path, profile: Profile, register: Register, tmp_path: Path) -> None:
    case = load_case(samples / "decline-certificate.toml", DECLINE.model)
    target = tmp_path / "cert.docx"
    target.write_bytes(b"someone else's file")
    (result,) = reserve_numbers(DECLINE, [Job(case, target)], profile, register, today=TODAY)
    assert isinstance(result, OutputExistsError)
    assert "has no certificate for GM-2024-1183" in str(result)
    assert register.list() == []
    assert target.read_bytes() == b"someone else's file"


def test_a_kind_without_numbers_reserves_nothing(samples: Path, profile: Profile, register: Register,
                                                 tmp_path: Path) -> None:
    case = load_case(samples / "decision-letter.toml", LETTER.model)
    jobs = [Job(case, tmp_path / "letter.docx")]
    assert reserve_numbers(LETTER, jobs, profile, register, today=TODAY) == jobs
    assert register.list() == []


def test_a_letter_already_written_is_kept_when_it_is_the_same_document(
        samples: Path, profile: Profile, tmp_path: Path) -> None:
    case = load_case(samples / "decision-letter.toml", LETTER.model)
    target = tmp_path / "letter.docx"
    first = _issued(issue_documents(LETTER, [Job(case, target)], profile, today=TODAY))
    again = _issued(issue_documents(LETTER, [Job(case, target)], profile, today=TODAY, resume=True))
    assert (again.status, again.sha256) == ("skipped-already-done", first.sha256)
    assert Document(str(target)).paragraphs


def test_a_different_file_in_the_way_is_an_error_and_stays(samples: Path, profile: Profile,
                                                           tmp_path: Path) -> None:
    case = load_case(samples / "decision-letter.toml", LETTER.model)
    target = tmp_path / "letter.docx"
    target.write_bytes(b"my own notes")
    (resumed,) = issue_documents(LETTER, [Job(case, target)], profile, today=TODAY, resume=True)
    assert isinstance(resumed, OutputExistsError)
    assert "is not the document this case gives" in str(resumed)
    (plain,) = issue_documents(LETTER, [Job(case, target)], profile, today=TODAY)
    assert isinstance(plain, OutputExistsError)
    assert target.read_bytes() == b"my own notes"
    replaced = _issued(issue_documents(LETTER, [Job(case, target)], profile, today=TODAY, force=True))
    assert replaced.sha256 == file_sha256(target)


def test_issue_document_refuses_an_existing_target_before_reserving(
        samples: Path, profile: Profile, register: Register, tmp_path: Path) -> None:
    case = load_case(samples / "decline-certificate.toml", DECLINE.model)
    target = tmp_path / "cert.docx"
    target.write_bytes(b"x")
    with pytest.raises(OutputExistsError, match="--reissue"):
        issue_document(DECLINE, case, profile, target=target, today=TODAY, register=register)
    assert register.list() == []
