"""Labels: the repository's (list, create) and an issue's (add)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tests.fake_github import shapes
from tests.fake_github.http import Match, Reply, Route, Routed, page

if TYPE_CHECKING:
    from tests.fake_github.fake import FakeGitHub


def add_labels(gh: FakeGitHub, m: Match, q: Any, body: Any, path: str) -> Routed:
    item = gh.item(m["n"])
    gh.require("pull-requests" if item.is_pull and gh.token_permissions["issues"] != "write" else "issues")
    names = body.get("labels", []) if isinstance(body, dict) else body
    gh.apply_labels(item, names)
    item.updated_at = gh.now()
    return 200, [shapes.label(gh, gh.labels[n.lower()]) for n in item.labels], {}


def list_labels(gh: FakeGitHub, m: Match, q: Any, body: Any, path: str) -> Routed:
    status, chunk, headers = page(list(gh.labels.values()), q, path)
    return status, [shapes.label(gh, label) for label in chunk], headers


def create_label(gh: FakeGitHub, m: Match, q: Any, body: Any, path: str) -> Routed:
    gh.require("issues")
    name = body.get("name", "")
    if name.lower() in gh.labels:
        raise Reply(
            422,
            "Validation Failed",
            errors=[{"resource": "Label", "code": "already_exists", "field": "name"}],
        )
    label = gh.add_label(name, (body.get("color") or "ededed").lstrip("#"), body.get("description"))
    return 201, shapes.label(gh, label), {}


ROUTES: list[Route] = [
    ("POST", r"/issues/(?P<n>\d+)/labels", add_labels),
    ("GET", r"/labels", list_labels),
    ("POST", r"/labels", create_label),
]
