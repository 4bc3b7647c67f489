"""The menu: `nox -l` lists what a developer (and CI) can run; bare `nox` runs the default set."""

from __future__ import annotations

import os
import random
from pathlib import Path

import nox

ROOT = Path(__file__).parent

# Sessions run two at a time (--parallel, from nox 2026.10.20): the suites wait on servers, the
# database and the broker much of the time, so two cores carry two of them. The longest start
# first. `faults` and `coverage` run alone (allow_parallel=False): the first holds the service
# to time bounds, the second joins what contract, mock and pact recorded, so it comes last.
nox.needs_version = ">=2026.10.20"
nox.options.sessions = [
    "contract",
    "mock",
    "tests",
    "property",
    "events",
    "pact",
    "compat",
    "typecheck",
    "lint",
    "wheels",
    "faults",
    "coverage",
]
nox.options.parallel = 2
nox.options.allow_parallel = True
# Reusing environments keeps a second `nox` run to seconds; CI starts from a fresh clone anyway.
nox.options.reuse_existing_virtualenvs = True
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.error_on_missing_interpreters = True

PYTHON = "3.11"
PACT_ENV = {"PACT_DO_NOT_TRACK": "true"}
BENCHMARKS = (
    "service.py",
    "service_cpu.py",
    "relay.py",
    "mock.py",
    "codec.py",
    "mock_events.py",
    "scale.py",
    "workers.py",
)
# The official AsyncAPI JSON Schemas (npm), pinned: asyncapi.yaml is validated against 3.0.0.
ASYNCAPI_SPECS = "@asyncapi/specs@6.11.1"


def _install(session: nox.Session, *groups: str, mock: bool = False) -> None:
    # The codec first and editable, so edits to events/ count without a reinstall: it is the
    # `rooms-events` the service depends on by name (no index has it; this folder is its source).
    args = ["-e", "./events", "-e", "."]
    for group in groups:
        args += ["--group", group]
    if mock:
        # With its events extra: the events tests, `api.events` and the events benchmark.
        args += ["-e", "./mocks[events]"]
    session.install(*args)


def _fresh_coverage(suite_prefix: str) -> None:
    """Forget a suite's last recording (reports/coverage/<suite>.jsonl) before it runs again."""
    for old in (ROOT / "reports" / "coverage").glob(f"{suite_prefix}*.jsonl"):
        old.unlink()


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
    # The guard's own tests (tests/unit/compat) run once, in `nox -s compat`, beside the guard.
    _run_pytest(
        session,
        "tests/unit",
        "tests/integration",
        extra=() if session.posargs else ("--ignore", "tests/unit/compat"),
    )


@nox.session(python=PYTHON)
def contract(session: nox.Session) -> None:
    """The contract suite generated from the spec (`-- --base-url URL` for any server)."""
    _install(session, "tests")
    _fresh_coverage("contract")
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
    _run_pytest(session, "tests/property", targets_with_posargs=True)


@nox.session(python=PYTHON)
def mock(session: nox.Session) -> None:
    """The mock server's own tests, and the contract suite run against it."""
    import socket
    import subprocess

    _install(session, "tests", "typing", mock=True)
    with session.chdir(ROOT / "mocks"):
        session.run("mypy")  # strict, per mocks/pyproject.toml: the mock is its own package
    # mocks/tests: the engine, the server, the responses fixture, and every schemathesis check
    # against a running mock in each mode (about 80 s on two cores). With the checkout on
    # PYTHONPATH the events tests record what they receive for the coverage report.
    _fresh_coverage("mock-")
    # Its schemathesis-against-a-running-mock tests are left out here only: the project's
    # contract suite runs below against the mock in each mode with every check (a superset),
    # so they would repeat ~50 s; they stay in the mock's own suite for its distribution.
    every_check = "mocks/tests/test_mock_contract.py::test_every_contract_check_passes"
    _run_pytest(
        session,
        "mocks/tests",
        env={"PYTHONPATH": str(ROOT)},
        extra=() if session.posargs else ("--deselect", every_check),
    )
    if session.posargs:
        return  # posargs name mock tests to run; the contract suite runs on a full session
    # Publishable: the sdist and the wheel build, and the wheel passes the sdist's tests in a
    # clean environment (about 25 s; `uv build` when uv is on PATH, else `python -m build`).
    import shutil

    if shutil.which("uv") is None:
        session.install("build")
    bin_dir = Path(session.bin)
    checks: dict[str, tuple[list[str], dict[str, str]]] = {
        "distribution": ([str(bin_dir / "python"), "mocks/tools/check_distribution.py"], {}),
        # Fidelity: the same request sequences to the stateful mock and the real service,
        # compared (status, named headers, body shape); prints the agreement rate.
        "differential": (
            [str(bin_dir / "python"), "mocks/tools/differential.py", "--sequences", "10"],
            {},
        ),
    }
    # The project's contract suite in URL mode against the mock, in each of its modes; the
    # mock demands the suite's key, so the suite's missing/wrong-key checks mean something.
    key = "mock-contract-key"
    modes = {"static": [], "dynamic": ["--dynamic"], "stateful": ["--stateful"]}
    # A stateless mock cannot pass sequence checks (a deleted room still answers its example):
    # the static and dynamic mocks get every per-operation check, the stateful one the suite.
    stateless_only = ["--ignore", "tests/contract/test_stateful.py"]
    # The promise checks create rooms and list them back: only a stateful mock can keep them.
    stateless_only += ["--ignore", "tests/contract/test_promises.py"]
    stateless_only += ["--ignore", "tests/contract/events/test_http_events.py"]
    # The stateful mock publishes its writes' events: the suite checks them on the real broker,
    # on an exchange of this run's own (deleted afterwards), as it checks the service's.
    amqp_url = os.environ.get("ROOMS_TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/%2F")
    exchange = f"rooms.events.mock-{random.randrange(16**12):012x}"
    events = _events_flags(session, amqp_url, exchange)
    # The suite's own fault tests serve broken copies of the service in-process, whatever the
    # URL: `nox -s contract` runs them; here they would only repeat three times.
    not_about_the_mock = ["--ignore", "tests/contract/test_faults.py"]
    not_about_the_mock += ["--ignore", "tests/contract/test_promise_faults.py"]
    not_about_the_mock += ["--ignore", "tests/contract/test_fault_score.py"]
    not_about_the_mock += ["--ignore", "tests/contract/events/test_event_faults.py"]
    servers: list[subprocess.Popen[bytes]] = []
    try:
        for mode, flags in modes.items():
            with socket.socket() as probe:
                probe.bind(("127.0.0.1", 0))
                port = probe.getsockname()[1]
            servers.append(
                subprocess.Popen(  # noqa: S603 (our own rooms-mock, fixed arguments)
                    [
                        str(bin_dir / "rooms-mock"),
                        *flags,
                        *(events["mock"] if mode == "stateful" else []),
                        "--port",
                        str(port),
                        "--api-key",
                        key,
                        "--no-reload",
                    ],
                    stdout=subprocess.DEVNULL,
                )
            )
            _wait_for_port(port, seconds=30)
            checks[f"contract against the {mode} mock"] = (
                [
                    str(bin_dir / "pytest"),
                    f"--junitxml={ROOT / 'reports' / f'mock-contract-{mode}.xml'}",
                    "tests/contract",
                    *not_about_the_mock,
                    *([] if mode == "stateful" else stateless_only),
                    "--base-url",
                    f"http://127.0.0.1:{port}",
                    "--api-key",
                    key,
                    *(events["suite"] if mode == "stateful" else []),
                ],
                {"ROOMS_COVERAGE_SUITE": f"mock-{mode}"},  # the coverage report's column
            )
        # They wait on servers and the broker far more than they compute: side by side they
        # take about half the time they take in a row on two cores.
        _run_side_by_side(session, checks)
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=10)
        if events["mock"]:
            session.run("python", "-c", _DELETE_EXCHANGE, amqp_url, exchange, silent=True)


def _wait_for_port(port: int, *, seconds: float) -> None:
    import socket
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return
        except OSError:
            time.sleep(0.05)


def _run_side_by_side(
    session: nox.Session, commands: dict[str, tuple[list[str], dict[str, str]]]
) -> None:
    """Runs the commands at once from the repository root, then shows each one's output in
    turn; the session fails, naming them, if any failed."""
    import subprocess
    import tempfile

    # As session.run would: the session's virtualenv first on PATH.
    venv = {"PATH": f"{session.bin}{os.pathsep}{os.environ.get('PATH', '')}"}
    venv["VIRTUAL_ENV"] = str(session.virtualenv.location)
    with tempfile.TemporaryDirectory() as logs:
        running = {}
        for name, (command, env) in commands.items():
            log = (Path(logs) / f"{len(running)}.log").open("w+b")
            session.log(f"[{name}] {' '.join(command)}")
            process = subprocess.Popen(  # noqa: S603 (the session's own tools)
                command,
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
                env={**os.environ, **venv, **env},
            )
            running[name] = (process, log)
        failed = []
        for name, (process, log) in running.items():
            code = process.wait()
            log.seek(0)
            print(f"----- {name} (exit status {code}) -----", flush=True)
            print(log.read().decode(errors="replace"), flush=True)
            log.close()
            if code != 0:
                failed.append(name)
    if failed:
        session.error(f"failed: {', '.join(failed)}")


_DELETE_EXCHANGE = """
import sys, pika
connection = pika.BlockingConnection(pika.URLParameters(sys.argv[1]))
connection.channel().exchange_delete(sys.argv[2])
connection.close()
"""


def _events_flags(session: nox.Session, amqp_url: str, exchange: str) -> dict[str, list[str]]:
    """rooms-mock's and the suite's event options, or none (with the reason) without a broker."""
    import socket
    from urllib.parse import urlsplit

    broker = urlsplit(amqp_url)
    try:
        socket.create_connection((broker.hostname or "127.0.0.1", broker.port or 5672), 2).close()
    except OSError:
        message = f"RabbitMQ is not reachable at {amqp_url}: the mock's event checks skip"
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            session.error(f"{message} (CI=true: they must run)")
        session.warn(message)
        return {"mock": [], "suite": []}
    return {
        "mock": ["--amqp-url", amqp_url, "--events-exchange", exchange],
        "suite": ["--amqp-url", amqp_url, "--amqp-exchange", exchange],
    }


@nox.session(name="mock-proxy", python=PYTHON)
def mock_proxy(session: nox.Session) -> None:
    """The contract suite through `rooms-mock proxy` to the real service: no response violation."""
    _install(session, "tests", mock=True)
    session.run(
        "python", str(ROOT / "mocks" / "tools" / "contract_through_proxy.py"), *session.posargs
    )


@nox.session(name="mock-serve", python=PYTHON)
def mock_serve(session: nox.Session) -> None:
    """Run the mock server on contracts/openapi.yaml (`-- --port 4010 --dynamic ...`)."""
    # Only the mock's own small distributions: no database packages. The events extra (the
    # codec and pika) lets `-- --stateful --amqp-url URL` publish events.
    session.install("-e", "./events", "-e", "./mocks[events]")
    session.run("rooms-mock", *session.posargs)


@nox.session(python=PYTHON)
def pact(session: nox.Session) -> None:
    """Consumer pact tests, the pacts-vs-spec cross-check and provider verification."""
    _install(session, "tests")
    # The consumers' tests run first and rewrite contracts/pacts/; then the cross-check
    # against the spec and the provider verification read what they wrote.
    _fresh_coverage("pact")
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
    """Benchmarks: service vs plain Flask, relay vs raw pika, mock vs Prism, codec vs fastavro,
    the list at 1M rooms vs 10k, `rooms serve --workers 2` vs 1."""
    _install(session, "bench", mock=True)
    # The benchmarks; bench/load.py, bench/cpushare.py and bench/plain_flask_app.py are their
    # plumbing, bench/connexion_ceiling_app.py and bench/starlette_sqlite_app.py service.py's
    # references. workers.py needs PostgreSQL (BENCH_POSTGRES_URL) and says so without it.
    # wrk comes from Debian (`apt-get install -y wrk`); bench/load.py installs it if it can.
    targets = session.posargs or [str(ROOT / "bench" / name) for name in BENCHMARKS]
    for target in targets:
        session.run("python", target)


def _require_contracts_inside(session: nox.Session, wheel: Path) -> None:
    """Stops the session unless the wheel carries every contract file the codec reads."""
    import zipfile

    inside = "rooms_events/_contracts/"
    expected = {
        inside + str(path.relative_to(ROOT / "contracts"))
        for pattern in ("avro/*/v*.avsc", "asyncapi.yaml", "samples/*/*")
        for path in (ROOT / "contracts").glob(pattern)
    }
    with zipfile.ZipFile(wheel) as archive:
        missing = sorted(expected - set(archive.namelist()))
    if missing:
        session.error(f"{wheel.name} lacks {', '.join(missing)}")


@nox.session(python=PYTHON)
def events(session: nox.Session) -> None:
    """The event codec alone (rooms-events): its sdist and wheel, mypy, its own tests."""
    import tempfile

    session.install("build[uv]>=1.2", "mypy>=1.13", "types-pyyaml")
    # Only the codec and the test tools: no service package is installed here.
    session.install(
        "./events[strategies]", "pytest>=8.3,<9", "pytest-timeout>=2.3", "jsonschema>=4.18"
    )
    with tempfile.TemporaryDirectory() as out:
        # `python -m build` makes the sdist, then the wheel from that sdist: both must hold
        # the contracts, and the wheel must build with no checkout around it. The tests
        # below run against that wheel.
        session.run("python", "-m", "build", "--installer", "uv", "--outdir", out, "events")
        (wheel,) = Path(out).glob("rooms_events-*.whl")
        _require_contracts_inside(session, wheel)
        session.install("--force-reinstall", "--no-deps", str(wheel))
    with session.chdir(ROOT / "events"):
        session.run("mypy")  # strict, per events/pyproject.toml
    # The committed samples are what the contract's examples encode to, byte for byte.
    session.run("rooms-events", "samples", str(ROOT / "contracts" / "samples"), "--check")
    _run_pytest(
        session,
        "events/tests",
        env={"ASYNCAPI_JSON_SCHEMA": str(_asyncapi_json_schema(session))},
        targets_with_posargs=True,
    )


def _asyncapi_json_schema(session: nox.Session) -> Path:
    """The official AsyncAPI 3.0.0 JSON Schema, installed from npm into the session's folder."""
    prefix = Path(session.virtualenv.location) / "asyncapi-specs"
    schema = prefix / "node_modules" / "@asyncapi" / "specs" / "schemas" / "3.0.0.json"
    stamp = prefix / "installed"
    installed = stamp.read_text() if stamp.is_file() else ""
    if installed != ASYNCAPI_SPECS or not schema.is_file():  # reused sessions skip npm
        session.run(
            "npm",
            "install",
            "--prefix",
            str(prefix),
            "--no-audit",
            "--no-fund",
            "--no-save",
            ASYNCAPI_SPECS,
            external=True,
        )
        stamp.write_text(ASYNCAPI_SPECS)
    return schema


@nox.session(python=PYTHON, allow_parallel=False)
def coverage(session: nox.Session) -> None:
    """Contract coverage: what contract, mock and pact exercised of the spec, joined."""
    # Only the spec reader is needed (pyyaml comes with the service); it reads what the
    # suites wrote to reports/coverage/ and fails on a documented response none exercised.
    _install(session)
    session.run("python", "-m", "tests.contract_coverage.report", *session.posargs)


@nox.session(python=PYTHON)
def wheels(session: nox.Session) -> None:
    """Build every distribution, install each wheel alone in a fresh venv, run its commands."""
    # Only uv: the smoke script is standard library, and what it checks must come from the
    # wheels' own runtime dependencies, never from this session's environment.
    session.install("uv")
    work = Path(session.create_tmp()) / "wheels"
    session.run(
        "python",
        str(ROOT / "tests" / "install" / "wheel_smoke.py"),
        "--uv",
        str(Path(session.bin) / "uv"),
        "--work",
        str(work),
    )


@nox.session(python=PYTHON, allow_parallel=False)
def faults(session: nox.Session) -> None:
    """The service under faults: database outages, hostile input and stops, against `rooms serve`."""
    _install(session, "tests")
    _run_pytest(session, "tests/faults")
