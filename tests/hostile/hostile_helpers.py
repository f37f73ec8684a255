"""What the hostile tests share: a batch through CliRunner and the sample rows."""

from __future__ import annotations

from pathlib import Path

from click.testing import Result
from helpers import PROFILE, SAMPLES, run_medocs

__all__ = ["PROFILE", "SAMPLES", "run_batch"]


def run_batch(tmp_path: Path, source: Path, *args: str, kind: str = "decline-certificate") -> Result:
    """``medocs batch KIND SOURCE --out tmp/out`` with the sample profile and a register in tmp_path."""
    return run_medocs([
        "batch", kind, str(source), "--out", str(tmp_path / "out"), "--profile", str(PROFILE),
        "--register", str(tmp_path / "register.sqlite"), "--today", "2025-01-01", *args])
