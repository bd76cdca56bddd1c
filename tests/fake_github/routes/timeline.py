"""An issue's timeline (``GET /issues/{n}/timeline``), derived from the fake's state: its comments
(``commented``, with the comment's body and author) and its recorded events (``labeled``, ``closed``,
``reopened``, each by its actor), oldest first, paginated like every listing."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tests.fake_github import shapes
from tests.fake_github.http import Match, Route, Routed, page

if TYPE_CHECKING:
    from tests.fake_github.fake import FakeGitHub
    from tests.fake_github.state import EventRecord


def _event(gh: FakeGitHub, e: EventRecord) -> dict[str, Any]:
    """The "labeled-issue-event" / "state-change-issue-event" shapes (the fields the action and GitHub share)."""
    data: dict[str, Any] = {
        "id": e.id,
        "node_id": "LE_lADODwFebM5HwC0kzwAAAAF_Roqs",
        "url": f"{shapes.API}/repos/{gh.repository}/issues/events/{e.id}",
        "actor": shapes.user(gh, e.actor),
        "event": e.event,
        "commit_id": None,
        "commit_url": None,
        "created_at": e.created_at,
        "performed_via_github_app": None,
    }
    if e.label is not None:
        label = gh.labels.get(e.label.lower())
        data["label"] = {"name": e.label, "color": label.color if label else "ededed"}
    return data


def list_timeline(gh: FakeGitHub, m: Match, q: Any, body: Any, path: str) -> Routed:
    item = gh.item(m["n"])
    entries: list[tuple[str, int, dict[str, Any]]] = []
    for c in gh.comments_on(item.number):
        # the "timeline-comment-event" shape: the issue comment plus ``event`` and ``actor``
        data = shapes.comment(gh, c) | {"event": "commented", "actor": shapes.user(gh, c.user)}
        entries.append((c.created_at, c.id, data))
    for e in gh.events:
        if e.number == item.number:
            entries.append((e.created_at, e.id, _event(gh, e)))
    entries.sort(key=lambda entry: (entry[0], entry[1]))
    return page([data for _, _, data in entries], q, path)


ROUTES: list[Route] = [
    ("GET", r"/issues/(?P<n>\d+)/timeline", list_timeline),
]
