"""medocs serve in a real browser: the distribution's Chromium driven by Playwright.

The real server runs (``medocs serve`` on a free port); the browser fills forms with the
keyboard, uploads files and downloads documents, and axe-core checks every page for WCAG 2.2
A/AA problems. Without Chromium these tests skip, saying how to install it; with CI=true they
fail instead. ``MEDOCS_SCREENSHOTS=docs/images`` saves a picture of every page there.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from docx import Document

from medocs.documents.kinds import KINDS, document_kind
from medocs.web import free_port
from medocs.web.forms import kind_form, sample_values

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
PROFILE = SAMPLES / "westminster.toml"
CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run", "--disable-sync"]


def _need_chromium() -> None:
    try:
        import playwright  # noqa: F401
    except ImportError:
        message = "Playwright for Python is missing: pip install playwright (never 'playwright install')"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    if not CHROMIUM.exists():
        message = "Chromium is not installed: apt-get install chromium"
        if os.environ.get("CI") == "true":
            pytest.fail(message + " (CI=true: browser tests must run)")
        pytest.skip(message)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The real `medocs serve`, on a free port, with the sample profile."""
    _need_chromium()
    folder = tmp_path_factory.mktemp("serve")
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "medocs", "serve", "--profile", str(PROFILE), "--out", str(folder / "out"),
         "--register", str(folder / "register.sqlite"), "--port", str(port), "--no-browser"],
        stderr=subprocess.PIPE, text=True, cwd=ROOT)
    assert process.stderr is not None
    url = ""
    for line in process.stderr:
        found = re.search(r"(http://127\.0\.0\.1:\d+/\?token=\S+)", line)
        if found:
            url = found.group(1)
            break
    assert url, "medocs serve printed no address"
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):  # until uvicorn accepts connections
        try:
            import urllib.request

            urllib.request.urlopen(base + "/static/medocs.css", timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    yield {"url": url, "base": base, "folder": folder}
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="module")
def browser(server: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A Chromium with a fresh profile that has opened the server's address (so holds the cookie)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        context = driver.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")), executable_path=str(CHROMIUM), headless=True,
            args=_ARGS, accept_downloads=True, bypass_csp=True, viewport={"width": 1100, "height": 900})
        page = context.new_page()
        page.goto(server["url"])
        yield context
        context.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    new = browser.new_page()
    yield new
    new.close()


def _shot(page: Any, name: str, tmp_path: Path, *, whole: bool = False) -> None:
    """A picture of the page (the first screen, or ``whole`` page) for README and the guides."""
    chosen = os.environ.get("MEDOCS_SCREENSHOTS")
    folder = Path(chosen) if chosen else tmp_path
    folder = folder if folder.is_absolute() else ROOT / folder
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"web-{name}.png"), full_page=whole)


def _axe(page: Any) -> list[dict[str, Any]]:
    """axe-core's WCAG 2.2 A/AA violations on the page."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {runOnly: {type: 'tag', values:
            ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}});
        return r.violations.map(v => ({id: v.id, help: v.help, nodes: v.nodes.map(n => n.target.join(' '))}));
    }""")
    assert isinstance(result, list)
    return result


def _focus(page: Any, name: str, *, limit: int = 200) -> None:
    """Press Tab until the input called ``name`` has the focus (the keyboard only)."""
    for _ in range(limit):
        if page.evaluate("() => document.activeElement && document.activeElement.name") == name:
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {name}")


def _docx_text(data: bytes) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)


def test_decision_letter_with_the_keyboard_only(page: Any, server: dict[str, Any], tmp_path: Path) -> None:
    """Keyboard only: fill a decision letter, see the appeal deadline live, create, download, compare."""
    from medocs.timeline.deadlines import TimelineDates, compute_timeline

    page.goto(server["base"] + "/")
    # From the home page to the form by the keyboard: Tab to the link, Enter.
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.getAttribute('href')") == "/kinds/decision-letter":
            break
    page.keyboard.press("Enter")
    page.wait_for_url("**/kinds/decision-letter")
    form = kind_form(document_kind("decision-letter"))
    values = sample_values(form)
    choices = {f.name: [value for value, _ in f.choices] for f in form.fields if f.kind == "choice"}
    for form_field in form.fields:
        value = values.get(form_field.name)
        if value is None:
            continue
        _focus(page, form_field.name)
        if form_field.name in choices:
            page.keyboard.press("Space")  # the first radio; the arrows move to the wanted one
            for _ in range(choices[form_field.name].index(value)):
                page.keyboard.press("ArrowDown")
        elif form_field.kind == "bool":
            if value == "yes":
                page.keyboard.press("Space")
        else:
            page.keyboard.type(value)
        if form_field.name == "letter_date":
            expected = compute_timeline(TimelineDates(decision_sent=_iso(value)))["appeal_deadline"].date
            panel = page.locator('#deadlines [data-deadline="appeal_deadline"]')
            panel.wait_for(timeout=10_000)
            assert panel.get_attribute("data-date") == expected.isoformat()
            _shot(page, "form-live-deadlines", tmp_path)
    _focus(page, "action")  # the first button: Check dates; Tab on to Create document
    while page.evaluate("() => document.activeElement.value") != "create":
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.locator("#created").wait_for(timeout=120_000)
    _shot(page, "created", tmp_path, whole=True)
    page.locator("#download-docx").focus()
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    downloaded = Path(download.value.path()).read_bytes()
    rendered = tmp_path / "render"
    subprocess.run([sys.executable, "-m", "medocs", "render", "decision-letter",
                    str(SAMPLES / "decision-letter.toml"), "--profile", str(PROFILE), "--out", str(rendered)],
                   check=True, cwd=ROOT, capture_output=True)
    (expected_docx,) = rendered.glob("*.docx")
    assert _docx_text(downloaded) == _docx_text(expected_docx.read_bytes())
    assert _axe(page) == []


def _iso(text: str) -> Any:
    from medocs.timeline.dates import parse_date

    return parse_date(text, field="date", day_first_forms=True)


def test_error_summary_takes_focus(page: Any, server: dict[str, Any], tmp_path: Path) -> None:
    """Creating an empty form shows the error summary, which takes the focus, and no axe violation."""
    page.goto(server["base"] + "/kinds/decision-letter")
    page.get_by_role("button", name="Create document").click()
    page.locator(".govuk-error-summary").wait_for()
    focused = page.evaluate("() => document.activeElement.closest('.govuk-error-summary') !== null")
    assert focused
    _shot(page, "form-errors", tmp_path)
    assert _axe(page) == []


def test_batch_upload_with_a_bad_row(page: Any, server: dict[str, Any], tmp_path: Path) -> None:
    """A batch with bad rows shows progress, then the manifest and the errors; the zip downloads."""
    page.goto(server["base"] + "/batch")
    assert _axe(page) == []
    _shot(page, "batch", tmp_path)
    page.get_by_label(KINDS["decline-certificate"].title).check()
    page.set_input_files("#batch-file", str(SAMPLES / "batch" / "decline-certificate-bad.csv"))
    page.get_by_role("button", name="Start the batch").click()
    page.locator("#summary[data-finished=yes]").wait_for(timeout=120_000)
    assert page.locator("#errors tbody tr").count() >= 1
    assert page.locator("#manifest tbody tr").count() >= 2
    _shot(page, "batch-result", tmp_path, whole=True)
    assert _axe(page) == []
    with page.expect_download() as download:
        page.locator("#download-zip").click()
    assert Path(download.value.path()).read_bytes()[:2] == b"PK"


def test_verify_a_tampered_certificate(page: Any, server: dict[str, Any], tmp_path: Path) -> None:
    """A certificate made in the browser verifies; changed by one word, it is called altered."""
    page.goto(server["base"] + "/kinds/mediation-certificate?sample=1")
    make_pdf = page.locator("#make-pdf")
    if make_pdf.count():  # offered only where LibreOffice is installed
        make_pdf.uncheck()
    page.get_by_role("button", name="Create document").click()
    page.locator("#created").wait_for(timeout=60_000)
    with page.expect_download() as download:
        page.locator("#download-docx").click()
    original = tmp_path / "issued" / download.value.suggested_filename
    download.value.save_as(original)
    page.goto(server["base"] + "/register")
    page.set_input_files("#verify-file", str(original))
    page.get_by_role("button", name="Verify").click()
    assert page.locator("#verdict").get_attribute("data-verdict") == "unaltered"
    document = Document(str(original))
    document.paragraphs[-1].add_run(" (amended)")
    tampered = tmp_path / original.name
    document.save(str(tampered))
    page.set_input_files("#verify-file", str(tampered))
    page.get_by_role("button", name="Verify").click()
    assert page.locator("#verdict").get_attribute("data-verdict") == "altered"
    _shot(page, "verify-altered", tmp_path, whole=True)
    assert _axe(page) == []
    page.goto(server["base"] + "/register")
    _shot(page, "register", tmp_path)
    assert _axe(page) == []
    page.locator("table a.govuk-link").first.click()
    page.wait_for_url("**/register/*")
    _shot(page, "register-entry", tmp_path)
    assert _axe(page) == []


@pytest.mark.parametrize("path", ["/", "/?decision_sent=2024-10-01&certificate_issued=2024-11-29",
                                  *[f"/kinds/{name}?sample=1" for name in KINDS], "/kinds/nope"])
def test_every_page_passes_axe(page: Any, server: dict[str, Any], tmp_path: Path, path: str) -> None:
    """axe-core finds no WCAG 2.2 A/AA violation on each page."""
    page.goto(server["base"] + path)
    violations = _axe(page)
    assert violations == [], violations
    name = {"/": "home", "/kinds/nope": "not-found"}.get(path)
    if path.startswith("/?"):
        name = "calculator"
    elif path.startswith("/kinds/") and path != "/kinds/nope":
        name = "form-" + path.split("/")[2].split("?")[0]
    if name:
        _shot(page, name, tmp_path, whole=name in ("home", "calculator"))
