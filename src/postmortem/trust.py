"""What the action may believe: its own comments, issues and pull requests, told apart from anyone else's.

The action finds what it wrote by hidden markers (:mod:`postmortem.markdown.markers`). Anyone can type a marker into a
comment, an issue or a fork's pull request, so a marker counts only where the action itself wrote it: by a
GitHub App bot (``github-actions[bot]`` for ``GITHUB_TOKEN``), or by the configured ``bot_login`` when the
token is a person's. A post-mortem pull request must also come from a ``postmortem/incident-<N>`` branch of
this repository (only people with write access can push one), and a path read from a marker must name a
Markdown file inside the repository (relative, no `..`, no hidden folder).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict

from postmortem.config import Config
from postmortem.github.models import Comment, Issue, PullRequest
from postmortem.markdown.markers import DOCUMENT, marker, read_marker, replace_marker

DOCUMENT_MARKER = DOCUMENT
_BRANCH = re.compile(r"^postmortem/incident-(?P<n>[1-9][0-9]{0,9})$")


def branch_name(issue_number: int) -> str:
    """The post-mortem branch of an incident issue (the only branches whose pull requests are post-mortems)."""
    return f"postmortem/incident-{issue_number}"


def written_by_action(author: str, author_type: str, config: Config) -> bool:
    """Whether ``author`` is the action itself (see the module docstring)."""
    if config.bot_login:
        return author.casefold() == config.bot_login.casefold()
    return author_type == "Bot"


def action_comments(comments: Sequence[Comment], config: Config) -> list[Comment]:
    """The comments the action wrote: the only ones whose markers count."""
    return [c for c in comments if written_by_action(c.author, c.author_type, config)]


def action_issues(issues: Sequence[Issue], config: Config) -> list[Issue]:
    """The issues the action opened: the only ones whose markers count."""
    return [i for i in issues if written_by_action(i.author, i.author_type, config)]


def safe_document_path(path: object) -> str | None:
    """``path`` when it names a Markdown file inside the repository (relative, no ``..``, no hidden folder),
    else None. Not tied to the configured directory: a post-mortem opened before ``directory:`` changed stays
    the action's."""
    if not isinstance(path, str) or not path.endswith(".md") or "\\" in path:
        return None
    segments = path.split("/")
    if any(segment in ("", ".", "..") or segment.startswith(".") for segment in segments):
        return None
    if any(ord(c) < 32 for c in path):
        return None
    return path


def incident_of_branch(branch: str) -> int | None:
    """N for a ``postmortem/incident-N`` branch, else None."""
    match = _BRANCH.match(branch)
    return int(match.group("n")) if match else None


class PostmortemRef(BaseModel):
    """What identifies a post-mortem pull request: its incident, and the document the action last wrote."""

    model_config = ConfigDict(frozen=True)

    incident: int
    path: str | None = None
    """The document's path, from the marker the action wrote (None when it wrote none)."""
    recorded_sha: str | None = None
    """Blob sha of the document the action last wrote (the incident handler's "untouched" test)."""


def postmortem_ref(pull: PullRequest, repository: str, config: Config) -> PostmortemRef | None:
    """The post-mortem ``pull`` is about, or None when it is not one the action may act on.

    It must come from a ``postmortem/incident-N`` branch of ``repository`` (never a fork); its ``document``
    marker is read only when the action opened the pull request, and its path only when it is a safe one.
    """
    incident = incident_of_branch(pull.head_ref)
    if incident is None or pull.head_repository.casefold() != repository.casefold():
        return None
    recorded = read_marker(pull.body, DOCUMENT_MARKER) or {}
    if not written_by_action(pull.author, pull.author_type, config) or recorded.get("incident") != incident:
        return PostmortemRef(incident=incident)
    sha = recorded.get("sha")
    return PostmortemRef(
        incident=incident,
        path=safe_document_path(recorded.get("path")),
        recorded_sha=sha if isinstance(sha, str) and re.fullmatch(r"[0-9a-f]{40}", sha) else None,
    )


def with_recorded_sha(body: str, incident: int, path: str, sha: str) -> str:
    """The pull request's body with its ``document`` marker recording ``path`` and ``sha``; the rest of the body
    (what people wrote into it) unchanged."""
    new = marker(DOCUMENT_MARKER, incident=incident, path=path, sha=sha)
    return replace_marker(body, DOCUMENT_MARKER, new)
