"""The hostile suite: attacks on medocs from the adversarial trial of issue 13, one file per item.

The shared test helpers (helpers.py) live one folder up.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
