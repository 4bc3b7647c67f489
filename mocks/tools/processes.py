"""Starting the real service and the mock's commands for the tools here, bounded and stopped."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from contextlib import ExitStack
from pathlib import Path

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait(port: int, process: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"{process.args} exited with {process.returncode} before listening")
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    sys.exit(f"nothing listened on {port} within {seconds:.0f} s")


def start(stack: ExitStack, command: list[str], port: int, env: dict[str, str]) -> None:
    """Run the command until the stack closes; return once it listens on the port."""
    process = subprocess.Popen(command, env={**os.environ, **env})  # noqa: S603 (our own commands)

    def stop() -> None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)

    stack.callback(stop)
    _wait(port, process)


def start_service(stack: ExitStack, work: Path, key: str) -> str:
    """`rooms serve` on a fresh SQLite database in `work`; its base URL."""
    port = free_port()
    env = {"ROOMS_API_KEYS": key, "ROOMS_DATABASE_URL": f"sqlite:///{work / 'rooms.sqlite3'}"}
    start(stack, [str(BIN / "rooms"), "serve", "--port", str(port)], port, env)
    return f"http://127.0.0.1:{port}"


def start_mock(stack: ExitStack, key: str, *flags: str) -> str:
    """`rooms-mock --stateful` on the bundled contract, quiet; its base URL."""
    port = free_port()
    command = [str(BIN / "rooms-mock"), "--stateful", "--api-key", key, "--port", str(port)]
    start(stack, [*command, "--no-reload", "-qq", *flags], port, {})
    return f"http://127.0.0.1:{port}"
