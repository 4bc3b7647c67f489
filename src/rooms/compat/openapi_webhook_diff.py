"""OpenAPI 3.1 webhooks compared like operations, with the directions of data swapped."""

from __future__ import annotations

from rooms.compat.change_report import Severity
from rooms.compat.deprecation import judge_removal
from rooms.compat.openapi_message_diff import MessageDiff
from rooms.compat.openapi_operation_model import operations
from rooms.compat.openapi_schema_diff import Direction


class WebhookDiff(MessageDiff):
    """The provider writes a webhook's payload and reads the consumer's answer."""

    # -- webhooks (3.1): the provider sends the request, the consumer answers ---------------

    def _webhooks(self) -> None:
        old_hooks, new_hooks = operations(self.old, "webhooks"), operations(self.new, "webhooks")
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
