"""Build the plain dict a template sees from a case, its timeline and the profile.

Every date a template shows is computed here by the timeline module and formatted with Babel;
templates never compute dates. Optional text becomes "" (never None, which would print as
"None"), so a template can test it with ``{% if ... %}``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date
from typing import Any

from medocs.documents.deadline_names import with_old_names
from medocs.documents.wording import child_words, short_name, wording_for
from medocs.errors import CaseValidationError
from medocs.models import (
    Action,
    AgreementRecordCase,
    CaseCouncil,
    Child,
    DecisionKind,
    DecisionLetterCase,
    DecisionRef,
    DeclineCertificateCase,
    IssueOutcome,
    MediationCertificateCase,
    Recipient,
)
from medocs.profiles import Contact, Officer, Profile
from medocs.timeline.dates import long_date, plain_date
from medocs.timeline.deadlines import (
    Deadline,
    adviser_contact_deadline,
    agreed_action_key,
    agreement_action_deadline,
    appeal_deadline,
    late_certificate_note,
    late_contact_note,
    named_deadline,
    non_working_note,
    reg44_period,
    why_moved,
)

__all__ = [
    "Context",
    "agreed_action_deadline",
    "case_notes",
    "child_context",
    "decision_ref_context",
    "agreement_record_context",
    "decision_letter_context",
    "decline_certificate_context",
    "deadline_context",
    "mediation_certificate_context",
]

Context = dict[str, Any]

_OUTCOME_WORDS = {
    IssueOutcome.RESOLVED: "Resolved",
    IssueOutcome.PARTLY: "Partly resolved",
    IssueOutcome.NOT_RESOLVED: "Not resolved",
}


def _contact(contact: Contact | None) -> Context:
    if contact is None:
        return {"name": "", "phone": "", "email": "", "website": "", "address": []}
    return {
        "name": contact.name,
        "phone": contact.phone or "",
        "email": contact.email or "",
        "website": contact.website or "",
        "address": list(contact.address),
    }


def _officer(officer: Officer) -> Context:
    return {**officer.model_dump(), "short": officer.salutation or short_name(officer.name)}


def _council_name(profile: Profile, council: CaseCouncil | None) -> str:
    """The council a document names: the case's own, else the profile's LA.

    Raises:
        CaseValidationError: if the profile lists the councils its service works with and
            the case names another.
    """
    if council is None:
        return profile.la.name
    known = profile.mediation_service.councils
    if known and council.name not in known:
        msg = (f"la.name: {council.name!r} is not one of the councils in the profile's "
               f"mediation_service.councils ({'; '.join(known)})")
        raise CaseValidationError(msg, problems=(("la.name", msg, repr(council.name)),))
    return council.name


def _organisations(profile: Profile, council: CaseCouncil | None = None) -> Context:
    la, service = profile.la, profile.mediation_service
    return {
        "la": {
            "name": _council_name(profile, council),
            "service": la.service,
            "address": list(la.address),
            "phone": la.phone,
            "email": la.email,
            "website": la.website,
            "other_formats_phone": la.other_formats_phone or la.phone,
        },
        "officer": _officer(la.officer),
        "la_mediation_contact": _officer(la.mediation_contact),
        "mediation_service": {
            "name": service.name,
            "address": list(service.address),
            "phone": service.phone,
            "email": service.email,
            "website": service.website,
        },
        "adviser": _officer(service.adviser),
        "sendiass": _contact(profile.sendiass),
        "disagreement_resolution": _contact(profile.disagreement_resolution),
        "icb": _contact(profile.icb),
    }


def deadline_context(deadline: Deadline) -> Context:
    """The parts of a deadline a template may show."""
    return {
        "date": long_date(deadline.date),
        "plain": plain_date(deadline.date),
        "iso": deadline.date.isoformat(),
        "label": deadline.label,
        "by_5pm": deadline.due_by is not None,
        "explanation": list(deadline.explanation),
        "warnings": list(deadline.warnings),
        "act_by": long_date(deadline.act_by) if deadline.act_by else "",
        # Where the period's end is not the date, the date a sentence must not call
        # "2 months after" and why it moved (HESC r.12(2), r.12(3)(a)).
        "raw": plain_date(deadline.raw_date),
        "moved": why_moved(deadline.raw_date, deadline.date),
        "citation": "; ".join(r.citation for r in deadline.rule),
        "notes": list(deadline.notes),
    }


def case_notes(
    *deadlines: Deadline, extra: Iterable[str | None] = (), act_by_shown: Iterable[Deadline] = ()
) -> list[str]:
    """What a document must say about its case's own dates, each sentence once.

    Args:
        deadlines: the deadlines the document states; their notes (a date on a non-working
            day, a date that depends on predicted bank holidays, ...) come first.
        extra: further notes, such as late contact with the adviser; None is skipped.
        act_by_shown: deadlines whose safe earlier day the document already gives next to
            the date, so their non-working-day note would say it twice.

    Returns:
        Plain sentences, in order, without repeats: the ``case_notes`` a template shows.
    """
    said = {non_working_note(d.date, d.act_by) for d in act_by_shown if d.act_by}
    found = [note for deadline in deadlines for note in deadline.notes if note not in said]
    return list(dict.fromkeys([*found, *(note for note in extra if note)]))


def child_context(child: Child) -> Context:
    return {"name": child.name, "date_of_birth": plain_date(child.date_of_birth)}


def _recipient(recipient: Recipient) -> Context:
    greeting = recipient.salutation or short_name(recipient.name)
    return {
        "name": recipient.name,
        "short": greeting,
        "salutation": f"Dear {greeting}",
        "address": list(recipient.address),
        "email": recipient.email or "",
        "is_young_person": recipient.is_young_person,
    }


def decision_ref_context(decision: DecisionRef) -> Context:
    words = wording_for(decision.kind)
    return {
        "kind": decision.kind.value,
        "title": words.title,
        "letter_sent": plain_date(decision.letter_sent),
        "la_reference": decision.la_reference or "",
        "has_plan": decision.kind.has_plan,
    }


# How a decision letter states the event it follows (models.DECISION_TRIGGERS says which).
_TRIGGER_WORDS = {
    "request_received": "We received the request for an EHC needs assessment on {day}.",
    "review_meeting": "The review meeting about the plan was held on {day}.",
    "amendments_proposed": "We sent you our proposed amendments to the plan on {day}.",
    "consulted_on": "On {day} we told you we were thinking of stopping the plan, and asked for "
                    "your views.",
}
_REASSESSMENT_REQUEST = "We received the request for a re-assessment on {day}."


def _trigger_sentences(case: DecisionLetterCase) -> list[str]:
    """The events this decision follows, oldest first, as the letter states them."""
    events = sorted((day, name) for name in _TRIGGER_WORDS
                    if (day := getattr(case, name)) is not None)
    words = dict(_TRIGGER_WORDS)
    if case.decision is DecisionKind.REFUSE_REASSESSMENT:
        words["request_received"] = _REASSESSMENT_REQUEST
    return [words[name].format(day=plain_date(day)) for day, name in events]


def _with_council_reference(context: Context, council: CaseCouncil | None) -> Context:
    """Show the council's reference from the case where the decision gives none."""
    if council is not None and council.reference and not context["la_reference"]:
        context["la_reference"] = council.reference
    return context


def decision_letter_context(case: DecisionLetterCase, profile: Profile, *, today: date) -> Context:
    """The context of an LA decision letter (reg 32 items and the key dates box).

    Args:
        case: the decision letter case.
        profile: the LA and mediation service.
        today: the current date, for warnings only.
    """
    words = wording_for(case.decision)
    appeal = appeal_deadline(case.letter_date, today=today)
    cease = plain_date(case.cease_date) if case.cease_date else ""
    slots = child_words(case.child.name, is_young_person=case.recipient.is_young_person)
    return {
        **_organisations(profile),
        "case_ref": case.case_ref,
        "your_ref": case.your_ref or "",
        "letter": {"date": plain_date(case.letter_date)},
        "recipient": _recipient(case.recipient),
        "child": child_context(case.child),
        "subject": f"{case.child.name}, date of birth {plain_date(case.child.date_of_birth)}: "
                   f"{words.title[0].lower()}{words.title[1:]}",
        "decision": {
            "kind": case.decision.value,
            "title": words.title,
            "sentence": words.decision.format(**slots, cease_date=cease),
            "made": plain_date(case.decision_made) if case.decision_made else "",
            "request_received": plain_date(case.request_received) if case.request_received else "",
            "triggers": _trigger_sentences(case),
            "reasons": list(case.reasons),
            "evidence": list(case.evidence),
            "next_steps": list(case.next_steps),
            "legal_basis": words.legal_basis,
            "appeal_about": words.appeal_about.format(**slots),
            "appeal_form": words.appeal_form,
            "plan_contents": words.plan_contents,
            "health_and_social_care": words.health_and_social_care,
            "has_plan": case.decision.has_plan,
            "cease_date": cease,
        },
        "deadlines": with_old_names({
            "appeal_deadline": deadline_context(appeal),
            "adviser_contact_deadline": deadline_context(
                adviser_contact_deadline(case.letter_date, today=today)
            ),
        }),
        # The 2-month contact date never ends in a later year than the appeal date, so the
        # appeal's notes cover both (RULES.md T1, T6).
        "case_notes": case_notes(appeal),
        "cc": list(case.cc),
        "enclosures": list(case.enclosures),
    }


def _certificate_common(
    case: DeclineCertificateCase | MediationCertificateCase,
    profile: Profile,
    certificate_number: str,
    today: date,
) -> Context:
    appeal = appeal_deadline(
        case.decision.letter_sent, certificate_issued=case.issued_on, today=today
    )
    return {
        **_organisations(profile, case.la),
        "case_ref": case.case_ref,
        "recipient": _recipient(case.recipient),
        "child": child_context(case.child),
        "decision": _with_council_reference(decision_ref_context(case.decision), case.la),
        "certificate": {
            "number": certificate_number,
            "issued_on": plain_date(case.issued_on),
            "issued_on_long": long_date(case.issued_on),
        },
        "deadlines": {"appeal_deadline": deadline_context(appeal)},
        "case_notes": case_notes(appeal),
    }


def _issued_late(
    context: Context, case: DeclineCertificateCase | MediationCertificateCase, due_key: str,
    due: Deadline, *before: str | None,
) -> None:
    """Add the certificate's due date (as ``due_key``), and notes on lateness, to a certificate's context."""
    context["deadlines"] = with_old_names({**context["deadlines"], due_key: deadline_context(due)})
    context["case_notes"] = list(dict.fromkeys([
        *(note for note in before if note),
        *context["case_notes"],
        *(note for note in [late_certificate_note(case.issued_on, due)] if note),
    ]))


def decline_certificate_context(
    case: DeclineCertificateCase, profile: Profile, *, certificate_number: str, today: date
) -> Context:
    """The context of a certificate under CFA s.55(4), or the deemed (not arranged) variant."""
    context = _certificate_common(case, profile, certificate_number, today)
    if case.variant == "declined":
        assert case.declined_on is not None  # checked by the model
        due_key, started = "decline_certificate_due", case.declined_on
    else:
        assert case.la_told_adviser is not None  # checked by the model
        due_key, started = "deemed_certificate_due", case.la_told_adviser
    due = named_deadline(due_key, started, today=today)
    context["certificate"].update(
        variant=case.variant,
        contacted_adviser=plain_date(case.contacted_adviser),
        declined_on=plain_date(case.declined_on) if case.declined_on else "",
        mediation_requested=(
            plain_date(case.mediation_requested) if case.mediation_requested else ""
        ),
        la_told_adviser=plain_date(case.la_told_adviser) if case.la_told_adviser else "",
    )
    contact = adviser_contact_deadline(case.decision.letter_sent)
    _issued_late(context, case, due_key, due,
                 late_contact_note(case.contacted_adviser, contact, "you"))
    return context


def mediation_certificate_context(
    case: MediationCertificateCase, profile: Profile, *, certificate_number: str, today: date
) -> Context:
    """The context of a certificate under CFA s.55(5), issued after mediation."""
    context = _certificate_common(case, profile, certificate_number, today)
    due = named_deadline("mediation_certificate_due", case.mediation_ended, today=today)
    issuer = profile.mediation_service.certificate_issuer
    context["certificate"].update(
        issuer_name=case.mediator if issuer == "mediator" else profile.mediation_service.adviser.name,
        issuer_role=issuer.capitalize(),
        mediator=case.mediator,
        mediation_dates=", ".join(plain_date(d) for d in sorted(case.mediation_dates)),
        mediation_ended=plain_date(case.mediation_ended),
        mediation_format=case.mediation_format,
        agreement_ref=case.agreement_ref or "",
    )
    context["icb_party"] = case.icb or ""
    open_issues = [item for item in case.issues if item.outcome is not IssueOutcome.RESOLVED]
    # Health and social care go to the Tribunal only alongside B, F or I (RULES.md, third check).
    context["appealable_issues"] = [i.issue for i in open_issues if i.area == "education"]
    context["care_issues"] = [i.issue for i in open_issues if i.area != "education"]
    context["issues"] = [
        {"issue": item.issue, "outcome": _OUTCOME_WORDS[item.outcome],
         "can_appeal": item.outcome is not IssueOutcome.RESOLVED}
        for item in case.issues
    ]
    _issued_late(context, case, "mediation_certificate_due", due)
    return context


def agreed_action_deadline(agreement_date: date, action: Action, *, number: int | None = None,
                           today: date | None = None) -> Deadline:
    """The deadline of one action agreed at mediation on ``agreement_date`` (reg 42).

    The record of agreement, the advocate's chasing letter and a journey's key dates all
    take an action's deadline from here.

    Args:
        agreement_date: the date of the written agreement.
        action: the agreed action.
        number: the action's number, to name it in the label ('Agreed action 2 (...) due by').
        today: the current date, for the 'already passed' warning.
    """
    deadline = agreement_action_deadline(
        agreement_date, appealable=action.appealable,
        order_type=action.order_type.value if action.order_type else None,
        agreed_deadline=action.agreed_deadline, today=today)
    if number is None:
        return deadline
    return replace(deadline, label=f"Agreed action {number} ({_short(action.action)}, {action.who}) due by")


def _short(text: str, limit: int = 60) -> str:
    """An action's words, cut at a word near ``limit`` characters for a one-line label."""
    text = text.rstrip(".")
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "..."


def agreement_record_context(
    case: AgreementRecordCase, profile: Profile, *, today: date
) -> Context:
    """The context of a record of agreement (reg 42) with each action's deadline."""
    actions = []
    notes: list[str] = []
    deadlines: dict[str, Deadline] = {}
    for index, action in enumerate(case.actions, start=1):
        number = action.number or index
        deadline = agreed_action_deadline(case.agreement_date, action, number=number, today=today)
        deadlines[agreed_action_key(number)] = deadline
        if action.agreed_deadline is not None:
            basis = "The date agreed in writing"
        elif action.order_type is not None:
            period = reg44_period(action.order_type.value)
            basis = f"{period.words}, as for a Tribunal order"
        else:
            basis = "2 weeks from the agreement"
        actions.append({
            "number": number,
            "action": action.action,
            "who": action.who,
            "type": "Could be appealed" if action.appealable else "Other action",
            "deadline": long_date(deadline.date),
            "basis": basis,
            "explanation": list(deadline.explanation),
            "notes": list(deadline.notes),
        })
        notes += (f"Action {number}: {note}" for note in deadline.notes)
    icb_notice = ""
    if not case.la_is_party:
        icb_deadline = named_deadline("agreement_icb_notice_due", case.agreement_date, today=today)
        deadlines["agreement_icb_notice_due"] = icb_deadline
        icb_notice = long_date(icb_deadline.date)
        notes += (f"Telling the local authority: {note}" for note in icb_deadline.notes)
    if case.la is not None:
        la_signatory = case.la.signatory or ""
    else:
        la_signatory = f"{profile.la.officer.name}, {profile.la.officer.job_title}"
    return {
        **_organisations(profile, case.la),
        "case_ref": case.case_ref,
        "recipient": _recipient(case.recipient),
        "child": child_context(case.child),
        "decision": _with_council_reference(decision_ref_context(case.decision), case.la),
        "la_signatory": la_signatory,
        "agreement": {
            "date": plain_date(case.agreement_date),
            "mediation_ended": plain_date(case.mediation_ended),
            "mediator": case.mediator,
            "format": case.mediation_format,
            "icb": case.icb or "",
            "icb_signatory": case.icb_signatory or "",
            "la_is_party": case.la_is_party,
            "icb_notice_by": icb_notice,
        },
        "attendees": [a.model_dump() for a in case.attendees],
        "issues": list(case.issues),
        "actions": actions,
        "not_agreed": list(case.not_agreed),
        # Each deadline again by its key, as every kind gives them (batch key dates, warnings).
        "deadlines": with_old_names({key: deadline_context(d) for key, d in deadlines.items()}),
        "case_notes": list(dict.fromkeys(notes)),
    }
