"""The Starlette application: settings, the Jinja pages environment, routes and the guard.

Built once per server by :func:`create_app`; every page handler lives in ``pages``,
``records`` (register and batch) or ``api`` and reads what it needs from ``app.state``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from medocs.api import register_file
from medocs.documents.kinds import KINDS, data_dir
from medocs.drafting.session import ADVOCATE_KINDS
from medocs.profiles import Profile
from medocs.web.forms import KindForm, kind_form
from medocs.web.security import CSRF_FIELD, Guard

__all__ = ["MAX_UPLOAD", "Pages", "Settings", "create_app", "pages_of", "route", "settings_of"]

_HERE = Path(__file__).resolve().parent
MAX_UPLOAD = 20 * 1024 * 1024  # a batch of thousands of rows is a few MB; a case file a few KB

# Who uses which kind (README's table of users).
_AUDIENCES = (
    ("LA SEN officer", ("decision-letter",)),
    ("Mediation service", ("decline-certificate", "mediation-certificate", "agreement-record")),
    ("Advocate or parent supporter", tuple(ADVOCATE_KINDS)),
)


@dataclass
class Settings:
    """What one server works with.

    Attributes:
        profile: the organisation profile (None: only the advocates' letters can be made).
        profile_path: where it was read from.
        out: the folder documents are written to.
        register: the certificate register file (None: the profile's, else the data folder's).
        today: reads today's date in England (the library never reads the clock).
        templates: a folder of the organisation's own templates.
    """

    profile: Profile | None
    profile_path: Path | None
    out: Path
    register: Path | None
    today: Callable[[], date]
    templates: Path | None = None
    forms: dict[str, KindForm] = field(default_factory=lambda: {name: kind_form(kind)
                                                                for name, kind in KINDS.items()})

    @cached_property
    def register_path(self) -> Path:
        """The register, chosen as ``medocs render`` and ``batch`` choose it."""
        return register_file(self.register, self.profile)

    @cached_property
    def sample_profile(self) -> bool:
        """True when the profile is one of the shipped samples (placeholder contact details)."""
        if self.profile_path is None:
            return False
        try:
            given = self.profile_path.read_bytes()
        except OSError:
            return False
        return any(given == sample.read_bytes() for sample in data_dir("samples").glob("*.toml")
                   if sample.name in ("westminster.toml", "example-profile.toml"))

    @property
    def organisation(self) -> str:
        """The name in the header."""
        if self.profile is None:
            return "medocs"
        return self.profile.la.name


def _environment() -> Environment:
    env = Environment(loader=FileSystemLoader(_HERE / "templates"),
                      autoescape=select_autoescape(default=True), undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True, auto_reload=False)
    return env


class Pages:
    """Renders the pages: one Jinja environment per server, its templates compiled once."""

    def __init__(self, settings: Settings, guard: Guard) -> None:
        self.env = _environment()
        self.settings = settings
        self.guard = guard
        self.env.globals.update(
            settings=settings, csrf_field=CSRF_FIELD, csrf=guard.csrf, audiences=_AUDIENCES, kinds=KINDS,
        )

    def render(self, request: Request, name: str, *, status: int = 200, **context: Any) -> HTMLResponse:
        """A page from ``templates/NAME`` with the request's path for the navigation."""
        html = self.env.get_template(name).render(path=request.url.path, **context)
        return HTMLResponse(html, status_code=status)


def create_app(settings: Settings, guard: Guard) -> Starlette:
    """The web app for ``settings``, behind ``guard``.

    Args:
        settings: the profile, output folder, register and clock.
        guard: the access token, accepted host names and upload limit.
    """
    from medocs.web import api, pages, records  # noqa: PLC0415 - they import Pages from here

    routes = [
        *pages.ROUTES, *records.ROUTES, *api.ROUTES,
        Mount("/static", app=StaticFiles(directory=_HERE / "static"), name="static"),
    ]
    app = Starlette(routes=routes, middleware=[Middleware(BaseHTTPMiddleware, dispatch=guard)],
                    exception_handlers=pages.EXCEPTION_HANDLERS)
    app.state.settings = settings
    app.state.guard = guard
    app.state.pages = Pages(settings, guard)
    app.state.previews = {}
    app.state.batches = {}
    return app


def settings_of(request: Request) -> Settings:
    """The settings of the server that received ``request``."""
    settings: Settings = request.app.state.settings
    return settings


def pages_of(request: Request) -> Pages:
    """The page renderer of the server that received ``request``."""
    pages: Pages = request.app.state.pages
    return pages


def route(path: str, endpoint: Callable[..., Any], methods: list[str] | None = None) -> Route:
    """A route (a shorthand the page modules share)."""
    return Route(path, endpoint, methods=methods or ["GET"])
