"""The follow-up review (30 days by default): its date, its issue, and recording how it was closed.

Pure functions. The document edits come in two halves so this feature needs no other feature's code: the
frontmatter changes as a mapping (the shell applies them with ``incident.render.update_frontmatter``) and the
Follow-Up Review section edit as a text transformation (:func:`set_follow_up_line`, :func:`record_closure`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from postmortem.config import FollowUpConfig
from postmortem.follow_through.items import TrackedItem
from postmortem.github.models import Issue
from postmortem.markdown.markers import FOLLOW_UP, FOLLOW_UP_END, find_marker, marker, read_marker
from postmortem.plan import CreateIssue, CreateLabel, Message, UpdateIssue, Write

FOLLOW_UP_LABEL = "postmortem-follow-up"
FOLLOW_UP_COLOR = "0e8a16"
FOLLOW_UP_MARKER = FOLLOW_UP
CHECKS = (
    "Review action item completion",
    "Verify preventive measures are effective",
    "Assess if similar incidents have occurred",
    "Update procedures based on learnings",
)
"""The seed template's four checks of the 30-Day Follow-Up, in its order."""

_SECTION = re.compile(r"^##[ \t]+Follow-Up Review[ \t]*#*[ \t]*$", re.IGNORECASE)
_SCHEDULED = re.compile(r"\(scheduled for [^()\n]*\)", re.IGNORECASE)  # no "(" inside: linear search
_CHECK = re.compile(r"^[ \t]*[-*+][ \t]+(?:\[(?P<tick>[ xX])\][ \t]+)?(?P<text>\S(?:.*\S)?)[ \t]*$")
_REVIEWED = re.compile(r"^\*\*(?:Reviewed|Review not done)\*\*")


class Publication(BaseModel):
    """A published post-mortem, as the follow-up needs it."""

    model_config = ConfigDict(frozen=True)

    doc: str
    doc_url: str = ""
    title: str
    published: date
    pull_request: int | None = None
    pull_request_url: str = ""
    incident: int | None = None
    services: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()
    follow_up: date | None = None
    """The ``follow_up`` date of the frontmatter (None: compute it from ``published``)."""


def _services(body: str) -> tuple[str, ...]:
    """The ``**Services Impacted**:`` answer of a document: its nested list items, else its comma-separated text."""
    lines = body.splitlines()
    for index, line in enumerate(lines):
        head, found, rest = line.partition("**Services Impacted**")
        if not found or head.strip() not in ("", "-", "*", "+"):
            continue
        inline = rest.lstrip(":").strip()
        if inline and not inline.startswith("["):  # "[List affected features]" is the template's placeholder
            return tuple(part.strip() for part in inline.split(",") if part.strip())
        items: list[str] = []
        for nested in lines[index + 1 :]:
            if not nested.startswith((" ", "\t")) or not nested.strip():
                break
            item = nested.strip()
            if item[:1] in "-*+" and item[1:2] == " ":
                items.append(item[2:].strip())
        return tuple(items)
    return ()


def publication_from_document(
    doc: str,
    meta: dict[str, Any],
    body: str,
    *,
    doc_url: str = "",
    pull_request: int | None = None,
    labels: Sequence[str] = (),
) -> Publication | None:
    """A published document as a :class:`Publication` (None while it is not published).

    ``meta``/``body``: the document split by ``incident.render.split_frontmatter``. ``labels``: the incident
    issue's labels, for "similar incidents" (the shell drops the incident label itself).
    """
    published = meta.get("published")
    try:
        day = published if isinstance(published, date) else date.fromisoformat(str(published)[:10])
    except ValueError:
        return None
    follow = meta.get("follow_up")
    try:
        follow_day = (
            follow if isinstance(follow, date) else date.fromisoformat(str(follow)) if follow else None
        )
    except ValueError:
        follow_day = None
    incident = meta.get("incident")
    return Publication(
        doc=doc,
        doc_url=doc_url,
        title=str(meta.get("title") or doc),
        published=day,
        pull_request=pull_request,
        incident=incident if isinstance(incident, int) else None,
        services=_services(body),
        labels=tuple(labels),
        follow_up=follow_day,
    )


class SimilarIncident(BaseModel):
    """Another post-mortem, a candidate for "similar incidents since"."""

    model_config = ConfigDict(frozen=True)

    title: str
    link: str
    services: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()
    published: date


class Closure(BaseModel):
    """How a follow-up issue was closed."""

    model_config = ConfigDict(frozen=True)

    number: int
    url: str = ""
    closed_by: str
    closed_on: date
    outcome: Literal["completed", "not_planned"]
    checks: tuple[tuple[str, bool], ...] = ()


def as_similar(publication: Publication) -> SimilarIncident:
    """A publication as a candidate for other post-mortems' "similar incidents since"."""
    return SimilarIncident(
        title=publication.title,
        link=publication.doc_url or publication.doc,
        services=publication.services,
        labels=publication.labels,
        published=publication.published,
    )


# ---- the date ----------------------------------------------------------------------------------------------------


def follow_up_date(published: date, config: FollowUpConfig) -> date | None:
    """Publication + ``follow_up.days``; None when follow-ups are off."""
    return published + timedelta(days=config.days) if config.enabled else None


def publication_frontmatter(published: date, config: FollowUpConfig) -> dict[str, Any]:
    """The frontmatter key publication adds: ``{"follow_up": "YYYY-MM-DD"}`` (empty when off)."""
    due = follow_up_date(published, config)
    return {"follow_up": due.isoformat()} if due else {}


def _section_bounds(lines: list[str]) -> tuple[int, int] | None:
    """Line indexes of the Follow-Up Review section's body: (first line after the heading, end)."""
    start = next((i for i, line in enumerate(lines) if _SECTION.match(line.strip())), None)
    if start is None:
        return None
    end = next(
        (i for i in range(start + 1, len(lines)) if lines[i].startswith("#") or lines[i].strip() == "---"),
        len(lines),
    )
    return start + 1, end


def set_follow_up_line(text: str, due: date) -> str:
    """``text`` with the Follow-Up Review section's ``(scheduled for …)`` set to ``due``.

    The section's first line naming a schedule is edited; a section without one gets
    ``**Follow-Up** (scheduled for YYYY-MM-DD)`` under its heading. A document without the section is returned
    unchanged (a custom template may drop it; the frontmatter still carries the date).
    """
    lines = text.split("\n")
    bounds = _section_bounds(lines)
    if bounds is None:
        return text
    start, end = bounds
    scheduled = f"(scheduled for {due.isoformat()})"
    for i in range(start, end):
        if _SCHEDULED.search(lines[i]):
            lines[i] = _SCHEDULED.sub(scheduled, lines[i], count=1)
            return "\n".join(lines)
    lines[start:start] = ["", f"**Follow-Up** {scheduled}"]
    return "\n".join(lines)


# ---- the issue ---------------------------------------------------------------------------------------------------


def follow_up_title(title: str, days: int = 30) -> str:
    """``30-day follow-up: <title>`` (the configured days) on one line, within GitHub's 256 characters."""
    text = f"{days}-day follow-up: " + " ".join(title.split())
    return text if len(text) <= 256 else text[:255] + "…"


def find_follow_up(issues: Iterable[Issue], doc: str) -> Issue | None:
    """The follow-up issue of ``doc`` in a state=all listing of the label (lowest number: never a second one).

    Only issues the action wrote count: the caller passes issues already filtered by ``trust``.
    """
    found = [issue for issue in issues if (read_marker(issue.body, FOLLOW_UP_MARKER) or {}).get("doc") == doc]
    return min(found, key=lambda issue: issue.number) if found else None


def similar_since(publication: Publication, candidates: Iterable[SimilarIncident]) -> list[SimilarIncident]:
    """Post-mortems published after this one whose services impacted or labels overlap, oldest first."""

    def norm(values: Iterable[str]) -> set[str]:
        return {" ".join(v.split()).casefold() for v in values if v.strip()}

    services, labels = norm(publication.services), norm(publication.labels)
    return sorted(
        (
            c
            for c in candidates
            if c.published > publication.published
            and (norm(c.services) & services or norm(c.labels) & labels)
        ),
        key=lambda c: (c.published, c.title),
    )


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|").replace("`", "'").replace("@", "@\u200b")


def _status(item: TrackedItem) -> str:
    if item.state == "closed":
        return "⚪ Won't Do" if not item.done else "🟢 Done"
    if any(label.casefold() in ("in-progress", "in progress", "in_progress", "wip") for label in item.labels):
        return "🟡 In Progress"
    return "🔴 Not Started"


def items_table(items: Sequence[TrackedItem], today: date) -> list[str]:
    """The live table of the post-mortem's action items, with done/total."""
    done = sum(1 for item in items if item.done)
    lines = [f"**{done}/{len(items)} done**", ""]
    if not items:
        return [*lines, "This post-mortem has no tracked action items."]
    lines += ["| Issue | Action item | Status | Owner | Deadline | Overdue |", "|---|---|---|---|---|---|"]
    for item in sorted(items, key=lambda i: i.number):
        # a flag, not a count of days: the table is rewritten when items change, not every day
        late = "⚠️ yes" if item.state == "open" and item.deadline is not None and item.deadline < today else ""
        owner = item.assignees[0] if item.assignees else item.owner
        deadline = item.deadline.isoformat() if item.deadline else _cell(item.deadline_text) or "none"
        lines.append(
            f"| #{item.number} | {_cell(item.title)} | {_status(item)} | {_cell(owner)} | {deadline} | {late} |"
        )
    return lines


def read_checks(body: str | None) -> dict[str, bool]:
    """The four checks of a follow-up issue body and whether each is ticked (by exact text)."""
    ticks: dict[str, bool] = {}
    for line in (body or "").splitlines():
        match = re.match(r"^[ \t]*[-*][ \t]+\[(?P<tick>[ xX])\][ \t]+(?P<text>\S(?:.*\S)?)[ \t]*$", line)
        if match and match["text"] in CHECKS and match["text"] not in ticks:
            ticks[match["text"]] = match["tick"] in "xX"
    return ticks


def follow_up_body(
    publication: Publication,
    items: Sequence[TrackedItem],
    similar: Sequence[SimilarIncident],
    today: date,
    ticks: dict[str, bool] | None = None,
) -> str:
    """The managed body of the follow-up issue: marker, checks, items table, similar incidents, links."""
    ticks = ticks or {}
    due = publication.follow_up or publication.published
    lines = [
        marker(FOLLOW_UP_MARKER, doc=publication.doc),
        f"The follow-up review of the post-mortem **{_cell(publication.title)}**, published on "
        f"{publication.published.isoformat()} (review due {due.isoformat()}). Tick the checks as you go and close "
        "this issue as *completed* when the review is done, or as *not planned* to skip it: the post-mortem "
        "records either.",
        "",
        "### Checks",
        "",
        *(f"- [{'x' if ticks.get(check) else ' '}] {check}" for check in CHECKS),
        "",
        "### Action items",
        "",
        *items_table(items, today),
        "",
        "### Similar incidents since",
        "",
    ]
    if similar:
        lines += [
            f"- [{_cell(s.title)}]({s.link}) — published {s.published.isoformat()}"
            + (f"; services: {_cell(', '.join(s.services))}" if s.services else "")
            for s in similar
        ]
    else:
        lines.append("None published since with the same services impacted or labels.")
    lines += ["", "### Links", ""]
    lines.append(
        f"- Post-mortem: [`{_cell(publication.doc)}`]({publication.doc_url})"
        if publication.doc_url
        else f"- Post-mortem: `{_cell(publication.doc)}`"
    )
    if publication.pull_request is not None:
        lines.append(f"- Reviewed in #{publication.pull_request}")
    if publication.incident is not None:
        lines.append(f"- Incident: #{publication.incident}")
    lines += [
        "",
        "<sub>Kept up to date by postmortem-action. Notes below this line are kept.</sub>",
        marker(FOLLOW_UP_END),
    ]
    return "\n".join(lines)


def _keep_tail(current: str, managed: str) -> str:
    end = find_marker(current or "", FOLLOW_UP_END)
    return managed + (current[end[1] :] if end else "")


def decide_follow_up(
    publication: Publication,
    today: date,
    config: FollowUpConfig,
    existing: Issue | None,
    items: Sequence[TrackedItem],
    similar: Sequence[SimilarIncident],
    assignees: Sequence[str],
    repository_labels: Iterable[str] = (),
) -> tuple[list[Write], list[Message]]:
    """On a scheduled run: open the one follow-up issue when due, or refresh its table while it is open.

    ``existing``: :func:`find_follow_up` over a state=all listing of the label (a closed one is never replaced).
    ``items``: the post-mortem's tracking issues (open and closed). ``assignees``: resolved logins of the incident
    commander role holders, else the author.
    """
    due = publication.follow_up or follow_up_date(publication.published, config)
    if existing is None:
        if not config.enabled or due is None or today < due:
            return [], []
        writes: list[Write] = []
        if not any(label.casefold() == FOLLOW_UP_LABEL for label in repository_labels):
            writes.append(
                CreateLabel(
                    name=FOLLOW_UP_LABEL, color=FOLLOW_UP_COLOR, description="Post-mortem follow-up review"
                )
            )
        dated = publication.model_copy(update={"follow_up": due})
        writes.append(
            CreateIssue(
                title=follow_up_title(publication.title, config.days),
                body=follow_up_body(dated, items, similar_since(publication, similar), today),
                assignees=tuple(dict.fromkeys(a.removeprefix("@") for a in assignees)),
                labels=(FOLLOW_UP_LABEL,),
            )
        )
        return writes, [Message(text=f"Opened the follow-up review of {publication.doc}.")]
    if existing.state == "closed":
        return [], []
    dated = publication.model_copy(update={"follow_up": due})
    managed = follow_up_body(
        dated, items, similar_since(publication, similar), today, read_checks(existing.body)
    )
    body = _keep_tail(existing.body, managed)
    if body.replace("\r\n", "\n") == existing.body.replace("\r\n", "\n"):
        return [], []
    return [UpdateIssue(number=existing.number, body=body)], [
        Message(text=f"Updated the follow-up review #{existing.number}.")
    ]


# ---- closing it --------------------------------------------------------------------------------------------------


def closure(issue: Issue, closed_by: str, closed_on: date) -> Closure | None:
    """How a closed follow-up issue was closed (``duplicate`` counts as not planned); None while it is open."""
    if issue.state != "closed":
        return None
    ticks = read_checks(issue.body)
    return Closure(
        number=issue.number,
        url=issue.html_url,
        closed_by=closed_by.removeprefix("@"),
        closed_on=closed_on,
        outcome="not_planned" if issue.state_reason in ("not_planned", "duplicate") else "completed",
        checks=tuple((check, ticks.get(check, False)) for check in CHECKS),
    )


def closure_frontmatter(done: Closure) -> dict[str, Any]:
    """``follow_up_done: <date>`` when completed, ``follow_up_not_planned: <date>`` when not planned."""
    key = "follow_up_done" if done.outcome == "completed" else "follow_up_not_planned"
    return {key: done.closed_on.isoformat()}


def closure_recorded(meta: dict[str, Any]) -> bool:
    """Whether the document's frontmatter already records the review (so a rerun writes nothing)."""
    return bool(meta.get("follow_up_done") or meta.get("follow_up_not_planned"))


def record_closure(text: str, done: Closure) -> str:
    """``text`` with the Follow-Up Review section recording who closed the review, when, and the checks ticked.

    The section's check bullets become ``- [x]`` / ``- [ ]``; one ``**Reviewed**`` (or ``**Review not done**``)
    line is written (replaced on a rerun, so the edit is idempotent). Without the section, one is appended.
    """
    ticks = dict(done.checks)
    ref = f"[#{done.number}]({done.url})" if done.url else f"#{done.number}"
    if done.outcome == "completed":
        ticked = [check for check, on in done.checks if on]
        what = ", ".join(ticked) if ticked else "no check ticked"
        line = f"**Reviewed** on {done.closed_on.isoformat()} by @{done.closed_by} in {ref}: {what}."
    else:
        line = f"**Review not done**: closed as not planned on {done.closed_on.isoformat()} by @{done.closed_by} in {ref}."
    lines = text.split("\n")
    bounds = _section_bounds(lines)
    if bounds is None:
        return text.rstrip("\n") + "\n\n## Follow-Up Review\n\n" + line + "\n"
    start, end = bounds
    for i in range(start, end):
        match = _CHECK.match(lines[i])
        if match and match["text"] in ticks:
            lines[i] = f"- [{'x' if ticks[match['text']] else ' '}] {match['text']}"
    existing = next((i for i in range(start, end) if _REVIEWED.match(lines[i])), None)
    if existing is not None:
        lines[existing] = line
    else:
        last = max((i for i in range(start, end) if lines[i].strip()), default=start - 1)
        lines[last + 1 : last + 1] = ["", line]
    return "\n".join(lines)
