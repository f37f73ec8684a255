"""The people and organisations a document names: the child, who it is for, the council, the advocate."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated

from pydantic import (
    Field,
)

from medocs.models.common import (
    Text,
    _Model,
    about,
)


class CaseCouncil(_Model):
    """The council a case is about, named by the case: it overrides the profile's LA.

    A mediation service works with many councils, so a certificate or agreement takes its
    council from the case (issue 12 item 9).
    """

    name: Text
    reference: Text | None = Field(default=None, description="the council's own case reference")
    signatory: Text | None = Field(
        default=None, description="who signs an agreement for the council, with their role"
    )


class Child(_Model):
    """The child or young person the EHC decision is about."""

    name: Annotated[Text, about("Child's full name",
                                "The child or young person the decision is about.", "Amara Khan")]
    date_of_birth: Annotated[date, about(
        "Child's date of birth", "The date of birth of the child or young person, as on the EHC "
        "paperwork.", date(2017, 5, 14))]


def school_leaving_date(date_of_birth: date) -> date:
    """The day after which a child is over compulsory school age (Education Act 1996 s.8(3)).

    The school leaving date is the last Friday in June (Education (School Leaving Date) Order
    1997); compulsory school age ends at the end of that day in the school year (1 September
    to 31 August) in which the child turns 16, including for a birthday in July or August.
    It sits with the models because it decides who may decide (and so who a letter goes
    to), not when something is due. Models may import the timeline package (they take
    ``EVENT_ORDER`` from it); only the reverse is forbidden (import-linter contracts).

    Args:
        date_of_birth: the child's date of birth.

    Returns:
        The last Friday in June of the school year in which they turn 16.
    """
    year = date_of_birth.year + 16 + (1 if date_of_birth.month >= 9 else 0)
    last = date(year, 6, 30)
    return last - timedelta(days=(last.weekday() - 4) % 7)  # Friday is weekday 4


def young_person_problem(field: str, child: Child, on: date, on_field: str) -> str | None:
    """Why ``child`` cannot be the young person who decides on ``on``, or None if they can.

    A young person is over compulsory school age (CFA 2014 s.83(2)); until then the parent
    has the right of appeal and the letters go to them (RULES.md, third check).
    """
    leaving = school_leaving_date(child.date_of_birth)
    if on > leaving:
        return None
    return (
        f"{field} is true, but {child.name} (born {child.date_of_birth}) is not over compulsory "
        f"school age on {on_field} ({on}): a young person decides for themselves only after "
        f"{leaving}, the last Friday in June of the school year in which they turn 16 (CFA 2014 "
        f"s.83(2); Education Act 1996 s.8). Until then the parent decides: set {field} = false "
        f"and write to the parent"
    )


class Recipient(_Model):
    """Who the letter or certificate is for: the parent, or the young person themselves."""

    name: Annotated[Text, about(
        "Name of the person it is for", "The parent, or the young person themselves, that the "
        "document is addressed to.", "Ms Sadia Khan")]
    salutation: Annotated[Text | None, about(
        "How to greet them", "The name after 'Dear' (left empty: their name).", "Ms Khan")] = None
    address: tuple[Text, ...] = about("Postal address", "Their postal address, one line at a time.",
                                      ("12 Example Street",), default=(), max_length=8)
    email: Annotated[Text | None, about("Email address", "Their email address, if they have one.",
                                        "sadia.khan@example.com")] = None
    is_young_person: Annotated[bool, about(
        "Is it the young person themselves?", "Yes only for a young person over compulsory school "
        "age, who decides for themselves; otherwise the parent.", False)] = False



def _check_young_person(recipient: Recipient, child: Child, on: date, on_field: str) -> None:
    if recipient.is_young_person:
        problem = young_person_problem("recipient.is_young_person", child, on, on_field)
        if problem:
            raise ValueError(problem)



class Advocate(_Model):
    """Who writes the letter: the advocate or supporter, and how to reach them."""

    name: Annotated[Text, about("Your full name", "You write the letter: your name as it should be "
                                "signed.", "Joanna Mensah")]
    role: Annotated[Text, about("Your role", "The capacity you write in.", "Volunteer SEND advocate")]
    organisation: Annotated[Text, about("Your organisation", "The organisation you work or "
                                        "volunteer for.", "Westway Parent Advocacy")]
    address: tuple[Text, ...] = about("Your postal address", "Your organisation's address, one line "
                                      "at a time.", ("Unit 4, 12 Acklam Road",),
                                      min_length=1, max_length=8)
    email: Annotated[Text, about("Your email address", "Where replies and the certificate should go.",
                                 "joanna.mensah@westway-advocacy.example")]
    phone: Annotated[Text, about("Your telephone number", "A number the LA or the adviser can call "
                                 "you on.", "020 7946 0321")]


class Client(_Model):
    """The parent or young person the advocate writes for, and when they gave consent."""

    name: Annotated[Text, about(
        "Name of the parent or young person you act for", "The person with the right of appeal: "
        "the parent, or the young person themselves once they are over compulsory school age.",
        "Ms Sadia Khan")]
    is_young_person: Annotated[bool, about(
        "Is that person the young person themselves?", "Answer yes if the young person makes "
        "their own decisions and you act for them directly.", False)] = False
    relationship: Annotated[Text, about(
        "Their relationship to the child", "How the parent is related to the child, as the letter "
        "should say it.", "mother")] = "parent"
    consent_given: Annotated[date, about(
        "Date they gave written consent", "The date the parent or young person gave you written "
        "consent to act for them. Enclose a copy with the letter.", date(2024, 10, 14))]


class Addressee(_Model):
    """An organisation written to and, where known, the person it is for the attention of."""

    organisation: Annotated[Text, about("{who}: organisation", "The organisation of {who}.")]
    name: Annotated[Text | None, about(
        "{who}: person to write to", "The person the letter is for the attention of. Leave empty "
        "if you do not know a name: the letter then starts 'Dear Sir or Madam'.")] = None
    job_title: Annotated[Text | None, about("{who}: their job title",
                                            "The job title of that person.")] = None
    salutation: Annotated[Text | None, about("{who}: how to greet them", "The name after 'Dear', "
                                             "as that person would like it.")] = None
    address: tuple[Text, ...] = about("{who}: postal address", "The postal address, one line at a "
                                      "time (the letter goes by email).", default=(), max_length=8)
    email: Annotated[Text, about("{who}: email address",
                                 "The email address the letter will be sent to.")]
