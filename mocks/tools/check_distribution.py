"""Builds rooms-mock's sdist and wheel, installs the wheel in a clean environment and runs the
tests the sdist carries there, far from this checkout: what a platform team publishing it to an
internal index would see.

    python mocks/tools/check_distribution.py [--keep]

Uses `uv` when it is on PATH (seconds), else `python -m build`, venv and pip (slower).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

MOCKS = Path(__file__).resolve().parents[1]
# The sdist's tests that need nothing beyond the wheel, pytest, jsonschema and
# responses; the schemathesis runs (test_mock_contract.py) stay in `nox -s mock`.
TESTS = (
    "test_mock_defaults.py",
    "test_mock_paging.py",
    "test_mock_static.py",
    "test_mock_stateful.py",
    "test_mock_responses_fixture.py",
    "test_mock_strict.py",
    "test_mock_compose.py",
    "test_mock_specs.py",
    "test_mock_fidelity.py",
)
TEST_DEPENDENCIES = ("pytest>=8", "jsonschema>=4", "responses>=0.25")


def _run(*args: str | Path, cwd: Path | None = None) -> None:
    print("+", " ".join(str(a) for a in args), flush=True)
    subprocess.run([str(a) for a in args], check=True, cwd=cwd, timeout=600)  # noqa: S603


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="rooms-mock-dist-"))
    uv = shutil.which("uv")
    try:
        dist = work / "dist"
        if uv:
            _run(uv, "build", MOCKS, "--out-dir", dist)  # the wheel is built from the sdist
        else:
            _run(sys.executable, "-m", "build", MOCKS, "--outdir", dist)
        [sdist] = dist.glob("rooms_mock-*.tar.gz")
        [wheel] = dist.glob("rooms_mock-*.whl")
        env = work / "clean"
        if uv:
            _run(uv, "venv", "--quiet", "--python", sys.executable, env)
            _run(
                uv,
                "pip",
                "install",
                "--quiet",
                "--python",
                env,
                wheel,
                *TEST_DEPENDENCIES,
            )
        else:
            _run(sys.executable, "-m", "venv", env)
            pip = (env / "bin" / "python", "-m", "pip", "install", "-q")
            _run(*pip, wheel, *TEST_DEPENDENCIES)
        with tarfile.open(sdist) as archive:
            archive.extractall(work / "src", filter="data")
        [unpacked] = (work / "src").iterdir()
        python = env / "bin" / "python"
        # The contract must come from the wheel, not from a checkout that happens to be near.
        _run(
            python,
            "-c",
            "from rooms_mock.spec import bundled_spec_path as b; p = b(); "
            "assert 'site-packages' in str(p), p; print('bundled contract:', p)",
            cwd=work,
        )
        _run(env / "bin" / "rooms-mock", "--version", cwd=work)
        tests = [unpacked / "tests" / name for name in TESTS]
        _run(python, "-m", "pytest", "-q", "-p", "no:cacheprovider", *tests, cwd=unpacked)
    finally:
        if "--keep" in sys.argv:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
