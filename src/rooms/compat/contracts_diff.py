"""`rooms contracts diff`: both contracts of two versions compared, one report in text or JSON."""

from __future__ import annotations

import datetime as dt
import importlib
import json
import tempfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from rooms.compat.asyncapi_contracts_diff import asyncapi_tree_changes
from rooms.compat.avro_contracts_diff import PairCheck, diff_avro_versions, stored_versions
from rooms.compat.change_report import Change, Severity, sort_changes, worst_severity
from rooms.compat.contracts_source import ContractTree, contract_tree
from rooms.compat.openapi_diff import diff_openapi
from rooms.compat.openapi_document import load_openapi
from rooms.compat.openapi_resolve import SpecError

# Compares the Avro schemas of two versions (the base's folder, None when it had none, and
# the head's). The installed one lists versions with the schema store and asks the evolution
# checker about each new version; tests pass their own.
AvroCheck = Callable[[Path | None, Path], list[Change]]

AVRO_CHECKER_MODULE = "rooms.compat.avro_evolution"
AVRO_PAIR_FUNCTION = "incompatibilities"
AVRO_UNCHECKED_NOTE = (
    f"new Avro versions are not checked against earlier ones: {AVRO_CHECKER_MODULE}."
    f"{AVRO_PAIR_FUNCTION} is not in this build (released versions are still guarded against "
    "edits and deletion)"
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


def installed_pair_check() -> PairCheck | None:
    """The evolution checker's verdict on one pair of versions, or None while it is absent."""
    try:
        module = importlib.import_module(AVRO_CHECKER_MODULE)
    except ModuleNotFoundError as error:
        if error.name != AVRO_CHECKER_MODULE:
            raise  # the checker is there but cannot import: that must fail loudly
        return None
    # The checker's entry point for one pair: (earlier schema, new schema, mode) -> reasons.
    check: PairCheck | None = getattr(module, AVRO_PAIR_FUNCTION, None)
    return check


def installed_avro_check(pair_check: PairCheck | None) -> AvroCheck:
    def check(base: Path | None, head: Path) -> list[Change]:
        return diff_avro_versions(stored_versions(base), stored_versions(head), pair_check)

    return check


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
        # Both sides validated under the version each declares before anything is compared.
        old, new = load_openapi(base.openapi), load_openapi(head.openapi)
        return diff_openapi(old.content, new.content, today)
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
    changes += asyncapi_tree_changes(base, head, today)
    notes: list[str] = []
    if head.avro is not None:
        if avro_check is None:
            notes.append("Avro schemas not compared: no Avro comparison was given")
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
    notes: list[str] = []
    if avro_check is None and use_installed_avro_check:
        pair_check = installed_pair_check()
        if pair_check is None:
            notes.append(AVRO_UNCHECKED_NOTE)
        avro_check = installed_avro_check(pair_check)
    with tempfile.TemporaryDirectory(prefix="rooms-contracts-") as scratch:
        base_tree = contract_tree(base, repo, Path(scratch, "base"))
        if head is None:
            if repo is None:
                raise ValueError("no HEAD given and no git repository: name both versions")
            head_tree = ContractTree.from_directory("working tree", repo / "contracts")
        else:
            head_tree = contract_tree(head, repo, Path(scratch, "head"))
        report = diff_trees(
            base_tree,
            head_tree,
            today=today or dt.datetime.now(dt.UTC).date(),
            avro_check=avro_check,
        )
    report.notes[:0] = notes
    return report
