"""Reading a request against its operation: security, parameters and body, every violation at once.

The order follows the service: security first (a refusal), then parameters and the body, whose
violations are all collected so a client sees everything it broke in one answer.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from http.cookies import CookieError, SimpleCookie
from typing import Any
from urllib.parse import parse_qs

from rooms_mock.messages import MISSING, MockOptions, MockRequest, ParsedRequest, Refused
from rooms_mock.operations import FORM_MEDIA, Operation, Parameter, SecurityCheck, is_json_media
from rooms_mock.problems import UNAUTHORIZED, UNSUPPORTED_MEDIA
from rooms_mock.schemas import Violation
from rooms_mock.values import coerce


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


class RequestReader:
    def __init__(self, options: MockOptions) -> None:
        self.options = options

    def read(
        self, operation: Operation, request: MockRequest, raw_path_params: dict[str, str]
    ) -> ParsedRequest:
        """The request's values, with its violations; raises Refused for a missing key or an
        unsupported media type, which stop the checks."""
        headers = request.headers
        query: dict[str, list[str]] = (
            parse_qs(request.query, keep_blank_values=True) if request.query else {}
        )
        cookies = self._cookies(headers) if "cookie" in headers else {}
        if operation.security:
            failure = self._security_failure(operation, headers, query, cookies)
            if failure is not None:
                schemes = ", ".join(
                    check.scheme for checks in operation.security for check in checks
                )
                raise Refused(
                    UNAUTHORIZED, failure, where="security", location=schemes, rule="security"
                )
        violations: list[Violation] = []
        path_params: dict[str, Any] = {}
        query_values: dict[str, Any] = {}
        for parameter in operation.parameters:
            value = self._parameter(parameter, raw_path_params, query, headers, cookies)
            if value is MISSING:
                if parameter.required:
                    violations.append(
                        Violation(
                            parameter.where,
                            parameter.name,
                            "required",
                            f"{parameter.where} parameter {parameter.name!r} is required",
                        )
                    )
                continue
            if parameter.validator is not None and not parameter.validator.is_valid(value):
                violations.extend(
                    Violation(parameter.where, parameter.name, v.rule, v.message)
                    for v in parameter.validator.violations(value, where=parameter.where)
                )
            if parameter.where == "path":
                path_params[parameter.name] = value
            elif parameter.where == "query":
                query_values[parameter.name] = value
        body, media_type = None, None
        if operation.body is not None:
            body, media_type = self._body(operation, request, violations)
        return ParsedRequest(request, path_params, query_values, body, media_type, violations)

    @staticmethod
    def _cookies(headers: Mapping[str, str]) -> dict[str, str]:
        jar: SimpleCookie = SimpleCookie()
        try:
            jar.load(headers["cookie"])
        except CookieError:
            return {}
        return {name: morsel.value for name, morsel in jar.items()}

    def _security_failure(
        self,
        operation: Operation,
        headers: Mapping[str, str],
        query: dict[str, list[str]],
        cookies: dict[str, str],
    ) -> str | None:
        first_failure: str | None = None
        for alternative in operation.security:
            failure = next(
                (
                    reason
                    for check in alternative
                    if (reason := self._check(check, headers, query, cookies)) is not None
                ),
                None,
            )
            if failure is None:
                return None
            first_failure = first_failure or failure
        return first_failure

    def _check(
        self,
        check: SecurityCheck,
        headers: Mapping[str, str],
        query: dict[str, list[str]],
        cookies: dict[str, str],
    ) -> str | None:
        if check.kind == "apiKey":
            value: str | None
            if check.where == "header":
                value = headers.get(check.name)
            elif check.where == "query":
                value = next(iter(query.get(check.name, ())), None)
            else:
                value = cookies.get(check.name)
            if not value:
                return f"No API key in {check.where} {check.name!r}."
            if self.options.api_keys and value not in self.options.api_keys:
                return f"The API key in {check.where} {check.name!r} is not accepted."
            return None
        scheme, _, credentials = headers.get("authorization", "").partition(" ")
        if check.kind in {"bearer", "basic"} and scheme.lower() != check.kind:
            return f"No {check.kind.capitalize()} credentials in the Authorization header."
        if not credentials.strip():
            return "No credentials in the Authorization header."
        if self.options.api_keys and credentials.strip() not in self.options.api_keys:
            return "The credentials in the Authorization header are not accepted."
        return None

    @staticmethod
    def _parameter(
        parameter: Parameter,
        path_params: dict[str, str],
        query: dict[str, list[str]],
        headers: Mapping[str, str],
        cookies: dict[str, str],
    ) -> Any:
        values: list[str] | None
        where = parameter.where
        if where == "query":
            values = query.get(parameter.name)
        else:
            source = path_params if where == "path" else headers if where == "header" else cookies
            raw = source.get(parameter.key)
            values = None if raw is None else [raw]
        if values is None:
            return MISSING
        if parameter.kind == "array":
            items = values if where == "query" and parameter.explode else values[0].split(",")
            return [coerce(item, parameter.item_kind) for item in items]
        return coerce(values[0], parameter.kind)

    def _body(
        self, operation: Operation, request: MockRequest, violations: list[Violation]
    ) -> tuple[Any, str | None]:
        spec = operation.body
        assert spec is not None
        content_type = request.headers.get("content-type")
        if not request.body and not content_type:
            if spec.required:
                violations.append(Violation("body", "/", "required", "A request body is required."))
            return None, None
        media_type = (content_type or "").split(";", 1)[0].strip().lower()
        matched = self._match_media(media_type, spec.media)
        if matched is None:
            expected = ", ".join(spec.media)
            raise Refused(
                UNSUPPORTED_MEDIA,
                f"Invalid Content-type ({media_type or 'none'}), expected {expected}.",
                where="header",
                location="content-type",
                rule="media-type",
            )
        validator = spec.media[matched]
        if matched in FORM_MEDIA:
            return self._form(spec.fields.get(matched, {}), matched, request, validator, violations)
        if not is_json_media(matched):
            return request.body, matched
        if not request.body:
            if spec.required:
                violations.append(Violation("body", "/", "required", "A request body is required."))
            return None, matched
        try:
            body = json.loads(request.body.decode("utf-8"), parse_constant=_reject_constant)
        except UnicodeDecodeError as error:
            violations.append(Violation("body", "/", "encoding", f"The body is not UTF-8: {error}"))
            return None, matched
        except ValueError as error:
            violations.append(
                Violation("body", "/", "json", f"The body is not valid JSON: {error}")
            )
            return None, matched
        if validator is not None and not validator.is_valid(body):
            violations.extend(validator.violations(body, where="body"))
        return body, matched

    @staticmethod
    def _form(
        fields: dict[str, tuple[str, str]],
        matched: str,
        request: MockRequest,
        validator: Any,
        violations: list[Violation],
    ) -> tuple[Any, str | None]:
        from rooms_mock.forms import read_form  # email's parser: loaded when a form first comes

        try:
            form = read_form(matched, request.headers.get("content-type", ""), request.body, fields)
        except (ValueError, UnicodeDecodeError) as error:
            violations.append(Violation("body", "/", "form", f"The body is not a form: {error}"))
            return None, matched
        if validator is not None and not validator.is_valid(form):
            violations.extend(validator.violations(form, where="body"))
        return form, matched

    @staticmethod
    def _match_media(media_type: str, documented: Mapping[str, Any]) -> str | None:
        if media_type in documented:
            return media_type
        major = media_type.split("/", 1)[0]
        for candidate in documented:
            if candidate == "*/*" or candidate == f"{major}/*":
                return candidate
        return None
