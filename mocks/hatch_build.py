"""Bundle the rooms contract into the mock's sdist and wheel, whichever tree they are built from.

A static `force-include` of `../contracts/openapi.yaml` works from the repository but not
from the sdist (unpacked alone, it has no `..`): the sdist carries the contract at
`contracts/openapi.yaml`, and the wheel takes it from there or from the repository.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

_BUNDLED_AS = {"sdist": "contracts/openapi.yaml", "wheel": "rooms_mock/openapi.yaml"}


class ContractHook(BuildHookInterface):  # type: ignore[misc]
    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        root = Path(self.root)
        for candidate in (
            root.parent / "contracts" / "openapi.yaml",
            root / "contracts" / "openapi.yaml",
        ):
            if candidate.is_file():
                build_data["force_include"][str(candidate)] = _BUNDLED_AS[self.target_name]
                return
        raise FileNotFoundError(
            f"rooms-mock bundles the rooms contract, and there is none at {root.parent}/contracts "
            f"or {root}/contracts"
        )
