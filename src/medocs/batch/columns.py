"""Batch columns: a nested case model as the flat, dotted columns of a spreadsheet row.

The scheme, which ``medocs fields KIND`` prints for each kind:

* A field of a nested part is ``part.field``: ``child.name``, ``decision.letter_sent``.
* A list takes numbered columns, from 1, one item each: ``recipient.address.1``,
  ``recipient.address.2``, …; a list of records numbers the record: ``issues.1.issue``,
  ``issues.1.outcome``, ``issues.2.issue``, … A row leaves the columns it does not need
  empty; the items keep their numbers' order. Numbered columns, not one cell with a
  separator, because an address line or an issue may itself hold any separator.
* Dates: a date cell, or text ``2025-03-01``, ``1/3/2025`` (always day first) or
  ``1 March 2025``. Yes/no: yes/no, y/n, true/false or 1/0. Choices: as listed, in any case,
  with spaces or hyphens for underscores (``Partly resolved`` is ``partly_resolved``).
* An empty cell is a missing value: the field's default, or an error if it is required.

JSONL lines may be nested objects like a JSON case file; ``tables`` flattens them to the
same columns. This module knows the models' shapes only through ``medocs.fields``, the one
reader of the models (which the questions of ``medocs draft`` read too).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import Enum
from typing import Any

from pydantic import BaseModel

from medocs.batch.tables import CellProblem
from medocs.errors import DateInputError, capped
from medocs.fields import Leaf, ListOf, ModelField, Node, Record, field_docs, record
from medocs.models import NUMBER_FROM_REGISTER
from medocs.suggest import closest
from medocs.timeline.dates import impossible_date, parse_date

__all__ = ["Column", "Converted", "RowConverter", "batch_columns", "cell_text"]

_YES = frozenset({"yes", "y", "true", "t", "1"})
_NO = frozenset({"no", "n", "false", "f", "0"})
_SEPARATORS = re.compile(r"[\s\-]+")
_GOT = re.compile(r" \(got .*\)$")


@dataclass(frozen=True)
class Column:
    """One batch column of a kind, as ``medocs fields`` lists it.

    Attributes:
        name: the header, ``N`` standing for the item number of a list: ``issues.N.issue``.
        hint: what goes in it, e.g. ``'date (2025-03-01 or 1/3/2025), required'``.
        meaning: what it is, from the model (``medocs.models.about``), or '' if it says nothing.
    """

    name: str
    hint: str
    meaning: str = ""


def _leaf_hint(leaf: Leaf) -> str:
    if leaf.kind == "date":
        return "date (2025-03-01 or 1/3/2025)"
    if leaf.kind == "bool":
        return "yes/no"
    if leaf.kind == "choice":
        return "one of: " + ", ".join(leaf.choices)
    return leaf.kind


def _field_note(field: ModelField, in_list: bool) -> str:
    if not field.required:
        note = "optional"
    else:
        note = "required in each item" if in_list else "required"
    if field.default not in (None, (), ""):
        value = cell_text(field.default.value if isinstance(field.default, Enum) else field.default)
        note += f", default {value}"
    return note


def _columns(node: Node, name: str, notes: list[str], lists: list[ListOf], out: list[Column]) -> None:
    if isinstance(node, Leaf):
        for listed in lists:  # what the N stands for, e.g. issues.1.issue, issues.2.issue, …
            count = f"up to {listed.max_items}" if listed.max_items else "as many as needed"
            if listed.min_items:
                count = f"at least {listed.min_items}, {count}"
            first, second = (re.sub(r"\.N(?=\.|$)", f".{n}", name, count=1) for n in (1, 2))
            notes = [*notes, f"list: {first}, {second}, … ({count})"]
        out.append(Column(name, "; ".join([_leaf_hint(node), *notes])))
    elif isinstance(node, ListOf):
        _columns(node.item, f"{name}.N", notes, [*lists, node], out)
    else:
        for field_name, field in node.fields.items():
            child = f"{name}.{field_name}" if name else field_name
            if isinstance(field.node, Leaf):
                extra = [_field_note(field, bool(lists))]
            else:  # a record or list says only when it may be left out altogether
                optional = not field.required or (isinstance(field.node, ListOf) and not field.node.min_items)
                extra = ["optional"] if optional else []
            _columns(field.node, child, [*notes, *extra], lists, out)


def batch_columns(model: type[BaseModel]) -> list[Column]:
    """The columns a batch file of ``model`` may have, in the model's order.

    Args:
        model: a document kind's case model.

    Returns:
        One column per leaf field; list fields are named with ``N`` for the item number.
    """
    out: list[Column] = []
    _columns(record(model), "", [], [], out)
    meanings = {doc.name: doc.label for doc in field_docs(model) if doc.label}
    out = [replace(column, meaning=meanings.get(column.name.removesuffix(".N"), ""))
           for column in out]
    return out


def _number_text(value: float) -> str:
    # Excel stores a typed 1183 as the number 1183.0; the user meant the text "1183".
    return str(int(value)) if float(value).is_integer() else repr(value)


def cell_text(raw: Any) -> Any:
    """A cell's value as the text a person typed: 1183.0 -> '1183', a date -> '2025-03-01'.

    Args:
        raw: a cell value (str, int, float, bool, date or datetime).

    Returns:
        The text; a value of another type is returned unchanged.
    """
    if isinstance(raw, bool):
        return "yes" if raw else "no"
    if isinstance(raw, int | float):
        return _number_text(raw)
    if isinstance(raw, datetime):
        return raw.date().isoformat() if raw.time() == datetime.min.time() else raw.isoformat(sep=" ")
    if isinstance(raw, date):
        return raw.isoformat()
    return raw


def _date(raw: Any, column: str) -> date:
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        msg = "must be a date like 2025-03-01 or 1/3/2025, not a number: format the cell as a date"
        raise DateInputError(msg)
    try:
        return parse_date(raw, field=column, day_first_forms=True)
    except DateInputError as exc:
        # The batch names the column and the value beside the message: keep only the "what".
        impossible = impossible_date(str(raw))
        reason = (f"is not a real date: {impossible}" if impossible
                  else _GOT.sub("", str(exc)).removeprefix(f"{column} "))
        raise DateInputError(reason) from exc


def _bool(raw: Any) -> Any:
    if isinstance(raw, bool):
        return raw
    text = cell_text(raw)
    text = text.strip().lower() if isinstance(text, str) else text
    if text in _YES:
        return True
    if text in _NO:
        return False
    return raw  # pydantic says what a yes/no must look like


def _choice(raw: Any, choices: tuple[str, ...]) -> Any:
    text = cell_text(raw)
    if not isinstance(text, str) or text in choices:
        return text
    key = _SEPARATORS.sub("_", text.strip().lower())
    return key if key in choices else text


def _convert(leaf: Leaf, raw: Any, column: str) -> Any:
    if leaf.kind == "date":
        return _date(raw, column)
    if leaf.kind == "bool":
        return _bool(raw)
    if leaf.kind == "choice":
        return _choice(raw, leaf.choices)
    if leaf.kind == "number":
        return raw
    return cell_text(raw)


@dataclass(frozen=True)
class Converted:
    """A row as nested case data, and the cells that could not be converted.

    Attributes:
        data: nested dicts and lists for the case model.
        problems: cells with an unknown column name or an unreadable value.
    """

    data: dict[str, Any]
    problems: tuple[CellProblem, ...]
    _tree: dict[Any, Any]  # the data before numbered items became lists
    _origin: dict[tuple[str | int, ...], str]  # model path with the user's item numbers -> column

    def column_for(self, loc: str) -> str:
        """The column a pydantic error location stands for, e.g. ``issues.0.outcome`` -> ``issues.2.outcome``.

        Args:
            loc: a dotted location from the model's validation error (list items from 0).

        Returns:
            The column name; for a field no column filled, the location with the user's item
            numbers (``issues.2.outcome`` when only ``issues.2.issue`` was filled).
        """
        given: list[str | int] = []
        node: Any = self._tree
        for segment in loc.split("."):
            if isinstance(node, dict) and node and isinstance(next(iter(node)), int) and segment.isdigit():
                numbers = sorted(node)  # the list's items are the given numbers, in order
                key: str | int = numbers[int(segment)] if int(segment) < len(numbers) else int(segment) + 1
            else:
                key = segment
            given.append(key)
            node = node.get(key) if isinstance(node, dict) else None
        return self._origin.get(tuple(given), ".".join(map(str, given)))


_LONGEST_COLUMN = 200  # characters: the longest real column name is a few dozen


class RowConverter:
    """Turns rows of dotted columns into nested data for one case model; reuse it for every row."""

    def __init__(self, model: type[BaseModel]) -> None:
        """Read the model's shape once.

        Args:
            model: a document kind's case model.
        """
        self._root = record(model)
        self._known = [column.name for column in batch_columns(model)]
        self._resolved: dict[str, tuple[tuple[str | int, ...], Leaf] | None] = {}

    def _resolve(self, name: str) -> tuple[tuple[str | int, ...], Leaf] | None:
        if name in self._resolved:
            return self._resolved[name]
        node: Node = self._root
        path: list[str | int] = []
        found: tuple[tuple[str | int, ...], Leaf] | None = None
        for segment in name.split("."):
            if isinstance(node, Record) and segment in node.fields:
                node = node.fields[segment].node
                path.append(segment)
            elif isinstance(node, ListOf) and segment.isdigit() and int(segment) >= 1:
                node = node.item
                path.append(int(segment))
            else:
                break
        else:
            if isinstance(node, Leaf):
                found = (tuple(path), node)
        self._resolved[name] = found
        return found

    def unknown(self, names: Sequence[str]) -> list[str]:
        """Say what is wrong with each column name the model has no field for.

        Args:
            names: column names, e.g. a header row.

        Returns:
            One message per unknown name, with the closest known column when there is one.
        """
        out = []
        for name in names:
            if not name or self._resolve(name) is not None:
                continue
            if name.strip().lower() == "certificate_number":
                out.append(f"column '{name}': {NUMBER_FROM_REGISTER}")
                continue
            if len(name) > _LONGEST_COLUMN:  # no column is this long: show its start, guess nothing
                out.append(f"unknown column '{capped(name, 60)}' (see 'medocs fields KIND' for the columns)")
                continue
            candidates = [known.replace(".N", ".1") for known in self._known]
            match = closest(name, candidates)
            hint = f"did you mean '{match}'?" if match else "see 'medocs fields KIND' for the columns"
            out.append(f"unknown column '{name}' ({hint})")
        return out

    def convert(self, cells: Mapping[str, Any]) -> Converted:
        """Turn one row's cells into nested case data.

        Args:
            cells: column name -> value; empty cells are ignored.

        Returns:
            The data, the cells that could not be used and where each field came from.
        """
        tree: dict[Any, Any] = {}
        origin: dict[tuple[str | int, ...], str] = {}
        problems: list[CellProblem] = []
        for name, raw in cells.items():
            if raw is None or (isinstance(raw, str) and not raw.strip()):
                continue  # an empty cell is a missing value
            resolved = self._resolve(name)
            if resolved is None:
                problems.append(CellProblem(name, NUMBER_FROM_REGISTER if name == "certificate_number"
                                            else "unknown column", str(raw)))
                continue
            path, leaf = resolved
            try:
                value = _convert(leaf, raw, name)
            except DateInputError as exc:
                problems.append(CellProblem(name, str(exc), str(cell_text(raw))))
                continue
            node = tree
            for segment in path[:-1]:
                node = node.setdefault(segment, {})
            node[path[-1]] = value
            origin[path] = name
        return Converted(_compact(tree), tuple(problems), tree, origin)


def _compact(node: Any) -> Any:
    """Numbered items (dicts with int keys) become lists in number order."""
    if not isinstance(node, dict):
        return node
    if node and isinstance(next(iter(node)), int):  # a list's keys are all item numbers
        return [_compact(node[key]) for key in sorted(node)]
    return {key: _compact(value) for key, value in node.items()}
