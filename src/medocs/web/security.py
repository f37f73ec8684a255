"""What keeps a local server of children's personal data to its one user.

* an access token: in the URL ``medocs serve`` prints, then an HttpOnly, SameSite=Strict
  cookie (or ``Authorization: Bearer TOKEN`` for a local script);
* the Host header must name this server (a DNS-rebinding page cannot reach it);
* every POST from a browser carries the CSRF token of its page;
* a request body has a size limit;
* every response forbids other origins (``Content-Security-Policy: default-src 'self'``) and,
  except the static files, caching.
"""

from __future__ import annotations

import hmac
import secrets
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

__all__ = ["COOKIE", "Guard", "new_token"]

COOKIE = "medocs_token"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
_SECURITY_HEADERS = {
    "Content-Security-Policy": ("default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; "
                                "form-action 'self'; base-uri 'none'"),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}


def new_token() -> str:
    """A fresh random access token (256 bits)."""
    return secrets.token_urlsafe(32)


@dataclass
class Guard:
    """Checks every request against the server's token, host names and size limit.

    Attributes:
        token: the access token.
        hosts: the Host header values accepted (with and without the port).
        max_body: the largest request body accepted, in bytes.
    """

    token: str
    hosts: frozenset[str]
    max_body: int
    csrf: str = field(init=False)

    def __post_init__(self) -> None:
        # A CSRF token tied to the access token, so it changes with each server.
        self.csrf = hmac.new(self.token.encode(), b"csrf", "sha256").hexdigest()

    @classmethod
    def for_address(cls, token: str, host: str, port: int, *, max_body: int,
                    extra_hosts: Iterable[str] = ()) -> Guard:
        """A guard for a server listening on ``host:port``."""
        names = {host, "127.0.0.1", "localhost", "[::1]", *extra_hosts}
        hosts = {name for name in names} | {f"{name}:{port}" for name in names}
        return cls(token, frozenset(hosts), max_body)

    def _authorised(self, request: Request) -> str | None:
        """'cookie' or 'bearer' when the request carries the token, else None."""
        bearer = request.headers.get("authorization", "")
        if bearer.startswith("Bearer ") and hmac.compare_digest(bearer[7:].strip(), self.token):
            return "bearer"
        cookie = request.cookies.get(COOKIE, "")
        if cookie and hmac.compare_digest(cookie, self.token):
            return "cookie"
        return None

    def csrf_ok(self, given: str) -> bool:
        """True when ``given`` is this server's CSRF token."""
        return bool(given) and hmac.compare_digest(given, self.csrf)

    async def __call__(self, request: Request,
                       call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        """The middleware: refuse, or pass on and add the security headers and the server time."""
        started = time.perf_counter()
        response = await self._check(request, call_next)
        # Server-Timing: what benchmarks/bench_web.py reads (the browser's devtools show it too).
        response.headers["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.2f}"
        for name, value in _SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if not request.url.path.startswith("/static/"):
            response.headers["Cache-Control"] = "no-store"
        return response

    async def _check(self, request: Request,
                     call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        if request.headers.get("host", "") not in self.hosts:
            return PlainTextResponse("medocs: this server answers only to its own address "
                                     "(the Host header names another)", status_code=400)
        given = request.query_params.get("token")
        if given is not None and hmac.compare_digest(given, self.token):
            # The token leaves the address bar (and the history) at once: a cookie carries it.
            rest = urlencode([(k, v) for k, v in request.query_params.multi_items() if k != "token"])
            response = RedirectResponse(request.url.path + (f"?{rest}" if rest else ""), status_code=303)
            response.set_cookie(COOKIE, self.token, httponly=True, samesite="strict", path="/")
            return response
        how = self._authorised(request)
        if how is None and not request.url.path.startswith("/static/"):
            return PlainTextResponse("medocs: open the address 'medocs serve' printed (it carries "
                                     "the access token)", status_code=403)
        if request.method in ("POST", "PUT", "PATCH", "DELETE"):
            length = request.headers.get("content-length")
            if length is None or not length.isdigit():
                return PlainTextResponse("medocs: a request body needs a Content-Length", status_code=411)
            if int(length) > self.max_body:
                return PlainTextResponse(
                    f"medocs: the upload is too large ({int(length):,} bytes; at most "
                    f"{self.max_body:,})", status_code=413)
            if how == "cookie" and not await self._csrf_given(request):
                return PlainTextResponse("medocs: the form's security token is missing or old: "
                                         "reload the page and try again", status_code=403)
        return await call_next(request)

    async def _csrf_given(self, request: Request) -> bool:
        if self.csrf_ok(request.headers.get(CSRF_HEADER, "")):
            return True
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("multipart/form-data", "application/x-www-form-urlencoded")):
            await request.body()  # kept, so the page's handler reads the same body again
            form = await request.form()
            return self.csrf_ok(str(form.get(CSRF_FIELD, "")))
        return False
