"""medocs.web in process (Starlette's TestClient): every route, its errors and the guard."""

from __future__ import annotations

import io
import json
import re
import tomllib
import warnings
import zipfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from docx import Document

from medocs.documents.kinds import KINDS, document_kind
from medocs.loading import load_case
from medocs.profiles import load_profile
from medocs.register import Register
from medocs.timeline.deadlines import Deadline, TimelineDates, compute_timeline
from medocs.web import Settings, create_app
from medocs.web.forms import kind_form, sample_values
from medocs.web.security import COOKIE, Guard

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # Starlette suggests httpx2; httpx is what it runs on here
    from starlette.testclient import TestClient

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
PROFILE = SAMPLES / "westminster.toml"
TODAY = date(2024, 12, 6)
TOKEN = "test-token"


@pytest.fixture
def guard() -> Guard:
    return Guard.for_address(TOKEN, "127.0.0.1", 8765, max_body=200_000, extra_hosts=["testserver"])


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(load_profile(PROFILE), PROFILE, tmp_path / "out", tmp_path / "register.sqlite",
                    lambda: TODAY)


@pytest.fixture
def client(settings: Settings, guard: Guard) -> Iterator[TestClient]:
    with TestClient(create_app(settings, guard)) as test_client:
        test_client.get(f"/?token={TOKEN}")
        yield test_client


def _form(kind: str, guard: Guard, action: str, **extra: str) -> dict[str, str]:
    return {**sample_values(kind_form(document_kind(kind))), "csrf_token": guard.csrf, "action": action,
            **extra}


def _timeline(**dates: date) -> dict[str, Deadline]:
    """What medocs timeline gives for these dates (today fixed, as the app's clock is)."""
    return compute_timeline(TimelineDates(**dates, today=TODAY))


def _docx_text(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    return "\n".join(p.text for p in document.paragraphs)


class TestGuard:
    def test_no_token_is_refused(self, settings: Settings, guard: Guard) -> None:
        """A request without the token gets 403 and a message saying what to open."""
        with TestClient(create_app(settings, guard)) as anonymous:
            response = anonymous.get("/")
        assert response.status_code == 403
        assert "medocs serve" in response.text

    def test_token_becomes_a_cookie_and_leaves_the_address(self, settings: Settings, guard: Guard) -> None:
        """The token in the URL is swapped for an HttpOnly, SameSite=Strict cookie and a clean URL."""
        with TestClient(create_app(settings, guard)) as browser:
            response = browser.get(f"/register?token={TOKEN}&q=x", follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"] == "/register?q=x"
        cookie = response.headers["set-cookie"]
        assert f"{COOKIE}={TOKEN}" in cookie
        assert "HttpOnly" in cookie
        assert "SameSite=strict" in cookie

    def test_wrong_token_is_refused(self, settings: Settings, guard: Guard) -> None:
        """A wrong token in the URL is not accepted."""
        with TestClient(create_app(settings, guard)) as browser:
            assert browser.get("/?token=nope", follow_redirects=False).status_code == 403

    def test_bearer_token(self, settings: Settings, guard: Guard) -> None:
        """A local program authenticates with Authorization: Bearer."""
        with TestClient(create_app(settings, guard)) as program:
            response = program.get("/api/timeline?decision_sent=2024-10-01",
                                   headers={"Authorization": f"Bearer {TOKEN}"})
        assert response.status_code == 200

    def test_foreign_host_is_refused(self, client: TestClient) -> None:
        """A Host header naming another site (DNS rebinding) is refused."""
        response = client.get("/", headers={"Host": "evil.example:8765"})
        assert response.status_code == 400

    def test_other_hosts_only_when_asked(self) -> None:
        """Only loopback names are accepted, unless the server is opened to this machine's names."""
        import socket

        from medocs.web import own_names

        local = Guard.for_address(TOKEN, "127.0.0.1", 8765, max_body=1)
        assert "localhost:8765" in local.hosts
        assert f"{socket.gethostname()}:8765" not in local.hosts
        wide = Guard.for_address(TOKEN, "0.0.0.0", 8765, max_body=1, extra_hosts=own_names())  # noqa: S104
        assert f"{socket.gethostname()}:8765" in wide.hosts

    def test_post_without_csrf_is_refused(self, client: TestClient) -> None:
        """A POST from a browser without the page's CSRF token is refused."""
        response = client.post("/kinds/decision-letter", data={"action": "check"})
        assert response.status_code == 403
        assert "security token" in response.text

    def test_post_with_csrf_header(self, client: TestClient, guard: Guard) -> None:
        """The live panel's fetch may send the CSRF token as a header."""
        response = client.post("/kinds/decision-letter/deadlines", data={"letter_date": "2024-12-02"},
                               headers={"X-CSRF-Token": guard.csrf})
        assert response.status_code == 200

    def test_too_large_upload(self, client: TestClient, guard: Guard) -> None:
        """A body over the limit is refused before it is read."""
        response = client.post("/batch", data={"csrf_token": guard.csrf},
                               files={"file": ("big.csv", b"x" * 300_000)})
        assert response.status_code == 413

    def test_headers(self, client: TestClient) -> None:
        """Pages forbid other origins and caching; static files may be cached."""
        page = client.get("/")
        assert page.headers["content-security-policy"].startswith("default-src 'self'")
        assert page.headers["cache-control"] == "no-store"
        css = client.get("/static/govuk/govuk-frontend.min.css")
        assert css.status_code == 200
        assert "no-store" not in css.headers.get("cache-control", "")
        assert "GDS Transport" not in css.text


class TestHome:
    def test_kinds_by_user_and_profile(self, client: TestClient) -> None:
        """Home lists every kind under who uses it and shows the profile, warning it is a sample."""
        text = client.get("/").text
        for kind in KINDS.values():
            assert f'href="/kinds/{kind.name}"' in text
        assert "LA SEN officer" in text
        assert "Mediation service" in text
        assert "Advocate" in text
        assert "Westminster City Council" in text
        assert "This is a sample profile" in text

    def test_calculator(self, client: TestClient) -> None:
        """The calculator gives the timeline's deadlines for the dates entered."""
        text = client.get("/?decision_sent=2024-10-01&certificate_issued=2024-11-29").text
        expected = _timeline(decision_sent=date(2024, 10, 1), certificate_issued=date(2024, 11, 29))
        for key, deadline in expected.items():
            assert f'data-deadline="{key}" data-date="{deadline.date.isoformat()}"' in text

    def test_calculator_bad_date(self, client: TestClient) -> None:
        """A date that is not a date is said, not a crash."""
        text = client.get("/?decision_sent=31/2/2024").text
        assert "February 2024 has 29 days" in text

    def test_no_profile(self, tmp_path: Path, guard: Guard) -> None:
        """Without a profile, home says only advocates' letters can be made."""
        settings = Settings(None, None, tmp_path, None, lambda: TODAY)
        with TestClient(create_app(settings, guard)) as browser:
            text = browser.get(f"/?token={TOKEN}").text
        assert "No organisation profile" in text


class TestForm:
    @pytest.mark.parametrize("kind", list(KINDS))
    def test_every_kind_has_a_form_named_by_columns(self, client: TestClient, kind: str) -> None:
        """Each kind's form has inputs named by dotted paths and fills from its sample."""
        text = client.get(f"/kinds/{kind}?sample=1").text
        assert 'name="case_ref"' in text
        assert re.search(r'name="child\.name"|name="child\.', text)

    def test_unknown_kind(self, client: TestClient) -> None:
        """An unknown kind is a 404 page."""
        response = client.get("/kinds/nope")
        assert response.status_code == 404
        assert "no document kind" in response.text

    def test_check_dates_without_javascript(self, client: TestClient, guard: Guard) -> None:
        """Check dates shows the deadlines the dates allow, keeping everything typed."""
        response = client.post("/kinds/decision-letter", data={
            "csrf_token": guard.csrf, "action": "check", "letter_date": "2/12/2024",
            "child.name": "Zoë O'Brien"})
        appeal = _timeline(decision_sent=date(2024, 12, 2))["appeal_deadline"].date
        assert f'data-deadline="appeal_deadline" data-date="{appeal.isoformat()}"' in response.text
        assert 'value="Zoë O&#39;Brien"' in response.text

    def test_hostile_text_is_escaped(self, client: TestClient, guard: Guard) -> None:
        """Markup typed into a field comes back as text, never as markup."""
        typed = '<script>alert("x")</script> & Siobhán'
        response = client.post("/kinds/decision-letter", data={
            "csrf_token": guard.csrf, "action": "check", "child.name": typed, "reasons": typed})
        assert "<script>alert" not in response.text
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; Siobhán" in response.text

    def test_errors_summary_and_beside_each_field(self, client: TestClient, guard: Guard) -> None:
        """Every problem is in the summary and beside its input, worded as the batch words it."""
        response = client.post("/kinds/decision-letter", data={
            "csrf_token": guard.csrf, "action": "create", "letter_date": "31/2/2024", "reasons": "A\nB"})
        assert response.status_code == 422
        assert "govuk-error-summary" in response.text
        said = 'href="#f-letter_date">Letter date: is not a real date: February 2024 has 29 days'
        assert said in response.text
        assert 'id="f-child-name-error"' in response.text
        assert ">A\nB</textarea>" in response.text  # nothing typed is lost

    def test_live_panel_json(self, client: TestClient, guard: Guard) -> None:
        """The panel's endpoint answers with the timeline --json objects and their HTML."""
        response = client.post("/kinds/decline-certificate/deadlines", data={
            "csrf_token": guard.csrf, "decision.letter_sent": "2024-10-01", "issued_on": "2024-11-29"})
        answer = response.json()
        expected = _timeline(decision_sent=date(2024, 10, 1), certificate_issued=date(2024, 11, 29))
        assert answer["deadlines"] == {key: d.to_json() for key, d in expected.items()}
        assert 'data-deadline="appeal_deadline"' in answer["html"]

    def test_dates_out_of_order_are_said(self, client: TestClient, guard: Guard) -> None:
        """Dates in an impossible order give the timeline's message in the panel."""
        answer = client.post("/kinds/decline-certificate/deadlines", data={
            "csrf_token": guard.csrf, "decision.letter_sent": "2024-10-01", "issued_on": "2024-09-01"}).json()
        assert "before decision_sent" in answer["problem"]

    def test_create_decision_letter_matches_render(self, client: TestClient, guard: Guard,
                                                   settings: Settings) -> None:
        """Create writes the .docx render writes for the same case: same name, same text."""
        response = client.post("/kinds/decision-letter", data=_form("decision-letter", guard, "create"))
        assert response.status_code == 200, response.text[:2000]
        name = re.search(r'href="/files/([^"]+\.docx)"', response.text)
        assert name is not None
        docx = client.get(f"/files/{name.group(1)}")
        assert docx.status_code == 200
        from medocs.documents.kinds import render_document  # the same engine, called directly

        kind = document_kind("decision-letter")
        expected = render_document(kind, load_case(SAMPLES / "decision-letter.toml", kind.model),
                                   load_profile(PROFILE), today=TODAY)
        assert _docx_text(docx.content) == _docx_text(expected)

    def test_create_refuses_to_overwrite(self, client: TestClient, guard: Guard) -> None:
        """A second create of the same case says the file exists, as render does, unless replace."""
        client.post("/kinds/decision-letter", data=_form("decision-letter", guard, "create"))
        again = client.post("/kinds/decision-letter", data=_form("decision-letter", guard, "create"))
        assert again.status_code == 409
        assert "already exists: use --force to replace it" in again.text
        replaced = client.post("/kinds/decision-letter",
                               data=_form("decision-letter", guard, "create", replace="yes"))
        assert replaced.status_code == 200

    def test_certificate_numbered_from_register(self, client: TestClient, guard: Guard,
                                                settings: Settings) -> None:
        """A certificate created in the browser takes the register's next number."""
        response = client.post("/kinds/decline-certificate",
                               data=_form("decline-certificate", guard, "create"))
        assert response.status_code == 200
        with Register(settings.register_path) as register:
            (entry,) = register.list()
        assert entry.number in response.text

    def test_save_and_open_round_trip(self, client: TestClient, guard: Guard, settings: Settings,
                                      tmp_path: Path) -> None:
        """Save case file gives TOML render accepts; opening it fills the form with the same values."""
        values = sample_values(kind_form(document_kind("mediation-certificate")))
        saved = client.post("/kinds/mediation-certificate", data={**values, "csrf_token": guard.csrf,
                                                                  "action": "save"})
        assert saved.headers["content-type"].startswith("application/toml")
        kind = document_kind("mediation-certificate")
        path = tmp_path / "saved.toml"
        path.write_bytes(saved.content)
        assert load_case(path, kind.model) == load_case(SAMPLES / kind.sample, kind.model)
        opened = client.post("/kinds/mediation-certificate/open", data={"csrf_token": guard.csrf},
                             files={"case_file": ("saved.toml", saved.content)})
        assert opened.status_code == 200
        again = client.post("/kinds/mediation-certificate", data={
            **_values_in(opened.text), "csrf_token": guard.csrf, "action": "save"})
        assert tomllib.loads(again.text) == tomllib.loads(saved.text)

    def test_open_bad_case_file(self, client: TestClient, guard: Guard) -> None:
        """A file that is not a case file is said, naming the file as render does."""
        response = client.post("/kinds/decision-letter/open", data={"csrf_token": guard.csrf},
                               files={"case_file": ("case.toml", b"this is = = not toml")})
        assert response.status_code == 400
        assert "case.toml: not valid TOML" in response.text

    def test_open_without_a_file(self, client: TestClient, guard: Guard) -> None:
        """Opening with no file chosen asks for one."""
        response = client.post("/kinds/decision-letter/open", data={"csrf_token": guard.csrf})
        assert response.status_code == 400

    def test_unknown_action(self, client: TestClient, guard: Guard) -> None:
        """An unknown button value is a 400."""
        response = client.post("/kinds/decision-letter", data={"csrf_token": guard.csrf, "action": "x"})
        assert response.status_code == 400

    def test_download_only_from_the_output_folder(self, client: TestClient) -> None:
        """Only .docx and .pdf files of the output folder can be downloaded."""
        assert client.get("/files/..%2Fregister.sqlite").status_code == 404
        assert client.get("/files/nothing.docx").status_code == 404
        assert client.get("/preview/nothing.png").status_code == 404


def _values_in(html: str) -> dict[str, str]:
    """The values a browser would post from a page's case form (inputs, textareas, checked radios)."""
    import html as html_lib

    values: dict[str, str] = {}
    form = html.split('id="case-form"', 1)[1]
    for tag in re.findall(r"<input [^>]*>", form):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        kind = re.search(r'type="([^"]+)"', tag)
        unchecked = kind and kind.group(1) in ("radio", "checkbox") and " checked" not in tag
        if not name or not value or unchecked:
            continue
        values[name.group(1)] = html_lib.unescape(value.group(1))
    for name, text in re.findall(r'<textarea [^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', form, re.S):
        values[name] = html_lib.unescape(text)
    return {k: v for k, v in values.items() if k not in ("csrf_token", "pdf", "replace")}


class TestRegisterPages:
    def _issue(self, client: TestClient, guard: Guard) -> str:
        response = client.post("/kinds/decline-certificate",
                               data=_form("decline-certificate", guard, "create"))
        found = re.search(r'href="/files/([^"]+\.docx)"', response.text)
        assert found is not None
        return found.group(1)

    def test_empty_register(self, client: TestClient) -> None:
        """Before any certificate the page says there is none yet."""
        assert "No certificate has been issued" in client.get("/register").text
        assert client.get("/register.csv").status_code == 404
        assert client.get("/register/GM-1").status_code == 404

    def test_list_search_show_export(self, client: TestClient, guard: Guard, settings: Settings) -> None:
        """The register lists, searches, shows and exports the certificates issued."""
        self._issue(client, guard)
        with Register(settings.register_path) as register:
            (entry,) = register.list()
        assert entry.number in client.get("/register").text
        assert entry.number in client.get(f"/register?q={entry.case_ref}").text
        assert "0 certificate(s)" in client.get("/register?q=zzz").text
        assert entry.case_ref in client.get(f"/register/{entry.number}").text
        exported = client.get("/register.csv")
        assert exported.content.startswith(b"\xef\xbb\xbf")
        assert entry.number in exported.text
        assert client.get("/register/NOPE-1").status_code == 404

    def test_verify(self, client: TestClient, guard: Guard, settings: Settings) -> None:
        """An issued file is ours and unaltered; a changed copy is altered; another file is not ours."""
        name = self._issue(client, guard)
        data = (settings.out / name).read_bytes()
        ok = client.post("/register/verify", data={"csrf_token": guard.csrf}, files={"file": (name, data)})
        assert 'data-verdict="unaltered"' in ok.text
        document = Document(io.BytesIO(data))
        document.paragraphs[0].add_run(" changed")
        tampered = io.BytesIO()
        document.save(tampered)
        bad = client.post("/register/verify", data={"csrf_token": guard.csrf},
                          files={"file": (name, tampered.getvalue())})
        assert bad.status_code == 422
        assert 'data-verdict="altered"' in bad.text
        other = client.post("/register/verify", data={"csrf_token": guard.csrf},
                            files={"file": ("other.docx", b"PK not a docx")})
        assert 'data-verdict="not-ours"' in other.text
        assert client.post("/register/verify", data={"csrf_token": guard.csrf}).status_code == 400


class TestBatchPages:
    def _run(self, client: TestClient, guard: Guard, name: str, kind: str) -> str:
        data = (SAMPLES / "batch" / name).read_bytes()
        response = client.post("/batch", data={"csrf_token": guard.csrf, "kind": kind},
                               files={"file": (name, data)}, follow_redirects=False)
        assert response.status_code == 303
        location = response.headers["location"]
        for _ in range(600):
            page = client.get(location).text
            if 'data-finished="yes"' in page or "batch-error" in page:
                return location
            import time

            time.sleep(0.1)
        raise AssertionError("the batch did not finish")

    def test_upload_with_a_bad_row(self, client: TestClient, guard: Guard) -> None:
        """A batch with bad rows issues the good ones and lists the errors, as medocs batch does."""
        location = self._run(client, guard, "decline-certificate-bad.csv", "decline-certificate")
        page = client.get(location).text
        assert 'id="errors"' in page
        assert 'id="manifest"' in page
        archive = zipfile.ZipFile(io.BytesIO(client.get(f"{location}.zip").content))
        names = archive.namelist()
        assert "manifest.csv" in names
        assert "errors.csv" in names
        assert any(name.endswith(".docx") for name in names)

    def test_batch_problems(self, client: TestClient, guard: Guard) -> None:
        """No kind, no file or a wrong file type is said on the page."""
        assert client.post("/batch", data={"csrf_token": guard.csrf}).status_code == 400
        wrong = client.post("/batch", data={"csrf_token": guard.csrf, "kind": "decline-certificate"},
                            files={"file": ("cases.txt", b"x")})
        assert wrong.status_code == 400
        assert "must be a .csv, .xlsx or .jsonl file" in wrong.text
        assert client.get("/batch/nope").status_code == 404
        assert "Make many documents" in client.get("/batch").text


class TestApi:
    def test_timeline_is_the_cli_json(self, client: TestClient) -> None:
        """/api/timeline answers with the keys and values of medocs timeline --json."""
        from click.testing import CliRunner

        from medocs.cli import main

        cli = CliRunner().invoke(main, ["timeline", "--decision-sent", "2024-10-01", "--today", "2024-12-06",
                                        "--json"])
        api = client.get("/api/timeline?decision_sent=2024-10-01&today=2024-12-06").json()
        assert api == json.loads(cli.output)

    def test_timeline_errors(self, client: TestClient) -> None:
        """Bad or unknown parameters are 400 with one line."""
        assert client.get("/api/timeline?decision_sent=nope").status_code == 400
        assert client.get("/api/timeline?when=2024-01-01").status_code == 400
        assert client.get("/api/timeline").status_code == 400

    def test_fields(self, client: TestClient) -> None:
        """/api/fields lists template fields and batch columns."""
        answer = client.get("/api/fields/decision-letter").json()
        assert any(c["name"] == "child.name" for c in answer["columns"])
        birth = next(f for f in answer["fields"] if f["name"] == "child.date_of_birth")
        assert birth["kind"] == "date"
        assert birth["required"]
        assert birth["label"]
        assert client.get("/api/fields/nope").status_code == 404

    def test_render(self, client: TestClient, settings: Settings) -> None:
        """/api/render issues a document from a JSON case; problems are listed by field."""
        case = tomllib.loads((SAMPLES / "decline-certificate.toml").read_text(encoding="utf-8"))
        body = json.dumps(case, default=str)
        headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
        with TestClient(client.app) as program:
            made = program.post("/api/render/decline-certificate", content=body, headers=headers)
            assert made.status_code == 201, made.text
            assert (settings.out / made.json()["docx"]).is_file()
            assert made.json()["certificate_number"]
            again = program.post("/api/render/decline-certificate", content=body, headers=headers)
            assert again.status_code == 409
            bad = program.post("/api/render/decline-certificate", content=json.dumps({"case_ref": "X"}),
                               headers=headers)
            assert bad.status_code == 422
            assert bad.json()["problems"]
            for body in ("[1]", "{"):
                response = program.post("/api/render/decline-certificate", content=body, headers=headers)
                assert response.status_code == 400
            assert program.post("/api/render/nope", content="{}", headers=headers).status_code == 404

    def test_api_post_with_cookie_needs_csrf(self, client: TestClient) -> None:
        """A browser (cookie) POST to the API needs the CSRF header too."""
        response = client.post("/api/render/decline-certificate", content="{}",
                               headers={"Content-Type": "application/json"})
        assert response.status_code == 403

    def test_openapi(self, client: TestClient) -> None:
        """The OpenAPI description names every API path."""
        spec = client.get("/api/openapi.json").json()
        assert spec["openapi"].startswith("3.")
        assert set(spec["paths"]) == {"/api/timeline", "/api/fields/{kind}", "/api/render/{kind}"}
