"""The drafting library: questions from the models, answers checked, seeds, TOML writing, text."""

from __future__ import annotations

import tomllib
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from helpers import SAMPLES
from hypothesis import given
from hypothesis import strategies as st

from medocs.documents.advocacy import letter_deadlines
from medocs.documents.kinds import KINDS, render_document
from medocs.drafting.case_toml import dumps_case
from medocs.drafting.questions import NOT_ASKED, questions_for
from medocs.drafting.session import (
    ADVOCATE_KINDS,
    collect_case,
    dates_summary,
    saved_case_data,
    seed_case,
)
from medocs.drafting.writing import email_text, outputs_for
from medocs.errors import CaseValidationError, DateInputError
from medocs.loading import load_case, read_case_data
from medocs.models import MediationRequestCase
from medocs.profiles import load_profile


class Scripted:
    """A prompter that answers from a list and records what was said (EOFError when out)."""

    def __init__(self, answers: list[str]) -> None:
        self.answers = list(answers)
        self.said: list[str] = []
        self.prompts: list[str] = []

    def ask(self, prompt: str) -> str:
        self.prompts.append(prompt)
        if not self.answers:
            raise EOFError
        return self.answers.pop(0)

    def say(self, text: str) -> None:
        self.said.append(text)

    @property
    def text(self) -> str:
        return "\n".join(self.said)


def _sample(kind: str) -> dict[str, Any]:
    return read_case_data(SAMPLES / f"{kind}.toml")


class TestQuestions:
    """The questions come from the case models, each with a meaning and an example."""

    @pytest.mark.parametrize("kind", ADVOCATE_KINDS)
    def test_every_model_field_is_asked(self, kind: str) -> None:
        """Each top-level field of the model is asked, except the optional extras."""
        asked = {q.path[0] for q in questions_for(kind)}
        assert asked == set(KINDS[kind].model.model_fields) - NOT_ASKED

    @pytest.mark.parametrize("kind", ADVOCATE_KINDS)
    def test_every_question_explains_itself(self, kind: str) -> None:
        """Each question has a label and a meaning; all but the action list have an example."""
        for question in questions_for(kind):
            assert question.label
            assert question.meaning.endswith((".", ")"))
            assert question.example or question.kind == "actions"

    def test_letter_date_comes_first(self) -> None:
        """The letter's date is asked first: later defaults follow from it."""
        assert questions_for("mediation-request")[0].name == "letter_date"

    def test_decision_kinds_are_offered_in_words(self) -> None:
        """The decision is a numbered choice in plain words."""
        question = next(q for q in questions_for("mediation-request") if q.name == "decision.kind")
        assert question.kind == "choice"
        assert question.choices[0] == ("refuse_assessment",
                                       "Decision not to carry out an EHC needs assessment")

    def test_required_and_optional(self) -> None:
        """Issues are required (at least one); health provision and the LA reference are not."""
        by_name = {q.name: q for q in questions_for("mediation-request")}
        assert by_name["issues"].required
        assert not by_name["health_provision"].required
        assert not by_name["decision.la_reference"].required
        assert by_name["advocate.address"].required


class TestCollect:
    """collect_case asks for what is missing and checks each answer."""

    def _complete_but(self, kind: str, *missing: str) -> dict[str, Any]:
        data = _sample(kind)
        for name in missing:
            section, _, field = name.partition(".")
            if field:
                del data[section][field]
            else:
                del data[section]
        return data

    def test_asks_only_what_is_missing(self) -> None:
        """A case lacking one field asks one question and returns the case."""
        prompter = Scripted(["14 May 2017"])
        case = collect_case("mediation-request",
                            self._complete_but("mediation-request", "child.date_of_birth"),
                            prompter=prompter, today=date(2024, 10, 21), from_file=True)
        assert isinstance(case, MediationRequestCase)
        assert case.child.date_of_birth == date(2017, 5, 14)
        assert len(prompter.prompts) == 1

    @pytest.mark.parametrize(("typed", "reason"), [
        ("31/02/2017", "February 2017 has 28 days"),
        ("2017-02-30", "February 2017 has 28 days"),
        ("31/04/2017", "April 2017 has 30 days"),
        ("14/13/2017", "there is no month 13"),
        ("next Tuesday", "is not a date I can read"),
        ("1/1/1850", "too far away"),
    ])
    def test_wrong_date_is_explained_and_asked_again(self, typed: str, reason: str) -> None:
        """An impossible or unreadable date says why, and the question is asked again."""
        prompter = Scripted([typed, "2017-05-14"])
        case = collect_case("mediation-request",
                            self._complete_but("mediation-request", "child.date_of_birth"),
                            prompter=prompter, today=date(2024, 10, 21), from_file=True)
        assert reason in prompter.text
        assert len(prompter.prompts) == 2
        assert isinstance(case, MediationRequestCase)

    @pytest.mark.parametrize("typed", ["1/3/2025", "01/03/2025", "1.3.2025", "1 March 2025",
                                       "2025-03-01"])
    def test_uk_date_forms(self, typed: str) -> None:
        """Day-first numeric, long and ISO forms all read as 1 March 2025."""
        prompter = Scripted([typed])
        case = collect_case("agreement-chase", self._complete_but("agreement-chase", "agreement_date"),
                            prompter=prompter, today=date(2025, 4, 14), from_file=True)
        assert getattr(case, "agreement_date") == date(2025, 3, 1)  # noqa: B009

    def test_empty_required_answer_is_asked_again(self) -> None:
        """An empty answer to a required question is refused."""
        prompter = Scripted(["", "  ", "Amara Khan"])
        collect_case("mediation-request", self._complete_but("mediation-request", "child.name"),
                     prompter=prompter, today=date(2024, 10, 21), from_file=True)
        assert prompter.text.count("An answer is needed here.") == 2

    def test_end_of_input_propagates(self) -> None:
        """When the answers run out the prompter's EOFError stops the collection."""
        with pytest.raises(EOFError):
            collect_case("mediation-request", {}, prompter=Scripted(["", "Jo"]),
                         today=date(2024, 10, 21))

    def test_no_prompter_lists_every_missing_field(self) -> None:
        """Without a prompter every missing field is named in one error."""
        with pytest.raises(CaseValidationError) as caught:
            collect_case("agreement-chase", {}, prompter=None, today=date(2025, 4, 14))
        message = str(caught.value)
        for name in ("advocate.name", "client.consent_given", "la.email", "agreement_date",
                     "actions"):
            assert f"  {name}: " in message
        assert "  letter_date:" not in message  # defaults to today
        assert "  reply_by:" not in message     # 14 days after the letter

    def test_action_needing_a_type_is_asked_again(self) -> None:
        """An appealable action with neither type nor agreed date is explained and re-asked."""
        data = self._complete_but("agreement-chase", "actions") | {"letter_date": date(2025, 5, 1)}
        answers = ["Amend Section F", "Westminster City Council", "yes", "", "",
                   "Amend Section F", "Westminster City Council", "yes", "6", "", "no"]
        prompter = Scripted(answers)
        case = collect_case("agreement-chase", data, prompter=prompter, today=date(2025, 5, 1),
                            from_file=True)
        assert "needs order_type" in prompter.text
        actions = getattr(case, "actions")  # noqa: B009
        assert actions[0].order_type.value == "amend_plan"

    def test_chase_of_an_action_not_yet_due_asks_for_the_date_again(self) -> None:
        """A chase dated before an action's deadline explains and asks for the letter date."""
        data = self._complete_but("agreement-chase", "letter_date")
        prompter = Scripted(["2025-03-25", "2025-04-14"])
        case = collect_case("agreement-chase", data, prompter=prompter, today=date(2025, 3, 25),
                            from_file=True)
        assert "agreed action 2 is due by Tuesday 1 April 2025" in prompter.text
        assert getattr(case, "letter_date") == date(2025, 4, 14)  # noqa: B009

    def test_no_prompter_refuses_a_letter_too_early(self) -> None:
        """Without a prompter, a chase of actions not yet due is an error."""
        data = _sample("agreement-chase") | {"letter_date": date(2025, 3, 25)}
        with pytest.raises(DateInputError, match="chase only actions that are late"):
            collect_case("agreement-chase", data, prompter=None, today=date(2025, 3, 25))


class TestSeed:
    """seed_case starts from the case file, then the profile and the advocate's file."""

    def test_profile_gives_la_and_adviser(self) -> None:
        """The LA's mediation contact and the adviser come from the organisation profile."""
        profile = load_profile(SAMPLES / "westminster.toml")
        data, _ = seed_case("mediation-request", {}, profile=profile)
        assert data["la"]["name"] == "Daniel Okafor"
        assert data["la"]["email"] == "send.mediation@westminster.gov.uk"
        assert data["adviser"]["organisation"] == "Global Mediation"

    def test_profile_salutation_is_how_the_letter_greets(self) -> None:
        """A profile's salutation ('Ms Adeyemi') is used; without one, the full name is."""
        profile = load_profile(SAMPLES / "westminster.toml")
        data, _ = seed_case("mediation-request", {}, profile=profile)
        assert (data["la"]["salutation"], data["adviser"]["salutation"]) == ("Mr Okafor", "Ms Adeyemi")
        plain = profile.model_copy(update={"mediation_service": profile.mediation_service.model_copy(
            update={"adviser": profile.mediation_service.adviser.model_copy(update={"salutation": None})})})
        data, _ = seed_case("certificate-request", {}, profile=plain)
        assert data["adviser"]["salutation"] == "Ruth Adeyemi"

    def test_chase_goes_to_the_officer(self) -> None:
        """A chase is addressed to the LA officer, not the mediation contact."""
        profile = load_profile(SAMPLES / "westminster.toml")
        data, _ = seed_case("agreement-chase", {}, profile=profile)
        assert data["la"]["name"] == "Priya Raman"
        assert "adviser" not in data

    def test_case_file_wins_over_the_profile(self) -> None:
        """A section the case file gives is kept as it is."""
        profile = load_profile(SAMPLES / "westminster.toml")
        data, _ = seed_case("mediation-request", {"la": {"organisation": "X", "email": "x@x"}},
                            profile=profile)
        assert data["la"] == {"organisation": "X", "email": "x@x"}

    def test_other_letters_keys_are_left_out_with_a_note(self) -> None:
        """A key of another advocate's letter is dropped and named in a note."""
        data, notes = seed_case("certificate-request", _sample("mediation-request"))
        assert "issues" not in data
        assert notes == ["case file: not used by this letter: issues, la"]

    def test_unknown_key_is_an_error(self) -> None:
        """A key no advocate's letter knows is refused."""
        with pytest.raises(CaseValidationError, match="unknown field"):
            seed_case("mediation-request", {"childe": {}})

    def test_uk_date_strings_are_read(self) -> None:
        """Dates typed as text in a case file may use the UK forms."""
        data, _ = seed_case("mediation-request", {"letter_date": "21/10/2024",
                                                   "child": {"date_of_birth": "14 May 2017"}})
        assert data["letter_date"] == date(2024, 10, 21)
        assert data["child"]["date_of_birth"] == date(2017, 5, 14)


class TestOutputs:
    """Saved cases, file names, the dates summary and the email text."""

    def test_saved_case_leaves_out_the_letter_date(self) -> None:
        """A saved request has mediation_requested but not letter_date, and reads back."""
        case = load_case(SAMPLES / "mediation-request.toml", MediationRequestCase)
        data = saved_case_data("mediation-request", case)
        assert "letter_date" not in data
        assert data["mediation_requested"] == date(2024, 10, 21)
        again = tomllib.loads(dumps_case(data))
        assert again["issues"] == list(case.issues)
        assert again["client"]["consent_given"] == date(2024, 10, 14)
        del again["mediation_requested"]
        assert MediationRequestCase.model_validate(again | {"letter_date": case.letter_date}) == case

    @pytest.mark.parametrize(("out", "fmt", "expected"), [
        ("letters", "docx", "letters/KHAN-2024-mediation-request.docx"),
        ("letters", "txt", "letters/KHAN-2024-mediation-request.txt"),
        ("a.docx", "txt", "a.txt"),
        ("a.txt", "txt", "a.txt"),
    ])
    def test_output_names(self, out: str, fmt: str, expected: str) -> None:
        """A folder gets {case_ref}-{kind}; a file name is kept, with the format's suffix."""
        assert outputs_for(Path(out), KINDS["mediation-request"], "KHAN-2024", fmt) == Path(expected)

    def test_dates_summary_explains_each_date(self) -> None:
        """Each deadline is a line with its date, then its steps."""
        case = load_case(SAMPLES / "certificate-request.toml", KINDS["certificate-request"].model)
        lines = dates_summary(letter_deadlines(case, today=date(2024, 11, 26)))
        assert "Decline certificate to be issued by: Friday 29 November 2024" in lines
        assert any("3 working days after 26 November 2024" in line for line in lines)

    def test_email_text_starts_at_the_salutation(self) -> None:
        """The text has To and Subject, then the letter from 'Dear'; the key dates as lines."""
        kind = KINDS["agreement-chase"]
        case = load_case(SAMPLES / "agreement-chase.toml", kind.model)
        data = render_document(kind, case, None, today=date(2025, 4, 14))
        text = email_text(data, to="a@b.example", subject="Subject line")
        assert text.startswith("To: a@b.example\nSubject: Subject line\n\nDear Ms Raman and "
                               "Dr Adebayo\n")
        assert "Please reply by: Monday 28 April 2025" in text
        assert "Yours sincerely" in text


class TestDumpsCase:
    """The small TOML writer gives back what tomllib reads."""

    SCALARS = st.one_of(
        st.text(max_size=30),
        st.booleans(),
        st.integers(min_value=-(2**63), max_value=2**63 - 1),
        st.dates(),
    )
    KEYS = st.text(min_size=1, max_size=12)

    @given(st.dictionaries(
        KEYS,
        st.one_of(
            SCALARS,
            st.lists(st.text(max_size=40), max_size=5),
            st.dictionaries(KEYS, SCALARS, max_size=4),
            st.lists(st.dictionaries(KEYS, SCALARS, min_size=1, max_size=3), min_size=1, max_size=3),
        ),
        max_size=6,
    ))
    def test_round_trip(self, data: dict[str, Any]) -> None:
        """tomllib.loads(dumps_case(x)) == x for every shape a case holds."""
        assert tomllib.loads(dumps_case(data)) == data

    def test_comment_lines(self) -> None:
        """The comment is written as # lines before the data."""
        assert dumps_case({"a": 1}, comment="one\ntwo") == "# one\n# two\na = 1\n"

    @pytest.mark.parametrize("value", [1.5, datetime(2025, 1, 1, 9, 0), object()])  # noqa: DTZ001
    def test_refuses_other_values(self, value: object) -> None:
        """Floats, date-times and objects are not case values."""
        with pytest.raises(TypeError):
            dumps_case({"a": value})

    def test_none_is_left_out(self) -> None:
        """A None value writes no key."""
        assert tomllib.loads(dumps_case({"a": None, "b": "x"})) == {"b": "x"}


class TestShippedLetterTemplates:
    """The four advocates' templates use only known fields and every required item."""

    @pytest.mark.parametrize("kind", ADVOCATE_KINDS)
    def test_template_passes_check(self, kind: str) -> None:
        """`medocs check` finds nothing wrong in the shipped template."""
        from medocs.documents.checking import check_template
        from medocs.documents.kinds import example_context, template_path

        assert check_template(template_path(KINDS[kind]), example=example_context(kind),
                              required=KINDS[kind].required) == []

    @pytest.mark.parametrize("kind", ADVOCATE_KINDS)
    def test_same_case_gives_identical_bytes(self, kind: str) -> None:
        """Two renders of a sample are byte-identical."""
        case = load_case(SAMPLES / f"{kind}.toml", KINDS[kind].model)
        first = render_document(KINDS[kind], case, None, today=date(2025, 1, 1))
        assert render_document(KINDS[kind], case, None, today=date(2025, 1, 1)) == first
