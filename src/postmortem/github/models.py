"""GitHub objects as the functional core sees them: plain pydantic snapshots, no PyGithub.

The gateway reads GitHub into these; handlers decide from them. Review states are upper case as in the REST
API (``APPROVED``); :func:`normalize_review_state` converts a webhook's lower-case spelling.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

Permission = Literal["admin", "maintain", "write", "triage", "read", "none"]
WRITE_PERMISSIONS: frozenset[str] = frozenset({"admin", "maintain", "write"})
ReviewState = Literal["APPROVED", "CHANGES_REQUESTED", "COMMENTED", "DISMISSED", "PENDING"]


class _Snapshot(BaseModel):
    model_config = ConfigDict(frozen=True)


class FileContent(_Snapshot):
    path: str
    sha: str
    """The blob sha: pass it back to replace the file, so a concurrent edit is refused instead of lost."""
    text: str


class GitTree(_Snapshot):
    """A commit's whole tree (git trees API, recursive): its sha and every blob's sha by path."""

    sha: str
    blobs: dict[str, str] = Field(default_factory=dict)
    truncated: bool = False
    """GitHub cut the listing (over 100,000 entries or 7 MB): paths may be missing."""


class DirEntry(_Snapshot):
    name: str
    path: str
    sha: str
    type: Literal["file", "dir", "symlink", "submodule"]


class PullRequest(_Snapshot):
    number: int
    html_url: str
    title: str
    body: str = ""
    state: Literal["open", "closed"]
    draft: bool = False
    merged: bool = False
    merged_at: AwareDatetime | None = None
    head_ref: str
    head_sha: str
    base_ref: str
    head_repository: str = ""
    """``owner/name`` of the head branch's repository: another one for a fork's pull request ("" if deleted)."""
    author: str = ""
    author_type: str = "User"
    labels: tuple[str, ...] = ()
    requested_reviewers: tuple[str, ...] = ()
    requested_teams: tuple[str, ...] = ()


class Issue(_Snapshot):
    number: int
    html_url: str
    title: str
    body: str = ""
    state: Literal["open", "closed"] = "open"
    state_reason: str | None = None
    author: str = ""
    author_type: str = "User"
    assignees: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()
    created_at: AwareDatetime | None = None
    closed_at: AwareDatetime | None = None
    closed_by: str = ""
    """Who closed it last ("" when open or unknown; listings leave it out, a single issue's read has it)."""
    is_pull_request: bool = False
    comments: int | None = None
    """How many comments it has (None when unknown): 0 spares reading them."""


class Comment(_Snapshot):
    id: int
    body: str
    author: str = ""
    author_type: str = "User"
    """``Bot`` for a GitHub App (``github-actions[bot]``), ``User`` for a person or a personal token."""
    html_url: str = ""


class IssueActivity(_Snapshot):
    """One item of an issue's timeline (``GET /repos/{o}/{r}/issues/{n}/timeline``) the action reads: a comment
    (``commented``: ``actor`` its author, ``body`` its text), a label added (``labeled``: ``label``), a closing or
    reopening (``actor`` who did it). Other kinds of timeline items are not kept."""

    kind: Literal["commented", "labeled", "closed", "reopened"]
    actor: str
    created_at: AwareDatetime
    body: str = ""
    label: str = ""


class Review(_Snapshot):
    id: int
    user: str
    state: ReviewState
    submitted_at: AwareDatetime | None = None
    commit_id: str = ""


class Label(_Snapshot):
    name: str
    color: str = "ededed"
    description: str = ""


class CommitStatus(_Snapshot):
    context: str
    state: Literal["pending", "success", "failure", "error"]
    description: str = ""
    target_url: str | None = None


class WorkflowSettings(_Snapshot):
    """``GET /repos/{o}/{r}/actions/permissions/workflow``: the ``GITHUB_TOKEN``'s default permissions and
    whether Actions may create and approve pull requests."""

    default_workflow_permissions: Literal["read", "write"] | None = None
    can_approve_pull_request_reviews: bool | None = None


class TeamMembers(_Snapshot):
    """Members of a team, or ``readable=False`` when the token may not read the team."""

    team: str
    members: tuple[str, ...] = Field(default=())
    readable: bool = True


def normalize_review_state(state: str) -> ReviewState:
    """Webhooks spell review states in lower case (``approved``), the REST API in upper case."""
    upper = state.upper()
    if upper not in ("APPROVED", "CHANGES_REQUESTED", "COMMENTED", "DISMISSED", "PENDING"):
        raise ValueError(f"unknown review state {state!r}")
    return upper  # type: ignore[return-value]


def git_blob_sha(text: str) -> str:
    """The sha git (and the contents API) gives a file holding ``text`` encoded as UTF-8."""
    data = text.encode("utf-8")
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


_DECISIVE = frozenset({"APPROVED", "CHANGES_REQUESTED", "DISMISSED"})
_EPOCH = datetime.min.replace(tzinfo=UTC)


def latest_decisive_reviews(reviews: Iterable[Review]) -> dict[str, Review]:
    """Per reviewer (case-folded login), the latest review that approves, requests changes or was dismissed."""
    latest: dict[str, Review] = {}
    ordered = sorted(reviews, key=lambda r: (r.submitted_at or _EPOCH, r.id))
    for review in ordered:
        if normalize_review_state(review.state) in _DECISIVE:
            latest[review.user.removeprefix("@").casefold()] = review
    return latest
