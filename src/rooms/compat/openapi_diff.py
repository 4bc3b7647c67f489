"""Comparing two OpenAPI 3.0 documents operation by operation: paths, parameters, bodies,
responses and security, each change classified for the consumers of the earlier version."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from rooms.compat.change_report import Change, Severity
from rooms.compat.deprecation import is_deprecated, judge_removal, sunset
from rooms.compat.openapi_resolve import Node, Resolver, freeze
from rooms.compat.openapi_schema_diff import Direction, SchemaDiffer

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_TEMPLATE_PARAMETER = re.compile(r"\{([^}/]*)\}")

ParameterKey = tuple[str, str]  # (in, name); header names compared case-insensitively


def _path_shape(template: str) -> str:
    """`/rooms/{id}` and `/rooms/{roomId}` are the same path to a client."""
    return _TEMPLATE_PARAMETER.sub("{}", template)


def _parameter_key(parameter: Mapping[str, Node]) -> ParameterKey:
    where, name = str(parameter.get("in", "")), str(parameter.get("name", ""))
    return (where, name.lower() if where == "header" else name)


def _media_type(name: str) -> str:
    return name.strip().lower()


@dataclass
class _Operation:
    template: str
    method: str
    node: Mapping[str, Node]
    path_item: Mapping[str, Node]

    @property
    def label(self) -> str:
        return f"{self.method.upper()} {self.template}"


def _operations(resolver: Resolver, section: str = "paths") -> dict[tuple[str, str], _Operation]:
    """The operations of `paths`, or of 3.1 `webhooks` (keyed by webhook name)."""
    found: dict[tuple[str, str], _Operation] = {}
    for template, item in (resolver.document.get(section) or {}).items():
        path_item = resolver.deref(item)
        if not isinstance(path_item, Mapping):
            continue
        for method in HTTP_METHODS:
            operation = resolver.deref(path_item.get(method))
            if isinstance(operation, Mapping):
                key = (_path_shape(str(template)), method)
                found.setdefault(key, _Operation(str(template), method, operation, path_item))
    return found


def _parameters(resolver: Resolver, op: _Operation) -> dict[ParameterKey, Mapping[str, Node]]:
    """Path-level parameters overridden by operation-level ones, as OpenAPI says."""
    merged: dict[ParameterKey, Mapping[str, Node]] = {}
    for source in (op.path_item.get("parameters") or [], op.node.get("parameters") or []):
        for raw in source:
            parameter = resolver.deref(raw)
            if isinstance(parameter, Mapping):
                merged[_parameter_key(parameter)] = parameter
    return merged


def _parameter_schema(resolver: Resolver, parameter: Mapping[str, Node]) -> Node:
    if "schema" in parameter:
        return parameter["schema"]
    content = parameter.get("content") or {}
    for media in content.values():
        return _media_schema(resolver, media)
    return {}


def _media_schema(resolver: Resolver, media: Node) -> Node:
    media = resolver.deref(media)
    return media.get("schema", {}) if isinstance(media, Mapping) else {}


def _security(document: Mapping[str, Node], op: _Operation) -> list[dict[str, frozenset[str]]]:
    """The requirement alternatives in force; `[{}]` when anyone may call."""
    requirements = op.node.get("security", document.get("security"))
    if not requirements:
        return [{}]
    return [
        {scheme: frozenset(scopes or []) for scheme, scopes in (requirement or {}).items()}
        for requirement in requirements
    ]


def _satisfies(held: Mapping[str, frozenset[str]], needed: Mapping[str, frozenset[str]]) -> bool:
    """A client holding the credentials of `held` also meets `needed`."""
    return all(scheme in held and scopes <= held[scheme] for scheme, scopes in needed.items())


@dataclass
class OpenApiDiff:
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

    def run(self) -> list[Change]:
        old_ops, new_ops = _operations(self.old), _operations(self.new)
        for key, op in old_ops.items():
            if key not in new_ops:
                self._removed(op, whole_path=not any(k[0] == key[0] for k in new_ops))
        for key, op in new_ops.items():
            if key not in old_ops:
                self.emit(Severity.INFO, "operation-added", op.label, "new operation")
        for key in old_ops.keys() & new_ops.keys():
            self._operation(old_ops[key], new_ops[key])
        self._webhooks()
        self._security_schemes()
        self._servers()
        return self.changes

    # -- webhooks (3.1): the provider sends the request, the consumer answers ---------------

    def _webhooks(self) -> None:
        old_hooks, new_hooks = _operations(self.old, "webhooks"), _operations(self.new, "webhooks")
        for key, hook in old_hooks.items():
            label = f"webhook {hook.template} {hook.method.upper()}"
            if key not in new_hooks:
                removal = judge_removal(hook.node, self.today, "webhook")
                self.emit(removal.severity, f"webhook-{removal.rule}", label, removal.message)
                continue
            # Directions swap: the payload is written by the provider (a response to the
            # consumer), the consumer's answer is read by the provider (a request to it).
            new_hook = new_hooks[key]
            old_body = self.old.deref(hook.node.get("requestBody")) or {}
            new_body = self.new.deref(new_hook.node.get("requestBody")) or {}
            self._content(f"{label} payload", old_body, new_body, Direction.RESPONSE)
            old_answers = hook.node.get("responses") or {}
            new_answers = new_hook.node.get("responses") or {}
            for status in sorted(set(map(str, old_answers)) & set(map(str, new_answers))):
                self._content(
                    f"{label} answer {status}",
                    self.old.deref(old_answers[status]) or {},
                    self.new.deref(new_answers[status]) or {},
                    Direction.REQUEST,
                )
        for key in new_hooks.keys() - old_hooks.keys():
            hook = new_hooks[key]
            self.emit(
                Severity.INFO,
                "webhook-added",
                f"webhook {hook.template} {hook.method.upper()}",
                "new webhook",
            )

    def _content(
        self, where: str, old: Mapping[str, Node], new: Mapping[str, Node], direction: Direction
    ) -> None:
        """Each media type of a body written in `direction`'s sense: the writer may not add
        a media type the reader does not know, nor the reader drop one the writer sends."""
        old_content = {_media_type(k): v for k, v in (old.get("content") or {}).items()}
        new_content = {_media_type(k): v for k, v in (new.get("content") or {}).items()}
        for media in sorted(old_content.keys() ^ new_content.keys()):
            added = media in new_content
            breaks = Direction.RESPONSE if added else Direction.REQUEST
            self.emit(
                Severity.BREAKING if direction is breaks else Severity.INFO,
                f"{direction}-media-type-{'added' if added else 'removed'}",
                f"{where} {media}",
                f"{media} {'added' if added else 'removed'}",
            )
        for media in sorted(old_content.keys() & new_content.keys()):
            self.schemas(f"{where} {media}").compare(
                _media_schema(self.old, old_content[media]),
                _media_schema(self.new, new_content[media]),
                direction,
            )

    # -- operations -------------------------------------------------------------------------

    def _removed(self, op: _Operation, whole_path: bool) -> None:
        what = "path and operation" if whole_path else "operation"
        removal = judge_removal(op.node, self.today, what)
        self.emit(removal.severity, f"operation-{removal.rule}", op.label, removal.message)

    def _operation(self, old: _Operation, new: _Operation) -> None:
        label = new.label
        if old.node.get("operationId") != new.node.get("operationId"):
            # Generated clients name their methods after it.
            self.emit(
                Severity.WARNING,
                "operation-id-changed",
                label,
                f"operationId {old.node.get('operationId')!r} -> {new.node.get('operationId')!r}",
            )
        if new.node.get("deprecated") is True and old.node.get("deprecated") is not True:
            if sunset(new.node.get("x-sunset")) is None:
                self.emit(
                    Severity.WARNING,
                    "operation-deprecated-without-sunset",
                    label,
                    "deprecated without an x-sunset date, so it can never be removed",
                )
            else:
                self.emit(
                    Severity.INFO,
                    "operation-deprecated",
                    label,
                    f"deprecated, sunset {new.node.get('x-sunset')}",
                )
        elif old.node.get("deprecated") is True and new.node.get("deprecated") is not True:
            self.emit(Severity.INFO, "operation-reactivated", label, "no longer deprecated")
        self._parameters(old, new)
        self._request_body(old, new)
        self._responses(old, new)
        self._security(old, new)

    # -- parameters -------------------------------------------------------------------------

    def _parameters(self, old_op: _Operation, new_op: _Operation) -> None:
        label = new_op.label
        old_params, new_params = _parameters(self.old, old_op), _parameters(self.new, new_op)
        # Path parameters are matched by position in the template, whatever they are called.
        renames: dict[ParameterKey, ParameterKey] = {}
        old_names = _TEMPLATE_PARAMETER.findall(old_op.template)
        new_names = _TEMPLATE_PARAMETER.findall(new_op.template)
        for before, after in zip(old_names, new_names, strict=False):
            if before != after:
                renames[("path", before)] = ("path", after)
                self.emit(
                    Severity.WARNING,
                    "path-parameter-renamed",
                    label,
                    f"path parameter {before!r} -> {after!r} (the URL is unchanged; "
                    "generated clients may name the argument differently)",
                )
        old_params = {renames.get(k, k): v for k, v in old_params.items()}
        gone = [k for k in old_params if k not in new_params]
        came = [k for k in new_params if k not in old_params]
        for old_key in list(gone):
            moved = next((k for k in came if k[1].lower() == old_key[1].lower()), None)
            if moved is not None:
                self.emit(
                    Severity.BREAKING,
                    "request-parameter-moved",
                    label,
                    f"parameter {old_key[1]!r} moved from {old_key[0]} to {moved[0]}",
                )
                gone.remove(old_key)
                came.remove(moved)
                continue
            shape = freeze(self.old.canonical(_parameter_schema(self.old, old_params[old_key])))
            renamed = next(
                (
                    k
                    for k in came
                    if k[0] == old_key[0]
                    and freeze(self.new.canonical(_parameter_schema(self.new, new_params[k])))
                    == shape
                ),
                None,
            )
            if renamed is not None:
                self.emit(
                    Severity.BREAKING,
                    "request-parameter-renamed",
                    label,
                    f"{old_key[0]} parameter {old_key[1]!r} renamed to {renamed[1]!r}",
                )
                gone.remove(old_key)
                came.remove(renamed)
        for key in gone:
            where = f"{label} {key[0]} parameter {key[1]}"
            if is_deprecated(old_params[key]):
                removal = judge_removal(old_params[key], self.today, "parameter")
                self.emit(
                    removal.severity, f"request-parameter-{removal.rule}", where, removal.message
                )
                continue
            self.emit(
                Severity.WARNING,
                "request-parameter-removed",
                where,
                "parameter removed: a value sent is no longer described",
            )
        for key in came:
            if new_params[key].get("required") is True:
                self.emit(
                    Severity.BREAKING,
                    "request-parameter-added-required",
                    f"{label} {key[0]} parameter {key[1]}",
                    "new required parameter",
                )
            else:
                self.emit(
                    Severity.INFO,
                    "request-parameter-added",
                    f"{label} {key[0]} parameter {key[1]}",
                    "new optional parameter",
                )
        for key in old_params.keys() & new_params.keys():
            self._parameter(
                f"{label} {key[0]} parameter {key[1]}", old_params[key], new_params[key]
            )

    def _parameter(self, where: str, old: Mapping[str, Node], new: Mapping[str, Node]) -> None:
        was_required, now_required = old.get("required") is True, new.get("required") is True
        if now_required and not was_required:
            self.emit(
                Severity.BREAKING,
                "request-parameter-became-required",
                where,
                "parameter is now required",
            )
        elif was_required and not now_required:
            self.emit(
                Severity.INFO,
                "request-parameter-became-optional",
                where,
                "parameter may now be left out",
            )
        for keyword in ("style", "explode", "allowReserved"):
            if old.get(keyword) != new.get(keyword):
                self.emit(
                    Severity.BREAKING,
                    "request-parameter-serialization-changed",
                    where,
                    f"{keyword} {old.get(keyword)!r} -> {new.get(keyword)!r}",
                )
        if old.get("allowEmptyValue") is True and new.get("allowEmptyValue") is not True:
            self.emit(
                Severity.BREAKING,
                "request-parameter-empty-value-refused",
                where,
                "an empty value is no longer allowed",
            )
        self.schemas(where).compare(
            _parameter_schema(self.old, old), _parameter_schema(self.new, new), Direction.REQUEST
        )

    # -- request bodies ---------------------------------------------------------------------

    def _request_body(self, old_op: _Operation, new_op: _Operation) -> None:
        label = new_op.label
        old_body = self.old.deref(old_op.node.get("requestBody"))
        new_body = self.new.deref(new_op.node.get("requestBody"))
        if not isinstance(new_body, Mapping):
            if isinstance(old_body, Mapping):
                self.emit(
                    Severity.WARNING,
                    "request-body-removed",
                    f"{label} request body",
                    "request body no longer described",
                )
            return
        now_required = new_body.get("required") is True
        if not isinstance(old_body, Mapping):
            if now_required:
                self.emit(
                    Severity.BREAKING,
                    "request-body-added-required",
                    f"{label} request body",
                    "a request body is now required",
                )
            else:
                self.emit(
                    Severity.INFO,
                    "request-body-added",
                    f"{label} request body",
                    "an optional request body is accepted",
                )
            return
        if now_required and old_body.get("required") is not True:
            self.emit(
                Severity.BREAKING,
                "request-body-became-required",
                f"{label} request body",
                "the request body is now required",
            )
        elif old_body.get("required") is True and not now_required:
            self.emit(
                Severity.INFO,
                "request-body-became-optional",
                f"{label} request body",
                "the request body may now be left out",
            )
        old_content = {_media_type(k): v for k, v in (old_body.get("content") or {}).items()}
        new_content = {_media_type(k): v for k, v in (new_body.get("content") or {}).items()}
        for media in sorted(old_content.keys() - new_content.keys()):
            self.emit(
                Severity.BREAKING,
                "request-media-type-removed",
                f"{label} request body {media}",
                f"{media} is no longer accepted",
            )
        for media in sorted(new_content.keys() - old_content.keys()):
            self.emit(
                Severity.INFO,
                "request-media-type-added",
                f"{label} request body {media}",
                f"{media} is also accepted",
            )
        for media in sorted(old_content.keys() & new_content.keys()):
            self.schemas(f"{label} request body {media}").compare(
                _media_schema(self.old, old_content[media]),
                _media_schema(self.new, new_content[media]),
                Direction.REQUEST,
            )

    # -- responses --------------------------------------------------------------------------

    def _responses(self, old_op: _Operation, new_op: _Operation) -> None:
        label = new_op.label
        old_responses = {str(k).upper(): v for k, v in (old_op.node.get("responses") or {}).items()}
        new_responses = {str(k).upper(): v for k, v in (new_op.node.get("responses") or {}).items()}
        for status in sorted(old_responses.keys() - new_responses.keys()):
            if status.startswith("2"):
                self.emit(
                    Severity.BREAKING,
                    "response-success-status-removed",
                    f"{label} response {status}",
                    f"success status {status} removed",
                )
            else:
                self.emit(
                    Severity.INFO,
                    "response-status-removed",
                    f"{label} response {status}",
                    f"status {status} no longer documented",
                )
        for status in sorted(new_responses.keys() - old_responses.keys()):
            self.emit(
                Severity.INFO,
                "response-status-added",
                f"{label} response {status}",
                f"status {status} documented",
            )
        for status in sorted(old_responses.keys() & new_responses.keys()):
            self._response(
                f"{label} response {status}",
                self.old.deref(old_responses[status]),
                self.new.deref(new_responses[status]),
            )

    def _response(self, where: str, old: Mapping[str, Node], new: Mapping[str, Node]) -> None:
        old_content = {_media_type(k): v for k, v in (old.get("content") or {}).items()}
        new_content = {_media_type(k): v for k, v in (new.get("content") or {}).items()}
        for media in sorted(old_content.keys() - new_content.keys()):
            self.emit(
                Severity.BREAKING,
                "response-media-type-removed",
                f"{where} {media}",
                f"{media} is no longer returned",
            )
        for media in sorted(new_content.keys() - old_content.keys()):
            self.emit(
                Severity.INFO,
                "response-media-type-added",
                f"{where} {media}",
                f"{media} may also be returned",
            )
        for media in sorted(old_content.keys() & new_content.keys()):
            self.schemas(f"{where} {media}").compare(
                _media_schema(self.old, old_content[media]),
                _media_schema(self.new, new_content[media]),
                Direction.RESPONSE,
            )
        old_headers = {
            str(k).lower(): self.old.deref(v) for k, v in (old.get("headers") or {}).items()
        }
        new_headers = {
            str(k).lower(): self.new.deref(v) for k, v in (new.get("headers") or {}).items()
        }
        for name in sorted(old_headers.keys() - new_headers.keys()):
            if is_deprecated(old_headers[name]):
                removal = judge_removal(old_headers[name], self.today, "header")
                self.emit(
                    removal.severity,
                    f"response-header-{removal.rule}",
                    f"{where} header {name}",
                    removal.message,
                )
            elif old_headers[name].get("required") is True:
                self.emit(
                    Severity.BREAKING,
                    "response-required-header-removed",
                    f"{where} header {name}",
                    "a header that was always sent is gone",
                )
            else:
                self.emit(
                    Severity.WARNING,
                    "response-optional-header-removed",
                    f"{where} header {name}",
                    "header no longer sent",
                )
        for name in sorted(new_headers.keys() - old_headers.keys()):
            self.emit(
                Severity.INFO, "response-header-added", f"{where} header {name}", "header added"
            )
        for name in sorted(old_headers.keys() & new_headers.keys()):
            if (
                old_headers[name].get("required") is True
                and new_headers[name].get("required") is not True
            ):
                self.emit(
                    Severity.BREAKING,
                    "response-header-became-optional",
                    f"{where} header {name}",
                    "a header that was always sent may be missing",
                )
            self.schemas(f"{where} header {name}").compare(
                _parameter_schema(self.old, old_headers[name]),
                _parameter_schema(self.new, new_headers[name]),
                Direction.RESPONSE,
            )

    # -- security ---------------------------------------------------------------------------

    def _security(self, old_op: _Operation, new_op: _Operation) -> None:
        label = new_op.label
        old_alternatives = _security(self.old.document, old_op)
        new_alternatives = _security(self.new.document, new_op)
        stranded = [
            held
            for held in old_alternatives
            if not any(_satisfies(held, needed) for needed in new_alternatives)
        ]
        if stranded:
            if {} in old_alternatives and {} in stranded:
                self.emit(
                    Severity.BREAKING,
                    "security-added",
                    label,
                    "callers without credentials are now refused",
                )
            else:
                names = sorted({scheme for held in stranded for scheme in held})
                self.emit(
                    Severity.BREAKING,
                    "security-requirement-changed",
                    label,
                    f"callers authenticated with {', '.join(names)} are now refused",
                )
        elif freeze(old_alternatives) != freeze(new_alternatives) and any(
            not any(_satisfies(held, required) for required in old_alternatives)
            for held in new_alternatives
        ):
            self.emit(
                Severity.INFO, "security-relaxed", label, "more callers are accepted than before"
            )

    def _security_schemes(self) -> None:
        old_schemes = (self.old.document.get("components") or {}).get("securitySchemes") or {}
        new_schemes = (self.new.document.get("components") or {}).get("securitySchemes") or {}
        for name in sorted(old_schemes.keys() & new_schemes.keys()):
            if freeze(self.old.canonical(old_schemes[name])) != freeze(
                self.new.canonical(new_schemes[name])
            ):
                self.emit(
                    Severity.BREAKING,
                    "security-scheme-changed",
                    f"components securitySchemes {name}",
                    "how credentials are sent has changed",
                )

    def _servers(self) -> None:
        def urls(document: Mapping[str, Node]) -> set[str]:
            return {str(server.get("url")) for server in document.get("servers") or [{"url": "/"}]}

        old_urls, new_urls = urls(self.old.document), urls(self.new.document)
        if old_urls - new_urls:
            self.emit(
                Severity.BREAKING,
                "server-removed",
                "servers",
                f"server URLs no longer offered: {', '.join(sorted(old_urls - new_urls))}",
            )


def diff_openapi(
    old_document: Mapping[str, Node], new_document: Mapping[str, Node], today: dt.date
) -> list[Change]:
    """Every difference between two OpenAPI 3.0 documents that a consumer could notice."""
    return OpenApiDiff(Resolver(old_document), Resolver(new_document), today).run()
