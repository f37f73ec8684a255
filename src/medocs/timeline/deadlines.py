"""Assemble the timeline of SEND mediation and appeal deadlines; every deadline is importable here.

``compute_timeline`` gives each deadline the known event dates allow, with its explanation.
The deadlines are computed in ``statutory`` (a rule's period from an event: the ``Deadline``),
``appeal`` (the Tribunal appeal deadline) and ``named_deadlines`` (the ``DEADLINES`` table and
the deadlines of agreed actions). Library code never reads the clock: ``today`` is a parameter.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from datetime import date

from medocs.errors import DateInputError
from medocs.timeline.appeal import (
    appeal_deadline,
    appeal_deadline_before_certificate,
    certificate_limb_deadline,
    why_moved,
)
from medocs.timeline.dates import long_date, plain_date
from medocs.timeline.named_deadlines import (
    DEADLINES,
    DeadlineSpec,
    adviser_contact_deadline,
    agreed_action_key,
    agreement_action_deadline,
    named_deadline,
    reg44_period,
)
from medocs.timeline.order import order_problem
from medocs.timeline.statutory import Deadline, non_working_note, statutory_deadline

__all__ = [
    "DEADLINES",
    "Deadline",
    "DeadlineSpec",
    "TimelineDates",
    "adviser_contact_deadline",
    "agreed_action_key",
    "agreement_action_deadline",
    "appeal_deadline",
    "appeal_deadline_before_certificate",
    "certificate_limb_deadline",
    "compute_timeline",
    "late_certificate_note",
    "late_contact_note",
    "non_working_note",
    "named_deadline",
    "reg44_period",
    "statutory_deadline",
    "why_moved",
]

# The CFA 2014 regime began on 1 September 2014 (RULES.md §5, relevant period).
_REGIME_START = date(2014, 9, 1)


@dataclass(frozen=True, slots=True)
class TimelineDates:
    """The event dates a timeline can start from; every one is optional."""

    decision_sent: date | None = None
    certificate_issued: date | None = None
    declined_on: date | None = None
    mediation_requested: date | None = None
    mediation_ended: date | None = None
    agreement_date: date | None = None
    request_received: date | None = None
    today: date | None = field(default=None, compare=False)

    def check_order(self) -> None:
        """Raise DateInputError when two dates are in an impossible order (``EVENT_ORDER``)."""
        problem = order_problem({f.name: getattr(self, f.name) for f in fields(self)})
        if problem is not None:
            raise DateInputError(problem)

    def given(self) -> list[str]:
        """The names of the event dates that were given."""
        return [f.name for f in fields(self) if f.name != "today" and getattr(self, f.name)]


def _timeline_deadline(spec: DeadlineSpec, dates: TimelineDates) -> Deadline:
    start = getattr(dates, spec.starts)
    if spec.key == "appeal_deadline":
        return appeal_deadline(start, certificate_issued=dates.certificate_issued, today=dates.today)
    return named_deadline(spec.key, start, today=dates.today)


def late_certificate_note(issued: date, due: Deadline) -> str | None:
    """The note for a certificate issued after its due date, or None if it was on time.

    The words are the same in the CLI and on every document that states the dates.
    """
    if issued <= due.date:
        return None
    return (
        f"The certificate was issued on {plain_date(issued)}, after {long_date(due.date)}, the "
        f"last day for issuing it ({due.rule[0].period.words}). The one month for appealing "
        "counts from the date it was actually issued."
    )


def late_contact_note(contacted: date, due: Deadline, who: str) -> str | None:
    """The note for contact with the mediation adviser after the 2 months of reg 33, or None.

    The citation is left to the document's 'The law' paragraph (LETTERS.md).

    Args:
        contacted: the date ``who`` contacted the adviser.
        due: the adviser contact deadline (T6).
        who: 'you' on a document addressed to the family, else the short name ('Ms Khan').
    """
    if contacted <= due.date:
        return None
    return (
        f"{who[:1].upper()}{who[1:]} contacted the mediation adviser on {plain_date(contacted)}, "
        f"after {long_date(due.date)}, the end of the 2 months for doing so. This does not stop "
        f"{who} from appealing. Only the Tribunal decides whether an appeal is in time."
    )


def _late_certificate(deadline: Deadline, issued: date) -> Deadline:
    """Note on a certificate's due date that the certificate was issued after it."""
    note = late_certificate_note(issued, deadline)
    if note is None:
        return deadline
    return replace(deadline, warnings=(note, *deadline.warnings), notes=(note, *deadline.notes))


def compute_timeline(dates: TimelineDates) -> dict[str, Deadline]:
    """Compute every deadline the given dates allow, in the CLI contract's key order.

    Every date gives at least one deadline: a certificate date alone gives the certificate
    limb (``appeal_deadline_certificate_only``), saying that the 2-month limb needs the
    decision date.

    Raises:
        DateInputError: if no date is given or two dates are in an impossible order.
    """
    if not dates.given():
        msg = "give at least one date to start the timeline from"
        raise DateInputError(msg)
    dates.check_order()
    timeline = {spec.key: _timeline_deadline(spec, dates) for spec in DEADLINES.values()
                if spec.starts and getattr(dates, spec.starts)}
    if dates.certificate_issued is not None:
        if dates.decision_sent is None:
            timeline["appeal_deadline_certificate_only"] = certificate_limb_deadline(
                dates.certificate_issued, today=dates.today)
        for key in ("decline_certificate_due", "mediation_certificate_due"):
            if key in timeline:
                timeline[key] = _late_certificate(timeline[key], dates.certificate_issued)
    if any(getattr(dates, name) < _REGIME_START for name in dates.given()):
        for key, deadline in timeline.items():
            timeline[key] = _with_warning(
                deadline, "A date is before 1 September 2014, when the Children and Families "
                "Act 2014 rules began: these deadlines may not apply."
            )
    return timeline


def _with_warning(deadline: Deadline, warning: str) -> Deadline:
    return replace(deadline, warnings=(*deadline.warnings, warning))
