"""Deleting an issue comment and taking one label off an issue (GitHub's ``issues/delete-comment`` and
``issues/remove-label``, as described in ``../shared/real/rest/github-rest-more.operations.json``).

* ``DELETE /issues/comments/{id}`` → 204 with no body; 404 when there is no such comment.
* ``DELETE /issues/{n}/labels/{name}`` → 200 with the labels left on the issue; 404 ``Label does not exist``
  when the issue does not carry it (names compare case-insensitively, as GitHub's label names do).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tests.fake_github import shapes
from tests.fake_github.http import Match, Reply, Route, Routed

if TYPE_CHECKING:
    from tests.fake_github.fake import FakeGitHub


def delete_comment(gh: FakeGitHub, m: Match, q: Any, body: Any, path: str) -> Routed:
    comment = gh.comment(m["id"])
    gh.require("issues")
    del gh.comments[comment.id]
    return 204, None, {}


def remove_label(gh: FakeGitHub, m: Match, q: Any, body: Any, path: str) -> Routed:
    item = gh.item(m["n"])
    gh.require("pull-requests" if item.is_pull and gh.token_permissions["issues"] != "write" else "issues")
    name = m["name"].lower()
    if name not in (label.lower() for label in item.labels):
        raise Reply(404, "Label does not exist")
    item.labels = [label for label in item.labels if label.lower() != name]
    item.updated_at = gh.now()
    return 200, [shapes.label(gh, gh.labels[n.lower()]) for n in item.labels], {}


ROUTES: list[Route] = [
    ("DELETE", r"/issues/comments/(?P<id>\d+)", delete_comment),
    ("DELETE", r"/issues/(?P<n>\d+)/labels/(?P<name>[^/]+)", remove_label),
]
