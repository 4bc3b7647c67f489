"""Webhooks (3.1) and callbacks (3.0 and 3.1) compared like operations, with the directions of
data swapped: the provider writes the request (its payload) and reads the consumer's answer."""

from __future__ import annotations

from collections.abc import Mapping

from rooms.compat.change_report import Severity
from rooms.compat.deprecation import judge_removal
from rooms.compat.openapi_message_diff import MessageDiff
from rooms.compat.openapi_operation_model import HTTP_METHODS, Operation, operations
from rooms.compat.openapi_resolve import Resolver
from rooms.compat.openapi_schema_diff import Direction

Outgoing = dict[tuple[str, str], Operation]  # (name, method) -> the request the provider sends


def _callbacks(resolver: Resolver, op: Operation) -> Outgoing:
    """An operation's callbacks, keyed by callback name and URL expression, and method."""
    found: Outgoing = {}
    for name, callback in (op.node.get("callbacks") or {}).items():
        expressions = resolver.deref(callback)
        if not isinstance(expressions, Mapping):
            continue
        for expression, item in expressions.items():
            path_item = resolver.deref(item)
            if not isinstance(path_item, Mapping):
                continue
            for method in HTTP_METHODS:
                node = resolver.deref(path_item.get(method))
                if isinstance(node, Mapping):
                    template = f"{name} {expression}"
                    found[(template, method)] = Operation(template, method, node, path_item)
    return found


class WebhookDiff(MessageDiff):
    """Requests the provider makes: what it sends may not grow, what it reads may not shrink."""

    def _webhooks(self) -> None:
        old_hooks, new_hooks = operations(self.old, "webhooks"), operations(self.new, "webhooks")
        self._outgoing("webhook", "", old_hooks, new_hooks)

    def _callbacks(self, old_op: Operation, new_op: Operation) -> None:
        old_calls, new_calls = _callbacks(self.old, old_op), _callbacks(self.new, new_op)
        self._outgoing("callback", f"{new_op.label} ", old_calls, new_calls)

    def _outgoing(self, kind: str, prefix: str, old: Outgoing, new: Outgoing) -> None:
        for key, hook in old.items():
            label = f"{prefix}{kind} {hook.template} {hook.method.upper()}"
            if key not in new:
                removal = judge_removal(hook.node, self.today, kind)
                self.emit(removal.severity, f"{kind}-{removal.rule}", label, removal.message)
                continue
            # Directions swap: the payload is written by the provider (a response to the
            # consumer), the consumer's answer is read by the provider (a request to it).
            new_hook = new[key]
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
        for key in new.keys() - old.keys():
            hook = new[key]
            self.emit(
                Severity.INFO,
                f"{kind}-added",
                f"{prefix}{kind} {hook.template} {hook.method.upper()}",
                f"new {kind}",
            )
