"""The user guide's generated parts match the code they describe."""

from __future__ import annotations

import runpy
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


class TestRulesReference:
    def test_committed_page_matches_rules_py(self) -> None:
        """docs/rules.md is exactly what scripts/rules_reference.py makes from rules.py."""
        script = runpy.run_path(str(ROOT / "scripts" / "rules_reference.py"))
        committed = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
        assert committed == script["render"](), "run: python scripts/rules_reference.py"

    def test_every_rule_has_a_row(self) -> None:
        """Each rule id of RULES.md §2.1 and §2.2 appears as a table row."""
        page = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
        ids = [f"T{i}" for i in range(1, 22)] + [f"L{i}" for i in range(1, 16)]
        assert [i for i in ids if f"| {i} |" not in page] == []
