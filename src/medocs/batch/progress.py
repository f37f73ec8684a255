"""A progress line on the terminal for a long batch."""

from __future__ import annotations

import time
from typing import TextIO

__all__ = ["Progress"]


class Progress:
    """Rows done, rate and time left on one line of a terminal; silent when not a terminal."""

    def __init__(self, stream: TextIO | None, *, interval: float = 0.2) -> None:
        """Draw on ``stream`` if it is a terminal.

        Args:
            stream: usually stderr; None or a non-terminal stream draws nothing.
            interval: least seconds between redraws.
        """
        self._stream = stream if stream is not None and stream.isatty() else None
        self._interval = interval
        self._what = ""
        self._total = 0
        self._done = 0
        self._start = 0.0
        self._drawn = 0.0

    def start(self, total: int, what: str) -> None:
        """Begin counting ``total`` items of ``what`` (e.g. 'documents')."""
        self._what, self._total, self._done = what, total, 0
        self._start = self._drawn = time.monotonic()

    def advance(self, count: int = 1) -> None:
        """Count ``count`` more items done and redraw if it is time."""
        self._done += count
        now = time.monotonic()
        if self._stream is not None and (now - self._drawn >= self._interval or self._done >= self._total):
            self._drawn = now
            elapsed = max(now - self._start, 1e-9)
            rate = self._done / elapsed
            left = (self._total - self._done) / rate if rate else 0.0
            self._stream.write(f"\r{self._what}: {self._done}/{self._total}  {rate:,.0f}/s  "
                               f"{int(left) // 60}:{int(left) % 60:02d} left ")
            self._stream.flush()

    def finish(self) -> None:
        """End the line."""
        if self._stream is not None and self._total:
            self._stream.write("\n")
            self._stream.flush()
