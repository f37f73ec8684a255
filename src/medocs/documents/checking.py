"""Template lint for ``medocs check``: every placeholder checked against an example context.

The template is read exactly as the renderer reads it (docxtpl's preprocessing, one paragraph
per source line), parsed with Jinja and its syntax tree walked with the scope of each name:
names bound by ``for``, ``set``, ``with``, macros and ``loop`` are not fields, and a loop
variable carries the shape of the list's items, so ``{{ child.dob }}`` inside
``{% for child in children %}`` is checked against ``children[0]``. Every problem is collected
in one run. This module knows nothing about cases: it takes a plain example mapping.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from jinja2 import Environment, TemplateSyntaxError, nodes

from medocs.documents.deadline_names import renamed_path, renamed_uses, with_renamed_paths
from medocs.documents.isolation import IsolatedTemplate
from medocs.documents.rendering import (
    TemplateSource,
    line_excerpt,
    read_template_sources,
    safe_environment,
)
from medocs.errors import MedocsError
from medocs.suggest import did_you_mean

__all__ = ["Problem", "check_template", "describe_fields", "missing_required", "renamed_fields"]

WHOLE_TEMPLATE = "(whole template)"
_UNKNOWN: Any = object()  # a value the example cannot tell us: macro argument, call result…
# Filters whose result has the same shape as their input, or is one of its items.
_SAME_SHAPE = frozenset({"sort", "reverse", "list", "unique", "select", "reject", "selectattr",
                         "rejectattr", "dictsort", "batch", "slice"})
_ONE_ITEM = frozenset({"first", "last", "random", "min", "max"})
_NOT_ALLOWED = (nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends, nodes.Block)
_OUTPUT_TAG = re.compile(r"\{\{.*?\}\}")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a template.

    Attributes:
        part: the zip member, e.g. ``'word/header1.xml'``, or ``'(whole template)'``.
        where: the source line and its paragraph text, e.g. ``"line 7: 'Dear {{ parnt.name }},'"``.
        message: what is wrong, and what was expected.
    """

    part: str
    where: str
    message: str

    def __str__(self) -> str:
        """``part: where: message``, for the CLI."""
        return f"{self.part}: {self.where}: {self.message}" if self.where else f"{self.part}: {self.message}"


@dataclass(frozen=True)
class _Value:
    """What an expression stands for in the example, and the example path it came from."""

    value: Any
    path: str | None  # 'children[].name'; None when not taken from the example


_ANY = _Value(_UNKNOWN, None)


def _type_hint(value: Any) -> str:
    if isinstance(value, bool):
        return "yes/no"
    if isinstance(value, int):
        return "whole number"
    if isinstance(value, float | Decimal):
        return "number"
    if isinstance(value, dt.datetime):
        return "date and time"
    if isinstance(value, dt.date):
        return "date"
    if isinstance(value, str):
        return "text"
    if isinstance(value, Mapping):
        return "group of fields"
    if isinstance(value, list | tuple):
        return "list"
    return "empty in the example" if value is None else type(value).__name__



def _spelled(node: nodes.Node) -> str:
    """The expression as the template spells it, e.g. ``child.date_of_birth``."""
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Getattr):
        return f"{_spelled(node.node)}.{node.attr}"
    if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
        return f"{_spelled(node.node)}[{node.arg.value!r}]"
    return "(expression)"


def _plain(path: str) -> str:
    """``children[].name`` -> ``children.name``: how ``required`` names a path."""
    return path.replace("[]", "")


class _PartChecker:
    """Walks one part's syntax tree, collecting problems and the example paths it uses."""

    def __init__(self, source: TemplateSource, example: Mapping[str, Any], env: Environment) -> None:
        self.source = source
        self.example = example
        self.builtins = set(env.globals) | {"self"}
        self.problems: list[Problem] = []
        self.used: set[str] = set()

    def problem(self, lineno: int, message: str) -> None:
        where = f"line {lineno}: '{line_excerpt(self.source.source, lineno)}'"
        self.problems.append(Problem(self.source.part, where, message))

    def use(self, path: str) -> None:
        parts = _plain(path).split(".")
        self.used.update(".".join(parts[: n + 1]) for n in range(len(parts)))

    # statements -------------------------------------------------------------------------

    def block(self, body: Iterable[nodes.Node], scope: dict[str, _Value]) -> None:
        for node in body:
            self.statement(node, scope)

    def statement(self, node: nodes.Node, scope: dict[str, _Value]) -> None:
        handler = getattr(self, f"stmt_{type(node).__name__}", None)
        if handler is not None:
            handler(node, scope)
        elif isinstance(node, _NOT_ALLOWED):
            self.problem(node.lineno, f"'{type(node).__name__.lower()}' cannot be used in a .docx template")
        elif isinstance(node, nodes.Expr):
            self.expr(node, scope)
        else:
            self.block(node.iter_child_nodes(), scope)

    def bind(self, target: nodes.Node, value: _Value, scope: dict[str, _Value]) -> None:
        if isinstance(target, nodes.Name):
            scope[target.name] = value
        elif isinstance(target, nodes.Tuple):
            for item in target.items:
                self.bind(item, _ANY, scope)

    def stmt_For(self, node: nodes.For, scope: dict[str, _Value]) -> None:  # noqa: N802
        inner = dict(scope)
        self.bind(node.target, self.loop_item(node, self.expr(node.iter, scope)), inner)
        inner["loop"] = _ANY
        if node.test is not None:
            self.expr(node.test, inner)
        self.block(node.body, inner)
        self.block(node.else_, scope)

    def loop_item(self, node: nodes.For, items: _Value) -> _Value:
        value = items.value
        if isinstance(value, list | tuple):
            item = value[0] if value else _UNKNOWN
            return _Value(item, f"{items.path}[]" if items.path else None)
        if value is not _UNKNOWN and value is not None:
            self.problem(node.lineno, f"the for loop goes over '{_spelled(node.iter)}', which is "
                                      f"{_type_hint(value)}, not a list")
        return _ANY

    def stmt_Assign(self, node: nodes.Assign, scope: dict[str, _Value]) -> None:  # noqa: N802
        self.bind(node.target, self.expr(node.node, scope), scope)

    def stmt_AssignBlock(self, node: nodes.AssignBlock, scope: dict[str, _Value]) -> None:  # noqa: N802
        self.block(node.body, scope)
        self.bind(node.target, _ANY, scope)

    def stmt_Macro(self, node: nodes.Macro, scope: dict[str, _Value]) -> None:  # noqa: N802
        scope[node.name] = _ANY
        self.callable_body(node.args, node.defaults, node.body, scope)

    def stmt_CallBlock(self, node: nodes.CallBlock, scope: dict[str, _Value]) -> None:  # noqa: N802
        self.expr(node.call, scope)
        self.callable_body(node.args, node.defaults, node.body, scope)

    def callable_body(self, args: list[nodes.Name], defaults: list[nodes.Expr], body: list[nodes.Node],
                      scope: dict[str, _Value]) -> None:
        for default in defaults:
            self.expr(default, scope)
        inner = dict(scope)
        for name in [*(arg.name for arg in args), "varargs", "kwargs", "caller"]:
            inner[name] = _ANY
        self.block(body, inner)

    def stmt_With(self, node: nodes.With, scope: dict[str, _Value]) -> None:  # noqa: N802
        inner = dict(scope)
        for target, value in zip(node.targets, node.values, strict=True):
            self.bind(target, self.expr(value, scope), inner)
        self.block(node.body, inner)

    # expressions ------------------------------------------------------------------------

    def expr(self, node: nodes.Node, scope: dict[str, _Value]) -> _Value:
        """Check an expression; return what it stands for in the example.

        Strict on purpose: the example is fully populated, so a field missing from it is never
        provided, even behind ``is defined`` or ``|default`` (where a typo would hide forever).
        """
        if isinstance(node, nodes.Name):
            return self.name(node, scope)
        if isinstance(node, nodes.Getattr):
            return self.step(self.expr(node.node, scope), node.attr, node)
        if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
            return self.step(self.expr(node.node, scope), node.arg.value, node)
        if isinstance(node, nodes.Filter):
            return self.filter(node, scope)
        if isinstance(node, nodes.Const):
            return _Value(node.value, None)
        self.children(node, scope)
        return _ANY

    def children(self, node: nodes.Node, scope: dict[str, _Value], *, skip: nodes.Node | None = None) -> None:
        for child in node.iter_child_nodes():
            if child is not skip:
                self.expr(child, scope)

    def name(self, node: nodes.Name, scope: dict[str, _Value]) -> _Value:
        if node.name in scope:
            return scope[node.name]
        if node.name in self.example:
            self.use(node.name)
            return _Value(self.example[node.name], node.name)
        if node.name not in self.builtins:
            hint = did_you_mean(node.name, [*self.example, *scope])
            self.problem(node.lineno, f"unknown field '{node.name}'{hint}")
        return _ANY

    def step(self, base: _Value, key: Any, node: nodes.Getattr | nodes.Getitem) -> _Value:
        """Follow ``.key`` / ``[key]`` from ``base`` in the example, as Jinja would."""
        value = base.value
        if value is _UNKNOWN or value is None:
            return _ANY
        if isinstance(value, Mapping) and key in value:
            path = f"{base.path}.{key}" if base.path else None
            if path:
                self.use(path)
            return _Value(value[key], path)
        if isinstance(value, list | tuple) and isinstance(key, int):
            return _Value(value[key] if -len(value) <= key < len(value) else _UNKNOWN,
                          f"{base.path}[]" if base.path else None)
        own = hasattr(value, key) if isinstance(key, str) else isinstance(value, str)
        if own:  # a method or attribute of the value itself: dict.items, date.year, "x"[0]
            return _ANY
        self.unknown_step(base, key, node)
        return _ANY

    def unknown_step(self, base: _Value, key: Any, node: nodes.Getattr | nodes.Getitem) -> None:
        spelled, owner = _spelled(node), _spelled(node.node)
        if not isinstance(base.value, Mapping):
            kind = _type_hint(base.value)
            message = f"unknown field '{spelled}': '{owner}' is {kind}, which has no field '{key}'"
        else:
            message = f"unknown field '{spelled}'"
            if base.path and base.path != owner:
                message += f" ('{owner}' is '{base.path}', which has no '{key}')"
            message += did_you_mean(str(key), base.value, prefix=f"{owner}.")
        self.problem(node.lineno, message)

    def filter(self, node: nodes.Filter, scope: dict[str, _Value]) -> _Value:
        base = _ANY if node.node is None else self.expr(node.node, scope)
        self.children(node, scope, skip=node.node)
        if node.name in _SAME_SHAPE:
            return base
        if node.name in _ONE_ITEM and isinstance(base.value, list | tuple) and base.value:
            return _Value(base.value[0], f"{base.path}[]" if base.path else None)
        return _ANY


def _parse(env: Environment, source: TemplateSource) -> tuple[nodes.Template | None, list[Problem]]:
    """Parse a part, reporting every syntax error Jinja can get past.

    Jinja stops at the first syntax error. When it lies in a ``{{ }}`` that fails on its own,
    that tag is dropped and the part parsed again (dropping output never unbalances blocks);
    a broken block tag ends the search, because guessing the structure would invent errors.
    """
    problems: list[Problem] = []
    text = source.source
    for _ in range(100):
        try:
            return env.parse(text), problems
        except TemplateSyntaxError as exc:
            lineno = exc.lineno or 1
            where = f"line {lineno}: '{line_excerpt(text, lineno)}'"
            problems.append(Problem(source.part, where, f"Jinja syntax error: {exc.message}"))
            repaired = _drop_broken_output(env, text, lineno)
            if repaired is None:
                return None, problems
            text = repaired
    return None, problems


def _parses(env: Environment, tag: str) -> bool:
    try:
        env.parse(tag)
    except TemplateSyntaxError:
        return False
    return True


def _drop_broken_output(env: Environment, text: str, lineno: int) -> str | None:
    lines = text.split("\n")
    line = lines[lineno - 1] if 0 < lineno <= len(lines) else ""
    repaired = _OUTPUT_TAG.sub(lambda m: m.group() if _parses(env, m.group()) else "", line)
    if repaired == line:
        return None
    lines[lineno - 1] = repaired
    return "\n".join(lines)


def _unique(problems: Iterable[Problem]) -> list[Problem]:
    return list(dict.fromkeys(problems))


def check_template(path: Path, *, example: Mapping[str, Any], required: Mapping[str, str] | None = None
                   ) -> list[Problem]:
    """Check a template's placeholders against the fields its document kind provides.

    Reports, all in one run: every unknown field or dotted path, every ``for`` loop over
    something that is not a list in ``example``, Jinja syntax errors, features the renderer
    refuses, and every ``required`` field the template never uses; a template with none of
    these is rendered against ``example`` too, and a failure there is a problem.

    Args:
        path: the .docx template.
        example: a fully populated example context of the document kind.
        required: dotted path -> what it is, e.g. ``{'adviser.phone': "the mediation adviser's
            phone number"}``; items in lists are named without an index (``children.name``).

    Returns:
        The problems found, in document order; empty when the template is fine.

    Raises:
        TemplateError: the file cannot be read or is not a .docx.
    """
    problems, used = _walk(path, example)
    if not problems:  # parses and names only known fields: it must also render the example
        problems += _render_problems(path, example)
    missing = [Problem(WHOLE_TEMPLATE, "", f"never uses '{field}' ({description}), which this "
                                           "kind of document must show")
               for field, description in _missing(used, required or {})]
    return _unique([*problems, *missing])


def missing_required(path: Path, *, example: Mapping[str, Any], required: Mapping[str, str]
                     ) -> list[tuple[str, str]]:
    """The ``required`` fields a template never uses (the part of ``check_template`` that
    every path writing a document enforces).

    Args:
        path: the .docx template.
        example: a fully populated example context of the document kind.
        required: dotted path -> what it is, as for ``check_template``.

    Returns:
        (field, what it is) for each missing field; empty when the template shows them all.

    Raises:
        TemplateError: the file cannot be read or is not a .docx.
    """
    _, used = _walk(path, example)
    return _missing(used, required)


def renamed_fields(path: Path, *, example: Mapping[str, Any]) -> list[str]:
    """What each old deadline name the template uses is renamed to (warnings: they still work).

    Args:
        path: the .docx template.
        example: a fully populated example context of the document kind.

    Returns:
        Such as 'deadlines.appeal is renamed to deadlines.appeal_deadline; the old name still
        works', once per old name, sorted; empty when the template uses none.

    Raises:
        TemplateError: the file cannot be read or is not a .docx.
    """
    _, used = _walk(path, example)
    return renamed_uses(used)


def _walk(path: Path, example: Mapping[str, Any]) -> tuple[list[Problem], set[str]]:
    """Every placeholder problem of the template, and the fields it uses."""
    sources = read_template_sources(path)
    env = safe_environment()
    problems = [Problem(part, "", reason) for part, reason in sources.unsupported]
    used: set[str] = set()
    for source in sources.parts:
        tree, syntax = _parse(env, source)
        problems += syntax
        if tree is not None:
            checker = _PartChecker(source, example, env)
            checker.block(tree.body, {})
            problems += checker.problems
            used |= checker.used
    return problems, used


def _missing(used: set[str], required: Mapping[str, str]) -> list[tuple[str, str]]:
    shown = with_renamed_paths(used)  # an old deadline name shows the same deadline
    return [(field, description) for field, description in required.items()
            if _plain(field) not in shown]


def _render_problems(path: Path, example: Mapping[str, Any]) -> list[Problem]:
    """Render the example case as ``medocs render`` would: a template that fails there fails every
    render (a runaway loop, a filter used on the wrong type, a division by zero)."""
    try:
        IsolatedTemplate.load(path).render(example)  # in a worker: the file may be anyone's
    except MedocsError as exc:
        return [Problem(WHOLE_TEMPLATE, "", f"rendering the example case fails: {exc}")]
    return []


def _example_text(value: Any) -> str:
    shown = repr(value) if len(repr(value)) <= 40 else repr(value)[:39] + "…"
    return f"{_type_hint(value)}, e.g. {shown}"


def _describe(value: Any, path: str, out: list[tuple[str, str]]) -> None:
    if isinstance(value, Mapping):
        if not value and path:
            out.append((path, "group of fields (empty in the example)"))
        for key, item in value.items():
            _describe(item, f"{path}.{key}" if path else str(key), out)
    elif (new := renamed_path(path)) != [path]:
        out.append((path, f"renamed to {' or '.join(new)} (the old name still works)"))
    elif isinstance(value, list | tuple):
        first = value[0] if value else None
        if isinstance(first, Mapping):
            out.append((path, f"list; use {{%tr for item in {path} %}} or {{% for item in {path} %}}"))
            _describe(first, f"{path}[]", out)
        else:
            out.append((path, f"list of {_type_hint(first)}" if value else "list (empty in the example)"))
    elif value is None:
        out.append((path, "empty in the example"))
    else:
        out.append((path, _example_text(value)))


def describe_fields(example: Mapping[str, Any]) -> list[tuple[str, str]]:
    """List the fields a template of a kind may use, for ``medocs fields KIND``.

    Args:
        example: a fully populated example context of the document kind.

    Returns:
        ``(dotted path, type hint)`` for every leaf field and list, in the example's order;
        fields of list items are named ``children[].name``.
    """
    out: list[tuple[str, str]] = []
    _describe(example, "", out)
    return out
