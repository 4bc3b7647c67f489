"""Reading an OpenAPI document the guards may trust: parsed, its version read from it, validated.

Nothing is compared or checked against a document until openapi-spec-validator has accepted
it under the version it declares. A document that is unreadable, invalid, or of a version the
guards do not judge (Swagger 2.0, OpenAPI 3.2) is refused with a `DocumentRefused`: the file,
its declared version and the first errors with their JSON paths.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator

from rooms.compat.openapi_resolve import Node, SpecError

# The first errors are enough to act on; a broken document can have thousands.
MAX_ERRORS = 5
SWAGGER_CONVERTER = (
    "convert it to OpenAPI 3 first, e.g. `npx swagger2openapi FILE -o openapi.yaml` "
    "(or https://converter.swagger.io), then compare the converted documents"
)
_VALIDATORS: dict[str, Any] = {"3.0": OpenAPIV30SpecValidator, "3.1": OpenAPIV31SpecValidator}
_VERSION = re.compile(r"^(\d+)\.(\d+)\.\d+(-.+)?$")


@dataclass(frozen=True)
class Problem:
    """One reason a document is refused, where it is (a JSON path, `$` for the whole)."""

    path: str
    message: str

    def as_json(self) -> dict[str, str]:
        return {"path": self.path, "message": self.message}


class DocumentRefused(SpecError):
    """The document cannot be judged; the guards say so instead of answering anyway."""

    def __init__(self, file: Path | str, declared: str | None, problems: list[Problem]) -> None:
        self.file, self.declared, self.problems = str(file), declared, problems
        super().__init__(str(self))

    def __str__(self) -> str:
        version = f"declares {self.declared}" if self.declared else "declares no version"
        lines = [f"{self.file}: refused ({version})"]
        lines += [f"  {problem.path}: {problem.message}" for problem in self.problems]
        return "\n".join(lines)

    def as_json(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "declared_version": self.declared,
            "errors": [problem.as_json() for problem in self.problems],
        }


@dataclass(frozen=True)
class OpenApiDocument:
    """A validated document: `version` is the minor line the guards judge it by ("3.0", "3.1")."""

    path: Path
    declared: str
    version: str
    content: dict[str, Node]


def read_structured(path: Path, what: str) -> Any:
    """YAML or JSON from `path` (JSON is YAML), or a refusal naming the parse error."""
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except RecursionError as error:
        raise DocumentRefused(path, None, [Problem("$", "nested too deeply to read")]) from error
    except (OSError, UnicodeDecodeError) as error:
        raise DocumentRefused(
            path, None, [Problem("$", f"cannot read the {what}: {error}")]
        ) from error
    except yaml.YAMLError as error:
        where = getattr(error, "problem_mark", None)
        at = f" (line {where.line + 1}, column {where.column + 1})" if where else ""
        problem = Problem("$", f"not YAML or JSON{at}: {getattr(error, 'problem', error)}")
        raise DocumentRefused(path, None, [problem]) from error


def declared_version(document: Mapping[str, Node]) -> tuple[str | None, str | None]:
    """(the declared version as written, the minor line the guards support or None)."""
    if "swagger" in document:
        return f"Swagger {document['swagger']}", None
    declared = document.get("openapi")
    if not isinstance(declared, str):
        return (None if declared is None else repr(declared)), None
    match = _VERSION.match(declared)
    line = f"{match.group(1)}.{match.group(2)}" if match else None
    return f"OpenAPI {declared}", line if line in _VALIDATORS else None


def load_openapi(path: Path) -> OpenApiDocument:
    """The document at `path`, validated under the version it declares, or DocumentRefused."""
    document = read_structured(path, "OpenAPI document")
    if not isinstance(document, dict):
        kind = type(document).__name__
        raise DocumentRefused(path, None, [Problem("$", f"a document is a mapping, not {kind}")])
    declared, line = declared_version(document)
    if "swagger" in document:
        problem = Problem("$.swagger", f"Swagger 2.0 is not compared; {SWAGGER_CONVERTER}")
        raise DocumentRefused(path, declared, [problem])
    if declared is None:
        raise DocumentRefused(path, None, [Problem("$", "no `openapi` member: not OpenAPI 3")])
    if line is None:
        supported = ", ".join(f"{minor}.x" for minor in _VALIDATORS)
        problem = Problem(
            "$.openapi", f"{declared} is not a version the guard judges ({supported})"
        )
        raise DocumentRefused(path, declared, [problem])
    problems = list(_first_errors(_VALIDATORS[line](document).iter_errors()))
    if problems:
        raise DocumentRefused(path, declared, problems)
    return OpenApiDocument(path, str(document["openapi"]), line, document)


def _first_errors(errors: Iterator[Any]) -> Iterator[Problem]:
    found = 0
    try:
        for error in errors:
            yield Problem(str(error.json_path), str(error.message).splitlines()[0])
            found += 1
            if found == MAX_ERRORS:
                return
    except RecursionError:
        yield Problem("$", "nested too deeply to validate")
    except Exception as error:
        # openapi-spec-validator's semantic pass can trip over a structure its schema pass
        # already reported (a `responses` that is a string); what it reported stands. With
        # nothing reported, the document is still refused: it could not be validated.
        if found:
            return
        ref = getattr(error, "ref", None)  # referencing's Unresolvable: a $ref to nowhere
        if isinstance(ref, str):
            yield Problem("$", f"$ref {ref!r} points at nothing")
        else:
            detail = str(error)[:200]
            yield Problem("$", f"the validator could not read it: {type(error).__name__}: {detail}")
