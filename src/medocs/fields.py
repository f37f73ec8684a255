"""The one reader of the case models: each field's shape, rules and meaning, by dotted path.

A case model's fields are records (a nested model), lists (a tuple of items, with their
length limits) or leaves (text, date, yes/no, a choice, a number); each has whether it is
required, its default, and what it means to a person: a title, a description and an example
(``medocs.models.about``). The batch columns, the questions of ``medocs draft``, ``medocs
fields`` and the web form all read the models through here, so they cannot disagree.
"""

from __future__ import annotations

import types
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import Enum
from functools import cache
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

__all__ = [
    "FieldDoc",
    "Leaf",
    "ListOf",
    "ModelField",
    "Node",
    "Record",
    "field_docs",
    "meaning_of",
    "record",
    "shape",
]


@dataclass(frozen=True)
class Leaf:
    """A single value: ``kind`` is 'text', 'date', 'bool', 'choice' or 'number'."""

    kind: str
    choices: tuple[str, ...] = ()
    enum: type[Enum] | None = None  # the choices' enum, when they come from one


@dataclass(frozen=True)
class ListOf:
    """A list of items, at least ``min_items`` and at most ``max_items`` (None: no limit)."""

    item: Node
    min_items: int
    max_items: int | None


@dataclass(frozen=True)
class ModelField:
    """One field of a record: its shape, whether it is required, its default and meaning.

    ``title`` and ``description`` may hold ``{who}``: the title of the field holding the record
    (see ``medocs.models.about``); ``example`` is None when the model gives none.
    """

    node: Node
    required: bool
    default: Any
    title: str = ""
    description: str = ""
    example: Any = None


@dataclass(frozen=True)
class Record:
    """A nested model: its fields in the model's order."""

    fields: dict[str, ModelField]


Node = Leaf | ListOf | Record


def _length_limits(metadata: Sequence[Any]) -> tuple[int, int | None]:
    low = next((m.min_length for m in metadata if getattr(m, "min_length", None) is not None), 0)
    high = next((m.max_length for m in metadata if getattr(m, "max_length", None) is not None), None)
    return low, high


def shape(annotation: Any, metadata: Sequence[Any] = ()) -> Node:
    """The shape of one annotation: a record, a list or a leaf (``X | None`` is X)."""
    origin = get_origin(annotation)
    if origin is Annotated:
        inner, *extra = get_args(annotation)
        return shape(inner, [*metadata, *extra])
    if origin in (Union, types.UnionType):
        options = [arg for arg in get_args(annotation) if arg is not type(None)]
        return shape(options[0], metadata) if len(options) == 1 else Leaf("text")
    if origin in (tuple, list) and get_args(annotation):
        low, high = _length_limits(metadata)
        return ListOf(shape(get_args(annotation)[0]), low, high)
    if origin is Literal:
        return Leaf("choice", tuple(str(arg) for arg in get_args(annotation)))
    if isinstance(annotation, type):
        if issubclass(annotation, BaseModel):
            return record(annotation)
        if issubclass(annotation, Enum):
            return Leaf("choice", tuple(str(member.value) for member in annotation), annotation)
        if issubclass(annotation, date):
            return Leaf("date")
        if issubclass(annotation, bool):
            return Leaf("bool")
        if issubclass(annotation, int | float):
            return Leaf("number")
    return Leaf("text")


def _model_field(info: FieldInfo) -> ModelField:
    default = None if info.default is PydanticUndefined else info.default
    examples = info.examples or []
    return ModelField(shape(info.annotation, info.metadata), info.is_required(), default,
                      info.title or "", info.description or "", examples[0] if examples else None)


@cache
def record(model: type[BaseModel]) -> Record:
    """The fields of ``model``, each with its shape and meaning, in the model's order."""
    return Record({name: _model_field(info) for name, info in model.model_fields.items()})


@dataclass(frozen=True)
class FieldDoc:
    """One leaf or list field of a case model, as a form or a listing shows it.

    Attributes:
        path: where it goes: ('child', 'date_of_birth'); a list's items are under 'N'.
        kind: 'text', 'date', 'bool', 'choice', 'number', or 'list' for a list of values.
        label: what to ask, such as "Child's date of birth" ('' when the model says nothing).
        description: what it means, in a sentence or two.
        example: an example value (None when the model gives none).
        default: the value when it is left empty (None if it has none).
        required: whether it must be given.
        choices: the values a choice may take.
    """

    path: tuple[str, ...]
    kind: str
    label: str
    description: str
    example: Any
    default: Any
    required: bool
    choices: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        """The dotted name: 'child.date_of_birth', 'issues.N.outcome'."""
        return ".".join(self.path)


def _meaning(field: ModelField, holder: ModelField | None, name: str) -> tuple[str, str, Any]:
    """The field's label, description and example, ``{who}`` and the holder's example applied."""
    who = holder.title if holder is not None else ""
    example = field.example
    if example is None and holder is not None and isinstance(holder.example, Mapping):
        example = holder.example.get(name)
    return (field.title.replace("{who}", who),
            field.description.replace("{who}", who[:1].lower() + who[1:]), example)


def _docs(node: Record, prefix: tuple[str, ...], holder: ModelField | None) -> Iterator[FieldDoc]:
    for name, field in node.fields.items():
        path = (*prefix, name)
        inner = field.node
        if isinstance(inner, Record):
            yield from _docs(inner, path, field)
            continue
        label, description, example = _meaning(field, holder, name)
        if isinstance(inner, ListOf) and isinstance(inner.item, Record):
            yield from _docs(inner.item, (*path, "N"), field)
            continue
        kind = "list" if isinstance(inner, ListOf) else inner.kind
        leaf = inner.item if isinstance(inner, ListOf) else inner
        choices = leaf.choices if isinstance(leaf, Leaf) else ()
        required = field.required or (isinstance(inner, ListOf) and inner.min_items > 0)
        yield FieldDoc(path, kind, label, description, example, field.default, required, choices)


def field_docs(model: type[BaseModel]) -> list[FieldDoc]:
    """Every field a case of ``model`` has, in the model's order, with what it means.

    The function for a form: each entry is one input (a list of values is one input of
    kind 'list'; a list of records gives its records' fields under 'N').
    """
    return list(_docs(record(model), (), None))


def meaning_of(field: ModelField, holder: ModelField | None, name: str) -> tuple[str, str, Any]:
    """The label, description and example of ``field`` (called ``name``) inside ``holder``.

    ``{who}`` becomes the holder's title; a field with no example of its own takes its entry
    in the holder's example (a dict), as ``la.organisation`` does.
    """
    return _meaning(field, holder, name)
