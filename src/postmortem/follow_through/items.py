"""Tracking issues as the follow-through sees them, read from the issue listing alone (no document reads).

The action-items feature writes each tracking issue's managed body: the ``action-item`` marker (document and row
key), an Owner and a Deadline row. Reminders sent are recorded in a second marker, ``action-item-reminders``,
placed after the ``action-item-end`` marker: the action-items feature keeps everything after that marker when it
rewrites the managed part, so the record survives a moved deadline or a reworded row, and bodies written before
reminders existed simply have no record (backward compatible).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict

from postmortem.github.models import Issue
from postmortem.markdown.markers import (
    ACTION_ITEM,
    ACTION_ITEM_END,
    ACTION_ITEM_REMINDERS,
    find_marker,
    marker,
    read_marker,
)

ITEM_MARKER = ACTION_ITEM
END_MARKER = ACTION_ITEM_END
REMINDERS_MARKER = ACTION_ITEM_REMINDERS
RECORD_LIMIT = 20
"""Reminders kept in the record: enough to show the history, bounded so the body cannot grow forever."""

_LOGIN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\[bot\])?")
_ROW = re.compile(r"^\|[ \t]*\*\*(?P<name>Owner|Deadline)\*\*[ \t]*\|(?P<value>.*)\|[ \t]*$")
_DOC_LINK = re.compile(r"^- Post-mortem: \[`(?P<path>[^`\n]*)`\]\((?P<url>[^)\s]*)\)")
NO_DEADLINE = "none set"


class ReminderRecord(BaseModel):
    """One reminder sent: when, which kind, for which deadline, and its comment (None while being posted)."""

    model_config = ConfigDict(frozen=True)

    on: date
    kind: Literal["due_soon", "overdue"]
    deadline: date
    comment: int | None = None


class TrackedItem(BaseModel):
    """An action item's tracking issue: what the reminders, the digest and the follow-up need."""

    model_config = ConfigDict(frozen=True)

    number: int
    url: str
    title: str
    state: Literal["open", "closed"] = "open"
    state_reason: str | None = None
    assignees: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()
    body: str = ""
    doc: str
    key: str
    incident: int | None = None
    doc_url: str = ""
    owner: str = ""
    """The Owner cell as written by the action (``@login`` or a name), for display only: never a mention."""
    deadline: date | None = None
    deadline_text: str = ""
    """The Deadline cell as written ("" or ``none set`` when there is none)."""
    reminders: tuple[ReminderRecord, ...] = ()

    @property
    def deadline_unreadable(self) -> bool:
        """A deadline was written but is not a date: reported, never guessed."""
        return self.deadline is None and self.deadline_text.strip().casefold() not in ("", NO_DEADLINE)

    @property
    def done(self) -> bool:
        return self.state == "closed" and self.state_reason not in ("not_planned", "duplicate")


def _unescape(cell: str) -> str:
    return cell.replace("\\|", "|").strip()


def _records(body: str) -> tuple[ReminderRecord, ...]:
    data = read_marker(body, REMINDERS_MARKER) or {}
    sent = data.get("sent")
    if not isinstance(sent, list):
        return ()
    records: list[ReminderRecord] = []
    for entry in sent:
        if not isinstance(entry, dict):
            continue
        comment = entry.get("comment")
        if isinstance(comment, str) and comment.isdigit():
            comment = int(comment)
        try:
            records.append(
                ReminderRecord(
                    on=date.fromisoformat(str(entry.get("on"))),
                    kind=entry.get("kind"),
                    deadline=date.fromisoformat(str(entry.get("deadline"))),
                    comment=comment if isinstance(comment, int) else None,
                )
            )
        except ValueError:
            continue  # a hand-edited entry: ignore it rather than guess
    return tuple(records)


def tracked_item(issue: Issue) -> TrackedItem | None:
    """The tracking issue's item, or None when ``issue`` is not a tracking issue (no usable marker).

    The Owner and Deadline are read from the managed part only (before ``action-item-end``).
    """
    data = read_marker(issue.body, ITEM_MARKER)
    if not data or not isinstance(data.get("doc"), str) or not isinstance(data.get("key"), str):
        return None
    body = issue.body or ""
    end = find_marker(body, END_MARKER)
    managed = body[: end[0]] if end else body
    owner = deadline_text = doc_url = ""
    for line in managed.splitlines():
        if (row := _ROW.match(line.strip())) is not None:
            value = _unescape(row["value"])
            if row["name"] == "Owner" and not owner:
                owner = value.split(" — ", 1)[0].strip()
            elif row["name"] == "Deadline" and not deadline_text:
                deadline_text = value
        elif not doc_url and (link := _DOC_LINK.match(line.strip())) is not None:
            doc_url = link["url"]
    try:
        deadline: date | None = date.fromisoformat(deadline_text) if len(deadline_text) == 10 else None
    except ValueError:
        deadline = None
    incident = data.get("incident")
    return TrackedItem(
        number=issue.number,
        url=issue.html_url,
        title=issue.title,
        state=issue.state,
        state_reason=issue.state_reason,
        assignees=tuple(a for a in issue.assignees if _LOGIN.fullmatch(a)),
        labels=issue.labels,
        body=body,
        doc=data["doc"],
        key=data["key"],
        incident=incident if isinstance(incident, int) else None,
        doc_url=doc_url,
        owner=owner,
        deadline=deadline,
        deadline_text=deadline_text,
        reminders=_records(body),
    )


def with_records(body: str, records: tuple[ReminderRecord, ...], comment_placeholder: str = "") -> str:
    """``body`` with its reminders record replaced by ``records`` (appended at the end when it has none).

    ``comment_placeholder`` stands in the last record's comment id when that comment is not created yet.
    """
    sent: list[dict[str, object]] = []
    kept = records[-RECORD_LIMIT:]
    for index, record in enumerate(kept):
        entry: dict[str, object] = {
            "on": record.on.isoformat(),
            "kind": record.kind,
            "deadline": record.deadline.isoformat(),
        }
        if record.comment is not None:
            entry["comment"] = record.comment
        elif comment_placeholder and index == len(kept) - 1:
            entry["comment"] = comment_placeholder
        sent.append(entry)
    line = marker(REMINDERS_MARKER, sent=sent)
    found = find_marker(body, REMINDERS_MARKER)
    if found:
        return body[: found[0]] + line + body[found[1] :]
    return body.rstrip("\n") + "\n" + line
