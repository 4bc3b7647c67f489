"""Bundles the repository's contracts into rooms_events/_contracts at build time.

Building from the repository, `../contracts` exists and is copied in (into both the wheel
and the sdist); building a wheel from an sdist, the copy is already inside src/ and the
wheel's package folder carries it. Nothing is kept in two copies in git.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

BUNDLED = ("avro", "asyncapi.yaml", "samples")


class CustomBuildHook(BuildHookInterface):  # type: ignore[type-arg]
    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        contracts = Path(self.root).parent / "contracts"
        if version == "editable" or not contracts.is_dir():
            # editable: the package finds ../contracts itself; an sdist: the copy came inside it
            return
        inside = "rooms_events/_contracts"
        prefix = inside if self.target_name == "wheel" else f"src/{inside}"
        for name in BUNDLED:
            source = contracts / name
            if source.exists():
                build_data["force_include"][str(source)] = f"{prefix}/{name}"
