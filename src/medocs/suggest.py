"""'Did you mean …?' for a misspelt name: one matcher for every message that needs it."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

__all__ = ["closest", "did_you_mean"]

_CUTOFF = 0.6  # difflib's ratio below which a name is not offered as a correction


def closest(wrong: str, known: Iterable[str]) -> str | None:
    """Return the known name closest to ``wrong``, or None if none is close enough.

    Args:
        wrong: the name as typed.
        known: the names it may have meant.

    Returns:
        The closest known name (ratio at least 0.6), or None.
    """
    close = difflib.get_close_matches(wrong, [str(k) for k in known], n=1, cutoff=_CUTOFF)
    return close[0] if close else None


def did_you_mean(wrong: str, known: Iterable[str], *, prefix: str = "") -> str:
    """Return "; did you mean 'PREFIX+closest'?" for the closest known name, or "" if none is close."""
    match = closest(wrong, known)
    return f"; did you mean '{prefix}{match}'?" if match is not None else ""
