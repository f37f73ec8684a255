"""Tests of medocs.pdf.pool with the real LibreOffice (and a fake soffice for crashes and hangs).

The pool's tests run with both back-ends; the UNO back-end's crashes and hangs are real:
its ``soffice.bin`` is killed, or stopped with SIGSTOP, in the middle of a batch; so is the
death of medocs itself, a process that runs a pool and is killed mid-batch.
"""

from __future__ import annotations

import os
import re
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path
from typing import Any

import docx
import pytest
from helpers import require_uno
from minimal_pdf import minimal_pdf

from medocs.errors import MedocsError, PdfError
from medocs.pdf import pool as pdf
from medocs.pdf import uno_client as pdf_uno
from medocs.pdf.pool import Backend, PdfPool, convert, find_soffice
from medocs.pdf.workers import STAGE_PREFIX, ConvertToWorker, OwnedDir, remove_abandoned


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


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def command_lines(marker: Path) -> dict[int, str]:
    """Return, by pid, the command lines that mention ``marker`` (UNO helpers, oosplash, soffice.bin)."""
    found = {}
    for entry in Path("/proc").iterdir():
        try:
            command = (entry / "cmdline").read_bytes().decode(errors="replace")
        except OSError:
            continue
        if str(marker) in command and entry.name.isdigit():
            found[int(entry.name)] = command
    return found


def soffice_pids(marker: Path) -> list[int]:
    """Return the pids of the soffice.bin processes whose command line mentions ``marker``."""
    return [pid for pid, command in command_lines(marker).items() if "soffice.bin" in command]


@pytest.fixture
def pool_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Make pools put their profiles under this test's directory, to find their soffice.bin."""
    folder = tmp_path / "pools"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


@pytest.fixture(params=["uno", "convert-to"])
def backend(request: pytest.FixtureRequest) -> Backend:
    """Each back-end in turn (the UNO one only where a Python can import uno)."""
    name: Backend = request.param
    if name == "uno":
        require_uno()
    return name


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
    (outdir / (stem + ".pdf")).write_bytes({pdf!r})
"""


@pytest.fixture
def fake_soffice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[str, Path]:
    """Return the path of a fake soffice script and of the log of the file lists it was given."""
    script = tmp_path / "fake-soffice"
    script.write_text(FAKE_SOFFICE.format(python=sys.executable, pdf=minimal_pdf()))
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    log = tmp_path / "fake-soffice.log"
    monkeypatch.setenv("FAKE_SOFFICE_LOG", str(log))
    return str(script), log


class TestFindSoffice:
    @pytest.mark.needs_soffice
    def test_finds_the_installed_libreoffice(self) -> None:
        """soffice is found on this machine and is executable."""
        found = find_soffice()
        assert os.access(found, os.X_OK)

    def test_missing_libreoffice_says_how_to_install_it(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Without soffice the error names the apt-get command with the fonts."""
        monkeypatch.setenv("PATH", str(tmp_path))
        monkeypatch.delenv("MEDOCS_SOFFICE", raising=False)
        monkeypatch.setattr(pdf, "_KNOWN_LOCATIONS", ())
        with pytest.raises(
            PdfError, match="apt-get install --no-install-recommends libreoffice-writer-nogui"
        ):
            find_soffice()

    def test_pdf_error_is_a_medocs_error(self) -> None:
        """PdfError belongs to the one error tree."""
        assert issubclass(PdfError, MedocsError)


class TestConvert:
    @pytest.mark.needs_soffice
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

    @pytest.mark.needs_soffice
    def test_pdf_a_is_pdf_a_2b(self, tmp_path: Path) -> None:
        """pdf_a=True writes XMP metadata declaring PDF/A part 2, conformance B."""
        (result,) = convert([make_docx(tmp_path / "a.docx")], tmp_path / "out", pdf_a=True)
        data = result.read_bytes()
        assert b"<pdfaid:part>2</pdfaid:part>" in data
        assert b"<pdfaid:conformance>B</pdfaid:conformance>" in data

    @pytest.mark.needs_soffice
    def test_plain_pdf_is_not_pdf_a(self, tmp_path: Path) -> None:
        """The default output carries no PDF/A claim."""
        (result,) = convert([make_docx(tmp_path / "a.docx")], tmp_path / "out")
        assert b"pdfaid:part" not in result.read_bytes()

    @pytest.mark.needs_soffice
    def test_broken_file_is_named_and_the_others_are_written(self, tmp_path: Path) -> None:
        """A document LibreOffice cannot load raises PdfError naming it; the good one is converted."""
        good = make_docx(tmp_path / "good.docx")
        broken = make_broken_docx(tmp_path / "broken.docx")
        with pytest.raises(PdfError, match=r"broken\.docx: LibreOffice wrote no broken\.pdf") as info:
            convert([good, broken], tmp_path / "out")
        assert "good.docx" not in str(info.value)
        assert is_pdf(tmp_path / "out" / "good.pdf")

    @pytest.mark.needs_soffice
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
    @pytest.mark.needs_soffice
    def test_converts_many_with_two_workers(self, tmp_path: Path, backend: Backend) -> None:
        """Two workers, small chunks: every file converted, results in input order, each reported."""
        inputs = [make_docx(tmp_path / f"d{i:02d}.docx", f"Doc {i}") for i in range(6)]
        seen: list[Path] = []
        with PdfPool(workers=2, chunk_size=2, backend=backend) as pool:
            assert pool.backend == backend
            results = pool.convert_many(inputs, tmp_path / "out", on_result=lambda p, r: seen.append(p))
        assert list(results) == inputs
        assert all(isinstance(r, Path) and is_pdf(r) for r in results.values())
        assert sorted(seen) == inputs
        for index, result in enumerate(results.values()):
            assert isinstance(result, Path)
            assert f"Doc {index}: the mediation certificate text." in pdf_text(result)
        assert page_count(tmp_path / "out" / "d00.pdf") == 2
        # Only the PDFs are left: no staging directory.
        assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [f"d{i:02d}.pdf" for i in range(6)]

    @pytest.mark.needs_soffice
    def test_pdf_a(self, tmp_path: Path, backend: Backend) -> None:
        """pdf_a=True gives PDF/A-2b with either back-end."""
        with PdfPool(pdf_a=True, backend=backend) as pool:
            results = pool.convert_many([make_docx(tmp_path / "a.docx")], tmp_path / "out")
        result = results[tmp_path / "a.docx"]
        assert isinstance(result, Path)
        assert b"<pdfaid:part>2</pdfaid:part>" in result.read_bytes()

    @pytest.mark.needs_soffice
    def test_bad_files_are_rows_not_a_lost_batch(self, tmp_path: Path, backend: Backend) -> None:
        """Broken, fake and missing inputs each get their own PdfError; the rest convert."""
        good = [make_docx(tmp_path / f"good{i}.docx") for i in range(3)]
        broken = make_broken_docx(tmp_path / "broken.docx")
        truncated = tmp_path / "truncated.docx"
        truncated.write_bytes(good[0].read_bytes()[:500])
        text = tmp_path / "text.docx"
        text.write_text("not a word document")
        missing = tmp_path / "missing.docx"
        inputs = [good[0], broken, good[1], truncated, text, missing, good[2]]
        with PdfPool(backend=backend) as pool:
            results = pool.convert_many(inputs, tmp_path / "out")
        for path in good:
            result = results[path]
            assert isinstance(result, Path)
            assert is_pdf(result)
        for path in (broken, truncated, text, missing):
            error = results[path]
            assert isinstance(error, PdfError)
            assert str(path) in str(error)
        assert "LibreOffice wrote no broken.pdf" in str(results[broken])
        assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["good0.pdf", "good1.pdf", "good2.pdf"]

    @pytest.mark.needs_soffice
    def test_pool_can_be_used_twice(self, tmp_path: Path) -> None:
        """The workers and their profiles serve several calls."""
        with PdfPool() as pool:
            first = pool.convert_many([make_docx(tmp_path / "a.docx")], tmp_path / "out")
            second = pool.convert_many([make_docx(tmp_path / "b.docx")], tmp_path / "out")
        assert is_pdf(tmp_path / "out" / "a.pdf")
        assert is_pdf(tmp_path / "out" / "b.pdf")
        assert len(first) == len(second) == 1

    @pytest.mark.needs_soffice
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

    def test_soffice_that_cannot_start_is_a_row_error(self, tmp_path: Path, backend: Backend) -> None:
        """If soffice cannot be executed, every file gets a PdfError instead of an exception."""
        inputs = [make_docx(tmp_path / "a.docx"), make_docx(tmp_path / "b.docx")]
        with PdfPool(soffice=str(tmp_path / "no-such-soffice"), backend=backend) as pool:
            results = pool.convert_many(inputs, tmp_path / "out")
        assert all(isinstance(r, PdfError) and "no-such-soffice" in str(r) for r in results.values())

    @pytest.mark.needs_soffice
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

    def test_stop_while_a_chunk_is_prepared_starts_no_soffice(
        self, tmp_path: Path, fake_soffice: tuple[str, Path], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A stop() while a chunk is being prepared keeps its soffice from starting (close() would wait)."""
        script, log = fake_soffice
        hang = make_docx(tmp_path / "hang.docx")
        worker = ConvertToWorker(
            soffice=script, root=tmp_path / "root", pdf_a=False, start_timeout=5, per_file_timeout=0
        )
        make_stage = tempfile.mkdtemp

        def stop_then_make_stage(*args: Any, **kwargs: Any) -> str:
            # The staging directory is made while the chunk is prepared: stop the worker then.
            worker.stop()
            return make_stage(*args, **kwargs)

        monkeypatch.setattr(tempfile, "mkdtemp", stop_then_make_stage)
        results = worker.convert_chunk([hang], tmp_path)
        assert "not converted, the PDF pool was closed first" in str(results[hang])
        assert not log.exists()
        assert worker.starts == 0


class TestBackendChoice:
    @pytest.mark.needs_uno
    def test_uno_is_chosen_when_python3_uno_is_installed(self) -> None:
        """On a machine with python3-uno (CI installs it) the pool drives LibreOffice over UNO."""
        assert PdfPool().backend == "uno"

    @pytest.mark.needs_uno
    def test_backend_can_be_forced(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """The argument wins over $MEDOCS_PDF_BACKEND, which wins over the automatic choice."""
        assert PdfPool(backend="convert-to").backend == "convert-to"
        monkeypatch.setenv("MEDOCS_PDF_BACKEND", "convert-to")
        assert PdfPool().backend == "convert-to"
        assert PdfPool(backend="uno").backend == "uno"
        monkeypatch.setenv("MEDOCS_PDF_BACKEND", "carrier-pigeon")
        with pytest.raises(PdfError, match="unknown PDF back-end 'carrier-pigeon'"):
            PdfPool()

    @pytest.mark.needs_soffice
    def test_without_a_uno_python_the_pool_falls_back(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """No Python that can import uno: --convert-to is used, and asking for UNO says what to install."""
        monkeypatch.setenv("MEDOCS_UNO_PYTHON", sys.executable)  # the virtualenv's: no uno
        monkeypatch.setattr(pdf_uno, "_SYSTEM_PYTHONS", ())
        assert PdfPool().backend == "convert-to"
        with pytest.raises(PdfError, match="python3-uno"):
            PdfPool(backend="uno")


@pytest.mark.needs_uno
class TestUnoBackend:
    def test_restarts_every_chunk_size_files(self, tmp_path: Path, pool_tmp: Path) -> None:
        """chunk_size=2 over 5 files: three soffice processes, every file converted, none left after."""
        inputs = [make_docx(tmp_path / f"d{i}.docx", f"Doc {i}") for i in range(5)]
        with PdfPool(chunk_size=2, backend="uno") as pool:
            results = pool.convert_many(inputs, tmp_path / "out")
            assert pool.soffice_starts == 3
        assert all(isinstance(r, Path) and is_pdf(r) for r in results.values())
        assert soffice_pids(pool_tmp) == []

    def test_killed_soffice_costs_one_file(self, tmp_path: Path, pool_tmp: Path) -> None:
        """soffice.bin killed mid-batch: one file errors, the worker restarts, the others convert."""
        inputs = [make_docx(tmp_path / f"d{i}.docx", f"Doc {i}") for i in range(6)]
        killed: list[int] = []

        def kill_after_first(path: Path, result: Path | PdfError) -> None:
            if not killed:
                killed.extend(soffice_pids(pool_tmp))
                for pid in killed:
                    os.kill(pid, signal.SIGKILL)

        with PdfPool(backend="uno") as pool:
            results = pool.convert_many(inputs, tmp_path / "out", on_result=kill_after_first)
            assert pool.soffice_starts == 2
        assert len(killed) == 1
        errors = {p: r for p, r in results.items() if isinstance(r, PdfError)}
        assert len(errors) == 1
        ((path, error),) = errors.items()
        assert f"{path}: LibreOffice wrote no {path.stem}.pdf (soffice was killed by SIGKILL" in str(error)
        assert sum(isinstance(r, Path) and is_pdf(r) for r in results.values()) == 5
        assert soffice_pids(pool_tmp) == []

    def test_hung_soffice_is_killed_and_the_next_file_converts(self, tmp_path: Path, pool_tmp: Path) -> None:
        """soffice.bin stopped (SIGSTOP) mid-batch: killed at the per-file timeout, the rest convert."""
        inputs = [make_docx(tmp_path / f"d{i}.docx", f"Doc {i}") for i in range(6)]
        stopped: list[int] = []

        def stop_after_first(path: Path, result: Path | PdfError) -> None:
            if not stopped:
                stopped.extend(soffice_pids(pool_tmp))
                for pid in stopped:
                    os.kill(pid, signal.SIGSTOP)

        started = time.monotonic()
        with PdfPool(backend="uno", timeout_per_file=2.0) as pool:
            results = pool.convert_many(inputs, tmp_path / "out", on_result=stop_after_first)
        assert time.monotonic() - started < 40
        assert len(stopped) == 1
        errors = [r for r in results.values() if isinstance(r, PdfError)]
        assert len(errors) == 1
        assert "LibreOffice did not finish within 2 s and was killed" in str(errors[0])
        assert sum(isinstance(r, Path) and is_pdf(r) for r in results.values()) == 5
        assert soffice_pids(pool_tmp) == []

    def test_soffice_too_slow_to_start_is_given_up(self, tmp_path: Path, pool_tmp: Path) -> None:
        """Start-up over start_timeout is killed; after two such starts the worker stops trying."""
        inputs = [make_docx(tmp_path / f"d{i}.docx") for i in range(4)]
        started = time.monotonic()
        with PdfPool(backend="uno", start_timeout=0.3) as pool:
            results = pool.convert_many(inputs, tmp_path / "out")
            assert pool.soffice_starts == 2
        assert time.monotonic() - started < 20
        errors = [str(r) for r in results.values() if isinstance(r, PdfError)]
        assert len(errors) == 4
        assert all("LibreOffice did not start within 0.3 s and was killed" in e for e in errors)
        assert all("could not be started twice in a row" in e for e in errors[2:])
        assert soffice_pids(pool_tmp) == []

    def test_helper_talking_nonsense_is_a_row_error(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A reply that is not JSON costs its file, and the helper is replaced."""
        fake = tmp_path / "fake-python"
        # Passes the "import uno" probe, starts, then answers nonsense to the first request.
        fake.write_text(
            """#!/bin/sh
[ "$1" = -c ] && exit 0
echo '{"ready": true}'
read line
echo nonsense
"""
        )
        fake.chmod(0o755)
        monkeypatch.setenv("MEDOCS_UNO_PYTHON", str(fake))
        inputs = [make_docx(tmp_path / "a.docx"), make_docx(tmp_path / "b.docx")]
        with PdfPool(backend="uno") as pool:
            results = pool.convert_many(inputs, tmp_path / "out")
            assert pool.soffice_starts == 2
        assert all("the UNO helper answered b'nonsense'" in str(r) for r in results.values())

    def test_interrupt_kills_every_soffice(self, tmp_path: Path, pool_tmp: Path) -> None:
        """Ctrl-C in the middle of a batch leaves no LibreOffice behind."""
        inputs = [make_docx(tmp_path / f"d{i}.docx") for i in range(20)]
        running: list[int] = []

        def interrupt(path: Path, result: Path | PdfError) -> None:
            running.extend(soffice_pids(pool_tmp))
            raise KeyboardInterrupt

        started = time.monotonic()
        with pytest.raises(KeyboardInterrupt), PdfPool(workers=2, backend="uno") as pool:
            pool.convert_many(inputs, tmp_path / "out", on_result=interrupt)
        assert time.monotonic() - started < 30
        assert len(running) >= 1
        assert soffice_pids(pool_tmp) == []

    @pytest.mark.parametrize("signum", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
    def test_killed_medocs_leaves_no_libreoffice(self, tmp_path: Path, pool_tmp: Path, signum: int) -> None:
        """medocs killed mid-batch: helpers and soffice end at once; the next pool deletes what is left."""
        inputs = [make_docx(tmp_path / f"d{i:02d}.docx", f"Doc {i}") for i in range(20)]
        script = tmp_path / "batch.py"
        script.write_text(KILLED_BATCH)
        out = tmp_path / "out"
        medocs = subprocess.Popen(
            [sys.executable, str(script), str(out), *map(str, inputs)],
            env={**os.environ, "TMPDIR": str(pool_tmp)},
        )
        try:
            deadline = time.monotonic() + 60
            while not list(out.glob("*.pdf")):
                assert medocs.poll() is None
                assert time.monotonic() < deadline
                time.sleep(0.02)
            running = command_lines(pool_tmp).values()
            assert sum("uno_worker.py" in command for command in running) == 2
            # At least: soffice.bin may briefly fork, or restart itself on a new profile.
            assert sum("soffice.bin" in command for command in running) >= 1
            medocs.send_signal(signum)
            medocs.wait()
            deadline = time.monotonic() + 5
            while command_lines(pool_tmp) and time.monotonic() < deadline:
                time.sleep(0.05)
            assert command_lines(pool_tmp) == {}
        finally:
            # A failed test leaves nothing running either.
            medocs.kill()
            medocs.wait()
            for pid in command_lines(pool_tmp):
                os.kill(pid, signal.SIGKILL)
        (left,) = pool_tmp.glob("medocs-pdfpool-*")
        with PdfPool(backend="uno") as pool:
            assert not left.exists()
            results = pool.convert_many(inputs[:1], out)
        assert isinstance(results[inputs[0]], Path)
        assert [p.name for p in out.iterdir() if p.suffix != ".pdf"] == []
        assert list(pool_tmp.iterdir()) == []


# Run in a child process by test_killed_medocs_leaves_no_libreoffice: a batch to be killed.
KILLED_BATCH = """
import sys
from pathlib import Path

from medocs.pdf.pool import PdfPool

with PdfPool(workers=2, backend="uno") as pool:
    pool.convert_many([Path(p) for p in sys.argv[2:]], Path(sys.argv[1]))
"""

# Run in a child process: makes an OwnedDir in argv[1], prints it, then is killed (argv[2]
# "die") or waits for the end of stdin and exits without deleting it.
OWNER = """
import os, signal, sys
from pathlib import Path

from medocs.pdf.workers import STAGE_PREFIX, OwnedDir

owned = OwnedDir(STAGE_PREFIX, Path(sys.argv[1]))
print(owned.path, flush=True)
if sys.argv[2] == "die":
    os.kill(os.getpid(), signal.SIGKILL)
sys.stdin.read()
"""

# Run in a child process: makes a staging directory as OwnedDir does (argv[2]: with or without
# its lock file, not yet locked), prints it and is killed before locking it.
HALF_MADE = """
import os, signal, sys, tempfile

from medocs.pdf.workers import STAGE_PREFIX

path = tempfile.mkdtemp(prefix=f"{STAGE_PREFIX}{os.getpid()}-", dir=sys.argv[1])
if sys.argv[2] != "empty":
    open(os.path.join(path, ".medocs-lock.new"), "w").close()
print(path, flush=True)
os.kill(os.getpid(), signal.SIGKILL)
"""


class TestAbandonedDirectories:
    @pytest.mark.parametrize("made", ["empty", "lock file not yet named"])
    def test_owner_killed_before_it_held_the_lock(self, tmp_path: Path, made: str) -> None:
        """Killed between making the directory and locking it: the next pool still deletes it."""
        killed = subprocess.run(
            [sys.executable, "-c", HALF_MADE, str(tmp_path), made],
            capture_output=True, text=True, check=False,
        )
        assert killed.returncode == -signal.SIGKILL
        half_made = Path(killed.stdout.strip())
        being_made = tmp_path / f"{STAGE_PREFIX}{os.getpid()}-x"  # this process, still making one
        being_made.mkdir()
        remove_abandoned(STAGE_PREFIX, tmp_path)
        assert not half_made.exists()
        assert being_made.is_dir()

    def test_only_directories_whose_owner_ended_are_removed(self, tmp_path: Path) -> None:
        """Killed owner: removed. Owner alive (another process, or this one): kept. Not ours: kept."""
        killed = subprocess.run(
            [sys.executable, "-c", OWNER, str(tmp_path), "die"], capture_output=True, text=True, check=False
        )
        assert killed.returncode == -signal.SIGKILL
        abandoned = Path(killed.stdout.strip())
        other = subprocess.Popen(
            [sys.executable, "-c", OWNER, str(tmp_path), "wait"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert other.stdout is not None
        in_use = Path(other.stdout.readline().strip())
        mine = OwnedDir(STAGE_PREFIX, tmp_path)
        not_ours = tmp_path / f"{STAGE_PREFIX}not-ours"
        not_ours.mkdir()
        try:
            assert abandoned.is_dir()
            remove_abandoned(STAGE_PREFIX, tmp_path)
            assert not abandoned.exists()
            assert in_use.is_dir()
            assert mine.path.is_dir()
            assert not_ours.is_dir()
        finally:
            other.communicate("")
            mine.remove()
        # Its owner has exited without deleting it: now it is abandoned too.
        remove_abandoned(STAGE_PREFIX, tmp_path)
        assert not in_use.exists()
        assert not_ours.is_dir()
