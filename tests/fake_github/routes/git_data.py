"""The Git Data API: one commit of several files (``GET``/``POST git/trees``, ``POST git/commits``, ``PATCH
git/refs/heads/<branch>``), answering as GitHub does: a moved head refuses a non-forced update with 422
"Update is not a fast forward", a protected branch with 422 "Repository rule violations found"."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from tests.fake_github import shapes
from tests.fake_github.http import API, NOT_FOUND, WEB, Match, Reply, Route, Routed
from tests.fake_github.state import blob_sha

if TYPE_CHECKING:
    from tests.fake_github.fake import FakeGitHub


def _tree_sha(tree: dict[str, bytes]) -> str:
    return hashlib.sha1(repr(sorted((p, blob_sha(d)) for p, d in tree.items())).encode()).hexdigest()


def _tree_shape(gh: FakeGitHub, sha: str, tree: dict[str, bytes]) -> dict[str, Any]:
    entries = [
        {
            "path": path,
            "mode": "100644",
            "type": "blob",
            "size": len(data),
            "sha": blob_sha(data),
            "url": f"{API}/repos/{gh.repository}/git/blobs/{blob_sha(data)}",
        }
        for path, data in sorted(tree.items())
    ]
    return {
        "sha": sha,
        "url": f"{API}/repos/{gh.repository}/git/trees/{sha}",
        "tree": entries,
        "truncated": False,
    }


def _store(gh: FakeGitHub, tree: dict[str, bytes]) -> str:
    sha = _tree_sha(tree)
    gh.trees[sha] = tree
    return sha


def get_tree(gh: FakeGitHub, m: Match, q: Any, body: Any, path: str) -> Routed:
    """A tree by its sha, or the tree of a commit or branch (as GitHub accepts); recursive either way."""
    ref = m["sha"]
    if ref in gh.trees:
        return 200, _tree_shape(gh, ref, gh.trees[ref]), {}
    if ref in gh.branches or ref in gh.commits:
        tree = gh.resolve(ref).tree
        return 200, _tree_shape(gh, _store(gh, tree), tree), {}
    raise Reply(404, NOT_FOUND)


def post_tree(gh: FakeGitHub, m: Match, q: Any, body: Any, path: str) -> Routed:
    gh.require("contents")
    base = body.get("base_tree")
    if base is not None and base not in gh.trees:
        raise Reply(422, "Invalid tree info")
    tree = dict(gh.trees[base]) if base is not None else {}
    for entry in body.get("tree") or []:
        if entry.get("type") != "blob" or "content" not in entry:
            raise Reply(422, "Invalid tree info")
        tree[entry["path"]] = str(entry["content"]).encode("utf-8")
    sha = _store(gh, tree)
    return 201, _tree_shape(gh, sha, tree), {}


def post_commit(gh: FakeGitHub, m: Match, q: Any, body: Any, path: str) -> Routed:
    gh.require("contents")
    tree_sha, parents = body.get("tree"), list(body.get("parents") or [])
    if tree_sha not in gh.trees or any(p not in gh.commits for p in parents) or len(parents) > 1:
        raise Reply(
            422, "Tree SHA does not exist" if tree_sha not in gh.trees else "Parent SHA does not exist"
        )
    message = str(body.get("message") or "")
    sha = gh.new_commit(parents[0] if parents else None, dict(gh.trees[tree_sha]), message, gh.login)
    person = {
        "date": gh.now(),
        "name": gh.login,
        "email": "41898282+github-actions[bot]@users.noreply.github.com",
    }
    return (
        201,
        {
            "sha": sha,
            "node_id": "C_kwDOAAAAAAAAAAAA",
            "url": f"{API}/repos/{gh.repository}/git/commits/{sha}",
            "html_url": f"{WEB}/{gh.repository}/commit/{sha}",
            "author": person,
            "committer": person,
            "message": message,
            "tree": {"sha": tree_sha, "url": f"{API}/repos/{gh.repository}/git/trees/{tree_sha}"},
            "parents": [
                {"sha": p, "url": f"{API}/repos/{gh.repository}/git/commits/{p}", "html_url": f"{WEB}/{gh.repository}/commit/{p}"}
                for p in parents
            ],
            "verification": {"verified": False, "reason": "unsigned", "signature": None, "payload": None, "verified_at": None},
        },
        {},
    )  # fmt: skip


def patch_ref(gh: FakeGitHub, m: Match, q: Any, body: Any, path: str) -> Routed:
    gh.require("contents")
    branch, sha = m["branch"], body.get("sha")
    if branch not in gh.branches:
        raise Reply(422, "Reference does not exist")
    if sha not in gh.commits:
        raise Reply(422, "Object does not exist")
    if branch in gh.protected_branches:
        raise Reply(
            422, "Repository rule violations found\n\nChanges must be made through a pull request.\n\n"
        )
    if not body.get("force") and gh.commits[sha].parent != gh.branches[branch] and sha != gh.branches[branch]:
        raise Reply(422, "Update is not a fast forward")
    gh.branches[branch] = sha
    return 200, shapes.git_ref(gh, branch), {}


def get_commit(gh: FakeGitHub, m: Match, q: Any, body: Any, path: str) -> Routed:
    """``GET git/commits/{sha}``: the "git-commit" schema (its message, tree and parents)."""
    sha = m["sha"]
    if sha not in gh.commits:
        raise Reply(404, NOT_FOUND)
    commit = gh.commits[sha]
    tree_sha = _store(gh, dict(commit.tree))
    person = {"date": gh.now(), "name": commit.author, "email": f"{commit.author}@users.noreply.github.com"}
    parents = [commit.parent] if commit.parent else []
    return (
        200,
        {
            "sha": sha,
            "node_id": "C_kwDOAAAAAAAAAAAA",
            "url": f"{API}/repos/{gh.repository}/git/commits/{sha}",
            "html_url": f"{WEB}/{gh.repository}/commit/{sha}",
            "author": person,
            "committer": person,
            "message": commit.message,
            "tree": {"sha": tree_sha, "url": f"{API}/repos/{gh.repository}/git/trees/{tree_sha}"},
            "parents": [
                {"sha": p, "url": f"{API}/repos/{gh.repository}/git/commits/{p}", "html_url": f"{WEB}/{gh.repository}/commit/{p}"}
                for p in parents
            ],
            "verification": {"verified": False, "reason": "unsigned", "signature": None, "payload": None, "verified_at": None},
        },
        {},
    )  # fmt: skip


ROUTES: list[Route] = [
    ("GET", r"/git/commits/(?P<sha>[0-9a-f]{40})", get_commit),
    ("GET", r"/git/trees/(?P<sha>[^/]+)", get_tree),
    ("POST", r"/git/trees", post_tree),
    ("POST", r"/git/commits", post_commit),
    ("PATCH", r"/git/refs/heads/(?P<branch>.+)", patch_ref),
]
