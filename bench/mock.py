"""Throughput, p99 latency and start-up of rooms-mock against Prism, on the same spec, in one run.

Both serve contracts/openapi.yaml with one process; wrk drives GET /rooms/{id} (an example)
and POST /rooms (a validated body) against each in turn, and the ratio mock/Prism is printed.
Prism (@stoplight/prism-cli) is installed with npm into bench/.prism (git-ignored); when npm
cannot be reached the mock's own figures are still printed. Run: `nox -s bench -- bench/mock.py`
or `python bench/mock.py` (BENCH_SECONDS=8 by default).
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Self

sys.path.insert(0, str(Path(__file__).parent))

from load import Result, ensure_wrk, free_port, print_table, wrk

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "contracts" / "openapi.yaml"
PRISM_DIR = Path(__file__).parent / ".prism"
ROOM_ID = "0b1c5f1e-7c53-4a3e-9a53-3f6c2f1d7e01"
API_KEY = "bench-key"
ROOM = {
    "name": "Bench room",
    "price": 3500,
    "currency": "EUR",
    "recurrence": "daily",
    "provider": "bench.example",
    "url": "https://bench.example/r/",
    "area": {"name": "Centre", "city": "Lisbon", "country": "PT"},
}


class CommandServer:
    """A server started by a command line on a free port; `started_in` is spawn to first answer."""

    def __init__(self, label: str, command: list[str], port: int) -> None:
        self.label = label
        self.command = command
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.started_in = 0.0
        self._process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Self:
        started = time.perf_counter()
        self._process = subprocess.Popen(
            self.command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = started + 60
        while time.perf_counter() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"{self.label} exited: {' '.join(self.command)}")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=1)
                try:
                    connection.request("GET", "/health")
                    connection.getresponse().read()
                finally:
                    connection.close()
                self.started_in = time.perf_counter() - started
                return self
            except OSError:
                time.sleep(0.01)
        raise RuntimeError(f"{self.label} did not answer within 60 s")

    def __exit__(self, *exc: object) -> None:
        assert self._process is not None
        self._process.terminate()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()


def prism_command() -> list[str] | None:
    """Prism's executable, installed into bench/.prism on first use; None (and why) if npm fails."""
    binary = PRISM_DIR / "node_modules" / ".bin" / "prism"
    if binary.exists():
        return [str(binary)]
    npm = shutil.which("npm")
    if npm is None:
        print("bench: npm is not installed: Prism is left out of this run", file=sys.stderr)
        return None
    PRISM_DIR.mkdir(exist_ok=True)
    # npm writes package.json and a lock file here as well: keep the folder out of git.
    (PRISM_DIR / ".gitignore").write_text("*\n")
    print("bench: installing @stoplight/prism-cli with npm into bench/.prism", file=sys.stderr)
    result = subprocess.run(
        [
            npm,
            "install",
            "--no-audit",
            "--no-fund",
            "--prefix",
            str(PRISM_DIR),
            "@stoplight/prism-cli",
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    if result.returncode != 0 or not binary.exists():
        reason = (result.stderr.strip().splitlines() or ["no output"])[-1]
        print(f"bench: npm could not install Prism ({reason}): Prism is left out", file=sys.stderr)
        return None
    return [str(binary)]


def measure(server: CommandServer, seconds: int) -> list[Result]:
    body = json.dumps(ROOM)
    return [
        wrk(server.label, "GET /rooms/{id}", f"{server.url}/rooms/{ROOM_ID}", seconds),
        wrk(
            server.label,
            "POST /rooms",
            f"{server.url}/rooms",
            seconds,
            post_body=body,
            api_key=API_KEY,
        ),
    ]


def main() -> None:
    ensure_wrk()
    seconds = int(os.environ.get("BENCH_SECONDS", "8"))
    results: list[Result] = []
    startups: dict[str, float] = {}
    port = free_port()
    # -q: log only violations, as Prism runs below at --verboseLevel error.
    mock = [
        sys.executable,
        "-m",
        "rooms_mock.cli",
        str(SPEC),
        "--port",
        str(port),
        "--no-reload",
        "-q",
    ]
    with CommandServer("rooms-mock", mock, port) as server:
        startups[server.label] = server.started_in
        results += measure(server, seconds)
    prism = prism_command()
    if prism is not None:
        port = free_port()
        # Prism at its fastest: request logging and CORS off, as the mock runs.
        command = [
            *prism,
            "mock",
            str(SPEC),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--verboseLevel",
            "error",
            "--cors",
            "false",
        ]
        with CommandServer("Prism", command, port) as server:
            startups[server.label] = server.started_in
            results += measure(server, seconds)
    print_table(results, baseline="Prism")
    prism_p99 = {r.request: r.p99_ms for r in results if r.server == "Prism"}
    for result in results:
        if result.server != "Prism" and result.request in prism_p99:
            ratio = prism_p99[result.request] / result.p99_ms
            print(
                f"{result.request}: p99 {result.p99_ms:.2f} ms vs Prism "
                f"{prism_p99[result.request]:.2f} ms ({ratio:.1f}x lower)"
            )
    for label, started_in in startups.items():
        print(f"start-up (spawn to first answer): {label} {started_in:.2f} s")
    for result in results:
        if result.errors:
            print(f"warning: {result.server} {result.request}: {result.errors} non-2xx answers")
    print("targets: rooms-mock >= 2x Prism's requests/s, start-up < 1 s")
    if prism is None:
        print("Prism was not measured (see above): no ratio this run")


if __name__ == "__main__":
    main()
