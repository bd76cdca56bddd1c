"""The incident issue's own timeline, read for the draft: timed comments and GitHub's events, merged with the
form's (the pure rules are :mod:`postmortem.follow_through.timeline`).

The shell part of the feature: it reads through the run's snapshot and nothing else, and the incident handler
calls it through the ``TimelineSource`` it is given by the runner (the incident feature does not import this
one). Cost: nothing more when the issue has no comments (GitHub's own events then come from the issue already
read: its author and creation, and who closed it); otherwise one paginated read of the issue timeline endpoint
(comments, labels added and closings in one listing) and one permission read per distinct author of a comment
with a timed line (the sender's is already known).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC

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
from postmortem.incident.model import Incident, TimelineEvent

ACTION_LOGINS = frozenset({"github-actions[bot]"})
"""The login the workflow's ``GITHUB_TOKEN`` writes as (plus the configured ``bot_login``)."""


def _activities(snapshot_issue: Issue, read: Sequence[IssueActivity] | None) -> list[Activity]:
    if read is None:
        # no comments: no timeline read; a closing is known from the issue itself (its time and who closed it)
        closed = snapshot_issue.state == "closed" and snapshot_issue.closed_by and snapshot_issue.closed_at
        if not closed or snapshot_issue.closed_at is None:
            return []
        return [Activity(kind="closed", actor=snapshot_issue.closed_by, created_at=snapshot_issue.closed_at)]
    return [Activity.model_validate(item.model_dump()) for item in read]


class IssueTimeline:
    """The incident handler's ``TimelineSource``: the merged timeline, and rows to paste into an edited one."""

    def events(self, ctx: Context, issue: Issue, incident: Incident) -> list[TimelineEvent]:
        """The form's events with the issue's merged in, in order, each dated when not on the incident's day.

        Only comments by people with write access count (their permission is read once per distinct author
        of a comment that has a timed line); the action's own comments and its closing of the issue (on
        publication) are not events.
        """
        snapshot = ctx.snapshot
        read = snapshot.issue_timeline(issue.number) if issue.comments else None
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
        opened_at = issue.created_at or incident.created_at
        extra = issue_events(
            activities,
            opened_by=issue.author or incident.author or "ghost",
            opened_at=opened_at,
            writers=writers,
            action_logins=action_logins,
            form_resolved=incident.resolved_at is not None,
        )
        merged = merge_timeline(incident.timeline, extra, incident.date.astimezone(UTC).date())
        return [
            TimelineEvent(at=e.at, time_text=e.time_text, text=e.text, action=e.action, by=e.by)
            for e in merged
        ]

    def rows_to_paste(self, document: str, events: Sequence[TimelineEvent]) -> list[str]:
        """Table rows of the issue's events (not the form's own lines) that ``document`` does not show yet."""
        entries = [
            TimelineEntry(at=e.at, time_text=e.time_text, text=e.text, action=e.action, by=e.by)
            for e in events
            if e.by
        ]
        return rows_to_paste(missing_entries(document, entries))
