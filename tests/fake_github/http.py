"""What every route shares: the error a route raises to answer, GitHub's error bodies, pagination."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

if TYPE_CHECKING:
    from tests.fake_github.fake import FakeGitHub

API = "https://api.github.com"
WEB = "https://github.com"
DOCS = "https://docs.github.com/rest"
NOT_FOUND = "Not Found"

REASONS = {
    401: "Bad credentials",
    403: "Forbidden",
    404: NOT_FOUND,
    409: "Conflict",
    422: "Validation Failed",
    500: "Server Error",
    502: "Server Error",
    503: "Service Unavailable",
}
"""The ``message`` GitHub answers with for a status, when an injected failure gives no body."""

Match = re.Match[str]
Routed = tuple[int, Any, dict[str, str]]
"""What a route returns: status, JSON-able payload (or a raw string), extra headers."""
Handler = Callable[["FakeGitHub", Match, dict[str, list[str]], Any, str], Routed]
"""A route: ``(fake, path match, query, JSON body, full path) -> Routed``."""
Route = tuple[str, str, Handler]
"""``(method, path regex below /repos/{owner}/{repo} (or the full path for /orgs/...), handler)``."""


class Reply(Exception):
    """Raised by a route to answer with an error (status + GitHub-style JSON body)."""

    def __init__(self, status: int, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status = status
        self.body: dict[str, Any] = {"message": message, "documentation_url": DOCS, "status": str(status)}
        self.body.update(extra)


def too_long(resource: str, field: str, limit: int) -> Reply:
    """GitHub's 422 for a field over its length limit."""
    message = f"{field} is too long (maximum is {limit} characters)"
    return Reply(
        422,
        "Validation Failed",
        errors=[{"resource": resource, "field": field, "code": "custom", "message": message}],
    )


def page(items: list[Any], q: dict[str, list[str]], path: str) -> Routed:
    """One page of ``items`` (``per_page`` ≤ 100, ``page`` from 1) with GitHub's ``link`` header."""
    per_page = min(int(q.get("per_page", ["30"])[0]), 100)
    number = int(q.get("page", ["1"])[0])
    last = max(1, -(-len(items) // per_page))
    chunk = items[(number - 1) * per_page : number * per_page]
    links = []
    flat = {k: v[0] for k, v in q.items()}

    def link(p: int, rel: str) -> str:
        return f'<{API}{path}?{urlencode({**flat, "page": str(p)})}>; rel="{rel}"'

    if number > 1:
        links += [link(number - 1, "prev"), link(1, "first")]
    if number < last:
        links += [link(number + 1, "next"), link(last, "last")]
    return 200, chunk, ({"link": ", ".join(links)} if links else {})
