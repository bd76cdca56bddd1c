"""The follow-through's I/O face: the scheduled reminders, digest and follow-up reviews, and the ``issues`` events
that end them. Read (through the run's snapshot) → decide (:mod:`postmortem.follow_through.scheduled` and friends,
pure) → Plan.

* :func:`handle_scheduled`: ``schedule`` (after the reconcile of action items and sign-off, which the runner keeps
  on ``schedule``) and ``workflow_dispatch`` with ``task: remind``. No sender: a schedule is the repository's own.
* :func:`handle_issue`: ``issues`` closed / reopened. A tracking issue closed loses ``overdue`` (reopened: the label
  follows its deadline again); a follow-up issue closed records the review in the post-mortem, in one commit to
  the default branch (or a pull request when branch protection refuses it).

Reads of a scheduled run: the tracking-issue listing (shared with the reconcile on ``schedule``), the digest and
follow-up listings (``state=all``), the post-mortem folder and its documents (shared with the reconcile), and only
when needed the repository's labels (a label to create), the incident commander's teams and incident issues (an
item nobody is assigned to).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from postmortem import clock
from postmortem.context import Context
from postmortem.errors import GitHubError, NotText
from postmortem.follow_through.digest import DIGEST_LABEL
from postmortem.follow_through.follow_up import (
    FOLLOW_UP_LABEL,
    FOLLOW_UP_MARKER,
    Publication,
    closure,
    closure_frontmatter,
    closure_recorded,
    find_follow_up,
    follow_up_date,
    publication_from_document,
    record_closure,
)
from postmortem.follow_through.items import TrackedItem, tracked_item
from postmortem.follow_through.reminders import (
    OVERDUE_COLOR,
    OVERDUE_DESCRIPTION,
    OVERDUE_LABEL,
    Mentions,
    decide_item,
)
from postmortem.follow_through.scheduled import decide_scheduled, follow_up_needs_closed_items
from postmortem.github.models import WRITE_PERMISSIONS, Issue
from postmortem.markdown.frontmatter import DocumentError, split_frontmatter, update_frontmatter
from postmortem.markdown.markers import read_marker
from postmortem.plan import AddLabels, CreateLabel, Message, Plan, PutFile, RemoveLabel
from postmortem.trust import action_issues, safe_document_path, written_by_action

MAX_ITEMS_PER_RUN = 100
"""Tracking issues written to in one run (≈ 4 writes each: the record, the comment, the record completed, the
previous reminder deleted or the label): GitHub allows 500 content-creating requests an hour, so a backlog
(reminders turned on over 200 overdue items) is spread over the next runs instead of being cut off by the limit.
"""
COMMANDER_ROLE = "incident-commander"
"""The role whose holders are mentioned when an item has no assignee, and assigned the follow-up review."""
ISSUE_ACTIONS = ("closed", "reopened")


# --------------------------------------------------------------------------------------------------------------
# schedule / workflow_dispatch task=remind
# --------------------------------------------------------------------------------------------------------------


def handle_scheduled(ctx: Context) -> Plan:
    """Reminders, the digest and the follow-up reviews of every post-mortem, decided once from one read of each
    listing. Today comes from :mod:`postmortem.clock` (``POSTMORTEM_TODAY`` pins it)."""
    config, snapshot = ctx.config, ctx.snapshot
    if not config.reminders.enabled and not config.follow_up.enabled:
        plan = Plan()
        plan.say("Reminders and follow-up reviews are turned off (reminders.enabled, follow_up.enabled).")
        return plan
    today = clock.today()
    follow_up_issues = (
        action_issues(snapshot.issues_labelled(FOLLOW_UP_LABEL, "all"), config)
        if config.follow_up.enabled
        else []
    )
    publications = _publications(ctx) if config.follow_up.enabled else []
    if config.follow_up.enabled and follow_up_needs_closed_items(
        publications, follow_up_issues, today, config
    ):
        publications = _with_incident_labels(ctx, publications)
    # On `schedule` the reconcile already listed the label with state=all: reading it again costs nothing. On
    # task=remind only the open ones are listed, unless a follow-up table needs the closed (done) ones.
    needs_all = ctx.event.name == "schedule" or follow_up_needs_closed_items(
        publications, follow_up_issues, today, config
    )
    listing = snapshot.issues_labelled(config.action_items.label, "all" if needs_all else "open")
    # the reminders take the open ones and closed ones still labelled overdue; a follow-up table all of them
    tracking = action_issues(listing, config)
    digest_issues = (
        action_issues(snapshot.issues_labelled(DIGEST_LABEL, "all"), config)
        if config.reminders.enabled and config.reminders.digest
        else []
    )
    if not digest_issues and not any(i.state == "open" for i in tracking):
        # no open action item and no digest yet: a repository without follow-through gets no empty digest
        config = config.model_copy(
            update={"reminders": config.reminders.model_copy(update={"digest": False})}
        )
    mentions = _mentions(ctx, tracking, today)
    assignees = _follow_up_assignees(ctx, publications, follow_up_issues, today, mentions)

    def decide(labels: Iterable[str]) -> Plan:
        return decide_scheduled(
            tracking_issues=tracking,
            digest_issues=digest_issues,
            follow_up_issues=follow_up_issues,
            publications=publications,
            today=today,
            config=config,
            mentions=mentions,
            follow_up_assignees=assignees,
            repository_labels=labels,
        )

    # The repository's labels are read only when the plan would create one (a first digest, overdue item or
    # follow-up review): decided as if there were none, then again with the labels read.
    plan = decide(())
    if any(isinstance(w, CreateLabel) for w in plan.writes):
        plan = decide(label.name for label in snapshot.labels())
    plan = _within_limit(plan, {i.number for i in tracking})
    if not plan.writes:
        plan.say(
            f"Follow-through: nothing to remind on {today.isoformat()}; the digest and follow-ups are current."
        )
    return plan


def _within_limit(plan: Plan, tracking: set[int]) -> Plan:
    """The plan with the writes of at most :data:`MAX_ITEMS_PER_RUN` tracking issues (lowest numbers first); the
    others are written by the next runs (each item's record is its own, so nothing is lost or sent twice)."""
    touched = sorted({n for w in plan.writes if (n := getattr(w, "number", None)) in tracking})
    if len(touched) <= MAX_ITEMS_PER_RUN:
        return plan
    later = set(touched[MAX_ITEMS_PER_RUN:])
    kept = [w for w in plan.writes if getattr(w, "number", None) not in later]
    messages = [m for m in plan.messages if not any(m.text.startswith(f"#{n}:") for n in later)]
    messages.append(
        Message(
            level="notice",
            text=f"{len(later)} more tracking issues are due a reminder or a label: they are written by the next "
            f"runs ({MAX_ITEMS_PER_RUN} a run keeps within GitHub's limit of 500 content-creating requests an "
            "hour).",
        )
    )
    return plan.model_copy(update={"writes": kept, "messages": messages})


def _labelled(labels: Iterable[str], name: str) -> bool:
    return any(label.casefold() == name.casefold() for label in labels)


def _publications(ctx: Context) -> list[Publication]:
    """The published post-mortems on the default branch (the folder and documents the reconcile read too)."""
    found: list[Publication] = []
    site = f"https://github.com/{ctx.event.repository}"
    for entry in ctx.snapshot.directory(ctx.config.directory, ctx.default_branch):
        if entry.type != "file" or not entry.name.endswith(".md") or entry.name.casefold() == "readme.md":
            continue
        try:
            file = ctx.snapshot.file(entry.path, ctx.default_branch)
            if file is None:
                continue
            meta, body = split_frontmatter(file.text)
        except (NotText, DocumentError):
            continue
        if meta.get("status") != "Published" and not meta.get("published"):
            continue
        publication = publication_from_document(
            entry.path, meta, body, doc_url=f"{site}/blob/{ctx.default_branch}/{entry.path}"
        )
        if publication is not None:
            found.append(publication)
    return found


def _with_incident_labels(ctx: Context, publications: list[Publication]) -> list[Publication]:
    """The publications with their incident issues' labels (the incident label itself left out), for "similar
    incidents since": one listing of the incident label, read only while a follow-up review is open or due."""
    incident = ctx.config.incident_label.casefold()
    labels = {
        issue.number: tuple(label for label in issue.labels if label.casefold() != incident)
        for issue in ctx.snapshot.issues_labelled(ctx.config.incident_label, "all")
    }
    return [
        p.model_copy(update={"labels": labels.get(p.incident, ())}) if p.incident is not None else p
        for p in publications
    ]


def _commanders(ctx: Context) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The incident commander role's resolved logins, and its teams the token could not read."""
    role = next((r for r in ctx.config.signoff.roles if r.id == COMMANDER_ROLE), None)
    if role is None:
        return (), ()
    logins = list(role.users)
    unreadable: list[str] = []
    for team in role.teams:
        members = ctx.snapshot.team_members(team)
        if members.readable:
            logins += members.members
        else:
            unreadable.append(team)
    return tuple(dict.fromkeys(logins)), tuple(unreadable)


def _author(ctx: Context, incident: int) -> str | None:
    try:
        issue = ctx.snapshot.issue(incident)
    except GitHubError:  # a deleted or unreadable incident issue: no author to fall back on
        return None
    return issue.author or None


def _mentions(ctx: Context, tracking: Sequence[Issue], today: date) -> Mentions:
    """Who a reminder addresses when nobody is assigned: read only for items that may be reminded today."""
    due_soon = ctx.config.reminders.due_soon_days
    unassigned: list[TrackedItem] = []
    for issue in tracking:
        item = tracked_item(issue)
        if item is None or item.state != "open" or item.assignees or item.deadline is None:
            continue
        if (item.deadline - today).days <= due_soon and not any(r.on == today for r in item.reminders):
            unassigned.append(item)
    if not unassigned or not ctx.config.reminders.enabled:
        return Mentions()
    commanders, teams = _commanders(ctx)
    authors: dict[int, str] = {}
    if not commanders and not teams:
        for number in sorted({i.incident for i in unassigned if i.incident is not None}):
            if (login := _author(ctx, number)) is not None:
                authors[number] = login
    return Mentions(commanders=commanders, unreadable_teams=teams, authors=authors)


def _follow_up_assignees(
    ctx: Context,
    publications: Sequence[Publication],
    follow_up_issues: Sequence[Issue],
    today: date,
    mentions: Mentions,
) -> dict[str, tuple[str, ...]]:
    """Document → who the follow-up review it opens today is assigned to: the incident commanders, else the
    author (read only for the reviews opened this run)."""
    opening = [
        p
        for p in publications
        if find_follow_up(follow_up_issues, p.doc) is None
        and (due := p.follow_up or follow_up_date(p.published, ctx.config.follow_up)) is not None
        and today >= due
    ]
    if not opening:
        return {}
    commanders = mentions.commanders or _commanders(ctx)[0]
    assignees: dict[str, tuple[str, ...]] = {}
    for publication in opening:
        if commanders:
            assignees[publication.doc] = commanders
        elif publication.incident is not None and (login := _author(ctx, publication.incident)) is not None:
            assignees[publication.doc] = (login,)
    return assignees


# --------------------------------------------------------------------------------------------------------------
# issues closed / reopened
# --------------------------------------------------------------------------------------------------------------


def handle_issue(ctx: Context) -> Plan:
    """``issues`` closed / reopened: a tracking issue's ``overdue`` label, a follow-up review's record."""
    event, config, plan = ctx.event, ctx.config, Plan()
    issue = _payload_issue(event.issue)
    if issue is None or event.action not in ISSUE_ACTIONS:
        return plan
    if not written_by_action(issue.author, issue.author_type, config):
        return plan
    if _labelled(issue.labels, config.action_items.label):
        return _tracking_state(ctx, issue, plan)
    if _labelled(issue.labels, FOLLOW_UP_LABEL) and event.action == "closed":
        return _record_review(ctx, issue, plan)
    return plan


def _tracking_state(ctx: Context, issue: Issue, plan: Plan) -> Plan:
    """Closed: ``overdue`` comes off. Reopened: it follows the deadline again (no reminder from an event)."""
    item = tracked_item(issue)
    if item is None:
        return plan
    writes, messages = decide_item(item, clock.today(), ctx.config.reminders, Mentions())
    labels = [w for w in writes if isinstance(w, AddLabels | RemoveLabel)]
    if any(isinstance(w, AddLabels) for w in labels) and not _labelled(
        (label.name for label in ctx.snapshot.labels()), OVERDUE_LABEL
    ):
        plan.add(CreateLabel(name=OVERDUE_LABEL, color=OVERDUE_COLOR, description=OVERDUE_DESCRIPTION))
    plan.add(*labels)
    plan.messages += [m for m in messages if m.level != "info"]
    return plan


def follow_up_branch(number: int) -> str:
    """Where a follow-up review's record goes when branch protection refuses the direct commit."""
    return f"postmortem/follow-up-{number}"


def _record_review(ctx: Context, issue: Issue, plan: Plan) -> Plan:
    """The closed follow-up review, recorded in its post-mortem: one commit (or a fallback pull request)."""
    doc = safe_document_path((read_marker(issue.body, FOLLOW_UP_MARKER) or {}).get("doc"))
    if doc is None:
        return plan
    if ctx.snapshot.permission(ctx.event.sender or "") not in WRITE_PERMISSIONS:
        # triage access can close any issue: only a person with write access records the review
        plan.say(
            f"Not recording the follow-up review #{issue.number}: {ctx.event.sender} has no write access."
        )
        return plan
    done = closure(issue, ctx.event.sender or "ghost", clock.today())
    if done is None:
        return plan
    snapshot, branch = ctx.snapshot, ctx.default_branch
    file = snapshot.file(doc, branch)
    if file is None:
        plan.say(f"The follow-up review #{issue.number} was closed, but {doc} is not on {branch}.", "warning")
        return plan
    try:
        meta, _ = split_frontmatter(file.text)
        if closure_recorded(meta):
            plan.say(f"{doc} already records its follow-up review.")
            return plan
        recorded = record_closure(update_frontmatter(file.text, closure_frontmatter(done)), done)
    except DocumentError as error:
        plan.say(f"{doc} cannot record the follow-up review #{issue.number}: {error}", "error")
        return plan
    fallback = follow_up_branch(issue.number)
    pending = snapshot.pull_request_from(fallback)
    if pending is not None and pending.state == "open":
        waiting = snapshot.file(doc, fallback)
        if waiting is not None and waiting.text == recorded:
            plan.say(f"The follow-up review of {doc} waits for pull request #{pending.number}.", "notice")
            return plan
    outcome = "done" if done.outcome == "completed" else "not planned"
    plan.add(
        PutFile(
            path=doc,
            branch=branch,
            content=recorded,
            message=f"Record the follow-up review of {doc} ({outcome}, #{issue.number})",
            expected_sha=file.sha,
            fallback_branch=fallback,
        )
    )
    plan.say(f"Recording the follow-up review #{issue.number} ({outcome}) in {doc}.")
    return plan


def _payload_issue(data: dict[str, Any] | None) -> Issue | None:
    """The event's issue as the snapshot models it (no read: the payload is the issue as it was closed)."""
    if not isinstance(data, dict) or "pull_request" in data:
        return None
    user = data.get("user") if isinstance(data.get("user"), dict) else {}
    assert isinstance(user, dict)
    try:
        return Issue(
            number=int(data["number"]),
            html_url=str(data.get("html_url") or ""),
            title=str(data.get("title") or ""),
            body=str(data.get("body") or ""),
            state="closed" if data.get("state") == "closed" else "open",
            state_reason=data.get("state_reason") if isinstance(data.get("state_reason"), str) else None,
            author=str(user.get("login") or ""),
            author_type=str(user.get("type") or "User"),
            assignees=tuple(
                str(a.get("login"))
                for a in data.get("assignees") or []
                if isinstance(a, dict) and a.get("login")
            ),
            labels=tuple(
                str(label.get("name")) for label in data.get("labels") or [] if isinstance(label, dict)
            ),
        )
    except (KeyError, TypeError, ValueError):
        return None
