"""The menu: `nox -l` lists what a developer (and CI) can run; bare `nox` runs the default set."""

from __future__ import annotations

import os
import random
from pathlib import Path

import nox

ROOT = Path(__file__).parent

nox.options.sessions = [
    "lint",
    "typecheck",
    "tests",
    "contract",
    "property",
    "mock",
    "pact",
    "compat",
    "faults",
]
# Reusing environments keeps a second `nox` run to seconds; CI starts from a fresh clone anyway.
nox.options.reuse_existing_virtualenvs = True
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.error_on_missing_interpreters = True

PYTHON = "3.11"
PACT_ENV = {"PACT_DO_NOT_TRACK": "true"}
BENCHMARKS = ("service.py", "relay.py", "mock.py")


def _install(session: nox.Session, *groups: str, mock: bool = False) -> None:
    args = ["-e", "."]
    for group in groups:
        args += ["--group", group]
    if mock:
        args += ["-e", "./mocks"]
    session.install(*args)


def _run_pytest(
    session: nox.Session,
    *default_targets: str,
    markers: str | None = None,
    env: dict[str, str] | None = None,
    extra: tuple[str, ...] = (),
    targets_with_posargs: bool = False,
) -> None:
    reports = ROOT / "reports"
    reports.mkdir(exist_ok=True)
    args = ["pytest", f"--junitxml={reports / (session.name + '.xml')}", *extra]
    if markers:
        args += ["-m", markers]
    # posargs replace the targets, except where they are options for the targets
    # (`nox -s contract -- --base-url URL` still runs tests/contract).
    targets = (
        [*default_targets, *session.posargs]
        if targets_with_posargs
        else (session.posargs or default_targets)
    )
    session.run(*args, *targets, env=env or {})


@nox.session(python=PYTHON)
def lint(session: nox.Session) -> None:
    """ruff: lint and formatting."""
    session.install("--group", "lint")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session(python=PYTHON)
def typecheck(session: nox.Session) -> None:
    """mypy --strict over src/rooms."""
    _install(session, "typing", "tests")
    session.run("mypy")


@nox.session(python=PYTHON)
def tests(session: nox.Session) -> None:
    """Unit and integration tests, on SQLite and PostgreSQL, with RabbitMQ."""
    _install(session, "tests")
    _run_pytest(session, "tests/unit", "tests/integration")


@nox.session(python=PYTHON)
def contract(session: nox.Session) -> None:
    """The contract suite generated from the spec (`-- --base-url URL` for any server)."""
    _install(session, "tests")
    # A fixed seed: a CI failure replays exactly. `nox -s fuzz` explores with fresh ones.
    _run_pytest(
        session, "tests/contract", extra=("--hypothesis-seed=20261124",), targets_with_posargs=True
    )


@nox.session(python=PYTHON)
def fuzz(session: nox.Session) -> None:
    """The contract suite for far longer, with a random seed it prints."""
    _install(session, "tests")
    seed = str(random.randrange(2**32))
    session.log(f"fuzz seed: {seed} (replay with: nox -s contract -- --hypothesis-seed={seed})")
    _run_pytest(
        session,
        "tests/contract",
        env={"ROOMS_CONTRACT_PROFILE": "fuzz"},
        extra=(f"--hypothesis-seed={seed}",),
        targets_with_posargs=True,
    )


@nox.session(python=PYTHON)
def property(session: nox.Session) -> None:
    """Avro event contracts checked with Hypothesis (`-- --hypothesis-profile=long`)."""
    _install(session, "tests")
    # posargs add options (`-- --hypothesis-profile=long`); the targets stay.
    _run_pytest(session, "tests/property", "tests/unit/testing", targets_with_posargs=True)


@nox.session(python=PYTHON)
def mock(session: nox.Session) -> None:
    """The mock server's own tests, and the contract suite run against it."""
    import socket
    import subprocess
    import time

    _install(session, "tests", "typing", mock=True)
    with session.chdir(ROOT / "mocks"):
        session.run("mypy")  # strict, per mocks/pyproject.toml: the mock is its own package
    # mocks/tests: the engine, the server, the responses fixture, and every schemathesis check
    # against a running mock in each mode (about 80 s on two cores).
    _run_pytest(session, "mocks/tests")
    if session.posargs:
        return  # posargs name mock tests to run; the contract suite runs on a full session
    contract_conftest = ROOT / "tests" / "contract" / "conftest.py"
    if not contract_conftest.exists() or "--base-url" not in contract_conftest.read_text():
        session.log("tests/contract has no --base-url mode yet: mocks/tests checked the mock")
        return
    # The project's contract suite in URL mode against the mock, in each of its modes; the
    # mock demands the suite's key, so the suite's missing/wrong-key checks mean something.
    key = "mock-contract-key"
    modes = {"static": [], "dynamic": ["--dynamic"], "stateful": ["--stateful"]}
    # A stateless mock cannot pass sequence checks (a deleted room still answers its example):
    # the static and dynamic mocks get every per-operation check, the stateful one the suite.
    stateless_only = ["--ignore", "tests/contract/test_stateful.py"]
    # The suite's own fault tests serve broken copies of the service in-process, whatever the
    # URL: `nox -s contract` runs them; here they would only repeat three times.
    not_about_the_mock = ["--ignore", "tests/contract/test_faults.py"]
    for mode, flags in modes.items():
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        server = subprocess.Popen(  # noqa: S603 (our own rooms-mock, fixed arguments)
            [
                str(Path(session.bin) / "rooms-mock"),
                *flags,
                "--port",
                str(port),
                "--api-key",
                key,
                "--no-reload",
            ],
            stdout=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                try:
                    socket.create_connection(("127.0.0.1", port), 0.2).close()
                    break
                except OSError:
                    time.sleep(0.05)
            reports = ROOT / "reports"
            session.run(
                "pytest",
                f"--junitxml={reports / f'mock-contract-{mode}.xml'}",
                "tests/contract",
                *not_about_the_mock,
                *([] if mode == "stateful" else stateless_only),
                "--base-url",
                f"http://127.0.0.1:{port}",
                "--api-key",
                key,
            )
        finally:
            server.terminate()
            server.wait(timeout=10)


@nox.session(name="mock-serve", python=PYTHON)
def mock_serve(session: nox.Session) -> None:
    """Run the mock server on contracts/openapi.yaml (`-- --port 4010 --dynamic ...`)."""
    # Only the mock's own small distribution: no database or broker packages.
    session.install("-e", "./mocks")
    session.run("rooms-mock", *session.posargs)


@nox.session(python=PYTHON)
def pact(session: nox.Session) -> None:
    """Consumer pact tests, the pacts-vs-spec cross-check and provider verification."""
    _install(session, "tests")
    # The consumers' tests run first and rewrite contracts/pacts/; then the cross-check
    # against the spec and the provider verification read what they wrote.
    _run_pytest(session, "examples/consumers", "tests/pact", env=PACT_ENV)


@nox.session(python=PYTHON)
def compat(session: nox.Session) -> None:
    """Breaking-change guard: the contracts against main's merge base (or `-- REF`)."""
    _install(session, "tests")
    if session.posargs:
        base = session.posargs[0]
    else:
        # origin/main when there is a remote, else the local main; on main itself (CI's fresh
        # clone) the merge base is HEAD, and the working tree must match it.
        def git(*args: str) -> str:
            out = session.run("git", *args, external=True, silent=True, success_codes=[0, 1])
            return str(out or "").strip()

        refs = [ref for ref in ("origin/main", "main") if git("rev-parse", "--verify", "-q", ref)]
        base = git("merge-base", "HEAD", refs[0]) if refs else ""
        if not base:
            session.log("no main branch to compare with: comparing the working tree with HEAD")
            base = "HEAD"
    # The guard's own tests first (posargs name the ref, so they are not pytest targets here),
    # then the guard itself on the real contracts.
    (ROOT / "reports").mkdir(exist_ok=True)
    session.run("pytest", f"--junitxml={ROOT / 'reports' / 'compat.xml'}", "tests/unit/compat")
    session.run("rooms", "contracts", "diff", base)


@nox.session(python=PYTHON)
def serve(session: nox.Session) -> None:
    """Run the service on the embedded SQLite database (`-- --port 8000`)."""
    _install(session)
    session.run(
        "rooms",
        "serve",
        *session.posargs,
        env={"ROOMS_API_KEYS": os.environ.get("ROOMS_API_KEYS", "")},
    )


@nox.session(python=PYTHON)
def bench(session: nox.Session) -> None:
    """Benchmarks: service vs plain Flask, relay vs raw pika, mock vs Prism."""
    _install(session, "bench", mock=True)
    # The three benchmarks; bench/load.py and bench/plain_flask_app.py are their plumbing.
    targets = session.posargs or [str(ROOT / "bench" / name) for name in BENCHMARKS]
    for target in targets:
        session.run("python", target)


@nox.session(python=PYTHON)
def faults(session: nox.Session) -> None:
    """The service under faults: database outages, hostile input and stops, against `rooms serve`."""
    _install(session, "tests")
    _run_pytest(session, "tests/faults")
