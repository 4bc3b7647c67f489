"""Where the event contracts are: bundled inside the installed package, or in the checkout."""

from __future__ import annotations

from pathlib import Path


def contracts_dir() -> Path:
    """The contracts: `rooms_events/_contracts` in a built package, else the repository's."""
    bundled = Path(__file__).with_name("_contracts")
    if bundled.is_dir():
        return bundled
    # An editable install or a checkout: events/src/rooms_events/ -> the repository root.
    return Path(__file__).resolve().parents[3] / "contracts"


def avro_dir() -> Path:
    """`contracts/avro/`: every published version of every Avro schema."""
    return contracts_dir() / "avro"


def asyncapi_path() -> Path:
    """`contracts/asyncapi.yaml`: the event transport contract."""
    return contracts_dir() / "asyncapi.yaml"


def samples_dir() -> Path:
    """`contracts/samples/`: one message body per AsyncAPI message example."""
    return contracts_dir() / "samples"
