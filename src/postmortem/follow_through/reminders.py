"""Reminders on tracking issues: due soon, overdue, the ``overdue`` label. Pure: items and today in, writes out.

Rules (README "Follow-through"):
- Due soon (deadline within ``due_soon_days``): one comment per deadline.
- Overdue: a comment with the deadline and the days late, repeated at most every ``every_days``; label ``overdue``.
- The label comes off when the item is no longer overdue (its deadline moved later in the table) or it is closed.
- A run writes nothing for an item that already had a reminder today, so a second run on the same day is a no-op.
- A reminder is a new comment (an edit notifies nobody) and the previous reminder comment is deleted.
- The record of reminders is written *before* the comment (with no comment id), then completed with the id: a
  run cut off in between never posts a second comment that day.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from postmortem.config import RemindersConfig
from postmortem.follow_through.items import ReminderRecord, TrackedItem, with_records
from postmortem.markdown.markers import ACTION_ITEM_REMINDER, marker
from postmortem.plan import (
    NEW_COMMENT_ID,
    AddLabels,
    CreateComment,
    CreateLabel,
    DeleteComment,
    Message,
    RemoveLabel,
    UpdateIssue,
    Write,
)

ReminderKind = Literal["due_soon", "overdue"]
OVERDUE_LABEL = "overdue"
OVERDUE_COLOR = "b60205"
OVERDUE_DESCRIPTION = "Action item past its deadline (postmortem-action)"
REMINDER_MARKER = ACTION_ITEM_REMINDER
_LOGIN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\[bot\])?")


class Mentions(BaseModel):
    """Who is mentioned when an item has no assignee, resolved by the shell.

    ``commanders``: logins holding the incident commander role (configured users plus members of the teams the
    token could read). ``unreadable_teams``: the role's teams it could not read, written as names without ``@``.
    ``authors``: incident issue number → its author's login (the post-mortem's author), the last fallback.
    """

    model_config = ConfigDict(frozen=True)

    commanders: tuple[str, ...] = ()
    unreadable_teams: tuple[str, ...] = ()
    authors: dict[int, str] = Field(default_factory=dict)


def _at(login: str) -> str | None:
    login = login.removeprefix("@")
    return f"@{login}" if _LOGIN.fullmatch(login) else None


def mention_line(item: TrackedItem, mentions: Mentions) -> str:
    """The people a reminder addresses: assignees, else the incident commanders, else the author.

    Only resolved logins get an ``@``; a team the action could not read is written as ``org/team``. Text from
    the issue (the Owner cell) never becomes a mention.
    """
    people = [m for m in (_at(a) for a in item.assignees) if m]
    if not people:
        people = [m for m in (_at(c) for c in mentions.commanders) if m]
        people += [f"`{team}`" for team in mentions.unreadable_teams]
    if not people and item.incident is not None and item.incident in mentions.authors:
        people = [m for m in (_at(mentions.authors[item.incident]),) if m]
    return " ".join(dict.fromkeys(people))


def _inert(text: str) -> str:
    """Text from an issue body made inert in a comment: one line, no code-span breakout, no mention."""
    return " ".join(text.split()).replace("`", "'").replace("@", "@\u200b")


def _days(count: int) -> str:
    return f"{count} day" if count == 1 else f"{count} days"


def reminder_body(item: TrackedItem, kind: str, today: date, mentions: Mentions) -> str:
    """The text of a reminder comment (with its hidden marker)."""
    assert item.deadline is not None
    who = mention_line(item, mentions) or "Nobody is assigned:"
    days = (item.deadline - today).days
    doc = _inert(item.doc)
    where = f"[`{doc}`]({_inert(item.doc_url)})" if item.doc_url else f"`{doc}`"
    if kind == "overdue":
        when = f"was due on **{item.deadline.isoformat()}** and is **{_days(-days)} overdue**."
    elif days == 0:
        when = f"is due **today** ({item.deadline.isoformat()})."
    elif days == 1:
        when = f"is due **tomorrow** ({item.deadline.isoformat()})."
    else:
        when = f"is due in **{_days(days)}**, on **{item.deadline.isoformat()}**."
    unassigned = (
        ""
        if item.assignees
        else " Nobody is assigned to this issue: assign the person who does it, or write `@login` in the row's "
        "Owner cell."
    )
    return "\n".join(
        [
            marker(REMINDER_MARKER, key=item.key, on=today.isoformat(), reminder=kind),
            f"{who} this action item {when}{unassigned}",
            "",
            "Close this issue when it is done (as *not planned* if it will not be done). To move the deadline, "
            f"edit its row in the post-mortem's Action Items table ({where}).",
        ]
    )


def _due(item: TrackedItem, today: date, config: RemindersConfig) -> ReminderKind | None:
    """Which reminder ``item`` is owed today, if any."""
    if item.deadline is None or any(record.on == today for record in item.reminders):
        return None
    days = (item.deadline - today).days
    if days < 0:
        last = max((r.on for r in item.reminders if r.kind == "overdue"), default=None)
        if last is None or (today - last).days >= config.every_days:
            return "overdue"
        return None
    if days <= config.due_soon_days and not any(
        r.kind == "due_soon" and r.deadline == item.deadline for r in item.reminders
    ):
        return "due_soon"
    return None


def _has_label(labels: Iterable[str], name: str) -> bool:
    return any(label.casefold() == name.casefold() for label in labels)


def decide_item(
    item: TrackedItem, today: date, config: RemindersConfig, mentions: Mentions
) -> tuple[list[Write], list[Message]]:
    """The writes for one tracking issue (label, reminder, record) and what to report about it."""
    writes: list[Write] = []
    messages: list[Message] = []
    labelled = _has_label(item.labels, OVERDUE_LABEL)
    if item.state == "closed":
        if labelled:
            writes.append(RemoveLabel(number=item.number, label=OVERDUE_LABEL))
        return writes, messages
    if item.deadline_unreadable:
        # reported, never guessed; but as a log line, not a warning: the sync warned when the row appeared and
        # keeps it in the problems comment, and a daily warning about the same row is noise (issue #10 item 6)
        messages.append(
            Message(
                level="info",
                text=f"#{item.number} ({item.title}): its deadline {item.deadline_text!r} is not a date, so no "
                f"reminder was sent. Write it as YYYY-MM-DD in the row of {item.doc}.",
            )
        )
        return writes, messages
    if item.deadline is None:
        return writes, messages
    overdue = item.deadline < today
    if overdue and not labelled:
        writes.append(AddLabels(number=item.number, labels=(OVERDUE_LABEL,)))
    elif not overdue and labelled:
        writes.append(RemoveLabel(number=item.number, label=OVERDUE_LABEL))
    kind = _due(item, today, config)
    if kind is None:
        return writes, messages
    previous = next((r.comment for r in reversed(item.reminders) if r.comment is not None), None)
    record = ReminderRecord(on=today, kind=kind, deadline=item.deadline)
    records = (*item.reminders, record)
    writes += [
        UpdateIssue(number=item.number, body=with_records(item.body, records)),
        CreateComment(number=item.number, body=reminder_body(item, kind, today, mentions)),
        UpdateIssue(number=item.number, body=with_records(item.body, records, NEW_COMMENT_ID)),
    ]
    if previous is not None:
        writes.append(DeleteComment(comment_id=previous, number=item.number))
    late = (today - item.deadline).days
    messages.append(
        Message(
            text=f"#{item.number}: reminded ({'overdue by ' + _days(late) if kind == 'overdue' else 'due soon'})."
        )
    )
    return writes, messages


def decide_reminders(
    items: Sequence[TrackedItem],
    today: date,
    config: RemindersConfig,
    mentions: Mentions,
    repository_labels: Iterable[str] = (),
) -> tuple[list[Write], list[Message]]:
    """The writes of a scheduled reminders run over every tracking issue listed, and its report.

    ``items``: the open tracking issues, plus closed ones still labelled ``overdue``. ``repository_labels``:
    the repository's label names, so ``overdue`` is created (with its colour) only when missing.
    """
    writes: list[Write] = []
    messages: list[Message] = []
    if not config.enabled:
        return writes, messages
    for item in sorted(items, key=lambda i: i.number):
        item_writes, item_messages = decide_item(item, today, config, mentions)
        writes += item_writes
        messages += item_messages
    if any(isinstance(w, AddLabels) for w in writes) and not _has_label(repository_labels, OVERDUE_LABEL):
        writes.insert(
            0, CreateLabel(name=OVERDUE_LABEL, color=OVERDUE_COLOR, description=OVERDUE_DESCRIPTION)
        )
    return writes, messages
