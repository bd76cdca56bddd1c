"""Pull request reviews, as the REST API lists them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tests.fake_github import shapes
from tests.fake_github.http import API, WEB, Match, Route, Routed, page

if TYPE_CHECKING:
    from tests.fake_github.fake import FakeGitHub


def list_reviews(gh: FakeGitHub, m: Match, q: Any, body: Any, path: str) -> Routed:
    item = gh.pull(m["n"])
    reviews = [r for r in gh.reviews if r.pr == item.number]
    status, chunk, headers = page(reviews, q, path)
    out = [
        {
            "id": r.id,
            "node_id": "MDE3OlB1bGxSZXF1ZXN0UmV2aWV3ODA=",
            "user": shapes.user(gh, r.user),
            "body": r.body,
            "state": r.state,
            "html_url": f"{WEB}/{gh.repository}/pull/{item.number}#pullrequestreview-{r.id}",
            "pull_request_url": f"{API}/repos/{gh.repository}/pulls/{item.number}",
            "_links": {
                "html": {"href": f"{WEB}/{gh.repository}/pull/{item.number}#pullrequestreview-{r.id}"},
                "pull_request": {"href": f"{API}/repos/{gh.repository}/pulls/{item.number}"},
            },
            **({"submitted_at": r.submitted_at} if r.submitted_at else {}),
            "commit_id": r.commit_id,
            "author_association": "COLLABORATOR",
        }
        for r in chunk
    ]
    return status, out, headers


ROUTES: list[Route] = [
    ("GET", r"/pulls/(?P<n>\d+)/reviews", list_reviews),
]
