"""Issue and pull request comments: list, create, read, edit."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tests.fake_github import shapes
from tests.fake_github.http import Match, Route, Routed, page, too_long

if TYPE_CHECKING:
    from tests.fake_github.fake import FakeGitHub


def list_comments(gh: FakeGitHub, m: Match, q: Any, body: Any, path: str) -> Routed:
    item = gh.item(m["n"])
    status, chunk, headers = page(gh.comments_on(item.number), q, path)
    return status, [shapes.comment(gh, c) for c in chunk], headers


def create_comment(gh: FakeGitHub, m: Match, q: Any, body: Any, path: str) -> Routed:
    item = gh.item(m["n"])
    gh.require("pull-requests" if item.is_pull and gh.token_permissions["issues"] != "write" else "issues")
    if len(body.get("body") or "") > 65536:
        raise too_long("IssueComment", "body", 65536)
    comment = gh.add_comment(item.number, body["body"], user=gh.login)
    return 201, shapes.comment(gh, comment), {}


def get_comment(gh: FakeGitHub, m: Match, q: Any, body: Any, path: str) -> Routed:
    return 200, shapes.comment(gh, gh.comment(m["id"])), {}


def patch_comment(gh: FakeGitHub, m: Match, q: Any, body: Any, path: str) -> Routed:
    gh.require("issues")
    comment = gh.comment(m["id"])
    comment.body, comment.updated_at = body["body"], gh.now()
    return 200, shapes.comment(gh, comment), {}


ROUTES: list[Route] = [
    ("GET", r"/issues/comments/(?P<id>\d+)", get_comment),
    ("PATCH", r"/issues/comments/(?P<id>\d+)", patch_comment),
    ("GET", r"/issues/(?P<n>\d+)/comments", list_comments),
    ("POST", r"/issues/(?P<n>\d+)/comments", create_comment),
]
