"""Tests of medocs.pdf with the real LibreOffice (and a fake soffice for crashes and hangs)."""

from __future__ import annotations

import os
import re
import stat
import sys
import threading
import time
import zipfile
from pathlib import Path

import docx
import pytest

from medocs import pdf
from medocs.errors import MedocsError, PdfError
from medocs.pdf import PdfPool, convert, find_soffice


def make_docx(path: Path, title: str = "Certificate") -> Path:
    """Write a small two-page Word document with python-docx."""
    document = docx.Document()
    document.add_heading(title, level=1)
    document.add_paragraph(f"{title}: the mediation certificate text.")
    document.add_page_break()
    document.add_paragraph("Second page.")
    document.save(str(path))
    return path


def make_broken_docx(path: Path) -> Path:
    """Write a ZIP that passes for a .docx but whose document.xml LibreOffice cannot load."""
    good = make_docx(path.with_name("template-for-broken.docx"))
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(path, "w") as target:
        for name in source.namelist():
            data = b"<w:document><<< not xml" if name == "word/document.xml" else source.read(name)
            target.writestr(name, data)
    good.unlink()
    return path


def is_pdf(path: Path) -> bool:
    return path.is_file() and path.stat().st_size > 0 and path.read_bytes()[:5] == b"%PDF-"


def page_count(path: Path) -> int:
    # Count page objects; enough for LibreOffice's uncompressed page tree.
    return len(re.findall(rb"/Type\s*/Page[^s]", path.read_bytes()))


FAKE_SOFFICE = """#!{python}
# A stand-in for soffice: writes a fake PDF per input, but hangs on a file named *hang*
# and dies of SIGSEGV on a file named *crash*, so that the pool's recovery can be tested.
import os, pathlib, signal, sys, time
args = sys.argv[1:]
outdir = pathlib.Path(args[args.index("--outdir") + 1])
files = [a for a in args[args.index("--outdir") + 2:]]
with open(os.environ["FAKE_SOFFICE_LOG"], "a") as log:
    log.write(" ".join(pathlib.Path(f).stem for f in files) + "\\n")
for name in files:
    stem = pathlib.Path(name).stem
    if "hang" in stem:
        time.sleep(600)
    if "crash" in stem:
        os.kill(os.getpid(), signal.SIGSEGV)
    (outdir / (stem + ".pdf")).write_bytes(b"%PDF-1.4 fake")
"""


@pytest.fixture
def fake_soffice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[str, Path]:
    """Return the path of a fake soffice script and of the log of the file lists it was given."""
    script = tmp_path / "fake-soffice"
    script.write_text(FAKE_SOFFICE.format(python=sys.executable))
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    log = tmp_path / "fake-soffice.log"
    monkeypatch.setenv("FAKE_SOFFICE_LOG", str(log))
    return str(script), log


class TestFindSoffice:
    def test_finds_the_installed_libreoffice(self) -> None:
        """soffice is found on this machine and is executable."""
        found = find_soffice()
        assert os.access(found, os.X_OK)

    def test_missing_libreoffice_says_how_to_install_it(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Without soffice the error names the apt-get command with the fonts."""
        monkeypatch.setenv("PATH", str(tmp_path))
        monkeypatch.setattr(pdf, "_KNOWN_LOCATIONS", ())
        with pytest.raises(
            PdfError, match="apt-get install --no-install-recommends libreoffice-writer-nogui"
        ):
            find_soffice()

    def test_pdf_error_is_a_medocs_error(self) -> None:
        """PdfError belongs to the one error tree."""
        assert issubclass(PdfError, MedocsError)


class TestConvert:
    def test_converts_several_files_in_one_call(self, tmp_path: Path) -> None:
        """Every input gets a non-empty two-page PDF named after it, in input order."""
        inputs = [make_docx(tmp_path / f"doc{i}.docx", f"Doc {i}") for i in range(3)]
        out = tmp_path / "out"
        pdfs = convert(inputs, out)
        assert pdfs == [out / f"doc{i}.pdf" for i in range(3)]
        assert all(is_pdf(p) for p in pdfs)
        assert page_count(pdfs[0]) == 2
        # Nothing but the PDFs is left behind (the staging directory is gone).
        assert sorted(p.name for p in out.iterdir()) == ["doc0.pdf", "doc1.pdf", "doc2.pdf"]

    def test_pdf_a_is_pdf_a_2b(self, tmp_path: Path) -> None:
        """pdf_a=True writes XMP metadata declaring PDF/A part 2, conformance B."""
        (result,) = convert([make_docx(tmp_path / "a.docx")], tmp_path / "out", pdf_a=True)
        data = result.read_bytes()
        assert b"<pdfaid:part>2</pdfaid:part>" in data
        assert b"<pdfaid:conformance>B</pdfaid:conformance>" in data

    def test_plain_pdf_is_not_pdf_a(self, tmp_path: Path) -> None:
        """The default output carries no PDF/A claim."""
        (result,) = convert([make_docx(tmp_path / "a.docx")], tmp_path / "out")
        assert b"pdfaid:part" not in result.read_bytes()

    def test_broken_file_is_named_and_the_others_are_written(self, tmp_path: Path) -> None:
        """A document LibreOffice cannot load raises PdfError naming it; the good one is converted."""
        good = make_docx(tmp_path / "good.docx")
        broken = make_broken_docx(tmp_path / "broken.docx")
        with pytest.raises(PdfError, match=r"broken\.docx: LibreOffice wrote no broken\.pdf") as info:
            convert([good, broken], tmp_path / "out")
        assert "good.docx" not in str(info.value)
        assert is_pdf(tmp_path / "out" / "good.pdf")

    def test_text_renamed_docx_is_refused(self, tmp_path: Path) -> None:
        """A text file named .docx is an error, not a PDF of its text."""
        fake = tmp_path / "fake.docx"
        fake.write_text("not a word document")
        with pytest.raises(PdfError, match=r"fake\.docx: not a \.docx file"):
            convert([fake], tmp_path / "out")
        assert not (tmp_path / "out" / "fake.pdf").exists()

    def test_same_names_are_refused(self, tmp_path: Path) -> None:
        """Two inputs that would give the same PDF name are refused before LibreOffice starts."""
        (tmp_path / "a").mkdir()
        (tmp_path / "b").mkdir()
        first = make_docx(tmp_path / "a" / "x.docx")
        second = make_docx(tmp_path / "b" / "x.docx")
        with pytest.raises(PdfError, match="would overwrite"):
            convert([first, second], tmp_path / "out")

    def test_nothing_to_do(self, tmp_path: Path) -> None:
        """No inputs, no PDFs."""
        assert convert([], tmp_path / "out") == []

    def test_hang_is_killed_after_the_timeout(
        self, tmp_path: Path, fake_soffice: tuple[str, Path], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A soffice that hangs is killed at the timeout and the file is reported."""
        monkeypatch.setattr(pdf, "find_soffice", lambda: fake_soffice[0])
        started = time.monotonic()
        with pytest.raises(PdfError, match=r"hang\.docx: .*did not finish within 2 s"):
            convert([make_docx(tmp_path / "hang.docx")], tmp_path / "out", timeout=2)
        assert time.monotonic() - started < 30


class TestPdfPool:
    def test_converts_many_with_two_workers(self, tmp_path: Path) -> None:
        """Two workers, small chunks: every file converted, results in input order, each reported."""
        inputs = [make_docx(tmp_path / f"d{i:02d}.docx", f"Doc {i}") for i in range(6)]
        seen: list[Path] = []
        with PdfPool(workers=2, chunk_size=2) as pool:
            results = pool.convert_many(inputs, tmp_path / "out", on_result=lambda p, r: seen.append(p))
        assert list(results) == inputs
        assert all(isinstance(r, Path) and is_pdf(r) for r in results.values())
        assert sorted(seen) == inputs

    def test_bad_files_are_rows_not_a_lost_batch(self, tmp_path: Path) -> None:
        """Broken, fake and missing inputs each get their own PdfError; the rest convert."""
        good = [make_docx(tmp_path / f"good{i}.docx") for i in range(3)]
        broken = make_broken_docx(tmp_path / "broken.docx")
        truncated = tmp_path / "truncated.docx"
        truncated.write_bytes(good[0].read_bytes()[:500])
        missing = tmp_path / "missing.docx"
        inputs = [good[0], broken, good[1], truncated, missing, good[2]]
        with PdfPool() as pool:
            results = pool.convert_many(inputs, tmp_path / "out")
        for path in good:
            result = results[path]
            assert isinstance(result, Path)
            assert is_pdf(result)
        for path in (broken, truncated, missing):
            error = results[path]
            assert isinstance(error, PdfError)
            assert str(path) in str(error)
        assert not (tmp_path / "out" / "broken.pdf").exists()

    def test_pool_can_be_used_twice(self, tmp_path: Path) -> None:
        """The workers and their profiles serve several calls."""
        with PdfPool() as pool:
            first = pool.convert_many([make_docx(tmp_path / "a.docx")], tmp_path / "out")
            second = pool.convert_many([make_docx(tmp_path / "b.docx")], tmp_path / "out")
        assert is_pdf(tmp_path / "out" / "a.pdf")
        assert is_pdf(tmp_path / "out" / "b.pdf")
        assert len(first) == len(second) == 1

    def test_name_clash_is_one_row_error(self, tmp_path: Path) -> None:
        """The second input with the same name is an error; the first converts."""
        (tmp_path / "a").mkdir()
        (tmp_path / "b").mkdir()
        first = make_docx(tmp_path / "a" / "x.docx")
        second = make_docx(tmp_path / "b" / "x.docx")
        with PdfPool() as pool:
            results = pool.convert_many([first, second], tmp_path / "out")
        assert isinstance(results[first], Path)
        assert isinstance(results[second], PdfError)

    def test_soffice_that_cannot_start_is_a_row_error(self, tmp_path: Path) -> None:
        """If soffice cannot be executed, every file gets a PdfError instead of an exception."""
        inputs = [make_docx(tmp_path / "a.docx"), make_docx(tmp_path / "b.docx")]
        with PdfPool(soffice=str(tmp_path / "no-such-soffice")) as pool:
            results = pool.convert_many(inputs, tmp_path / "out")
        assert all(isinstance(r, PdfError) and "no-such-soffice" in str(r) for r in results.values())

    def test_not_open(self, tmp_path: Path) -> None:
        """convert_many outside 'with' is an error that says how to use the pool."""
        with pytest.raises(PdfError, match="not open"):
            PdfPool().convert_many([], tmp_path)

    def test_bad_arguments(self) -> None:
        """Zero workers or an empty chunk are refused."""
        with pytest.raises(PdfError, match="workers must be at least 1"):
            PdfPool(workers=0)
        with pytest.raises(PdfError, match="chunk_size must be at least 1"):
            PdfPool(chunk_size=0)

    def test_crash_costs_only_the_culprit(self, tmp_path: Path, fake_soffice: tuple[str, Path]) -> None:
        """After soffice dies on one file, that file alone is an error and the rest are redone."""
        script, log = fake_soffice
        names = ["a", "b", "crash", "c", "d"]
        inputs = [make_docx(tmp_path / f"{n}.docx") for n in names]
        with PdfPool(soffice=script, backend="convert-to") as pool:
            results = pool.convert_many(inputs, tmp_path / "out")
        error = results[tmp_path / "crash.docx"]
        assert isinstance(error, PdfError)
        assert "SIGSEGV" in str(error)
        assert all(isinstance(results[tmp_path / f"{n}.docx"], Path) for n in "abcd")
        # First run dies at 'crash'; then 'crash' alone; then the rest together.
        assert log.read_text().splitlines() == ["a b crash c d", "crash", "c d"]

    def test_hang_is_killed_and_the_rest_convert(
        self, tmp_path: Path, fake_soffice: tuple[str, Path]
    ) -> None:
        """A hung soffice is killed (whole process group) at the timeout; the other files convert."""
        script, _ = fake_soffice
        inputs = [make_docx(tmp_path / f"{n}.docx") for n in ["a", "hang", "b"]]
        started = time.monotonic()
        with PdfPool(soffice=script, backend="convert-to", start_timeout=2.0, timeout_per_file=0.0) as pool:
            results = pool.convert_many(inputs, tmp_path / "out")
        assert time.monotonic() - started < 30
        error = results[tmp_path / "hang.docx"]
        assert isinstance(error, PdfError)
        assert "did not finish within 2 s and was killed" in str(error)
        assert isinstance(results[tmp_path / "a.docx"], Path)
        assert isinstance(results[tmp_path / "b.docx"], Path)

    def test_close_kills_a_running_soffice(self, tmp_path: Path, fake_soffice: tuple[str, Path]) -> None:
        """Closing the pool while soffice hangs kills it instead of waiting."""
        script, log = fake_soffice
        hang = make_docx(tmp_path / "hang.docx")
        pool = PdfPool(soffice=script, backend="convert-to", start_timeout=600)
        pool.__enter__()
        results: dict[Path, Path | PdfError] = {}
        caller = threading.Thread(target=lambda: results.update(pool.convert_many([hang], tmp_path / "out")))
        caller.start()
        deadline = time.monotonic() + 20
        while not log.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        started = time.monotonic()
        pool.close()
        assert time.monotonic() - started < 20
        caller.join(timeout=10)
        assert isinstance(results[hang], PdfError)
