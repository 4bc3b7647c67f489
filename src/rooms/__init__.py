"""rooms: a contract-first room-listing service and the harness that keeps its contracts honest."""

from __future__ import annotations

__version__ = "0.1.0"
