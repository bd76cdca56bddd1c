"""Action Items table ↔ tracking issues, kept in sync in both directions.

Ownership: the table owns each item's text, owner, deadline and priority (and whether the item exists); the
tracking issue owns its state (open / closed as completed / closed as not planned). A sync of one document:

* every row without an issue gets one, except 💡 Proposed rows (not agreed yet) and rows already 🟢 Done or
  ⚪ Won't Do (nothing left to track); existing issues are found with ONE listing by label and matched by the
  hidden marker (document path + row key), so a row whose Issue cell was deleted is re-linked, not duplicated;
* the rows' Issue and Status cells are written in ONE commit with the blob sha read (a 409 re-reads and
  re-applies the cell edits on the fresh text); on the default branch a protected branch falls back to a PR;
* a row whose text / owner / deadline / priority changed updates its issue; a removed row closes its issue as
  not planned with a comment (never while the table has rows this action cannot read);
* issue state flows back into the Status column; unreadable cells are never overwritten;
* at most :data:`MAX_CREATIONS_PER_RUN` issues are created per run; the rest wait for the next run.
* creations are made holding a lock on GitHub (:mod:`postmortem.github.lock`, planned as
  :class:`~postmortem.plan.TakeLock` / :class:`~postmortem.plan.ReleaseLock`), decided again on the listing read
  once it is held: two runs at once (no ``concurrency:`` group) create each issue once.

Handlers: ``read (gateway) → decide (pure) → Plan``; the issue numbers for the Issue cells are written in a
second round (``replan``), after re-reading the listing.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict

from postmortem.action_items.table import (
    ActionItem,
    ActionItemsReport,
    CellEdit,
    RowProblem,
    Status,
    read_action_items,
    set_cells,
    status_cell,
)
from postmortem.action_items.tracking import (
    ITEM_MARKER,
    PRIORITY_COLORS,
    IncidentContext,
    IssueLink,
    closed_status,
    fingerprint,
    incident_context,
    issue_body,
    issue_title,
    open_status,
    read_link,
    replace_managed,
)
from postmortem.config import Config, catalogue_path
from postmortem.context import Context, find_document
from postmortem.errors import NotFound, NotText
from postmortem.github.models import Comment, FileContent, Issue, PullRequest, latest_decisive_reviews
from postmortem.markdown.frontmatter import DocumentError, split_frontmatter
from postmortem.markdown.markers import ACTION_ITEM_PROBLEMS, marker, read_marker, replace_marker
from postmortem.markdown.mentions import inert_mentions
from postmortem.plan import (
    CreateComment,
    CreateIssue,
    CreateLabel,
    Plan,
    PutFile,
    TakeLock,
    UpdateIssue,
    around,
)
from postmortem.sticky import find_comment, upsert_comment
from postmortem.trust import (
    PostmortemRef,
    action_comments,
    action_issues,
    branch_name,
    postmortem_ref,
    safe_document_path,
    written_by_action,
)

__all__ = [
    "MAX_CREATIONS_PER_RUN",
    "DocumentState",
    "Target",
    "decide",
    "handle_pull_request",
    "handle_push",
    "handle_reconcile",
    "handle_tracking_issue",
]

MAX_CREATIONS_PER_RUN = 50
"""Issues created per run at most: with the gateway's 1 s between writes a run stays well inside GitHub's
secondary limits (80 content-creating requests a minute, 500 an hour); the next run continues."""
CREATION_LOCK = "action-items"
"""The lock (``refs/postmortem-locks/action-items``) around tracking-issue creations: one per repository, as the
issues of every document are matched in one listing."""
PULL_ACTIONS = frozenset({"opened", "reopened", "ready_for_review", "synchronize", "closed"})
ISSUE_ACTIONS = frozenset({"closed", "reopened"})
ACTION_ITEM_COLOR = ("0e8a16", "Tracks an action item of a post-mortem")
_BLOCKING = frozenset({"not_a_table", "no_text_column", "unsupported_table", "text", "issue"})


class Target(BaseModel):
    """One document to sync and the branch that holds it."""

    model_config = ConfigDict(frozen=True)

    path: str
    branch: str
    on_default: bool
    """On the default branch: commit with a fallback to a pull request when branch protection refuses."""
    pull_request: int | None = None
    """The post-mortem pull request (open or merged): where the problems comment goes."""
    incident: int | None = None
    """The incident, to find the document by its frontmatter when it is not at ``path`` (renamed, moved)."""


class DocumentState(BaseModel):
    """Everything :func:`decide` needs for one document, read before deciding."""

    model_config = ConfigDict(frozen=True)

    config: Config
    repository: str
    html_url: str
    """``https://github.com/owner/repo``."""
    default_branch: str
    target: Target
    file: FileContent | None
    issues: list[Issue]
    """Every issue carrying the action-item label (open and closed): one listing for the whole run."""
    labels: frozenset[str] | None = None
    """Label names of the repository (casefolded), or None when not read (then the listed issues' labels count)."""
    comments: list[Comment] | None = None
    """Comments of the post-mortem pull request, or None when there is no pull request to comment on."""
    fallback_text: str | None = None
    """The document as already proposed on the fallback branch's open pull request, if any."""
    creations_left: int = MAX_CREATIONS_PER_RUN
    unassignable: frozenset[str] = frozenset()
    """Owner logins (casefolded) that are not collaborators: GitHub refuses them as assignees (422)."""
    pull_requests: frozenset[int] = frozenset()
    """Numbers named in Issue cells that are pull requests (read among the unlisted issues)."""
    announce_problems: bool = True
    """Without a problems comment to compare with (no pull request): whether this event may have changed the
    rows (a push), so that their problems are warned about again; otherwise one line says they remain."""


def fallback_branch(path: str) -> str:
    """Where a refused commit to the default branch goes: ``postmortem/action-items-<file name>``."""
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", path.rsplit("/", 1)[-1].removesuffix(".md")).strip("-.")
    return f"postmortem/action-items-{stem or 'document'}"


# ============================================================================================ deciding


class _Linked(BaseModel):
    model_config = ConfigDict(frozen=True)

    item: ActionItem
    issue: Issue
    link: IssueLink | None
    """The issue's marker when it is ours for this document (then the table's fields are pushed to it)."""
    relinked: bool = False


def _ours(
    issues: Sequence[Issue], path: str, incident: int | None, config: Config, in_table: set[int]
) -> list[tuple[Issue, IssueLink]]:
    """The tracking issues of the document at ``path`` (and of its incident, when both say: two incidents can
    have had documents at the same path): opened by the action, carrying its marker. An issue of the same
    incident whose marker names another path, but whose number is in the table, is claimed too: the document
    was renamed or moved (its body then gets the new path)."""
    found = []
    for issue in sorted(issues, key=lambda i: i.number):
        if not written_by_action(issue.author, issue.author_type, config):
            continue
        link = read_link(issue.body)
        if link is not None and incident is not None and link.incident not in (None, incident):
            continue
        moved = (
            link is not None
            and incident is not None
            and link.incident == incident
            and issue.number in in_table
        )
        if link is not None and (link.doc == path or moved):
            found.append((issue, link))
    return found


def _priority_labels(labels: Sequence[str], priority: str | None, base: str) -> tuple[str, ...]:
    kept = [label for label in labels if label.upper() not in PRIORITY_COLORS]
    if base.casefold() not in {label.casefold() for label in kept}:
        kept.append(base)
    if priority:
        kept.append(priority)
    return tuple(kept)


def status_after_open(status: Status) -> bool:
    return status in (Status.NOT_STARTED, Status.IN_PROGRESS)


def _status_after(issue: Issue, row: Status | None) -> Status:
    return closed_status(issue.state_reason) if issue.state == "closed" else open_status(row, issue.labels)


def _problems_comment(
    state: DocumentState, report: ActionItemsReport, strangers: Sequence[ActionItem]
) -> str:
    # the cells are quoted as written: nobody in them is mentioned, except owners the issues are assigned to
    assigned = [item.owner_login for item in report.items if item.owner_login and item not in strangers]
    return inert_mentions(_problems_text(state, report, strangers), assigned)


def _problems_text(state: DocumentState, report: ActionItemsReport, strangers: Sequence[ActionItem]) -> str:
    path = state.target.path
    lines = [marker(ACTION_ITEM_PROBLEMS)]
    if not report.problems and not report.unresolved_owners and not strangers:
        lines.append(f"✅ Every action item in `{path}` can be read now, and every owner is a GitHub login.")
        return "\n".join(lines)
    lines += [f"### Action items in `{path}` that need attention", ""]
    taken = [p for p in report.problems if p.kind not in _BLOCKING]
    blocked = [p for p in report.problems if p.kind in _BLOCKING]
    if taken:
        lines += [
            "These rows have their tracking issue (its number is in the row's Issue cell), but these cells could "
            "not be read. The issue shows them as written, and the action never rewrites them; until they are "
            "fixed it does not act on them: no assignee for an owner it cannot read, no priority label for an "
            "unknown priority, no deadline reminders for a deadline that is not a date.",
            "",
        ]
        lines += [f"- **Line {p.line + 1}**: {p.message} {p.fix}" for p in taken]
        lines.append("")
    if blocked:
        lines += [
            "No tracking issue is opened for these, and their cells are not written, until they are fixed:",
            "",
        ]
        lines += [f"- **Line {p.line + 1}**: {p.message} {p.fix}" for p in blocked]
        lines.append("")
    if report.unresolved_owners:
        lines += [
            "These owners are not GitHub logins, so their tracking issues are not assigned to anyone:",
            "",
        ]
        lines += [f"- **Line {p.line + 1}**: {p.message} {p.fix}" for p in report.unresolved_owners]
        lines.append("")
    if strangers:
        lines += [
            "These owners cannot be assigned (not collaborators of this repository), so their issues are unassigned:",
            "",
        ]
        lines += [
            f"- **Line {item.line + 1}**: @{item.owner_login} — give them access to the repository, or write "
            "another owner."
            for item in strangers
        ]
        lines.append("")
    lines.append("This comment is updated on every push.")
    return "\n".join(lines)


_SHARED = "several rows name this issue"


def _shares_issue(report: ActionItemsReport, item: ActionItem) -> bool:
    return any(p.message.startswith(_SHARED) for p in report.problems_at(item.line))


def _report_shared_issues(report: ActionItemsReport) -> ActionItemsReport:
    """``report`` with a problem on every row whose Issue cell names an issue another row names too (a
    duplicated row, a copy-paste slip): each would rewrite the issue in turn, on every run."""
    counts = Counter(item.issue for item in report.items if item.issue is not None)
    extra = [
        RowProblem(
            line=item.line,
            kind="issue",
            column="Issue",
            value=f"#{item.issue}",
            message=f"{_SHARED} (#{item.issue}), so none of them updates it.",
            fix="Keep the number in one row and empty the Issue cell of the others: they get their own issue.",
        )
        for item in report.items
        if item.issue is not None and counts[item.issue] > 1
    ]
    return report.model_copy(update={"problems": [*report.problems, *extra]}) if extra else report


def _report_pull_requests(report: ActionItemsReport, state: DocumentState) -> ActionItemsReport:
    """``report`` with a problem on every row whose Issue cell names a pull request (the post-mortem's own, or
    another): warned about like a link to another repository's issue, and no issue is created for the row."""
    numbers = state.pull_requests | (
        {state.target.pull_request} if state.target.pull_request is not None else set()
    )
    extra = [
        RowProblem(
            line=item.line,
            kind="issue",
            column="Issue",
            value=f"#{item.issue}",
            message=f"The issue cell “#{item.issue}” of row {item.number} cannot be read: #{item.issue} is a "
            "pull request"
            + (" (this post-mortem's own)" if item.issue == state.target.pull_request else "")
            + ", not an issue.",
            fix="Write only the tracking issue, like #12, or leave the cell empty to have one created.",
        )
        for item in report.items
        if item.issue is not None and item.issue in numbers
    ]
    return report.model_copy(update={"problems": [*report.problems, *extra]}) if extra else report


class _Matching(BaseModel):
    """How the table's rows meet the listed issues (step 1 of :func:`decide`)."""

    model_config = ConfigDict(frozen=True)

    ours: list[tuple[Issue, IssueLink]]
    """The tracking issues of this document (opened by the action, carrying its marker)."""
    linked: list[_Linked] = []
    """Rows with their issue (named in the Issue cell, or found again by the row's key)."""
    to_create: list[ActionItem] = []
    skipped_closed: list[ActionItem] = []
    """Rows already Done or Won't Do without an issue: nothing left to track."""
    duplicates: list[tuple[Issue, int]] = []
    """Issues tracking the same row as an earlier one (an overlapping earlier run), with that one's number."""
    claimed: set[int] = set()
    """Issue numbers some row accounts for (none of them is closed as removed)."""
    in_table: set[int] = set()


class _Labels:
    """The labels the planned issues need that the repository lacks (created once, with their colours)."""

    def __init__(self, known: frozenset[str]) -> None:
        self.known = known
        self.wanted: dict[str, tuple[str, str]] = {}

    def want(self, labels: Sequence[str]) -> None:
        for label in labels:
            if label.casefold() in self.known or label.casefold() in {w.casefold() for w in self.wanted}:
                continue
            self.wanted[label] = PRIORITY_COLORS.get(label.upper(), ACTION_ITEM_COLOR)

    def writes(self) -> list[CreateLabel]:
        return [
            CreateLabel(name=name, color=color, description=text)
            for name, (color, text) in self.wanted.items()
        ]


class _Context(BaseModel):
    """What every step needs besides the state: the table as read, the incident, the document's address."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    state: DocumentState
    report: ActionItemsReport
    incident: IncidentContext
    document_url: str


def decide(state: DocumentState) -> Plan:
    """The writes that bring one document's tracking issues and Issue / Status cells in line; empty when in line.

    Four named steps: :func:`_match_rows` (rows ↔ issues), :func:`_issue_writes` (create, update, close),
    :func:`_cell_edits` (the Issue / Status cells, one commit), :func:`_report` (the problems comment).
    ``plan.replan`` is set when issues are created: their numbers go into the table in the next round.
    """
    plan = Plan(retry_on_conflict=True)
    target = state.target
    if state.file is None:
        what = target.path or f"The post-mortem of incident #{target.incident}"
        plan.say(f"{what} was not found on {target.branch}; no action items to sync.", "warning")
        return plan
    document = state.file.text
    report = read_action_items(document, owners=state.config.action_items.owners, repo=state.repository)
    report = _report_shared_issues(report)
    report = _report_pull_requests(report, state)
    ctx = _Context(
        state=state,
        report=report,
        incident=incident_context(document),
        document_url=document_url(state),
    )
    _say_problems(plan, ctx)
    matching = _match_rows(ctx)
    labels = _Labels(
        state.labels
        if state.labels is not None
        else frozenset(label.casefold() for issue in state.issues for label in issue.labels)
    )
    creations = matching.to_create[: max(0, state.creations_left)]
    issue_writes, edits = _issue_writes(plan, ctx, matching, creations, labels)
    plan.add(*labels.writes())
    plan.add(*issue_writes)
    _report(plan, ctx)
    _say_progress(plan, ctx, matching, creations)
    if edits and not creations:
        _cell_edits(plan, ctx, edits)
    if not plan.writes:
        plan.say(f"{target.path} on {target.branch}: action items and tracking issues are in sync.")
    return plan


def document_url(state: DocumentState) -> str:
    """Where the document can be read from the day its issue is opened: the pull request's files while it is in
    review (the default branch does not have it yet, and the pull request's page outlives its branch, so the
    link never needs an edit), the default branch for a document synced there."""
    pull = state.target.pull_request
    if not state.target.on_default and pull is not None:
        return f"{state.html_url}/pull/{pull}/files"
    return f"{state.html_url}/blob/{state.default_branch}/{state.target.path}"


def _say_problems(plan: Plan, ctx: _Context) -> None:
    path, report = ctx.state.target.path, ctx.report
    count = len(report.problems) + len(report.unresolved_owners)
    if count and not _problems_are_news(ctx):
        # said when they appeared (and kept in the comment): a later run, the daily one included, only counts them
        pull = ctx.state.target.pull_request
        where = (
            f"; they are listed in the comment on #{pull}" if ctx.state.comments is not None and pull else ""
        )
        plan.say(
            f"{path}: {count} problem(s) in the Action Items table still need attention (unchanged{where})."
        )
        return
    for problem in report.problems:
        plan.say(f"{path}, line {problem.line + 1}: {problem.message} {problem.fix}", "warning")
    if report.unresolved_owners:
        names = ", ".join(sorted({f"“{p.value}”" for p in report.unresolved_owners}))
        plan.say(
            f"{path}: owners that are not GitHub logins (their issues stay unassigned): {names}.", "notice"
        )


def _problems_are_news(ctx: _Context) -> bool:
    """Whether the table's problems changed since they were last reported: the problems comment on the pull
    request would change; without one, whether the event may have changed the rows."""
    state = ctx.state
    if state.comments is None or state.target.pull_request is None:
        return state.announce_problems
    existing = find_comment(state.comments, ACTION_ITEM_PROBLEMS)
    strangers = [item for item in ctx.report.items if not _assignable(state, item.owner_login)]
    if existing is None:
        return True
    # line numbers move when other sections change (publication adds lines): the same problems are no news
    return _LINE_NUMBER.sub(r"\1 N", existing.body.strip()) != _LINE_NUMBER.sub(
        r"\1 N", _problems_comment(state, ctx.report, strangers).strip()
    )


_LINE_NUMBER = re.compile(r"([Ll]ine) [0-9]+")


def _match_rows(ctx: _Context) -> _Matching:
    """Step 1: each row's issue: the one its Issue cell names, else this document's issue for the row's key
    (re-linked), else a new one (except 💡 Proposed rows and rows already 🟢 Done / ⚪ Won't Do)."""
    state, report = ctx.state, ctx.report
    in_table = {item.issue for item in report.items if item.issue is not None}
    ours = _ours(state.issues, state.target.path, ctx.incident.number, state.config, in_table)
    listed = {issue.number: issue for issue in state.issues}
    ours_by_number = {issue.number: link for issue, link in ours}
    by_key: dict[str, list[Issue]] = {}
    for issue, link in ours:
        by_key.setdefault(link.key, []).append(issue)
    claimed: set[int] = set()
    linked: list[_Linked] = []
    to_create: list[ActionItem] = []
    skipped_closed: list[ActionItem] = []
    duplicates: list[tuple[Issue, int]] = []
    for item in report.items:
        if "issue" in item.unreadable:
            claimed.update(issue.number for issue in by_key.get(item.key, []))
            continue
        if item.issue is not None and _shares_issue(report, item):
            claimed.add(item.issue)  # several rows name this issue: reported, and no row drives it
            continue
        if item.issue is not None:
            cell_issue = listed.get(item.issue)
            if cell_issue is not None:
                linked.append(_Linked(item=item, issue=cell_issue, link=ours_by_number.get(item.issue)))
            claimed.add(item.issue)
            continue
        candidates = [issue for issue in by_key.get(item.key, []) if issue.number not in in_table]
        candidates = [issue for issue in candidates if issue.number not in claimed]
        if candidates:
            first, *extra = candidates
            claimed.update(issue.number for issue in candidates)
            duplicates += [(issue, first.number) for issue in extra]
            linked.append(
                _Linked(item=item, issue=first, link=ours_by_number.get(first.number), relinked=True)
            )
            continue
        if item.status == Status.PROPOSED:
            continue
        if item.status in (Status.DONE, Status.WONT_DO):
            skipped_closed.append(item)
            continue
        to_create.append(item)
    return _Matching(
        ours=ours,
        linked=linked,
        to_create=to_create,
        skipped_closed=skipped_closed,
        duplicates=duplicates,
        claimed=claimed,
        in_table=in_table,
    )


def _issue_writes(
    plan: Plan, ctx: _Context, matching: _Matching, creations: Sequence[ActionItem], labels: _Labels
) -> tuple[list[Any], list[CellEdit]]:
    """Step 2: new issues, updates of the rows' own issues, closing removed rows' and duplicate issues; with the
    cell edits those imply (a re-linked row's Issue cell, a Status that follows its issue's state)."""
    state = ctx.state
    writes: list[Any] = []
    for item in creations:
        assignable = _assignable(state, item.owner_login)
        item_labels = _priority_labels((), item.priority, state.config.action_items.label)
        labels.want(item_labels)
        writes.append(
            CreateIssue(
                title=issue_title(item),
                body=_issue_body(item, state, ctx.report, ctx.incident, ctx.document_url, assignable),
                assignees=(item.owner_login,) if item.owner_login and assignable else (),
                labels=item_labels,
            )
        )
    edits: list[CellEdit] = []
    for entry in matching.linked:
        writes += _linked_writes(plan, ctx, entry, labels, edits)
    writes += _closing_writes(plan, ctx, matching)
    return writes, edits


def _linked_writes(
    plan: Plan, ctx: _Context, entry: _Linked, labels: _Labels, edits: list[CellEdit]
) -> list[Any]:
    """The update of a linked row's own issue (table-owned fields), and its cell edits (appended to ``edits``)."""
    state, path = ctx.state, ctx.state.target.path
    item, issue, own = entry.item, entry.issue, entry.link
    writes: list[Any] = []
    if entry.relinked:
        edits.append(CellEdit(line=item.line, column="issue", value=f"#{issue.number}"))
    state_after = issue
    if own is not None:
        update = _update_issue(item, issue, own, state, ctx.incident, ctx.document_url, ctx.report)
        if update is not None:
            if update.labels is not None:
                labels.want(update.labels)
            writes.append(update)
            if update.state == "open":
                state_after = issue.model_copy(update={"state": "open", "state_reason": "reopened"})
    table = ctx.report.tables[item.table]
    if table.has_status_column and "status" not in item.unreadable:
        status = _status_after(state_after, item.status)
        if status != item.status:
            edits.append(CellEdit(line=item.line, column="status", value=status_cell(status)))
            if item.status in (Status.DONE, Status.WONT_DO) and status_after_open(status):
                plan.say(
                    f"{path}, line {item.line + 1}: the row said {item.status_text} but #{issue.number} is "
                    f"open; the issue owns the state, so the row is {status_cell(status)} again. Close "
                    f"#{issue.number} to finish the item.",
                    "notice",
                )
    return writes


def _closing_writes(plan: Plan, ctx: _Context, matching: _Matching) -> list[Any]:
    """Removed rows close their issue as not planned (never while the table has rows this action cannot read);
    a duplicate of a row's issue from an earlier overlapping run is closed too."""
    target, report = ctx.state.target, ctx.report
    path = target.path
    gone = [
        (issue, link)
        for issue, link in matching.ours
        if issue.number not in matching.in_table
        and issue.number not in matching.claimed
        and issue.state == "open"
        and not link.removed
    ]
    blocking = [p for p in report.problems if p.kind in _BLOCKING]
    if gone and (blocking or not report.tables):
        numbers = ", ".join(f"#{issue.number}" for issue, _ in gone)
        plan.say(
            f"{path}: not closing {numbers} although their rows are not in the table: "
            + (
                "the table has rows this action cannot read; fix them first."
                if report.tables
                else "no Action Items table was found in the document."
            ),
            "warning",
        )
        gone = []
    writes: list[Any] = []
    for issue, _link in gone:
        writes += _close(
            issue,
            f"The row of this action item was removed from the Action Items table of `{path}` (on "
            f"`{target.branch}`), so this issue is closed as not planned. If that was a mistake, add the row "
            f"back with `#{issue.number}` in its Issue cell: the issue is then reopened.",
        )
    for issue, original in matching.duplicates:
        if issue.state == "open":
            writes += _close(
                issue, f"Duplicate of #{original}, which tracks the same row of `{path}`; closing this one."
            )
    return writes


def _report(plan: Plan, ctx: _Context) -> None:
    """Step 4: the one problems comment on the post-mortem pull request (created only when there is news)."""
    state, target = ctx.state, ctx.state.target
    if state.comments is None or target.pull_request is None:
        return
    strangers = [item for item in ctx.report.items if not _assignable(state, item.owner_login)]
    has_news = bool(ctx.report.problems or ctx.report.unresolved_owners or strangers)
    if has_news or find_comment(state.comments, ACTION_ITEM_PROBLEMS) is not None:
        body = _problems_comment(state, ctx.report, strangers)
        upsert_comment(plan, state.comments, target.pull_request, ACTION_ITEM_PROBLEMS, body)


def _say_progress(plan: Plan, ctx: _Context, matching: _Matching, creations: Sequence[ActionItem]) -> None:
    path = ctx.state.target.path
    remaining = len(matching.to_create) - len(creations)
    if creations:
        plan.replan = True
        plan.say(
            f"{path}: creating {len(creations)} tracking issue(s); their numbers go into the table next."
        )
    if remaining:
        plan.say(
            f"{path}: {remaining} action item(s) still need a tracking issue: this run stopped at its limit of "
            f"{MAX_CREATIONS_PER_RUN} new issues (GitHub's content-creation limits). The next run (a push, or "
            "running the workflow by hand) creates them, without duplicates.",
            "warning",
        )
    if matching.skipped_closed:
        rows = ", ".join(str(item.number) for item in matching.skipped_closed)
        plan.say(f"{path}: no tracking issue for row(s) {rows}: already Done or Won't Do.")


def _cell_edits(plan: Plan, ctx: _Context, edits: Sequence[CellEdit]) -> None:
    """Step 3: the Issue / Status cells in one commit (on the default branch with a fallback pull request),
    unless the same edit already waits in that fallback pull request."""
    state, target = ctx.state, ctx.state.target
    assert state.file is not None
    document = state.file.text
    content = set_cells(document, list(edits))
    if content == document:
        return
    path = target.path
    if target.on_default and state.fallback_text == content:
        plan.say(
            f"{path}: the Issue / Status cells are already proposed in the pull request from "
            f"{fallback_branch(path)} (branch protection on {target.branch}); merge it to apply them."
        )
        return
    plan.add(
        PutFile(
            path=path,
            branch=target.branch,
            content=content,
            message=_commit_message(edits),
            expected_sha=state.file.sha,
            fallback_branch=fallback_branch(path) if target.on_default else None,
        )
    )


def _issue_body(
    item: ActionItem,
    state: DocumentState,
    report: ActionItemsReport,
    incident: IncidentContext,
    document_url: str,
    assignable: bool,
) -> str:
    return issue_body(
        item,
        path=state.target.path,
        incident=incident,
        document_url=document_url,
        heading=report.tables[item.table].heading,
        pull_request=state.target.pull_request,
        assignable=assignable,
    )


def _assignable(state: DocumentState, login: str | None) -> bool:
    """Whether ``login`` may be assigned (a collaborator); unknown (not read) counts as assignable."""
    return login is None or login.casefold() not in state.unassignable


def _update_issue(
    item: ActionItem,
    issue: Issue,
    link: IssueLink,
    state: DocumentState,
    incident: IncidentContext,
    document_url: str,
    report: ActionItemsReport,
) -> UpdateIssue | None:
    """The edit that pushes the table-owned fields to the row's own issue, or None when it already has them."""
    config = state.config
    assignable = _assignable(state, item.owner_login)
    fields: dict[str, Any] = {}
    title = issue_title(item)
    if issue.title != title:
        fields["title"] = title
    if "priority" not in item.unreadable:
        labels = _priority_labels(issue.labels, item.priority, config.action_items.label)
        if {label.casefold() for label in labels} != {label.casefold() for label in issue.labels}:
            fields["labels"] = labels
    login = item.owner_login
    if login and assignable and login.casefold() not in {a.casefold() for a in issue.assignees}:
        fields["assignees"] = (login,)
    moved = link.doc != state.target.path
    if link.fp != fingerprint(item, assignable) or link.key != item.key or link.removed or moved:
        managed = _issue_body(item, state, report, incident, document_url, assignable)
        fields["body"] = replace_managed(issue.body, managed)
    if link.removed and issue.state == "closed":
        fields.update(state="open", state_reason="reopened")
    return UpdateIssue(number=issue.number, **fields) if fields else None


def _close(issue: Issue, why: str) -> list[Any]:
    data = read_marker(issue.body, ITEM_MARKER) or {}
    flagged = marker(ITEM_MARKER, **{**data, "removed": True})
    body = replace_marker(issue.body or "", ITEM_MARKER, flagged)
    return [
        CreateComment(number=issue.number, body=why),
        UpdateIssue(number=issue.number, body=body, state="closed", state_reason="not_planned"),
    ]


def _commit_message(edits: Sequence[CellEdit]) -> str:
    links = [edit.value for edit in edits if edit.column == "issue"]
    statuses = [edit for edit in edits if edit.column == "status"]
    parts = []
    if links:
        shown = ", ".join(links[:8]) + (", …" if len(links) > 8 else "")
        parts.append(f"link {len(links)} action item(s) to their tracking issues ({shown})")
    if statuses:
        parts.append(f"update the status of {len(statuses)} action item(s) from their issues")
    text = " and ".join(parts)
    return f"Action items: {text}"


# ============================================================================================ reading


def _html_url(ctx: Context) -> str:
    repository = ctx.event.payload.get("repository") or {}
    url = repository.get("html_url") if isinstance(repository, dict) else None
    return str(url).rstrip("/") if url else f"https://github.com/{ctx.event.repository}"


def _pull_target(ctx: Context, pull: PullRequest, branch: str, on_default: bool) -> Target | None:
    """The document of a post-mortem pull request on ``branch``, or None when ``pull`` is not one. Without a
    path in the marker (a person rewrote the description), the document is found by its incident."""
    ref = postmortem_ref(pull, ctx.event.repository, ctx.config)
    if ref is None:
        return None
    return Target(
        path=ref.path or "",
        branch=branch,
        on_default=on_default,
        pull_request=pull.number,
        incident=ref.incident,
    )


def _sync(ctx: Context, targets: Sequence[Target], plan: Plan) -> Plan:
    """Read each target document (one issue listing for all of them) and decide its writes."""
    config, snapshot = ctx.config, ctx.snapshot
    issues = snapshot.issues_labelled(config.action_items.label)
    labels: frozenset[str] | None = None
    """The repository's labels once read, with the ones this run plans to create."""
    planned = 0
    for target in targets:
        try:
            file = snapshot.file(target.path, target.branch) if target.path else None
            if file is None and target.incident is not None:
                found, file = find_document(ctx, PostmortemRef(incident=target.incident), target.branch)
                if file is not None and found is not None:
                    plan.say(f"The post-mortem of incident #{target.incident} is now {found}.")
                    target = target.model_copy(update={"path": found})
        except NotText as error:
            plan.say(f"{error} Its action items are not synced.", "warning")
            continue
        unlisted = _unlisted_issues(ctx, file, issues)
        comments = (
            action_comments(snapshot.comments(target.pull_request), config)
            if target.pull_request is not None and file is not None
            else None
        )
        state = DocumentState(
            config=config,
            repository=ctx.event.repository,
            html_url=_html_url(ctx),
            default_branch=ctx.default_branch,
            target=target,
            file=file,
            issues=issues + [issue for issue in unlisted if not issue.is_pull_request],
            pull_requests=frozenset(issue.number for issue in unlisted if issue.is_pull_request),
            announce_problems=ctx.event.name == "push",
            comments=comments,
            labels=labels,
            creations_left=MAX_CREATIONS_PER_RUN - ctx.issues_created - planned,
        )
        decided, labels = _decide_with_what_it_needs(ctx, state)
        if labels is not None:  # labels created for this document exist for the next one
            labels = labels | {w.name.casefold() for w in decided.writes if isinstance(w, CreateLabel)}
        if not target.on_default and target.pull_request is not None and not _after_push(ctx):
            decided = _hold_commit_while_approved(ctx, target, decided)
        planned += sum(isinstance(w, CreateIssue) for w in decided.writes)
        plan.add(*decided.writes)
        plan.messages.extend(decided.messages)
        plan.replan = plan.replan or decided.replan
    plan.retry_on_conflict = True
    return _locked(ctx, plan, planned)


def _locked(ctx: Context, plan: Plan, planned: int) -> Plan:
    """The creations between a lock taken and released: two runs at once must not both create an issue (it
    notifies at once). A run that does not hold the lock yet stops at it and decides again on a fresh listing, so
    its creations count against the per-run cap only once it holds the lock."""
    if not planned:
        return plan
    lock = TakeLock(name=CREATION_LOCK, reread=ctx.config.action_items.label, base=ctx.default_branch)
    plan.writes = around(plan.writes, lock, (CreateIssue,))
    if CREATION_LOCK in ctx.snapshot.locks:
        ctx.issues_created += planned
    return plan


def _decide_with_what_it_needs(ctx: Context, state: DocumentState) -> tuple[Plan, frozenset[str] | None]:
    """:func:`decide`, with the reads only some decisions need made when the decision shows they matter.

    The owners' permissions (GitHub refuses a non-collaborator as assignee), the repository's labels (to create
    the missing ones with their colours) and a pending fallback pull request (branch protection) cost a request
    each, and a rerun that changes nothing needs none of them. So the document is decided, what that decision
    would need is read in one go, and it is decided once more with it: at most two decisions, never a loop.
    Returns the plan and the labels it was decided with.
    """
    decided = decide(state.model_copy(update={"unassignable": _unassignable(ctx)}))
    snapshot = ctx.snapshot
    known = snapshot.known_permissions()
    logins = sorted(
        {
            login
            for write in decided.writes
            if isinstance(write, CreateIssue | UpdateIssue)
            for login in write.assignees or ()
            if login.casefold() not in known
        }
    )
    labels = state.labels
    if labels is None and any(isinstance(w, CreateLabel) for w in decided.writes):
        labels = frozenset(label.name.casefold() for label in snapshot.labels())
    fallback_text = state.fallback_text
    target = state.target
    # (not for a document another handler of this run is already committing: that commit has its own fallback)
    staged = (target.branch, target.path) in snapshot.staged
    if target.on_default and not staged and any(isinstance(w, PutFile) for w in decided.writes):
        pending = snapshot.pull_request_from(fallback_branch(target.path))
        if pending is not None and pending.state == "open":
            proposed = snapshot.file(target.path, pending.head_ref)
            fallback_text = proposed.text if proposed else None
    if not logins and labels == state.labels and fallback_text == state.fallback_text:
        return decided, labels
    for login in logins:
        snapshot.permission(login)
    update = {"unassignable": _unassignable(ctx), "labels": labels, "fallback_text": fallback_text}
    return decide(state.model_copy(update=update)), labels


def _unassignable(ctx: Context) -> frozenset[str]:
    return frozenset(login for login, role in ctx.snapshot.known_permissions().items() if role == "none")


_PUSHED_ACTIONS = frozenset({"opened", "reopened", "ready_for_review", "synchronize"})


def _after_push(ctx: Context) -> bool:
    """Whether a human just pushed to the pull request (or opened it): approvals are already stale then, so a
    commit of ours outdates nothing that was still standing."""
    return ctx.event.name == "pull_request" and ctx.event.action in _PUSHED_ACTIONS


def _hold_commit_while_approved(ctx: Context, target: Target, decided: Plan) -> Plan:
    """Keep the table commit off an approved pull request's branch (a tracking issue closed, a reconcile).

    With "Dismiss stale pull request approvals" a bot commit would throw away the approvals the sign-off
    records; the Status cells are written instead on the default branch once the pull request is merged.
    """
    if target.pull_request is None or not any(isinstance(w, PutFile) for w in decided.writes):
        return decided
    reviews = latest_decisive_reviews(ctx.snapshot.reviews(target.pull_request))
    approvers = sorted(f"@{r.user}" for r in reviews.values() if r.state == "APPROVED")
    if not approvers:
        return decided
    held = decided.model_copy(update={"writes": [w for w in decided.writes if not isinstance(w, PutFile)]})
    held.say(
        f"{target.path}: not committing the Issue / Status cells to {target.branch} while #{target.pull_request} "
        f"is approved ({', '.join(approvers)}): a commit would dismiss or outdate those approvals. They are "
        "written to the default branch when the pull request is merged."
    )
    return held


def handle_pull_request(ctx: Context) -> Plan:
    """``pull_request`` ready_for_review / synchronize / opened / reopened (not draft) and closed+merged."""
    event, plan = ctx.event, Plan()
    payload_pull = event.pull_request
    if payload_pull is None:
        plan.say(f"{event.describe()}: no pull request in the payload; no action items to sync.")
        return plan
    number = int(payload_pull["number"])
    if event.action not in PULL_ACTIONS:
        plan.say(f"{event.describe()} for #{number}: not an event that syncs action items.")
        return plan
    pull = ctx.snapshot.pull_request(number)
    merged = pull.state == "closed" and pull.merged
    target = _pull_target(ctx, pull, ctx.default_branch if merged else pull.head_ref, on_default=merged)
    if target is None:
        plan.say(f"#{number} is not a post-mortem pull request; no action items to sync.")
        return plan
    if pull.state == "closed" and not merged:
        plan.say(f"#{number} was closed without merging; its action items are not synced.")
        return plan
    if pull.draft:
        plan.say(
            f"#{number} is a draft: tracking issues are created when it is marked ready for review.",
        )
        return plan
    return _sync(ctx, [target], plan)


def _pushed_paths(payload: dict[str, Any], directory: str, keys: Sequence[str]) -> list[str]:
    commits = list(payload.get("commits") or [])
    if isinstance(payload.get("head_commit"), dict):
        commits.append(payload["head_commit"])
    paths: list[str] = []
    for commit in commits:
        for key in keys:
            for path in commit.get(key) or []:
                if (
                    isinstance(path, str)
                    and path.startswith(directory + "/")
                    and path.endswith(".md")
                    and path not in paths
                ):
                    paths.append(path)
    return paths


MAX_UNLISTED_READS = 20


def _unlisted_issues(ctx: Context, file: FileContent | None, listed: Sequence[Issue]) -> list[Issue]:
    """Issues named in Issue cells that the label listing did not return (linked by hand, without the
    action-item label): read one by one, so their state still flows into the table."""
    if file is None:
        return []
    known = {issue.number for issue in listed}
    report = read_action_items(file.text, owners=ctx.config.action_items.owners, repo=ctx.event.repository)
    wanted = sorted(
        {item.issue for item in report.items if item.issue is not None and item.issue not in known}
    )
    found = []
    for number in wanted[:MAX_UNLISTED_READS]:
        try:
            found.append(ctx.snapshot.issue(number))  # pull requests too: their rows are warned about
        except NotFound:
            continue
    return found


def _open_pull_targets(ctx: Context) -> list[Target]:
    """The documents of the open, ready post-mortem pull requests (one listing): there, not on the default
    branch, is where their action items are synced."""
    targets = []
    for pull in ctx.snapshot.open_pull_requests():
        target = _pull_target(ctx, pull, pull.head_ref, on_default=False)
        if target is not None and not pull.draft:
            targets.append(target)
    return targets


def handle_push(ctx: Context) -> Plan:
    """``push`` to the default branch that adds or modifies post-mortems under the configured directory."""
    event, plan = ctx.event, Plan()
    payload = event.payload
    ref = str(payload.get("ref") or "")
    if ref != f"refs/heads/{ctx.default_branch}" or payload.get("deleted"):
        plan.say(f"Push to {ref or 'an unknown ref'}: only pushes to {ctx.default_branch} sync action items.")
        return plan
    catalogue = catalogue_path(ctx.config)  # the catalogue README is no post-mortem
    paths = [p for p in _pushed_paths(payload, ctx.config.directory, ("added", "modified")) if p != catalogue]
    removed = [p for p in _pushed_paths(payload, ctx.config.directory, ("removed",)) if p not in paths]
    if not paths and not removed:
        plan.say(f"The push changed no post-mortem under {ctx.config.directory}/; no action items to sync.")
        return plan
    if removed:
        _warn_about_removed(ctx, removed, plan)
    paths = [path for path in paths if not _awaiting_publication(ctx, path, plan)]
    held = {target.path for target in _open_pull_targets(ctx)} if paths else set()
    for path in (p for p in paths if p in held):
        plan.say(f"{path} is also in an open post-mortem pull request: its action items are synced there.")
    targets = [
        Target(path=path, branch=ctx.default_branch, on_default=True) for path in paths if path not in held
    ]
    return _sync(ctx, targets, plan) if targets else plan


def _awaiting_publication(ctx: Context, path: str, plan: Plan) -> bool:
    """Whether ``path`` is a merged post-mortem the ``pull_request`` closed run has not published yet.

    A merge sends ``closed`` and ``push`` in no guaranteed order; the closed run owns the publication and then
    syncs the published document, so a push that comes first only says so (one read: the document itself).
    """
    try:
        file = ctx.snapshot.file(path, ctx.default_branch)
        meta = split_frontmatter(file.text)[0] if file is not None else {}
    except (NotText, DocumentError):
        return False
    status = meta.get("status")
    if meta.get("incident") is None or status is None or str(status) == "Published":
        return False
    plan.say(
        f"{path} is a merged post-mortem that is not Published yet (status: {status}): the pull request's closed "
        "run publishes it and syncs its action items; this push leaves it alone."
    )
    return True


def _warn_about_removed(ctx: Context, removed: Sequence[str], plan: Plan) -> None:
    """A deleted post-mortem's open tracking issues are named, not closed: deleting a file by mistake must not
    close a team's work, and a rename shows up as the new file, which claims them again."""
    issues = action_issues(
        [i for i in ctx.snapshot.issues_labelled(ctx.config.action_items.label) if i.state == "open"],
        ctx.config,
    )
    for path in removed:
        numbers = [
            f"#{issue.number}" for issue in issues if (link := read_link(issue.body)) and link.doc == path
        ]
        if numbers:
            plan.say(
                f"{path} was deleted, but its tracking issues {', '.join(numbers)} are still open: close them, or "
                "restore the post-mortem.",
                "warning",
            )


def handle_tracking_issue(ctx: Context) -> Plan:
    """``issues`` closed / reopened of a tracking issue: its row's Status follows (a whole-document sync)."""
    event, config, plan = ctx.event, ctx.config, Plan()
    issue = event.issue
    if issue is None or "pull_request" in issue:
        plan.say(f"{event.describe()}: not about an issue; no action items to sync.")
        return plan
    number = int(issue["number"])
    labels = {
        str(label.get("name", "")).casefold()
        for label in issue.get("labels") or []
        if isinstance(label, dict)
    }
    user = issue.get("user") or {}
    by_action = written_by_action(str(user.get("login") or ""), str(user.get("type") or "User"), config)
    link = read_link(issue.get("body")) if by_action else None
    if link is not None and safe_document_path(link.doc) is None:
        link = None
    if config.action_items.label.casefold() not in labels or link is None:
        plan.say(f"Action items: #{number} is not a tracking issue of an action item.", "debug")
        return plan
    if event.action not in ISSUE_ACTIONS:
        plan.say(
            f"Action items: {event.describe()} for #{number}: only closing or reopening a tracking issue changes "
            "its row.",
            "debug",
        )
        return plan
    target = Target(path=link.doc, branch=ctx.default_branch, on_default=True)
    if link.incident is not None:
        pull = ctx.snapshot.pull_request_from(branch_name(link.incident))
        held = _pull_target(ctx, pull, pull.head_ref, on_default=False) if pull is not None else None
        if pull is not None and pull.state == "open" and held is not None and held.path in ("", link.doc):
            target = held.model_copy(update={"path": link.doc})
    return _sync(ctx, [target], plan)


def handle_reconcile(ctx: Context) -> Plan:
    """``workflow_dispatch`` / ``schedule``: every post-mortem on the default branch and every open
    (non-draft) post-mortem pull request, in one pass with one issue listing."""
    config, plan = ctx.config, Plan()
    targets = _open_pull_targets(ctx)
    held = {target.path for target in targets}
    for entry in ctx.snapshot.directory(config.directory, ctx.default_branch):
        if (
            entry.type == "file"
            and entry.name.endswith(".md")
            and entry.path not in held
            and entry.path != catalogue_path(config)  # the catalogue README is no post-mortem
        ):
            targets.append(Target(path=entry.path, branch=ctx.default_branch, on_default=True))
    if not targets:
        plan.say(f"No post-mortems under {config.directory}/ and no open post-mortem pull requests.")
        return plan
    return _sync(ctx, targets, plan)
