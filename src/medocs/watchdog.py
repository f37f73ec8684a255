"""Run a command, and kill its whole process group the moment medocs (its parent) is gone.

Run as a script (``python watchdog.py PARENT_PID COMMAND...``, no import of medocs), in a new
session so that it leads the command's process group. ``soffice --convert-to`` is a script
that starts oosplash, which starts soffice.bin: none of them notices a ``kill -9`` of medocs,
and one would finish its chunk (seconds) with nobody to read the result. The watchdog sees its
parent change within a tenth of a second and kills the group; otherwise it waits for the
command and ends as the command did (same exit status, or killed by the same signal).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

WATCH_INTERVAL = 0.1


def _watch(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(WATCH_INTERVAL)
    os.killpg(0, signal.SIGKILL)  # the command, its children and this watchdog


def main(argv: list[str]) -> int:
    """Run ``argv[1:]`` while process ``argv[0]`` is this process's parent; its exit status."""
    parent, command = int(argv[0]), argv[1:]
    if os.getppid() != parent:  # gone before we started
        return 1
    threading.Thread(target=_watch, args=(parent,), daemon=True).start()
    code = subprocess.call(command)  # stdin, stdout and stderr are the watchdog's own
    if code < 0:  # killed by a signal: end the same way, so the caller sees which
        signal.signal(-code, signal.SIG_DFL)
        os.kill(os.getpid(), -code)
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
