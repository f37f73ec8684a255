"""Benchmark: medocs serve's server time for the live deadlines panel and for creating a .docx.

Run with ``.venv/bin/python benchmarks/bench_web.py [--rounds N]``. Starts the real server
(``medocs serve`` on a free port, the sample profile, a temporary output folder), sends
requests over HTTP as a browser would and reads each answer's ``Server-Timing`` header: the
time from the request reaching the app to its answer, without the network or the client.
Targets (issue 15): the panel under 20 ms, a .docx (decision letter, no PDF) under 100 ms.
Prints the median and the 95th percentile of each. Not a test.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from medocs.documents.kinds import document_kind  # noqa: E402
from medocs.web import free_port  # noqa: E402
from medocs.web.forms import kind_form, sample_values  # noqa: E402

PANEL_TARGET_MS = 20.0
DOCX_TARGET_MS = 100.0


def _server_ms(response: object) -> float:
    header = response.headers["Server-Timing"]  # type: ignore[attr-defined]
    found = re.search(r"dur=([\d.]+)", header)
    assert found is not None
    return float(found.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200, help="requests of each kind (default 200)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="medocs-bench-web-") as folder:
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "medocs", "serve", "--profile", str(ROOT / "samples" / "westminster.toml"),
             "--out", folder, "--register", f"{folder}/register.sqlite", "--port", str(port), "--no-browser"],
            stderr=subprocess.PIPE, text=True, cwd=ROOT)
        try:
            assert server.stderr is not None
            url = next(m.group(1) for line in server.stderr
                       if (m := re.search(r"(http://\S+token=\S+)", line)))
            jar = http.cookiejar.CookieJar()
            opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
            for _ in range(100):
                try:
                    home = opener.open(url).read().decode()
                    break
                except OSError:
                    time.sleep(0.1)
            base = f"http://127.0.0.1:{port}"
            page = opener.open(base + "/kinds/decision-letter").read().decode()
            found = re.search(r'name="csrf_token" value="([^"]+)"', page)
            assert found is not None
            assert home
            csrf = found.group(1)
            values = sample_values(kind_form(document_kind("decision-letter")))

            def post(path: str, data: dict[str, str], expect: str) -> float:
                body = urllib.parse.urlencode({**data, "csrf_token": csrf}).encode()
                with opener.open(urllib.request.Request(base + path, data=body)) as response:
                    answer = response.read().decode()
                    assert expect in answer, f"{path}: no {expect!r} in the answer"
                    return _server_ms(response)

            create = {**values, "action": "create", "replace": "yes"}
            panel_key, created = "appeal_deadline", 'id="created"'
            post("/kinds/decision-letter/deadlines", values, panel_key)  # warm: templates compiled once
            post("/kinds/decision-letter", create, created)
            panel = [post("/kinds/decision-letter/deadlines", values, panel_key) for _ in range(args.rounds)]
            docx = [post("/kinds/decision-letter", create, created) for _ in range(max(args.rounds // 4, 10))]
        finally:
            server.terminate()
            server.wait(timeout=10)
    for name, times, target in (("deadlines panel", panel, PANEL_TARGET_MS),
                                (".docx creation (decision letter, no PDF)", docx, DOCX_TARGET_MS)):
        p95 = statistics.quantiles(times, n=20)[-1]
        median = statistics.median(times)
        verdict = "OK" if median < target else "SLOWER than the target"
        print(f"{name}: median {median:.1f} ms, 95th percentile {p95:.1f} ms over {len(times)} requests "
              f"(target < {target:.0f} ms): {verdict}")


if __name__ == "__main__":
    main()
