"""`medocs serve` as a real process: the address it prints, the token, the Host check, --host."""

from __future__ import annotations

import http.client
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from medocs.web import free_port

ROOT = Path(__file__).resolve().parents[1]
PROFILE = ROOT / "samples" / "westminster.toml"


def _start(tmp_path: Path, *extra: str) -> tuple[subprocess.Popen[str], str, list[str]]:
    process = subprocess.Popen(
        [sys.executable, "-m", "medocs", "serve", "--profile", str(PROFILE), "--out", str(tmp_path / "out"),
         "--register", str(tmp_path / "reg.sqlite"), "--no-browser", *extra],
        stderr=subprocess.PIPE, text=True, cwd=ROOT)
    assert process.stderr is not None
    said: list[str] = []
    for line in process.stderr:
        said.append(line)
        found = re.search(r"(http://\S+/\?token=\S+)", line)
        if found:
            return process, found.group(1), said
    process.kill()
    raise AssertionError("no address printed: " + "".join(said))


def _get(host: str, port: int, path: str, headers: dict[str, str] | None = None) -> http.client.HTTPResponse:
    for _ in range(100):
        try:
            connection = http.client.HTTPConnection(host, port, timeout=5)
            connection.request("GET", path, headers=headers or {})
            return connection.getresponse()
        except ConnectionRefusedError:
            time.sleep(0.1)
    raise AssertionError("the server never answered")


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, int, list[str]]]:
    port = free_port()
    process, url, said = _start(tmp_path, "--port", str(port))
    yield url, port, said
    process.terminate()
    process.wait(timeout=10)


class TestServe:
    def test_prints_a_local_address_with_a_token(self, served: tuple[str, int, list[str]]) -> None:
        """The address is on 127.0.0.1 with a long random token; opening it sets the cookie."""
        url, port, _ = served
        token = url.split("token=", 1)[1]
        assert url.startswith(f"http://127.0.0.1:{port}/")
        assert len(token) >= 40
        response = _get("127.0.0.1", port, f"/?token={token}")
        assert response.status == 303
        assert "medocs_token=" in (response.getheader("set-cookie") or "")
        assert _get("127.0.0.1", port, "/").status == 403  # without the token

    def test_host_header_is_checked(self, served: tuple[str, int, list[str]]) -> None:
        """A request whose Host names another site (DNS rebinding) is refused by the real server."""
        url, port, _ = served
        token = url.split("token=", 1)[1]
        cookie = {"Cookie": f"medocs_token={token}"}
        assert _get("127.0.0.1", port, "/", cookie).status == 200
        assert _get("127.0.0.1", port, "/", {**cookie, "Host": f"attacker.example:{port}"}).status == 400

    def test_another_host_warns(self, tmp_path: Path) -> None:
        """--host other than 127.0.0.1 warns that it is for a trusted network only."""
        process, _, said = _start(tmp_path, "--port", str(free_port("127.0.0.2")), "--host", "127.0.0.2")
        process.terminate()
        process.wait(timeout=10)
        assert any("trusted network" in line for line in said)

    def test_help(self) -> None:
        """medocs serve --help lists its options."""
        shown = subprocess.run([sys.executable, "-m", "medocs", "serve", "--help"], capture_output=True,
                               text=True, check=True, cwd=ROOT).stdout
        for option in ("--profile", "--out", "--register", "--port", "--host", "--no-browser"):
            assert option in shown
