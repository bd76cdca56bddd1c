"""GraphQL ``createCommitOnBranch`` (``POST /graphql``): one commit of several files, answered as GitHub does.

Refusals come back with HTTP 200 and an ``errors`` list: a head other than ``expectedHeadOid`` ("Expected
branch to point to …"), a protected branch ("Repository rule violations found"), a token without
``contents: write`` ("Resource not accessible by integration"). Any other query answers an error: the action
sends no other.
"""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING, Any

from tests.fake_github.http import WEB, Match, Route, Routed

if TYPE_CHECKING:
    from tests.fake_github.fake import FakeGitHub


def _errors(message: str, kind: str = "UNPROCESSABLE") -> Routed:
    return 200, {"data": {"createCommitOnBranch": None}, "errors": [{"type": kind, "message": message}]}, {}


def post_graphql(gh: FakeGitHub, m: Match, q: Any, body: Any, path: str) -> Routed:
    query = str((body or {}).get("query") or "")
    if "createCommitOnBranch" not in query:
        return 200, {"errors": [{"message": "The fake answers createCommitOnBranch only"}]}, {}
    data = ((body or {}).get("variables") or {}).get("input") or {}
    target = data.get("branch") or {}
    branch = str(target.get("branchName") or "")
    if str(target.get("repositoryNameWithOwner") or "").casefold() != gh.repository.casefold():
        return _errors(
            f"Could not resolve to a Repository with the name '{target.get('repositoryNameWithOwner')}'.",
            "NOT_FOUND",
        )
    if gh.token_permissions.get("contents") != "write":
        return _errors("Resource not accessible by integration", "FORBIDDEN")
    if branch not in gh.branches:
        return _errors(f'A ref named "refs/heads/{branch}" does not exist.', "NOT_FOUND")
    head = gh.branches[branch]
    if data.get("expectedHeadOid") != head:
        return _errors(
            f'Expected branch to point to "{data.get("expectedHeadOid")}" but it did not. Pull and try again.',
            "STALE_DATA",
        )
    if branch in gh.protected_branches:
        return _errors("Repository rule violations found\n\nChanges must be made through a pull request.\n\n")
    tree = dict(gh.resolve(head).tree)
    changes = data.get("fileChanges") or {}
    for addition in changes.get("additions") or []:
        tree[str(addition["path"])] = base64.b64decode(str(addition["contents"]))
    for deletion in changes.get("deletions") or []:
        tree.pop(str(deletion["path"]), None)
    message = data.get("message") or {}
    text = str(message.get("headline") or "") + (f"\n\n{message['body']}" if message.get("body") else "")
    sha = gh.new_commit(head, tree, text, gh.login)
    gh.branches[branch] = sha
    commit = {"oid": sha, "url": f"{WEB}/{gh.repository}/commit/{sha}"}
    return 200, {"data": {"createCommitOnBranch": {"commit": commit}}}, {}


ROUTES: list[Route] = [("POST", r"/graphql", post_graphql)]
