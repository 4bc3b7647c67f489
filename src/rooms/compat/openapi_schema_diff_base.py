"""What every schema keyword comparison shares: both documents, where rules are reported, and
the walk back into `compare` for nested schemas."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from rooms.compat.change_report import Severity
from rooms.compat.openapi_resolve import Node, Resolver
from rooms.compat.openapi_schema_model import Direction, Emit


@dataclass
class SchemaDiffBase:
    """Walks two schemas side by side and reports each difference through `emit`."""

    old: Resolver
    new: Resolver
    emit: Emit
    today: dt.date  # sunsets of deprecated properties are judged against it
    # Pairs of (old schema, new schema, direction) being compared further up: meeting one again
    # means a recursive schema has come round, and everything below was already compared.
    _active: set[tuple[int, int, Direction]] = field(default_factory=set)

    def compare(
        self, old_node: Node, new_node: Node, direction: Direction, path: str = "$"
    ) -> None:
        raise NotImplementedError  # SchemaDiffer walks; the keyword mixins only call it

    def _report(
        self,
        direction: Direction,
        breaks_when: Direction | None,
        rule: str,
        path: str,
        message: str,
        *,
        otherwise: Severity = Severity.INFO,
        severity: Severity = Severity.BREAKING,
    ) -> None:
        """Emit `rule`, at `severity` if the direction is `breaks_when`, else at `otherwise`."""
        chosen = severity if direction is breaks_when else otherwise
        self.emit(chosen, f"{direction}-{rule}", path, message)
