"""The fake's state store: one repository's branches, commits and trees, issues and pull requests, comments,
labels, reviews, statuses, permissions and teams, the injected failures and the request log.

Records are plain dataclasses that tests read and change directly (``fake.items[3].labels``). The primitives
here (ids, clock, commits, lookups that answer 404) are what routes build on; seeding and inspection for tests
are on :class:`~tests.fake_github.fake.FakeGitHub`.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import requests

from tests.fake_github.http import NOT_FOUND, Reply

SCOPES = ("contents", "pull-requests", "issues", "statuses")
"""The ``permissions:`` scopes the fake enforces on writes (see :meth:`FakeGitHub.revoke`)."""


def blob_sha(data: bytes) -> str:
    """The git blob sha of ``data``: sha1 of ``b"blob <len>\\0" + data``, as GitHub reports it."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


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


@dataclass(frozen=True)
class Logged:
    """One request as the fake answered it."""

    method: str
    path: str
    query: str
    status: int
    body: Any = None


@dataclass
class Failure:
    """An injected answer for the next ``times`` matching requests (``after``: apply the request first)."""

    method: str | None
    path: re.Pattern[str]
    status: int
    body: dict[str, Any] | str
    headers: dict[str, str]
    times: int
    after: bool


@dataclass
class Drop:
    """A request that gets no answer at all (``after``: GitHub processed it, then the connection broke)."""

    method: str
    path: re.Pattern[str]
    error: type[requests.RequestException]
    after: bool
    times: int


@dataclass
class Hook:
    """A callback run before each matching request is answered; ``seen`` counts the matches so far."""

    method: str | None
    path: re.Pattern[str]
    callback: Callable[[int], object]
    seen: int = 0


class GitHubState:
    """The data of one repository on GitHub, and the primitives routes share."""

    def __init__(self, repository: str, default_branch: str, private: bool, login: str) -> None:
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
        self.refs: dict[str, str] = {}
        """Refs outside ``refs/heads/`` (``refs/postmortem-locks/…``), by full name: the commit each points at."""
        self.trees: dict[str, dict[str, bytes]] = {}
        """Git trees created through ``POST git/trees`` (path → content), by sha."""
        self.items: dict[int, Item] = {}
        self.comments: dict[int, CommentRecord] = {}
        self.labels: dict[str, LabelRecord] = {}
        self.permissions: dict[str, str] = {}
        self.reviews: list[ReviewRecord] = []
        self.statuses: list[StatusRecord] = []
        self.teams: dict[str, list[str]] = {}
        self.unreadable_teams: dict[str, int] = {}
        self.deleted_accounts: set[str] = set()
        """Logins whose account is gone: GitHub answers ``null`` where their user object was."""
        self.log: list[Logged] = []
        """Every request answered, in order (see :meth:`FakeGitHub.count`, :attr:`FakeGitHub.writes`)."""
        self.failures: list[Failure] = []
        self.drops: list[Drop] = []
        self.hooks: list[Hook] = []
        self.budget_ends_after: tuple[str, re.Pattern[str]] | None = None
        self._ids = 1000
        self._clock = 1_704_067_200  # 2024-01-01T00:00:00Z
        self._next_number = 1
        self._commit_counter = 0
        self.branches[default_branch] = self.new_commit(None, {}, "Initial commit", "octocat")

    # ------------------------------------------------------------------ ids, time, commits

    def new_id(self) -> int:
        """A fresh database id (comments, labels, reviews, statuses)."""
        self._ids += 1
        return self._ids

    def take_number(self) -> int:
        """The next issue / pull request number (one sequence for both, as on GitHub)."""
        number = self._next_number
        self._next_number += 1
        return number

    def now(self) -> str:
        """A timestamp one second after the previous one (the fake's clock only moves when asked)."""
        self._clock += 1
        return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(self._clock))

    def new_commit(self, parent: str | None, tree: dict[str, bytes], message: str, author: str) -> str:
        """Store a commit with the whole ``tree`` (path → bytes); returns its sha. No branch moves."""
        self._commit_counter += 1
        sha = hashlib.sha1(f"commit {self._commit_counter} {parent} {message}".encode()).hexdigest()
        self.commits[sha] = Commit(sha, message, author, tree, parent)
        return sha

    def add_label(self, name: str, color: str = "ededed", description: str | None = None) -> LabelRecord:
        """A repository label (replacing one of the same name, case-insensitively)."""
        label = LabelRecord(self.new_id(), name, color, description)
        self.labels[name.lower()] = label
        return label

    def apply_labels(self, item: Item, names: tuple[str, ...] | list[str]) -> None:
        """Add labels to ``item``, creating missing repository labels as GitHub does."""
        for name in names:
            if name.lower() not in self.labels:
                self.add_label(name)
            if name.lower() not in (n.lower() for n in item.labels):
                item.labels.append(self.labels[name.lower()].name)

    # ------------------------------------------------------------------ lookups (404 when missing)

    def resolve(self, ref: str | None) -> Commit:
        """The commit a branch name or a sha names (the default branch for None)."""
        ref = ref or self.default_branch
        if ref in self.branches:
            return self.commits[self.branches[ref]]
        if ref in self.commits:
            return self.commits[ref]
        raise Reply(404, f"No commit found for the ref {ref}")

    def item(self, number: str | int) -> Item:
        """Issue or pull request ``number``."""
        item = self.items.get(int(number))
        if item is None:
            raise Reply(404, NOT_FOUND)
        return item

    def pull(self, number: str | int) -> Item:
        """Pull request ``number`` (an issue of that number is a 404, as on /pulls/{n})."""
        item = self.items.get(int(number))
        if item is None or not item.is_pull:
            raise Reply(404, NOT_FOUND)
        return item

    def comment(self, cid: str | int) -> CommentRecord:
        """Issue comment ``cid``."""
        comment = self.comments.get(int(cid))
        if comment is None:
            raise Reply(404, NOT_FOUND)
        return comment

    def require(self, scope: str) -> None:
        """403 "not accessible by integration" unless the token may write ``scope``."""
        if self.token_permissions.get(scope) != "write":
            raise Reply(403, "Resource not accessible by integration")

    # ------------------------------------------------------------------ queries

    def head_sha(self, number: int) -> str:
        """The head commit of pull request ``number`` (zeros once its branch is gone)."""
        item = self.items[number]
        return self.branches.get(item.head, "0" * 40)

    def pulls(self) -> list[Item]:
        """Every pull request, in number order."""
        return [i for i in self.items.values() if i.is_pull]

    def issues_only(self) -> list[Item]:
        """Every issue that is not a pull request, in number order."""
        return [i for i in self.items.values() if not i.is_pull]

    def comments_on(self, number: int) -> list[CommentRecord]:
        """The comments on issue or pull request ``number``, oldest first."""
        return [c for c in self.comments.values() if c.number == number]

    def statuses_for(self, sha: str) -> list[StatusRecord]:
        """Statuses on ``sha``, newest first."""
        return [s for s in reversed(self.statuses) if s.sha == sha]
