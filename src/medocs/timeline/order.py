"""The order the events of a case happen in, written once for the timeline and the case models.

Each rule says an event cannot come before another, and why. Events have the names of
``TimelineDates``' fields, and of an advocate's letter's own events (``letter_written``,
``consent_given``, ``reply_by``); a case model checks its own dates by naming which of its
fields is which event, so its messages name the field to correct.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

__all__ = ["EVENT_ORDER", "earlier_events", "order_problem"]

# (later event, earlier event, why the later cannot come first). Each event's nearest
# predecessor comes before the decision, so a message names the pair to correct.
EVENT_ORDER: tuple[tuple[str, str, str], ...] = (
    ("adviser_contacted", "decision_sent", "the mediation adviser is contacted about a decision "
     "already sent"),
    ("declined_on", "decision_sent", "mediation can only be declined after the decision"),
    ("adviser_told_not_arranged", "decision_sent", "mediation can only fail to be arranged after "
     "the decision"),
    ("mediation_requested", "decision_sent", "mediation is requested after the decision"),
    ("mediation_started", "decision_sent", "mediation follows the decision"),
    ("mediation_ended", "mediation_requested", "mediation ends after it is requested"),
    ("agreement_date", "mediation_ended", "an agreement is made when mediation ends"),
    ("mediation_ended", "decision_sent", "mediation follows the decision"),
    ("certificate_issued", "declined_on", "the certificate follows the adviser being told "
     "mediation is not wanted"),
    ("certificate_issued", "adviser_told_not_arranged", "the certificate follows the adviser "
     "being told mediation could not be arranged"),
    ("certificate_issued", "mediation_ended", "the certificate follows the end of mediation"),
    ("certificate_issued", "decision_sent", "a certificate follows the decision"),
    ("agreement_date", "decision_sent", "an agreement follows the decision"),
    # An advocate's letter (LETTERS.md §5) is written after what it is about, with consent.
    ("letter_written", "agreement_date", "the letter is about an agreement already made"),
    ("letter_written", "decision_sent", "the letter is about a decision already sent"),
    ("letter_written", "adviser_contacted", "the letter follows the contact with the mediation "
     "adviser"),
    ("letter_written", "mediation_requested", "the letter follows the request for mediation"),
    ("letter_written", "consent_given", "an advocate writes once the parent or young person "
     "has consented"),
    ("reply_by", "letter_written", "a reply is asked for after the letter"),
)


def earlier_events(event: str) -> tuple[str, ...]:
    """The events ``event`` cannot come before, in the order of ``EVENT_ORDER``."""
    return tuple(earlier for later, earlier, _ in EVENT_ORDER if later == event)


def order_problem(dates: Mapping[str, date | None], names: Mapping[str, str] | None = None
                  ) -> str | None:
    """The first pair of ``dates`` out of order, in words; None when they are in order.

    Args:
        dates: event name -> its date (None or absent: not known, so not checked).
        names: how to name each event in the message (default: the event name).

    Returns:
        Such as 'declined_on (2024-09-01) is before decision_sent (2024-10-01): mediation
        can only be declined after the decision'.
    """
    called = names or {}
    for later, earlier, why in EVENT_ORDER:
        late, early = dates.get(later), dates.get(earlier)
        if late is not None and early is not None and late < early:
            return (f"{called.get(later, later)} ({late}) is before {called.get(earlier, earlier)} "
                    f"({early}): {why}")
    return None
