"""Comparing two OpenAPI documents (3.0 or 3.1) operation by operation: paths, parameters,
bodies, responses, security and webhooks, each change classified for the consumers of the
earlier version. Each concern is its own module; this one holds operations and paths."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from rooms.compat.change_report import Change, Severity
from rooms.compat.deprecation import judge_deprecation, judge_removal
from rooms.compat.openapi_operation_model import Operation, operations
from rooms.compat.openapi_parameter_diff import ParameterDiff
from rooms.compat.openapi_resolve import Node, Resolver
from rooms.compat.openapi_security_diff import SecurityDiff
from rooms.compat.openapi_webhook_diff import WebhookDiff


class OpenApiDiff(ParameterDiff, WebhookDiff, SecurityDiff):
    """One comparison of an earlier (`old`) and a later (`new`) document."""

    def run(self) -> list[Change]:
        old_ops, new_ops = operations(self.old), operations(self.new)
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

    # -- operations -------------------------------------------------------------------------

    def _removed(self, op: Operation, whole_path: bool) -> None:
        what = "path and operation" if whole_path else "operation"
        removal = judge_removal(op.node, self.today, what)
        self.emit(removal.severity, f"operation-{removal.rule}", op.label, removal.message)

    def _operation(self, old: Operation, new: Operation) -> None:
        label = new.label
        if old.node.get("operationId") != new.node.get("operationId"):
            # Generated clients name their methods after it.
            self.emit(
                Severity.WARNING,
                "operation-id-changed",
                label,
                f"operationId {old.node.get('operationId')!r} -> {new.node.get('operationId')!r}",
            )
        deprecation = judge_deprecation(old.node, new.node, "operation")
        if deprecation is not None:
            self.emit(
                deprecation.severity, f"operation-{deprecation.rule}", label, deprecation.message
            )
        self._parameters(old, new)
        self._request_body(old, new)
        self._responses(old, new)
        self._security(old, new)
        self._callbacks(old, new)


def diff_openapi(
    old_document: Mapping[str, Node], new_document: Mapping[str, Node], today: dt.date
) -> list[Change]:
    """Every difference between two OpenAPI 3.0 documents that a consumer could notice."""
    return OpenApiDiff(Resolver(old_document), Resolver(new_document), today).run()
