"""Scale-out: `rooms serve --workers 2` against `--workers 1` on PostgreSQL, in one run.

The real CLI (`rooms serve --workers N`, uvicorn's process manager) on a fresh PostgreSQL
database (ROOMS_AMQP_URL empty: no relay), seeded like bench/service.py; wrk drives
GET /rooms/{id}, the filtered list GET /rooms?city=..&limit=20 and POST /rooms against
one worker, then two, at each connection count, and the table gives req/s, p50, p99,
non-2xx, how wrk's connections fell between the workers (they accept from one socket and
keep a connection: 10/0 happens) and where the CPU went during each measurement
(bench/cpushare.py: the server's processes, PostgreSQL's, wrk's, everything else and idle,
in % of one core; 200% is the whole 2-core machine). Then the 2/1 throughput ratio per
request and connection count.

wrk runs one thread: a wrk thread at these rates needs a fraction of a core, and every
extra thread takes CPU from the server. WORKERS_CONNECTIONS (default "10,32"): 10 as in
bench/service.py, 32 to keep two workers' 2 x 10 WSGI threads (a2wsgi's default) busy.
WORKERS_WRK sets what wrk runs under ("nice -n 19", "taskset -c 1"; default none).
BENCH_SECONDS sets each measurement's length (default 5); BENCH_POSTGRES_URL the server
(default postgresql://postgres@127.0.0.1/test), where a database is made and dropped.
Run with `nox -s bench -- bench/workers.py`; wrap it in `flock /tmp/bench.lock` when other
benchmarks may share the machine.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Self
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).parent))

from cpushare import CpuShare, connections_per_worker
from load import Result, ensure_wrk, free_port, wrk
from service import API_KEY, PAGE, ROOM, bench_env, database, seed

RequestKey = tuple[str, int]  # (request, connections)


class Serve:
    """`rooms serve --workers N` on a free port until the `with` ends; ready once /ready is."""

    def __init__(self, workers: int, env: dict[str, str]) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        # The `rooms` script of this interpreter's environment: the CLI as operators run it.
        script = Path(sys.executable).with_name("rooms")
        rooms = str(script) if script.exists() else shutil.which("rooms") or "rooms"
        self._command = [rooms, "serve", "--port", str(self.port), "--workers", str(workers)]
        self._env = env
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int:
        assert self._process is not None
        return self._process.pid

    def __enter__(self) -> Self:
        self._process = subprocess.Popen(self._command, env=self._env)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"server exited: {self._command}")
            try:
                with urllib.request.urlopen(f"{self.url}/ready", timeout=1) as answer:  # noqa: S310
                    if answer.status == 200:
                        # uvicorn answers from the first worker up; give the others a moment.
                        time.sleep(2)
                        return self
            except OSError:
                time.sleep(0.1)
        self.__exit__()
        raise RuntimeError(f"server did not get ready: {self._command}")

    def __exit__(self, *exc: object) -> None:
        assert self._process is not None
        self._process.terminate()
        try:
            self._process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait(timeout=10)


def measure(
    server: Serve,
    workers: int,
    room_id: str,
    connections: list[int],
    seconds: int,
    database_name: str,
) -> list[tuple[Result, str]]:
    """Each request at each connection count, with where the CPU went during it."""
    prefix = shlex.split(os.environ.get("WORKERS_WRK", ""))
    body = json.dumps({**ROOM, "url": "https://bench.example/r/"})
    requests = [
        ("GET /rooms/{id}", f"{server.url}/rooms/{room_id}", None),
        ("GET /rooms?city", f"{server.url}/rooms?city=Lisbon&limit={PAGE}", None),
        ("POST /rooms", f"{server.url}/rooms", body),
    ]
    results = []
    for count in connections:
        for label, url, post in requests:
            share = CpuShare(server.pid, database_name)
            split: list[int] = []

            def watch(seconds: int, share: CpuShare = share, split: list[int] = split) -> None:
                share.sample(seconds)  # returns with wrk's connections still open
                split.extend(connections_per_worker(server.pid, server.port))

            result = wrk(
                f"workers={workers}",
                label,
                url,
                seconds,
                post_body=post,
                api_key=API_KEY if post else None,
                connections=count,
                prefix=prefix,
                during=watch,
            )
            where = f"conns {'/'.join(map(str, split)) or '?'}; {share.summary()}"
            results.append((result, where))
            print(
                f"workers={workers} c={count} {label}: {result.requests_per_second:.0f} req/s"
                f" ({where})",
                file=sys.stderr,
            )
    return results


def report(results: dict[int, list[tuple[Result, str]]], connections: list[int]) -> None:
    print(
        f"\n{'workers':>7} {'conns':>5} {'request':<16} {'req/s':>7} {'p50 ms':>7} "
        f"{'p99 ms':>7} {'non-2xx':>7}  connections per worker; CPU, % of one core"
    )
    per_key: dict[int, dict[RequestKey, Result]] = {}
    for workers, rows in results.items():
        per_key[workers] = {}
        for index, (r, cpu) in enumerate(rows):
            count = connections[index // 3]
            per_key[workers][(r.request, count)] = r
            print(
                f"{workers:>7} {count:>5} {r.request:<16} {r.requests_per_second:>7.0f} "
                f"{r.p50_ms:>7.2f} {r.p99_ms:>7.2f} {r.errors:>7}  {cpu}"
            )
    print()
    for key, one in per_key[1].items():
        two = per_key[2][key]
        ratio = two.requests_per_second / one.requests_per_second
        print(f"{key[0]:<16} c={key[1]:<3} workers 2/1 throughput = {ratio:.2f}x")


def reachable(url: str) -> bool:
    """Whether PostgreSQL at `url` answers, within 5 s."""
    parts = urlsplit(url)
    try:
        socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 5432), 5).close()
    except OSError:
        return False
    return True


def main() -> None:
    ensure_wrk()
    seconds = int(os.environ.get("BENCH_SECONDS", "5"))
    connections = [int(c) for c in os.environ.get("WORKERS_CONNECTIONS", "10,32").split(",")]
    postgres = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1/test")
    if not reachable(postgres):
        print(f"bench/workers.py: skipped, no PostgreSQL at {postgres}", file=sys.stderr)
        return
    with tempfile.TemporaryDirectory() as folder, database(postgres, folder) as url:
        env = bench_env(url)
        room_id = seed(env)
        name = url.rsplit("/", 1)[1]  # the database's, to tell its backends from others'
        results = {}
        for workers in (1, 2):
            with Serve(workers, env) as server:
                results[workers] = measure(server, workers, room_id, connections, seconds, name)
    report(results, connections)


if __name__ == "__main__":
    main()
