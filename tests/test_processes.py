"""Workers that end with their parent: the watchdog command line."""

from __future__ import annotations

import os
import subprocess
import sys

from medocs.processes import WATCHDOG, watched


def test_watched_runs_the_command_under_the_watchdog_of_this_process() -> None:
    """The watchdog is told this process's id and runs the command, ending as it does."""
    command = watched([sys.executable, "-c", "import sys; sys.exit(3)"])
    assert command[:4] == [sys.executable, "-P", str(WATCHDOG), str(os.getpid())]
    assert subprocess.run(command, check=False, timeout=60).returncode == 3
