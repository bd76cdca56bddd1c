"""Hidden HTML-comment markers that let the action find its own comments, pull requests and issues again.

A marker is ``<!-- postmortem:<kind> {json} -->``: one format, written only by :func:`marker` and read only by
:func:`markers` / :func:`read_marker`. GitHub renders nothing for it, and reading it back needs no search index
(which lags behind writes), so reruns find what an earlier run created. Every kind the action writes is named
below, once; code passes these *kinds* around, never a hand-written marker line.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

__all__ = [
    "ACTION_ITEM",
    "ACTION_ITEM_END",
    "ACTION_ITEM_PROBLEMS",
    "ACTION_ITEM_REMINDER",
    "ACTION_ITEM_REMINDERS",
    "CATALOGUE",
    "CATALOGUE_BEGIN",
    "CATALOGUE_END",
    "DIGEST",
    "DOCUMENT",
    "FOLLOW_UP",
    "FOLLOW_UP_END",
    "FORM_PROBLEMS",
    "ISSUE_EDITED",
    "NEEDS_TRIAGE",
    "PUBLISHED",
    "PULL_REQUEST_LINK",
    "SIGNOFF",
    "SIGNOFF_SEEN",
    "TIMELINE_EVENTS",
    "find_marker",
    "has_marker",
    "marker",
    "markers",
    "read_marker",
    "replace_marker",
    "without_comments",
]

# The kinds, each with what carries it.
DOCUMENT = "document"
"""A post-mortem pull request's body: ``{incident, path, sha}`` of the document the action wrote."""
PULL_REQUEST_LINK = "pull-request"
"""The incident issue's comment linking its post-mortem pull request."""
FORM_PROBLEMS = "form-problems"
"""The incident issue's comment listing what the form parser could not read."""
NEEDS_TRIAGE = "needs-triage"
"""The incident issue's comment asking for the fields a post-mortem needs."""
ISSUE_EDITED = "issue-edited"
"""The post-mortem pull request's comment saying the incident issue changed after the draft."""
TIMELINE_EVENTS = "timeline-events"
"""The post-mortem pull request's comment listing the issue's timeline events to paste into an edited document."""
ACTION_ITEM = "action-item"
"""A tracking issue's body: ``{doc, key, incident, fp, removed}`` tying it to its row."""
ACTION_ITEM_END = "action-item-end"
"""A tracking issue's body: the end of the managed part (humans write below it)."""
ACTION_ITEM_PROBLEMS = "action-items-problems"
"""The post-mortem pull request's comment listing Action Items rows the sync cannot act on."""
SIGNOFF = "signoff"
"""The post-mortem pull request's sticky sign-off comment."""
SIGNOFF_SEEN = "signoff-seen"
"""In the sticky sign-off comment: the head it was computed for, the roles ticked by hand, the status set."""
PUBLISHED = "published"
"""The incident issue's comment announcing the published post-mortem."""
ACTION_ITEM_REMINDERS = "action-item-reminders"
"""A tracking issue's body, after ``action-item-end``: the reminders sent for it."""
ACTION_ITEM_REMINDER = "action-item-reminder"
"""A reminder comment on a tracking issue: ``{key, on, reminder}``."""
CATALOGUE = "catalogue"
"""The catalogue README's hidden record of every entry."""
CATALOGUE_BEGIN = "catalogue-begin"
"""The catalogue README: the start of the generated region."""
CATALOGUE_END = "catalogue-end"
"""The catalogue README: the end of the generated region."""
DIGEST = "digest"
"""The digest issue's body: the open action items of every post-mortem."""
FOLLOW_UP = "follow-up"
"""A follow-up review issue's body: ``{doc}`` of the post-mortem it reviews."""
FOLLOW_UP_END = "follow-up-end"
"""A follow-up review issue's body: the end of the managed part (humans write below it)."""

_PREFIX = "postmortem:"
_KIND_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-")


def markers(body: str) -> Iterator[tuple[str, str, int, int]]:
    """``(kind, data, start, end)`` of every marker in ``body``, in order; ``data`` is the raw JSON or "".

    One left-to-right pass: an HTML comment ends at its first ``-->`` (as GitHub renders it), and a comment
    left open makes every later ``<!--`` part of it, so scanning stops there.
    """
    position = 0
    while (start := body.find("<!--", position)) != -1:
        close = body.find("-->", start + 4)
        if close == -1:
            return
        end = close + 3
        inside = body[start + 4 : close].strip()
        position = end
        if not inside.startswith(_PREFIX):
            continue
        rest = inside[len(_PREFIX) :]
        cut = 0
        while cut < len(rest) and rest[cut] in _KIND_CHARS:
            cut += 1
        kind, data = rest[:cut], rest[cut:]
        if not kind:
            continue
        if data and not data[0].isspace():
            continue
        data = data.strip()
        if data and not (data.startswith("{") and data.endswith("}")):
            continue
        yield kind, data, start, end


def without_comments(text: str) -> str:
    """``text`` with every closed HTML comment (``<!-- … -->``, markers included) removed; one pass."""
    out: list[str] = []
    position = 0
    while (start := text.find("<!--", position)) != -1 and (close := text.find("-->", start + 4)) != -1:
        out.append(text[position:start])
        position = close + 3
    out.append(text[position:])
    return "".join(out)


def replace_marker(body: str, kind: str, new: str) -> str:
    """``body`` with its first marker of ``kind`` replaced by ``new`` (``new`` in front when there is none)."""
    found = find_marker(body, kind)
    if found is None:
        return f"{new}\n{body}"
    return body[: found[0]] + new + body[found[1] :]


def find_marker(body: str, kind: str) -> tuple[int, int] | None:
    """``(start, end)`` of the first marker of ``kind`` in ``body``, or None."""
    return next(((start, end) for k, _, start, end in markers(body) if k == kind), None)


def marker(kind: str, **data: Any) -> str:
    """The marker line for ``kind`` carrying ``data`` (JSON; ``--`` cannot occur, so the comment stays closed)."""
    if not data:
        return f"<!-- postmortem:{kind} -->"
    payload = json.dumps(data, sort_keys=True, separators=(",", ":")).replace("--", "-\\u002d")
    return f"<!-- postmortem:{kind} {payload} -->"


def has_marker(body: str | None, kind: str) -> bool:
    """Whether ``body`` carries a marker of ``kind``."""
    return read_marker(body, kind) is not None


def read_marker(body: str | None, kind: str) -> dict[str, Any] | None:
    """The data of the first marker of ``kind`` in ``body`` ({} for a bare marker), or None."""
    for found, raw, _, _ in markers(body or ""):
        if found != kind:
            continue
        if not raw:
            return {}
        try:
            data = json.loads(raw)
        except json.JSONDecodeError:
            return {}
        return data if isinstance(data, dict) else {}
    return None
