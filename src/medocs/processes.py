"""Child processes that end with their parent: what the batch's, the renderer's and LibreOffice's
workers share.

A worker that runs Python (a batch worker) watches its parent from a thread. One that may be
busy in a C call holding the GIL for minutes (a runaway user template), or that is not Python
(LibreOffice), is run under :data:`WATCHDOG`, a separate process that kills it.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from pathlib import Path

__all__ = ["WATCHDOG", "exit_with_parent", "watched"]

WATCHDOG = Path(__file__).with_name("watchdog.py")  # a script: see its description

_WATCH_INTERVAL = 0.2  # seconds between looks at the parent


def _watch(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(_WATCH_INTERVAL)
    os._exit(1)


def exit_with_parent(parent: int) -> None:
    """End this process once ``parent`` is no longer its parent, whatever it is doing then.

    A parent killed with SIGKILL closes no pipe its workers see (siblings may share it), and a
    worker busy in a runaway template reads none: a thread watches the parent instead.

    Args:
        parent: the process id of the parent, read at start (``os.getppid()``).
    """
    if os.getppid() != parent:  # gone already
        os._exit(1)
    threading.Thread(target=_watch, args=(parent,), daemon=True, name="medocs-parent-watch").start()


def watched(command: list[str]) -> list[str]:
    """``command`` run under the watchdog, which kills its process group when this process ends.

    Start it with ``start_new_session=True``, so the group is the watchdog's and the command's.
    """
    return [sys.executable, "-P", str(WATCHDOG), str(os.getpid()), *command]
