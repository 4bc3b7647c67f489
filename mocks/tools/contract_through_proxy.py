"""The repo's contract suite run through `rooms-mock proxy` against the real service: every
response the service gives the suite must keep the spec, as the proxy checks it.

    python mocks/tools/contract_through_proxy.py [PYTEST TARGETS...]

Starts `rooms serve` on a fresh SQLite database and `rooms-mock proxy` in front of it, runs
the suite (default: tests/contract/test_operations.py) in URL mode against the proxy, then
reads the proxy's journal: any response violation fails the run, naming it. Run by
`nox -s mock-proxy` (not a default session: about two minutes on two cores).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import urllib.request
from contextlib import ExitStack
from pathlib import Path

from processes import BIN, free_port, start, start_service

ROOT = Path(__file__).resolve().parents[2]
KEY = "proxy-contract-key"


def main() -> None:
    targets = sys.argv[1:] or ["tests/contract/test_operations.py"]
    proxy = free_port()
    with ExitStack() as stack, tempfile.TemporaryDirectory() as work:
        upstream = start_service(stack, Path(work), KEY)
        spec = str(ROOT / "contracts" / "openapi.yaml")
        command = [str(BIN / "rooms-mock"), "proxy", spec, upstream, "--port", str(proxy), "-qq"]
        start(stack, command, proxy, {})
        url = f"http://127.0.0.1:{proxy}"
        suite = subprocess.run(  # noqa: S603 (pytest on the repo's own suite)
            [sys.executable, "-m", "pytest", "-q", *targets, "--base-url", url, "--api-key", KEY],
            cwd=ROOT,
            timeout=900,
            check=False,
        )
        with urllib.request.urlopen(f"{url}/__mock__/requests", timeout=30) as answer:  # noqa: S310 (our own proxy)
            journal = json.load(answer)
    broken = [
        f"{entry['method']} {entry['path']} -> {entry['status']}: "
        f"{v['location']}: {v['rule']}: {v['message']}"
        for entry in journal
        for v in entry["violations"]
        if v["in"] == "response"
    ]
    print(f"through the proxy: {len(journal)} requests, {len(broken)} response violations")
    for line in broken[:50]:
        print(f"  {line}")
    if broken or suite.returncode != 0:
        sys.exit(1)


if __name__ == "__main__":
    main()
