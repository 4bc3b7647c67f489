"""Running the schemathesis CLI against a URL with the suite's settings, seed and report."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from rooms.contract_files import openapi_path

CONFIG = Path(__file__).with_name("schemathesis.toml")
SEED = "20261124"
ROOT = Path(__file__).resolve().parents[2]
REPORTS = ROOT / "reports"


def run_schemathesis(
    url: str, api_key: str, workdir: Path, *args: str, record: bool = False
) -> subprocess.CompletedProcess[str]:
    """With `record`, the exchanges join the coverage report (a target by URL only: the
    in-process app records itself)."""
    env = dict(os.environ)
    env.pop("SCHEMATHESIS_HOOKS", None)
    if record:
        env["SCHEMATHESIS_HOOKS"] = "tests.contract_coverage.schemathesis_hooks"
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    command = shutil.which("schemathesis") or str(Path(sys.executable).with_name("schemathesis"))
    seed = [] if os.environ.get("ROOMS_CONTRACT_PROFILE") == "fuzz" else ["--seed", SEED]
    return subprocess.run(
        [
            command,
            "--config-file",
            str(CONFIG),
            "run",
            str(openapi_path()),
            "--url",
            url,
            "-H",
            f"X-API-Key: {api_key}",
            "--no-color",
            "--report",
            "junit",
            "--report-dir",
            str(REPORTS),
            *seed,
            *args,
        ],
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
        env=env,
    )
