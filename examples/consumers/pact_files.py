"""Where the consumer tests write their pacts: contracts/pacts/, committed with the code."""

from __future__ import annotations

from pathlib import Path

PACT_DIR = Path(__file__).resolve().parents[2] / "contracts" / "pacts"
PROVIDER = "rooms"
