"""The contract checks (schemathesis, every check) against a running mock, in each mode, and
against deliberately broken mocks to show the checks can fail.

`nox -s mock` also runs the project's contract suite (tests/contract) against the mock.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from conftest import SPEC, run_mock, schemathesis_command

CONFIG = Path(__file__).with_name("schemathesis.toml")
KEY = "contract-key"
# A stateless mock cannot forget what it never stored: after DELETE, GET still answers the
# example. These two checks need state and run in the stateful mode only.
STATEFUL_ONLY = "use_after_free,ensure_resource_availability"


def schemathesis(url: str, workdir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [
        schemathesis_command(),
        "--config-file",
        str(CONFIG),
        "run",
        str(SPEC),
        "--url",
        url,
        "-H",
        f"X-API-Key: {KEY}",
        "--workers",
        "1",
        "--seed",
        "20261124",
        "--no-color",
        *args,
    ]
    # The seed is fixed so a CI failure replays; fuzzing with fresh seeds is `nox -s fuzz`'s job.
    return subprocess.run(
        command, cwd=workdir, capture_output=True, text=True, timeout=600, check=False
    )


@pytest.mark.slow
@pytest.mark.parametrize(
    ("flags", "excluded"),
    [
        ((), STATEFUL_ONLY),
        (("--dynamic", "--seed", "3"), STATEFUL_ONLY),
        (("--stateful",), None),
    ],
    ids=["static", "dynamic", "stateful"],
)
def test_every_contract_check_passes(
    flags: tuple[str, ...], excluded: str | None, tmp_path: Path
) -> None:
    with run_mock(*flags, "--api-key", KEY) as mock:
        extra = ["--checks", "all", "--max-examples", "30"]
        if excluded:
            extra += ["--exclude-checks", excluded]
        result = schemathesis(mock.url, tmp_path, *extra)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-3000:]
    # Warnings may remain (stateful: random ids of unknown rooms get 404s); failures may not.
    assert "Failures:" not in result.stdout
    assert "passed" in result.stdout


@contextmanager
def broken_mock(factory: str) -> Iterator[str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            f"broken_mocks:{factory}",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        cwd=Path(__file__).parent,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parent)},
    )
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), 0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("factory", "check", "message"),
    [
        ("drops_a_required_member", "response_schema_conformance", "Response violates schema"),
        ("validates_nothing", "negative_data_rejection", "Schema-violating request accepted"),
    ],
)
def test_the_checks_catch_a_broken_mock(
    factory: str, check: str, message: str, tmp_path: Path
) -> None:
    with broken_mock(factory) as url:
        result = schemathesis(
            url, tmp_path, "--checks", check, "--phases", "examples,coverage", "--max-failures", "1"
        )
    assert result.returncode != 0
    assert message in result.stdout, result.stdout[-4000:]
