"""``FakeGitHub``: the state store answering HTTP through its routes, and the API tests use.

Tests seed state (``add_file``, ``add_issue``, ``add_pull``, ``add_review``, ``set_permission``, …), inject
failures (``fail_next``, ``rate_limit_next``, ``drop_next``, ``exhaust_budget_after``, ``on_request``,
``heal``) and inspect what the action left behind (``file_text``, ``commit_log``, ``comments_on``,
``statuses_for``, ``count``, ``writes``, and the records themselves: ``fake.items[3].labels``).
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Mapping
from typing import Any, TypeVar
from urllib.parse import parse_qs, unquote, urlsplit

import requests
import responses

from tests.fake_github.http import DOCS, NOT_FOUND, REASONS, Reply, Routed
from tests.fake_github.routes import ROUTES
from tests.fake_github.state import (
    SCOPES,
    CommentRecord,
    Commit,
    Drop,
    Failure,
    GitHubState,
    Hook,
    Item,
    Logged,
    ReviewRecord,
    blob_sha,
)

_URL = re.compile(r"^https://api\.github\.com(?::443)?/.*")

Answer = tuple[int, dict[str, str], str]
_Pending = TypeVar("_Pending", Failure, Drop)


class FakeGitHub(GitHubState):
    """GitHub for one repository, held in memory; see the package docstring for the behaviour it models."""

    def __init__(
        self,
        repository: str = "Codertocat/Hello-World",
        *,
        default_branch: str = "main",
        private: bool = False,
        login: str = "github-actions[bot]",
    ) -> None:
        super().__init__(repository, default_branch, private, login)

    # ------------------------------------------------------------------ activation

    def register(self, mock: responses.RequestsMock) -> None:
        """Answer every api.github.com request made through ``mock``."""
        for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
            mock.add_callback(method, _URL, callback=self.handle)

    def handle(self, request: requests.PreparedRequest) -> Answer:
        """Answer one HTTP request (the ``responses`` callback): hooks, injected failures, then the route."""
        url = urlsplit(request.url or "")
        path, query = unquote(url.path), url.query
        method = (request.method or "GET").upper()
        for hook in list(self.hooks):
            if hook.method in (None, method) and hook.path.search(path):
                hook.seen += 1
                hook.callback(hook.seen)
        drop = self._take(self.drops, method, path)
        if drop is not None:
            if drop.after:
                self._answer_normally(request, method, path, query)
            raise drop.error(f"Connection to api.github.com broke ({drop.error.__name__})")
        answer = self._answer_normally(request, method, path, query)
        if self.budget_ends_after is not None:
            budget_method, pattern = self.budget_ends_after
            if budget_method == method and pattern.search(path):
                self.rate_limit_next(None, r".", kind="primary", times=10_000)
                self.budget_ends_after = None
        return answer

    def _answer_normally(
        self, request: requests.PreparedRequest, method: str, path: str, query: str
    ) -> Answer:
        body: Any = None
        if request.body:
            raw = request.body.decode() if isinstance(request.body, bytes) else str(request.body)
            body = json.loads(raw)
        failure = self._take(self.failures, method, path)
        if failure is not None and not failure.after:
            return self._answer(method, path, query, body, failure.status, failure.body, failure.headers)
        try:
            status, payload, headers = self._route(method, path, parse_qs(query), body)
        except Reply as reply:
            status, payload, headers = reply.status, reply.body, {}
        if failure is not None:
            return self._answer(method, path, query, body, failure.status, failure.body, failure.headers)
        return self._answer(method, path, query, body, status, payload, headers)

    @staticmethod
    def _take(pending: list[_Pending], method: str, path: str) -> _Pending | None:
        for entry in pending:
            if entry.method in (None, method) and entry.path.search(path):
                entry.times -= 1
                if entry.times <= 0:
                    pending.remove(entry)
                return entry
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
        if path.startswith("/orgs/") or path == "/graphql":
            rest = path
        else:
            prefix = f"/repos/{self.owner}/{self.name}"
            if path.lower() != prefix.lower() and not path.lower().startswith(prefix.lower() + "/"):
                raise Reply(404, NOT_FOUND)
            rest = path[len(prefix) :]
        for verb, pattern, handler in ROUTES:
            if verb == method and pattern.startswith("/orgs/") == rest.startswith("/orgs/"):
                m = re.fullmatch(pattern, rest)
                if m:
                    return handler(self, m, q, body, path)
        raise Reply(404, NOT_FOUND)

    # ------------------------------------------------------------------ seeding

    def add_file(self, branch: str, path: str, text: str | bytes, *, message: str | None = None) -> str:
        """Commit ``path`` on ``branch`` (created from the default branch if missing); returns the blob sha."""
        data = text.encode() if isinstance(text, str) else text
        self.commit_files(branch, {path: data}, message=message or f"Add {path}", author="octocat")
        return blob_sha(data)

    def commit_files(
        self,
        branch: str,
        changes: Mapping[str, str | bytes | None],
        *,
        message: str = "Human change",
        author: str = "mona",
    ) -> str:
        """One commit on ``branch`` (created from the default branch if missing) adding or replacing each
        ``path: text`` and deleting each ``path: None`` (a rename is both); returns the commit sha."""
        if branch not in self.branches:
            self.branches[branch] = self.branches[self.default_branch]
        head = self.commits[self.branches[branch]]
        tree = dict(head.tree)
        for path, text in changes.items():
            if text is None:
                tree.pop(path, None)
            else:
                tree[path] = text.encode() if isinstance(text, str) else text
        self.branches[branch] = self.new_commit(head.sha, tree, message, author)
        return self.branches[branch]

    def create_branch(self, branch: str, from_branch: str | None = None) -> str:
        """Point ``branch`` at ``from_branch``'s head (the default branch's by default); returns the sha."""
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
        """An issue filed by ``user`` (labels created as needed)."""
        item = Item(self.take_number(), title, body, user, self.now(), state=state, state_reason=state_reason)
        item.assignees = list(assignees)
        item.updated_at = item.created_at
        item.closed_at = item.created_at if state == "closed" else None
        self.apply_labels(item, labels, actor=user)
        self.items[item.number] = item
        return item

    def label_as(self, number: int, name: str, *, user: str) -> None:
        """``user`` adds label ``name`` to issue ``number`` (in the UI: a ``labeled`` event by them)."""
        self.apply_labels(self.items[number], [name], actor=user)

    def close_as(self, number: int, *, user: str, reason: str = "completed") -> None:
        """``user`` closes issue ``number`` (in the UI: a ``closed`` event by them)."""
        item = self.items[number]
        item.state, item.state_reason, item.closed_at = "closed", reason, self.now()
        self.record_event(item, "closed", user, at=item.closed_at)

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
        item = Item(self.take_number(), title, body, user or self.login, self.now(), state=state)
        item.is_pull, item.head, item.base, item.draft = True, head, base or self.default_branch, draft
        item.head_repository = head_repository
        item.updated_at = item.created_at
        if merged:
            item.state, item.merged, item.merged_at = "closed", True, item.created_at
        item.closed_at = item.created_at if item.state == "closed" else None
        self.apply_labels(item, labels)
        self.items[item.number] = item
        return item

    def add_comment(self, number: int, body: str, *, user: str = "Codertocat") -> CommentRecord:
        """A comment by ``user`` on issue or pull request ``number``."""
        now = self.now()
        comment = CommentRecord(self.new_id(), number, body, user, now, now)
        self.comments[comment.id] = comment
        return comment

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
        when = None if state == "PENDING" else (submitted_at or self.now())
        review = ReviewRecord(self.new_id(), pr, user, state, when, commit_id or self.head_sha(pr), body)
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

    def delete_account(self, login: str) -> None:
        """``login`` deleted their account: everything they wrote names ``null`` as its user (GitHub's ghost)."""
        self.deleted_accounts.add(login)

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
            body = {"message": REASONS.get(status, "Error"), "documentation_url": DOCS, "status": str(status)}
        method = method.upper() if method else None
        self.failures.append(
            Failure(method, re.compile(path_regex), status, body, headers or {}, times, after)
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
        body = {"message": message, "documentation_url": f"{DOCS}/overview/rate-limits-for-the-rest-api"}
        self.fail_next(method, path_regex, status, body, headers, times=times)

    def drop_next(
        self,
        method: str,
        path_regex: str,
        error: type[requests.RequestException] = requests.ConnectionError,
        *,
        after: bool = False,
        times: int = 1,
    ) -> None:
        """The next ``times`` matching requests get no answer: ``error`` is raised (connection reset, read
        timeout). ``after=True``: GitHub processed the request, then the connection broke before the answer."""
        self.drops.append(Drop(method.upper(), re.compile(path_regex), error, after, times))

    def exhaust_budget_after(self, method: str, path_regex: str) -> None:
        """Once a matching request was answered, the primary rate limit is reached: every later request
        answers 403 "API rate limit exceeded" (remaining 0, reset in an hour)."""
        self.budget_ends_after = (method.upper(), re.compile(path_regex))

    def on_request(self, method: str | None, path_regex: str, callback: Callable[[int], object]) -> None:
        """Call ``callback(n)`` before the n-th matching request (n from 1) is answered, every time one comes.

        The callback may change state (a human commits between the action's read and its write) or inject a
        failure that this very request then meets (``fail_next`` / ``rate_limit_next``).
        """
        self.hooks.append(Hook(method.upper() if method else None, re.compile(path_regex), callback))

    def heal(self) -> None:
        """GitHub is healthy again: no pending injected failure, drop, exhausted budget or request hook."""
        self.failures.clear()
        self.drops.clear()
        self.hooks.clear()
        self.budget_ends_after = None

    # ------------------------------------------------------------------ inspection

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
        """Forget the requests seen so far (state stays)."""
        self.log.clear()

    def files(self, branch: str) -> dict[str, str]:
        """Every file on ``branch`` as text."""
        return {p: d.decode() for p, d in self.commits[self.branches[branch]].tree.items()}

    def file_text(self, branch: str, path: str) -> str | None:
        """``path`` on ``branch`` as text, None when absent."""
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
