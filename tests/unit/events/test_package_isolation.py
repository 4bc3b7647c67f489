"""rooms-events stands alone: importing it loads nothing of the service or its stack."""

from __future__ import annotations

import json
import subprocess
import sys

SERVICE_STACK = ("rooms", "flask", "sqlalchemy", "connexion", "pika", "alembic", "injector")
PUBLIC_MODULES = ("rooms_events", "rooms_events.strategies")


def loaded_after_importing(*modules: str) -> set[str]:
    """The top-level packages a fresh interpreter has loaded after importing `modules`."""
    script = (
        "import json, sys\n"
        + "".join(f"import {module}\n" for module in modules)
        + "print(json.dumps(sorted({name.split('.')[0] for name in sys.modules})))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    return set(json.loads(result.stdout))


def test_importing_the_codec_loads_none_of_the_service_stack() -> None:
    loaded = loaded_after_importing(*PUBLIC_MODULES)
    assert "rooms_events" in loaded
    assert not loaded & set(SERVICE_STACK), f"rooms_events pulled in {loaded & set(SERVICE_STACK)}"


def test_the_check_sees_a_service_import() -> None:
    # The same probe must notice the stack when something does import it.
    assert {"rooms", "sqlalchemy"} <= loaded_after_importing("rooms_events", "rooms.adapters.orm")
