"""Files: read a file or a directory listing at a ref, create or update a file on a branch.

PUT answers as GitHub does: 409 for a stale ``sha`` or a protected branch, 422 without ``sha`` for an
existing file.
"""

from __future__ import annotations

import base64
import hashlib
from typing import TYPE_CHECKING, Any

from tests.fake_github import shapes
from tests.fake_github.http import API, NOT_FOUND, WEB, Match, Reply, Route, Routed
from tests.fake_github.state import blob_sha

if TYPE_CHECKING:
    from tests.fake_github.fake import FakeGitHub


def get_contents(gh: FakeGitHub, m: Match, q: Any, body: Any, path: str) -> Routed:
    file_path = m["path"].strip("/")
    ref = q.get("ref", [None])[0]
    commit = gh.resolve(ref)
    ref_name = ref or gh.default_branch
    if file_path in commit.tree:
        return 200, shapes.content(gh, file_path, commit.tree[file_path], ref_name), {}
    prefix = f"{file_path}/" if file_path else ""
    children: dict[str, str] = {}
    for p in sorted(commit.tree):
        if p.startswith(prefix):
            head, _, rest = p[len(prefix) :].partition("/")
            children.setdefault(head, "dir" if rest else "file")
    if not children:
        raise Reply(404, NOT_FOUND)
    listing = []
    for name, kind in children.items():
        child = f"{prefix}{name}"
        if kind == "file":
            entry = shapes.content(gh, child, commit.tree[child], ref_name)
            del entry["content"], entry["encoding"]
        else:
            sha = hashlib.sha1(
                repr(sorted((p, d) for p, d in commit.tree.items() if p.startswith(child + "/"))).encode()
            ).hexdigest()
            entry = {"type": "dir", "size": 0, "name": name, "path": child, "sha": sha, "download_url": None,
                     "url": f"{API}/repos/{gh.repository}/contents/{child}?ref={ref_name}",
                     "html_url": f"{WEB}/{gh.repository}/tree/{ref_name}/{child}",
                     "git_url": f"{API}/repos/{gh.repository}/git/trees/{sha}"}  # fmt: skip
            entry["_links"] = {"self": entry["url"], "git": entry["git_url"], "html": entry["html_url"]}
        listing.append(entry)
    return 200, listing, {}


def put_contents(gh: FakeGitHub, m: Match, q: Any, body: Any, path: str) -> Routed:
    gh.require("contents")
    file_path = m["path"].strip("/")
    branch = body.get("branch") or gh.default_branch
    if branch not in gh.branches:
        raise Reply(404, f"Branch {branch} not found")
    if branch in gh.protected_branches:
        raise Reply(
            409, "Repository rule violations found\n\nChanges must be made through a pull request.\n\n"
        )
    head = gh.commits[gh.branches[branch]]
    existing = head.tree.get(file_path)
    sha = body.get("sha")
    if existing is not None and not sha:
        raise Reply(422, 'Invalid request.\n\n"sha" wasn\'t supplied.')
    if sha and (existing is None or blob_sha(existing) != sha):
        raise Reply(409, f"{file_path} does not match {sha}")
    data = base64.b64decode(body["content"])
    tree = dict(head.tree)
    tree[file_path] = data
    author = (body.get("author") or body.get("committer") or {}).get("name", gh.login)
    new = gh.new_commit(head.sha, tree, body["message"], author)
    gh.branches[branch] = new
    commit = {
        "sha": new,
        "url": f"{API}/repos/{gh.repository}/git/commits/{new}",
        "html_url": f"{WEB}/{gh.repository}/commit/{new}",
        "message": body["message"],
        "author": {
            "name": author,
            "email": "41898282+github-actions[bot]@users.noreply.github.com",
            "date": gh.now(),
        },
        "parents": [{"sha": head.sha, "url": f"{API}/repos/{gh.repository}/git/commits/{head.sha}"}],
    }
    content = shapes.content(gh, file_path, data, branch)
    del content["content"], content["encoding"]
    return (201 if existing is None else 200), {"content": content, "commit": commit}, {}


ROUTES: list[Route] = [
    ("GET", r"/contents(?P<path>(?:/.*)?)", get_contents),
    ("PUT", r"/contents/(?P<path>.+)", put_contents),
]
