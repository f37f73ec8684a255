"""medocs.documents.digest: one SHA-256 of what a certificate says, its number left out."""

from __future__ import annotations

import zipfile
from pathlib import Path

from medocs.documents.digest import NUMBER_PLACEHOLDER, file_says, says_digest

PARTS = [("word/document.xml", b"<w:t>Certificate GM-2025-000001 for Zo\xc3\xab O&apos;Brien</w:t>"),
         ("docProps/core.xml", b"<dc:title>GM-2025-000001</dc:title>")]


def test_the_order_of_the_parts_does_not_matter() -> None:
    assert says_digest(PARTS, "GM-2025-000001") == says_digest(list(reversed(PARTS)), "GM-2025-000001")


def test_the_number_is_left_out_so_a_reissue_says_the_same() -> None:
    renumbered = [(name, data.replace(b"000001", b"000002")) for name, data in PARTS]
    blank = NUMBER_PLACEHOLDER.encode()
    placeholder = [(name, data.replace(b"GM-2025-000001", blank)) for name, data in PARTS]
    assert says_digest(PARTS, "GM-2025-000001") == says_digest(renumbered, "GM-2025-000002")
    assert says_digest(PARTS, "GM-2025-000001") == says_digest(placeholder, None)


def test_any_printed_change_changes_the_digest() -> None:
    changed = [(name, data.replace(b"Zo\xc3\xab", b"Zoe")) for name, data in PARTS]
    assert says_digest(PARTS, "GM-2025-000001") != says_digest(changed, "GM-2025-000001")
    moved = [(PARTS[0][0], PARTS[0][1] + PARTS[1][1][:5]), (PARTS[1][0], PARTS[1][1][5:])]
    assert says_digest(PARTS, "GM-2025-000001") != says_digest(moved, "GM-2025-000001")


def test_a_number_with_markup_characters_is_matched_as_printed() -> None:
    number = "A&B-1"
    parts = [("word/document.xml", b"<w:t>A&amp;B-1</w:t>")]
    blank = [("word/document.xml", b"<w:t>[certificate number]</w:t>")]
    assert says_digest(parts, number) == says_digest(blank, None)


def test_file_says_reads_a_docx_and_refuses_anything_else(tmp_path: Path) -> None:
    path = tmp_path / "cert.docx"
    with zipfile.ZipFile(path, "w") as package:
        for name, data in PARTS:
            package.writestr(name, data)
    assert file_says(path, "GM-2025-000001") == says_digest(PARTS, "GM-2025-000001")
    other = tmp_path / "notes.docx"
    other.write_bytes(b"not a zip")
    assert file_says(other, "GM-2025-000001") is None
    assert file_says(tmp_path / "missing.docx", "GM-2025-000001") is None
