"""Organization team members (404 for a ``GITHUB_TOKEN``, which cannot read teams)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tests.fake_github import shapes
from tests.fake_github.http import NOT_FOUND, Match, Reply, Route, Routed, page

if TYPE_CHECKING:
    from tests.fake_github.fake import FakeGitHub


def team_members(gh: FakeGitHub, m: Match, q: Any, body: Any, path: str) -> Routed:
    team = f"{m['org']}/{m['slug']}"
    if team in gh.unreadable_teams:
        status = gh.unreadable_teams[team]
        raise Reply(status, NOT_FOUND if status == 404 else "Resource not accessible by integration")
    if team not in gh.teams:
        raise Reply(404, NOT_FOUND)
    status, chunk, headers = page(gh.teams[team], q, path)
    return status, [shapes.user(gh, login) for login in chunk], headers


ROUTES: list[Route] = [
    ("GET", r"/orgs/(?P<org>[^/]+)/teams/(?P<slug>[^/]+)/members", team_members),
]
