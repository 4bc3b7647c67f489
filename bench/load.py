"""Shared benchmark plumbing: a server in a subprocess, wrk as the load generator, a table."""

from __future__ import annotations

import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Self


def ensure_wrk() -> None:
    """wrk (from Debian) drives the load: a C load generator is never the bottleneck."""
    if shutil.which("wrk"):
        return
    print("bench: installing wrk from Debian's packages", file=sys.stderr)
    subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=False, capture_output=True)
    if not shutil.which("wrk"):
        subprocess.run(["apt-get", "update", "-q"], check=False, capture_output=True)
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=True, capture_output=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class ServerProcess:
    """`uvicorn --factory TARGET` on a free port, one worker, until the `with` ends."""

    def __init__(
        self, factory: str, *, env: dict[str, str], cwd: Path, interface: str = "asgi3"
    ) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._command = [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            factory,
            "--port",
            str(self.port),
            "--log-level",
            "warning",
            "--no-access-log",
            "--interface",
            interface,
        ]
        self._env = {**env, "PYTHONPATH": f"{cwd}{os.pathsep}{env.get('PYTHONPATH', '')}"}
        self._cwd = cwd
        self._process: subprocess.Popen[bytes] | None = None
        self.started_in: float = 0.0

    def __enter__(self) -> Self:
        started = time.perf_counter()
        self._process = subprocess.Popen(self._command, env=self._env, cwd=self._cwd)
        deadline = started + 30
        while time.perf_counter() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), 0.2):
                    self.started_in = time.perf_counter() - started
                    return self
            except OSError:
                if self._process.poll() is not None:
                    raise RuntimeError(f"server exited: {self._command}") from None
                time.sleep(0.02)
        raise RuntimeError(f"server did not start: {self._command}")

    def __exit__(self, *exc: object) -> None:
        assert self._process is not None
        self._process.terminate()
        self._process.wait(timeout=10)


@dataclass(frozen=True)
class Result:
    server: str
    request: str
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int


# Every POST gets a url no other request (of this run or an earlier one) has used.
_LUA_POST = """
counter = 0
request = function()
  counter = counter + 1
  local body = string.gsub(wrk.body, "/r/", "/r/" .. counter .. "-")
  return wrk.format("POST", nil, nil, body)
end
"""


def _ms(text: str) -> float:
    match = re.match(r"([\d.]+)(us|ms|s)", text)
    if not match:
        return float("nan")
    value, unit = float(match[1]), match[2]
    return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value


def _run_wrk(
    url: str,
    seconds: int,
    connections: int,
    post_body: str | None,
    api_key: str | None,
    threads: int = 1,
    prefix: Sequence[str] = (),
) -> str:
    # One wrk thread by default: on two cores the server under test keeps the other one.
    # `prefix` runs wrk under another command (`nice -n 19`, `taskset -c 1`).
    command = [*prefix, "wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency"]
    with tempfile.TemporaryDirectory() as folder:
        if post_body is not None:
            script = Path(folder) / "post.lua"
            unique = post_body.replace("/r/", f"/r/{uuid.uuid4().hex}/r/")
            body = unique.replace("\\", "\\\\").replace('"', '\\"')
            lines = [
                'wrk.method = "POST"',
                f'wrk.body = "{body}"',
                'wrk.headers["Content-Type"] = "application/json"',
            ]
            if api_key:
                lines.append(f'wrk.headers["X-API-Key"] = "{api_key}"')
            script.write_text("\n".join(lines) + _LUA_POST)
            command += ["-s", str(script)]
        command.append(url)
        return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def wrk(
    server: str,
    request: str,
    url: str,
    seconds: int,
    *,
    post_body: str | None = None,
    api_key: str | None = None,
    connections: int = 16,
    threads: int = 1,
    prefix: Sequence[str] = (),
    during: Callable[[int], object] | None = None,
) -> Result:
    """Load `url` for `seconds` after a one-second warm-up; POST bodies get unique urls.

    `during(seconds)`, if given, runs in a thread alongside the measured run (a CPU sampler).
    """
    _run_wrk(url, 1, connections, post_body, api_key, threads, prefix)
    watcher = None
    if during is not None:
        watcher = threading.Thread(target=during, args=(seconds,), daemon=True)
        watcher.start()
    output = _run_wrk(url, seconds, connections, post_body, api_key, threads, prefix)
    if watcher is not None:
        watcher.join(timeout=seconds + 5)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1])  # type: ignore[index]
    # Anchored to the distribution's own lines: "90.50%" in the thread stats also ends in 50%.
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", output, re.MULTILINE)[1])  # type: ignore[index]
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", output, re.MULTILINE)[1])  # type: ignore[index]
    errors_match = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = int(errors_match[1]) if errors_match else 0
    return Result(server, request, rps, p50, p99, errors)


def medians(results: list[Result]) -> list[Result]:
    """One Result per (server, request): the median of its rounds' figures, errors summed."""
    groups: dict[tuple[str, str], list[Result]] = {}
    for r in results:
        groups.setdefault((r.server, r.request), []).append(r)
    return [
        Result(
            server,
            request,
            statistics.median(r.requests_per_second for r in group),
            statistics.median(r.p50_ms for r in group),
            statistics.median(r.p99_ms for r in group),
            sum(r.errors for r in group),
        )
        for (server, request), group in groups.items()
    ]


def print_round_ratios(results: list[Result], *, baseline: str | tuple[str, ...]) -> None:
    """Per round, each server's throughput over each baseline's of the same round: the spread."""
    baselines = (baseline,) if isinstance(baseline, str) else baseline
    rounds: dict[tuple[str, str], list[Result]] = {}
    for r in results:
        rounds.setdefault((r.server, r.request), []).append(r)
    for name in baselines:
        for (server, request), runs in sorted(rounds.items()):
            base = rounds.get((name, request))
            if server in baselines or not base:
                continue
            ratios = [
                a.requests_per_second / b.requests_per_second
                for a, b in zip(runs, base, strict=True)
            ]
            spread = ", ".join(f"{x:.2f}" for x in ratios)
            print(f"{request}: {server} / {name} per round = {spread}")


def print_table(results: list[Result], *, baseline: str | tuple[str, ...]) -> None:
    """The figures (medians over rounds), then each server's throughput over each baseline's."""
    results = medians(results)
    print(
        f"\n{'server':<36} {'request':<18} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8}"
    )
    for r in results:
        figures = f"{r.requests_per_second:>9.0f} {r.p50_ms:>8.2f} {r.p99_ms:>8.2f} {r.errors:>8}"
        print(f"{r.server:<36} {r.request:<18} {figures}")
    baselines = (baseline,) if isinstance(baseline, str) else baseline
    print()
    for name in baselines:
        base = {r.request: r for r in results if r.server == name}
        for r in results:
            if r.server not in baselines and r.request in base:
                ratio = r.requests_per_second / base[r.request].requests_per_second
                print(f"{r.request}: {r.server} / {name} throughput = {ratio:.2f}x")
