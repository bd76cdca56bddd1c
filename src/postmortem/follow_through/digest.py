"""The digest: one issue labelled ``postmortem-digest`` listing every open action item, grouped by owner.

Owners are written as links, never as mentions: the digest is rewritten as items change, and it is a page to
read, not a notification. The body holds no date of its own, so it is rewritten only when an item changes or a
day passes for an overdue item (its days late).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from postmortem.follow_through.items import TrackedItem
from postmortem.github.models import Issue
from postmortem.markdown.markers import DIGEST, has_marker, marker
from postmortem.plan import CreateIssue, CreateLabel, Message, UpdateIssue, Write

DIGEST_LABEL = "postmortem-digest"
DIGEST_COLOR = "5319e7"
DIGEST_MARKER = DIGEST
DIGEST_TITLE = "Post-mortem action items: digest"
NOBODY = "Nobody assigned"


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|").replace("`", "'").replace("@", "@\u200b")


def owner_of(item: TrackedItem) -> str:
    """The group an item is listed under: its first assignee, else the Owner cell's text, else nobody."""
    if item.assignees:
        return item.assignees[0]
    return item.owner.removeprefix("@") if item.owner and item.owner != "nobody yet" else NOBODY


def days_overdue(item: TrackedItem, today: date) -> int | None:
    """Days past the deadline (0 = due today or later), None without a readable deadline."""
    if item.deadline is None:
        return None
    return max((today - item.deadline).days, 0)


def _owner_heading(owner: str, logins: bool) -> str:
    if owner == NOBODY:
        return NOBODY
    # a link to the profile, not an @-mention: edits of the digest must not notify anyone
    return f"[{owner}](https://github.com/{owner})" if logins else _cell(owner)


def render_digest(items: Sequence[TrackedItem], today: date) -> str:
    """The digest body: totals, then one table per owner (most overdue owner first), items most overdue first."""
    open_items = [item for item in items if item.state == "open"]
    groups: dict[str, list[TrackedItem]] = {}
    for item in open_items:
        groups.setdefault(owner_of(item), []).append(item)

    def late(item: TrackedItem) -> int:
        days = days_overdue(item, today)
        return -1 if days is None or (item.deadline is not None and item.deadline >= today) else days

    overdue = [item for item in open_items if late(item) > 0]
    unreadable = [item for item in open_items if item.deadline_unreadable]
    lines = [
        marker(DIGEST_MARKER),
        "Every open action item of every post-mortem, grouped by owner, most overdue first. Kept up to date by "
        "postmortem-action; close an item's issue when it is done.",
        "",
        f"**{len(open_items)} open** · **{len(overdue)} overdue** · {len(groups)} owners"
        + (f" · {len(unreadable)} with an unreadable deadline" if unreadable else ""),
    ]
    if not open_items:
        lines += ["", "Nothing is open. 🎉"]
    ordered = sorted(
        groups.items(),
        key=lambda pair: (pair[0] == NOBODY, -max(late(i) for i in pair[1]), pair[0].casefold()),
    )
    for owner, owned in ordered:
        owned_overdue = sum(1 for i in owned if late(i) > 0)
        lines += [
            "",
            f"### {_owner_heading(owner, bool(owned[0].assignees))} — {len(owned)} open"
            + (f", {owned_overdue} overdue" if owned_overdue else ""),
            "",
            "| Issue | Action item | Post-mortem | Deadline | Overdue |",
            "|---|---|---|---|---|",
        ]
        for item in sorted(owned, key=lambda i: (-late(i), i.deadline or date.max, i.number)):
            days = late(item)
            deadline = (
                item.deadline.isoformat()
                if item.deadline
                else ("⚠️ " + _cell(item.deadline_text) if item.deadline_unreadable else "none")
            )
            doc = f"[`{_cell(item.doc)}`]({item.doc_url})" if item.doc_url else f"`{_cell(item.doc)}`"
            lines.append(
                f"| #{item.number} | {_cell(item.title)} | {doc} | {deadline} | "
                + (f"**{days} days**" if days > 1 else "**1 day**" if days == 1 else "")
                + " |"
            )
    return "\n".join(lines) + "\n"


def find_digest(issues: Iterable[Issue]) -> Issue | None:
    """The digest issue among a listing of the ``postmortem-digest`` label (state=all), lowest number first.

    Only issues the action wrote count: the caller passes issues already filtered by ``trust``.
    """
    found = [issue for issue in issues if has_marker(issue.body, DIGEST_MARKER)]
    return min(found, key=lambda issue: issue.number) if found else None


def decide_digest(
    items: Sequence[TrackedItem],
    today: date,
    existing: Issue | None,
    repository_labels: Iterable[str] = (),
) -> tuple[list[Write], list[Message]]:
    """Create the digest, or rewrite its body when (and only when) the content changed."""
    body = render_digest(items, today)
    if existing is None:
        writes: list[Write] = []
        if not any(label.casefold() == DIGEST_LABEL for label in repository_labels):
            writes.append(
                CreateLabel(
                    name=DIGEST_LABEL, color=DIGEST_COLOR, description="Open post-mortem action items"
                )
            )
        writes.append(CreateIssue(title=DIGEST_TITLE, body=body, labels=(DIGEST_LABEL,)))
        return writes, [Message(text="Opened the action-item digest.")]
    if existing.state == "closed":
        return [], [
            Message(
                level="notice",
                text=f"The digest #{existing.number} is closed, so it was left alone: reopen it to keep it up to "
                "date, or set reminders.digest: false.",
            )
        ]
    if existing.body.replace("\r\n", "\n").rstrip("\n") == body.rstrip("\n"):
        return [], []
    return [UpdateIssue(number=existing.number, body=body)], [
        Message(text=f"Updated the digest #{existing.number}.")
    ]
