"""Write docs/rules.md, the reference of every rule medocs applies, from src/medocs/rules.py.

Run `python scripts/rules_reference.py` after changing a rule; a test fails when the committed
page and the rules disagree, so the reference can never drift from the code.
"""

from __future__ import annotations

import sys
from pathlib import Path

from medocs.timeline.rules import RULES, Counting, Period

TARGET = Path(__file__).resolve().parent.parent / "docs" / "rules.md"

HEADER = """# Every rule medocs applies

Generated from `src/medocs/rules.py` by `scripts/rules_reference.py`; do not edit by hand.
The legal source and the evidence for each rule are in `shared/law/RULES.md`.

Status: **VERIFIED** (operative text read), **SECONDARY** (guidance, IPSEA, LA or SENDIASS
pages), **UNVERIFIED** (one weak source). Only HESC Rules periods move off weekends and bank
holidays; deadlines under the SEND Regulations stay where they fall, with a warning.

| id | rule | starts when | period | counting | who acts | citation | status | moves off holidays |
|---|---|---|---|---|---|---|---|---|
"""


def _period(rule_periods: tuple[Period, ...]) -> str:
    parts = []
    for period in rule_periods:
        if period.counting in (Counting.ADJUSTMENT, Counting.NONE, Counting.FIXED_DATE,
                               Counting.IMMEDIATELY):
            text = period.label or period.counting.value
        else:
            text = period.words + (f" ({period.label})" if period.label else "")
        parts.append(text)
    return "; ".join(parts)


def render() -> str:
    """The whole page as text."""
    rows = []
    for rule in RULES.values():
        counting = sorted({p.counting.value for p in rule.periods})
        cells = [rule.id, rule.title, rule.trigger, _period(rule.periods), ", ".join(counting),
                 rule.who, rule.citation, rule.status.value,
                 "yes" if rule.moves_off_holidays else "no"]
        rows.append("| " + " | ".join(c.replace("|", "/") for c in cells) + " |")
    notes = [f"- **{r.id}**: {r.note}" for r in RULES.values() if r.note]
    return HEADER + "\n".join(rows) + "\n\n## Notes\n\n" + "\n".join(notes) + "\n"


if __name__ == "__main__":
    TARGET.parent.mkdir(exist_ok=True)
    TARGET.write_text(render(), encoding="utf-8")
    print(f"wrote {TARGET}", file=sys.stderr)
