"""A timeline written from the incident issue: timed comment lines and GitHub's own events. Pure.

Comment syntax (README "Follow-through"), one event a line, anywhere in a comment:

    HH:MM what happened
    YYYY-MM-DD HH:MM what happened -> what was done about it

- Times are UTC (an optional ``UTC``/``Z`` after the time is accepted). A list bullet before the time is allowed.
- A bare ``HH:MM`` takes the latest date on which that time is not after the comment's creation.
- `` -> `` (space, arrow, space; ``→`` too) splits the event from its **Action Taken**. An arrow without spaces
  around it is text (``us-east->us-west``).
- **By Whom** is ``@<comment author>``. Lines in code blocks and quoted lines (``>``) are not events.
- Only comments by people with write access count; others are ignored silently.

Every pattern here is anchored and has no nested or overlapping quantifiers: linear in the text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal, Protocol

from pydantic import AwareDatetime, BaseModel, ConfigDict

ARROWS = (" -> ", " → ")
_TIME = re.compile(r"^(?:(?P<date>\d{4}-\d{2}-\d{2})[ T])?(?P<h>\d{1,2}):(?P<mi>\d{2})(?=[\s:|\-–—]|$)")
_SEPARATORS = "-–—:|"
_BULLET = re.compile(r"^(?:[-*+][ \t]+)?")
_FENCE = re.compile(r"^[ \t]*(?:`{3,}|~{3,})")
_SEVERITY_LABEL = re.compile(r"(?:^|[^a-z0-9])(?:p|sev)[ -]?(?P<level>[0-2])(?:$|[^a-z0-9])", re.IGNORECASE)


class TimelineEntry(BaseModel):
    """One row of the document's timeline (the fields of ``incident.model.TimelineEvent`` plus ``by``)."""

    model_config = ConfigDict(frozen=True)

    at: AwareDatetime | None = None
    time_text: str = ""
    text: str
    action: str = ""
    by: str = ""


class Activity(BaseModel):
    """One item of the issue timeline endpoint (``GET /repos/{o}/{r}/issues/{n}/timeline``), as the shell maps it.

    ``commented``: ``actor`` is the comment's author, ``body`` its text. ``labeled``: ``label`` is the name.
    ``closed``/``reopened``: ``actor`` closed or reopened it. Other events are dropped by the shell.
    """

    model_config = ConfigDict(frozen=True)

    kind: Literal["commented", "labeled", "closed", "reopened"]
    actor: str
    created_at: AwareDatetime
    body: str = ""
    label: str = ""


class FormEvent(Protocol):
    """What the merge needs of the form's events (``incident.model.TimelineEvent``)."""

    @property
    def at(self) -> datetime | None: ...
    @property
    def time_text(self) -> str: ...
    @property
    def text(self) -> str: ...


def split_action(text: str) -> tuple[str, str]:
    """``(event, action)``: the text before and after the first spaced arrow (``""`` action when none)."""
    cut = min(((text.find(arrow), arrow) for arrow in ARROWS if arrow in text), default=None)
    if cut is None:
        return text.strip(), ""
    index, arrow = cut
    return text[:index].strip(), text[index + len(arrow) :].strip()


def _after_time(rest: str) -> str:
    """The text after a line's time, without an optional ``UTC``/``Z`` and one separator (``-``, ``:``, ``|``)."""
    rest = rest.lstrip()
    for zone in ("UTC", "Z"):
        follows = rest[len(zone) : len(zone) + 1]
        if rest[: len(zone)].upper() == zone and (not follows or follows.isspace() or follows in _SEPARATORS):
            rest = rest[len(zone) :].lstrip()
            break
    if rest[:1] and rest[0] in _SEPARATORS:
        rest = rest[1:].lstrip()
    return rest


def _place(clock: time, created_at: datetime) -> datetime:
    """The latest moment at ``clock`` (UTC) that is not after ``created_at``."""
    created = created_at.astimezone(UTC)
    candidate = datetime.combine(created.date(), clock, tzinfo=UTC)
    return candidate if candidate <= created else candidate - timedelta(days=1)


def comment_events(body: str, author: str, created_at: datetime) -> list[TimelineEntry]:
    """The events of one comment: every line that begins with a time (see the module docstring)."""
    events: list[TimelineEntry] = []
    in_fence = False
    for raw in body.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if _FENCE.match(raw):
            in_fence = not in_fence
            continue
        line = raw.strip()
        if in_fence or not line or line.startswith(">"):
            continue
        line = _BULLET.sub("", line, count=1)
        match = _TIME.match(line)
        if match is None:
            continue
        text, action = split_action(_after_time(line[match.end() :]))
        if not text:
            continue
        hour, minute = int(match["h"]), int(match["mi"])
        if hour > 23 or minute > 59:
            continue
        try:
            if match["date"]:
                at = datetime.combine(date.fromisoformat(match["date"]), time(hour, minute), tzinfo=UTC)
            else:
                at = _place(time(hour, minute), created_at)
        except ValueError:
            continue  # an impossible date is not an event
        events.append(
            TimelineEntry(at=at, time_text=f"{at:%H:%M}", text=text, action=action, by=f"@{author}")
        )
    return events


def severity_of_label(name: str) -> str | None:
    """``P0``–``P2`` when a label names a severity (``P1``, ``sev-1``, ``severity: P2``), else None."""
    match = _SEVERITY_LABEL.search(name)
    return f"P{match['level']}" if match else None


def issue_events(
    activities: Iterable[Activity],
    *,
    opened_by: str,
    opened_at: datetime,
    writers: frozenset[str],
    action_logins: frozenset[str],
    form_resolved: bool,
) -> list[TimelineEntry]:
    """Events from the incident issue itself: opened, severity labels, the resolution, timed comments.

    ``writers``: logins with write access (only their comments count). ``action_logins``: the logins the action
    writes as: its closing of the issue on publication is not a resolution. ``form_resolved``: the form gave a
    resolved time, so a closing adds nothing.
    """
    events = [TimelineEntry(at=opened_at, text="Incident reported (issue opened)", by=f"@{opened_by}")]
    resolution: TimelineEntry | None = None
    for activity in sorted(activities, key=lambda a: a.created_at):
        if activity.kind == "commented":
            if activity.actor in writers and activity.actor not in action_logins:
                events += comment_events(activity.body, activity.actor, activity.created_at)
        elif activity.kind == "labeled":
            if (level := severity_of_label(activity.label)) is not None:
                events.append(
                    TimelineEntry(
                        at=activity.created_at, text=f"Severity set to {level}", by=f"@{activity.actor}"
                    )
                )
        elif activity.kind == "closed" and activity.actor not in action_logins:
            resolution = TimelineEntry(
                at=activity.created_at, text="Incident resolved (issue closed)", by=f"@{activity.actor}"
            )
        elif activity.kind == "reopened":
            resolution = None
    if resolution is not None and not form_resolved:
        events.append(resolution)
    return events


def _key(at: datetime | None, text: str) -> tuple[str, str]:
    stamp = "" if at is None else f"{at.astimezone(UTC):%Y-%m-%d %H:%M}"
    return stamp, " ".join(text.split()).casefold()


def _dated(entry: TimelineEntry, day: date) -> TimelineEntry:
    if entry.at is None:
        return entry
    at = entry.at.astimezone(UTC)
    text = f"{at:%H:%M}" if at.date() == day else f"{at:%Y-%m-%d %H:%M}"
    return entry.model_copy(update={"time_text": text})


def merge_timeline(
    form: Sequence[FormEvent], extra: Sequence[TimelineEntry], incident_day: date
) -> list[TimelineEntry]:
    """The form's events with ``extra`` merged in chronologically, duplicates (same minute, same text) dropped.

    The form's order is kept (events it could not date stay where they are); an extra event goes before the first
    form event that is later. Times on another day than ``incident_day`` carry their date.
    """
    rows = [
        TimelineEntry(
            at=event.at,
            time_text=event.time_text,
            text=event.text,
            action=str(getattr(event, "action", "") or ""),
            by=str(getattr(event, "by", "") or ""),
        )
        for event in form
    ]
    seen = {_key(row.at, row.text) for row in rows}
    pending: list[TimelineEntry] = []
    for entry in sorted((e for e in extra if e.at is not None), key=lambda e: e.at or datetime.min):
        key = _key(entry.at, entry.text)
        if key not in seen:
            seen.add(key)
            pending.append(entry)
    merged: list[TimelineEntry] = []
    index = 0
    for row in rows:
        while row.at is not None and index < len(pending) and (pending[index].at or row.at) < row.at:
            merged.append(pending[index])
            index += 1
        merged.append(row)
    merged += pending[index:]
    return [_dated(entry, incident_day) for entry in merged]


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|").replace("@", "@\u200b")


def rows_to_paste(entries: Sequence[TimelineEntry]) -> list[str]:
    """Timeline table rows for a sticky comment (when people have edited the document): user text cannot
    mention anyone (``@`` is broken with a zero-width space); By Whom keeps the resolved ``@login``."""
    return [
        f"| {entry.time_text} | {_cell(entry.text)} | {_cell(entry.action)} | {entry.by} |"
        for entry in entries
    ]


def missing_entries(document: str, entries: Sequence[TimelineEntry]) -> list[TimelineEntry]:
    """The entries a human-edited document's timeline does not show yet (by time and event text), for the
    sticky comment that lists rows to paste when the document can no longer be regenerated."""
    present: set[tuple[str, str]] = set()
    for line in document.splitlines():
        if not line.startswith("|"):
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) >= 2:
            present.add((cells[0], " ".join(cells[1].replace("\\", "").split()).casefold()))
    return [
        entry
        for entry in entries
        if (entry.time_text, " ".join(entry.text.replace("|", "").split()).casefold()) not in present
    ]
