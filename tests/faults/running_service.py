"""A real `rooms serve` process for the fault suite: started on a free port, always stopped."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import API_KEY

ROOMS = str(Path(sys.executable).with_name("rooms"))


@dataclass(frozen=True)
class RunningService:
    process: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def output(self) -> str:
        return self.log.read_text(errors="replace")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def rooms_serve(
    database_url: str, log_dir: Path, env: Mapping[str, str] | None = None, *, workers: int = 1
) -> Iterator[RunningService]:
    """`rooms serve --workers N` on `database_url`; waits (bounded) until it listens."""
    port = free_port()
    log = log_dir / f"rooms-serve-{port}.log"
    settings = {
        **os.environ,
        "ROOMS_DATABASE_URL": database_url,
        "ROOMS_API_KEYS": API_KEY,
        "ROOMS_VALIDATE_RESPONSES": "true",  # every answer, 503s included, checked against the spec
        "ROOMS_LOG_LEVEL": "WARNING",
        **(env or {}),
    }
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [ROOMS, "serve", "--port", str(port), "--workers", str(workers)],
            env=settings,
            stdout=sink,
            stderr=sink,
        )
    service = RunningService(process, port, log)
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"rooms serve exited {process.returncode}:\n{service.output()}")
            try:
                socket.create_connection(("127.0.0.1", port), 0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"rooms serve did not listen:\n{service.output()}") from None
                time.sleep(0.05)
        yield service
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)
