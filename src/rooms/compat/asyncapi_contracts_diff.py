"""The AsyncAPI part of `rooms contracts diff`: the documents of two versions, each read with
its own version's Avro files, compared; a document missing on one side is said so."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from rooms.compat.asyncapi_diff import diff_asyncapi
from rooms.compat.asyncapi_model import AsyncApiError, load_asyncapi
from rooms.compat.asyncapi_payload import contract_file_loader
from rooms.compat.change_report import Change, Severity
from rooms.compat.contracts_source import AVRO_DIR, ContractTree


def diff_asyncapi_files(
    old: Path,
    new: Path,
    *,
    old_avro: Path | None = None,
    new_avro: Path | None = None,
    today: dt.date | None = None,
) -> list[Change]:
    """Both documents read from disk, payload `$ref`s resolved against their own version's files."""
    return diff_asyncapi(
        load_asyncapi(old, contract_file_loader(old, old_avro)),
        load_asyncapi(new, contract_file_loader(new, new_avro)),
        today,
    )


def _avro_beside(tree: ContractTree) -> Path | None:
    """The Avro folder payload `$ref`s are read through: the version's own, or the one beside a
    document given on its own."""
    if tree.avro is not None or tree.asyncapi is None:
        return tree.avro
    beside = tree.asyncapi.parent / AVRO_DIR
    return beside if beside.is_dir() else None


def asyncapi_tree_changes(
    base: ContractTree, head: ContractTree, today: dt.date | None = None
) -> list[Change]:
    """The AsyncAPI part of `rooms contracts diff`: a document missing on one side is reported
    as a change of the whole contract, never compared as if empty."""
    if base.asyncapi is None and head.asyncapi is None:
        return []
    if head.asyncapi is None:
        return [
            Change(
                "asyncapi",
                Severity.BREAKING,
                "contract-removed",
                "asyncapi.yaml",
                f"the AsyncAPI contract is gone from {head.label}",
            )
        ]
    if base.asyncapi is None:
        return [
            Change(
                "asyncapi",
                Severity.INFO,
                "contract-added",
                "asyncapi.yaml",
                f"the AsyncAPI contract is new (not in {base.label}): nothing to compare it with",
            )
        ]
    try:
        return diff_asyncapi_files(
            base.asyncapi,
            head.asyncapi,
            old_avro=_avro_beside(base),
            new_avro=_avro_beside(head),
            today=today,
        )
    except RecursionError as error:
        raise AsyncApiError("the AsyncAPI documents are nested too deeply to compare") from error
