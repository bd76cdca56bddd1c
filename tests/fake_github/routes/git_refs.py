"""Git references: read a branch, create one (422 "Reference already exists")."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tests.fake_github import shapes
from tests.fake_github.http import NOT_FOUND, Match, Reply, Route, Routed

if TYPE_CHECKING:
    from tests.fake_github.fake import FakeGitHub


def get_ref(gh: FakeGitHub, m: Match, q: Any, body: Any, path: str) -> Routed:
    branch = m["branch"]
    if branch not in gh.branches:
        raise Reply(404, NOT_FOUND)
    return 200, shapes.git_ref(gh, branch), {}


def post_ref(gh: FakeGitHub, m: Match, q: Any, body: Any, path: str) -> Routed:
    gh.require("contents")
    ref, sha = body.get("ref", ""), body.get("sha", "")
    if not ref.startswith("refs/") or ref.count("/") < 2:
        raise Reply(422, "Reference name must start with 'refs/' and have at least two slashes.")
    if sha not in gh.commits:
        raise Reply(422, "Object does not exist")
    branch = ref.removeprefix("refs/heads/")
    if branch in gh.branches:
        raise Reply(422, "Reference already exists")
    gh.branches[branch] = sha
    return 201, shapes.git_ref(gh, branch), {}


ROUTES: list[Route] = [
    ("GET", r"/git/ref/heads/(?P<branch>.+)", get_ref),
    ("POST", r"/git/refs", post_ref),
]
