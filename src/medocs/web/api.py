"""The JSON API under /api/, for a case-management system on the same machine.

Every call needs the access token (``Authorization: Bearer TOKEN``). ``/api/timeline`` answers
as ``medocs timeline --json`` does, ``/api/fields/KIND`` as ``medocs fields KIND`` lists,
and ``/api/render/KIND`` takes a case as a JSON case file holds it and issues the document
as ``medocs render`` does. ``/api/openapi.json`` describes them.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import asdict
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from medocs._version import __version__
from medocs.batch.columns import batch_columns
from medocs.documents.checking import describe_fields
from medocs.documents.kinds import KINDS, example_context
from medocs.errors import CaseValidationError, MedocsError
from medocs.fields import field_docs
from medocs.loading import validate_case
from medocs.timeline.dates import parse_date
from medocs.timeline.deadlines import TimelineDates, compute_timeline
from medocs.web.app import route, settings_of
from medocs.web.pages import create_document

__all__ = ["OPENAPI", "ROUTES"]

# The event dates a timeline starts from: the options of `medocs timeline`, without --.
_DATES = tuple(item.name for item in dataclasses.fields(TimelineDates) if item.name != "today")


def _error(message: str, status: int, **extra: Any) -> JSONResponse:
    return JSONResponse({"error": message, **extra}, status_code=status)


async def timeline(request: Request) -> Response:
    """Every deadline the given dates allow: the object ``medocs timeline --json`` prints."""
    unknown = sorted(set(request.query_params) - {*_DATES, "today"})
    if unknown:
        return _error(f"unknown parameter(s) {', '.join(unknown)}: use {', '.join(_DATES)}, today", 400)
    try:
        dates = {name: parse_date(value, field=name) for name, value in request.query_params.items()
                 if name in _DATES and value}
        today = request.query_params.get("today")
        now = parse_date(today, field="today") if today else settings_of(request).today()
        result = compute_timeline(TimelineDates(**dates, today=now))
    except MedocsError as exc:
        return _error(str(exc), 400)
    return JSONResponse({key: deadline.to_json() for key, deadline in result.items()})


async def fields(request: Request) -> Response:
    """The kind's fields (shape and meaning), template fields and batch columns (``medocs fields``)."""
    name = request.path_params["kind"]
    if name not in KINDS:
        return _error(f"unknown document kind {name!r}: choose one of {', '.join(KINDS)}", 404)
    return JSONResponse({
        "kind": name,
        "template_fields": [{"path": path, "example": hint}
                            for path, hint in describe_fields(example_context(name))],
        "fields": [{"name": doc.name, "kind": doc.kind, "label": doc.label, "description": doc.description,
                    "example": _plain(doc.example), "default": _plain(doc.default), "required": doc.required,
                    "choices": list(doc.choices)} for doc in field_docs(KINDS[name].model)],
        "columns": [asdict(column) for column in batch_columns(KINDS[name].model)],
    })


async def render(request: Request) -> Response:
    """Issue one document from a JSON case, as ``medocs render`` issues one from a case file."""
    name = request.path_params["kind"]
    if name not in KINDS:
        return _error(f"unknown document kind {name!r}: choose one of {', '.join(KINDS)}", 404)
    kind = KINDS[name]
    settings = settings_of(request)
    if kind.needs_profile and settings.profile is None:
        return _error(f"{name} needs an organisation profile: start medocs serve with --profile FILE", 409)
    try:
        data = json.loads(await request.body())
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        return _error(f"the request body is not valid JSON ({exc})", 400)
    if not isinstance(data, dict):
        return _error(f"a case must be one JSON object (got {type(data).__name__})", 400)
    try:
        case = validate_case(data, kind.model, where="the request body")
    except CaseValidationError as exc:
        problems = [{"field": field, "message": message, "found": found}
                    for field, message, found in exc.problems]
        return _error(str(exc), 422, problems=problems)
    replace = request.query_params.get("replace") in ("1", "true", "yes")
    try:
        issued = await run_in_threadpool(create_document, settings, kind, case, replace=replace)
    except MedocsError as exc:
        return _error(str(exc), 409)
    return JSONResponse({
        "docx": issued.docx.name, "url": f"/files/{issued.docx.name}", "sha256": issued.issued.sha256,
        "certificate_number": issued.certificate_number, "warnings": list(issued.warnings),
        "key_dates": issued.issued.key_dates,
    }, status_code=201)


def _plain(value: Any) -> Any:
    """A model's example or default as JSON: dates as ISO text, tuples as lists, enums as values."""
    return json.loads(json.dumps(value, default=lambda item: getattr(item, "value", None) or str(item)))


def _deadline_schema() -> dict[str, Any]:
    return {"type": "object", "required": ["label", "date", "raw_date", "rule", "explanation", "warnings"],
            "properties": {
                "label": {"type": "string"}, "date": {"type": "string", "format": "date"},
                "raw_date": {"type": "string", "format": "date"}, "date_text": {"type": "string"},
                "due_by": {"type": ["string", "null"]},
                "act_by": {"type": ["string", "null"], "format": "date"},
                "rule": {"type": "array", "items": {"type": "object"}},
                "explanation": {"type": "array", "items": {"type": "string"}},
                "warnings": {"type": "array", "items": {"type": "string"}}}}


_ERROR = {"description": "What is wrong, in one line", "content": {"application/json": {"schema": {
    "type": "object", "properties": {"error": {"type": "string"}}}}}}
_KIND_PARAM = {"name": "kind", "in": "path", "required": True,
               "schema": {"type": "string", "enum": list(KINDS)}}

OPENAPI: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "medocs", "version": __version__,
             "description": "The documents, deadlines and register of SEND mediation in England, "
                            "for programs on this machine. Every call needs the access token that "
                            "`medocs serve` prints, as `Authorization: Bearer TOKEN`."},
    "servers": [{"url": "/"}],
    "components": {"securitySchemes": {"token": {"type": "http", "scheme": "bearer"}},
                   "schemas": {"Deadline": _deadline_schema()}},
    "security": [{"token": []}],
    "paths": {
        "/api/timeline": {"get": {
            "summary": "Every deadline the given dates allow (as `medocs timeline --json`)",
            "parameters": [{"name": name, "in": "query", "schema": {"type": "string", "format": "date"}}
                           for name in (*_DATES, "today")],
            "responses": {"200": {"description": "Deadlines by key (appeal_deadline, …)", "content": {
                "application/json": {"schema": {"type": "object", "additionalProperties": {
                    "$ref": "#/components/schemas/Deadline"}}}}}, "400": _ERROR}}},
        "/api/fields/{kind}": {"get": {
            "summary": "The template fields and batch columns of a kind (as `medocs fields`)",
            "parameters": [_KIND_PARAM],
            "responses": {"200": {"description": "Fields and columns"}, "404": _ERROR}}},
        "/api/render/{kind}": {"post": {
            "summary": "Issue one document from a case (as `medocs render` with a JSON case file)",
            "parameters": [_KIND_PARAM, {"name": "replace", "in": "query", "schema": {"type": "boolean"},
                                         "description": "Replace an existing file (render's --force)"}],
            "requestBody": {"required": True,
                            "content": {"application/json": {"schema": {"type": "object"}}}},
            "responses": {
                "201": {"description": "Written: file name, download URL, SHA-256, certificate number"},
                "400": _ERROR, "409": _ERROR,
                "422": {"description": "The case has problems, each with field, message and found"}}}},
    },
}


async def openapi(request: Request) -> Response:
    """The OpenAPI description of this API."""
    return JSONResponse(OPENAPI)


ROUTES = [
    route("/api/timeline", timeline),
    route("/api/fields/{kind}", fields),
    route("/api/render/{kind}", render, ["POST"]),
    route("/api/openapi.json", openapi),
]
