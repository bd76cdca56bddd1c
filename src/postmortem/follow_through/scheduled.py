"""The scheduled run of the follow-through, composed: reminders, the digest and the follow-up reviews.

One pure entry point over what the shell listed, so a handler is read → :func:`decide_scheduled` → apply.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from postmortem.config import Config
from postmortem.follow_through.digest import decide_digest, find_digest
from postmortem.follow_through.follow_up import (
    Publication,
    as_similar,
    decide_follow_up,
    find_follow_up,
    follow_up_date,
)
from postmortem.follow_through.items import TrackedItem, tracked_item
from postmortem.follow_through.reminders import Mentions, decide_reminders
from postmortem.github.models import Issue
from postmortem.plan import CreateLabel, Plan


def tracked_items(issues: Iterable[Issue]) -> list[TrackedItem]:
    """The tracking issues among a listing of the action-item label (pull requests and unmarked issues dropped)."""
    return [
        found for issue in issues if not issue.is_pull_request and (found := tracked_item(issue)) is not None
    ]


def follow_up_needs_closed_items(
    publications: Sequence[Publication], follow_up_issues: Sequence[Issue], today: date, config: Config
) -> bool:
    """Whether this run must list the action-item label with ``state=all`` (a follow-up table counts done
    items): only when a follow-up issue is open or due to open. Otherwise ``state=open`` is enough."""
    if not config.follow_up.enabled:
        return False
    for publication in publications:
        existing = find_follow_up(follow_up_issues, publication.doc)
        if existing is not None:
            if existing.state == "open":
                return True
            continue
        due = publication.follow_up or follow_up_date(publication.published, config.follow_up)
        if due is not None and today >= due:
            return True
    return False


def decide_scheduled(
    *,
    tracking_issues: Sequence[Issue],
    digest_issues: Sequence[Issue],
    follow_up_issues: Sequence[Issue],
    publications: Sequence[Publication],
    today: date,
    config: Config,
    mentions: Mentions,
    follow_up_assignees: dict[str, tuple[str, ...]],
    repository_labels: Iterable[str],
) -> Plan:
    """Every write of a scheduled run, in order: reminders, then the digest, then the follow-up reviews.

    ``tracking_issues``: the listing of the action-item label (open ones; all when
    :func:`follow_up_needs_closed_items`), plus closed ones still labelled ``overdue`` if the shell listed those.
    ``digest_issues``/``follow_up_issues``: state=all listings of those labels, filtered by ``trust``.
    ``follow_up_assignees``: document path → resolved logins (incident commanders, else the author).
    """
    labels = set(repository_labels)
    plan = Plan()
    items = tracked_items(tracking_issues)
    reminder_items = [
        i for i in items if i.state == "open" or any(lab.casefold() == "overdue" for lab in i.labels)
    ]
    writes, messages = decide_reminders(reminder_items, today, config.reminders, mentions, labels)
    plan.writes += writes
    plan.messages += messages
    if config.reminders.enabled and config.reminders.digest:
        writes, messages = decide_digest(items, today, find_digest(digest_issues), labels)
        plan.writes += writes
        plan.messages += messages
    similar = [as_similar(p) for p in publications]
    for publication in sorted(publications, key=lambda p: (p.published, p.doc)):
        own = [i for i in items if i.doc == publication.doc]
        writes, messages = decide_follow_up(
            publication,
            today,
            config.follow_up,
            find_follow_up(follow_up_issues, publication.doc),
            own,
            similar,
            follow_up_assignees.get(publication.doc, ()),
            labels,
        )
        plan.writes += writes
        plan.messages += messages
        labels |= {w.name for w in writes if isinstance(w, CreateLabel)}  # one label creation per run
    return plan
