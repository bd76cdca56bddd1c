"""Pull requests: list, create (422 when one exists for the head, 403 when Actions may not), read, edit,
request reviewers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tests.fake_github import shapes
from tests.fake_github.http import Match, Reply, Route, Routed, page, too_long
from tests.fake_github.state import Item

if TYPE_CHECKING:
    from tests.fake_github.fake import FakeGitHub


def list_pulls(gh: FakeGitHub, m: Match, q: Any, body: Any, path: str) -> Routed:
    state = q.get("state", ["open"])[0]
    pulls = [p for p in gh.pulls() if state == "all" or p.state == state]
    if "head" in q:
        owner, _, branch = q["head"][0].partition(":")
        pulls = [
            p
            for p in pulls
            if owner.lower() == (p.head_repository or gh.repository).split("/")[0].lower()
            and p.head == branch
        ]
    if "base" in q:
        pulls = [p for p in pulls if p.base == q["base"][0]]
    pulls.sort(key=lambda p: p.number, reverse=q.get("direction", ["desc"])[0] == "desc")
    status, chunk, headers = page(pulls, q, path)
    return status, [shapes.pull(gh, p, full=False) for p in chunk], headers


def create_pull(gh: FakeGitHub, m: Match, q: Any, body: Any, path: str) -> Routed:
    gh.require("pull-requests")
    if not gh.actions_can_create_pull_requests and gh.login == "github-actions[bot]":
        raise Reply(403, "GitHub Actions is not permitted to create or approve pull requests.")
    head, base = body.get("head", ""), body.get("base", "")
    head_branch = head.split(":", 1)[-1]
    errors: list[dict[str, Any]] = []
    if head_branch not in gh.branches:
        errors.append({"resource": "PullRequest", "field": "head", "code": "invalid"})
    if base not in gh.branches:
        errors.append({"resource": "PullRequest", "field": "base", "code": "invalid"})
    if not errors and gh.branches[head_branch] == gh.branches[base]:
        errors.append(
            {
                "resource": "PullRequest",
                "code": "custom",
                "message": f"No commits between {base} and {head_branch}",
            }
        )
    if any(p.head == head_branch and p.state == "open" for p in gh.pulls()):
        msg = f"A pull request already exists for {gh.owner}:{head_branch}."
        errors = [{"resource": "PullRequest", "code": "custom", "message": msg}]
    if errors:
        raise Reply(422, "Validation Failed", errors=errors)
    if body.get("draft") and not gh.drafts_supported:
        raise Reply(422, "Draft pull requests are not supported in this repository.")
    if len(body.get("title") or "") > 256:
        raise too_long("Issue", "title", 256)
    item = Item(gh.take_number(), body.get("title") or head_branch, body.get("body"), gh.login, gh.now())
    item.is_pull, item.head, item.base, item.draft = True, head_branch, base, bool(body.get("draft"))
    item.updated_at = item.created_at
    gh.items[item.number] = item
    return 201, shapes.pull(gh, item), {}


def get_pull(gh: FakeGitHub, m: Match, q: Any, body: Any, path: str) -> Routed:
    return 200, shapes.pull(gh, gh.pull(m["n"])), {}


def patch_pull(gh: FakeGitHub, m: Match, q: Any, body: Any, path: str) -> Routed:
    gh.require("pull-requests")
    item = gh.pull(m["n"])
    for key in ("title", "body", "state", "base"):
        if key in body:
            setattr(item, key, body[key])
    item.updated_at = gh.now()
    item.closed_at = item.updated_at if item.state == "closed" else None
    return 200, shapes.pull(gh, item), {}


def request_reviewers(gh: FakeGitHub, m: Match, q: Any, body: Any, path: str) -> Routed:
    gh.require("pull-requests")
    item = gh.pull(m["n"])
    users = body.get("reviewers") or []
    teams = body.get("team_reviewers") or []
    if item.user in users:
        raise Reply(422, "Review cannot be requested from pull request author.")
    unknown = [u for u in users if gh.permissions.get(u, "none") == "none"]
    if unknown:
        raise Reply(
            422,
            "Reviews may only be requested from collaborators. One or more of the users or teams you specified is not a collaborator of the "
            f"{gh.repository} repository.",
        )
    item.requested_reviewers += [u for u in users if u not in item.requested_reviewers]
    item.requested_teams += [t for t in teams if t not in item.requested_teams]
    return 201, shapes.pull(gh, item), {}


ROUTES: list[Route] = [
    ("GET", r"/pulls", list_pulls),
    ("POST", r"/pulls", create_pull),
    ("GET", r"/pulls/(?P<n>\d+)", get_pull),
    ("PATCH", r"/pulls/(?P<n>\d+)", patch_pull),
    ("POST", r"/pulls/(?P<n>\d+)/requested_reviewers", request_reviewers),
]
