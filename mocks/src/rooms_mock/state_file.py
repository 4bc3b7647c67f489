"""`--state FILE`: the stateful store's starting items, as `GET /__mock__/state` dumps them.

Checked whole before the mock starts: a file the mock cannot read is refused naming the first
thing wrong, never half served.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rooms_mock.inference import Inference


class StateError(Exception):
    """A state file the store cannot take: which collection or item, and why."""


def read_state(path: Path | str, inference: Inference) -> dict[str, list[dict[str, Any]]]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as error:
        raise StateError(f"cannot read {path}: {error}") from None
    except ValueError as error:
        raise StateError(f"{path} is not JSON: {error}") from None
    return check_state(data, inference, str(path))


def check_state(data: Any, inference: Inference, source: str) -> dict[str, list[dict[str, Any]]]:
    by_collection = {r.collection: r for r in inference.resources}
    if not isinstance(data, dict):
        raise StateError(f"{source}: want an object of collection paths to lists of items")
    for collection, items in data.items():
        resource = by_collection.get(collection)
        if resource is None:
            known = ", ".join(by_collection) or "none (no resource was inferred)"
            raise StateError(f"{source}: {collection!r} is not a collection; known: {known}")
        if not isinstance(items, list):
            raise StateError(f"{source}: {collection} must be a list of items")
        seen: set[str] = set()
        for index, item in enumerate(items):
            where = f"{source}: {collection}[{index}]"
            if not isinstance(item, dict) or resource.id_member not in item:
                raise StateError(f"{where} has no {resource.id_member!r}")
            broken = resource.item_validator.violations(item, where="body")
            if broken:
                first = broken[0]
                raise StateError(f"{where} breaks the contract: {first.location} {first.message}")
            key = str(item[resource.id_member])
            if key in seen:
                raise StateError(f"{where} repeats {resource.id_member} {key}")
            seen.add(key)
    return data
