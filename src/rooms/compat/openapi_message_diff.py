"""Request bodies, responses and response headers compared, each media type's schema in the
direction its data flows."""

from __future__ import annotations

from collections.abc import Mapping

from rooms.compat.change_report import Severity
from rooms.compat.deprecation import is_deprecated, judge_deprecation, judge_removal
from rooms.compat.openapi_diff_base import DiffBase
from rooms.compat.openapi_operation_model import (
    Operation,
    media_schema,
    media_type,
    parameter_schema,
)
from rooms.compat.openapi_resolve import Node
from rooms.compat.openapi_schema_diff import Direction


class MessageDiff(DiffBase):
    """What travels in bodies and headers, compared for the side that reads it."""

    # -- request bodies ---------------------------------------------------------------------

    def _request_body(self, old_op: Operation, new_op: Operation) -> None:
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
        old_content = {media_type(k): v for k, v in (old_body.get("content") or {}).items()}
        new_content = {media_type(k): v for k, v in (new_body.get("content") or {}).items()}
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
                media_schema(self.old, old_content[media]),
                media_schema(self.new, new_content[media]),
                Direction.REQUEST,
            )

    # -- responses --------------------------------------------------------------------------

    def _responses(self, old_op: Operation, new_op: Operation) -> None:
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
        old_content = {media_type(k): v for k, v in (old.get("content") or {}).items()}
        new_content = {media_type(k): v for k, v in (new.get("content") or {}).items()}
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
                media_schema(self.old, old_content[media]),
                media_schema(self.new, new_content[media]),
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
            deprecation = judge_deprecation(old_headers[name], new_headers[name], "header")
            if deprecation is not None:
                self.emit(
                    deprecation.severity,
                    f"response-header-{deprecation.rule}",
                    f"{where} header {name}",
                    deprecation.message,
                )
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
                parameter_schema(self.old, old_headers[name]),
                parameter_schema(self.new, new_headers[name]),
                Direction.RESPONSE,
            )

    def _content(
        self, where: str, old: Mapping[str, Node], new: Mapping[str, Node], direction: Direction
    ) -> None:
        """Each media type of a body written in `direction`'s sense: the writer may not add
        a media type the reader does not know, nor the reader drop one the writer sends."""
        old_content = {media_type(k): v for k, v in (old.get("content") or {}).items()}
        new_content = {media_type(k): v for k, v in (new.get("content") or {}).items()}
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
                media_schema(self.old, old_content[media]),
                media_schema(self.new, new_content[media]),
                direction,
            )
