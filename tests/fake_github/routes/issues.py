"""Issues: list (filtered by state, labels, creator), create, read, edit."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tests.fake_github import shapes
from tests.fake_github.http import Match, Reply, Route, Routed, page, too_long
from tests.fake_github.state import Item

if TYPE_CHECKING:
    from tests.fake_github.fake import FakeGitHub


def list_issues(gh: FakeGitHub, m: Match, q: Any, body: Any, path: str) -> Routed:
    state = q.get("state", ["open"])[0]
    items = [i for i in gh.items.values() if state == "all" or i.state == state]
    for name in q["labels"][0].split(",") if q.get("labels") and q["labels"][0] else []:
        items = [i for i in items if name.strip().lower() in (n.lower() for n in i.labels)]
    if "creator" in q:
        items = [i for i in items if i.user == q["creator"][0]]
    items.sort(key=lambda i: i.number, reverse=q.get("direction", ["desc"])[0] == "desc")
    status, chunk, headers = page(items, q, path)
    return status, [shapes.issue(gh, i) for i in chunk], headers


def create_issue(gh: FakeGitHub, m: Match, q: Any, body: Any, path: str) -> Routed:
    gh.require("issues")
    title = body.get("title") or ""
    if not title:
        raise Reply(
            422,
            "Validation Failed",
            errors=[{"resource": "Issue", "field": "title", "code": "missing_field"}],
        )
    if len(title) > 256:
        raise too_long("Issue", "title", 256)
    item = Item(gh.take_number(), title, body.get("body"), gh.login, gh.now())
    item.updated_at = item.created_at
    item.assignees = list(body.get("assignees") or [])
    gh.apply_labels(item, body.get("labels") or [])
    gh.items[item.number] = item
    return 201, shapes.issue(gh, item), {}


def get_issue(gh: FakeGitHub, m: Match, q: Any, body: Any, path: str) -> Routed:
    return 200, shapes.issue(gh, gh.item(m["n"])), {}


def patch_issue(gh: FakeGitHub, m: Match, q: Any, body: Any, path: str) -> Routed:
    item = gh.item(m["n"])
    gh.require("pull-requests" if item.is_pull and gh.token_permissions["issues"] != "write" else "issues")
    for key in ("title", "body"):
        if key in body:
            setattr(item, key, body[key])
    if "assignees" in body:
        item.assignees = list(body["assignees"] or [])
    if "labels" in body:
        item.labels = []
        gh.apply_labels(item, body["labels"] or [])
    if body.get("state") and body["state"] != item.state:
        item.state = body["state"]
        stamp = gh.now()
        item.closed_at = stamp if item.state == "closed" else None
        gh.record_event(item, "closed" if item.state == "closed" else "reopened", gh.login, at=stamp)
        item.state_reason = body.get("state_reason") or (
            "completed" if item.state == "closed" else "reopened"
        )
    elif "state_reason" in body:
        item.state_reason = body["state_reason"]
    item.updated_at = gh.now()
    return 200, shapes.issue(gh, item), {}


ROUTES: list[Route] = [
    ("GET", r"/issues", list_issues),
    ("POST", r"/issues", create_issue),
    ("GET", r"/issues/(?P<n>\d+)", get_issue),
    ("PATCH", r"/issues/(?P<n>\d+)", patch_issue),
]
