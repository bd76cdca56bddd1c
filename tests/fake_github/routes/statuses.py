"""Commit statuses: list a commit's, create one (description ≤ 140 characters)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tests.fake_github import shapes
from tests.fake_github.http import Match, Reply, Route, Routed, page, too_long
from tests.fake_github.state import StatusRecord

if TYPE_CHECKING:
    from tests.fake_github.fake import FakeGitHub


def list_statuses(gh: FakeGitHub, m: Match, q: Any, body: Any, path: str) -> Routed:
    status, chunk, headers = page(gh.statuses_for(m["sha"]), q, path)
    return status, [shapes.status(gh, s) for s in chunk], headers


def create_status(gh: FakeGitHub, m: Match, q: Any, body: Any, path: str) -> Routed:
    gh.require("statuses")
    sha = m["sha"]
    if sha not in gh.commits:
        raise Reply(422, f"No commit found for SHA: {sha}")
    if len(body.get("description") or "") > 140:
        raise too_long("Status", "description", 140)
    record = StatusRecord(gh.new_id(), sha, body["state"], body.get("context") or "default",
                          body.get("description"), body.get("target_url"), gh.now())  # fmt: skip
    gh.statuses.append(record)
    return 201, shapes.status(gh, record), {}


ROUTES: list[Route] = [
    ("GET", r"/commits/(?P<sha>[0-9a-f]+)/statuses", list_statuses),
    ("POST", r"/statuses/(?P<sha>[0-9a-f]+)", create_status),
]
