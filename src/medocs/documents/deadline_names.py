"""The deadlines' names in a template: each its timeline key, with the old names kept as aliases.

A template shows a deadline as ``deadlines.<key>``, where ``key`` is its name in ``medocs
timeline --json`` and in the ``DEADLINES`` table (timeline/named_deadlines.py). Earlier
versions of medocs used other names (``deadlines.appeal``, ``deadlines.certificate_due``, ...).
A template written with them still renders the same text: the old name is a second key for
the same object, and ``medocs check`` and ``medocs fields`` say what it is renamed to.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import TypeVar

from medocs.timeline.deadlines import agreed_action_key

__all__ = [
    "RENAMED",
    "column_name",
    "is_old_name",
    "new_names",
    "renamed_message",
    "renamed_path",
    "renamed_uses",
    "with_old_names",
    "with_renamed_paths",
]

# Old name -> the keys it stood for. Where there are several, a document states one of them:
# which one depends on the case (a declined or a deemed certificate; health care or not).
RENAMED: dict[str, tuple[str, ...]] = {
    "appeal": ("appeal_deadline",),
    "adviser_contact": ("adviser_contact_deadline",),
    "certificate_due": ("decline_certificate_due", "deemed_certificate_due",
                        "mediation_certificate_due"),
    "appeal_if_issued": ("appeal_deadline_if_issued",),
    "arrange_by": ("mediation_arrange_by", "health_mediation_arrange_by"),
    "icb_notice": ("icb_notice_due",),
}
# The advocate's letter chasing agreed actions called each one's deadline action_N.
_OLD_ACTION = re.compile(r"^action_(\d+)$")
_NEW_ACTION_KEY = re.compile(r"^agreed_action_(\d+)$")

_Value = TypeVar("_Value")


def is_old_name(name: str) -> bool:
    """Whether ``name`` is an old name of a deadline (kept so old templates still render)."""
    return name in RENAMED or _OLD_ACTION.match(name) is not None


def new_names(old: str) -> tuple[str, ...]:
    """The timeline keys an old deadline name stands for; () for a name that is not old."""
    action = _OLD_ACTION.match(old)
    if action:
        return (agreed_action_key(int(action[1])),)
    return RENAMED.get(old, ())


def with_old_names(deadlines: Mapping[str, _Value]) -> dict[str, _Value]:
    """The deadlines by timeline key, then each again under its old name (the same object).

    Args:
        deadlines: deadline key -> what a template sees of it.

    Returns:
        A new dict: every key of ``deadlines``, then each old name whose deadline is there.
    """
    named = dict(deadlines)
    for key, value in deadlines.items():
        action = _NEW_ACTION_KEY.match(key)
        if action:
            named[f"action_{action[1]}"] = value
    for old, keys in RENAMED.items():
        found = next((key for key in keys if key in deadlines), None)
        if found is not None:
            named[old] = deadlines[found]
    return named


def column_name(name: str) -> str:
    """The batch manifest column of a deadline: its key, or ``<old>_by`` for an old name.

    The ``_by`` columns (``appeal_by``, ``certificate_due_by``) are those manifests had before
    the deadlines took their timeline keys; they stay so that readers of manifests keep working.
    """
    return f"{name}_by" if is_old_name(name) else name


def renamed_message(old: str) -> str:
    """'deadlines.appeal is renamed to deadlines.appeal_deadline (...)', for check and fields."""
    keys = [f"deadlines.{key}" for key in new_names(old)]
    to = keys[0] if len(keys) == 1 else f"{', '.join(keys[:-1])} or {keys[-1]} (the one the case states)"
    return f"deadlines.{old} is renamed to {to}; the old name still works"


def renamed_uses(used: Iterable[str]) -> list[str]:
    """What each old deadline name among the dotted paths ``used`` is renamed to, once each.

    Args:
        used: the dotted paths a template uses, such as ``deadlines.appeal.date``.
    """
    olds = [parts[1] for path in used
            if len(parts := path.split(".")) > 1 and parts[0] == "deadlines" and is_old_name(parts[1])]
    return [renamed_message(old) for old in sorted(set(olds))]


def renamed_path(path: str) -> list[str]:
    """The paths an old dotted path stands for (``deadlines.appeal.date`` -> the new one); [path] else."""
    parts = path.split(".")
    if len(parts) > 1 and parts[0] == "deadlines" and is_old_name(parts[1]):
        return [".".join(["deadlines", key, *parts[2:]]) for key in new_names(parts[1])]
    return [path]


def with_renamed_paths(used: set[str]) -> set[str]:
    """``used`` with, for each old deadline path, the paths it stands for (a template using an
    old name shows the deadline a kind requires)."""
    return {new for path in used for new in renamed_path(path)} | used
