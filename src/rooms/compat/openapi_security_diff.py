"""Security requirements, security schemes and servers compared: who may still call, and where."""

from __future__ import annotations

from collections.abc import Mapping

from rooms.compat.change_report import Severity
from rooms.compat.openapi_diff_base import DiffBase
from rooms.compat.openapi_operation_model import Operation, satisfies, security_alternatives
from rooms.compat.openapi_resolve import Node, freeze


class SecurityDiff(DiffBase):
    """Callers that were let in must still be let in, at an address still offered."""

    # -- security ---------------------------------------------------------------------------

    def _security(self, old_op: Operation, new_op: Operation) -> None:
        label = new_op.label
        old_alternatives = security_alternatives(self.old.document, old_op)
        new_alternatives = security_alternatives(self.new.document, new_op)
        stranded = [
            held
            for held in old_alternatives
            if not any(satisfies(held, needed) for needed in new_alternatives)
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
            not any(satisfies(held, required) for required in old_alternatives)
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
