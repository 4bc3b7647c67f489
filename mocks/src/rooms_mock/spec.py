"""Loading an OpenAPI 3 document (YAML or JSON) and following its local `$ref`s."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import yaml

from rooms_mock.spec_31 import is_31, to_30_dialect
from rooms_mock.spec_errors import SpecError
from rooms_mock.spec_refs import Bundler

__all__ = ["RefResolver", "SpecError", "bundled_spec_path", "default_spec_path", "load_spec"]

_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _JsonCompatibleLoader(_Loader):  # type: ignore[valid-type,misc]
    """YAML as JSON sees it: an unquoted date stays a string, as it would be on the wire."""


_JsonCompatibleLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _Loader.yaml_implicit_resolvers.items()
}


SPEC_ENVIRONMENT_VARIABLE = "ROOMS_MOCK_SPEC"


def bundled_spec_path() -> Path:
    """The rooms contract: the copy shipped in the wheel, else the checkout's (editable install)."""
    for candidate in (
        Path(__file__).with_name("openapi.yaml"),
        Path(__file__).resolve().parents[3] / "contracts" / "openapi.yaml",
    ):
        if candidate.is_file():
            return candidate
    raise SpecError("the bundled rooms contract is missing from this install; pass a spec's path")


def default_spec_path() -> Path:
    """`$ROOMS_MOCK_SPEC` if set, else the bundled rooms contract.

    Never a file that happens to sit in the working directory: a consumer repository that keeps
    its own contract at `contracts/openapi.yaml` must not get its own API mocked by surprise.
    """
    chosen = os.environ.get(SPEC_ENVIRONMENT_VARIABLE)
    if chosen:
        path = Path(chosen)
        if not path.is_file():
            raise SpecError(f"{SPEC_ENVIRONMENT_VARIABLE}={chosen} is not a file")
        return path
    return bundled_spec_path()


def _load_yaml(text: str) -> Any:
    return yaml.load(text, Loader=_JsonCompatibleLoader)  # noqa: S506 (a safe loader)


def load_spec(path: Path | str) -> dict[str, Any]:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise SpecError(f"cannot read {path}: {error}") from None
    try:
        document = (
            json.loads(text)
            if path.suffix == ".json"
            else yaml.load(text, Loader=_JsonCompatibleLoader)  # noqa: S506 (a safe loader)
        )
    except (ValueError, yaml.YAMLError) as error:
        raise SpecError(f"{path} is not valid YAML or JSON: {error}") from None
    if isinstance(document, dict) and "swagger" in document:
        raise SpecError(
            f"{path} is Swagger {document['swagger']}; rooms-mock serves OpenAPI 3. Convert it "
            f"first, e.g. `npx swagger2openapi {path} -o openapi.yaml` (or converter.swagger.io)"
        )
    if not isinstance(document, dict) or not str(document.get("openapi", "")).startswith("3."):
        raise SpecError(f"{path} is not an OpenAPI 3 document (no `openapi: 3.x` member)")
    if not isinstance(document.get("paths"), dict):
        raise SpecError(f"{path} has no `paths`")
    document = Bundler(document, path, _load_yaml).bundle()
    return to_30_dialect(document) if is_31(document) else document


class RefResolver:
    """Follows `#/...` references inside one document; resolved nodes are the document's own."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document

    def pointer(self, ref: str) -> Any:
        if not ref.startswith("#"):
            raise SpecError(f"only local references are supported, not {ref!r}")
        node: Any = self.document
        for raw in ref[1:].split("/")[1:]:
            part = raw.replace("~1", "/").replace("~0", "~")
            try:
                node = node[int(part)] if isinstance(node, list) else node[part]
            except (KeyError, IndexError, ValueError, TypeError):
                raise SpecError(f"$ref {ref!r} leads nowhere") from None
        return node

    def resolve(self, node: Any) -> Any:
        """The node a (chain of) `$ref` points at; any other node as it is."""
        seen = 0
        while isinstance(node, dict) and isinstance(node.get("$ref"), str):
            node = self.pointer(node["$ref"])
            seen += 1
            if seen > 50:
                raise SpecError("a $ref chain loops")
        return node
