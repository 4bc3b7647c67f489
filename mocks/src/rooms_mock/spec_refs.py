"""Every `$ref` of a spec checked at load, and the ones into other files brought in.

A multi-file spec (`$ref: ./schemas/room.yaml#/Room`, `$ref: common.yaml`) becomes one
document: each node referenced in another file is copied in once (under `components/schemas`
when it is used as a schema, so validators find it, else under `x-rooms-mock-bundled`) and the
reference rewritten to point at the copy. A `$ref` that leads nowhere is one line naming it,
where it is, and in which file.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import yaml

from rooms_mock.spec_errors import SpecError

BUNDLED = "x-rooms-mock-bundled"
# Keys under which everything is a schema (or a map of them).
_SCHEMA_KEYS = frozenset({"schema", "schemas"})


def _pointer(document: Any, fragment: str, ref: str, where: str) -> Any:
    node = document
    for raw in fragment.lstrip("/").split("/") if fragment.strip("/") else []:
        part = raw.replace("~1", "/").replace("~0", "~")
        try:
            node = node[int(part)] if isinstance(node, list) else node[part]
        except (KeyError, IndexError, ValueError, TypeError):
            raise SpecError(f"$ref {ref!r} at {where} leads nowhere") from None
    return node


class Bundler:
    def __init__(self, document: dict[str, Any], path: Path, loader: Any) -> None:
        self.document = document
        self.main = path.resolve()
        self._load = loader
        self._files: dict[Path, Any] = {self.main: document}
        self._done: dict[tuple[Path, str], str] = {}

    def bundle(self) -> dict[str, Any]:
        self._walk(self.document, self.main, in_schema=False, where="#")
        return self.document

    def _file(self, path: Path, ref: str, where: str) -> Any:
        if path not in self._files:
            try:
                text = path.read_text(encoding="utf-8")
            except OSError as error:
                raise SpecError(
                    f"$ref {ref!r} at {where}: cannot read {path}: {error.strerror}"
                ) from None
            try:
                self._files[path] = json.loads(text) if path.suffix == ".json" else self._load(text)
            except (ValueError, yaml.YAMLError) as error:
                first = str(error).splitlines()[0]
                raise SpecError(
                    f"$ref {ref!r} at {where}: {path} is not YAML or JSON: {first}"
                ) from None
        return self._files[path]

    def _walk(self, node: Any, file: Path, *, in_schema: bool, where: str) -> None:
        if isinstance(node, list):
            for index, item in enumerate(node):
                self._walk(item, file, in_schema=in_schema, where=f"{where}/{index}")
            return
        if not isinstance(node, dict):
            return
        ref = node.get("$ref")
        if isinstance(ref, str):
            node["$ref"] = self._reference(ref, file, in_schema, where)
        for key, value in list(node.items()):  # bundling may add to the node being walked
            if key != "$ref":
                inner = in_schema or key in _SCHEMA_KEYS
                escaped = str(key).replace("~", "~0").replace("/", "~1")
                self._walk(value, file, in_schema=inner, where=f"{where}/{escaped}")

    def _reference(self, ref: str, file: Path, in_schema: bool, where: str) -> str:
        file_part, _, fragment = ref.partition("#")
        shown = where if file == self.main else f"{where} in {file.name}"
        target = (file.parent / file_part).resolve() if file_part else file
        document = self._file(target, ref, shown)
        node = _pointer(document, fragment, ref, shown)
        if target == self.main:
            return f"#{fragment}"
        key = (target, fragment)
        if key not in self._done:
            section = "schemas" if in_schema else BUNDLED
            stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", f"{target.stem}{fragment}").strip("_")
            name = stem or "root"
            home = self._home(section)
            while name in home:
                name += "_"
            self._done[key] = f"{section}/{name}"
            copied = copy.deepcopy(node)
            home[name] = copied
            self._walk(copied, target, in_schema=in_schema, where=f"#{fragment}")
        section, name = self._done[key].split("/", 1)
        if section == "schemas":
            return f"#/components/schemas/{name}"
        return f"#/{BUNDLED}/{name}"

    def _home(self, section: str) -> dict[str, Any]:
        if section == "schemas":
            components = self.document.setdefault("components", {})
            return components.setdefault("schemas", {})  # type: ignore[no-any-return]
        return self.document.setdefault(BUNDLED, {})  # type: ignore[no-any-return]
