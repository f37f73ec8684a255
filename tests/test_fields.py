"""medocs.fields: the one reader of the case models (shape, rules and meaning by dotted path)."""

from __future__ import annotations

from datetime import date

import pytest

from medocs.batch.columns import batch_columns
from medocs.documents.kinds import KINDS
from medocs.drafting.questions import ORDER, questions_for
from medocs.fields import Leaf, ListOf, field_docs, record
from medocs.models import Action, AgreementChaseCase, MediationRequestCase


class TestFieldDocs:
    def test_a_nested_field_takes_its_holders_title_and_example(self) -> None:
        """la.organisation: 'The local authority: organisation', with the LA's example."""
        docs = {doc.name: doc for doc in field_docs(MediationRequestCase)}
        assert docs["la.organisation"].label == "The local authority: organisation"
        assert docs["la.organisation"].description == "The organisation of the local authority."
        assert docs["la.organisation"].example == "Westminster City Council"
        assert docs["adviser.organisation"].label == "The mediation adviser: organisation"
        assert docs["adviser.organisation"].example == "Global Mediation"

    def test_types_defaults_and_requirements_come_from_the_model(self) -> None:
        """A date, a yes/no with its default, a required list and a choice with its values."""
        docs = {doc.name: doc for doc in field_docs(MediationRequestCase)}
        assert (docs["child.date_of_birth"].kind, docs["child.date_of_birth"].required) == ("date", True)
        assert docs["child.date_of_birth"].example == date(2017, 5, 14)
        young = docs["client.is_young_person"]
        assert (young.kind, young.default, young.required) == ("bool", False, False)
        assert (docs["issues"].kind, docs["issues"].required) == ("list", True)
        assert (docs["health_provision"].kind, docs["health_provision"].required) == ("list", False)
        assert "refuse_assessment" in docs["decision.kind"].choices

    def test_a_list_of_records_gives_its_fields_under_n(self) -> None:
        """The agreed actions of a chase letter are actions.N.action, actions.N.who, ..."""
        names = [doc.name for doc in field_docs(AgreementChaseCase)]
        assert "actions.N.action" in names
        assert "actions.N.order_type" in names

    @pytest.mark.parametrize("kind", sorted(KINDS))
    def test_batch_columns_and_field_docs_agree(self, kind: str) -> None:
        """The batch columns and the form fields of a kind are the same fields, in the same order."""
        model = KINDS[kind].model
        columns = list(dict.fromkeys(c.name.removesuffix(".N") for c in batch_columns(model)))
        assert columns == [doc.name for doc in field_docs(model)]

    @pytest.mark.parametrize("kind", sorted(ORDER))
    def test_draft_questions_say_what_the_model_says(self, kind: str) -> None:
        """Each question's label and meaning are the model's, as field_docs gives them."""
        docs = {doc.name: doc for doc in field_docs(KINDS[kind].model)}
        for question in questions_for(kind):
            if question.kind == "actions":
                continue
            assert (question.label, question.meaning) == (docs[question.name].label,
                                                          docs[question.name].description)

    def test_batch_columns_carry_the_meaning(self) -> None:
        """medocs fields shows what a column is: the model's title."""
        by_name = {c.name: c for c in batch_columns(MediationRequestCase)}
        assert by_name["contacted_adviser"].meaning == "Date the family contacted the mediation adviser"
        assert by_name["issues.N"].meaning == "The mediation issues"


class TestShape:
    def test_action_shape(self) -> None:
        """An Action: an enum choice that is optional, a yes/no that is required."""
        fields = record(Action).fields
        order = fields["order_type"]
        assert isinstance(order.node, Leaf)
        assert order.node.enum is not None
        assert not order.required
        assert fields["appealable"].required

    def test_list_limits(self) -> None:
        """issues of a mediation request: 1 to 30 items."""
        issues = record(MediationRequestCase).fields["issues"].node
        assert isinstance(issues, ListOf)
        assert (issues.min_items, issues.max_items) == (1, 30)
