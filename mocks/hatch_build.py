"""Puts the rooms contract inside the wheel and the sdist as `rooms_mock/openapi.yaml`.

From the repository it comes from `../contracts/openapi.yaml` (the one source of truth, never
copied into the tree); the sdist carries it at `contracts/openapi.yaml`, so a wheel built from
the sdist (as `python -m build` and every index do) finds it there.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

_CANDIDATES = ("../contracts/openapi.yaml", "contracts/openapi.yaml")


class ContractHook(BuildHookInterface):  # type: ignore[type-arg]  # generic over its config
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        root = Path(self.root)
        found = next((root / c for c in _CANDIDATES if (root / c).is_file()), None)
        if found is None:
            raise FileNotFoundError(
                f"the rooms contract is in none of {', '.join(_CANDIDATES)} under {root}"
            )
        in_wheel = self.target_name == "wheel"
        target = "rooms_mock/openapi.yaml" if in_wheel else "contracts/openapi.yaml"
        build_data["force_include"][str(found.resolve())] = target
