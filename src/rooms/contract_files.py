"""Where the contracts are: inside the installed package, or in the source checkout."""

from __future__ import annotations

from pathlib import Path


def contracts_dir() -> Path:
    """The `contracts/` folder: bundled into wheels as `rooms/_contracts`, else the repo's."""
    bundled = Path(__file__).with_name("_contracts")
    if bundled.is_dir():
        return bundled
    return Path(__file__).resolve().parents[2] / "contracts"


def openapi_path() -> Path:
    return contracts_dir() / "openapi.yaml"
