"""The repository itself and collaborator permissions."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tests.fake_github import shapes
from tests.fake_github.http import Match, Reply, Route, Routed

if TYPE_CHECKING:
    from tests.fake_github.fake import FakeGitHub


def get_repo(gh: FakeGitHub, m: Match, q: Any, body: Any, path: str) -> Routed:
    return 200, shapes.repo(gh), {}


def get_permission(gh: FakeGitHub, m: Match, q: Any, body: Any, path: str) -> Routed:
    login = m["login"]
    if login not in gh.permissions:
        raise Reply(404, f"{login} is not a user")
    role = gh.permissions[login]
    legacy = {"maintain": "write", "triage": "read"}.get(role, role)
    user = {**(shapes.user(gh, login) or {}), "role_name": role}  # the "nullable-collaborator" schema
    return 200, {"permission": legacy, "role_name": role, "user": user}, {}


ROUTES: list[Route] = [
    ("GET", r"", get_repo),
    ("GET", r"/collaborators/(?P<login>[^/]+)/permission", get_permission),
]
