"""`rooms contracts diff`: both contracts of two versions compared, one report in text or JSON."""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from rooms.compat.change_report import Change, Severity, sort_changes, worst_severity
from rooms.compat.contracts_source import ContractTree, contract_tree
from rooms.compat.openapi_diff import diff_openapi
from rooms.compat.openapi_resolve import SpecError, load_document

# Compares the Avro schemas of two versions (the base's folder, None when it had none, and
# the head's). Built from the schema store (which versions exist, with their declared modes)
# and the evolution checker (whether one version may follow another); see installed_avro_check.
AvroCheck = Callable[[Path | None, Path], list[Change]]

AVRO_MISSING_NOTE = (
    "Avro schemas not compared: the schema store and the evolution checker "
    "(rooms.compat.avro_evolution) are not both in this build"
)


@dataclass
class DiffReport:
    base: str
    head: str
    changes: list[Change]
    # What was not compared, and why: shown in every output so a skipped part is never silent.
    notes: list[str] = field(default_factory=list)

    @property
    def verdict(self) -> str:
        worst = worst_severity(self.changes)
        if worst is Severity.BREAKING:
            return "breaking"
        if worst is Severity.WARNING:
            return "warning"
        return "compatible" if self.changes else "unchanged"

    def fails(self, fail_on: Severity) -> bool:
        ranks = {Severity.BREAKING: 0, Severity.WARNING: 1, Severity.INFO: 2}
        return any(ranks[c.severity] <= ranks[fail_on] for c in self.changes)

    def counts(self) -> dict[str, int]:
        counted = Counter(change.severity for change in self.changes)
        return {severity.value: counted.get(severity, 0) for severity in Severity}

    def as_json(self) -> str:
        return json.dumps(
            {
                "base": self.base,
                "head": self.head,
                "verdict": self.verdict,
                "counts": self.counts(),
                "changes": [change.as_json() for change in self.changes],
                "notes": self.notes,
            },
            indent=2,
        )

    def as_text(self) -> str:
        lines = [f"contracts diff {self.base} -> {self.head}"]
        for change in self.changes:
            lines.append(f"{change.severity.upper():9} {change.contract:8} {change.rule}")
            lines.append(f"{'':18} at {change.location}")
            lines.append(f"{'':18} {change.message}")
        lines += [f"note: {note}" for note in self.notes]
        counts = ", ".join(f"{n} {severity}" for severity, n in self.counts().items())
        lines.append(f"verdict: {self.verdict} ({counts})")
        return "\n".join(lines)


def installed_avro_check() -> AvroCheck | None:
    """The Avro comparison wired to the project's schema store and checker, once both exist."""
    return None


def _openapi_changes(base: ContractTree, head: ContractTree, today: dt.date) -> list[Change]:
    if base.openapi is None and head.openapi is None:
        return []
    if head.openapi is None:
        return [
            Change(
                "openapi",
                Severity.BREAKING,
                "contract-removed",
                "openapi.yaml",
                "the OpenAPI contract is gone",
            )
        ]
    if base.openapi is None:
        return [
            Change(
                "openapi",
                Severity.INFO,
                "contract-added",
                "openapi.yaml",
                "the OpenAPI contract is new",
            )
        ]
    try:
        return diff_openapi(load_document(base.openapi), load_document(head.openapi), today)
    except RecursionError as error:
        # Schemas nested thousands deep are no contract anyone wrote; refuse them cleanly.
        raise SpecError("the OpenAPI documents are nested too deeply to compare") from error


def diff_trees(
    base: ContractTree,
    head: ContractTree,
    *,
    today: dt.date,
    avro_check: AvroCheck | None,
) -> DiffReport:
    changes = _openapi_changes(base, head, today)
    notes: list[str] = []
    if head.avro is not None:
        if avro_check is None:
            notes.append(AVRO_MISSING_NOTE)
        else:
            changes += avro_check(base.avro, head.avro)
    elif base.avro is not None:
        changes.append(
            Change(
                "avro", Severity.BREAKING, "contract-removed", "avro", "the Avro schemas are gone"
            )
        )
    return DiffReport(base.label, head.label, sort_changes(changes), notes)


def diff_contracts(
    base: str,
    head: str | None,
    *,
    repo: Path | None,
    today: dt.date | None = None,
    avro_check: AvroCheck | None = None,
    use_installed_avro_check: bool = True,
) -> DiffReport:
    """Compare `base` with `head` (each a git ref or a path); no head means the working tree."""
    if avro_check is None and use_installed_avro_check:
        avro_check = installed_avro_check()
    with tempfile.TemporaryDirectory(prefix="rooms-contracts-") as scratch:
        base_tree = contract_tree(base, repo, Path(scratch, "base"))
        if head is None:
            if repo is None:
                raise ValueError("no HEAD given and no git repository: name both versions")
            head_tree = ContractTree.from_directory("working tree", repo / "contracts")
        else:
            head_tree = contract_tree(head, repo, Path(scratch, "head"))
        return diff_trees(
            base_tree,
            head_tree,
            today=today or dt.datetime.now(dt.UTC).date(),
            avro_check=avro_check,
        )
