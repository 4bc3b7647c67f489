"""Every distribution in the repository, built and installed as a user would, then exercised.

    python tests/install/wheel_smoke.py --uv PATH/TO/uv --work DIR

Finds each `pyproject.toml` with a `[project]` at the top level and in top-level folders,
builds its sdist and (from that sdist, as pip would) its wheel with `uv build`, installs each
wheel into a fresh virtual environment with its runtime dependencies only (sibling wheels
satisfy dependencies between our own distributions), and runs its console scripts' real
commands there. It then proves it can fail: once they pass, one runtime dependency of `rooms`
(`avro`) is uninstalled and the same checks must fail. Standard library only: it runs before anything is
installed. `nox -s wheels` runs it; any failure exits non-zero with the command's output.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import tomllib
import urllib.request
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
BUILD_TIMEOUT = 300  # seconds for one distribution's sdist and wheel
COMMAND_TIMEOUT = 120  # seconds for one console-script command
START_TIMEOUT = 30  # seconds for rooms-mock to accept connections

# The runtime dependency the negative control drops: `rooms contracts diff` on Avro inputs
# reaches it, and it was once only in the test group (issue 13).
DROPPED_FOR_CONTROL = ("rooms", "avro")


class SmokeFailure(Exception):
    """A build, an install or a command did not do what a user would expect."""


@dataclass(frozen=True)
class Distribution:
    name: str
    directory: Path
    scripts: tuple[str, ...]
    dependencies: tuple[str, ...]

    @property
    def normalised(self) -> str:
        return re.sub(r"[-_.]+", "_", self.name).lower()


@dataclass
class Outcome:
    checks: list[str] = field(default_factory=list)


def distributions(root: Path) -> list[Distribution]:
    """The repository's distributions: its own pyproject and every top-level folder's."""
    found = []
    for pyproject in [root / "pyproject.toml", *sorted(root.glob("*/pyproject.toml"))]:
        project = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("project")
        if project is None:
            continue  # a tool-only pyproject (e.g. a ruff config) is not a distribution
        found.append(
            Distribution(
                name=project["name"],
                directory=pyproject.parent,
                scripts=tuple(project.get("scripts", {})),
                dependencies=tuple(project.get("dependencies", [])),
            )
        )
    return found


def run(
    command: Sequence[str | Path],
    *,
    timeout: float = COMMAND_TIMEOUT,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(
            [str(part) for part in command],
            capture_output=True,
            text=True,
            timeout=timeout,
            env={**os.environ, **(env or {})},
            cwd=cwd,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        raise SmokeFailure(f"{' '.join(map(str, command))}: no answer in {timeout} s") from error


def expect(result: subprocess.CompletedProcess[str], status: int, what: str) -> str:
    if result.returncode != status:
        raise SmokeFailure(
            f"{what}: exit status {result.returncode}, expected {status}\n"
            f"$ {' '.join(result.args)}\n{result.stdout}{result.stderr}"
        )
    return result.stdout


def build(uv: Path, dist: Distribution, out: Path) -> tuple[Path, Path]:
    """sdist and wheel; uv builds the wheel from the sdist, so a file the sdist lacks fails."""
    target = out / dist.normalised
    result = run([uv, "build", "--out-dir", target, dist.directory], timeout=BUILD_TIMEOUT)
    expect(result, 0, f"building {dist.name} ({dist.directory.relative_to(ROOT) or '.'})")
    wheels, sdists = list(target.glob("*.whl")), list(target.glob("*.tar.gz"))
    if len(wheels) != 1 or len(sdists) != 1:
        raise SmokeFailure(f"building {dist.name}: expected one wheel and one sdist in {target}")
    return wheels[0], sdists[0]


def install(uv: Path, wheel: Path, venv: Path, find_links: Sequence[Path]) -> Path:
    """A fresh venv holding the wheel and its runtime dependencies, nothing else."""
    shutil.rmtree(venv, ignore_errors=True)
    expect(run([uv, "venv", "--quiet", "--python", sys.executable, venv]), 0, "uv venv")
    links = [arg for directory in find_links for arg in ("--find-links", directory)]
    python = venv / "bin" / "python"
    result = run([uv, "pip", "install", "--quiet", "--python", python, *links, wheel])
    expect(result, 0, f"installing {wheel.name}")
    return venv / "bin"


# --- what each console script must do -------------------------------------------------


def help_everywhere(bin_dir: Path, script: str, outcome: Outcome) -> None:
    """`--help` of the script and of every (sub)command its help lists, recursively."""

    def show_help(words: list[str]) -> list[list[str]]:
        line = f"{script} {' '.join([*words, '--help'])}"
        output = expect(run([bin_dir / script, *words, "--help"]), 0, line)
        if "usage:" not in output.lower():
            raise SmokeFailure(f"{line} printed no usage line")
        outcome.checks.append(line)
        return [[*words, name] for name in _click_commands(output)]

    # One level of the command tree at a time, its commands side by side.
    level: list[list[str]] = [[]]
    with ThreadPoolExecutor(max_workers=4) as pool:
        while level:
            level = [child for children in pool.map(show_help, level) for child in children]


def _click_commands(help_text: str) -> list[str]:
    """The names under click's `Commands:` heading (none for argparse programs)."""
    names, inside = [], False
    for line in help_text.splitlines():
        if line.strip() == "Commands:":
            inside = True
        elif inside and line.startswith("  ") and line.strip():
            names.append(line.split()[0])
        elif inside and line.strip():
            inside = False
    return names


def rooms_commands(bin_dir: Path, work: Path, outcome: Outcome) -> None:
    """The guard on OpenAPI and on Avro inputs, and the outbox on an empty SQLite file."""
    rooms = bin_dir / "rooms"
    base = work / "contracts-base"
    head = work / "contracts-head"
    for tree in (base, head):
        shutil.rmtree(tree, ignore_errors=True)
        shutil.copytree(ROOT / "contracts", tree, ignore=shutil.ignore_patterns("pacts"))
    # OpenAPI: the same file is unchanged; an operation removed is breaking.
    same = run([rooms, "contracts", "diff", base / "openapi.yaml", base / "openapi.yaml"])
    expect(same, 0, "rooms contracts diff on two equal OpenAPI files")
    text = (head / "openapi.yaml").read_text(encoding="utf-8")
    operation = "\n    delete:\n      operationId: deleteRoom\n"
    if operation not in text:
        raise SmokeFailure("contracts/openapi.yaml has no deleteRoom operation to deprecate")
    (head / "openapi.yaml").write_text(
        text.replace(operation, f"{operation}      deprecated: true\n"), encoding="utf-8"
    )
    deprecated = run(
        [
            rooms,
            "contracts",
            "diff",
            base / "openapi.yaml",
            head / "openapi.yaml",
            "--format",
            "json",
        ]
    )
    report = json.loads(expect(deprecated, 0, "rooms contracts diff, an operation deprecated"))
    if not any("deprecated" in change["rule"] for change in report["changes"]):
        raise SmokeFailure(f"rooms contracts diff missed a deprecation: {report}")
    outcome.checks.append("rooms contracts diff on OpenAPI files (unchanged, deprecated)")
    # Avro: a new RoomDeleted version with a required field and no default breaks its mode.
    v2 = json.loads((base / "avro" / "RoomDeleted" / "v2.avsc").read_text(encoding="utf-8"))
    v2["fields"].append({"name": "reason", "type": "string"})
    (head / "avro" / "RoomDeleted" / "v3.avsc").write_text(json.dumps(v2), encoding="utf-8")
    avro = run([rooms, "contracts", "diff", base, head, "--format", "json"])
    output = expect(avro, 1, "rooms contracts diff on Avro schemas, an incompatible version")
    rules = {change["rule"] for change in json.loads(output)["changes"]}
    if "avro-incompatible-version" not in rules:
        raise SmokeFailure(f"rooms contracts diff missed an incompatible Avro version: {rules}")
    outcome.checks.append("rooms contracts diff on Avro schemas (incompatible v3)")
    # The pact cross-check on the project's pacts, against the contract bundled in the wheel.
    checked = run([rooms, "contracts", "pacts", ROOT / "contracts" / "pacts", "--format", "json"])
    verdict = json.loads(expect(checked, 0, "rooms contracts pacts on contracts/pacts"))["verdict"]
    if verdict != "relies-only-on-promises":
        raise SmokeFailure(f"rooms contracts pacts: verdict {verdict}")
    outcome.checks.append("rooms contracts pacts on contracts/pacts (bundled spec)")
    # The outbox of a database nobody has used yet: empty, and said plainly.
    database = work / "empty.sqlite3"
    database.unlink(missing_ok=True)
    database.touch()
    listed = run(
        [rooms, "events", "list"], env={"ROOMS_DATABASE_URL": f"sqlite:///{database}"}, cwd=work
    )
    expect(listed, 0, "rooms events list on an empty SQLite file")
    outcome.checks.append("rooms events list on an empty SQLite file")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def serve_and_get(
    command: list[str | Path], port: int, path: str, work: Path, env: dict[str, str] | None = None
) -> Any:
    """Start a server, wait (bounded) until it listens, GET `path`, stop it; the JSON body."""
    name = Path(command[0]).name
    log_path = work / f"{name}.log"
    with log_path.open("w") as log:
        server = subprocess.Popen(
            [str(part) for part in command],
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=work,  # no contracts/ here: the contract must come from the wheel
            env={**os.environ, **(env or {})},
        )
        try:
            deadline = time.monotonic() + START_TIMEOUT
            while True:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise SmokeFailure(f"{name} did not start: {log_path.read_text()}")
                try:
                    socket.create_connection(("127.0.0.1", port), 0.2).close()
                    break
                except OSError:
                    time.sleep(0.05)
            url = f"http://127.0.0.1:{port}{path}"
            with urllib.request.urlopen(url, timeout=10) as response:
                if response.status != 200:
                    raise SmokeFailure(f"{name}: GET {url} answered {response.status}")
                return json.loads(response.read())
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait(timeout=10)


def rooms_serve_commands(bin_dir: Path, work: Path, outcome: Outcome) -> None:
    """The service migrates a new SQLite file, serves its bundled contract and lists no rooms."""
    database = work / "served.sqlite3"
    database.unlink(missing_ok=True)
    env = {"ROOMS_DATABASE_URL": f"sqlite:///{database}", "ROOMS_API_KEYS": "smoke-test-key"}
    upgraded = run([bin_dir / "rooms", "db", "upgrade"], env=env, cwd=work)
    expect(upgraded, 0, "rooms db upgrade on a new SQLite file")
    outcome.checks.append("rooms db upgrade on a new SQLite file")
    port = _free_port()
    page = serve_and_get(
        [bin_dir / "rooms", "serve", "--port", str(port)], port, "/rooms", work, env
    )
    if not isinstance(page, dict) or page.get("items") != []:
        raise SmokeFailure(f"rooms serve: GET /rooms on an empty database answered {page!r}")
    outcome.checks.append("rooms serve start and GET /rooms")


def rooms_mock_commands(bin_dir: Path, work: Path, outcome: Outcome) -> None:
    """The mock starts on its bundled contract and answers one request from it."""
    port = _free_port()
    command: list[str | Path] = [bin_dir / "rooms-mock", "--port", str(port), "--no-reload"]
    body = serve_and_get(command, port, "/rooms", work)
    if not isinstance(body, dict | list):
        raise SmokeFailure(f"rooms-mock: GET /rooms answered {body!r}")
    outcome.checks.append("rooms-mock start and GET /rooms")


# Commands beyond --help, per console script; a script not named here gets --help only.
REAL_COMMANDS: dict[str, list[Callable[[Path, Path, Outcome], None]]] = {
    "rooms": [rooms_commands, rooms_serve_commands],
    "rooms-mock": [rooms_mock_commands],
}


def smoke(uv: Path, dist: Distribution, wheel: Path, links: list[Path], work: Path) -> Outcome:
    outcome = Outcome()
    scratch = work / dist.normalised
    scratch.mkdir(parents=True, exist_ok=True)
    bin_dir = install(uv, wheel, scratch / "venv", links)
    outcome.checks.append(f"installed {wheel.name} with runtime dependencies only")
    for script in dist.scripts:
        help_everywhere(bin_dir, script, outcome)
        for commands in REAL_COMMANDS.get(script, []):
            commands(bin_dir, scratch, outcome)
    return outcome


def control(uv: Path, bin_dir: Path, work: Path) -> str:
    """The same checks without one runtime dependency must fail, or they prove nothing.

    Runs in the venv the checks passed in, once they are done: the dependency is uninstalled
    there, which is the install a missing `[project].dependencies` entry would give.
    """
    name, dropped = DROPPED_FOR_CONTROL
    python = bin_dir / "python"
    expect(run([python, "-c", f"import {dropped}"]), 0, f"control: {name} installs {dropped}")
    uninstall = run([uv, "pip", "uninstall", "--quiet", "--python", python, dropped])
    expect(uninstall, 0, f"control: uninstalling {dropped}")
    scratch = work / f"control-without-{dropped}"
    scratch.mkdir(parents=True, exist_ok=True)
    try:
        rooms_commands(bin_dir, scratch, Outcome())
    except SmokeFailure as failure:
        first = str(failure).splitlines()[0]
        return f"control: {name} without {dropped} fails as it must ({first})"
    raise SmokeFailure(f"control: {name} without {dropped} passed: the smoke checks prove nothing")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--uv", type=Path, required=True, help="the uv executable")
    parser.add_argument("--work", type=Path, required=True, help="scratch folder (emptied)")
    args = parser.parse_args(argv)
    work: Path = args.work.resolve()
    shutil.rmtree(work, ignore_errors=True)
    (work / "dist").mkdir(parents=True)
    found = distributions(ROOT)
    started = time.monotonic()
    print(f"distributions: {', '.join(f'{d.name} ({d.directory.name})' for d in found)}")
    try:
        with ThreadPoolExecutor(max_workers=len(found)) as pool:
            built = list(pool.map(lambda d: build(args.uv, d, work / "dist"), found))
        for wheel, sdist in built:
            print(f"built {sdist.name} and {wheel.name}")
        print(f"built in {time.monotonic() - started:.0f} s")
        links = sorted({wheel.parent for wheel, _ in built})
        with ThreadPoolExecutor(max_workers=len(found)) as pool:
            outcomes = list(
                pool.map(
                    lambda pair: smoke(args.uv, pair[0], pair[1][0], links, work),
                    zip(found, built, strict=True),
                )
            )
        for dist, outcome in zip(found, outcomes, strict=True):
            for check in outcome.checks:
                print(f"ok  {dist.name}: {check}")
        print(f"installed and exercised in {time.monotonic() - started:.0f} s")
        rooms_dist = next(d for d in found if d.name == DROPPED_FOR_CONTROL[0])
        print(control(args.uv, work / rooms_dist.normalised / "venv" / "bin", work))
        print(f"done in {time.monotonic() - started:.0f} s")
    except SmokeFailure as failure:
        print(f"FAILED: {failure}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
