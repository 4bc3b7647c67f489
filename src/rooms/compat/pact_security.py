"""Credentials in a pact's request against the operation's security requirements.

An operation lists alternatives (OR), each naming schemes that must all be satisfied (AND);
`{}` among them lets anonymous callers in. A request satisfies an `apiKey` scheme with the
named header, query parameter or cookie, and an `http` scheme (or `oauth2`/`openIdConnect`,
both bearer tokens) with an `Authorization` header of that scheme. A request with no
alternative satisfied fails, naming any credential it does present of a scheme the document
defines but the operation does not list (the provider would not read it).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from rooms.compat.pact_spec_index import SpecIndex

Report = Callable[[str, str], None]


def _presented(
    scheme: Mapping[str, Any], headers: Mapping[str, str], query: Mapping[str, Any]
) -> bool:
    kind = scheme.get("type")
    if kind == "apiKey":
        name, where = str(scheme.get("name", "")), scheme.get("in")
        if where == "header":
            return name.lower() in headers
        if where == "query":
            return name in query
        if where == "cookie":
            cookies = [c.strip().split("=", 1)[0] for c in headers.get("cookie", "").split(";")]
            return name in cookies
        return False
    authorization = headers.get("authorization", "").strip().lower()
    if kind == "http":
        return authorization.startswith(str(scheme.get("scheme", "")).lower() + " ")
    if kind in {"oauth2", "openIdConnect"}:
        return authorization.startswith("bearer ")
    return False


def check_security(
    index: SpecIndex,
    operation: dict[str, Any],
    headers: Mapping[str, str],
    query: Mapping[str, Any],
    report: Report,
) -> None:
    requirements = index.security(operation)
    if not requirements or any(not requirement for requirement in requirements):
        return  # not secured, or anonymous callers allowed
    if any(
        all(_presented(index.scheme(name), headers, query) for name in requirement)
        for requirement in requirements
    ):
        return
    accepted = " or ".join(" and ".join(sorted(requirement)) for requirement in requirements)
    listed = {name for requirement in requirements for name in requirement}
    schemes = (index.spec.get("components") or {}).get("securitySchemes") or {}
    unlisted = [
        name
        for name in sorted(set(schemes) - listed)
        if _presented(index.scheme(name), headers, query)
    ]
    if unlisted:
        report(
            "unlisted-security-scheme",
            f"sends a {', '.join(unlisted)} credential, which {operation.get('operationId')} "
            f"does not accept (it accepts {accepted})",
        )
    else:
        report("missing-credentials", f"sends no credential the operation accepts ({accepted})")
