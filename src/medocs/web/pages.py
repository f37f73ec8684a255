"""The pages of a document kind: home, the form, live deadlines, create, save and open.

Create issues the document through ``issue_document``, the code ``medocs render`` runs:
the same file name, the register's next number for a certificate, the same refusal to
overwrite. A PDF is made where LibreOffice is installed, and a picture of its first page.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response

from medocs.api import Rendered, render
from medocs.documents.kinds import KINDS, DocumentKind
from medocs.errors import MedocsError
from medocs.issuing import Issued
from medocs.naming import output_path
from medocs.pdf.pool import find_soffice
from medocs.web.app import MAX_UPLOAD, Settings, pages_of, route, settings_of
from medocs.web.forms import KindForm, case_file_values, sample_values

__all__ = ["EXCEPTION_HANDLERS", "ROUTES", "form_values", "libreoffice", "page_one_png"]

_ACTIONS = ("check", "create", "save")
_KEPT_PREVIEWS = 20


def _form(request: Request) -> KindForm:
    name = request.path_params["kind"]
    if name not in KINDS:
        raise HTTPException(404, f"There is no document kind called {name!r}.")
    form: KindForm = settings_of(request).forms[name]
    return form


def libreoffice() -> bool:
    """True when LibreOffice is installed, so PDFs can be made."""
    try:
        find_soffice()
    except MedocsError:
        return False
    return True


async def form_values(request: Request) -> dict[str, str]:
    """The typed values of a posted form (text fields only; the CSRF token left out)."""
    form = await request.form(max_files=0, max_fields=2000)
    return {key: value for key, value in form.multi_items()
            if isinstance(value, str) and key not in ("csrf_token", "action", "replace", "pdf")}


async def home(request: Request) -> Response:
    """The kinds by who uses them, the profile in use and the deadline calculator."""
    settings = settings_of(request)
    values = {key: value for key, value in request.query_params.items() if key in _CALCULATOR}
    deadlines, problem = _calculator(values, settings)
    return pages_of(request).render(request, "home.html", calculator=_CALCULATOR, values=values,
                                  deadlines=deadlines, problem=problem)


# The deadline calculator's dates: the `medocs timeline` options and what each means.
_CALCULATOR = {
    "decision_sent": "Date the LA's decision letter was sent",
    "certificate_issued": "Date the mediation certificate was issued",
    "declined_on": "Date the adviser was told mediation is not wanted",
    "mediation_requested": "Date the LA was told mediation is wanted",
    "mediation_ended": "Date mediation ended",
    "agreement_date": "Date of the mediation agreement",
    "request_received": "Date the LA received an assessment request",
}


def _calculator(values: dict[str, str], settings: Settings) -> tuple[dict[str, Any], str]:
    from medocs.timeline.dates import parse_date  # noqa: PLC0415
    from medocs.timeline.deadlines import TimelineDates, compute_timeline  # noqa: PLC0415

    given = {k: v for k, v in values.items() if v.strip()}
    if not given:
        return {}, ""
    try:
        dates = {k: parse_date(v, field=k.replace("_", " "), day_first_forms=True) for k, v in given.items()}
        return dict(compute_timeline(TimelineDates(**dates, today=settings.today()))), ""
    except MedocsError as exc:
        return {}, str(exc)


def _show_form(request: Request, form: KindForm, values: dict[str, str], *, status: int = 200,
               checked: Any = None, created: Issued | None = None, note: str = "",
               problem: str = "", pdf_name: str = "", picture: str = "") -> Response:
    settings = settings_of(request)
    deadlines, date_problem = form.deadlines(values, today=settings.today())
    return pages_of(request).render(
        request, "form.html", status=status, form=form, values=values, records=form.records(values),
        errors=checked.errors if checked else {}, summary=checked.summary if checked else [],
        deadlines=deadlines, date_problem=date_problem, created=created, note=note, problem=problem,
        pdf_name=pdf_name, picture=picture, can_pdf=libreoffice(),
        needs_profile=form.kind.needs_profile and settings.profile is None,
    )


async def kind_page(request: Request) -> Response:
    """The empty form of a kind (``?sample=1``: filled with the shipped sample case)."""
    form = _form(request)
    values = sample_values(form) if request.query_params.get("sample") else {}
    return _show_form(request, form, values)


async def kind_post(request: Request) -> Response:
    """Check dates, create the document, or save the case file."""
    form = _form(request)
    posted = await request.form(max_files=0, max_fields=2000)
    values = await form_values(request)
    action = str(posted.get("action", "check"))
    if action not in _ACTIONS:
        raise HTTPException(400, f"Unknown action {action!r}.")
    settings = settings_of(request)
    if action == "check":
        return _show_form(request, form, values)
    checked = form.check(values, out=settings.out)
    if checked.case is None:
        return _show_form(request, form, values, status=422, checked=checked)
    if action == "save":
        name = output_path(Path("."), form.kind, checked.case.case_ref).with_suffix(".toml").name
        return Response(form.save(checked.case), media_type="application/toml",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})
    return await _create(request, form, values, checked, replace=posted.get("replace") == "yes",
                         pdf=posted.get("pdf") == "yes")


async def _create(request: Request, form: KindForm, values: dict[str, str], checked: Any, *,
                  replace: bool, pdf: bool) -> Response:
    settings = settings_of(request)
    written: list[Rendered] = []
    note = ""
    try:
        rendered = await run_in_threadpool(create_document, settings, form.kind, checked.case,
                                           replace=replace, pdf=pdf and libreoffice(), written=written.append)
    except MedocsError as exc:
        if not written:
            return _show_form(request, form, values, status=409, problem=str(exc))
        rendered, note = written[0], f"The PDF could not be made: {exc}"
    pdf_name = picture = ""
    if rendered.pdf is not None:
        pdf_name = rendered.pdf.name
        png = await run_in_threadpool(page_one_png, rendered.pdf)
        if png is not None:
            previews = request.app.state.previews
            previews[rendered.docx.stem] = png
            while len(previews) > _KEPT_PREVIEWS:  # in memory only: keep the latest few
                del previews[next(iter(previews))]
            picture = rendered.docx.stem
    return _show_form(request, form, values, created=rendered.issued, note=note, pdf_name=pdf_name,
                      picture=picture)


def create_document(settings: Settings, kind: DocumentKind[Any], case: Any, *, replace: bool,
                    pdf: bool = False, written: Callable[[Rendered], None] | None = None) -> Rendered:
    """Issue one document with ``medocs.render``, the code ``medocs render`` runs.

    Same file name, the register's next number for a certificate, no overwrite unless
    ``replace``; a PDF beside it with ``pdf``.

    Raises:
        MedocsError: a file of that name exists (``replace`` False), or the render, register or
            PDF failed (``written`` has been called if the .docx was written).
    """
    return render(kind, case, out=settings.out, today=settings.today(), profile=settings.profile,
                  templates=settings.templates, pdf=pdf, force=replace, register=settings.register,
                  written=written)


def page_one_png(pdf: Path, *, resolution: int = 60) -> bytes | None:
    """A PNG of a PDF's first page (poppler's pdftoppm), or None without poppler-utils."""
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        return None
    with tempfile.TemporaryDirectory(prefix="medocs-page-") as folder:
        stem = Path(folder) / "page"
        subprocess.run([pdftoppm, "-png", "-r", str(resolution), "-f", "1", "-l", "1", "-singlefile",
                        str(pdf), str(stem)], check=True, capture_output=True, timeout=60)
        return stem.with_suffix(".png").read_bytes()


async def deadlines_json(request: Request) -> Response:
    """The live panel: the typed dates' deadlines as ``timeline --json`` gives them, and as HTML."""
    form = _form(request)
    values = await form_values(request)
    deadlines, problem = form.deadlines(values, today=settings_of(request).today())
    html = pages_of(request).env.get_template("_deadlines.html").render(
        deadlines=deadlines, date_problem=problem)
    return JSONResponse({"deadlines": {key: d.to_json() for key, d in deadlines.items()},
                         "problem": problem, "html": html})


async def open_case(request: Request) -> Response:
    """Load an uploaded case file (TOML or JSON) into the form."""
    form = _form(request)
    posted = await request.form(max_files=1, max_fields=10, max_part_size=MAX_UPLOAD)
    upload = posted.get("case_file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return _show_form(request, form, {}, status=400,
                          problem="Choose a case file (.toml or .json) to open.")
    content = await upload.read()
    try:
        values = case_file_values(form, content, upload.filename)
    except MedocsError as exc:
        return _show_form(request, form, {}, status=400, problem=str(exc))
    return _show_form(request, form, values, note=f"Opened {Path(upload.filename).name}.")


def _out_file(request: Request) -> Path:
    settings = settings_of(request)
    name = str(request.path_params["name"])
    if "/" in name or "\\" in name or name.startswith("."):
        raise HTTPException(404, "No such file.")
    path = settings.out / name
    if path.suffix.lower() not in (".docx", ".pdf") or not path.is_file():
        raise HTTPException(404, "No such file in the output folder.")
    return path


async def download(request: Request) -> Response:
    """A .docx or .pdf from the output folder."""
    path = _out_file(request)
    return FileResponse(path, filename=path.name)


async def preview(request: Request) -> Response:
    """The picture of a created document's first page."""
    png = request.app.state.previews.get(request.path_params["stem"])
    if png is None:
        raise HTTPException(404, "No picture of that document.")
    return Response(png, media_type="image/png")


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if request.url.path.startswith("/api/"):
        return JSONResponse({"error": exc.detail}, status_code=exc.status_code)
    return pages_of(request).render(request, "error.html", status=exc.status_code,
                                  status_code=exc.status_code, message=exc.detail)


EXCEPTION_HANDLERS: dict[Any, Any] = {HTTPException: _http_error}

ROUTES = [
    route("/", home),
    route("/kinds/{kind}", kind_page),
    route("/kinds/{kind}", kind_post, ["POST"]),
    route("/kinds/{kind}/deadlines", deadlines_json, ["POST"]),
    route("/kinds/{kind}/open", open_case, ["POST"]),
    route("/files/{name}", download),
    route("/preview/{stem}.png", preview),
]
