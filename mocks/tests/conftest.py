"""Fixtures of the mock's tests: the rooms contract, engines, a running `rooms-mock`, an oracle."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from rooms_mock.engine import MockEngine, MockOptions, MockRequest, MockResponse
from rooms_mock.spec import bundled_spec_path

# The installed copy of the rooms contract: the checkout's in the repository, the wheel's own
# where these tests run from an unpacked sdist.
SPEC = bundled_spec_path()
API_KEY = "mock-test-key"
ROOM_ID = "0b1c5f1e-7c53-4a3e-9a53-3f6c2f1d7e01"
NEW_ROOM = {
    "name": "Room in Gràcia",
    "price": 3500,
    "currency": "EUR",
    "recurrence": "daily",
    "provider": "stays.example",
    "url": "https://stays.example/r/77",
    "area": {"name": "Gràcia", "city": "Barcelona", "country": "ES"},
}


@pytest.fixture(scope="session")
def spec_document() -> dict[str, Any]:
    return yaml.safe_load(SPEC.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


class Oracle:
    """Validates bodies with the reference `jsonschema` library, not the mock's own validators."""

    def __init__(self, document: dict[str, Any]) -> None:
        self._document = document

    def errors(self, schema_name: str, instance: Any) -> list[str]:
        schema = {
            "$ref": f"#/components/schemas/{schema_name}",
            "components": self._document["components"],
        }
        validator = jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker())
        return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(instance)]

    def assert_valid(self, schema_name: str, instance: Any) -> None:
        errors = self.errors(schema_name, instance)
        assert not errors, f"{schema_name} breaks the contract: {errors}"


@pytest.fixture(scope="session")
def oracle(spec_document: dict[str, Any]) -> Oracle:
    return Oracle(spec_document)


@pytest.fixture(scope="session")
def static_engine() -> MockEngine:
    return MockEngine.from_path(SPEC, MockOptions(api_keys=frozenset({API_KEY})))


Call = Callable[..., MockResponse]


def caller(engine: MockEngine) -> Call:
    def call(
        method: str,
        path: str,
        query: str = "",
        *,
        json_body: Any = None,
        body: bytes = b"",
        headers: dict[str, str] | None = None,
        key: bool = True,
    ) -> MockResponse:
        sent = {k.lower(): v for k, v in (headers or {}).items()}
        if key:
            sent.setdefault("x-api-key", API_KEY)
        if json_body is not None:
            body = json.dumps(json_body).encode()
            sent.setdefault("content-type", "application/json")
        return engine.handle(MockRequest(method, path, query, sent, body))

    call.engine = engine  # type: ignore[attr-defined]
    return call


@pytest.fixture
def call(static_engine: MockEngine) -> Call:
    return caller(static_engine)


@pytest.fixture
def stateful_call() -> Call:
    return caller(
        MockEngine.from_path(SPEC, MockOptions(stateful=True, api_keys=frozenset({API_KEY})))
    )


# -- a real `rooms-mock` process -------------------------------------------------------------

_ADDRESS = re.compile(r" at (http://\S+) \(")


class RunningMock:
    def __init__(self, process: subprocess.Popen[str], url: str, first_line: str) -> None:
        self.process = process
        self.url = url
        self.lines: list[str] = [first_line]
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def join(self) -> None:
        self._reader.join(timeout=10)

    def output(self) -> str:
        return "\n".join(self.lines)


@contextmanager
def run_mock(*args: str, spec: Path = SPEC, proxy_to: str | None = None) -> Iterator[RunningMock]:
    """`rooms-mock SPEC --port 0 ARGS` (or `rooms-mock proxy SPEC UPSTREAM ...`) until the block
    ends; its first line names the address."""
    proxy = ["proxy", str(spec), proxy_to] if proxy_to else [str(spec)]
    command = [sys.executable, "-m", "rooms_mock.cli", *proxy, "--port", "0", *args]
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        bufsize=1,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    mock: RunningMock | None = None
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        found = _ADDRESS.search(first)
        assert found, f"rooms-mock did not announce its address: {first!r}"
        mock = RunningMock(process, found[1], first.rstrip("\n"))
        _wait_until_listening(mock.url)
        yield mock
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        if mock is not None:
            mock.join()
        if process.stdout is not None:
            process.stdout.close()


def _wait_until_listening(url: str) -> None:
    import socket
    import time
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((parts.hostname, parts.port), 0.2):
                return
        except OSError:
            time.sleep(0.02)
    raise AssertionError(f"rooms-mock never listened on {url}")


def schemathesis_command() -> str:
    found = shutil.which("schemathesis") or str(Path(sys.executable).with_name("schemathesis"))
    return found
