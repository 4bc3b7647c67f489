"""The spec's operations compiled once: parameters, bodies, security, responses and examples.

Everything a request needs is looked up here by key, so serving a request never walks the spec.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rooms_mock.schemas import CompiledSchema, SchemaCompiler
from rooms_mock.spec import RefResolver, SpecError

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


@dataclass(slots=True)
class Parameter:
    name: str
    where: str  # path, query, header, cookie
    required: bool
    validator: CompiledSchema | None
    kind: str  # the schema's type: how a string from the wire is read
    item_kind: str
    explode: bool

    @property
    def key(self) -> str:
        return self.name.lower() if self.where == "header" else self.name


@dataclass(slots=True)
class RequestBody:
    required: bool
    # media type (lower case) -> validator; None where the body is not JSON or a form.
    media: dict[str, CompiledSchema | None]
    schemas: dict[str, Any]
    # form media type -> field -> (its type, its items' type): how the form's text is read.
    fields: dict[str, dict[str, tuple[str, str]]] = field(default_factory=dict)


@dataclass(slots=True)
class ResponseContent:
    media_type: str
    schema: Any
    validator: CompiledSchema | None
    examples: dict[str, Any]  # only the examples valid against the schema, in spec order
    invalid_examples: list[str]


@dataclass(slots=True)
class ResponseHeader:
    name: str
    required: bool
    schema: Any
    validator: CompiledSchema | None
    example: Any  # a valid example, or None


@dataclass(slots=True)
class ResponseSpec:
    key: str  # "200", "4XX" or "default"
    content: dict[str, ResponseContent]
    headers: dict[str, ResponseHeader]

    def first_content(self) -> ResponseContent | None:
        return next(iter(self.content.values()), None)


@dataclass(slots=True)
class SecurityCheck:
    scheme: str  # the scheme's name in components/securitySchemes
    kind: str  # apiKey, bearer, basic, authorization
    where: str  # header, query, cookie
    name: str  # the header, query parameter or cookie that carries it


@dataclass(slots=True)
class Operation:
    method: str
    path: str
    operation_id: str
    parameters: list[Parameter]
    body: RequestBody | None
    # Alternatives (any one suffices) of checks (all must pass); empty: no security.
    security: list[list[SecurityCheck]]
    responses: dict[str, ResponseSpec]
    success: str
    cache: dict[Any, Any] = field(default_factory=dict)

    def response_for(self, status: int) -> ResponseSpec | None:
        return (
            self.responses.get(str(status))
            or self.responses.get(f"{str(status)[0]}XX")
            or self.responses.get("default")
        )

    def documents(self, status: int) -> bool:
        return str(status) in self.responses or f"{str(status)[0]}XX" in self.responses

    def label(self) -> str:
        return f"{self.method:<7} {self.path}  {self.operation_id}"


def _schema_kind(resolver: RefResolver, schema: Any) -> str:
    schema = resolver.resolve(schema)
    if not isinstance(schema, dict):
        return "string"
    if "type" in schema:
        return str(schema["type"])
    for combinator in ("allOf", "anyOf", "oneOf"):
        for part in schema.get(combinator, []):
            kind = _schema_kind(resolver, part)
            if kind != "string":
                return kind
    return "string"


def is_json_media(media_type: str) -> bool:
    return media_type == "application/json" or media_type.endswith("+json")


def is_xml_media(media_type: str) -> bool:
    return media_type in ("application/xml", "text/xml") or media_type.endswith("+xml")


FORM_MEDIA = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})


class OperationCompiler:
    def __init__(self, document: dict[str, Any]) -> None:
        self.resolver = RefResolver(document)
        self.schemas = SchemaCompiler(self.resolver)
        self.document = document
        self.warnings: list[str] = []

    def compile_all(self) -> list[Operation]:
        operations = []
        for path, item in self.document["paths"].items():
            item = self.resolver.resolve(item)
            shared = item.get("parameters", [])
            for method in HTTP_METHODS:
                if isinstance(item.get(method), dict):
                    try:
                        operations.append(self._operation(path, method, item[method], shared))
                    except (
                        SpecError,
                        ValueError,
                    ) as error:  # ValueError: a schema jsonschema-rs refuses
                        # One unusable operation must not refuse the whole spec.
                        self.warnings.append(f"skipped {method.upper()} {path}: {error}")
        return operations

    def _operation(
        self, path: str, method: str, spec: dict[str, Any], shared: list[Any]
    ) -> Operation:
        operation_id = spec.get("operationId") or f"{method.upper()} {path}"
        parameters: dict[tuple[str, str], Parameter] = {}
        for raw in [*shared, *spec.get("parameters", [])]:
            parameter = self._parameter(self.resolver.resolve(raw))
            parameters[(parameter.where, parameter.name)] = parameter
        responses = {
            str(status): self._response(str(status), self.resolver.resolve(raw), operation_id)
            for status, raw in spec.get("responses", {}).items()
        }
        if not responses:
            raise SpecError(f"{operation_id} documents no response")
        successes = sorted(key for key in responses if key.startswith("2") and key.isdigit())
        success = successes[0] if successes else next(iter(responses))
        return Operation(
            method=method.upper(),
            path=path,
            operation_id=operation_id,
            parameters=list(parameters.values()),
            body=self._body(spec.get("requestBody")),
            security=self._security(spec.get("security", self.document.get("security", []))),
            responses=responses,
            success=success,
        )

    def _parameter(self, spec: dict[str, Any]) -> Parameter:
        schema = spec.get("schema")
        if schema is None and isinstance(spec.get("content"), dict):
            media = [value for value in spec["content"].values() if isinstance(value, dict)]
            schema = media[0].get("schema") if media else None
        schema = schema or {}
        resolved = self.resolver.resolve(schema)
        kind = _schema_kind(self.resolver, schema)
        item_kind = (
            _schema_kind(self.resolver, resolved.get("items", {}))
            if isinstance(resolved, dict)
            else "string"
        )
        where = spec["in"]
        return Parameter(
            name=spec["name"],
            where=where,
            required=bool(spec.get("required", where == "path")),
            validator=self.schemas.compile(schema, "request"),
            kind=kind,
            item_kind=item_kind,
            explode=bool(spec.get("explode", spec.get("style", "form") == "form")),
        )

    def _body(self, raw: Any) -> RequestBody | None:
        if raw is None:
            return None
        spec = self.resolver.resolve(raw)
        media: dict[str, CompiledSchema | None] = {}
        schemas: dict[str, Any] = {}
        fields: dict[str, dict[str, tuple[str, str]]] = {}
        for media_type, content in spec.get("content", {}).items():
            content = content or {}
            schema = content.get("schema")
            lowered = media_type.lower()
            schemas[lowered] = schema
            checked = is_json_media(lowered) or lowered in FORM_MEDIA
            media[lowered] = (
                self.schemas.compile(schema, "request") if schema is not None and checked else None
            )
            if lowered in FORM_MEDIA and schema is not None:
                fields[lowered] = self._form_fields(schema)
        return RequestBody(
            required=bool(spec.get("required", False)),
            media=media,
            schemas=schemas,
            fields=fields,
        )

    def _form_fields(self, schema: Any) -> dict[str, tuple[str, str]]:
        properties = self.resolver.resolve(schema).get("properties", {})
        found = {}
        for name, raw in properties.items():
            member = self.resolver.resolve(raw)
            items = member.get("items", {}) if isinstance(member, dict) else {}
            found[name] = (_schema_kind(self.resolver, raw), _schema_kind(self.resolver, items))
        return found

    def _response(self, key: str, spec: dict[str, Any], operation_id: str) -> ResponseSpec:
        content: dict[str, ResponseContent] = {}
        for media_type, raw in (spec.get("content") or {}).items():
            raw = raw or {}
            schema = raw.get("schema")
            validator = (
                self.schemas.compile(schema, "response")
                if schema is not None and is_json_media(media_type.lower())
                else None
            )
            examples, invalid = self._examples(raw, schema, validator)
            for name in invalid:
                self.warnings.append(
                    f"{operation_id} {key} {media_type}: example {name!r} breaks its schema; "
                    "it is not served"
                )
            content[media_type] = ResponseContent(media_type, schema, validator, examples, invalid)
        headers = {}
        for name, raw in (spec.get("headers") or {}).items():
            if name.lower() == "content-type":
                continue  # OpenAPI: a Content-Type response header is ignored
            header = self.resolver.resolve(raw)
            schema = header.get("schema", {})
            validator = self.schemas.compile(schema, "response")
            example = header.get("example")
            if example is None:
                example = self.resolver.resolve(schema).get("example")
            if example is not None and not validator.is_valid(example):
                example = None
            headers[name] = ResponseHeader(
                name, bool(header.get("required", False)), schema, validator, example
            )
        return ResponseSpec(key, content, headers)

    def _examples(
        self, content: dict[str, Any], schema: Any, validator: CompiledSchema | None
    ) -> tuple[dict[str, Any], list[str]]:
        found: dict[str, Any] = {}
        for name, raw in (content.get("examples") or {}).items():
            example = self.resolver.resolve(raw)
            if isinstance(example, dict) and "value" in example:
                found[name] = example["value"]
        if not found and "example" in content:
            found["example"] = content["example"]
        resolved = self.resolver.resolve(schema) if schema is not None else None
        if not found and isinstance(resolved, dict) and "example" in resolved:
            found["example"] = resolved["example"]
        if validator is None:
            return found, []
        valid = {name: value for name, value in found.items() if validator.is_valid(value)}
        return valid, [name for name in found if name not in valid]

    def _security(self, requirements: list[dict[str, Any]]) -> list[list[SecurityCheck]]:
        schemes = self.document.get("components", {}).get("securitySchemes", {})
        alternatives = []
        for requirement in requirements:
            checks = []
            for name in requirement:
                scheme = self.resolver.resolve(schemes.get(name))
                if not isinstance(scheme, dict):
                    raise SpecError(f"security scheme {name!r} is not defined")
                checks.append(self._check(name, scheme))
            if not checks:
                return []  # an empty requirement: anonymous access is allowed
            alternatives.append(checks)
        return alternatives

    @staticmethod
    def _check(name: str, scheme: dict[str, Any]) -> SecurityCheck:
        kind = scheme.get("type")
        if kind == "apiKey":
            where = scheme.get("in", "header")
            carrier = scheme["name"].lower() if where == "header" else scheme["name"]
            return SecurityCheck(name, "apiKey", where, carrier)
        if kind == "http":
            http = str(scheme.get("scheme", "")).lower()
            return SecurityCheck(
                name,
                http if http in {"bearer", "basic"} else "authorization",
                "header",
                "authorization",
            )
        # oauth2 and openIdConnect: a bearer token, whatever it is.
        return SecurityCheck(name, "bearer", "header", "authorization")
