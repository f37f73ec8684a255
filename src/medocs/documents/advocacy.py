"""Build the plain dict a template sees for an advocate's letter (LETTERS.md §5).

The advocate writes for a parent or young person: IPSEA order, a dated chronology, the duty
with its regulation, what is wanted by when, and what happens otherwise. Dates come from the
timeline module, as for every other document.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from pydantic import BaseModel

from medocs.documents.context import (
    Context,
    agreed_action_deadline,
    case_notes,
    child_context,
    deadline_context,
    decision_ref_context,
)
from medocs.documents.deadline_names import with_old_names
from medocs.documents.wording import short_name, wording_for
from medocs.errors import DateInputError
from medocs.models import (
    Action,
    Addressee,
    AgreementChaseCase,
    CertificateRequestCase,
    MediationNotArrangedCase,
    MediationRequestCase,
)
from medocs.profiles import Profile
from medocs.timeline.dates import long_date, plain_date
from medocs.timeline.deadlines import (
    Deadline,
    adviser_contact_deadline,
    agreed_action_key,
    appeal_deadline,
    appeal_deadline_before_certificate,
    late_contact_note,
    named_deadline,
    reg44_period,
)

__all__ = [
    "advocate_letter_problems",
    "agreement_chase_context",
    "certificate_request_context",
    "letter_deadlines",
    "mediation_not_arranged_context",
    "mediation_request_context",
]

# Letters from an advocate for a parent or young person (LETTERS.md §5): IPSEA order, a dated
# chronology, the duty with its regulation, what is wanted by when, and what happens otherwise.
# The case names the LA and the adviser, so ``profile`` is accepted for the catalogue's common
# signature and not used.

AdvocateCase = MediationRequestCase | CertificateRequestCase | MediationNotArrangedCase | AgreementChaseCase

# Days given for a reply when a letter asks for one and the case sets no date (LETTERS.md §5:
# a letter with no reply deadline is a mistake).
REPLY_DAYS = 14


def _addressee(person: Addressee) -> Context:
    fao = ", ".join(part for part in (person.name, person.job_title) if part)
    return {
        "organisation": person.organisation,
        "name": person.name or "",
        "job_title": person.job_title or "",
        "address": list(person.address),
        "email": person.email,
        "fao": fao,
        "described": f"{person.name}, {person.organisation}" if person.name else person.organisation,
    }


def _greeting(people: list[Addressee]) -> tuple[str, str]:
    """'Dear Mr Okafor' ... 'Yours sincerely', or 'Dear Sir or Madam' ... 'Yours faithfully'."""
    if all(person.name for person in people):
        names = [person.salutation or short_name(person.name or "") for person in people]
        return "Dear " + " and ".join(names), "Yours sincerely"
    return "Dear Sir or Madam", "Yours faithfully"


def _client(case: AdvocateCase) -> Context:
    client, child = case.client, case.child
    if client.is_young_person:
        described = f"{client.name}, a young person who can make this decision"
    else:
        described = f"{client.name}, the {client.relationship} of {child.name}"
    return {
        "name": client.name,
        "short": short_name(client.name),
        "is_young_person": client.is_young_person,
        "relationship": client.relationship,
        "consent_given": plain_date(client.consent_given),
        "described": described,
    }


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _event(day: date, text: str) -> tuple[date, str]:
    return day, text


def _chronology(events: list[tuple[date, str]]) -> list[Context]:
    """Dated events, oldest first (sorted stably, so same-day events keep their order)."""
    return [{"date": plain_date(day), "event": text}
            for day, text in sorted(events, key=lambda item: item[0])]


def _advocate_common(
    case: AdvocateCase, *, topic: str, to: list[Addressee], la_name: str, cc: list[str],
    enclosures: list[str],
) -> Context:
    salutation, sign_off = _greeting(to)
    words = wording_for(case.decision.kind)
    # The LA's own reference is "your reference" only in a letter to the LA alone.
    whose = "your" if all(person.organisation == la_name for person in to) else "the council's"
    ref = f" ({whose} reference {case.decision.la_reference})" if case.decision.la_reference else ""
    return {
        "case_ref": case.case_ref,
        "letter": {"date": plain_date(case.letter_date)},
        "advocate": {**case.advocate.model_dump(), "address": list(case.advocate.address)},
        "client": _client(case),
        "child": child_context(case.child),
        "decision": decision_ref_context(case.decision),
        "decision_title": _lower_first(words.title),
        "la_name": la_name,
        "to": [_addressee(person) for person in to],
        "by_email": "; ".join(person.email for person in to),
        "fao": "; ".join(
            _addressee(person)["fao"] + (f", {person.organisation}" if len(to) > 1 else "")
            for person in to if person.name
        ),
        "salutation": salutation,
        "sign_off": sign_off,
        "subject": f"{case.child.name}, date of birth {plain_date(case.child.date_of_birth)}: {topic}",
        "decision_event": f"{la_name} sent its {_lower_first(words.title)}{ref}.",
        "cc": [f"{case.client.name}", *cc, *case.cc],
        "enclosures": [
            f"Written consent of {case.client.name}, given on {plain_date(case.client.consent_given)}",
            *enclosures, *case.enclosures,
        ],
    }


def _key_dates(*rows: tuple[str, str]) -> list[Context]:
    return [{"label": label, "date": when} for label, when in rows]


def _arrange_key(health: bool) -> str:
    # T11: health with education or social care; T12: education or social care only.
    return "health_mediation_arrange_by" if health else "mediation_arrange_by"


def mediation_request_context(
    case: MediationRequestCase, profile: Profile | None = None, *, today: date
) -> Context:
    """The context of a letter to the LA: the family wishes to mediate (reg 32(e)).

    The LA is told on the date of the letter, which starts the 30 days to arrange mediation
    (T11/T12) and, where health care provision is wanted, the 3 working days to tell the ICB (T9).
    """
    health = bool(case.health_provision)
    arrange_key = _arrange_key(health)
    computed = letter_deadlines(case, today=today)
    deadlines = {key: deadline_context(d) for key, d in computed.items()}
    # A template may show the ICB date (it does only where health care provision is wanted),
    # so the context always has it; the letter's own list of deadlines has it only then.
    deadlines.setdefault("icb_notice_due", deadline_context(named_deadline(
        "icb_notice_due", case.letter_date, by_letter=True, today=today)))
    context = _advocate_common(
        case, topic="request for mediation", to=[case.la], la_name=case.la.organisation,
        cc=[f"{_addressee(case.adviser)['described']} (mediation adviser)"],
        enclosures=[f"Copy of the decision letter sent on {plain_date(case.decision.letter_sent)}"],
    )
    context.update(
        la=_addressee(case.la),
        adviser=_addressee(case.adviser),
        issues=list(case.issues),
        health_provision=list(case.health_provision),
        chronology=_chronology([
            _event(case.decision.letter_sent, context["decision_event"]),
            _event(case.contacted_adviser,
                   f"{short_name(case.client.name)} contacted the mediation adviser, "
                   f"{case.adviser.organisation}."),
            _event(case.letter_date, f"This letter tells {case.la.organisation} that "
                                     f"{short_name(case.client.name)} wishes to go to mediation."),
        ]),
        deadlines=with_old_names(deadlines),
        key_dates=_key_dates(
            *((("ICB to be told by", deadlines["icb_notice_due"]["date"]),) if health else ()),
            ("Mediation to be arranged by", _with_act_by(deadlines[arrange_key])),
            ("Appeal to the Tribunal by", f"{deadlines['appeal_deadline']['date']}, 5pm, or one "
                                          "month from the date of issue of the mediation "
                                          "certificate if later"),
        ),
        case_notes=case_notes(*computed.values(), extra=[_late_contact(case)],
                              act_by_shown=[computed[arrange_key]]),
    )
    return context


def _late_contact(case: MediationRequestCase | CertificateRequestCase | MediationNotArrangedCase
                  ) -> str | None:
    """The note for a client who contacted the adviser after the 2 months of reg 33."""
    contact = adviser_contact_deadline(case.decision.letter_sent)
    return late_contact_note(case.contacted_adviser, contact, short_name(case.client.name))


def _with_act_by(deadline: Context) -> str:
    """A deadline's date, with the advice to act earlier when it is not a working day."""
    if deadline["act_by"]:
        return f"{deadline['date']} (not a working day: to be safe, by {deadline['act_by']})"
    return str(deadline["date"])


def certificate_request_context(
    case: CertificateRequestCase, profile: Profile | None = None, *, today: date
) -> Context:
    """The context of a letter to the mediation adviser asking for a certificate (s.55(4), T7).

    The adviser is told on the date of the letter; the appeal deadline shown is the one that
    holds if the certificate is issued that same day: the certificate does not exist yet, and
    a later one can only move the date later (HESC r.20(1)(c)(ii); RULES.md, third check).
    """
    computed = letter_deadlines(case, today=today)
    due, appeal = computed["decline_certificate_due"], computed["appeal_deadline_if_issued"]
    contact = computed["adviser_contact_deadline"]
    context = _advocate_common(
        case, topic="request for a mediation certificate (no mediation)", to=[case.adviser],
        la_name=case.la_name, cc=[], enclosures=[],
    )
    first_contact = (
        f"{short_name(case.client.name)} contacted {case.adviser.organisation} about mediation."
        if case.contacted_adviser != case.letter_date
        else f"This letter is {short_name(case.client.name)}'s contact with {case.adviser.organisation} "
             "about mediation."
    )
    events = [_event(case.decision.letter_sent, context["decision_event"]),
              _event(case.contacted_adviser, first_contact)]
    if case.contacted_adviser != case.letter_date:
        events.append(_event(case.letter_date, f"This letter tells {case.adviser.organisation} "
                                               f"that {short_name(case.client.name)} does not wish to go to "
                                               "mediation."))
    context.update(
        adviser=_addressee(case.adviser),
        certificate_to=case.certificate_to or case.advocate.email,
        chronology=_chronology(events),
        deadlines=with_old_names({key: deadline_context(d) for key, d in computed.items()}),
        key_dates=_key_dates(
            ("Decision letter sent", plain_date(case.decision.letter_sent)),
            ("Contact the mediation adviser by",
             f"{long_date(contact.date)} (met: contacted on {plain_date(case.contacted_adviser)})"
             if case.contacted_adviser <= contact.date
             else _with_act_by(deadline_context(contact))),
            ("Adviser told mediation is not wanted (this letter)", plain_date(case.letter_date)),
            ("Certificate to be issued by", long_date(due.date)),
            _appeal_row(appeal),
        ),
        case_notes=case_notes(due, appeal, extra=[_late_contact(case)]),
    )
    return context


def _appeal_row(appeal: Deadline) -> tuple[str, str]:
    """The key dates row for the appeal date before the certificate exists."""
    return ("Appeal to the Tribunal by, if the certificate is issued on the day of this letter",
            f"{long_date(appeal.date)}, 5pm. Once the certificate is issued, the date is one "
            "month from its date of issue, if that is later than 2 months after the decision "
            "letter was sent")


def mediation_not_arranged_context(
    case: MediationNotArrangedCase, profile: Profile | None = None, *, today: date
) -> Context:
    """The context of a letter to the LA and the adviser: 30 days passed with no mediation.

    Raises:
        DateInputError: if the 30 days have not yet passed on the date of the letter.
    """
    problems = advocate_letter_problems(case)
    if problems:
        raise DateInputError("; ".join(message for _, message in problems))
    health = bool(case.health_provision)
    computed = letter_deadlines(case, today=today)
    arrange, due, appeal = (computed[key] for key in (_arrange_key(health), "deemed_certificate_due",
                                                        "appeal_deadline_if_issued"))
    context = _advocate_common(
        case, topic="mediation not arranged within 30 days: request for a mediation certificate",
        to=[case.la, case.adviser], la_name=case.la.organisation, cc=[], enclosures=[],
    )
    context.update(
        la=_addressee(case.la),
        adviser=_addressee(case.adviser),
        issues=list(case.issues),
        health_provision=list(case.health_provision),
        health=health,
        chronology=_chronology([
            _event(case.decision.letter_sent, context["decision_event"]),
            _event(case.contacted_adviser,
                   f"{short_name(case.client.name)} contacted the mediation adviser, "
                   f"{case.adviser.organisation}."),
            _event(case.mediation_requested,
                   f"{short_name(case.client.name)} asked {case.la.organisation} for mediation."),
            _event(arrange.date, "The 30 days to arrange mediation ended. Mediation had not been "
                                 "arranged."),
            _event(case.letter_date, "Mediation has still not been arranged."),
        ]),
        deadlines=with_old_names({key: deadline_context(d) for key, d in computed.items()}),
        key_dates=_key_dates(
            ("Mediation requested", plain_date(case.mediation_requested)),
            ("Mediation had to be arranged by", long_date(arrange.date)),
            ("Certificate to be issued by", long_date(due.date)),
            _appeal_row(appeal),
        ),
        case_notes=case_notes(due, appeal, extra=[_late_contact(case)]),
    )
    return context


def _arrange_by(case: MediationNotArrangedCase) -> Deadline:
    return named_deadline(_arrange_key(bool(case.health_provision)), case.mediation_requested)


def _numbered(actions: tuple[Action, ...]) -> list[tuple[int, Action]]:
    """Each action with the number the record of agreement gives it (else its place)."""
    return [(action.number or index, action) for index, action in enumerate(actions, start=1)]


def _action_basis(action: Action) -> str:
    if action.agreed_deadline is not None:
        return "the date agreed in writing"
    if action.order_type is not None:
        period = reg44_period(action.order_type.value)
        return f"{period.words}, as for a Tribunal order"
    return "2 weeks from the date of the agreement"


# Where each body's complaints go after its own procedure (LETTERS.md §4 item 7).
_COMPLAINT_ROUTES = {
    "la": ("its complaints process", "the Local Government and Social Care Ombudsman"),
    "icb": ("the NHS complaints process", "the Parliamentary and Health Service Ombudsman"),
}


def _joined(names: list[str]) -> str:
    """'A', 'A and B', 'A, B and C'."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def agreement_chase_context(
    case: AgreementChaseCase, profile: Profile | None = None, *, today: date
) -> Context:
    """The context of a letter to the LA chasing actions agreed at mediation (reg 42).

    Raises:
        DateInputError: if an action's deadline has not passed on the date of the letter.
    """
    problems = advocate_letter_problems(case)
    if problems:
        raise DateInputError("; ".join(message for _, message in problems))
    reply_by = case.reply_by or case.letter_date + timedelta(days=REPLY_DAYS)
    # Write to each body that owes a late action: the ICB for health actions (issue 12 item 11).
    owing = {action.body for action in case.actions}
    bodies = {"la": case.la, "icb": case.icb}
    to = [person for key, person in bodies.items() if key in owing and person is not None]
    context = _advocate_common(
        case, topic=f"actions agreed at mediation on {plain_date(case.agreement_date)} not done",
        to=to, la_name=case.la.organisation, cc=[],
        enclosures=[f"Copy of the mediation agreement of {plain_date(case.agreement_date)}"],
    )
    mediator = f" with {case.mediator} as mediator" if case.mediator else ""
    parties = _joined([short_name(case.client.name), case.la.organisation,
                       *([case.icb.organisation] if case.icb else [])])
    events = [
        _event(case.decision.letter_sent, context["decision_event"]),
        _event(case.agreement_date, f"Mediation{mediator} ended in a written agreement."),
    ]
    actions = []
    notes: list[str] = []
    for index, action in enumerate(case.actions, start=1):
        number = action.number or index
        deadline = agreed_action_deadline(case.agreement_date, action, today=today)
        notes += (f"Action {number}: {note}" for note in deadline.notes)
        actions.append({
            "number": number,
            "action": action.action,
            "who": action.who,
            "deadline": long_date(deadline.date),
            "basis": _action_basis(action),
            "explanation": list(deadline.explanation),
        })
        events.append(_event(deadline.date, f"The deadline for agreed action {number} passed. "
                                            "It has not been done."))
    # Reg 42 binds whoever agreed each action: the LA, or the ICB for health care provision.
    responsible = list(dict.fromkeys(action.who for action in case.actions))
    law_duty = (f"{responsible[0]} must do what it agreed at mediation." if len(responsible) == 1
                else f"{', '.join(responsible[:-1])} and {responsible[-1]} must each do what "
                     "they agreed at mediation.")
    complaint_routes = []
    for key, person in bodies.items():
        owed = [str(a["number"]) for a, action in zip(actions, case.actions, strict=True)
                if action.body == key]
        if person is None or not owed:
            continue
        procedure, ombudsman = _COMPLAINT_ROUTES[key]
        complaint_routes.append({
            "organisation": person.organisation, "procedure": procedure, "ombudsman": ombudsman,
            "actions": ("action " if len(owed) == 1 else "actions ") + _joined(owed),
        })
    context.update(
        la=_addressee(case.la),
        parties=parties,
        complaint_routes=complaint_routes,
        law_duty=law_duty,
        agreement={"date": plain_date(case.agreement_date), "mediator": case.mediator or ""},
        actions=actions,
        chronology=_chronology(events),
        reply_by=long_date(reply_by),
        deadlines=with_old_names({key: deadline_context(d)
                                  for key, d in letter_deadlines(case, today=today).items()}),
        key_dates=_key_dates(
            ("Date of the mediation agreement", plain_date(case.agreement_date)),
            *((f"Action {item['number']} was due by", str(item["deadline"])) for item in actions),
            ("Please reply by", long_date(reply_by)),
        ),
        case_notes=list(dict.fromkeys(notes)),
    )
    return context


def letter_deadlines(case: BaseModel, *, today: date | None = None) -> dict[str, Deadline]:
    """The deadlines an advocate's letter states, by timeline key, in the order the letter gives them.

    Each counts from the date of the letter where the letter itself is the trigger: telling
    the LA that mediation is wanted (T9, T11/T12), or telling the adviser that it is not (T7)
    or that it was not arranged (T13).

    Raises:
        TypeError: for a case that is not an advocate's letter.
    """
    if isinstance(case, MediationRequestCase):
        health = bool(case.health_provision)
        found = {}
        if health:
            found["icb_notice_due"] = named_deadline("icb_notice_due", case.letter_date,
                                                     by_letter=True, today=today)
        found[_arrange_key(health)] = named_deadline(_arrange_key(health), case.letter_date,
                                                     by_letter=True, today=today)
        found["appeal_deadline"] = appeal_deadline(case.decision.letter_sent, today=today)
        return found
    if isinstance(case, CertificateRequestCase):
        due = named_deadline("decline_certificate_due", case.letter_date, by_letter=True,
                             today=today)
        contact = adviser_contact_deadline(case.decision.letter_sent, today=today)
        if case.contacted_adviser <= contact.date:
            # Met: the date is history, not a warning.
            contact = replace(contact, warnings=(), act_by=None, explanation=(
                *contact.explanation,
                f"Met: the mediation adviser was contacted on {plain_date(case.contacted_adviser)}."))
        return {
            "adviser_contact_deadline": contact,
            "decline_certificate_due": due,
            "appeal_deadline_if_issued": appeal_deadline_before_certificate(
                case.decision.letter_sent, letter_date=case.letter_date, today=today),
        }
    if isinstance(case, MediationNotArrangedCase):
        due = named_deadline("deemed_certificate_due", case.letter_date, by_letter=True,
                             today=today)
        return {
            _arrange_key(bool(case.health_provision)): _arrange_by(case),
            "deemed_certificate_due": due,
            "appeal_deadline_if_issued": appeal_deadline_before_certificate(
                case.decision.letter_sent, letter_date=case.letter_date, today=today),
        }
    if isinstance(case, AgreementChaseCase):
        return {agreed_action_key(number): agreed_action_deadline(case.agreement_date, action,
                                                                  number=number, today=today)
                for number, action in _numbered(case.actions)}
    msg = f"not an advocate's letter: {type(case).__name__}"
    raise TypeError(msg)


def advocate_letter_problems(case: BaseModel) -> list[tuple[str, str]]:
    """Why this letter should not be sent yet, as (field, message) pairs; [] when it may be.

    A letter saying mediation was not arranged in 30 days, or that an agreed action is late,
    is wrong if the date has not passed on the date of the letter.
    """
    problems: list[tuple[str, str]] = []
    if isinstance(case, MediationNotArrangedCase):
        arrange = _arrange_by(case)
        if case.letter_date <= arrange.date:
            problems.append(("letter_date", (
                f"the LA has until {long_date(arrange.date)} to arrange mediation (30 days after "
                f"{plain_date(case.mediation_requested)}): this letter can be sent from "
                f"{plain_date(arrange.date + timedelta(days=1))} (letter_date is "
                f"{plain_date(case.letter_date)})")))
    elif isinstance(case, AgreementChaseCase):
        for number, action in _numbered(case.actions):
            deadline = agreed_action_deadline(case.agreement_date, action)
            if case.letter_date <= deadline.date:
                problems.append(("letter_date", (
                    f"agreed action {number} is due by {long_date(deadline.date)}, which has not "
                    f"passed on the letter date ({plain_date(case.letter_date)}): chase only "
                    "actions that are late")))
    return problems
