"""Tracking issues of action items: title, body, hidden marker and state mapping. Pure functions, no I/O.

A tracking issue carries ``<!-- postmortem:action-item {"doc": path, "key": key, "incident": N, "fp": …} -->``
at the top of its body. ``doc`` + ``key`` tie it to its row (see :func:`postmortem.action_items.table.item_key`), so a
run finds the issues it created with one listing by label, without the search index and without the table.
``fp`` is a fingerprint of the table-owned fields (text, owner, deadline, priority) the body was written from:
the body is rewritten only when those change, never because the post-mortem's summary was reworded, and a
human's notes below the ``action-item-end`` marker survive every rewrite. ``removed`` is set when the action
closed the issue because its row left the table (a human who reopens it is then left alone).
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from pydantic import BaseModel, ConfigDict

from postmortem.action_items.table import ActionItem, Status
from postmortem.errors import PostmortemError
from postmortem.markdown.escaping import cell_source, link_texts
from postmortem.markdown.frontmatter import split_frontmatter
from postmortem.markdown.lines import line_contents
from postmortem.markdown.markers import ACTION_ITEM, ACTION_ITEM_END, find_marker, marker, read_marker
from postmortem.markdown.mentions import inert_mentions
from postmortem.markdown.sections import find_section, sections

__all__ = [
    "END_MARKER",
    "ITEM_MARKER",
    "PRIORITY_COLORS",
    "TITLE_LIMIT",
    "IncidentContext",
    "IssueLink",
    "closed_status",
    "fingerprint",
    "incident_context",
    "issue_body",
    "issue_title",
    "open_status",
    "read_link",
    "replace_managed",
]

ITEM_MARKER = ACTION_ITEM
END_MARKER = ACTION_ITEM_END
TITLE_LIMIT = 256
SUMMARY_LIMIT = 700
PRIORITY_COLORS: dict[str, tuple[str, str]] = {
    "P0": ("b60205", "Action item priority: urgent, do first"),
    "P1": ("d93f0b", "Action item priority: high"),
    "P2": ("fbca04", "Action item priority: normal"),
}
IN_PROGRESS_LABELS = frozenset({"in-progress", "in progress", "in_progress", "wip"})


class IncidentContext(BaseModel):
    """What a tracking issue says about the incident, read from the post-mortem document."""

    model_config = ConfigDict(frozen=True)

    number: int | None = None
    title: str = ""
    severity: str = ""
    summary: str = ""
    url: str = ""


class IssueLink(BaseModel):
    """The data of a tracking issue's hidden marker."""

    model_config = ConfigDict(frozen=True)

    doc: str
    key: str
    incident: int | None = None
    fp: str = ""
    removed: bool = False


def read_link(body: str | None) -> IssueLink | None:
    """The marker of a tracking issue body, or None when it has none (or an unusable one)."""
    data = read_marker(body, ITEM_MARKER)
    if not data or not isinstance(data.get("doc"), str) or not isinstance(data.get("key"), str):
        return None
    incident = data.get("incident")
    return IssueLink(
        doc=data["doc"],
        key=data["key"],
        incident=incident if isinstance(incident, int) else None,
        fp=str(data.get("fp") or ""),
        removed=bool(data.get("removed")),
    )


def _one_line(text: str) -> str:
    return " ".join(text.split())


def issue_title(item: ActionItem) -> str:
    """The item's text on one line, links reduced to their text, cut to GitHub's 256 characters."""
    title = _one_line(link_texts(item.text)) or f"Action item {item.number}"
    return title if len(title) <= TITLE_LIMIT else title[: TITLE_LIMIT - 1] + "…"


def fingerprint(item: ActionItem, assignable: bool = True) -> str:
    """A short hash of the fields the table owns (text, owner, deadline, priority) and whether the owner's
    login can be assigned."""
    data: list[object] = [
        assignable,
        _one_line(item.text),
        _one_line(item.owner),
        item.owner_login or "",
        item.deadline.isoformat() if item.deadline else _one_line(item.deadline_text),
        item.priority or "",
    ]
    return hashlib.sha256(json.dumps(data, ensure_ascii=False).encode()).hexdigest()[:12]


def _section(body: str, heading: str) -> str:
    """The first paragraph of the ``##``/``###`` ``<heading>`` section that is not italic guidance."""
    wanted = heading.casefold()
    found = find_section(body, lambda title: _one_line(title).casefold() == wanted, levels=(2, 3))
    if found is None:
        return ""
    lines = line_contents(body)
    start = found.line
    paragraph: list[str] = []
    for line in lines[start + 1 :]:
        stripped = line.strip()
        if stripped.startswith("#") or re.fullmatch(r"(-{3,}|\*{3,}|_{3,})", stripped):
            break
        if not stripped:
            if paragraph:
                break
            continue
        paragraph.append(stripped)
    text = _one_line(" ".join(paragraph))
    if re.fullmatch(r"\*[^*].*\*|_[^_].*_", text):  # the template's *guidance* placeholder
        return ""
    return text if len(text) <= SUMMARY_LIMIT else text[: SUMMARY_LIMIT - 1] + "…"


def _first_title(body: str) -> str:
    """The text of the document's first top-level ``#`` heading, without a ``Post-Mortem:`` prefix."""
    found = next((section for section in sections(body) if section.level == 1), None)
    if found is None:
        return ""
    title = found.title
    for prefix in ("post-mortem:", "postmortem:"):
        if title.casefold().startswith(prefix):
            return title[len(prefix) :].strip()
    return title


def _labelled(body: str, label: str) -> str:
    """What follows ``label`` on the first line that starts with it, trimmed."""
    for line in line_contents(body):
        if line.startswith(label) and line[len(label) :].strip():
            return line[len(label) :].strip()
    return ""


def incident_context(document: str, incident_url: str = "") -> IncidentContext:
    """Incident number, title, severity and summary from the document's frontmatter and body."""
    try:
        meta, body = split_frontmatter(document.lstrip("\ufeff"))
    except PostmortemError:
        meta, body = {}, document
    number = meta.get("incident")
    title = str(meta.get("title") or "")
    if not title:
        title = _first_title(body)
    severity = str(meta.get("severity") or "")
    if not severity:
        severity = _labelled(body, "**Severity**:")
    if severity.startswith("["):  # template placeholder "[P0 / P1 / P2]"
        severity = ""
    return IncidentContext(
        number=number if isinstance(number, int) else None,
        title=_one_line(title.removeprefix("[Incident]:").strip()),
        severity=_one_line(severity),
        summary=_section(body, "Executive Summary") or _section(body, "Summary"),
        url=str(meta.get("incident_url") or incident_url or ""),
    )


def _cell(text: str) -> str:
    return cell_source(_one_line(text))


def issue_body(
    item: ActionItem,
    *,
    path: str,
    incident: IncidentContext,
    document_url: str,
    heading: str = "",
    pull_request: int | None = None,
    removed: bool = False,
    assignable: bool = True,
) -> str:
    """The managed part of a tracking issue body: the marker, what to do, who, when, why and the links.

    It ends with the ``action-item-end`` marker; :func:`replace_managed` keeps what humans write after it.
    """
    data: dict[str, Any] = {"doc": path, "key": item.key, "fp": fingerprint(item, assignable)}
    if incident.number is not None:
        data["incident"] = incident.number
    if removed:
        data["removed"] = True
    if item.owner_login and assignable:
        owner = f"@{item.owner_login}"
    elif item.owner_login:
        owner = (
            f"@{item.owner_login} — cannot be assigned (not a collaborator of this repository), so this issue "
            "is unassigned: give them access, or write another owner in the table"
        )
    elif item.owner:
        owner = (
            f"{_cell(item.owner)} — not a GitHub login, so this issue is unassigned: assign the person who "
            "does it (or write `@login` in the table's Owner cell)"
        )
    else:
        owner = "nobody yet — write `@login` in the table's Owner cell"
    deadline = item.deadline.isoformat() if item.deadline else (_cell(item.deadline_text) or "none set")
    incident_ref = f"#{incident.number}" if incident.number is not None else "the incident"
    about = f"{incident_ref} — {incident.title}" if incident.title else incident_ref
    severity = f" (severity **{_cell(incident.severity)}**)" if incident.severity else ""
    where = f" under “{_cell(heading)}”" if heading and heading.casefold() != "action items" else ""
    why = (
        f"The post-mortem of {about}{severity} lists this as action item {item.number}{where}, to keep the "
        "incident from happening again."
    )
    lines = [
        marker(ITEM_MARKER, **data),
        f"**Action item {item.number}** from the post-mortem of {about}{severity}.",
        "",
        "> " + _one_line(item.text),
        "",
        "| | |",
        "|---|---|",
        f"| **Owner** | {owner} |",
        f"| **Deadline** | {deadline} |",
        f"| **Priority** | {item.priority or _cell(item.priority_text) or 'not set'} |",
        "",
        "### Why this exists",
        "",
        why,
    ]
    if incident.summary:
        lines += ["", f"**What happened:** {incident.summary}"]
    links = [f"- Post-mortem: [`{path}`]({document_url})"]
    if pull_request is not None:
        links[0] += f" (reviewed in #{pull_request})"
    if incident.number is not None:
        links.append(f"- Incident: #{incident.number}")
    lines += ["", "### Links", "", *links, ""]
    if removed:
        lines += [
            "> [!NOTE]",
            "> This row was removed from the post-mortem's Action Items table, so the issue was closed as not "
            "planned. Add the row back (with this issue in its Issue cell) to track it again.",
            "",
        ]
    lines += [
        "<sub>Kept in sync by postmortem-action. The Action Items table owns the text, owner, deadline and "
        "priority: change them there. This issue owns the state: closing it marks the row 🟢 Done (⚪ Won't Do "
        "when closed as not planned), reopening it marks it 🔴 Not Started again. Add notes below this line; "
        "they are kept.</sub>",
        marker(END_MARKER),
    ]
    # user text (the item, the owner cell, the incident's title and summary) mentions nobody: only the owner
    # the issue is assigned to is @-mentioned
    return inert_mentions("\n".join(lines), (item.owner_login,) if item.owner_login and assignable else ())


def replace_managed(current: str, managed: str) -> str:
    """``managed`` followed by whatever a human wrote after the ``action-item-end`` marker of ``current``."""
    end = find_marker(current or "", END_MARKER)
    tail = current[end[1] :] if end else ""
    return managed + tail


def closed_status(state_reason: str | None) -> Status:
    """The row status of a closed issue: Won't Do when closed as not planned (or duplicate), else Done."""
    return Status.WONT_DO if state_reason in ("not_planned", "duplicate") else Status.DONE


def open_status(row: Status | None, labels: tuple[str, ...]) -> Status:
    """The row status of an open issue.

    In Progress when the issue carries an ``in-progress`` label; otherwise the row keeps Not Started or In
    Progress as written, and a row that says Done / Won't Do / nothing (the issue was reopened) becomes Not Started.
    """
    if any(label.casefold() in IN_PROGRESS_LABELS for label in labels):
        return Status.IN_PROGRESS
    if row in (Status.NOT_STARTED, Status.IN_PROGRESS):
        return row
    return Status.NOT_STARTED
