"""Git references: read a branch, create one (422 "Reference already exists"); other refs
(``refs/postmortem-locks/…``): read, create, update (a fast-forward, or ``force``) and delete."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tests.fake_github import shapes
from tests.fake_github.http import API, NOT_FOUND, Match, Reply, Route, Routed

if TYPE_CHECKING:
    from tests.fake_github.fake import FakeGitHub


def get_ref(gh: FakeGitHub, m: Match, q: Any, body: Any, path: str) -> Routed:
    branch = m["branch"]
    if branch not in gh.branches:
        raise Reply(404, NOT_FOUND)
    return 200, shapes.git_ref(gh, branch), {}


def post_ref(gh: FakeGitHub, m: Match, q: Any, body: Any, path: str) -> Routed:
    gh.require("contents")
    ref, sha = body.get("ref", ""), body.get("sha", "")
    if not ref.startswith("refs/") or ref.count("/") < 2:
        raise Reply(422, "Reference name must start with 'refs/' and have at least two slashes.")
    if sha not in gh.commits:
        raise Reply(422, "Object does not exist")
    if not ref.startswith("refs/heads/"):
        if ref in gh.refs:
            raise Reply(422, "Reference already exists")
        gh.refs[ref] = sha
        return 201, _ref_shape(gh, ref), {}
    branch = ref.removeprefix("refs/heads/")
    if branch in gh.branches:
        raise Reply(422, "Reference already exists")
    gh.branches[branch] = sha
    return 201, shapes.git_ref(gh, branch), {}


def _ref_shape(gh: FakeGitHub, ref: str) -> dict[str, Any]:
    """The "git-ref" schema of a ref outside ``refs/heads/``."""
    sha = gh.refs[ref]
    return {
        "ref": ref,
        "node_id": "MDM6UmVmcmVmcy9wb3N0bW9ydGVtLWxvY2tz",
        "url": f"{API}/repos/{gh.repository}/git/{ref}",
        "object": {"type": "commit", "sha": sha, "url": f"{API}/repos/{gh.repository}/git/commits/{sha}"},
    }


def get_other_ref(gh: FakeGitHub, m: Match, q: Any, body: Any, path: str) -> Routed:
    ref = f"refs/{m['ref']}"
    if ref not in gh.refs:
        raise Reply(404, NOT_FOUND)
    return 200, _ref_shape(gh, ref), {}


def patch_other_ref(gh: FakeGitHub, m: Match, q: Any, body: Any, path: str) -> Routed:
    """``PATCH git/refs/{ref}``: a fast-forward unless ``force`` (422 "Update is not a fast forward")."""
    gh.require("contents")
    ref, sha = f"refs/{m['ref']}", body.get("sha")
    if ref not in gh.refs:
        raise Reply(422, "Reference does not exist")
    if sha not in gh.commits:
        raise Reply(422, "Object does not exist")
    if not body.get("force") and sha != gh.refs[ref] and gh.commits[sha].parent != gh.refs[ref]:
        raise Reply(422, "Update is not a fast forward")
    gh.refs[ref] = sha
    return 200, _ref_shape(gh, ref), {}


def delete_ref(gh: FakeGitHub, m: Match, q: Any, body: Any, path: str) -> Routed:
    """``DELETE git/refs/{ref}``: 204; 422 "Reference does not exist" when it is gone."""
    gh.require("contents")
    ref = f"refs/{m['ref']}"
    if ref.startswith("refs/heads/") and ref.removeprefix("refs/heads/") in gh.branches:
        del gh.branches[ref.removeprefix("refs/heads/")]
    elif ref in gh.refs:
        del gh.refs[ref]
    else:
        raise Reply(422, "Reference does not exist")
    return 204, None, {}


ROUTES: list[Route] = [
    ("GET", r"/git/ref/heads/(?P<branch>.+)", get_ref),
    ("GET", r"/git/ref/(?P<ref>(?!heads/).+)", get_other_ref),
    ("POST", r"/git/refs", post_ref),
    ("PATCH", r"/git/refs/(?P<ref>(?!heads/).+)", patch_other_ref),
    ("DELETE", r"/git/refs/(?P<ref>.+)", delete_ref),
]
