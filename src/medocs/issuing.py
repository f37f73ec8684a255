"""Issue documents: render, write safely, number and register certificates.

Used by ``medocs render`` for one case and by the batch for each chunk of rows, so that a
document issued either way is numbered, written and recorded the same way.

The order of the steps is what makes an interrupted run safe (``kill -9`` at any point):

1. numbers are reserved in the register (:func:`reserve_numbers`, one transaction), because
   they are printed on the certificate;
2. each document is rendered and written to a hidden temporary file, fsynced;
3. the register records each file's name and SHA-256 (one transaction): status ``issued``;
4. only then does each file get its name, and the folder is fsynced once.

So every certificate file on disk is one the register lists as issued with that hash, and
no file is ever partial. A re-run of the same rows skips the documents already on disk and
registered, finishes the ones an interruption left reserved, and re-creates (with the same
number and bytes) one whose rename never happened.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Literal

from medocs._version import __version__
from medocs.documents.deadline_names import column_name, is_old_name
from medocs.documents.digest import NUMBER_PLACEHOLDER, file_says, says_digest
from medocs.documents.kinds import DocumentKind, build_context, kind_template
from medocs.documents.rendering import CompiledTemplate
from medocs.errors import MedocsError, OutputError, OutputExistsError
from medocs.files import (
    StagedFile,
    discard_file,
    make_folder,
    publish_file,
    stage_file,
    stage_files,
    sync_directory,
    write_problem,
)
from medocs.models import CaseModel
from medocs.profiles import Profile
from medocs.register import Completion, Entry, Register, Reservation, file_sha256
from medocs.timeline.workdays import HOLIDAYS_DATA_VERSION

__all__ = [
    "IssueStatus",
    "Issued",
    "Job",
    "Prepared",
    "certificate_facts",
    "finish_documents",
    "issue_document",
    "issue_documents",
    "prepare_documents",
    "reserve_numbers",
]

IssueStatus = Literal["issued", "skipped-already-done"]


@dataclass(frozen=True)
class Issued:
    """What was written for one case."""

    case_ref: str
    docx: Path
    sha256: str
    certificate_number: str | None
    warnings: tuple[str, ...]
    key_dates: dict[str, str]
    status: IssueStatus = "issued"
    replaced: bool = False  # a reissue replaced the file of the certificate it supersedes
    reissue_of: str | None = None  # the number of the certificate this one supersedes


@dataclass(frozen=True)
class Job:
    """One document to issue.

    Attributes:
        case: the validated case.
        target: the .docx file to write.
        number: the certificate number printed on it (from the register or the case).
        registered: the number is the register's, to be completed there with the file's hash.
        issued_sha256: the hash the register holds when the number was issued already.
        replaces_sha256: a reissue may replace the file at ``target`` if it has this hash
            (the certificate it supersedes, which stays in the register).
        reissue_of: the number of the certificate this one supersedes, if it is a reissue.
    """

    case: CaseModel
    target: Path
    number: str | None = None
    registered: bool = False
    issued_sha256: str | None = None
    replaces_sha256: str | None = None
    reissue_of: str | None = None


def certificate_facts(case: Any, profile: Profile) -> dict[str, Any]:
    """The register columns of a certificate case: parties, decision date, date of issue."""
    return {
        "parties": f"{case.recipient.name}; {profile.la.name}",
        "decision_date": case.decision.letter_sent,
        "issued_on": case.issued_on,
    }


def _warnings(context: dict[str, Any]) -> tuple[str, ...]:
    found: list[str] = []
    for name, deadline in context.get("deadlines", {}).items():
        if not is_old_name(name):  # an old name is the same deadline again
            found += [f"{deadline['label']}: {w}" for w in deadline["warnings"]]
    return tuple(found)


def _key_dates(context: dict[str, Any]) -> dict[str, str]:
    """The manifest's key-date columns: each deadline by its key, and by its old ``_by`` name."""
    return {column_name(name): d["iso"] for name, d in context.get("deadlines", {}).items()}


def reserve_numbers(
    kind: DocumentKind[CaseModel],
    jobs: Sequence[Job],
    profile: Profile | None,
    register: Register,
    *,
    force: bool = False,
    reissue: bool = False,
    templates: Path | None = None,
    today: date,
) -> list[Job | MedocsError]:
    """Give each job of a numbered kind its certificate number, in one register transaction.

    Every number comes from the register (a case cannot give one: the models refuse it). A job
    whose file exists (and ``force`` is off) only looks its number up: no number is spent on
    a file that may not be written; if the register has no entry, the file is not ours.

    A reissue gives a new number only to a case whose data, profile or template changed
    since its latest certificate, and may then replace the file of that certificate (the
    register keeps its hash); an unchanged case keeps its number, so re-running an
    interrupted reissue never reissues a certificate twice.

    Args:
        kind: the document kind; nothing is done unless it is numbered.
        jobs: the documents, in the order their numbers should follow.
        profile: the organisation (its number prefix and the LA's name for the parties).
        register: the open register.
        force: existing files will be replaced, so reserve for them too.
        reissue: allocate new numbers for cases issued before whose sources changed.
        templates: the folder of the organisation's own templates, if any (part of the sources).
        today: the current date (the sources leave out the warnings that depend on it).

    Returns:
        For each job, in order: the job with its number, or the error that stops it.

    Raises:
        RegisterError: the database refused the transaction.
    """
    out: list[Job | MedocsError] = list(jobs)
    if not kind.numbered or profile is None:
        return out
    pending, learnt = _reservations(kind, jobs, profile, register, force=force, reissue=reissue,
                                    templates=templates, today=today, out=out)
    if learnt:
        register.record_sources(learnt)
    _reserve(jobs, pending, register, out)
    return out


@dataclass(frozen=True)
class _Wanted:
    """A job that needs a number from the register: its request, and what its reissue replaces."""

    index: int
    request: Reservation
    replaces: str | None


def _reservations(kind: DocumentKind[CaseModel], jobs: Sequence[Job], profile: Profile, register: Register, *,
                  force: bool, reissue: bool, templates: Path | None, today: date,
                  out: list[Job | MedocsError]) -> tuple[list[_Wanted], list[tuple[str, str]]]:
    """Decide, job by job, which need a number; settle the others in ``out``.

    A job whose file exists (and ``force`` is off) is settled by what the register says of it
    (:func:`_against_existing`): done, to finish under its number, an error, or a reissue.

    Returns:
        The reservations to make, in job order, and the (number, digest) of certificates
        issued before the register recorded what they say, to record now.
    """
    template = kind_template(kind, templates, profile)

    def source_digest(case: CaseModel) -> str:
        context = build_context(kind, case, profile, today=today, certificate_number=NUMBER_PLACEHOLDER)
        return says_digest([*template.static_parts, *template.render_parts(context)], None)

    wanted: list[_Wanted] = []
    learnt: list[tuple[str, str]] = []  # (number, sources) of certificates issued before schema 2
    for index, job in enumerate(jobs):
        # Needed only to compare with what is there already; a first issue gets its digest
        # when it is completed, from the context it was rendered from.
        exists = os.path.lexists(job.target) and not force
        source = source_digest(job.case) if exists or reissue else None
        replaces = None
        if exists and source is not None:
            settled = _against_existing(job, source, register, kind=kind.name, reissue=reissue,
                                        learnt=learnt)
            if not isinstance(settled, str):
                out[index] = settled
                continue
            replaces = settled
        wanted.append(_Wanted(index, _reservation(kind, job.case, profile, reissue=reissue, source=source),
                              replaces))
    return wanted, learnt


def _reservation(kind: DocumentKind[CaseModel], case: Any, profile: Profile, *, reissue: bool,
                 source: str | None) -> Reservation:
    """The register request for a new number for ``case``'s certificate."""
    facts = certificate_facts(case, profile)
    return Reservation(kind=kind.name, case_ref=case.case_ref,
                       prefix=profile.mediation_service.certificate_prefix, year=facts["issued_on"].year,
                       reissue=reissue, source_sha256=source, **facts)


def _reserve(jobs: Sequence[Job], wanted: list[_Wanted], register: Register,
             out: list[Job | MedocsError]) -> None:
    """Reserve the wanted numbers in one register transaction; put each numbered job in ``out``."""
    entries = register.reserve_many([item.request for item in wanted])
    for item, reserved in zip(wanted, entries, strict=True):
        out[item.index] = reserved if isinstance(reserved, MedocsError) else replace(
            _numbered_job(jobs[item.index], reserved), replaces_sha256=item.replaces)


def _against_existing(job: Job, source: str, register: Register, *, kind: str, reissue: bool,
                      learnt: list[tuple[str, str]]) -> Job | MedocsError | str:
    """Settle a job whose target file exists by what the register says of it.

    Where the register's digest differs from ``source`` (or it has none) and the file is the
    certificate it issued, what the file says decides: so a certificate issued before the
    register recorded sources, or recorded them another way (earlier medocs digested the
    template context, unprinted profile fields included), is not a change if it says the same.
    A digest recorded for the first time is added to ``learnt``.

    Returns:
        The job under the number it already has (done, or to finish), the error that stops
        it, or the hash of the certificate file its reissue will replace.
    """
    case_ref = job.case.case_ref
    entry = register.find(case_ref, kind)
    if entry is None:
        return OutputExistsError(
            f"{job.target} already exists and the register in use ({register.path}) has no "
            f"certificate for {case_ref}; did you mean --register FILE, the register "
            "it was issued with? (Or use --force to replace it.)")
    # The file is hashed only where it decides something: a plain re-run leaves that to the
    # worker, which compares it with the issued hash anyway.
    recorded = entry.source_sha256
    if recorded != source and entry.status == "issued" and file_sha256(job.target) == entry.sha256:
        says = file_says(job.target, entry.number)
        if says == source and recorded is None:
            learnt.append((entry.number, source))
        recorded = says or "other details"
    # Unchanged, or interrupted before it was issued: finish or skip it under its number.
    # (An entry that cannot be compared is left to the byte comparison, as before.)
    if entry.status == "reserved" or recorded == source or (recorded is None and not reissue):
        # An interrupted reissue may not have replaced the file it supersedes yet.
        superseded = register.show(entry.reissue_of).sha256 if entry.reissue_of else None
        return replace(_numbered_job(job, entry), replaces_sha256=superseded)
    if not reissue:
        return OutputExistsError(
            f"{job.target} is certificate {entry.number}, issued from other details than "
            f"this row's (the case, the profile or the template changed since); use --reissue "
            "to issue the corrected certificate under a new number")
    if entry.sha256 is None or file_sha256(job.target) != entry.sha256:
        return OutputExistsError(
            f"{job.target} is not certificate {entry.number}, the latest issued for "
            f"{case_ref}, so the reissue will not replace it; use --force to replace it")
    return entry.sha256


def _numbered_job(job: Job, entry: Entry) -> Job:
    """``job`` with the register's number of ``entry`` (and its hash once issued)."""
    return replace(job, number=entry.number, registered=True, reissue_of=entry.reissue_of,
                   issued_sha256=entry.sha256 if entry.status == "issued" else None)


def _write_error(path: Path, exc: OSError) -> OutputError:
    return OutputError(f"{path}: cannot write it ({write_problem(exc)})")


@dataclass
class _Pending:
    """A job between rendering and publishing."""

    index: int
    issued: Issued
    data: bytes | None  # None: the file on disk is already this document
    completion: Completion | None
    staged: StagedFile | None = None
    replace: bool = False  # the file at the target may be replaced


def _target_sha256(job: Job) -> str | None:
    """The hash of the file at the job's target, when the job has a hash to compare it with."""
    comparable = job.replaces_sha256 is not None or job.issued_sha256 is not None
    return file_sha256(job.target) if comparable and os.path.lexists(job.target) else None


def _prepare(kind: DocumentKind[CaseModel], job: Job, profile: Profile | None, template: CompiledTemplate, *,
             today: date, force: bool, resume: bool, generated_at: datetime) -> Issued | _Pending:
    """Render one job in memory, or say it is done already (its file is this document)."""
    context = build_context(kind, job.case, profile, today=today, certificate_number=job.number)
    issued = Issued(job.case.case_ref, job.target, "", job.number, _warnings(context), _key_dates(context),
                    reissue_of=job.reissue_of)
    exists = os.path.lexists(job.target)
    on_disk = _target_sha256(job)
    # A reissue replaces the certificate it supersedes (checked again: it may have changed).
    replacing = on_disk is not None and on_disk == job.replaces_sha256
    force = force or replacing
    keep = exists and not force  # the file stays: it must be this document already
    if keep and not resume:
        raise OutputExistsError.at(job.target)
    if keep and job.issued_sha256 is not None and on_disk == job.issued_sha256:
        return replace(issued, sha256=job.issued_sha256, status="skipped-already-done")
    parts = template.render_parts(context)
    data = template.package(parts)
    digest = hashlib.sha256(data).hexdigest()
    completion = _completion(job, profile, template, parts, digest, generated_at)
    if keep:
        return _kept(job, replace(issued, sha256=digest), data, completion)
    return _Pending(0, replace(issued, sha256=digest, replaced=replacing), data, completion, replace=force)


def _completion(job: Job, profile: Profile | None, template: CompiledTemplate,
                parts: Sequence[tuple[str, bytes]], digest: str, generated_at: datetime) -> Completion | None:
    """What the register records of a numbered job's file (None for a job it does not number)."""
    if not job.registered or job.number is None:
        return None
    return Completion(
        number=job.number, output_name=job.target.name, sha256=digest, generated_at=generated_at,
        medocs_version=__version__, holidays_version=HOLIDAYS_DATA_VERSION,
        source_sha256=says_digest([*template.static_parts, *parts], job.number),
        **(certificate_facts(job.case, profile) if profile is not None else {}),
    )


def _kept(job: Job, issued: Issued, data: bytes, completion: Completion | None) -> _Pending:
    """A job whose file stays as it is, because it holds the very bytes rendered.

    An interrupted run may have written it (then the register completes it now), or a
    letter was issued before: the same bytes mean the same document.

    Raises:
        OutputExistsError: the file holds something else.
    """
    if job.target.read_bytes() != data:
        msg = (f"{job.target} already exists and is not the document this case gives: "
               "use --force to replace it")
        raise OutputExistsError(msg)
    status: IssueStatus = "issued" if completion and job.issued_sha256 is None else "skipped-already-done"
    return _Pending(0, replace(issued, status=status), None, completion)


def _stage(pending: list[_Pending], results: list[Issued | MedocsError | None]) -> None:
    """Write the rendered documents to temporary files, all fsynced as one group."""
    todo = [item for item in pending if item.data is not None]
    try:
        staged = stage_files([(item.issued.docx, item.data) for item in todo if item.data is not None])
    except OSError:  # find out which file it is (a full disk may fail them all)
        for item in todo:
            try:
                item.staged = stage_file(item.issued.docx, item.data or b"")
            except OSError as exc:
                results[item.index] = _write_error(item.issued.docx, exc)
        return
    for item, staged_file in zip(todo, staged, strict=True):
        item.staged = staged_file


@dataclass
class Prepared:
    """Documents rendered by :func:`prepare_documents`, waiting for :func:`finish_documents`."""

    results: list[Issued | MedocsError | None]
    pending: list[_Pending]


def prepare_documents(
    kind: DocumentKind[CaseModel],
    jobs: Sequence[Job],
    profile: Profile | None,
    *,
    today: date,
    templates: Path | None = None,
    force: bool = False,
    resume: bool = False,
) -> Prepared:
    """Render several documents in memory: the CPU half of :func:`issue_documents`.

    Nothing is written. A batch renders the next chunk while another thread finishes this
    one (:func:`finish_documents` mostly waits for the disk).

    Args:
        kind: the document kind.
        jobs: the documents (numbers already reserved, see :func:`reserve_numbers`).
        profile: the organisation; None only for kinds that need none.
        today: the current date, for warnings.
        templates: a folder of the organisation's own templates.
        force: replace existing files.
        resume: an existing file that is already this document is kept and reported as
            done (status ``skipped-already-done``) instead of being an error.

    Returns:
        The rendered documents and the jobs already settled (done, or failed).

    Raises:
        TemplateError: the template cannot be compiled (no job could be done).
    """
    template = kind_template(kind, templates, profile)
    generated_at = datetime.now(tz=UTC)
    results: list[Issued | MedocsError | None] = [None] * len(jobs)
    pending: list[_Pending] = []
    for index, job in enumerate(jobs):
        try:
            prepared = _prepare(kind, job, profile, template, today=today, force=force, resume=resume,
                                generated_at=generated_at)
        except MedocsError as exc:
            results[index] = exc
            continue
        except OSError as exc:
            results[index] = _write_error(job.target, exc)
            continue
        if isinstance(prepared, Issued):
            results[index] = prepared
        else:
            prepared.index = index
            pending.append(prepared)
    return Prepared(results, pending)


def finish_documents(prepared: Prepared, *, register: Register | None) -> list[Issued | MedocsError]:
    """Write, register and name rendered documents: the I/O half of :func:`issue_documents`.

    Temporary files (fsynced as a group), then one register transaction recording their
    hashes, then the renames, then one fsync per folder.

    Args:
        prepared: from :func:`prepare_documents`.
        register: where registered numbers are completed; needed if any job is registered.

    Returns:
        For each job, in order: what was issued, or the error that stopped it.
    """
    results = prepared.results
    _stage(prepared.pending, results)
    pending = [item for item in prepared.pending if results[item.index] is None]
    _complete(pending, register, results)
    folders = set()
    for item in pending:
        if results[item.index] is not None:  # the register refused it
            if item.staged is not None:
                discard_file(item.staged)
            continue
        results[item.index] = item.issued
        if item.staged is None:
            continue
        try:
            publish_file(item.staged, force=item.replace)
            folders.add(item.staged.path.parent)
        except MedocsError as exc:
            results[item.index] = exc
        except OSError as exc:
            results[item.index] = _write_error(item.staged.path, exc)
    for folder in folders:  # one fsync per folder makes the new names durable
        sync_directory(folder)
    return [result for result in results if result is not None]


def issue_documents(
    kind: DocumentKind[CaseModel],
    jobs: Sequence[Job],
    profile: Profile | None,
    *,
    today: date,
    templates: Path | None = None,
    force: bool = False,
    register: Register | None = None,
    resume: bool = False,
) -> list[Issued | MedocsError]:
    """Render and write several documents, with one register transaction for all of them.

    Each job is independent: a failure is that job's result, the others go on.

    Args:
        kind: the document kind.
        jobs: the documents (numbers already reserved, see :func:`reserve_numbers`).
        profile: the organisation; None only for kinds that need none.
        today: the current date, for warnings.
        templates: a folder of the organisation's own templates.
        force: replace existing files.
        register: where registered numbers are completed; needed if any job is registered.
        resume: as for :func:`prepare_documents`.

    Returns:
        For each job, in order: what was issued, or the error (RenderError,
        OutputExistsError, OutputError, RegisterError…) that stopped it.

    Raises:
        TemplateError: the template cannot be compiled (no job could be done).
    """
    prepared = prepare_documents(kind, jobs, profile, today=today, templates=templates, force=force,
                                 resume=resume)
    return finish_documents(prepared, register=register)


def _complete(pending: list[_Pending], register: Register | None,
              results: list[Issued | MedocsError | None]) -> None:
    """Record the hashes of the pending certificates, before any of them gets its name."""
    todo = [item for item in pending if item.completion is not None]
    if not todo:
        return
    if register is None:
        msg = "a certificate number was reserved but no register is open to complete it"
        raise MedocsError(msg)
    outcomes: list[Entry | MedocsError]
    try:
        outcomes = list(register.complete_many([item.completion for item in todo if item.completion]))
    except MedocsError as exc:  # the whole transaction failed: every pending certificate fails
        outcomes = [exc] * len(todo)
    for item, outcome in zip(todo, outcomes, strict=True):
        if isinstance(outcome, MedocsError):
            results[item.index] = outcome


def issue_document(
    kind: DocumentKind[CaseModel],
    case: CaseModel,
    profile: Profile | None,
    *,
    target: Path,
    today: date,
    templates: Path | None = None,
    force: bool = False,
    register: Register | None = None,
    reissue: bool = False,
) -> Issued:
    """Render one case and write it to ``target``; number and register a certificate.

    A certificate's number comes from the case file if it gives one, else from ``register``
    (reserved before rendering, because it is printed on the certificate, and completed with
    the file's hash before the file gets its name).

    Raises:
        OutputExistsError: if ``target`` exists and ``force`` is False (nothing is reserved).
        MedocsError: for a render or register failure.
    """
    make_folder(target.parent)
    if target.exists() and not force and not reissue:
        correcting = " (or --reissue to correct a certificate issued before)" if kind.numbered else ""
        raise OutputExistsError.at(target, also=correcting)
    job: Job | MedocsError = Job(case, target)
    if register is not None:
        (job,) = reserve_numbers(kind, [Job(case, target)], profile, register, force=force,
                                 reissue=reissue, templates=templates, today=today)
    if isinstance(job, MedocsError):
        raise job
    # An issued number with nothing to replace: no change since it was issued. (With the
    # superseded file still at the target, an interrupted reissue is being finished.)
    finishing = job.replaces_sha256 is not None and _target_sha256(job) == job.replaces_sha256
    if reissue and job.issued_sha256 is not None and not finishing:
        msg = (f"{case.case_ref}: certificate {job.number} was issued from these same details, "
               "profile and template, so there is nothing to reissue; to make a copy of it, "
               "run again without --reissue")
        raise MedocsError(msg)
    (result,) = issue_documents(kind, [job], profile, today=today, templates=templates, force=force,
                                register=register)
    if isinstance(result, MedocsError):
        raise result
    return result
