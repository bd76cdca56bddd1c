"""Typed errors whose message is what the user needs to read.

Library code raises these; only the CLI turns them into ``::error::`` lines and exit codes.
"""

from __future__ import annotations


class PostmortemError(Exception):
    """Base class: ``str(error)`` is a complete, user-facing sentence (what failed, what to do)."""


class ConfigError(PostmortemError):
    """The repository's configuration file is invalid."""


class FormError(PostmortemError):
    """The issue form definition cannot be read."""


class TemplateError(PostmortemError):
    """The post-mortem template cannot be rendered."""


class EventError(PostmortemError):
    """The workflow event cannot be understood (missing payload, unsupported event)."""


class GitHubError(PostmortemError):
    """GitHub refused or failed a request; the message names the request and the fix."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class PermissionDenied(GitHubError):
    """The token lacks a permission (403 "Resource not accessible by integration")."""


class NotFound(GitHubError):
    """A resource does not exist (404)."""


class Conflict(GitHubError):
    """A write raced a concurrent change (409 stale sha, 422 already exists)."""


class RateLimited(GitHubError):
    """A primary or secondary rate limit stopped the run; the next run resumes."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message, status=403)
        self.retry_after = retry_after


class ProtectedBranch(GitHubError):
    """Branch protection or a ruleset refused a direct commit; the caller may fall back to a pull request."""


class NotText(GitHubError):
    """A file the action would read is not UTF-8 text (a binary or mis-encoded file in the folder)."""


class NameTaken(Conflict):
    """A file was to be created, but one already exists at that path (GitHub: 422 "sha" wasn't supplied)."""


class LockBusy(PostmortemError):
    """Another live run holds the lock this run needs (two runs at once); this run made none of the locked writes."""
