"""The named deadlines (the ``DEADLINES`` table) and the deadlines of actions agreed at mediation.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from medocs.errors import DateInputError
from medocs.timeline.dates import long_date
from medocs.timeline.rules import Period, rule
from medocs.timeline.statutory import (
    Deadline,
    _past_warning,
    statutory_deadline,
)


def adviser_contact_deadline(decision_sent: date, *, today: date | None = None) -> Deadline:
    """The last day to contact the mediation adviser: 2 months after the letter was sent (reg 33)."""
    return named_deadline("adviser_contact_deadline", decision_sent, today=today)


@dataclass(frozen=True, slots=True)
class DeadlineSpec:
    """One named deadline: the rule that sets it, what it is for, and the event that starts it.

    ``key`` names it everywhere: in ``medocs timeline --json`` (a CLI contract for those a
    timeline computes), in the documents' template context (``deadlines.<key>``), in the
    batch manifest's key-date columns and in calendar UIDs.

    Attributes:
        key: the name.
        rule_id: the rule of ``rules.py``, such as 'T7'.
        label: what the deadline is for, as a person reads it ('... by').
        trigger: the starting event in words, followed by its date in the first step.
        by_letter: the same event when the letter being written is it (advocates' letters).
        starts: the ``TimelineDates`` field it counts from, if a timeline computes it.
    """

    key: str
    rule_id: str
    label: str
    trigger: str
    by_letter: str = ""
    starts: str = ""


_SENT = "The decision letter was sent on"
_AGREED = "The mediation agreement was made on"
_REQUESTED = "The LA received the request for an assessment on"
_WANTED = "The LA was told mediation is wanted on"
_WANTED_BY_LETTER = "The LA is told, by this letter, that mediation is wanted on"

# In the order of the CLI contract (ARCHITECTURE §3) for the keys a timeline computes.
DEADLINES: dict[str, DeadlineSpec] = {spec.key: spec for spec in (
    DeadlineSpec("appeal_deadline", "T1", "Appeal to the Tribunal by", _SENT,
                 starts="decision_sent"),
    DeadlineSpec("adviser_contact_deadline", "T6", "Contact the mediation adviser by", _SENT,
                 starts="decision_sent"),
    DeadlineSpec("decline_certificate_due", "T7", "Decline certificate to be issued by",
                 "The mediation adviser was told mediation is not wanted on",
                 "The mediation adviser is told, by this letter, that mediation is not wanted on",
                 starts="declined_on"),
    DeadlineSpec("mediation_certificate_due", "T15", "Mediation certificate to be issued by",
                 "Mediation ended on", starts="mediation_ended"),
    DeadlineSpec("mediation_arrange_by", "T12", "Mediation to be arranged by", _WANTED,
                 _WANTED_BY_LETTER, starts="mediation_requested"),
    DeadlineSpec("agreement_actions_due", "T17", "Agreed actions (no right of appeal) done by",
                 _AGREED, starts="agreement_date"),
    DeadlineSpec("assessment_decision_due", "L1", "Decision on the assessment request by",
                 _REQUESTED, starts="request_received"),
    DeadlineSpec("no_plan_decision_due", "L3", "Decision not to issue a plan by", _REQUESTED,
                 starts="request_received"),
    DeadlineSpec("final_plan_due", "L5", "Final EHC plan issued by", _REQUESTED,
                 starts="request_received"),
    # Deadlines the documents state that no timeline option starts.
    DeadlineSpec("deemed_certificate_due", "T13", "Certificate to be issued by",
                 "The LA told the mediation adviser it could not arrange mediation in time on",
                 "The mediation adviser is told, by this letter, that mediation was not "
                 "arranged in time, on"),
    DeadlineSpec("health_mediation_arrange_by", "T11", "Mediation to be arranged by", _WANTED,
                 _WANTED_BY_LETTER),
    DeadlineSpec("icb_notice_due", "T9", "LA to tell the ICB by",
                 "The LA was told of the wish to mediate, with health issues, on",
                 "The LA is told, by this letter, that mediation is wanted on"),
    DeadlineSpec("agreement_icb_notice_due", "T18", "ICB tells the LA by", _AGREED),
    # An advocate's letter asking for a certificate states the appeal date that holds if the
    # certificate is issued the day the letter is sent (HESC r.20(1)(c)(ii); RULES.md, third check).
    DeadlineSpec("appeal_deadline_if_issued", "T2",
                 "Appeal to the Tribunal by, if the certificate is issued on the day of this letter",
                 _SENT),
)}


def agreed_action_key(number: int) -> str:
    """The key of the deadline of agreed action ``number`` (one per action, reg 42)."""
    return f"agreed_action_{number}"


def named_deadline(key: str, start: date, *, by_letter: bool = False,
                   today: date | None = None) -> Deadline:
    """The deadline called ``key`` in :data:`DEADLINES`, counted from ``start``.

    Args:
        key: a key of ``DEADLINES`` other than 'appeal_deadline' (see :func:`appeal_deadline`).
        start: the day of the starting event.
        by_letter: the letter being written is the starting event.
        today: the current date, for the 'already passed' warning.

    Raises:
        KeyError: for an unknown key.
        DateInputError: for a start date out of range.
    """
    spec = DEADLINES[key]
    trigger = spec.by_letter if by_letter and spec.by_letter else spec.trigger
    return statutory_deadline(spec.rule_id, start, label=spec.label, trigger=trigger, today=today)


# Reg 44(2) periods (T21) for each kind of appealable agreed action, by index into T21.
_REG44_PERIOD = {
    "notify_assessment": 1,
    "no_plan_decision": 2,
    "final_plan_after_assessment": 3,
    "draft_plan": 4,
    "final_plan": 5,
    "amend_plan": 6,
    "change_school": 7,
}


def reg44_period(order_type: str) -> Period:
    """The reg 44(2) period (RULES.md T21) for a kind of appealable agreed action."""
    if order_type not in _REG44_PERIOD:
        msg = f"order_type must be one of {', '.join(_REG44_PERIOD)} (got {order_type!r})"
        raise DateInputError(msg)
    return rule("T21").periods[_REG44_PERIOD[order_type]]


def agreement_action_deadline(
    agreement_date: date,
    *,
    appealable: bool,
    order_type: str | None = None,
    agreed_deadline: date | None = None,
    today: date | None = None,
) -> Deadline:
    """The deadline for one action agreed at mediation (SEND Regulations 2014 reg 42).

    An appealable matter follows the reg 44 period for its kind of order (reg 42(2)); any
    other action is due within 2 weeks (reg 42(3)); a timescale the parties agreed in writing
    replaces both (reg 42(5)).

    Raises:
        DateInputError: if an agreed deadline is before the agreement, or an appealable
            action has neither an order type nor an agreed deadline.
    """
    trigger = _AGREED
    if agreed_deadline is not None:
        if agreed_deadline < agreement_date:
            msg = f"agreed_deadline ({agreed_deadline}) is before the agreement ({agreement_date})"
            raise DateInputError(msg)
        r = rule("T19")
        steps = (
            f"{trigger} {long_date(agreement_date)}.",
            f"The parties agreed in writing that this will be done by {long_date(agreed_deadline)} "
            f"({r.citation}).",
        )
        warnings = _past_warning(agreed_deadline, today, extendable=False)
        return Deadline("Agreed action due by", agreed_deadline, agreed_deadline, (r,), steps,
                        tuple(warnings))
    if not appealable:
        return statutory_deadline("T17", agreement_date, label="Agreed action due by",
                                  trigger=trigger, today=today)
    order = order_type or ""
    period = reg44_period(order)
    deadline = statutory_deadline("T21", agreement_date, label="Agreed action due by",
                                  trigger=trigger, period_index=_REG44_PERIOD[order],
                                  today=today)
    because = (
        f"This is a matter that could be appealed, so the LA must {period.label} within "
        f"{period.words}, as if the agreement were a Tribunal order (SEND Regulations 2014 "
        f"reg 42(2))."
    )
    return replace(deadline, rule=(rule("T16"), *deadline.rule),
                   explanation=(deadline.explanation[0], because, *deadline.explanation[1:]))
