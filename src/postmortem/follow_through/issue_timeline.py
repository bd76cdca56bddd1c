"""The incident issue's own timeline, read for the draft: timed comments and GitHub's events, merged with the
form's (the pure rules are :mod:`postmortem.follow_through.timeline`).

The shell part of the feature: it reads through the run's snapshot and nothing else, and the incident handler
calls it through the ``TimelineSource`` the runner gives it (neither feature imports the other). Cost: nothing
more when the issue has no comments of people (GitHub's own events then come from the issue already read: its
author and creation, and who closed it); otherwise one paginated read of the issue timeline endpoint (comments,
labels added and closings in one listing) and one permission read per distinct author of a comment with a timed
line (the sender's is already known).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Protocol

from postmortem.context import Context
from postmortem.follow_through.timeline import (
    Activity,
    TimelineEntry,
    comment_events,
    issue_events,
    merge_timeline,
    missing_entries,
    rows_to_paste,
)
from postmortem.github.models import WRITE_PERMISSIONS, Issue, IssueActivity
from postmortem.trust import action_comments

ACTION_LOGINS = frozenset({"github-actions[bot]"})
"""The login the workflow's ``GITHUB_TOKEN`` writes as (plus the configured ``bot_login``)."""


class Row(Protocol):
    """A timeline row as the incident feature holds it (``incident.model.TimelineEvent``)."""

    @property
    def at(self) -> datetime | None: ...
    @property
    def time_text(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def action(self) -> str: ...
    @property
    def by(self) -> str: ...


class IncidentFacts(Protocol):
    """What the merge needs of the incident (``incident.model.Incident``)."""

    @property
    def author(self) -> str: ...
    @property
    def created_at(self) -> datetime: ...
    @property
    def resolved_at(self) -> datetime | None: ...
    @property
    def date(self) -> datetime: ...
    @property
    def timeline(self) -> Sequence[Row]: ...


def _people_commented(ctx: Context, issue: Issue) -> bool:
    """Whether the issue has comments that are not the action's: its comment count, and, when this run has
    listed its comments already (looking for the link comment), who wrote them."""
    if not issue.comments:
        return False
    listed = ctx.snapshot.comments_if_read(issue.number)
    if listed is None:
        return True
    ours = {c.id for c in action_comments(listed, ctx.config)}
    return any(c.id not in ours for c in listed)


def _activities(issue: Issue, read: Sequence[IssueActivity] | None) -> list[Activity]:
    if read is None:
        # no timeline read: a closing is known from the issue itself (when and who closed it)
        if issue.state != "closed" or not issue.closed_by or issue.closed_at is None:
            return []
        return [Activity(kind="closed", actor=issue.closed_by, created_at=issue.closed_at)]
    return [Activity.model_validate(item.model_dump()) for item in read]


class IssueTimeline:
    """The incident handler's ``TimelineSource``: the merged timeline, and rows to paste into an edited one."""

    def events(self, ctx: Context, issue: Issue, incident: IncidentFacts) -> list[TimelineEntry]:
        """The form's events with the issue's merged in, in order, each dated when not on the incident's day.

        Only comments by people with write access count (their permission is read once per distinct author of
        a comment that has a timed line); the action's own comments and its closing of the issue (on
        publication) are not events.
        """
        snapshot = ctx.snapshot
        read = snapshot.issue_timeline(issue.number) if _people_commented(ctx, issue) else None
        activities = _activities(issue, read)
        own = {login.casefold() for login in ACTION_LOGINS} | (
            {ctx.config.bot_login.casefold()} if ctx.config.bot_login else set()
        )
        action_logins = frozenset(a.actor for a in activities if a.actor.casefold() in own) | ACTION_LOGINS
        timed_authors = dict.fromkeys(
            a.actor
            for a in activities
            if a.kind == "commented"
            and a.actor not in action_logins
            and comment_events(a.body, a.actor, a.created_at)
        )
        writers = frozenset(
            login for login in timed_authors if snapshot.permission(login) in WRITE_PERMISSIONS
        )
        extra = issue_events(
            activities,
            opened_by=issue.author or incident.author or "ghost",
            opened_at=issue.created_at or incident.created_at,
            writers=writers,
            action_logins=action_logins,
            form_resolved=incident.resolved_at is not None,
        )
        return merge_timeline(incident.timeline, extra, incident.date.astimezone(UTC).date())

    def rows_to_paste(self, document: str, events: Sequence[Row]) -> list[str]:
        """Table rows of the issue's events (not the form's own lines) that ``document`` does not show yet."""
        entries = [
            TimelineEntry(at=e.at, time_text=e.time_text, text=e.text, action=e.action, by=e.by)
            for e in events
            if e.by
        ]
        return rows_to_paste(missing_entries(document, entries))
