"""'Did you mean …?' for a misspelt name: one helper for every message that needs it."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

__all__ = ["did_you_mean"]


def did_you_mean(wrong: str, known: Iterable[str], *, prefix: str = "") -> str:
    """Return "; did you mean 'PREFIX+closest'?" for the closest known name, or "" if none is close."""
    close = difflib.get_close_matches(wrong, [str(k) for k in known], n=1, cutoff=0.6)
    return f"; did you mean '{prefix}{close[0]}'?" if close else ""
