"""A stateful, in-memory fake of the part of GitHub's REST API the action uses.

It is registered on a ``responses.RequestsMock`` (one regex callback per HTTP method) and keeps explicit state:
branches pointing at commits, a file tree per commit, issues and pull requests sharing one number sequence,
comments, labels, reviews, commit statuses, collaborator permissions and teams.

Answers follow GitHub's documented shapes (``/work/shared/real/rest`` examples) and the error answers observed
in the wild:

* PUT contents with a stale ``sha`` → 409 ``"<path> does not match <sha>"``; without ``sha`` for an existing
  file → 422 ``Invalid request.\\n\\n"sha" wasn't supplied.``
* PUT contents on a protected branch (classic protection or a ruleset) → 409
  ``Repository rule violations found\\n\\nChanges must be made through a pull request.``
* POST git/refs for an existing branch → 422 ``Reference already exists``.
* POST pulls for a head that already has an open PR → 422 ``Validation Failed`` with
  ``A pull request already exists for owner:branch.``
* POST pulls while "Allow GitHub Actions to create and approve pull requests" is off → 403
  ``GitHub Actions is not permitted to create or approve pull requests.``
* A write outside the token's ``permissions:`` → 403 ``Resource not accessible by integration``.
* Team members with a ``GITHUB_TOKEN`` → 404 ``Not Found`` (the token cannot read organization teams).

Use :meth:`FakeGitHub.fail_next` (or :meth:`rate_limit_next`) to inject failures; ``after=True`` applies the
write and *then* answers the injected status, the "processed, then 502" case that makes blind POST retries
create duplicates.

Everything is in one class on purpose: tests read and seed state directly (``fake.issues[3].labels``,
``fake.file_text("main", "README.md")``) and count requests (``fake.count("POST")``, ``fake.writes``).
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import time
import zlib
from dataclasses import dataclass, field
from typing import Any, ClassVar
from urllib.parse import parse_qs, unquote, urlencode, urlsplit

import responses

API = "https://api.github.com"
WEB = "https://github.com"
_URL = re.compile(r"^https://api\.github\.com(?::443)?/.*")
_NOT_FOUND = "Not Found"
_DOCS = "https://docs.github.com/rest"

SCOPES = ("contents", "pull-requests", "issues", "statuses")
"""The ``permissions:`` scopes the fake enforces on writes (see :meth:`FakeGitHub.revoke`)."""

Answer = tuple[int, dict[str, str], str]
Routed = tuple[int, Any, dict[str, str]]
Match = re.Match[str]


def blob_sha(data: bytes) -> str:
    """The git blob sha of ``data``: sha1 of ``b"blob <len>\\0" + data``, as GitHub reports it."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def _too_long(resource: str, field: str, limit: int) -> Reply:
    message = f"{field} is too long (maximum is {limit} characters)"
    return Reply(
        422,
        "Validation Failed",
        errors=[{"resource": resource, "field": field, "code": "custom", "message": message}],
    )


class Reply(Exception):
    """Raised by a route to answer with an error (status + GitHub-style JSON body)."""

    def __init__(self, status: int, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status = status
        self.body: dict[str, Any] = {"message": message, "documentation_url": _DOCS, "status": str(status)}
        self.body.update(extra)


@dataclass
class Commit:
    sha: str
    message: str
    author: str
    tree: dict[str, bytes]
    parent: str | None = None


@dataclass
class Item:
    """An issue or a pull request (they share the number sequence, labels, assignees and comments)."""

    number: int
    title: str
    body: str | None
    user: str
    created_at: str
    state: str = "open"
    state_reason: str | None = None
    labels: list[str] = field(default_factory=list)
    assignees: list[str] = field(default_factory=list)
    updated_at: str = ""
    closed_at: str | None = None
    # pull-request only
    is_pull: bool = False
    head: str = ""
    base: str = ""
    draft: bool = False
    merged: bool = False
    merged_at: str | None = None
    requested_reviewers: list[str] = field(default_factory=list)
    requested_teams: list[str] = field(default_factory=list)
    head_repository: str | None = None
    """``owner/name`` of a fork the pull request comes from (None: this repository)."""


@dataclass
class CommentRecord:
    id: int
    number: int
    body: str
    user: str
    created_at: str
    updated_at: str


@dataclass
class ReviewRecord:
    id: int
    pr: int
    user: str
    state: str
    submitted_at: str | None
    commit_id: str
    body: str = ""


@dataclass
class StatusRecord:
    id: int
    sha: str
    state: str
    context: str
    description: str | None
    target_url: str | None
    created_at: str


@dataclass
class LabelRecord:
    id: int
    name: str
    color: str = "ededed"
    description: str | None = None


@dataclass
class Failure:
    method: str | None
    path: re.Pattern[str]
    status: int
    body: dict[str, Any] | str
    headers: dict[str, str]
    times: int
    after: bool


@dataclass(frozen=True)
class Logged:
    method: str
    path: str
    query: str
    status: int
    body: Any = None


class FakeGitHub:
    """GitHub for one repository, held in memory; see the module docstring for the behaviour it models."""

    def __init__(
        self,
        repository: str = "Codertocat/Hello-World",
        *,
        default_branch: str = "main",
        private: bool = False,
        login: str = "github-actions[bot]",
    ) -> None:
        self.repository = repository
        self.owner, self.name = repository.split("/")
        self.default_branch = default_branch
        self.private = private
        self.login = login
        """The token's user: author of everything the gateway creates."""
        self.actions_can_create_pull_requests = True
        """Repository setting "Allow GitHub Actions to create and approve pull requests"."""
        self.drafts_supported = True
        """False models a private repository on a plan without draft pull requests (422 on draft=true)."""
        self.token_permissions: dict[str, str] = dict.fromkeys(SCOPES, "write")
        self.commits: dict[str, Commit] = {}
        self.branches: dict[str, str] = {}
        self.protected_branches: set[str] = set()
        self.items: dict[int, Item] = {}
        self.comments: dict[int, CommentRecord] = {}
        self.labels: dict[str, LabelRecord] = {}
        self.permissions: dict[str, str] = {}
        self.reviews: list[ReviewRecord] = []
        self.statuses: list[StatusRecord] = []
        self.teams: dict[str, list[str]] = {}
        self.unreadable_teams: dict[str, int] = {}
        self.log: list[Logged] = []
        self._failures: list[Failure] = []
        self._ids = 1000
        self._clock = 1_704_067_200  # 2024-01-01T00:00:00Z
        self._next_number = 1
        self._commit_counter = 0
        self.branches[default_branch] = self._commit(None, {}, "Initial commit", "octocat")

    # ------------------------------------------------------------------ activation

    def register(self, mock: responses.RequestsMock) -> None:
        """Answer every api.github.com request made through ``mock``."""
        for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
            mock.add_callback(method, _URL, callback=self._dispatch)

    # ------------------------------------------------------------------ seeding helpers

    def add_file(self, branch: str, path: str, text: str | bytes, *, message: str | None = None) -> str:
        """Commit ``path`` on ``branch`` (created from the default branch if missing); returns the blob sha."""
        if branch not in self.branches:
            self.branches[branch] = self.branches[self.default_branch]
        data = text.encode() if isinstance(text, str) else text
        head = self.commits[self.branches[branch]]
        tree = dict(head.tree)
        tree[path] = data
        self.branches[branch] = self._commit(head.sha, tree, message or f"Add {path}", "octocat")
        return blob_sha(data)

    def create_branch(self, branch: str, from_branch: str | None = None) -> str:
        self.branches[branch] = self.branches[from_branch or self.default_branch]
        return self.branches[branch]

    def protect(self, branch: str) -> None:
        """Refuse direct commits to ``branch`` (branch protection / ruleset requiring a pull request)."""
        self.protected_branches.add(branch)

    def add_issue(
        self,
        title: str = "Incident",
        body: str | None = "",
        *,
        labels: tuple[str, ...] | list[str] = (),
        assignees: tuple[str, ...] | list[str] = (),
        user: str = "Codertocat",
        state: str = "open",
        state_reason: str | None = None,
    ) -> Item:
        item = Item(
            self._take_number(), title, body, user, self._now(), state=state, state_reason=state_reason
        )
        item.assignees = list(assignees)
        item.updated_at = item.created_at
        item.closed_at = item.created_at if state == "closed" else None
        self._label(item, labels)
        self.items[item.number] = item
        return item

    def add_pull(
        self,
        head: str,
        *,
        base: str | None = None,
        title: str = "Post-mortem",
        body: str | None = "",
        draft: bool = False,
        user: str | None = None,
        labels: tuple[str, ...] | list[str] = (),
        state: str = "open",
        merged: bool = False,
        head_repository: str | None = None,
    ) -> Item:
        """A pull request from ``head`` (created from the default branch if missing), or from a fork's branch
        of that name when ``head_repository`` names the fork (its commits are the base's: a fresh fork)."""
        if head not in self.branches:
            self.create_branch(head)
        item = Item(self._take_number(), title, body, user or self.login, self._now(), state=state)
        item.is_pull, item.head, item.base, item.draft = True, head, base or self.default_branch, draft
        item.head_repository = head_repository
        item.updated_at = item.created_at
        if merged:
            item.state, item.merged, item.merged_at = "closed", True, item.created_at
        item.closed_at = item.created_at if item.state == "closed" else None
        self._label(item, labels)
        self.items[item.number] = item
        return item

    def add_comment(self, number: int, body: str, *, user: str = "Codertocat") -> CommentRecord:
        now = self._now()
        comment = CommentRecord(self._id(), number, body, user, now, now)
        self.comments[comment.id] = comment
        return comment

    def add_label(self, name: str, color: str = "ededed", description: str | None = None) -> LabelRecord:
        label = LabelRecord(self._id(), name, color, description)
        self.labels[name.lower()] = label
        return label

    def add_review(
        self,
        pr: int,
        user: str,
        state: str = "APPROVED",
        *,
        submitted_at: str | None = None,
        commit_id: str | None = None,
        body: str = "",
    ) -> ReviewRecord:
        """A review as the REST API lists it (state in upper case; ``PENDING`` has no ``submitted_at``)."""
        state = state.upper()
        when = None if state == "PENDING" else (submitted_at or self._now())
        review = ReviewRecord(self._id(), pr, user, state, when, commit_id or self.head_sha(pr), body)
        self.reviews.append(review)
        return review

    def set_permission(self, login: str, permission: str) -> None:
        """``admin|maintain|write|triage|read|none``; logins never set answer 404 (not a collaborator)."""
        self.permissions[login] = permission

    def add_team(self, team: str, members: list[str] | tuple[str, ...], *, readable: bool = True) -> None:
        """``team`` is ``org/slug``; an unreadable team answers 404 as it does for ``GITHUB_TOKEN``."""
        self.teams[team] = list(members)
        if not readable:
            self.unreadable_teams[team] = 404

    def revoke(self, scope: str) -> None:
        """Drop a ``permissions:`` scope to read: writes needing it answer 403 "not accessible by integration"."""
        assert scope in SCOPES, scope
        self.token_permissions[scope] = "read"

    # ------------------------------------------------------------------ failure injection

    def fail_next(
        self,
        method: str | None,
        path_regex: str,
        status: int,
        body: dict[str, Any] | str | None = None,
        headers: dict[str, str] | None = None,
        *,
        times: int = 1,
        after: bool = False,
    ) -> None:
        """Answer the next ``times`` matching requests with ``status``.

        ``path_regex`` is searched in the URL path (``/repos/owner/name/pulls``). ``after=True`` first applies the
        request as usual and then answers ``status`` anyway ("processed, then 502").
        """
        if body is None:
            body = {
                "message": _REASONS.get(status, "Error"),
                "documentation_url": _DOCS,
                "status": str(status),
            }
        self._failures.append(
            Failure(
                method.upper() if method else None,
                re.compile(path_regex),
                status,
                body,
                headers or {},
                times,
                after,
            )
        )

    def rate_limit_next(
        self,
        method: str | None,
        path_regex: str,
        *,
        kind: str = "primary",
        retry_after: int | None = None,
        times: int = 1,
        status: int = 403,
    ) -> None:
        """Inject a rate-limit answer with the headers GitHub sends.

        ``primary``: 403 "API rate limit exceeded for installation…", ``x-ratelimit-remaining: 0`` and a reset one
        hour ahead. ``secondary``: 403 "You have exceeded a secondary rate limit…", remaining left non-zero and
        ``retry-after`` only if given (GitHub does not always send one).
        """
        reset = int(time.time()) + 3600
        headers = {
            "x-ratelimit-limit": "1000",
            "x-ratelimit-resource": "core",
            "x-ratelimit-reset": str(reset),
        }
        if kind == "primary":
            message = "API rate limit exceeded for installation ID 4242."
            headers.update({"x-ratelimit-remaining": "0", "x-ratelimit-used": "1000"})
        else:
            message = (
                "You have exceeded a secondary rate limit and have been temporarily blocked from content "
                "creation. Please retry your request again later."
            )
            headers.update({"x-ratelimit-remaining": "812", "x-ratelimit-used": "188"})
        if retry_after is not None:
            headers["retry-after"] = str(retry_after)
        body = {"message": message, "documentation_url": f"{_DOCS}/overview/rate-limits-for-the-rest-api"}
        self.fail_next(method, path_regex, status, body, headers, times=times)

    # ------------------------------------------------------------------ inspection helpers

    def count(self, method: str | None = None, path: str | None = None) -> int:
        """Requests seen, optionally only one method and/or a path regex (searched)."""
        return len(
            [
                e
                for e in self.log
                if (method is None or e.method == method.upper())
                and (path is None or re.search(path, e.path))
            ]
        )

    @property
    def writes(self) -> list[Logged]:
        """Every non-GET request seen."""
        return [e for e in self.log if e.method != "GET"]

    def reset_counts(self) -> None:
        self.log.clear()

    def files(self, branch: str) -> dict[str, str]:
        return {p: d.decode() for p, d in self.commits[self.branches[branch]].tree.items()}

    def file_text(self, branch: str, path: str) -> str | None:
        data = self.commits[self.branches[branch]].tree.get(path)
        return None if data is None else data.decode()

    def commit_log(self, branch: str) -> list[Commit]:
        """Commits reachable from ``branch``, newest first (the initial commit last)."""
        out: list[Commit] = []
        sha: str | None = self.branches[branch]
        while sha is not None:
            out.append(self.commits[sha])
            sha = self.commits[sha].parent
        return out

    def head_sha(self, number: int) -> str:
        item = self.items[number]
        return self.branches.get(item.head, "0" * 40)

    def pulls(self) -> list[Item]:
        return [i for i in self.items.values() if i.is_pull]

    def issues_only(self) -> list[Item]:
        return [i for i in self.items.values() if not i.is_pull]

    def comments_on(self, number: int) -> list[CommentRecord]:
        return [c for c in self.comments.values() if c.number == number]

    def statuses_for(self, sha: str) -> list[StatusRecord]:
        """Statuses on ``sha``, newest first."""
        return [s for s in reversed(self.statuses) if s.sha == sha]

    # ------------------------------------------------------------------ internals: ids, time, commits

    def _id(self) -> int:
        self._ids += 1
        return self._ids

    def _take_number(self) -> int:
        number = self._next_number
        self._next_number += 1
        return number

    def _now(self) -> str:
        self._clock += 1
        return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(self._clock))

    def _commit(self, parent: str | None, tree: dict[str, bytes], message: str, author: str) -> str:
        self._commit_counter += 1
        sha = hashlib.sha1(f"commit {self._commit_counter} {parent} {message}".encode()).hexdigest()
        self.commits[sha] = Commit(sha, message, author, tree, parent)
        return sha

    def _label(self, item: Item, names: tuple[str, ...] | list[str]) -> None:
        for name in names:
            if name.lower() not in self.labels:
                self.add_label(name)
            if name.lower() not in (n.lower() for n in item.labels):
                item.labels.append(self.labels[name.lower()].name)

    # ------------------------------------------------------------------ dispatch

    def _dispatch(self, request: Any) -> Answer:
        url = urlsplit(request.url)
        path, query = unquote(url.path), url.query
        method = request.method.upper()
        body: Any = None
        if request.body:
            raw = request.body.decode() if isinstance(request.body, bytes) else request.body
            body = json.loads(raw)
        failure = self._take_failure(method, path)
        if failure is not None and not failure.after:
            return self._answer(method, path, query, body, failure.status, failure.body, failure.headers)
        try:
            status, payload, headers = self._route(method, path, parse_qs(query), body)
        except Reply as reply:
            status, payload, headers = reply.status, reply.body, {}
        if failure is not None:
            return self._answer(method, path, query, body, failure.status, failure.body, failure.headers)
        return self._answer(method, path, query, body, status, payload, headers)

    def _take_failure(self, method: str, path: str) -> Failure | None:
        for failure in self._failures:
            if (failure.method in (None, method)) and failure.path.search(path):
                failure.times -= 1
                if failure.times <= 0:
                    self._failures.remove(failure)
                return failure
        return None

    def _answer(
        self,
        method: str,
        path: str,
        query: str,
        body: Any,
        status: int,
        payload: Any,
        headers: dict[str, str],
    ) -> Answer:
        self.log.append(Logged(method, path, query, status, body))
        out = {  # "Content-Type" spelled so that ``responses`` drops its own default (text/plain)
            "Content-Type": "application/json; charset=utf-8",
            "x-ratelimit-limit": "1000",
            "x-ratelimit-remaining": str(max(0, 1000 - len(self.log))),
            "x-ratelimit-reset": str(int(time.time()) + 3600),
            "x-ratelimit-resource": "core",
        }
        out.update(headers)
        text = payload if isinstance(payload, str) else ("" if payload is None else json.dumps(payload))
        return status, out, text

    def _route(self, method: str, path: str, q: dict[str, list[str]], body: Any) -> Routed:
        if path.startswith("/orgs/"):
            m = re.fullmatch(r"/orgs/([^/]+)/teams/([^/]+)/members", path)
            if m and method == "GET":
                return self._team_members(f"{m[1]}/{m[2]}", q, path)
            raise Reply(404, _NOT_FOUND)
        prefix = f"/repos/{self.owner}/{self.name}"
        if path.lower() != prefix.lower() and not path.lower().startswith(prefix.lower() + "/"):
            raise Reply(404, _NOT_FOUND)
        rest = path[len(prefix) :]
        for verb, pattern, handler in self._routes:
            if verb == method:
                m = re.fullmatch(pattern, rest)
                if m:
                    return handler(self, m, q, body, path)
        raise Reply(404, _NOT_FOUND)

    def _require(self, scope: str) -> None:
        if self.token_permissions.get(scope) != "write":
            raise Reply(403, "Resource not accessible by integration")

    # ------------------------------------------------------------------ pagination

    def _page(self, items: list[Any], q: dict[str, list[str]], path: str) -> Routed:
        per_page = min(int(q.get("per_page", ["30"])[0]), 100)
        page = int(q.get("page", ["1"])[0])
        last = max(1, -(-len(items) // per_page))
        chunk = items[(page - 1) * per_page : page * per_page]
        links = []
        flat = {k: v[0] for k, v in q.items()}

        def link(p: int, rel: str) -> str:
            return f'<{API}{path}?{urlencode({**flat, "page": str(p)})}>; rel="{rel}"'

        if page > 1:
            links += [link(page - 1, "prev"), link(1, "first")]
        if page < last:
            links += [link(page + 1, "next"), link(last, "last")]
        return 200, chunk, ({"link": ", ".join(links)} if links else {})

    # ------------------------------------------------------------------ JSON shapes

    def _user(self, login: str) -> dict[str, Any]:
        bot = login.endswith("[bot]")
        url = f"{API}/users/{login}"
        return {  # the "simple-user" schema
            "login": login,
            "id": zlib.crc32(login.encode()) % 10_000_000,
            "node_id": "MDQ6VXNlcjE=",
            "avatar_url": "https://avatars.githubusercontent.com/u/1?v=4",
            "gravatar_id": "",
            "url": url,
            "html_url": f"{WEB}/{login}" if not bot else f"{WEB}/apps/{login[:-5]}",
            "followers_url": f"{url}/followers",
            "following_url": f"{url}/following{{/other_user}}",
            "gists_url": f"{url}/gists{{/gist_id}}",
            "starred_url": f"{url}/starred{{/owner}}{{/repo}}",
            "subscriptions_url": f"{url}/subscriptions",
            "organizations_url": f"{url}/orgs",
            "repos_url": f"{url}/repos",
            "events_url": f"{url}/events{{/privacy}}",
            "received_events_url": f"{url}/received_events",
            "type": "Bot" if bot else "User",
            "site_admin": False,
        }

    def _label_json(self, label: LabelRecord) -> dict[str, Any]:
        return {
            "id": label.id,
            "node_id": "MDU6TGFiZWwyMDgwNDU5NDY=",
            "url": f"{API}/repos/{self.repository}/labels/{label.name}",
            "name": label.name,
            "description": label.description,
            "color": label.color,
            "default": False,
        }

    def _repo_json(self, full_name: str | None = None) -> dict[str, Any]:
        """The "full-repository" schema (a superset of "repository", used for pull request heads and bases)."""
        full_name = full_name or self.repository
        api = f"{API}/repos/{full_name}"
        templated = {  # "<name>_url": "<path below the repository url>"
            "archive": "/{archive_format}{/ref}", "assignees": "/assignees{/user}", "blobs": "/git/blobs{/sha}",
            "branches": "/branches{/branch}", "collaborators": "/collaborators{/collaborator}",
            "comments": "/comments{/number}", "commits": "/commits{/sha}", "compare": "/compare/{base}...{head}",
            "contents": "/contents/{+path}", "contributors": "/contributors", "deployments": "/deployments",
            "downloads": "/downloads", "events": "/events", "forks": "/forks", "git_commits": "/git/commits{/sha}",
            "git_refs": "/git/refs{/sha}", "git_tags": "/git/tags{/sha}", "hooks": "/hooks",
            "issue_comment": "/issues/comments{/number}", "issue_events": "/issues/events{/number}",
            "issues": "/issues{/number}", "keys": "/keys{/key_id}", "labels": "/labels{/name}",
            "languages": "/languages", "merges": "/merges", "milestones": "/milestones{/number}",
            "notifications": "/notifications{?since,all,participating}", "pulls": "/pulls{/number}",
            "releases": "/releases{/id}", "stargazers": "/stargazers", "statuses": "/statuses/{sha}",
            "subscribers": "/subscribers", "subscription": "/subscription", "tags": "/tags",
            "teams": "/teams", "trees": "/git/trees{/sha}",
        }  # fmt: skip
        return {
            "id": 1296269,
            "node_id": "MDEwOlJlcG9zaXRvcnkxMjk2MjY5",
            "name": full_name.split("/")[1],
            "full_name": full_name,
            "owner": self._user(full_name.split("/")[0]),
            "private": self.private,
            "html_url": f"{WEB}/{full_name}",
            "description": None,
            "fork": full_name != self.repository,
            "url": api,
            **{f"{name}_url": f"{api}{tail}" for name, tail in templated.items()},
            "git_url": f"git://github.com/{full_name}.git",
            "ssh_url": f"git@github.com:{full_name}.git",
            "clone_url": f"{WEB}/{full_name}.git",
            "svn_url": f"{WEB}/{full_name}",
            "mirror_url": None,
            "homepage": None,
            "language": None,
            "size": 0,
            "forks": 0,
            "forks_count": 0,
            "stargazers_count": 0,
            "watchers": 0,
            "watchers_count": 0,
            "subscribers_count": 0,
            "network_count": 0,
            "open_issues": 0,
            "open_issues_count": 0,
            "default_branch": self.default_branch,
            "has_issues": True,
            "has_projects": True,
            "has_wiki": True,
            "has_pages": False,
            "has_downloads": True,
            "has_discussions": False,
            "archived": False,
            "disabled": False,
            "license": None,
            "visibility": "private" if self.private else "public",
            "pushed_at": "2024-01-01T00:00:00Z",
            "created_at": "2011-01-26T19:01:12Z",
            "updated_at": "2024-01-01T00:00:00Z",
        }

    def _issue_json(self, item: Item) -> dict[str, Any]:
        base = f"{API}/repos/{self.repository}/issues/{item.number}"
        kind = "pull" if item.is_pull else "issues"
        data: dict[str, Any] = {
            "id": item.number * 7919,
            "node_id": "MDU6SXNzdWUx",
            "url": base,
            "repository_url": f"{API}/repos/{self.repository}",
            "labels_url": f"{base}/labels{{/name}}",
            "comments_url": f"{base}/comments",
            "events_url": f"{base}/events",
            "html_url": f"{WEB}/{self.repository}/{kind}/{item.number}",
            "number": item.number,
            "state": item.state,
            "state_reason": item.state_reason,
            "title": item.title,
            "body": item.body,
            "user": self._user(item.user),
            "labels": [self._label_json(self.labels[n.lower()]) for n in item.labels],
            "assignee": self._user(item.assignees[0]) if item.assignees else None,
            "assignees": [self._user(a) for a in item.assignees],
            "milestone": None,
            "locked": False,
            "comments": len(self.comments_on(item.number)),
            "created_at": item.created_at,
            "updated_at": item.updated_at,
            "closed_at": item.closed_at,
            "author_association": "OWNER",
        }
        if item.is_pull:
            data["pull_request"] = {
                "url": f"{API}/repos/{self.repository}/pulls/{item.number}",
                "html_url": data["html_url"],
                "diff_url": f"{data['html_url']}.diff",
                "patch_url": f"{data['html_url']}.patch",
                "merged_at": item.merged_at,
            }
            data["draft"] = item.draft
        return data

    def _ref_json(self, branch: str, sha: str, fork: str | None = None) -> dict[str, Any]:
        owner = fork.split("/")[0] if fork else self.owner
        repo = self._repo_json(fork)
        return {
            "label": f"{owner}:{branch}",
            "ref": branch,
            "sha": sha,
            "user": self._user(owner),
            "repo": repo,
        }

    def _pull_json(self, item: Item, *, full: bool = True) -> dict[str, Any]:
        url = f"{API}/repos/{self.repository}/pulls/{item.number}"
        html = f"{WEB}/{self.repository}/pull/{item.number}"
        issue = f"{API}/repos/{self.repository}/issues/{item.number}"
        head_sha = self.head_sha(item.number)
        statuses = f"{API}/repos/{self.repository}/statuses/{head_sha}"
        data: dict[str, Any] = {
            "url": url,
            "id": item.number * 104729,
            "node_id": "MDExOlB1bGxSZXF1ZXN0MQ==",
            "html_url": html,
            "diff_url": f"{html}.diff",
            "patch_url": f"{html}.patch",
            "issue_url": issue,
            "commits_url": f"{url}/commits",
            "review_comments_url": f"{url}/comments",
            "review_comment_url": f"{API}/repos/{self.repository}/pulls/comments{{/number}}",
            "comments_url": f"{issue}/comments",
            "statuses_url": statuses,
            "number": item.number,
            "state": item.state,
            "locked": False,
            "title": item.title,
            "user": self._user(item.user),
            "body": item.body,
            "labels": [self._label_json(self.labels[n.lower()]) for n in item.labels],
            "created_at": item.created_at,
            "updated_at": item.updated_at,
            "closed_at": item.closed_at,
            "merged_at": item.merged_at,
            "merge_commit_sha": self.branches.get(item.base) if item.merged else None,
            "assignee": self._user(item.assignees[0]) if item.assignees else None,
            "assignees": [self._user(a) for a in item.assignees],
            "requested_reviewers": [self._user(r) for r in item.requested_reviewers],
            "requested_teams": [self._team_json(t) for t in item.requested_teams],
            "milestone": None,
            "head": self._ref_json(item.head, head_sha, item.head_repository),
            "base": self._ref_json(item.base, self.branches.get(item.base, "0" * 40)),
            "_links": {
                rel: {"href": href}
                for rel, href in (
                    ("self", url),
                    ("html", html),
                    ("issue", issue),
                    ("comments", f"{issue}/comments"),
                    ("review_comments", f"{url}/comments"),
                    ("review_comment", f"{API}/repos/{self.repository}/pulls/comments{{/number}}"),
                    ("commits", f"{url}/commits"),
                    ("statuses", statuses),
                )
            },
            "author_association": "CONTRIBUTOR",
            "auto_merge": None,
            "draft": item.draft,
        }
        if full:  # the "pull-request" schema; list items ("pull-request-simple") lack these
            data.update(
                {
                    "merged": item.merged,
                    "mergeable": None,
                    "mergeable_state": "unknown",
                    "merged_by": self._user(self.login) if item.merged else None,
                    "comments": len(self.comments_on(item.number)),
                    "review_comments": 0,
                    "maintainer_can_modify": False,
                    "commits": 1,
                    "additions": 0,
                    "deletions": 0,
                    "changed_files": 0,
                }
            )
        return data

    def _team_json(self, slug: str) -> dict[str, Any]:
        """The "team-simple" schema (``slug`` as a reviewer request names it, without the organization)."""
        url = f"{API}/orgs/{self.owner}/teams/{slug}"
        return {
            "id": zlib.crc32(slug.encode()) % 10_000_000,
            "node_id": "MDQ6VGVhbTE=",
            "url": url,
            "html_url": f"{WEB}/orgs/{self.owner}/teams/{slug}",
            "name": slug,
            "slug": slug,
            "description": None,
            "privacy": "closed",
            "notification_setting": "notifications_enabled",
            "permission": "pull",
            "members_url": f"{url}/members{{/member}}",
            "repositories_url": f"{url}/repos",
            "type": "organization",
            "parent": None,
        }

    def _comment_json(self, c: CommentRecord) -> dict[str, Any]:
        return {
            "id": c.id,
            "node_id": "MDEyOklzc3VlQ29tbWVudDE=",
            "url": f"{API}/repos/{self.repository}/issues/comments/{c.id}",
            "html_url": f"{WEB}/{self.repository}/issues/{c.number}#issuecomment-{c.id}",
            "body": c.body,
            "user": self._user(c.user),
            "created_at": c.created_at,
            "updated_at": c.updated_at,
            "issue_url": f"{API}/repos/{self.repository}/issues/{c.number}",
            "author_association": "COLLABORATOR",
        }

    def _content_json(self, path: str, data: bytes, ref: str) -> dict[str, Any]:
        sha = blob_sha(data)
        return {
            "type": "file",
            "encoding": "base64",
            "size": len(data),
            "name": path.rsplit("/", 1)[-1],
            "path": path,
            "content": base64.encodebytes(data).decode(),
            "sha": sha,
            "url": f"{API}/repos/{self.repository}/contents/{path}?ref={ref}",
            "git_url": f"{API}/repos/{self.repository}/git/blobs/{sha}",
            "html_url": f"{WEB}/{self.repository}/blob/{ref}/{path}",
            "download_url": f"https://raw.githubusercontent.com/{self.repository}/{ref}/{path}",
            "_links": {
                "self": f"{API}/repos/{self.repository}/contents/{path}?ref={ref}",
                "git": f"{API}/repos/{self.repository}/git/blobs/{sha}",
                "html": f"{WEB}/{self.repository}/blob/{ref}/{path}",
            },
        }

    # ------------------------------------------------------------------ routes: repository and contents

    def _get_repo(self, m: Match, q: Any, body: Any, path: str) -> Routed:
        return 200, self._repo_json(), {}

    def _resolve(self, ref: str | None) -> Commit:
        ref = ref or self.default_branch
        if ref in self.branches:
            return self.commits[self.branches[ref]]
        if ref in self.commits:
            return self.commits[ref]
        raise Reply(404, f"No commit found for the ref {ref}")

    def _get_contents(self, m: Match, q: Any, body: Any, path: str) -> Routed:
        file_path = m["path"].strip("/")
        ref = q.get("ref", [None])[0]
        commit = self._resolve(ref)
        ref_name = ref or self.default_branch
        if file_path in commit.tree:
            return 200, self._content_json(file_path, commit.tree[file_path], ref_name), {}
        prefix = f"{file_path}/" if file_path else ""
        children: dict[str, str] = {}
        for p in sorted(commit.tree):
            if p.startswith(prefix):
                head, _, rest = p[len(prefix) :].partition("/")
                children.setdefault(head, "dir" if rest else "file")
        if not children:
            raise Reply(404, _NOT_FOUND)
        listing = []
        for name, kind in children.items():
            child = f"{prefix}{name}"
            if kind == "file":
                entry = self._content_json(child, commit.tree[child], ref_name)
                del entry["content"], entry["encoding"]
            else:
                sha = hashlib.sha1(
                    repr(sorted((p, d) for p, d in commit.tree.items() if p.startswith(child + "/"))).encode()
                ).hexdigest()
                entry = {"type": "dir", "size": 0, "name": name, "path": child, "sha": sha, "download_url": None,
                         "url": f"{API}/repos/{self.repository}/contents/{child}?ref={ref_name}",
                         "html_url": f"{WEB}/{self.repository}/tree/{ref_name}/{child}",
                         "git_url": f"{API}/repos/{self.repository}/git/trees/{sha}"}  # fmt: skip
                entry["_links"] = {"self": entry["url"], "git": entry["git_url"], "html": entry["html_url"]}
            listing.append(entry)
        return 200, listing, {}

    def _put_contents(self, m: Match, q: Any, body: Any, path: str) -> Routed:
        self._require("contents")
        file_path = m["path"].strip("/")
        branch = body.get("branch") or self.default_branch
        if branch not in self.branches:
            raise Reply(404, f"Branch {branch} not found")
        if branch in self.protected_branches:
            raise Reply(
                409, "Repository rule violations found\n\nChanges must be made through a pull request.\n\n"
            )
        head = self.commits[self.branches[branch]]
        existing = head.tree.get(file_path)
        sha = body.get("sha")
        if existing is not None and not sha:
            raise Reply(422, 'Invalid request.\n\n"sha" wasn\'t supplied.')
        if sha and (existing is None or blob_sha(existing) != sha):
            raise Reply(409, f"{file_path} does not match {sha}")
        data = base64.b64decode(body["content"])
        tree = dict(head.tree)
        tree[file_path] = data
        author = (body.get("author") or body.get("committer") or {}).get("name", self.login)
        new = self._commit(head.sha, tree, body["message"], author)
        self.branches[branch] = new
        commit = {
            "sha": new,
            "url": f"{API}/repos/{self.repository}/git/commits/{new}",
            "html_url": f"{WEB}/{self.repository}/commit/{new}",
            "message": body["message"],
            "author": {
                "name": author,
                "email": "41898282+github-actions[bot]@users.noreply.github.com",
                "date": self._now(),
            },
            "parents": [{"sha": head.sha, "url": f"{API}/repos/{self.repository}/git/commits/{head.sha}"}],
        }
        content = self._content_json(file_path, data, branch)
        del content["content"], content["encoding"]
        return (201 if existing is None else 200), {"content": content, "commit": commit}, {}

    # ------------------------------------------------------------------ routes: git refs

    def _get_ref(self, m: Match, q: Any, body: Any, path: str) -> Routed:
        branch = m["branch"]
        if branch not in self.branches:
            raise Reply(404, _NOT_FOUND)
        return 200, self._git_ref_json(branch), {}

    def _git_ref_json(self, branch: str) -> dict[str, Any]:
        sha = self.branches[branch]
        return {
            "ref": f"refs/heads/{branch}",
            "node_id": "MDM6UmVmcmVmcy9oZWFkcy9mZWF0dXJlQQ==",
            "url": f"{API}/repos/{self.repository}/git/refs/heads/{branch}",
            "object": {
                "type": "commit",
                "sha": sha,
                "url": f"{API}/repos/{self.repository}/git/commits/{sha}",
            },
        }

    def _post_ref(self, m: Match, q: Any, body: Any, path: str) -> Routed:
        self._require("contents")
        ref, sha = body.get("ref", ""), body.get("sha", "")
        if not ref.startswith("refs/") or ref.count("/") < 2:
            raise Reply(422, "Reference name must start with 'refs/' and have at least two slashes.")
        if sha not in self.commits:
            raise Reply(422, "Object does not exist")
        branch = ref.removeprefix("refs/heads/")
        if branch in self.branches:
            raise Reply(422, "Reference already exists")
        self.branches[branch] = sha
        return 201, self._git_ref_json(branch), {}

    # ------------------------------------------------------------------ routes: pulls

    def _list_pulls(self, m: Match, q: Any, body: Any, path: str) -> Routed:
        state = q.get("state", ["open"])[0]
        pulls = [p for p in self.pulls() if state == "all" or p.state == state]
        if "head" in q:
            owner, _, branch = q["head"][0].partition(":")
            pulls = [
                p
                for p in pulls
                if owner.lower() == (p.head_repository or self.repository).split("/")[0].lower()
                and p.head == branch
            ]
        if "base" in q:
            pulls = [p for p in pulls if p.base == q["base"][0]]
        pulls.sort(key=lambda p: p.number, reverse=q.get("direction", ["desc"])[0] == "desc")
        status, chunk, headers = self._page(pulls, q, path)
        return status, [self._pull_json(p, full=False) for p in chunk], headers

    def _create_pull(self, m: Match, q: Any, body: Any, path: str) -> Routed:
        self._require("pull-requests")
        if not self.actions_can_create_pull_requests and self.login == "github-actions[bot]":
            raise Reply(403, "GitHub Actions is not permitted to create or approve pull requests.")
        head, base = body.get("head", ""), body.get("base", "")
        head_branch = head.split(":", 1)[-1]
        errors: list[dict[str, Any]] = []
        if head_branch not in self.branches:
            errors.append({"resource": "PullRequest", "field": "head", "code": "invalid"})
        if base not in self.branches:
            errors.append({"resource": "PullRequest", "field": "base", "code": "invalid"})
        if not errors and self.branches[head_branch] == self.branches[base]:
            errors.append(
                {
                    "resource": "PullRequest",
                    "code": "custom",
                    "message": f"No commits between {base} and {head_branch}",
                }
            )
        if any(p.head == head_branch and p.state == "open" for p in self.pulls()):
            msg = f"A pull request already exists for {self.owner}:{head_branch}."
            errors = [{"resource": "PullRequest", "code": "custom", "message": msg}]
        if errors:
            raise Reply(422, "Validation Failed", errors=errors)
        if body.get("draft") and not self.drafts_supported:
            raise Reply(422, "Draft pull requests are not supported in this repository.")
        if len(body.get("title") or "") > 256:
            raise _too_long("Issue", "title", 256)
        item = Item(
            self._take_number(), body.get("title") or head_branch, body.get("body"), self.login, self._now()
        )
        item.is_pull, item.head, item.base, item.draft = True, head_branch, base, bool(body.get("draft"))
        item.updated_at = item.created_at
        self.items[item.number] = item
        return 201, self._pull_json(item), {}

    def _pull(self, number: str) -> Item:
        item = self.items.get(int(number))
        if item is None or not item.is_pull:
            raise Reply(404, _NOT_FOUND)
        return item

    def _get_pull(self, m: Match, q: Any, body: Any, path: str) -> Routed:
        return 200, self._pull_json(self._pull(m["n"])), {}

    def _patch_pull(self, m: Match, q: Any, body: Any, path: str) -> Routed:
        self._require("pull-requests")
        item = self._pull(m["n"])
        for key in ("title", "body", "state", "base"):
            if key in body:
                setattr(item, key, body[key])
        item.updated_at = self._now()
        item.closed_at = item.updated_at if item.state == "closed" else None
        return 200, self._pull_json(item), {}

    def _list_reviews(self, m: Match, q: Any, body: Any, path: str) -> Routed:
        item = self._pull(m["n"])
        reviews = [r for r in self.reviews if r.pr == item.number]
        status, chunk, headers = self._page(reviews, q, path)
        out = [
            {
                "id": r.id,
                "node_id": "MDE3OlB1bGxSZXF1ZXN0UmV2aWV3ODA=",
                "user": self._user(r.user),
                "body": r.body,
                "state": r.state,
                "html_url": f"{WEB}/{self.repository}/pull/{item.number}#pullrequestreview-{r.id}",
                "pull_request_url": f"{API}/repos/{self.repository}/pulls/{item.number}",
                "_links": {
                    "html": {"href": f"{WEB}/{self.repository}/pull/{item.number}#pullrequestreview-{r.id}"},
                    "pull_request": {"href": f"{API}/repos/{self.repository}/pulls/{item.number}"},
                },
                **({"submitted_at": r.submitted_at} if r.submitted_at else {}),
                "commit_id": r.commit_id,
                "author_association": "COLLABORATOR",
            }
            for r in chunk
        ]
        return status, out, headers

    def _request_reviewers(self, m: Match, q: Any, body: Any, path: str) -> Routed:
        self._require("pull-requests")
        item = self._pull(m["n"])
        users = body.get("reviewers") or []
        teams = body.get("team_reviewers") or []
        if item.user in users:
            raise Reply(422, "Review cannot be requested from pull request author.")
        unknown = [u for u in users if self.permissions.get(u, "none") == "none"]
        if unknown:
            raise Reply(
                422,
                "Reviews may only be requested from collaborators. One or more of the users or teams you specified is not a collaborator of the "
                f"{self.repository} repository.",
            )
        item.requested_reviewers += [u for u in users if u not in item.requested_reviewers]
        item.requested_teams += [t for t in teams if t not in item.requested_teams]
        return 201, self._pull_json(item), {}

    # ------------------------------------------------------------------ routes: issues, comments, labels

    def _item(self, number: str) -> Item:
        item = self.items.get(int(number))
        if item is None:
            raise Reply(404, _NOT_FOUND)
        return item

    def _list_issues(self, m: Match, q: Any, body: Any, path: str) -> Routed:
        state = q.get("state", ["open"])[0]
        items = [i for i in self.items.values() if state == "all" or i.state == state]
        for name in q["labels"][0].split(",") if q.get("labels") and q["labels"][0] else []:
            items = [i for i in items if name.strip().lower() in (n.lower() for n in i.labels)]
        if "creator" in q:
            items = [i for i in items if i.user == q["creator"][0]]
        items.sort(key=lambda i: i.number, reverse=q.get("direction", ["desc"])[0] == "desc")
        status, chunk, headers = self._page(items, q, path)
        return status, [self._issue_json(i) for i in chunk], headers

    def _create_issue(self, m: Match, q: Any, body: Any, path: str) -> Routed:
        self._require("issues")
        title = body.get("title") or ""
        if not title:
            raise Reply(
                422,
                "Validation Failed",
                errors=[{"resource": "Issue", "field": "title", "code": "missing_field"}],
            )
        if len(title) > 256:
            raise _too_long("Issue", "title", 256)
        item = Item(self._take_number(), title, body.get("body"), self.login, self._now())
        item.updated_at = item.created_at
        item.assignees = list(body.get("assignees") or [])
        self._label(item, body.get("labels") or [])
        self.items[item.number] = item
        return 201, self._issue_json(item), {}

    def _get_issue(self, m: Match, q: Any, body: Any, path: str) -> Routed:
        return 200, self._issue_json(self._item(m["n"])), {}

    def _patch_issue(self, m: Match, q: Any, body: Any, path: str) -> Routed:
        item = self._item(m["n"])
        self._require(
            "pull-requests" if item.is_pull and self.token_permissions["issues"] != "write" else "issues"
        )
        for key in ("title", "body"):
            if key in body:
                setattr(item, key, body[key])
        if "assignees" in body:
            item.assignees = list(body["assignees"] or [])
        if "labels" in body:
            item.labels = []
            self._label(item, body["labels"] or [])
        if body.get("state") and body["state"] != item.state:
            item.state = body["state"]
            item.closed_at = self._now() if item.state == "closed" else None
            item.state_reason = body.get("state_reason") or (
                "completed" if item.state == "closed" else "reopened"
            )
        elif "state_reason" in body:
            item.state_reason = body["state_reason"]
        item.updated_at = self._now()
        return 200, self._issue_json(item), {}

    def _list_comments(self, m: Match, q: Any, body: Any, path: str) -> Routed:
        item = self._item(m["n"])
        status, chunk, headers = self._page(self.comments_on(item.number), q, path)
        return status, [self._comment_json(c) for c in chunk], headers

    def _create_comment(self, m: Match, q: Any, body: Any, path: str) -> Routed:
        item = self._item(m["n"])
        self._require(
            "pull-requests" if item.is_pull and self.token_permissions["issues"] != "write" else "issues"
        )
        if len(body.get("body") or "") > 65536:
            raise _too_long("IssueComment", "body", 65536)
        comment = self.add_comment(item.number, body["body"], user=self.login)
        return 201, self._comment_json(comment), {}

    def _comment(self, cid: str) -> CommentRecord:
        comment = self.comments.get(int(cid))
        if comment is None:
            raise Reply(404, _NOT_FOUND)
        return comment

    def _get_comment(self, m: Match, q: Any, body: Any, path: str) -> Routed:
        return 200, self._comment_json(self._comment(m["id"])), {}

    def _patch_comment(self, m: Match, q: Any, body: Any, path: str) -> Routed:
        self._require("issues")
        comment = self._comment(m["id"])
        comment.body, comment.updated_at = body["body"], self._now()
        return 200, self._comment_json(comment), {}

    def _add_labels(self, m: Match, q: Any, body: Any, path: str) -> Routed:
        item = self._item(m["n"])
        self._require(
            "pull-requests" if item.is_pull and self.token_permissions["issues"] != "write" else "issues"
        )
        names = body.get("labels", []) if isinstance(body, dict) else body
        self._label(item, names)
        item.updated_at = self._now()
        return 200, [self._label_json(self.labels[n.lower()]) for n in item.labels], {}

    def _list_labels(self, m: Match, q: Any, body: Any, path: str) -> Routed:
        status, chunk, headers = self._page(list(self.labels.values()), q, path)
        return status, [self._label_json(label) for label in chunk], headers

    def _create_label(self, m: Match, q: Any, body: Any, path: str) -> Routed:
        self._require("issues")
        name = body.get("name", "")
        if name.lower() in self.labels:
            raise Reply(
                422,
                "Validation Failed",
                errors=[{"resource": "Label", "code": "already_exists", "field": "name"}],
            )
        label = self.add_label(name, (body.get("color") or "ededed").lstrip("#"), body.get("description"))
        return 201, self._label_json(label), {}

    # ------------------------------------------------------------------ routes: permissions, statuses, teams

    def _get_permission(self, m: Match, q: Any, body: Any, path: str) -> Routed:
        login = m["login"]
        if login not in self.permissions:
            raise Reply(404, f"{login} is not a user")
        role = self.permissions[login]
        legacy = {"maintain": "write", "triage": "read"}.get(role, role)
        user = {**self._user(login), "role_name": role}  # the "nullable-collaborator" schema
        return 200, {"permission": legacy, "role_name": role, "user": user}, {}

    def _list_statuses(self, m: Match, q: Any, body: Any, path: str) -> Routed:
        status, chunk, headers = self._page(self.statuses_for(m["sha"]), q, path)
        return status, [self._status_json(s) for s in chunk], headers

    def _status_json(self, s: StatusRecord) -> dict[str, Any]:
        return {
            "url": f"{API}/repos/{self.repository}/statuses/{s.sha}",
            "avatar_url": "https://avatars.githubusercontent.com/u/1?v=4",
            "id": s.id,
            "node_id": "MDY6U3RhdHVzMQ==",
            "state": s.state,
            "description": s.description,
            "target_url": s.target_url,
            "context": s.context,
            "created_at": s.created_at,
            "updated_at": s.created_at,
            "creator": self._user(self.login),
        }

    def _create_status(self, m: Match, q: Any, body: Any, path: str) -> Routed:
        self._require("statuses")
        sha = m["sha"]
        if sha not in self.commits:
            raise Reply(422, f"No commit found for SHA: {sha}")
        if len(body.get("description") or "") > 140:
            raise _too_long("Status", "description", 140)
        record = StatusRecord(self._id(), sha, body["state"], body.get("context") or "default",
                              body.get("description"), body.get("target_url"), self._now())  # fmt: skip
        self.statuses.append(record)
        return 201, self._status_json(record), {}

    def _team_members(self, team: str, q: Any, path: str) -> Routed:
        if team in self.unreadable_teams:
            status = self.unreadable_teams[team]
            raise Reply(status, _NOT_FOUND if status == 404 else "Resource not accessible by integration")
        if team not in self.teams:
            raise Reply(404, _NOT_FOUND)
        status, chunk, headers = self._page(self.teams[team], q, path)
        return status, [self._user(login) for login in chunk], headers

    _routes: ClassVar[list[tuple[str, str, Any]]] = [
        ("GET", r"", _get_repo),
        ("GET", r"/contents(?P<path>(?:/.*)?)", _get_contents),
        ("PUT", r"/contents/(?P<path>.+)", _put_contents),
        ("GET", r"/git/ref/heads/(?P<branch>.+)", _get_ref),
        ("POST", r"/git/refs", _post_ref),
        ("GET", r"/pulls", _list_pulls),
        ("POST", r"/pulls", _create_pull),
        ("GET", r"/pulls/(?P<n>\d+)", _get_pull),
        ("PATCH", r"/pulls/(?P<n>\d+)", _patch_pull),
        ("GET", r"/pulls/(?P<n>\d+)/reviews", _list_reviews),
        ("POST", r"/pulls/(?P<n>\d+)/requested_reviewers", _request_reviewers),
        ("GET", r"/issues", _list_issues),
        ("POST", r"/issues", _create_issue),
        ("GET", r"/issues/comments/(?P<id>\d+)", _get_comment),
        ("PATCH", r"/issues/comments/(?P<id>\d+)", _patch_comment),
        ("GET", r"/issues/(?P<n>\d+)", _get_issue),
        ("PATCH", r"/issues/(?P<n>\d+)", _patch_issue),
        ("GET", r"/issues/(?P<n>\d+)/comments", _list_comments),
        ("POST", r"/issues/(?P<n>\d+)/comments", _create_comment),
        ("POST", r"/issues/(?P<n>\d+)/labels", _add_labels),
        ("GET", r"/labels", _list_labels),
        ("POST", r"/labels", _create_label),
        ("GET", r"/collaborators/(?P<login>[^/]+)/permission", _get_permission),
        ("GET", r"/commits/(?P<sha>[0-9a-f]+)/statuses", _list_statuses),
        ("POST", r"/statuses/(?P<sha>[0-9a-f]+)", _create_status),
    ]


_REASONS = {
    401: "Bad credentials",
    403: "Forbidden",
    404: _NOT_FOUND,
    409: "Conflict",
    422: "Validation Failed",
    500: "Server Error",
    502: "Server Error",
    503: "Service Unavailable",
}
