"""``medocs serve``: the documents, deadlines and register in a browser, on this machine only.

A Starlette app over the library (it imports medocs, medocs never imports it): forms built
from the batch columns, the timeline engine for the deadlines, ``issue_document`` to create,
``Register`` and ``run_batch`` for the register and batch pages. See ``security`` for what
keeps it to its one user.
"""

from __future__ import annotations

import socket
import sys
import threading
import webbrowser
from collections.abc import Callable
from datetime import date
from pathlib import Path

from medocs.profiles import Profile
from medocs.web.app import MAX_UPLOAD, Settings, create_app
from medocs.web.security import Guard, new_token

__all__ = ["Settings", "create_app", "free_port", "own_names", "serve"]


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nothing listens on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        port: int = probe.getsockname()[1]
        return port


def own_names() -> set[str]:
    """This machine's host names and addresses: what a browser elsewhere on the network types.

    Used as the accepted Host header values when ``--host`` opens the server beyond 127.0.0.1.
    """
    names = {socket.gethostname(), socket.getfqdn()}
    try:
        names.update(socket.gethostbyname_ex(socket.gethostname())[2])
    except OSError:
        pass  # no resolvable name: the numeric address given to --host still works
    return {name for name in names if name}


def serve(*, profile: Profile | None, profile_path: Path | None, out: Path, register: Path | None,
          today: Callable[[], date], host: str = "127.0.0.1", port: int = 8765, open_browser: bool = True,
          templates: Path | None = None, token: str | None = None,
          say: Callable[[str], None] = lambda line: print(line, file=sys.stderr)) -> None:
    """Run the web app until interrupted, printing its address with the access token.

    Args:
        profile: the organisation profile, or None (then only advocates' letters).
        profile_path: its file (to warn when it is a shipped sample).
        out: the output folder.
        register: the certificate register, or None for the profile's or the default.
        today: reads today's date in England.
        host: the address to listen on (127.0.0.1 unless the network is trusted).
        port: the TCP port (0: any free one).
        open_browser: open the address in the default browser.
        templates: the organisation's own templates folder.
        token: the access token (default: a new random one).
        say: where the address and warnings are printed.
    """
    import uvicorn  # noqa: PLC0415 - only the server needs it

    port = port or free_port(host)
    token = token or new_token()
    settings = Settings(profile, profile_path, out, register, today, templates)
    loopback = host in ("127.0.0.1", "localhost", "::1")
    guard = Guard.for_address(token, host, port, max_body=MAX_UPLOAD,
                              extra_hosts=() if loopback else own_names())
    app = create_app(settings, guard)
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host  # noqa: S104 - only for the address shown
    url = f"http://{shown}:{port}/?token={token}"
    if not loopback:
        say(f"warning: listening on {host}: anyone on that network who has the address can reach "
            "children's personal data; use --host only on a trusted network")
    say(f"medocs serve: open {url}")
    say("(the address holds the access token: do not share it; Ctrl-C stops the server)")
    if open_browser:
        threading.Timer(0.8, webbrowser.open, args=(url,)).start()
    uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False)
