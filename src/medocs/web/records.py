"""The register and batch pages: the same Register and run_batch the CLI uses.

A batch runs in a thread of the server; its page shows rows done of rows until it ends,
then the manifest and the errors, and a zip of what it wrote. Uploads go to a temporary
folder that is removed when the batch ends: nothing stays but the output folder and the
register.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import secrets
import tempfile
import threading
import zipfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from medocs.batch.run import BatchResult, Progress, run_batch
from medocs.batch.tables import TABLE_SUFFIXES
from medocs.documents.kinds import KINDS
from medocs.errors import MedocsError
from medocs.register import Entry, Register
from medocs.web.app import MAX_UPLOAD, Settings, pages_of, route, settings_of

__all__ = ["ROUTES", "BatchJob"]


def _register(request: Request) -> Register | None:
    path = settings_of(request).register_path
    return Register(path) if path.is_file() else None


async def register_page(request: Request) -> Response:
    """Every certificate, newest last, filtered by a search of number, case or kind."""
    query = request.query_params.get("q", "").strip()
    rows: list[tuple[Entry, Entry | None]] = []
    register = _register(request)
    if register is not None:
        with register:
            for entry in register.list():
                if query and not any(query.casefold() in text.casefold()
                                     for text in (entry.number, entry.case_ref, entry.kind)):
                    continue
                rows.append((entry, register.superseded_by(entry.number)))
    return pages_of(request).render(request, "register.html", rows=rows, query=query,
                                  register_path=settings_of(request).register_path,
                                  exists=register is not None, verdict=None)


async def register_entry(request: Request) -> Response:
    """Everything the register holds about one certificate."""
    register = _register(request)
    if register is None:
        raise HTTPException(404, "There is no certificate register yet.")
    with register:
        try:
            entry = register.show(request.path_params["number"])
        except MedocsError as exc:
            raise HTTPException(404, str(exc)) from exc
        successor = register.superseded_by(entry.number)
    # ISO 8601, as 'medocs register show' prints each field.
    items = [(item.name, value.isoformat() if isinstance(value := getattr(entry, item.name), date) else value)
             for item in dataclasses.fields(entry)]
    return pages_of(request).render(request, "register_entry.html", entry=entry, items=items,
                                  successor=successor)


async def register_verify(request: Request) -> Response:
    """Say whether an uploaded file is a certificate this register issued, unaltered."""
    posted = await request.form(max_files=1, max_fields=10, max_part_size=MAX_UPLOAD)
    upload = posted.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise HTTPException(400, "Choose a file to verify.")
    content = await upload.read()
    name = Path(upload.filename).name
    register = _register(request)
    verdict: dict[str, Any] = {"name": name, "entry": None, "successor": None,
                               "pdf": name.lower().endswith(".pdf")}
    if register is not None:
        with register, tempfile.TemporaryDirectory(prefix="medocs-verify-") as folder:
            path = Path(folder) / "upload"
            path.write_bytes(content)
            entry = register.verify(path)
            verdict["entry"] = entry
            verdict["successor"] = register.superseded_by(entry.number) if entry else None
            verdict["ours_by_name"] = entry is None and any(e.output_name == name for e in register.list())
    return pages_of(request).render(request, "register.html", rows=[], query="", exists=register is not None,
                                  register_path=settings_of(request).register_path, verdict=verdict,
                                  status=200 if verdict["entry"] else 422)


async def register_csv(request: Request) -> Response:
    """The register as CSV, as ``medocs register export`` writes it (with a BOM for Excel)."""
    register = _register(request)
    if register is None:
        raise HTTPException(404, "There is no certificate register yet.")
    buffer = io.StringIO(newline="")
    with register:
        register.export_csv(buffer)
    return Response(buffer.getvalue().encode("utf-8-sig"), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="register.csv"'})


class _Counting(Progress):
    """Progress that keeps rows done of rows for the page to show."""

    def __init__(self) -> None:
        super().__init__(None)
        self.what = "rows"
        self.done = 0
        self.total = 0

    def start(self, total: int, what: str) -> None:
        super().start(total, what)
        self.what, self.total, self.done = what, total, 0

    def advance(self, count: int = 1) -> None:
        super().advance(count)
        self.done += count


@dataclass
class BatchJob:
    """One batch run by the server."""

    kind: str
    source_name: str
    out: Path
    progress: _Counting = field(default_factory=_Counting)
    result: BatchResult | None = None
    error: str = ""
    finished: bool = False


def _run(job: BatchJob, settings: Settings, source: Path, folder: tempfile.TemporaryDirectory[str]) -> None:
    kind = KINDS[job.kind]
    try:
        job.result = run_batch(kind, source, out=job.out, profile=settings.profile, today=settings.today(),
                               register_path=settings.register_path if kind.numbered else None,
                               templates=settings.templates, progress=job.progress)
    except MedocsError as exc:
        job.error = str(exc)
    finally:
        folder.cleanup()
        job.finished = True


async def batch_page(request: Request) -> Response:
    """The upload form."""
    return pages_of(request).render(request, "batch.html", problem="", chosen="")


async def batch_start(request: Request) -> Response:
    """Start a batch from an uploaded CSV, XLSX or JSONL file into the output folder."""
    settings = settings_of(request)
    posted = await request.form(max_files=1, max_fields=10, max_part_size=MAX_UPLOAD)
    kind = str(posted.get("kind", ""))
    upload = posted.get("file")
    problem = ""
    if kind not in KINDS:
        problem = "Choose the kind of document."
    elif not isinstance(upload, UploadFile) or not upload.filename:
        problem = "Choose a .csv, .xlsx or .jsonl file."
    elif Path(upload.filename).suffix.lower() not in TABLE_SUFFIXES:
        problem = f"INPUT must be a .csv, .xlsx or .jsonl file (got {Path(upload.filename).name})"
    elif KINDS[kind].needs_profile and settings.profile is None:
        problem = f"{kind} needs an organisation profile: start medocs serve with --profile FILE"
    if problem or not isinstance(upload, UploadFile) or upload.filename is None:
        return pages_of(request).render(request, "batch.html", status=400, problem=problem, chosen=kind)
    folder = tempfile.TemporaryDirectory(prefix="medocs-batch-upload-")
    source = Path(folder.name) / Path(upload.filename).name
    source.write_bytes(await upload.read())
    job = BatchJob(kind, source.name, settings.out / f"batch-{kind}-{Path(upload.filename).stem}"[:80])
    job_id = secrets.token_urlsafe(8)
    request.app.state.batches[job_id] = job
    threading.Thread(target=_run, args=(job, settings, source, folder), daemon=True).start()
    return Response(status_code=303, headers={"Location": f"/batch/{job_id}"})


def _job(request: Request) -> BatchJob:
    job: BatchJob | None = request.app.state.batches.get(request.path_params["job"])
    if job is None:
        raise HTTPException(404, "No such batch (batches are forgotten when the server stops).")
    return job


async def batch_job(request: Request) -> Response:
    """Progress, then the manifest and the errors table."""
    job = _job(request)
    return pages_of(request).render(request, "batch_job.html", job=job, job_id=request.path_params["job"])


def _zip(job: BatchJob) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(job.out.rglob("*")):
            if path.is_file() and not path.name.startswith("."):
                archive.write(path, path.relative_to(job.out).as_posix())
    return buffer.getvalue()


async def batch_zip(request: Request) -> Response:
    """The batch's folder (documents, manifest.csv, errors.csv) as a zip."""
    job = _job(request)
    if not job.finished:
        raise HTTPException(409, "The batch is still running.")
    data = await run_in_threadpool(_zip, job)
    return Response(data, media_type="application/zip",
                    headers={"Content-Disposition": f'attachment; filename="{job.out.name}.zip"'})


def manifest_rows(job: BatchJob) -> list[dict[str, str]]:
    """The manifest the batch wrote, as rows for the page."""
    if job.result is None or not job.result.manifest.is_file():
        return []
    with job.result.manifest.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


ROUTES = [
    route("/register", register_page),
    route("/register.csv", register_csv),
    route("/register/verify", register_verify, ["POST"]),
    route("/register/{number}", register_entry),
    route("/batch", batch_page),
    route("/batch", batch_start, ["POST"]),
    route("/batch/{job}.zip", batch_zip),
    route("/batch/{job}", batch_job),
]
