"""Sample cases with some fields changed, and templates with one placeholder changed (shared by tests)."""

from __future__ import annotations

import zipfile
from collections.abc import Mapping
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from medocs.documents.kinds import data_dir
from medocs.loading import read_case_data

SAMPLES = data_dir("samples")


def sample_data(sample: str, changes: Mapping[str, object]) -> dict[str, Any]:
    """A shipped sample case's data with fields changed: 'section__name' reaches into a table,
    and None removes the field."""
    data = read_case_data(SAMPLES / sample)
    for key, value in changes.items():
        section, _, name = key.partition("__")
        target = data[section] if name else data
        if value is None:
            target.pop(name or section, None)
        else:
            target[name or section] = value
    return data


@st.composite
def advocate_letter_dates(draw: st.DrawFn) -> dict[str, date]:
    """Random dates for an advocate's letter: decision sent, adviser contacted, letter, consent."""
    sent = draw(st.dates(min_value=date(2014, 9, 1), max_value=date(2028, 6, 30)))
    contacted = sent + timedelta(days=draw(st.integers(0, 70)))
    letter = contacted + timedelta(days=draw(st.integers(0, 60)))
    return {"decision__letter_sent": sent, "contacted_adviser": contacted, "letter_date": letter,
            "client__consent_given": contacted}


def template_with(source: Path, target: Path, old: str, new: str) -> Path:
    """A copy of a .docx template with ``old`` replaced by ``new`` in its body (once or more)."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "word/document.xml":
                assert old.encode() in data
                data = data.replace(old.encode(), new.encode())
            dst.writestr(info, data)
    return target
