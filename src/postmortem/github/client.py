"""The one place that talks to GitHub: reads into :mod:`postmortem.github.models` models, applies a :class:`Plan`.

This is the only module importing PyGithub. It uses PyGithub's ``Requester`` (authentication, throttling,
retries, typed exceptions) and maps the REST JSON itself into the snapshot models, instead of PyGithub's lazy
objects: those complete themselves with extra GETs on attribute access, which would make the request count (and
the rate-limit budget) depend on which attribute a caller happens to touch.

Retry and duplicate policy
--------------------------
* **Reads** (GET) are retried by :class:`_Retry` (PyGithub's ``GithubRetry``): up to 3 times on 5xx, and on
  primary/secondary rate-limit answers as long as the wait GitHub asks for is at most ``max_rate_limit_wait``
  (a longer wait raises :class:`RateLimited` at once instead of sleeping for up to an hour).
* **Writes** (POST/PUT/PATCH) are never retried by urllib3: PyGithub's default retries POST after a 5xx, and a
  5xx can come *after* GitHub applied the write, so a blind retry duplicates a comment, an issue or a pull
  request. Instead :meth:`Gateway.send`

  - after a rate-limit answer (the write was *not* processed) waits the announced time when it is within
    ``max_rate_limit_wait`` and sends the write again, else raises :class:`RateLimited`;
  - after a 5xx first *looks* whether the write took effect (the branch exists, the file has the new content,
    an open pull request from the head exists, a comment/issue with the same body exists) and only sends it
    again when it did not; writes that are idempotent by nature (edits, labels, reviewers, statuses) are
    simply sent once more. A second 5xx raises :class:`GitHubError`; a rerun of the workflow finds what exists.
  - treats 422 "Reference already exists" (a concurrent run created the branch) and 422 "A pull request already
    exists" (found by head branch) as success, with a ``note``.

Errors
------
Every PyGithub/requests exception is turned into a :mod:`postmortem.errors` class whose message says what failed
and what to do. The gateway sends one write at a time; the loop over a plan, references to earlier writes and
fallbacks live in :mod:`postmortem.github.apply`.
"""

from __future__ import annotations

import base64
import json
import re
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import requests
from github import Auth, Github, GithubException, GithubRetry
from github.GithubException import RateLimitExceededExceedsMaxWait, RateLimitExceededException
from github.Requester import Requester
from pydantic import BaseModel, ConfigDict
from urllib3 import BaseHTTPResponse
from urllib3.util.retry import Retry

from postmortem.errors import (
    Conflict,
    GitHubError,
    NameTaken,
    NotFound,
    NotText,
    PermissionDenied,
    ProtectedBranch,
    RateLimited,
)
from postmortem.github.models import (
    Comment,
    CommitStatus,
    DirEntry,
    FileContent,
    GitTree,
    Issue,
    IssueActivity,
    Label,
    Permission,
    PullRequest,
    Review,
    TeamMembers,
    WorkflowSettings,
    git_blob_sha,
)
from postmortem.plan import (
    AddLabels,
    CommitFiles,
    CreateBranch,
    CreateComment,
    CreateIssue,
    CreateLabel,
    CreatePullRequest,
    DeleteComment,
    PutFile,
    RemoveLabel,
    RequestReviewers,
    SetCommitStatus,
    UpdateComment,
    UpdateIssue,
    UpdatePullRequest,
    Write,
)

__all__ = ["Gateway", "WriteResult"]

_PERMISSIONS: frozenset[str] = frozenset({"admin", "maintain", "write", "triage", "read", "none"})
_ACTIONS_PR_SETTING = "github actions is not permitted to create or approve pull requests"
_PROTECTION_SIGNS = (
    "repository rule violations",
    "protected branch",
    "changes must be made through a pull request",
    "required status check",
    "cannot update this protected ref",
)


class WriteResult(BaseModel):
    """What one applied write produced."""

    model_config = ConfigDict(frozen=True)

    write: Write
    """The write as sent (with :data:`NEW_PULL_REQUEST` replaced by the real number)."""
    number: int | None = None
    """Issue or pull-request number, comment id or status id created or edited."""
    url: str | None = None
    """``html_url`` of the object, when GitHub returns one."""
    sha: str | None = None
    """New blob sha (PutFile), branch head sha (CreateBranch) or the commit sha (SetCommitStatus)."""
    note: str = ""
    """How it went when not plainly: "already existed", "applied although GitHub answered 502", …"""
    commit: str | None = None
    """The commit a file write made (the branch's new head)."""
    pull: PullRequest | None = None
    """The pull request as GitHub answered (CreatePullRequest, UpdatePullRequest)."""
    issue: Issue | None = None
    """The issue as GitHub answered (CreateIssue, UpdateIssue)."""
    comment: Comment | None = None
    """The comment as GitHub answered (CreateComment)."""


class _Counter:
    value = 0


class _CountingToken(Auth.Token):
    """A token auth that counts requests: PyGithub authenticates every request it sends (not its retries)."""

    def __init__(self, token: str, counter: _Counter) -> None:
        super().__init__(token)
        self._counter = counter

    def authentication(self, headers: dict[str, Any]) -> None:
        self._counter.value += 1
        super().authentication(headers)


class _Retry(GithubRetry):
    """``GithubRetry`` that counts retries and never waits longer than ``max_rate_limit_wait``.

    ``GithubRetry`` honours ``Retry-After`` through urllib3, without a bound; here a ``Retry-After`` above the bound
    raises ``RateLimitExceededExceedsMaxWait`` like the other rate-limit waits do.
    """

    def __init__(self, *, counter: _Counter | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.counter = counter or _Counter()

    def new(self, **kw: Any) -> _Retry:
        kw["counter"] = self.counter
        return super().new(**kw)

    def increment(  # type: ignore[override]
        self,
        method: str | None = None,
        url: str | None = None,
        response: BaseHTTPResponse | None = None,
        error: Exception | None = None,
        _pool: Any = None,
        _stacktrace: Any = None,
    ) -> Retry:
        if response is not None and self.max_rate_limit_wait is not None:
            wait = _float(response.headers.get("Retry-After"))
            if wait is not None and wait > self.max_rate_limit_wait:
                data = _json_body(response, url)
                raise RateLimitExceededExceedsMaxWait(
                    response.status, data, dict(response.headers), wait=wait
                )
        retry = super().increment(method, url, response, error, _pool, _stacktrace)  # type: ignore[arg-type]
        self.counter.value += 1
        return retry


class Gateway:
    """Reads GitHub state into snapshot models and applies plans, for one repository.

    ``pace=True`` (production) keeps PyGithub's throttle for GitHub's secondary limits (0.25 s between requests,
    1 s between writes), backs off between retries and really waits for rate limits up to ``max_rate_limit_wait``
    seconds. ``pace=False`` (tests, benchmarks) turns every wait off; the bounds still decide what is retried.
    """

    def __init__(
        self,
        *,
        token: str,
        repository: str,
        api_url: str = "https://api.github.com",
        pace: bool = True,
        per_page: int = 100,
        max_rate_limit_wait: float = 90.0,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        owner, sep, name = repository.partition("/")
        if not sep or not owner or not name or "/" in name:
            raise ValueError(f"repository must be 'owner/name', got {repository!r}")
        self.owner, self.name, self.repository = owner, name, repository
        self.max_rate_limit_wait = max_rate_limit_wait
        self._sleep: Callable[[float], None] = sleep or (time.sleep if pace else _no_sleep)
        self._counter = _Counter()
        retry = _Retry(
            counter=self._counter,
            total=3,
            backoff_factor=1.0 if pace else 0.0,
            backoff_max=10.0,
            allowed_methods=frozenset({"GET", "HEAD"}),
            raise_on_status=False,
            secondary_rate_wait=60.0 if pace else 0.0,
            max_rate_limit_wait=max_rate_limit_wait,
        )
        self._github = Github(
            auth=_CountingToken(token, self._counter),
            base_url=api_url.rstrip("/"),
            per_page=per_page,
            retry=retry,
            seconds_between_requests=0.25 if pace else None,
            seconds_between_writes=1.0 if pace else None,
            timeout=15,
        )
        self._requester: Requester = self._github.requester
        self._repo_path = f"/repos/{quote(owner)}/{quote(name)}"
        self._default_branch: str | None = None

    @property
    def request_count(self) -> int:
        """HTTP requests sent so far, retries included."""
        return self._counter.value

    # ================================================================== reads

    def get_default_branch(self) -> str:
        if self._default_branch is None:
            with self._reading("read the repository", "contents: read"):
                data = self._get(self._repo_path)
            self._default_branch = str(data["default_branch"])
        return self._default_branch

    def repository_visible(self) -> bool:
        """Whether the token can see the repository at all (asked only after a run failed on a 404)."""
        try:
            return self._get_or_none(self._repo_path) is not None
        except (GithubException, requests.RequestException, _NotJson):
            return True  # unknown: keep the original error

    def get_file(self, path: str, ref: str) -> FileContent | None:
        """A file's text and blob sha on ``ref``; None when it does not exist (or is a directory)."""
        with self._reading(f"read {path} on {ref}", "contents: read"):
            data = self._get_or_none(self._contents_path(path), {"ref": ref})
        if not isinstance(data, dict) or data.get("type") != "file":
            return None
        if data.get("encoding") == "base64":
            try:
                text = _b64decode(str(data.get("content") or "")).decode("utf-8")
            except UnicodeDecodeError as error:
                raise NotText(
                    f"{path} on {ref} is not UTF-8 text ({error.reason}); it is left alone."
                ) from error
        else:  # files over 1 MB come without content
            raise GitHubError(f"{path} on {ref} is too large to read through the contents API (over 1 MB).")
        return FileContent(path=str(data["path"]), sha=str(data["sha"]), text=text)

    def list_directory(self, path: str, ref: str) -> list[DirEntry]:
        """Entries of a directory on ``ref``; [] when it does not exist."""
        with self._reading(f"list {path or '/'} on {ref}", "contents: read"):
            data = self._get_or_none(self._contents_path(path), {"ref": ref})
        if not isinstance(data, list):
            return []
        return [DirEntry(name=e["name"], path=e["path"], sha=e["sha"], type=e["type"]) for e in data]

    def get_tree(self, ref: str) -> GitTree | None:
        """The whole tree of a commit (or branch), recursive, with each blob's sha; None when it does not exist."""
        with self._reading(f"list the files of {ref}", "contents: read"):
            data = self._get_or_none(f"{self._repo_path}/git/trees/{quote(ref)}", {"recursive": "1"})
        if not isinstance(data, dict) or "sha" not in data:
            return None
        blobs = {str(e["path"]): str(e["sha"]) for e in data.get("tree") or [] if e.get("type") == "blob"}
        return GitTree(sha=str(data["sha"]), blobs=blobs, truncated=bool(data.get("truncated")))

    def get_branch_sha(self, branch: str) -> str | None:
        """The commit a branch points at; None when the branch does not exist."""
        with self._reading(f"read branch {branch}", "contents: read"):
            try:
                data = self._get_or_none(f"{self._repo_path}/git/ref/heads/{quote(branch)}")
            except GithubException as exc:
                if exc.status == 409 and "empty" in _error_text(exc).lower():
                    return None  # "Git Repository is empty.": no branch has a commit yet
                raise
        if not isinstance(data, dict) or data.get("ref") != f"refs/heads/{branch}":
            return None  # 404, or GitHub's list of refs merely starting with the name
        return str(data["object"]["sha"])

    def find_pull_request(self, head_branch: str) -> PullRequest | None:
        """The newest pull request (any state) from ``head_branch`` of this repository, or None."""
        params = {
            "head": f"{self.owner}:{head_branch}",
            "state": "all",
            "sort": "created",
            "direction": "desc",
        }
        with self._reading(f"look up the pull request from {head_branch}", "pull-requests: read"):
            data = self._get(f"{self._repo_path}/pulls", params)
        return _pull(data[0]) if isinstance(data, list) and data else None

    def get_pull_request(self, number: int) -> PullRequest:
        with self._reading(f"read pull request #{number}", "pull-requests: read"):
            return _pull(self._get(f"{self._repo_path}/pulls/{number}"))

    def list_pull_requests(self, *, state: str = "open", base: str | None = None) -> list[PullRequest]:
        params = {"state": state} | ({"base": base} if base else {})
        with self._reading("list pull requests", "pull-requests: read"):
            return [_pull(p) for p in self._paginate(f"{self._repo_path}/pulls", params)]

    def get_issue(self, number: int) -> Issue:
        with self._reading(f"read issue #{number}", "issues: read"):
            return _issue(self._get(f"{self._repo_path}/issues/{number}"))

    def list_issues(self, *, labels: Sequence[str] = (), state: str = "all") -> list[Issue]:
        """Issues (not pull requests) with all of ``labels``, newest first, every page."""
        params = {"state": state} | ({"labels": ",".join(labels)} if labels else {})
        with self._reading("list issues", "issues: read"):
            items = self._paginate(f"{self._repo_path}/issues", params)
            return [_issue(i) for i in items if "pull_request" not in i]

    def list_comments(self, number: int) -> list[Comment]:
        with self._reading(f"list the comments on #{number}", "issues: read"):
            items = self._paginate(f"{self._repo_path}/issues/{number}/comments")
            return [_comment(c) for c in items]

    def list_issue_timeline(self, number: int) -> list[IssueActivity]:
        """The comments, labels added, closings and reopenings of issue ``number``, oldest first (every page of
        the issue timeline endpoint; its other items are dropped)."""
        with self._reading(f"read the timeline of #{number}", "issues: read"):
            items = self._paginate(f"{self._repo_path}/issues/{number}/timeline")
        return [activity for item in items if (activity := _activity(item)) is not None]

    def get_permission(self, login: str) -> Permission:
        """The user's role on the repository; "none" when GitHub says they are not a collaborator (404)."""
        with self._reading(f"read the permission of {login}", "contents: read"):
            data = self._get_or_none(f"{self._repo_path}/collaborators/{quote(login)}/permission")
        if not isinstance(data, dict):
            return "none"
        role, legacy = data.get("role_name"), data.get("permission")
        # role_name knows maintain/triage (permission says write/read); custom roles fall back to permission
        value = role if role in _PERMISSIONS else legacy
        return value if value in _PERMISSIONS else "none"

    def list_reviews(self, number: int) -> list[Review]:
        with self._reading(f"list the reviews of #{number}", "pull-requests: read"):
            items = self._paginate(f"{self._repo_path}/pulls/{number}/reviews")
        return [
            Review(
                id=r["id"],
                user=_login(r.get("user")),
                state=r["state"],
                submitted_at=r.get("submitted_at"),
                commit_id=r.get("commit_id") or "",
            )
            for r in items
        ]

    def list_team_members(self, team: str) -> TeamMembers:
        """Members of ``org/slug``; ``readable=False`` when the token may not read the team (403/404)."""
        org, _, slug = team.partition("/")
        try:
            with self._reading(f"list the members of team {team}", "members: read"):
                items = self._paginate(f"/orgs/{quote(org)}/teams/{quote(slug)}/members")
        except (PermissionDenied, NotFound):
            return TeamMembers(team=team, readable=False)
        return TeamMembers(team=team, members=tuple(_login(u) for u in items))

    def list_statuses(self, sha: str) -> list[CommitStatus]:
        """Commit statuses on ``sha``, newest first (several per context: the first one counts)."""
        with self._reading(f"list the statuses of {sha[:7]}", "statuses: read"):
            items = self._paginate(f"{self._repo_path}/commits/{sha}/statuses")
        return [
            CommitStatus(
                context=s["context"],
                state=s["state"],
                description=s.get("description") or "",
                target_url=s.get("target_url"),
            )
            for s in items
        ]

    def list_labels(self) -> list[Label]:
        with self._reading("list labels", "issues: read"):
            items = self._paginate(f"{self._repo_path}/labels")
        return [
            Label(name=i["name"], color=i.get("color") or "ededed", description=i.get("description") or "")
            for i in items
        ]

    def get_workflow_settings(self) -> WorkflowSettings | None:
        """The repository's Actions workflow settings; None when the token may not read them (403/404: the
        endpoint needs Administration: read, which ``GITHUB_TOKEN`` never has)."""
        try:
            with self._reading("read the Actions workflow settings", "administration: read"):
                data = self._get(f"{self._repo_path}/actions/permissions/workflow")
        except (PermissionDenied, NotFound):
            return None
        default = data.get("default_workflow_permissions") if isinstance(data, dict) else None
        approve = data.get("can_approve_pull_request_reviews") if isinstance(data, dict) else None
        return WorkflowSettings(
            default_workflow_permissions=default if default in ("read", "write") else None,
            can_approve_pull_request_reviews=approve if isinstance(approve, bool) else None,
        )

    # ================================================================== writes

    def send(self, write: Write) -> WriteResult:
        """Send one write (plus the recovery reads described above) and map GitHub's refusal to an error."""
        rate_limit_waits = 0
        server_errors = 0
        note = ""
        while True:
            try:
                result = self._send(write)
                return result.model_copy(update={"note": note}) if note else result
            except GithubException as exc:
                if isinstance(write, CreatePullRequest) and write.draft and _drafts_unsupported(exc):
                    write = write.model_copy(update={"draft": False})
                    note = "opened as a regular pull request: this repository does not support drafts"
                    continue
                special = self._accept_refusal(write, exc)
                if special is not None:
                    return special
                error = _map_error(exc, f"“{write.describe()}”", _scope(write), write)
                if isinstance(error, RateLimited):
                    wait = error.retry_after if error.retry_after is not None else 60.0
                    if rate_limit_waits < 2 and wait <= self.max_rate_limit_wait:
                        rate_limit_waits += 1
                        self._sleep(wait)
                        continue  # GitHub did not process a rate-limited request: sending it again is safe
                    raise error from exc
                if exc.status >= 500 and server_errors == 0:
                    server_errors += 1
                    found = self._find_applied(write, exc.status)
                    if found is not None:
                        return found
                    continue
                raise error from exc
            except _NotJson as exc:
                raise GitHubError(
                    f"GitHub did not answer in JSON to “{write.describe()}”: {_NOT_JSON_FIX}"
                ) from exc
            except requests.RequestException as exc:
                raise GitHubError(
                    f"Could not reach GitHub for “{write.describe()}” ({type(exc).__name__}). Rerun the workflow; "
                    "the action finds what it already created."
                ) from exc

    def _send(self, write: Write) -> WriteResult:
        repo = self._repo_path
        match write:
            case CreateBranch():
                data = self._call(
                    "POST", f"{repo}/git/refs", {"ref": f"refs/heads/{write.branch}", "sha": write.from_sha}
                )
                return WriteResult(write=write, sha=data["object"]["sha"])
            case PutFile():
                body: dict[str, Any] = {
                    "message": write.message,
                    "content": _b64encode(write.content.encode("utf-8")),
                    "branch": write.branch,
                }
                if write.expected_sha:
                    body["sha"] = write.expected_sha
                data = self._call("PUT", self._contents_path(write.path), body)
                return WriteResult(
                    write=write,
                    sha=data["content"]["sha"],
                    url=data["content"].get("html_url"),
                    commit=(data.get("commit") or {}).get("sha"),
                )
            case CommitFiles():
                return self._commit_files(write)
            case CreatePullRequest():
                body = {
                    "title": write.title,
                    "head": write.head,
                    "base": write.base,
                    "body": write.body,
                    "draft": write.draft,
                }
                data = self._call("POST", f"{repo}/pulls", body)
                return WriteResult(write=write, number=data["number"], url=data["html_url"], pull=_pull(data))
            case UpdatePullRequest():
                body = {k: v for k, v in (("title", write.title), ("body", write.body)) if v is not None}
                data = self._call("PATCH", f"{repo}/pulls/{write.number}", body)
                return WriteResult(write=write, number=data["number"], url=data["html_url"], pull=_pull(data))
            case AddLabels():
                self._call("POST", f"{repo}/issues/{write.number}/labels", {"labels": list(write.labels)})
                return WriteResult(write=write, number=write.number)
            case RequestReviewers():
                body = {"reviewers": list(write.users), "team_reviewers": list(write.teams)}
                data = self._call("POST", f"{repo}/pulls/{write.number}/requested_reviewers", body)
                return WriteResult(write=write, number=write.number, url=data.get("html_url"))
            case CreateComment():
                data = self._call("POST", f"{repo}/issues/{write.number}/comments", {"body": write.body})
                return WriteResult(
                    write=write, number=data["id"], url=data.get("html_url"), comment=_comment(data)
                )
            case UpdateComment():
                data = self._call("PATCH", f"{repo}/issues/comments/{write.comment_id}", {"body": write.body})
                return WriteResult(write=write, number=data["id"], url=data.get("html_url"))
            case DeleteComment():
                self._requester.requestJsonAndCheck("DELETE", f"{repo}/issues/comments/{write.comment_id}")
                return WriteResult(write=write, number=write.comment_id)
            case RemoveLabel():
                label = quote(write.label, safe="")
                self._requester.requestJsonAndCheck("DELETE", f"{repo}/issues/{write.number}/labels/{label}")
                return WriteResult(write=write, number=write.number)
            case CreateLabel():
                body = {
                    "name": write.name,
                    "color": write.color.lstrip("#"),
                    "description": write.description,
                }
                self._call("POST", f"{repo}/labels", body)
                return WriteResult(write=write)
            case CreateIssue():
                body = {"title": write.title, "body": write.body}
                if write.assignees:
                    body["assignees"] = list(write.assignees)
                if write.labels:
                    body["labels"] = list(write.labels)
                data = self._call("POST", f"{repo}/issues", body)
                return WriteResult(
                    write=write, number=data["number"], url=data["html_url"], issue=_issue(data)
                )
            case UpdateIssue():
                fields = ("title", "body", "assignees", "labels", "state", "state_reason")
                body = {
                    k: (list(v) if isinstance(v, tuple) else v)
                    for k in fields
                    if (v := getattr(write, k)) is not None
                }
                data = self._call("PATCH", f"{repo}/issues/{write.number}", body)
                return WriteResult(
                    write=write, number=data["number"], url=data["html_url"], issue=_issue(data)
                )
            case SetCommitStatus():
                body = {"state": write.state, "context": write.context, "description": write.description}
                if write.target_url:
                    body["target_url"] = write.target_url
                data = self._call("POST", f"{repo}/statuses/{write.sha}", body)
                return WriteResult(write=write, number=data.get("id"), sha=write.sha)
        raise TypeError(f"unknown write {write!r}")  # pragma: no cover

    def _commit_files(self, write: CommitFiles) -> WriteResult:
        """The Git Data API's one commit of several files: read the head's tree (which checks ``expected`` and
        gives the base tree), then a tree, a commit and a fast-forward of the branch."""
        repo = self._repo_path
        if write.parent is not None:
            return self._commit_on_branch(write, write.parent)
        ref = f"{repo}/git/refs/heads/{quote(write.branch)}"
        head = self._get(f"{repo}/git/ref/heads/{quote(write.branch)}")["object"]["sha"]
        tree = self._get(f"{repo}/git/trees/{head}", {"recursive": "1"})
        blobs = {e["path"]: e["sha"] for e in tree.get("tree", []) if e.get("type") == "blob"}
        changed = [path for path, sha in write.expected.items() if blobs.get(path) != sha]
        if changed:
            raise Conflict(
                f"{', '.join(changed)} on {write.branch} changed since it was read; nothing was overwritten. "
                "Rerun the workflow to start from the current version.",
                status=409,
            )
        entries = [
            {"path": path, "mode": "100644", "type": "blob", "content": text}
            for path, text in write.files.items()
        ]
        new_tree = self._call("POST", f"{repo}/git/trees", {"base_tree": tree["sha"], "tree": entries})
        commit = self._call(
            "POST",
            f"{repo}/git/commits",
            {"message": write.message, "tree": new_tree["sha"], "parents": [head]},
        )
        self._call("PATCH", ref, {"sha": commit["sha"], "force": False})
        return WriteResult(write=write, commit=commit["sha"], url=commit.get("html_url"))

    def _commit_on_branch(self, write: CommitFiles, parent: str) -> WriteResult:
        """The whole commit in ONE write (GraphQL ``createCommitOnBranch``), made only while the branch still
        points at ``parent`` (whose tree the caller checked ``expected`` on). GraphQL answers refusals as
        ``errors``: a moved head is a 409 here, branch protection a 422, as the REST commit would answer."""
        headline, _, rest = write.message.partition("\n")
        message = {"headline": headline, **({"body": rest.strip()} if rest.strip() else {})}
        variables = {
            "input": {
                "branch": {"repositoryNameWithOwner": self.repository, "branchName": write.branch},
                "message": message,
                "expectedHeadOid": parent,
                "fileChanges": {
                    "additions": [
                        {"path": path, "contents": _b64encode(text.encode("utf-8"))}
                        for path, text in write.files.items()
                    ]
                },
            }
        }
        try:
            _, data = self._requester.graphql_query(_COMMIT_ON_BRANCH, variables)
        except GithubException as exc:
            if exc.status != 400:
                raise
            text = _error_text(exc).lower()
            status = (
                409 if "expected branch to point to" in text else 403 if "not accessible" in text else 422
            )
            raise GithubException(status, exc.data, exc.headers) from exc
        commit = ((data.get("data") or {}).get("createCommitOnBranch") or {}).get("commit") or {}
        if not commit.get("oid"):
            raise _NotJson("graphql")
        return WriteResult(write=write, commit=str(commit["oid"]), url=commit.get("url"))

    def _accept_refusal(self, write: Write, exc: GithubException) -> WriteResult | None:
        """Refusals that mean "already done": a concurrent run (or our own retried request) got there first."""
        if exc.status == 404 and isinstance(write, DeleteComment | RemoveLabel):
            # the comment is gone / the label is not on the issue: what the write wanted (a deleted issue or a
            # lost permission answers the same, and then there is nothing to take off either)
            number = write.comment_id if isinstance(write, DeleteComment) else write.number
            return WriteResult(write=write, number=number, note="already done")
        if exc.status != 422:
            return None
        text = _error_text(exc).lower()
        if isinstance(write, CreateBranch) and "reference already exists" in text:
            sha = self.get_branch_sha(write.branch)
            return WriteResult(write=write, sha=sha, note="already existed")
        if isinstance(write, CreatePullRequest) and "a pull request already exists" in text:
            pr = self.find_pull_request(write.head)
            if pr is not None and pr.state == "open":
                return WriteResult(
                    write=write, number=pr.number, url=pr.html_url, note="already existed", pull=pr
                )
        if isinstance(write, CreateLabel) and "already_exists" in text:
            return WriteResult(write=write, note="already existed")
        return None

    def _find_applied(self, write: Write, status: int) -> WriteResult | None:
        """After a 5xx: the result if the write took effect anyway, None if it must be sent again."""
        note = f"applied although GitHub answered {status}"
        match write:
            case CreateBranch():
                sha = self.get_branch_sha(write.branch)
                return WriteResult(write=write, sha=sha, note=note) if sha else None
            case PutFile():
                current = self.get_file(write.path, write.branch)
                if (
                    current is not None
                    and current.text == write.content
                    and current.sha != write.expected_sha
                ):
                    return WriteResult(write=write, sha=current.sha, note=note)
                return None
            case CommitFiles():
                head = self.get_branch_sha(write.branch)
                tree = self._get(f"{self._repo_path}/git/trees/{head}", {"recursive": "1"}) if head else {}
                blobs = {e["path"]: e["sha"] for e in tree.get("tree", []) if e.get("type") == "blob"}
                if head and all(blobs.get(p) == git_blob_sha(t) for p, t in write.files.items()):
                    return WriteResult(write=write, commit=head, note=note)
                return None
            case CreatePullRequest():
                pr = self.find_pull_request(write.head)
                if pr is not None and pr.state == "open":
                    return WriteResult(write=write, number=pr.number, url=pr.html_url, note=note, pull=pr)
                return None
            case CreateComment():
                comments = [c for c in self.list_comments(write.number) if c.body == write.body]
                if comments:
                    return WriteResult(
                        write=write,
                        number=comments[-1].id,
                        url=comments[-1].html_url,
                        note=note,
                        comment=comments[-1],
                    )
                return None
            case CreateIssue():
                issues = self.list_issues(labels=write.labels, state="open")
                issues = [i for i in issues if i.title == write.title and i.body == write.body]
                if issues:
                    return WriteResult(
                        write=write,
                        number=issues[0].number,
                        url=issues[0].html_url,
                        note=note,
                        issue=issues[0],
                    )
                return None
        return None  # idempotent writes: sending them again is harmless

    # ================================================================== refs (the run's lock)

    def tree_of(self, ref: str) -> str:
        """The sha of the root tree of a branch or commit (``GET git/trees/{ref}``, not recursive)."""
        with self._reading(f"read the tree of {ref}", "contents: read"):
            return str(self._get(f"{self._repo_path}/git/trees/{quote(ref)}")["sha"])

    def create_commit(self, message: str, tree: str, parents: Sequence[str] = ()) -> str:
        """A commit object on no branch (``POST git/commits``); its sha."""
        with self._reading("create the lock's commit", "contents: write"):
            body = {"message": message, "tree": tree, "parents": list(parents)}
            return str(self._call("POST", f"{self._repo_path}/git/commits", body)["sha"])

    def create_ref(self, ref: str, sha: str) -> bool:
        """Create ``refs/<ref>`` at ``sha``: True, or False when GitHub answers 422 "Reference already exists"."""
        try:
            with self._reading(f"create refs/{ref}", "contents: write"):
                try:
                    self._call("POST", f"{self._repo_path}/git/refs", {"ref": f"refs/{ref}", "sha": sha})
                except GithubException as exc:
                    if exc.status == 422 and "reference already exists" in _error_text(exc).lower():
                        return False
                    raise
        except GitHubError as error:
            if error.status is None or error.status < 500 or self.get_ref(ref) != sha:
                raise
            # GitHub made it before answering 5xx
        return True

    def get_ref(self, ref: str) -> str | None:
        """The sha ``refs/<ref>`` points at; None when there is no such ref."""
        with self._reading(f"read refs/{ref}", "contents: read"):
            data = self._get_or_none(f"{self._repo_path}/git/ref/{quote(ref)}")
        if not isinstance(data, dict) or data.get("ref") != f"refs/{ref}":
            return None
        return str(data["object"]["sha"])

    def get_commit_message(self, sha: str) -> str | None:
        """A commit's message (``GET git/commits/{sha}``); None when there is no such commit."""
        with self._reading(f"read commit {sha[:7]}", "contents: read"):
            data = self._get_or_none(f"{self._repo_path}/git/commits/{quote(sha)}")
        return str(data.get("message") or "") if isinstance(data, dict) else None

    def update_ref(self, ref: str, sha: str, *, force: bool = False) -> bool:
        """Move ``refs/<ref>`` to ``sha``: True, or False when it moved meanwhile (422 "Update is not a fast
        forward", without ``force``) or no longer exists (422 "Reference does not exist")."""
        with self._reading(f"update refs/{ref}", "contents: write"):
            try:
                self._call("PATCH", f"{self._repo_path}/git/refs/{quote(ref)}", {"sha": sha, "force": force})
            except GithubException as exc:
                text = _error_text(exc).lower()
                if exc.status == 422 and ("not a fast forward" in text or "does not exist" in text):
                    return False
                raise
        return True

    def delete_ref(self, ref: str) -> None:
        """Delete ``refs/<ref>``; one that is already gone (422 "Reference does not exist", 404) is done."""
        with self._reading(f"delete refs/{ref}", "contents: write"):
            try:
                self._requester.requestJsonAndCheck("DELETE", f"{self._repo_path}/git/refs/{quote(ref)}")
            except GithubException as exc:
                if exc.status == 404 or (exc.status == 422 and "does not exist" in _error_text(exc).lower()):
                    return
                raise

    # ================================================================== plumbing

    def _contents_path(self, path: str) -> str:
        segments = path.strip("/").split("/")
        if any(segment in ("", ".", "..") or "\\" in segment for segment in segments):
            # a path from a marker or a payload must stay inside this repository's contents
            raise NotFound(f"{path!r} is not a file path inside the repository; nothing was read or written.")
        return f"{self._repo_path}/contents/{'/'.join(quote(segment, safe='') for segment in segments)}"

    def _get(self, url: str, params: dict[str, Any] | None = None) -> Any:
        _, data = self._requester.requestJsonAndCheck("GET", url, parameters=params)
        return _json(data, url)

    def _get_or_none(self, url: str, params: dict[str, Any] | None = None) -> Any:
        try:
            return self._get(url, params)
        except GithubException as exc:
            if exc.status in (404, 410):  # 410: a deleted issue
                return None
            raise

    def _paginate(self, url: str, params: dict[str, Any] | None = None) -> list[Any]:
        """Every item of a list endpoint, following ``Link: rel="next"`` (per_page set on the client)."""
        items: list[Any] = []
        next_url: str | None = url
        parameters: dict[str, Any] | None = {**(params or {}), "per_page": self._requester.per_page}
        while next_url:
            headers, data = self._requester.requestJsonAndCheck("GET", next_url, parameters=parameters)
            data = _json(data, next_url)
            if not isinstance(data, list):
                raise _NotJson(next_url)
            items.extend(data)
            next_url, parameters = _next_link(headers.get("link")), None
        return items

    def _call(self, verb: str, url: str, body: dict[str, Any]) -> Any:
        _, data = self._requester.requestJsonAndCheck(verb, url, input=body)
        return _json(data, url)

    @contextmanager
    def _reading(self, what: str, scope: str) -> Iterator[None]:
        try:
            yield
        except GithubException as exc:
            raise _map_error(exc, what, scope, None) from exc
        except _NotJson as exc:
            raise GitHubError(f"GitHub did not answer in JSON to {what}: {_NOT_JSON_FIX}") from exc
        except requests.RequestException as exc:
            raise GitHubError(
                f"Could not reach GitHub to {what} ({type(exc).__name__}). Rerun the workflow."
            ) from exc


_COMMIT_ON_BRANCH = """mutation($input: CreateCommitOnBranchInput!) {
  createCommitOnBranch(input: $input) { commit { oid url } }
}"""


# ====================================================================== error mapping


def _map_error(exc: GithubException, what: str, scope: str, write: Write | None) -> GitHubError:
    """One user-facing error for a refused request; ``what`` names the request, ``scope`` its permission."""
    status = exc.status
    text = _error_text(exc)
    lower = text.lower()
    headers = {k.lower(): str(v) for k, v in (exc.headers or {}).items()}
    rate_limited = (
        isinstance(exc, RateLimitExceededException | RateLimitExceededExceedsMaxWait)
        or (
            status in (403, 429) and ("retry-after" in headers or headers.get("x-ratelimit-remaining") == "0")
        )
        or (status in (403, 429) and Requester.isRateLimitError(lower))
        # When urllib3 runs out of retries on a secondary limit, PyGithub has already drained the body: an
        # empty 403/429 is a limit (a refused permission always says "Resource not accessible …").
        or (status in (403, 429) and not text.strip())
    )
    if rate_limited:
        retry_after = _retry_after(exc, headers)
        kind = "secondary" if Requester.isSecondaryRateLimitError(lower) else "rate"
        when = f" in about {retry_after:.0f} s" if retry_after is not None else " later"
        return RateLimited(
            f"GitHub's {kind} limit stopped {what}. Nothing more was sent; rerun the workflow{when} and it "
            "continues where this run stopped.",
            retry_after=retry_after,
        )
    if status == 401:
        return PermissionDenied(
            f"GitHub rejected the token while trying to {what} (401 Bad credentials). Check the `github-token` "
            "input: it must be a valid token for this repository.",
            status=status,
        )
    if status == 403 and _ACTIONS_PR_SETTING in lower:
        return PermissionDenied(
            f"GitHub refused {what}: GitHub Actions may not create pull requests in this repository. Enable "
            "Settings → Actions → General → “Allow GitHub Actions to create and approve pull requests” (for an "
            "organization, also in the organization's settings), or pass a GitHub App or personal token.",
            status=status,
        )
    if status == 403 and "not accessible by integration" in lower:
        return PermissionDenied(
            f"The workflow token may not {_verb(what)} (403 Resource not accessible by integration). Add "
            f"`{scope}` under `permissions:` in the workflow that runs this action.",
            status=status,
        )
    if (
        isinstance(write, PutFile | CommitFiles)
        and status in (403, 409, 422)
        and any(s in lower for s in _PROTECTION_SIGNS)
    ):
        return ProtectedBranch(
            f"Branch protection or a ruleset on {write.branch} refused {what} ({status}: {_first_line(text)}). "
            "Commit through a pull request instead, or allow this token to bypass the rule.",
            status=status,
        )
    if status == 403:
        return PermissionDenied(
            f"GitHub refused {what} (403: {_first_line(text)}). Check the workflow's `permissions:` (`{scope}`) "
            "and the repository settings.",
            status=status,
        )
    if status in (404, 410):
        gone = (
            "410 Gone: it was deleted"
            if status == 410
            else "404 Not Found: it does not exist or this token cannot see it"
        )
        return NotFound(
            f"GitHub answered {gone} to {what}. Check the name or number, and that the workflow has `{scope}`.",
            status=status,
        )
    if isinstance(write, PutFile) and write.expected_sha is None and status == 422 and "sha" in lower:
        return NameTaken(
            f"Cannot create {write.path} on {write.branch}: a file with that name exists there ({status}: "
            f"{_first_line(text)}); nothing was overwritten.",
            status=status,
        )
    if isinstance(write, CommitFiles) and (status == 409 or "fast forward" in lower):
        return Conflict(
            f"{write.branch} moved while the action committed {', '.join(write.files)} ({status}: "
            f"{_first_line(text)}); nothing was overwritten. Rerun the workflow to start from the current version.",
            status=status,
        )
    if isinstance(write, PutFile) and (status == 409 or (status == 422 and "sha" in lower)):
        return Conflict(
            f"{write.path} on {write.branch} changed since it was read ({status}: {_first_line(text)}); nothing "
            "was overwritten. Rerun the workflow to start from the current version.",
            status=status,
        )
    if isinstance(write, CreatePullRequest) and "no commits between" in lower:
        return GitHubError(
            f"GitHub refused {what}: {write.head} holds nothing that {write.base} lacks ({status}: {_first_line(text)}). "
            f"Delete the branch {write.head} (or push a commit to it) and rerun the workflow.",
            status=status,
        )
    if status == 409:
        return Conflict(
            f"GitHub refused {what} because of a concurrent change (409: {_first_line(text)}). Rerun the workflow.",
            status=status,
        )
    if status >= 500:
        return GitHubError(
            f"GitHub answered {status} to {what}, also after retrying. Rerun the workflow; the action finds what "
            "it already created.",
            status=status,
        )
    return GitHubError(
        f"GitHub refused {what} ({status}: {text or 'no explanation'}). Rerun the workflow; if it fails again, "
        "check the token's access to the repository and GitHub's status.",
        status=status,
    )


def _scope(write: Write) -> str:
    """The workflow ``permissions:`` entry a write needs."""
    match write:
        case CreateBranch() | PutFile() | CommitFiles():
            return "contents: write"
        case CreatePullRequest() | UpdatePullRequest() | RequestReviewers():
            return "pull-requests: write"
        case SetCommitStatus():
            return "statuses: write"
    return "issues: write"  # comments, labels, issues (on a pull request, pull-requests: write also does)


def _drafts_unsupported(exc: GithubException) -> bool:
    return exc.status == 422 and "draft pull requests are not supported" in _error_text(exc).lower()


def _verb(what: str) -> str:
    """'“create branch x”' → 'create branch x'; 'read issue #3' stays."""
    return what.strip("“”")


class _NotJson(Exception):
    """An answer that was a page, not JSON; turned into a GitHubError naming the request by the caller."""


_NOT_JSON_FIX = (
    "check that GITHUB_API_URL is the API's address (https://api.github.com, or https://HOST/api/v3 on GitHub "
    "Enterprise Server) and that no proxy answers instead of GitHub."
)


def _json(data: Any, url: str) -> Any:
    """The parsed answer; :class:`_NotJson` when it was a page (a proxy's, or a web URL used as the API's)."""
    # PyGithub wraps a body it cannot parse as {"data": text} (plus "url" on some paths).
    page = isinstance(data, dict) and set(data) <= {"data", "url"} and isinstance(data.get("data"), str)
    if isinstance(data, str) or page:
        raise _NotJson(url)
    return data


def _error_text(exc: GithubException) -> str:
    """GitHub's message plus the messages of its ``errors`` list (where 422 details live)."""
    data = exc.data if isinstance(exc.data, dict) else {}
    message = data.get("message") or exc.message
    if not message and isinstance(data.get("data"), str):  # a body that was not JSON (an HTML page)
        message = _first_line(re.sub(r"<[^<>]*>", " ", data["data"]))[:200]
    parts = [str(message or "")]
    for item in data.get("errors") or []:
        if isinstance(item, dict):
            parts.append(str(item.get("message") or item.get("code") or ""))
        else:
            parts.append(str(item))
    return "; ".join(p for p in parts if p)


def _first_line(text: str) -> str:
    return " ".join(text.split())


def _retry_after(exc: GithubException, headers: dict[str, str]) -> float | None:
    if isinstance(exc, RateLimitExceededExceedsMaxWait):
        return None if exc.wait is None else float(exc.wait)
    after = _float(headers.get("retry-after"))
    if after is not None:
        return after
    if headers.get("x-ratelimit-remaining") == "0":
        reset = _float(headers.get("x-ratelimit-reset"))
        if reset is not None:
            return max(0.0, reset - datetime.now(UTC).timestamp()) + 1.0
    return 60.0  # GitHub: without other hints wait at least a minute after a secondary limit


# ====================================================================== JSON → models


def _login(user: Any) -> str:
    return str(user["login"]) if isinstance(user, dict) and user.get("login") else "ghost"


def _user_type(user: Any) -> str:
    return str(user.get("type") or "User") if isinstance(user, dict) else "User"


def _pull(data: Any) -> PullRequest:
    return PullRequest(
        number=data["number"],
        html_url=data["html_url"],
        title=data["title"],
        body=data.get("body") or "",
        state=data["state"],
        draft=bool(data.get("draft")),
        merged=bool(data.get("merged") or data.get("merged_at")),  # list items have merged_at only
        merged_at=data.get("merged_at"),
        head_ref=data["head"]["ref"],
        head_sha=data["head"]["sha"],
        base_ref=data["base"]["ref"],
        head_repository=str(((data["head"].get("repo") or {}).get("full_name")) or ""),
        author=_login(data.get("user")),
        author_type=_user_type(data.get("user")),
        labels=tuple(label["name"] for label in data.get("labels") or []),
        requested_reviewers=tuple(_login(u) for u in data.get("requested_reviewers") or []),
        requested_teams=tuple(t["slug"] for t in data.get("requested_teams") or []),
    )


def _issue(data: Any) -> Issue:
    return Issue(
        number=data["number"],
        html_url=data["html_url"],
        title=data["title"],
        body=data.get("body") or "",
        state=data["state"],
        state_reason=data.get("state_reason"),
        author=_login(data.get("user")),
        author_type=_user_type(data.get("user")),
        assignees=tuple(_login(u) for u in data.get("assignees") or []),
        labels=tuple(
            label["name"] if isinstance(label, dict) else str(label) for label in data.get("labels") or []
        ),
        created_at=data.get("created_at"),
        closed_at=data.get("closed_at"),
        closed_by=_login(data["closed_by"]) if isinstance(data.get("closed_by"), dict) else "",
        is_pull_request="pull_request" in data,
        comments=data.get("comments") if isinstance(data.get("comments"), int) else None,
    )


def _activity(data: Any) -> IssueActivity | None:
    """A timeline item the action keeps, or None (other events, or an item without a time)."""
    if not isinstance(data, dict) or not isinstance(data.get("created_at"), str):
        return None
    kind = data.get("event")
    if kind == "commented":
        # a comment names its author in ``user`` (``actor`` too, on the timeline)
        author = data.get("user") or data.get("actor")
        return IssueActivity(
            kind="commented", actor=_login(author), created_at=data["created_at"], body=data.get("body") or ""
        )
    if kind == "labeled":
        name = (data.get("label") or {}).get("name") if isinstance(data.get("label"), dict) else None
        if not name:
            return None
        return IssueActivity(
            kind="labeled", actor=_login(data.get("actor")), created_at=data["created_at"], label=str(name)
        )
    if kind in ("closed", "reopened"):
        return IssueActivity(kind=kind, actor=_login(data.get("actor")), created_at=data["created_at"])
    return None


def _comment(data: Any) -> Comment:
    return Comment(
        id=data["id"],
        body=data.get("body") or "",
        author=_login(data.get("user")),
        author_type=_user_type(data.get("user")),
        html_url=data.get("html_url") or "",
    )


# ====================================================================== small helpers


_LINK_NEXT = re.compile(r'<([^>]+)>\s*;\s*rel="next"')


def _next_link(link: str | None) -> str | None:
    match = _LINK_NEXT.search(link or "")
    return match.group(1) if match else None


def _float(value: Any) -> float | None:
    try:
        return float(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def _b64encode(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _b64decode(text: str) -> bytes:
    return base64.b64decode(text)


def _json_body(response: BaseHTTPResponse, url: str | None) -> dict[str, Any]:
    """GitHub's JSON error body of a response urllib3 is about to retry (kept for the error message)."""
    try:
        data = json.loads(GithubRetry.get_content(response, url or ""))  # type: ignore[arg-type]
    except ValueError:
        data = None
    return data if isinstance(data, dict) else {"message": "rate limited (Retry-After)"}


def _no_sleep(_: float) -> None:
    """``pace=False``: waits are skipped (the bounds still apply)."""
