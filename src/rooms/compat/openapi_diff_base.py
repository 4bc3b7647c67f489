"""The state every part of one OpenAPI comparison shares: both documents, the date sunsets are
judged on, and the changes found so far."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from rooms.compat.change_report import Change, Severity
from rooms.compat.openapi_resolve import Resolver
from rooms.compat.openapi_schema_diff import SchemaDiffer


@dataclass
class DiffBase:
    """One comparison of an earlier (`old`) and a later (`new`) document."""

    old: Resolver
    new: Resolver
    today: dt.date
    changes: list[Change] = field(default_factory=list)

    def emit(self, severity: Severity, rule: str, location: str, message: str) -> None:
        self.changes.append(Change("openapi", severity, rule, location, message))

    def schemas(self, where: str) -> SchemaDiffer:
        def emit_at(severity: Severity, rule: str, path: str, message: str) -> None:
            self.emit(severity, rule, where if path == "$" else f"{where} {path}", message)

        return SchemaDiffer(self.old, self.new, emit_at, self.today)
